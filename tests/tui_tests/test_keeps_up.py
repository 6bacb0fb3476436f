"""The explorer keeps up (issue 10 item 7): heavy work runs in workers, keys work meanwhile.

The slow analysis is a stub that blocks on an ``Event`` until the test opens it: if the work
ran on the UI thread, the test itself (which runs on the UI thread) would block in the stub,
which gives up after a few seconds and fails the test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import core.explain.whatif
from core.escalate.analysis import analyse
from core.explain.whatif import Session, add_inline_policy
from tests.tui_tests.conftest import SIZE, settle
from tui.app import IamExploreApp
from tui.widgets import panes

MakeApp = Callable[[str], IamExploreApp]

USER = "arn:aws:iam::111122223333:user/test-user"
ROLE = "arn:aws:iam::111122223333:role/EC2-roles-for-XYZ"
PASS_ROLE = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", '
    f'"Resource": "{ROLE}"}}]}}'
)


class Gate:
    """A stand-in for ``core.escalate.analysis.analyse`` that waits until the test opens it."""

    def __init__(self, real: Callable[..., Any], block: int = 1) -> None:
        self.real = real
        self.block = block
        """How many calls wait (later calls run at once)."""
        self.open = threading.Event()
        self.entered = threading.Event()
        self.calls = 0
        self.threads: list[str] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.threads.append(threading.current_thread().name)
        if self.calls <= self.block:
            self.entered.set()
            if not self.open.wait(5):
                raise AssertionError("the analysis ran on the UI thread: keys were blocked")
        return self.real(*args, **kwargs)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    stub = Gate(analyse)
    monkeypatch.setattr(core.explain.whatif, "analyse", stub)
    return stub


async def entered(gate: Gate, pilot: Any) -> None:
    """Yield to the app until the worker is inside the stub."""
    for _ in range(500):
        if gate.entered.is_set():
            return
        await pilot.pause(0.01)
    raise AssertionError("the what-if worker never started")


def session(app: IamExploreApp) -> Session:
    assert app.session is not None
    return app.session


def _change(name: str = "try") -> core.explain.whatif.Change:
    return add_inline_policy(USER, name, PASS_ROLE)


async def test_pane_switch_and_filter_work_while_a_whatif_reanalyses(
    make_app: MakeApp, gate: Gate
) -> None:
    app: IamExploreApp = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        app.apply_change(_change())
        await entered(gate, pilot)
        status = main.query_one("#status-line")
        assert status.display and "re-analysing" in str(status.render())
        await pilot.press("2")  # a pane switch
        await pilot.pause()
        assert app.focused is main.table("roles")
        await pilot.press("slash", "q", "q", "q")  # a filter, typed and applied
        await pilot.pause()
        roles = main.table("roles")
        assert roles.filter_text == "qqq" and roles.row_count == 0 < len(roles.all_rows)
        assert not gate.open.is_set() and not session(app).modified
        gate.open.set()
        await settle(app, pilot)
        assert session(app).modified and not status.display
        assert gate.threads[0] != threading.main_thread().name


async def test_a_newer_whatif_supersedes_the_running_one(make_app: MakeApp, gate: Gate) -> None:
    app: IamExploreApp = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.apply_change(_change("first"))
        await entered(gate, pilot)
        app.apply_change(_change("second"))  # the first is cancelled; its result is dropped
        await pilot.pause()
        gate.open.set()
        await settle(app, pilot)
        assert [c.description for c in session(app).history] == [
            "add inline policy second to test-user"
        ]
        assert "second" in str(app.main.query_one("#whatif-banner").render())


async def test_undo_while_a_whatif_runs_cancels_it(make_app: MakeApp, gate: Gate) -> None:
    app: IamExploreApp = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = app.index
        app.apply_change(_change())
        await entered(gate, pilot)
        await pilot.press("u")
        await pilot.pause()
        assert not app.main.query_one("#status-line").display
        gate.open.set()
        await settle(app, pilot)
        assert session(app).history == [] and not session(app).modified
        assert app.index is before  # the cancelled result was never shown


async def test_large_filter_runs_in_a_worker_and_drops_stale_results(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past its UI-thread budget a filter goes on in a thread; a keystroke typed while it runs
    supersedes it, and only the newest query's rows are shown."""
    monkeypatch.setattr(panes, "FILTER_BUDGET", 0.0)
    monkeypatch.setattr(panes, "SYNC_CHUNK", 1)  # one row on the UI thread, the rest in a worker
    app: IamExploreApp = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        edges = app.main.table("edges")
        model = edges.model
        release = threading.Event()
        threads: list[str] = []
        real_filter = model.filter

        def slow_filter(ids: Any, query: str) -> list[int]:
            threads.append(threading.current_thread().name)
            if query == "a" and threading.current_thread() is not threading.main_thread():
                assert release.wait(5), "the test never released the filter"
            return real_filter(ids, query)

        monkeypatch.setattr(model, "filter", slow_filter)
        everything = edges.row_count
        await pilot.press("4", "slash", "a")
        await pilot.pause(0.1)  # past the debounce: the worker for "a" is waiting
        assert edges.filter_pending and not edges.rows_final and edges.row_count == everything
        await pilot.press("d")  # "ad" supersedes "a"
        release.set()
        await settle(app, pilot)
        while edges.filter_pending:
            await pilot.pause(0.02)
        expected = [model.key(i) for i in model.ids() if "ad" in model.row(i).text]
        assert edges.visible_keys == expected and 0 < len(expected) < everything
        assert {t for t in threads if t != threading.main_thread().name}  # a worker filtered
