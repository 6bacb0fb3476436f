"""Pilot tests of ``iam-explore OLD --compare NEW``: the explorer opens with a diff marked."""

from __future__ import annotations

from core.samples import sample_path
from tests.tui_tests.conftest import SIZE, Samples, settle
from tests.tui_tests.test_whatif import edge_rows
from tui.app import IamExploreApp


def compare_app(samples: Samples, old: str, new: str) -> IamExploreApp:
    """``iam-explore OLD --compare NEW`` with NEW the shared analysed sample (OLD still loads
    and is analysed in the load worker, as on the command line)."""
    account, analysis = samples(new)
    return IamExploreApp(
        sample_path(new),
        account=account,
        analysis=analysis,
        baseline=sample_path(old),
        watch=False,
    )


async def test_compare_marks_the_new_admin_edge_of_the_classic_story(samples: Samples) -> None:
    app = compare_app(samples, "classic-story", "classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert edge_rows(app) == [
            ("test-user can pass EC2-roles-for-XYZ to Amazon EC2", "admin", "added")
        ]
        await pilot.press("4")  # the Edges pane: its first row goes to the details
        await settle(app, pilot)
        text = "\n".join(str(w.render()) for w in app.main.details.query("Static"))
        assert "+NEW (since classic-story.json)" in text


async def test_compare_the_other_way_lists_the_edge_as_gone(samples: Samples) -> None:
    app = compare_app(samples, "classic-story-fixed", "classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert [(t, status) for t, _, status in edge_rows(app)] == [
            ("test-user can pass EC2-roles-for-XYZ to Amazon EC2", "removed")
        ]


async def test_compare_with_another_account_shows_an_error_not_a_crash(samples: Samples) -> None:
    app = compare_app(samples, "classic-story", "midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.is_running
        assert any("one account" in str(n.message) for n in app._notifications)
