"""A what-if's Edges index borrows the search texts of the findings it shares with the index
shown before it: the texts are exactly those a fresh index would have."""

from __future__ import annotations

from core.escalate.analysis import analyse
from core.escalate.findings import Finding
from core.explain.whatif import Session, remove_from_group
from core.load.samples import sample_path
from core.load.snapshot import load_account
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
