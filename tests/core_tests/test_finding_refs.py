"""A finding names its table row by reference: ``Finding.method`` and ``Finding.service_row``."""

from __future__ import annotations

from core.escalate.analysis import analyse
from core.load.samples import sample_path
from core.load.snapshot import load_account


def test_every_finding_resolves_to_its_table_row() -> None:
    analysis = analyse(load_account(sample_path("midsize-company")))
    kinds = {f.kind for f in analysis.findings}
    assert "passrole" in kinds and len(kinds) > 1
    for f in analysis.findings:
        if f.kind == "passrole":
            assert f.method is None
            row = f.service_row
            assert row is not None and row.id == f.service_id
            assert f.service in row.principals
        else:
            m = f.method
            assert m is not None and m.id == f.kind
