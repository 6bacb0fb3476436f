"""One command table (tui.command_table) drives the ``:`` bar, the palette and the help."""

from __future__ import annotations

from collections.abc import Callable

from tests.tui_tests.conftest import SIZE, settle
from tui.app import IamExploreApp
from tui.command_table import COMMANDS, find
from tui.keymap import KEYMAP, keymap_markdown
from tui.screens.paths import PathsScreen
from tui.screens.whatif import WhatIfScreen


def test_every_word_and_alias_names_its_command_and_help_lists_it() -> None:
    help_text = keymap_markdown()
    keys = {spec.id for spec in KEYMAP}
    for command in COMMANDS:
        for word in command.words:
            assert find(word) is command and find(word.upper()) is command
            assert f"`:{word}" in help_text
        assert not command.key or command.key in keys
    assert find("sacn") is None


async def test_colon_alias_runs_the_command(make_app: Callable[[str], IamExploreApp]) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("1", "enter", "colon", "w", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, WhatIfScreen)


async def test_palette_runs_a_command_from_the_table(
    make_app: Callable[[str], IamExploreApp],
) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"view: paths")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PathsScreen)
