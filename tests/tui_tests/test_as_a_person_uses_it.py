"""Issue 13: every key does what the screen says (Pilot: key in, screen text out)."""

from __future__ import annotations

import json

from textual.widgets import Markdown, OptionList, Static, TextArea
from textual.widgets._footer import FooterKey

from core.samples import sample_path
from tests.tui_tests.conftest import SIZE, AppPilot, MakeApp, front, session, settle
from tui.app import IamExploreApp
from tui.colour import no_colour
from tui.screens.confirm import ConfirmScreen
from tui.screens.denial import DenialScreen
from tui.screens.help import HelpScreen
from tui.screens.whatif import EditorScreen, WhatIfScreen
from tui.widgets.details import StatementView
from tui.widgets.footer import KeyFooter
from tui.widgets.panes import fit_widths

USER = "arn:aws:iam::111122223333:user/test-user"
ROLE = "arn:aws:iam::111122223333:role/EC2-roles-for-XYZ"


def footer_keys(app: IamExploreApp) -> list[tuple[str, str]]:
    """(key, description) in the footer of the screen in front, in order."""
    footer = app.screen.query_one(KeyFooter)
    return [(k.key, k.description) for k in footer.query(FooterKey)]


def notes(app: IamExploreApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_why_not_at_once_with_user_selected_and_role_highlighted(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        await pilot.press("1", "enter", "2")
        await pilot.pause()
        assert main.details.subject == f"whynot:{USER}|{ROLE}"
        assert "implicitly denied" in main.details.text()
        await pilot.press("enter")  # Enter on the role keeps the why-not, not "Select a role"
        await pilot.pause()
        assert main.details.subject == f"whynot:{USER}|{ROLE}"
        assert main.focused is main.table("edges")  # which lists the other ways to the role
        await pilot.press("j", "k")  # moving in Edges shows the edge under the cursor
        await pilot.pause()
        assert main.details.subject.startswith("edge:")


async def test_one_focuses_without_filtering_until_enter(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        everything = main.table("edges").row_count
        await pilot.press("1")
        await pilot.pause()
        assert main.table("edges").row_count == everything  # focus is not a filter
        assert "enter selects this user" in main.details.text()
        await pilot.press("enter")
        await pilot.pause()
        assert main.table("edges").row_count < everything


async def test_admin_user_details_say_what_it_could_pass(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        alice = "arn:aws:iam::444455556666:user/alice.nguyen"
        await pilot.press("1")
        main.table("users").move_to_key(alice)
        await pilot.pause()
        text = main.details.text()
        assert "already admin-equivalent" in text and "not listed" in text
        await pilot.press("enter", "2")
        main.table("roles").move_to_key("arn:aws:iam::444455556666:role/app/app-ops-maintenance")
        await pilot.pause()
        text = main.details.text()
        assert "already admin-equivalent" in text
        assert "✓ Amazon EC2" in text and "an edge labelled none" in text


async def test_footer_belongs_to_the_screen_in_front(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = footer_keys(app)
        assert keys[0] == ("question_mark", "Help")  # first, so 80 columns keep it
        assert ("z", "Zoom") in keys and ("q", "Quit") in keys
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DenialScreen)
        keys = footer_keys(app)
        descriptions = [d for _, d in keys]
        assert "Explain" in descriptions and "Close" in descriptions
        assert "Quit" not in descriptions and "Zoom" not in descriptions
        assert "Example from this sample" in descriptions  # e, while the box is empty
        await pilot.press("escape", "1", "w")
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        assert [d for _, d in footer_keys(app)] == ["Help", "Cancel"]


async def test_keys_without_effect_say_why(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("1", "enter", "slash", *"nothing-matches", "enter")
        await pilot.pause()
        assert app.main.table("edges").row_count == 0
        await pilot.press("n")
        await pilot.pause()
        assert any(
            "no escalating edge in the Edges pane (escape clears the selection or filter)" in n
            for n in notes(app)
        )
        await pilot.press(
            "escape", "escape", "1", "w"
        )  # q on the What-if list closes it, like the other dialogs
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        await pilot.press("q")
        await pilot.pause()
        assert front(app) is app.main and app.is_running


async def test_n_with_a_narrow_selection_says_how_to_widen_it(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("1", "enter")  # aaron.wright: no edges
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert any("escape clears the selection" in n for n in notes(app))


async def _apply_fix(app: IamExploreApp, pilot: AppPilot) -> None:
    await pilot.press("1", "enter", "2", "w")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, WhatIfScreen)
    labels = [o.label for o in screen.options]
    screen.query_one(OptionList).highlighted = next(
        i for i, label in enumerate(labels) if "Add an inline policy" in label
    )
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, EditorScreen)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert session(app).modified


async def test_quit_and_reload_ask_first_with_unsaved_whatif(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _apply_fix(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert ":export DIR" in question and "not saved" in question
        await pilot.press("n")  # keep working
        await pilot.pause()
        assert front(app) is app.main and app.is_running and session(app).modified
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert session(app).modified  # not reloaded
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 0


async def test_whatif_offers_each_change_once(make_app: MakeApp) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5")  # the cited PassRole statement is focused
        await pilot.pause()
        assert isinstance(app.main.focused, StatementView)
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WhatIfScreen)
        labels = [o.label for o in screen.options]
        disabling = [lb for lb in labels if "AllowPassEC2Role" in lb and "Disable" in lb]
        assert len(disabling) == 1, labels
        assert disabling[0].startswith("Disable this statement")
        editing = [lb for lb in labels if "Edit" in lb and "AllowPassEC2Role" in lb]
        assert len(editing) == 1, labels


async def test_wording_via_group_once(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        ben = "arn:aws:iam::444455556666:user/ben.carter"
        await pilot.press("1")
        main.table("users").move_to_key(ben)
        await pilot.press("enter", "5")
        await pilot.pause()
        text = main.details.text()
        assert "via group Developers" in text and "via via" not in text


def test_trust_policy_resource_problem_reads_the_right_way_round() -> None:
    from core.policy import parse_policy

    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Resource": "*",
            }
        ],
    }
    problems = parse_policy(doc, kind="trust").problems
    assert any("must not have a Resource element" in p.message for p in problems), problems


def test_no_colour_for_no_color_and_mono_terminals() -> None:
    assert no_colour({"NO_COLOR": "1", "TERM": "xterm-256color"})
    assert no_colour({"TERM": "dumb"})
    assert no_colour({"TERM": "xterm-mono"})
    assert not no_colour({"TERM": "xterm-256color"})
    assert not no_colour({"TERM": "xterm-256color", "NO_COLOR": ""})  # no-color.org: non-empty


async def test_denial_offers_the_sample_example(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DenialScreen)
        hint = str(screen.query_one("#denial-hint", Static).render())
        assert "e pastes the example from this sample" in hint
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result is not None
        assert screen.result.principal == USER
        text = screen.query_one("#denial-input", TextArea).text
        assert json.loads(text)["context"]["resource"] == ROLE  # the decoded JSON, indented
        await pilot.press("a")  # the fix as a what-if: the ADMIN edge appears
        await settle(app, pilot)
        assert front(app) is app.main
        assert app.index is not None
        assert any(f.escalation == "admin" for f in app.index.findings)


async def test_denial_encoded_message_is_one_line(make_app: MakeApp) -> None:
    app = make_app("midsize-company")  # no example shipped: no e
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DenialScreen) and screen.example is None
        screen.query_one("#denial-input", TextArea).text = "AQoDYXdzEJr" * 20
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.error and "\n" not in screen.error
        assert "aws sts decode-authorization-message" in screen.error


async def test_first_launch_hint_until_the_first_key_and_a_tour_in_help(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        hint = app.main.query_one("#first-hint", Static)
        assert hint.display and "n: next escalation" in str(hint.render())
        await pilot.press("question_mark")
        await pilot.pause()
        assert not hint.display
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one("#help-tour", Markdown).source
        for words in ("Tour: the classic story", "Why the launch fails", "The fix", "ADMIN"):
            assert words in source


async def test_zoom_fills_the_screen_with_the_focused_pane(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        main = app.main
        await pilot.press("4", "z")
        await pilot.pause()
        assert main.maximized is main.query_one("#edges-pane")
        await pilot.press("z")
        await pilot.pause()
        assert main.maximized is None
        await pilot.press("5", "z")  # the Details pane, from a focused statement
        await pilot.pause()
        assert main.maximized is main.details
        await pilot.press("escape")  # escape restores too
        await pilot.pause()
        assert main.maximized is None


def test_columns_fit_content_and_width() -> None:
    lengths = [[3, 7], [4, 6], [5, 8, 12, 30], [5, 20, 20, 20]]
    assert fit_widths(lengths, 200) == [7, 6, 30, 20]  # room: every name whole
    narrow = fit_widths(lengths, 40, [7, 6, 5, 5])
    assert sum(narrow) <= 40 and narrow[:2] == [7, 6]
    assert narrow[3] >= 19 > narrow[2]  # three names made whole beat one long one


async def test_edges_columns_all_visible_at_80_columns(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        edges = app.main.table("edges")
        header = edges.render_line(0).text
        for label in ("esc", "cond", "sour", "role", "serv"):
            assert label in header, header


def test_sample_path_example_exists() -> None:
    assert sample_path("classic-story").with_name("classic-story.decoded-denial.txt").is_file()
