"""``analyse(..., reusable=False)`` (a one-off scan) keeps nothing for a what-if and drops
each signature's edges after its last principal: the findings, labels and paths are the same."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from core.escalate.analysis import analyse
from core.explain.whatif import Session, remove_from_group
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.report.scan import to_json

AT = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("sample", ["classic-story", "edge-cases", "midsize-company"])
def test_a_one_off_analysis_finds_the_same(sample: str) -> None:
    account = load_account(sample_path(sample))
    kept = analyse(account, at=AT)
    once = analyse(account, at=AT, reusable=False)
    assert kept.cache is not None and once.cache is None
    both = [
        json.dumps(to_json(a, include_admin_sources=True, all_edges=True), sort_keys=True)
        for a in (kept, once)
    ]
    assert both[0] == both[1]
    assert [p.to_json() for p in kept.paths] == [p.to_json() for p in once.paths]


def test_a_whatif_on_a_one_off_analysis_starts_afresh() -> None:
    account = load_account(sample_path("midsize-company"))
    user = next(u for u in account.users if u.groups)
    session = Session(account, analyse(account, at=AT, reusable=False))
    diff = session.apply(remove_from_group(user.arn, user.groups[0]))
    assert session.analysis.cache is not None  # the what-if's own analysis is reusable
    fresh = analyse(session.current, at=AT)
    assert {f.key for f in session.analysis.findings} == {f.key for f in fresh.findings}
    assert {f.key for f in diff.removed} <= {f.key for f in analyse(account, at=AT).findings}
