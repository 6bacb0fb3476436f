"""The account is shown while its first analysis runs (issue 10, "the explorer keeps up").

On a large account the analysis takes a while; the explorer shows the users, roles and their
policies as soon as the snapshot is read, says that edges are being analysed, never claims
that an edge exists or does not meanwhile, and keeps the user's place when the edges arrive.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import Static

import tui.app as app_module
from core.escalate.analysis import Analysis
from core.escalate.analysis import analyse as real_analyse
from core.load.samples import sample_path
from tests.tui_tests.conftest import SIZE, AppPilot
from tui.app import IamExploreApp
from tui.screens.paths import PathsScreen


class HeldAnalysis:
    """``analyse`` that waits for the test to release it (the worker thread blocks)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Analysis:
        self.started.set()
        assert self.release.wait(30), "the test never released the analysis"
        return real_analyse(*args, **kwargs)


async def until(pilot: AppPilot, condition: Any, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never held")


def details_text(app: IamExploreApp) -> str:
    return "\n".join(str(s.render()) for s in app.main.details.query(Static))


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldAnalysis:
    hold = HeldAnalysis()
    monkeypatch.setattr(app_module, "analyse", hold)
    return hold


async def test_principals_are_browsable_while_the_account_is_analysed(held: HeldAnalysis) -> None:
    app = IamExploreApp(sample_path("classic-story"), watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.index is not None)
        assert held.started.is_set() and not held.release.is_set()
        main = app.main
        assert app.analysing and main.query_one("#loading").display is False
        assert "edges: analysing" in str(main.query_one("#header", Static).render())
        assert "analysing the account" in str(main.query_one("#status-line", Static).render())
        services = main.table("services")
        assert services.row_count > 0
        assert {r.resolved()[:2] for r in services.all_rows} == {("…", "…")}
        users = main.table("users")
        assert app.index is not None
        assert users.row_count == len(app.index.account.users) > 0
        # A user's details: its policies, and no claim about its edges.
        await pilot.press("1", "j")
        await pilot.pause()
        text = details_text(app)
        assert "edges and paths: analysing" in text
        assert "edges from this user" not in text
        # Nothing may say "no edges" or "no paths" yet: the edges pane says why it is empty.
        await pilot.press("4")
        await pilot.pause()
        assert "being analysed" in details_text(app)
        await pilot.press("p", "w")
        await pilot.pause()
        assert not isinstance(app.screen, PathsScreen) and app.screen is main
        user_row = users.cursor_row
        held.release.set()
        await until(pilot, lambda: app.index is not None and app.index.complete, tries=500)
        await pilot.pause()
        assert not app.analysing
        assert "edges: analysing" not in str(main.query_one("#header", Static).render())
        assert main.query_one("#status-line").display is False
        assert main.table("edges").row_count > 0
        assert users.cursor_row == user_row, "the user's place is kept"


async def test_a_failed_analysis_leaves_the_account_shown_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(*args: Any, **kwargs: Any) -> Analysis:
        raise RuntimeError("boom")

    monkeypatch.setattr(app_module, "analyse", failing)
    app = IamExploreApp(sample_path("classic-story"), watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.main.error))
        assert app.index is not None and not app.index.complete
        assert app.main.table("users").row_count > 0, "nothing loaded is lost"
        assert "analysis failed" in str(app.main.query_one("#status-line", Static).render())
        assert app.is_running
