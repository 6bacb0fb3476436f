"""Every row of the escalation catalogue is a row of the methods or services table (issue 11,
item 16). The ids are copied into ``tests/data/escalation-catalog-ids.tsv``.

Rows that IAM data alone cannot decide (existing resources, credential state, a discontinued
service) must still be listed, as conditional on what is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.escalate.method_edges import EXISTING_RESOURCE_SERVICE
from core.escalate.tables.methods import METHODS, EscalationMethod
from core.escalate.tables.services import SERVICES

DATA = Path(__file__).parent.parent / "data" / "escalation-catalog-ids.tsv"


def _rows() -> list[tuple[str, str]]:
    out = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cid, category = line.split("\t")
            out.append((cid, category))
    return out


ROWS = _rows()


def _named() -> dict[str, list[object]]:
    named: dict[str, list[object]] = {}
    for m in METHODS:
        for cid in m.catalog:
            named.setdefault(cid, []).append(m)
    for s in SERVICES:
        for a in s.action_sets:
            for cid in a.catalog:
                named.setdefault(cid, []).append(a)
    return named


def test_the_copied_catalogue_has_its_80_rows() -> None:
    ids = [cid for cid, _ in ROWS]
    assert len(ids) == 80 and len(set(ids)) == 80


def test_every_catalogue_row_is_named_by_a_table_row() -> None:
    named = _named()
    missing = [cid for cid, _ in ROWS if cid not in named]
    assert not missing, f"catalogue ids without a methods/services row: {missing}"


def test_tables_name_only_catalogue_ids() -> None:
    known = {cid for cid, _ in ROWS}
    assert set(_named()) <= known


def _existing(m: EscalationMethod) -> bool:
    parts = m.resource_arn.split(":")
    return len(parts) > 2 and parts[2] in EXISTING_RESOURCE_SERVICE


UNDECIDABLE = [r for r in ROWS if r[1] in ("existing resource hijack", "credential creation")]


@pytest.mark.parametrize(("cid", "category"), UNDECIDABLE, ids=[r[0] for r in UNDECIDABLE])
def test_rows_iam_data_cannot_decide_are_conditional_on_what_is_missing(
    cid: str, category: str
) -> None:
    for row in _named()[cid]:
        if isinstance(row, EscalationMethod):
            # An existing resource (edges say "an existing ec2 instance that uses role R") or a
            # stated need (key and password state).
            assert _existing(row) or row.needs or row.id == "delete-and-create-access-key", cid
        else:
            assert row.needs, cid  # type: ignore[attr-defined]
