"""The Edges pane marks a hop whose target has a path to admin (issue 11, item 6)."""

from __future__ import annotations

from core.findings import Escalation, Finding
from tui.widgets.index import reach_mark
from tui.widgets.styles import Palette

PAL = Palette.from_theme({})


def _f(escalation: Escalation, reach: tuple[int, bool] | None) -> Finding:
    return Finding(
        "assume-role",
        "arn:aws:iam::1:user/u",
        "arn:aws:iam::1:role/a",
        "t",
        escalation=escalation,
        reaches_admin=reach,
    )


def test_marker_on_a_first_hop_toward_admin() -> None:
    f = _f("none", (2, False))
    assert reach_mark(f) == "→ADMIN 2"
    assert PAL.reach(f).plain == "2 hops"
    assert PAL.escalation(f).plain == "· none →ADMIN 2"
    assert PAL.escalation(f, reach=False).plain == "· none"


def test_conditional_reach_is_marked_and_admin_hops_need_no_marker() -> None:
    assert PAL.reach(_f("privilege-gain", (3, True))).plain == "3 hops?"
    assert reach_mark(_f("admin", (1, False))) == ""
    assert PAL.reach(_f("none", None)).plain == ""
