"""A what-if's Edges index borrows the search texts of the findings it shares with the index
shown before it: the texts are exactly those a fresh index would have."""

from __future__ import annotations

from core.escalate.analysis import analyse
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
