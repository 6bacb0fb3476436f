"""Untrusted snapshots and careless use in the explorer (issue 12): nothing crashes, nothing is
interpreted as markup or reaches the terminal raw, dialogs survive fast keys.

Every view is opened on ``tests/data/hostile/hostile.json`` (markup closers and actions,
control sequences, bidi and zero-width characters, long values in every string field).
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.command import CommandList
from textual.widgets import DataTable

from core.analysis import analyse
from core.loader import load_data
from core.samples import sample_path
from tests.tui_tests.conftest import MakeApp, analysed, front, settle
from tui.app import IamExploreApp
from tui.commands.explore import exit_code
from tui.guard import SafeCommandPalette
from tui.screens.denial import DenialScreen
from tui.screens.error import ErrorScreen
from tui.screens.main import MainScreen
from tui.screens.paths import PathsScreen
from tui.screens.policy import PolicyScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.whatif import EditorScreen, WhatIfScreen
from tui.widgets.command_bar import CommandBar
from tui.widgets.details import StatementView
from tui.widgets.panes import PaneTable

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile" / "hostile.json"
SIZE = (110, 32)
"""Smaller than the other Pilot tests' screen: these check content, and drawing is the cost."""
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b")
"""Characters that must never reach the screen unescaped."""


def hostile_app() -> IamExploreApp:
    """An app on the hostile snapshot, analysed once per session like the samples."""
    account, analysis = analysed(HOSTILE)
    return IamExploreApp(HOSTILE, account=account, analysis=analysis, watch=False)


def screen_text(app: IamExploreApp) -> str:
    """What the terminal would show, as text (every widget of the current screen)."""
    update = app.screen._compositor.render_full_update(simplify=True)
    return "\n".join(strip.text for line in update.strips for strip in line)


def rows_text(table: PaneTable) -> str:
    """Every row's cells as the pane draws them (before cutting to the column width)."""
    return "\n".join(
        "  ".join(getattr(c, "plain", str(c)) for c in row.resolved()) for row in table.all_rows
    )


def assert_clean(app: IamExploreApp, text: str = "") -> None:
    assert app.recovered_errors == []
    assert app.screen_stack[1] is app.main  # the main screen was never popped
    for ch in RAW:
        assert ch not in text, f"raw {ch!r} on screen"


async def test_every_view_on_the_hostile_snapshot_shows_text_literally() -> None:
    app = hostile_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        assert main.table("edges").row_count == 23
        # Panes: names are literal (markup not applied, controls escaped).
        users = main.table("users")
        await pilot.press("1")
        await pilot.pause()
        shown = rows_text(users)
        assert "user5-acct[prod]" in shown  # not "user5-acct" (tag eaten)
        assert "user0-[/]" in shown
        assert "user13-\\x1b]0;pwned\\x07" in shown
        assert_clean(app, screen_text(app))
        # Details of every user, role and edge: literal and escaped, long values cut.
        for pane in ("users", "roles", "edges"):
            await pilot.press({"users": "1", "roles": "2", "edges": "4"}[pane])
            table = main.table(pane)
            for row in range(table.row_count):
                table.move_cursor(row=row)
                main.select(pane, table.current_key)
                assert_clean(app, main.details.text())
            await pilot.pause()
            assert_clean(app, screen_text(app))
        assert app.index is not None
        by_prefix = {u.name.split("-", 1)[0]: u for u in app.index.account.users}
        await pilot.press("1")
        users.move_to_key(by_prefix["user2"].arn)
        await pilot.pause()
        details = main.details.text()
        assert "user2-[bold red]red[/]" in details
        users.move_to_key(by_prefix["user22"].arn)
        await pilot.pause()
        details = main.details.text()
        assert "… [" in details and "chars]" in details  # the 4,000-character name is cut
        assert_clean(app, screen_text(app))
        # Edge details, a cited statement, its whole policy.
        await pilot.press("4", "g", "enter")
        await pilot.pause()
        assert isinstance(app.focused, StatementView)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PolicyScreen)
        assert_clean(app, screen_text(app))
        await pilot.press("escape")
        # Problems (condition operators and policy names with brackets), paths.
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        problems = app.screen.query_one(DataTable)
        cells = [
            getattr(c, "plain", str(c))
            for r in range(problems.row_count)
            for c in problems.get_row_at(r)
        ]
        assert any("StringEquals[/]" in c for c in cells), cells[:8]
        assert any("\\x1b]0;pwned\\x07" in c for c in cells)
        assert_clean(app, screen_text(app) + "".join(cells))
        await pilot.press("escape", "p")
        await pilot.pause()
        assert isinstance(app.screen, PathsScreen)
        paths = app.screen.query_one(DataTable)
        cells = [getattr(c, "plain", str(c)) for r in range(23) for c in paths.get_row_at(r)]
        assert "user5-acct[prod]" in cells and "user13-\\x1b]0;pwned\\x07" in cells
        assert_clean(app, screen_text(app) + "".join(cells))
        await pilot.press("enter")  # jumps to the path's first edge
        await pilot.pause()
        assert front(app) is main
        # What-if: options named after hostile policies and Sids; the editor.
        await pilot.press("4", "w")
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        assert_clean(app, screen_text(app))
        await pilot.press("end", "enter")  # the last option edits a new inline policy
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert_clean(app, screen_text(app))
        for _ in range(4):  # the first escape leaves the TextArea (tab_behavior="indent")
            if front(app) is main:
                break
            await pilot.press("escape")
            await pilot.pause()
        # Denial screen, help.
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DenialScreen)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert front(app) is main
        assert_clean(app, screen_text(app))


