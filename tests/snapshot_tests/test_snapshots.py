"""Snapshots of the explorer's looks on the fixed classic story (160x48, no clock, no blink).

Update them after a deliberate change with ``pytest tests/snapshot_tests --snapshot-update``.
Add ``-n 0`` to have unused snapshots reported: syrupy does not look for them under
pytest-xdist (the suite's default ``-n 2``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Protocol

from textual.pilot import Pilot

from core.analysis import analyse
from core.loader import load_account
from core.samples import sample_path
from tui.app import IamExploreApp

SIZE = (160, 48)


class SnapCompare(Protocol):
    """The ``snap_compare`` fixture of pytest-textual-snapshot, as these tests call it (the
    plugin ships no type information)."""

    def __call__(
        self,
        app: IamExploreApp,
        *,
        terminal_size: tuple[int, int],
        run_before: Callable[[Pilot[None]], Awaitable[None]],
    ) -> bool: ...


def fixed_story_app() -> IamExploreApp:
    """The app on classic-story-fixed, with a stable source label (no absolute path)."""
    account = load_account(sample_path("classic-story-fixed"))
    account = replace(account, source="classic-story-fixed.json")
    return IamExploreApp(
        sample_path("classic-story-fixed"), account=account, analysis=analyse(account), watch=False
    )


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen(snap_compare: SnapCompare) -> None:
    assert snap_compare(fixed_story_app(), terminal_size=SIZE, run_before=_settle)


def test_details_of_the_edge(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("5")  # into the details: the PassRole statement is focused
        await pilot.pause()

    assert snap_compare(fixed_story_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(fixed_story_app(), terminal_size=SIZE, run_before=run_before)
