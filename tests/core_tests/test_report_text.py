"""The report writers that write JSON text directly (``core.report.json_text``, the findings of
``scan --format json``, the streamed SARIF log) write what ``json.dumps`` writes, byte for
byte."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.escalate.analysis import analyse
from core.escalate.findings import Reason
from core.evaluate.decision import PolicyRef, StatementRef
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.account import PolicyDocument, Statement
from core.report.json_text import string_list, write_indented
from core.report.sarif import ResultText, result
from core.report.scan import _Table, dumps_report, to_json, to_sarif, write_json, write_sarif

AT = datetime(2026, 12, 1, tzinfo=UTC)
SAMPLES = ("classic-story", "classic-story-fixed", "edge-cases", "midsize-company")

# Strings with what JSON must escape: quotes, backslashes, control characters, non-ASCII,
# characters outside the BMP (written as surrogate pairs).
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)


@given(JSONISH)
def test_write_indented_is_json_dumps_indent_2(value: Any) -> None:
    chunks: list[str] = []
    write_indented(value, chunks.append)
    assert "".join(chunks) == json.dumps(value, indent=2)


def test_write_indented_writes_iterators_and_tuples_as_lists() -> None:
    def rows() -> Iterator[dict[str, Any]]:
        yield {"a": (1, 2.5)}
        yield {"b": []}

    chunks: list[str] = []
    write_indented({"runs": rows(), "none": iter(())}, chunks.append)
    expected = {"runs": [{"a": [1, 2.5]}, {"b": []}], "none": []}
    assert "".join(chunks) == json.dumps(expected, indent=2)


@given(st.lists(TEXT, max_size=5))
def test_string_list_is_json_dumps(values: list[str]) -> None:
    assert string_list(values) == json.dumps(values)


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize(
    "options",
    [{}, {"all_edges": True, "include_admin_sources": True}, {"group_min": 2}],
    ids=["default", "all", "grouped"],
)
def test_written_findings_are_the_report_objects(name: str, options: dict[str, Any]) -> None:
    """``write_json`` writes each finding's text directly; ``to_json`` builds the objects."""
    analysis = analyse(load_account(sample_path(name)), at=AT)
    chunks: list[str] = []
    write_json(analysis, chunks.append, **options)
    whole = to_json(analysis, **options)
    assert "".join(chunks) == dumps_report(whole) + "\n"
    assert whole["findings"]


def _ref(index: int, sid: str) -> StatementRef:
    st_ = Statement(index, "Allow", actions=("iam:PassRole",), resources=("*",), sid=sid)
    doc = PolicyDocument("2012-10-17", (st_,))
    return StatementRef(PolicyRef(name="p", document=doc, arn="arn:aws:iam::1:policy/p"), st_)


def test_reason_text_names_each_reasons_own_statements() -> None:
    """Reasons with the same step and text (their start is kept once) but other statements
    list their own statement ids."""
    table = _Table()
    a = (Reason("passrole", 'may pass "x" \u00e9\n', (_ref(0, "A"),)),)
    b = (Reason("passrole", 'may pass "x" \u00e9\n', (_ref(1, "B"), _ref(0, "A"))),)
    c = (Reason("passrole", 'may pass "x" \u00e9\n'),)
    texts = [table.reasons_text(r) for r in (a, b, c, a)]
    assert [json.loads(t) for t in texts] == [
        [{"step": "passrole", "text": 'may pass "x" \u00e9\n', "statements": ids}]
        for ids in (["s1"], ["s2", "s1"], [], ["s1"])
    ]
    objects = _Table()  # the same reasons as objects, through a table of their own
    assert texts == [json.dumps(objects.reasons(r)) for r in (a, b, c, a)]


@pytest.mark.parametrize("name", SAMPLES)
def test_streamed_sarif_is_the_whole_log(name: str) -> None:
    analysis = analyse(load_account(sample_path(name)), at=AT)
    chunks: list[str] = []
    write_sarif(to_sarif(analysis, stream=True), chunks.append)
    whole = to_sarif(analysis)
    assert isinstance(whole["runs"][0]["results"], list) and whole["runs"][0]["results"]
    assert "".join(chunks) == json.dumps(whole, indent=2) + "\n"


@pytest.mark.parametrize("located", [True, False], ids=["with-lines", "no-lines"])
@pytest.mark.parametrize("indent", [2, 4])
def test_result_text_is_the_result_object(located: bool, indent: int) -> None:
    """Every finding's SARIF result written directly (conditions, constraints, no role, with
    and without a line in the snapshot) is the result object as ``json.dumps`` writes it."""
    findings = [
        f
        for name in ("edge-cases", "midsize-company")
        for f in analyse(load_account(sample_path(name)), at=AT).findings
    ]
    assert any(f.conditions for f in findings) and any(f.role is None for f in findings)
    assert any(f.constraints for f in findings)
    lines = {f.source: n for n, f in enumerate(findings, 1)} if located else {}
    source = "snaps/a b.json"
    chunks: list[str] = []
    first = ResultText(findings[0], source, lines)  # also as a dict's value, not a list item
    write_indented(
        {"r": [ResultText(f, source, lines) for f in findings], "one": first},
        chunks.append,
        indent,
    )
    expected = {
        "r": [result(f, source, lines) for f in findings],
        "one": result(findings[0], source, lines),
    }
    assert "".join(chunks) == json.dumps(expected, indent=indent)
