"""``scan --format json`` streams its report: the same bytes as the whole report written at
once, without holding every finding object (issue 10, item 5: a report that grows with what
matters)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from core.escalate.analysis import analyse
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.report.scan import dumps_report, report_items, to_json, write_report

AT = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("all_edges", [False, True])
def test_streamed_report_is_the_whole_report(all_edges: bool) -> None:
    analysis = analyse(load_account(sample_path("midsize-company")), at=AT)
    whole = to_json(analysis, all_edges=all_edges)
    chunks: list[str] = []
    write_report(report_items(analysis, all_edges=all_edges), chunks.append)
    text = "".join(chunks)
    assert text == dumps_report(whole) + "\n"
    assert json.loads(text) == whole
    assert whole["findings"] and whole["statements"]  # the sample has both to write


def test_findings_are_written_as_they_are_produced() -> None:
    pulled: list[int] = []
    written: list[int] = []

    def findings() -> Iterator[dict[str, Any]]:
        for i in range(3):
            pulled.append(i)
            assert len(written) >= i  # the one before was written before this was made
            yield {"n": i}

    def write(text: str) -> None:
        written.extend(int(n) for n in re.findall(r'"n": (\d+)', text))

    write_report([("findings", findings()), ("after", 1)], write)
    assert written == pulled == [0, 1, 2]


def test_empty_values_keep_their_brackets() -> None:
    items: list[tuple[str, Any]] = [
        ("a", iter(())),
        ("b", []),
        ("c", {}),
        ("d", {"k": [1]}),
        ("e", None),
    ]
    chunks: list[str] = []
    write_report(items, chunks.append)
    text = "".join(chunks)
    assert json.loads(text) == {"a": [], "b": [], "c": {}, "d": {"k": [1]}, "e": None}
    assert '  "a": [],\n' in text and '    "k": [1]\n' in text
