"""Shared fixtures for the Pilot tests: sample accounts loaded and analysed once per session.

Sharing is safe: :class:`Account` and :class:`Analysis` are frozen, and what a test changes (a
what-if, a selection) lives in its own app, never in these values.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerFailed

from core.analysis import Analysis, analyse
from core.loader import load_account
from core.model import Account
from core.samples import sample_path
from core.whatif import Session
from tui.app import IamExploreApp

SIZE = (160, 48)

Samples = Callable[[str], tuple[Account, Analysis]]
"""``samples("classic-story")``: the bundled sample, loaded and analysed."""

MakeApp = Callable[[str], IamExploreApp]
"""``make_app("classic-story")``: an app on a shared analysed sample."""

AppPilot = Pilot[int]
"""The Pilot of an :class:`IamExploreApp` (its return value is the exit code)."""


@cache
def analysed(path: Path) -> tuple[Account, Analysis]:
    """The snapshot at ``path``, loaded and analysed once per session (a pure function of the
    path: the bundled samples and test data do not change during a run)."""
    account = load_account(path)
    return account, analyse(account)


def loaded(name: str) -> tuple[Account, Analysis]:
    """The bundled sample ``name``, loaded and analysed. Tests take it through the ``samples``
    fixture."""
    return analysed(sample_path(name))


@pytest.fixture(scope="session")
def samples() -> Iterator[Samples]:
    """The analysed samples, shared by every test of the session (each analysed once)."""
    yield loaded
    analysed.cache_clear()


@pytest.fixture
def make_app(samples: Samples) -> MakeApp:
    """``make_app("classic-story")``: an app on a shared analysed sample (no load worker)."""

    def make(name: str) -> IamExploreApp:
        account, analysis = samples(name)
        return IamExploreApp(sample_path(name), account=account, analysis=analysis, watch=False)

    return make


async def settle(app: IamExploreApp, pilot: AppPilot) -> None:
    """Wait for workers and pending messages."""
    await pilot.pause()
    # Load workers run with exit_on_error=False and the app shows their failure; whether
    # wait_for_complete sees it depends on timing (it raises only while the worker is still
    # tracked), which made error-path tests flaky under load.
    with contextlib.suppress(WorkerFailed):
        await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def front(app: IamExploreApp) -> Screen[object]:
    """The screen in front. A call, not ``app.screen``: mypy would carry an ``isinstance``
    narrowing of ``app.screen`` across the key presses that change it."""
    return app.screen


def session(app: IamExploreApp) -> Session:
    """The app's what-if session (there is one once the account is loaded)."""
    assert app.session is not None, "no account loaded"
    return app.session


def passrole_rows(app: IamExploreApp) -> int:
    """Rows of the Edges pane that are PassRole edges (the classic stories also have two
    conditional findings for taking over an instance that already runs with the profile)."""
    main = app.main
    return sum(
        1
        for key in main.table("edges").visible_keys
        if (hit := main.finding_for(key)) is not None and hit[0].kind == "passrole"
    )
