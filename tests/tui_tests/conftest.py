"""Shared fixtures for the Pilot tests: sample accounts loaded and analysed once per session."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from textual.worker import WorkerFailed

from core.analysis import Analysis, analyse
from core.loader import load_account
from core.model import Account
from core.samples import sample_path
from tui.app import IamExploreApp

SIZE = (160, 48)

_CACHE: dict[str, tuple[Account, Analysis]] = {}


def loaded(name: str) -> tuple[Account, Analysis]:
    """The sample ``name``, loaded and analysed once per test session."""
    if name not in _CACHE:
        account = load_account(sample_path(name))
        _CACHE[name] = (account, analyse(account))
    return _CACHE[name]


@pytest.fixture
def make_app() -> Callable[..., IamExploreApp]:
    """``make_app("classic-story")``: an app on a preloaded sample (no load worker)."""

    def make(name: str) -> IamExploreApp:
        account, analysis = loaded(name)
        return IamExploreApp(sample_path(name), account=account, analysis=analysis, watch=False)

    return make


async def settle(app: IamExploreApp, pilot: object) -> None:
    """Wait for workers and pending messages."""
    await pilot.pause()  # type: ignore[attr-defined]
    # Load workers run with exit_on_error=False and the app shows their failure; whether
    # wait_for_complete sees it depends on timing (it raises only while the worker is still
    # tracked), which made error-path tests flaky under load.
    with contextlib.suppress(WorkerFailed):
        await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def passrole_rows(app: IamExploreApp) -> int:
    """Rows of the Edges pane that are PassRole edges (the classic stories also have two
    conditional findings for taking over an instance that already runs with the profile)."""
    main = app.main
    return sum(
        1
        for key in main.table("edges").visible_keys
        if (hit := main.finding_for(key)) is not None and hit[0].kind == "passrole"
    )
