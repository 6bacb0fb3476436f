"""A what-if's Edges index borrows the search texts of the findings it shares with the index
shown before it: the texts are exactly those a fresh index would have."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.escalate.analysis import analyse
from core.escalate.findings import Finding
from core.explain.whatif import Session, remove_from_group
from core.explain.whatif_options import options_for
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.account import Role, User
from core.model.errors import IamExploreError
from core.report.scan import summary
from tui.widgets.index import EdgeIndex, search_text


def test_borrowed_texts_are_the_fresh_texts() -> None:
    account = load_account(sample_path("midsize-company"))
    session = Session(account, analyse(account))
    shown = EdgeIndex.build(session.analysis)
    user = next(u for u in account.users if u.groups)
    session.apply(remove_from_group(user.arn, user.groups[0]))
    borrowed = EdgeIndex.build(session.analysis, shown)
    fresh = EdgeIndex.build(session.analysis)
    assert borrowed.texts == fresh.texts == [search_text(f) for f in fresh.findings]
    shared = {id(f) for f in shown.findings} & {id(f) for f in borrowed.findings}
    assert shared  # texts were borrowed, not all written again


def test_display_order_is_the_one_sort_of_every_finding_in_any_input_order() -> None:
    import random

    from tui.widgets.index import _ORDER, display_order

    findings = analyse(load_account(sample_path("midsize-company"))).findings

    def reference(fs: list[Finding]) -> list[Finding]:
        return sorted(
            fs,
            key=lambda f: (
                f.source_is_admin,
                _ORDER[f.escalation],
                f.kind != "passrole",
                f.conditional,
                f.source,
                f.target,
                f.service or "",
            ),
        )

    shuffled = findings[:]
    random.Random(7).shuffle(shuffled)
    for fs in (findings, shuffled):
        got = display_order(fs)
        assert len(got) == len(fs)
        assert all(a is b for a, b in zip(got, reference(fs), strict=True))


def _fields(index: EdgeIndex) -> dict[str, object]:
    names = ("findings", "by_source", "by_role", "by_service", "trusts", "texts")
    out: dict[str, object] = {n: getattr(index, n) for n in names}
    out |= {"shown": list(index.shown), "escalating": index.escalating}
    out |= {"service_counts": index.service_counts, "summary": index.summary}
    return out | {"shown_passrole": index.shown_passrole}


@pytest.mark.parametrize("share", [0.5, 1e9])
@pytest.mark.parametrize("sample", ["edge-cases", "midsize-company"])
def test_the_index_from_runs_per_source_is_the_index_of_every_finding(
    sample: str, share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A what-if's index is put together from per-source runs, reusing the previous index's
    # runs where a source's findings list is the same and, in the others, the runs no finding
    # left or joined: the same order, positions, texts and counts (the header's summary
    # included) as building it from every finding. share=1e9: a source is never put together
    # whole for having changed much (the samples' sources are small), so the splice is tested.
    import tui.widgets.index as index_module

    monkeypatch.setattr(index_module, "REBUILD_SHARE", share)
    account = load_account(sample_path(sample))
    session = Session(account, analyse(account))
    index = EdgeIndex.build(session.analysis)
    assert index.sources and index.summary == summary(session.analysis)
    assert _fields(index) == _fields(EdgeIndex.build(replace(session.analysis, parts=None)))
    principals: list[User | Role] = [*account.users, *account.roles]
    changes = [
        o.make()
        for e in principals
        for o in options_for(session.analysis, account, e)
        if o.make is not None
    ]
    for change in changes[:30]:
        try:
            session.apply(change)
        except IamExploreError:
            continue  # an earlier change took away what this one edits
        new = EdgeIndex.build(session.analysis, index)
        whole = EdgeIndex.build(replace(session.analysis, parts=None))
        assert _fields(new) == _fields(whole), change.description
        assert new.summary == summary(session.analysis)
        index = new