TYPED = ["[/", "[bold red]x[/]", "[@click=app.quit]q"]


async def test_typed_markup_in_filter_and_command_bar_is_literal(make_app: MakeApp) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for typed in TYPED:
            await pilot.press("slash", *typed)
            await pilot.pause()
            assert app.main.table("edges").filter_text == typed
            assert f"filter {typed!r}" in screen_text(app)  # literal in the pane title
            await pilot.press("enter", "colon", *typed, "enter")
            await pilot.pause()
            assert app.is_running  # [@click=app.quit] did not quit
            assert_clean(app, screen_text(app))
            await pilot.press("4", "escape")


async def test_hostile_snapshot_path_is_literal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative path, so the header shows it whole whatever the length of tmp_path (longer
    # under pytest-xdist: .../popen-gw0/...); the header shortens long paths.
    monkeypatch.chdir(tmp_path)
    folder = Path("reports[/old]")
    folder.mkdir(parents=True)
    snapshot = folder / "acct[prod]\x1b[2J.json"
    snapshot.write_bytes(sample_path("classic-story").read_bytes())
    app = IamExploreApp(snapshot, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        header = screen_text(app)
        assert "reports[/old]/acct[prod]\\x1b[2J.json" in header  # markup and ESC literal
        assert_clean(app, header)


async def test_double_enter_in_paths_and_whatif_dismisses_once(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PathsScreen)
        await pilot.press("enter", "enter")
        await pilot.pause()
        # The first Enter closes the dialog; the second never pops the main screen (at most
        # it drills into the edge the path starts with).
        assert not any(isinstance(s, PathsScreen) for s in app.screen_stack)
        assert app.screen_stack[1] is app.main
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("4", "w")
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        await pilot.press("enter", "enter")  # the first option disables a statement
        await settle(app, pilot)
        assert len(app.screen_stack) >= 2 and app.screen_stack[1] is app.main
        assert app.recovered_errors == []


async def test_exception_in_a_handler_shows_an_error_panel_and_the_app_goes_on(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: MainScreen) -> None:
        raise RuntimeError("boom [/] \x1b[2J")

    monkeypatch.setattr(MainScreen, "action_show_paths", broken)
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        text = screen_text(app)
        assert "RuntimeError: boom [/] \\x1b[2J" in text
        await pilot.press("escape", "1")
        await pilot.pause()
        assert front(app) is app.main
        assert app.focused is app.main.table("users")  # still working
        assert [type(e) for e in app.recovered_errors] == [RuntimeError]
        assert exit_code(app, 0) == 0


async def test_pageup_in_the_command_palette_does_not_crash(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, SafeCommandPalette)
        # The state Textual's OptionList crashes in: options highlighted, no line cache yet
        # (the palette's list hidden or resized while the search runs).
        options = app.screen.query_one(CommandList)
        options.display = False
        await pilot.pause()
        options._clear_caches()
        options.highlighted = 1
        await pilot.press("pageup", "pagedown")
        await pilot.pause()
        assert isinstance(app.screen, SafeCommandPalette)
        assert app.recovered_errors == []
        await pilot.press("escape")


async def test_exit_code_is_non_zero_after_a_crash_or_a_failed_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    app = IamExploreApp(bad, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.ended_on_error
        await pilot.press("q")
    assert exit_code(app, 0) == 2
    app = hostile_app()
    monkeypatch.setattr(app, "report_error", lambda error, where="": False)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            monkeypatch.setattr(
                app.main, "action_show_paths", lambda: (_ for _ in ()).throw(RuntimeError("x"))
            )
            await pilot.press("p")
            await pilot.pause()
    assert exit_code(app, None) == 1


# -- property test ------------------------------------------------------------------------------

PRINTABLE = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40
)


def _account(name: str, sid: str) -> dict[str, Any]:
    arn = "arn:aws:iam::111122223333:user/" + name.replace("/", "_")
    role = "arn:aws:iam::111122223333:role/r-" + name.replace("/", "_")
    statement = {"Sid": sid, "Effect": "Allow", "Action": "iam:PassRole", "Resource": role}
    launch = {"Sid": sid, "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}
    return {
        "UserDetailList": [
            {
                "UserName": name,
                "Arn": arn,
                "UserPolicyList": [
                    {"PolicyName": name, "PolicyDocument": {"Statement": [statement, launch]}}
                ],
            }
        ],
        "RoleDetailList": [
            {
                "RoleName": "r-" + name,
                "Arn": role,
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                },
                "RolePolicyList": [
                    {
                        "PolicyName": sid,
                        "PolicyDocument": {"Statement": [{**launch, "Action": "*"}]},
                    }
                ],
            }
        ],
    }


async def _explore(name: str, sid: str, typed: str) -> None:
    account = load_data(_account(name, sid), source=name)
    app = IamExploreApp(
        sample_path("classic-story"), account=account, analysis=analyse(account), watch=False
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("1", "enter", "2", "4", "enter")
        await pilot.pause()
        if isinstance(app.focused, StatementView):
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("escape")
        app.main.query_one(CommandBar).open("filter", "edges", typed)
        await pilot.pause()
        await pilot.press("enter", "P")
        await pilot.pause()
        text = screen_text(app)
        await pilot.press("escape")
        assert app.recovered_errors == []
        for ch in RAW:
            assert ch not in text


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(name=PRINTABLE, sid=PRINTABLE, typed=PRINTABLE)
def test_any_text_as_name_sid_or_filter_renders(name: str, sid: str, typed: str) -> None:
    asyncio.run(_explore(name, sid, typed))


# -- key mashing ---------------------------------------------------------------------------------

MASH_KEYS = [
    *"jkgGnNaupPwd1234512[]/:?xyz",
    "tab", "shift+tab", "enter", "enter", "escape", "escape", "backspace", "down", "up",
    "pageup", "pagedown", "home", "end", "ctrl+p", "ctrl+r", "left_square_bracket", "space",
]  # fmt: skip
"""Everything but quitting (q, ctrl+q, ctrl+c), reloading and saving."""


async def test_random_key_mashing_leaves_the_app_responsive(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    rng = random.Random(12)
    keys = [rng.choice(MASH_KEYS) for _ in range(160)]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for start in range(0, len(keys), 20):
            await pilot.press(*keys[start : start + 20])
        await settle(app, pilot)
        for _ in range(6):
            if front(app) is app.main:
                break
            await pilot.press("escape")
            await pilot.pause()
        if app.main.query_one("CommandBar").display:
            await pilot.press("escape")
        assert front(app) is app.main, type(app.screen).__name__
        assert app.recovered_errors == []
        await pilot.press("escape", "1", "j")
        await pilot.pause()
        users = app.main.table("users")
        assert app.focused is users and users.cursor_row >= 1
