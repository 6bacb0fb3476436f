"""Pilot tests of the what-if panel: each change, its diff, undo/redo, the editor and export."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList, Static, TextArea

from tests.tui_tests.conftest import SIZE, AppPilot, MakeApp, front, session, settle
from tui.app import IamExploreApp
from tui.screens.whatif import EditorScreen, WhatIfScreen

ROLE = "arn:aws:iam::111122223333:role/EC2-roles-for-XYZ"
USER = "arn:aws:iam::111122223333:user/test-user"


async def choose(app: IamExploreApp, pilot: AppPilot, label: str) -> None:
    """Pick the what-if option whose label contains ``label``."""
    screen = app.screen
    assert isinstance(screen, WhatIfScreen), screen
    labels = [o.label for o in screen.options]
    index = next(i for i, text in enumerate(labels) if label in text)
    screen.query_one(OptionList).highlighted = index
    await pilot.press("enter")
    await pilot.pause()


def edge_rows(app: IamExploreApp) -> list[tuple[str, str, str]]:
    """(title, escalation, what-if status) of the PassRole rows of the Edges pane (the classic
    stories also have conditional findings for taking over an existing instance)."""
    main = app.main
    rows: list[tuple[str, str, str]] = []
    for key in main.table("edges").visible_keys:
        hit = main.finding_for(key)
        assert hit is not None, key  # every visible row is a finding
        f, status = hit
        if f.kind == "passrole":
            rows.append((f.title, f.escalation, status))
    return rows


async def test_classic_story_replay_fix_as_whatif(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        assert edge_rows(app) == []
        await pilot.press("1", "enter", "2")  # select test-user, highlight the role: why not
        await pilot.pause()
        assert main.details.subject == f"whynot:{USER}|{ROLE}"
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, "Add an inline policy to user test-user")
        assert isinstance(app.screen, EditorScreen)
        template = json.loads(app.screen.query_one(TextArea).text)
        statement = template["Statement"][0]
        assert statement["Action"] == "iam:PassRole" and statement["Resource"] == ROLE
        assert statement["Condition"]["StringEquals"]["iam:PassedToService"] == "ec2.amazonaws.com"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert front(app) is main
        assert session(app).modified
        assert main.query_one("#whatif-banner").display
        rows = edge_rows(app)
        title = "test-user can pass EC2-roles-for-XYZ to Amazon EC2"
        assert (title, "admin", "added") in rows  # the ADMIN edge appears, highlighted
        # the details pane (role pane focused, user selected) now shows the edge and why
        text = main.details.text()
        assert "ADMIN" in text and title in text and "+NEW" in text
        assert "whatif-passrole-EC2-roles-for-XYZ" in text
        assert "trusts ec2.amazonaws.com" in text
        # undo and redo
        await pilot.press("u")
        await settle(app, pilot)
        assert not session(app).modified
        assert not main.query_one("#whatif-banner").display
        assert all(r[0] != title or r[2] == "removed" for r in edge_rows(app))
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert session(app).modified
        assert (title, "admin", "added") in edge_rows(app)


async def test_detach_policy_removes_the_edge_and_undo_restores_it(make_app: MakeApp) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, "Detach AmazonEC2FullAccess from user test-user")
        await settle(app, pilot)
        rows = edge_rows(app)
        assert rows == [("test-user can pass EC2-roles-for-XYZ to Amazon EC2", "admin", "removed")]
        assert "-GONE" in app.main.details.text()
        assert "detach AmazonEC2FullAccess" in str(app.main.query_one("#whatif-banner").render())
        await pilot.press("u")
        await settle(app, pilot)
        assert [r[2] for r in edge_rows(app)] == ["added"]  # back, marked as a change
        assert not session(app).modified


async def test_disable_statement_of_the_edge(make_app: MakeApp) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, "Disable AllowPassEC2Role Statement[0] (it allows")
        await settle(app, pilot)
        assert [r[2] for r in edge_rows(app)] == ["removed"]
        assert session(app).history[-1].description == "disable Statement[0] of AllowPassEC2Role"
        await pilot.press("u")
        await settle(app, pilot)
        assert not session(app).history


async def test_disable_statement_from_a_focused_statement(make_app: MakeApp) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5")  # the first cited statement: the PassRole one
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, "Disable this statement")
        await settle(app, pilot)
        assert [r[2] for r in edge_rows(app)] == ["removed"]


async def test_edit_policy_in_place(make_app: MakeApp) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, "Edit inline policy AllowPassEC2Role")
        assert isinstance(app.screen, EditorScreen)
        editor: EditorScreen = app.screen
        doc = json.loads(editor.query_one(TextArea).text)
        doc["Statement"][0]["Resource"] = "arn:aws:iam::111122223333:role/something-else"
        editor.query_one(TextArea).text = json.dumps(doc, indent=2)
        await pilot.pause()
        assert editor.problems == []
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert front(app) is app.main
        assert [r[2] for r in edge_rows(app)] == ["removed"]
        await pilot.press("u")
        await settle(app, pilot)
        assert [r[2] for r in edge_rows(app)] == ["added"]


async def test_bad_json_in_the_editor_shows_a_located_error(make_app: MakeApp) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, "Edit inline policy AllowPassEC2Role")
        assert isinstance(app.screen, EditorScreen)
        editor: EditorScreen = app.screen
        editor.query_one(TextArea).text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n}'
        await pilot.pause()
        status = editor.query_one("#editor-status", Static)
        assert editor.problems and "line 4" in editor.problems[0]
        assert status.has_class("-invalid")
        assert "line 4" in str(status.render())
        await pilot.press("ctrl+s")  # refused: stays open, no crash
        await pilot.pause()
        assert front(app) is editor
        editor.query_one(TextArea).text = '{"Version": "2012-10-17", "Statement": []}'
        await pilot.pause()
        assert editor.problems == [] and status.has_class("-valid")
        await pilot.press("escape")
        await pilot.pause()
        assert not session(app).modified


async def test_remove_from_group_and_export(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        account = session(app).current
        user = next(u for u in account.users if u.groups)
        await pilot.press("1")
        app.main.table("users").move_to_key(user.arn)
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, f"Remove {user.name} from group {user.groups[0]}")
        await settle(app, pilot)
        changed = session(app).current.user(user.arn)
        assert changed is not None and changed.groups == user.groups[1:]
        assert app.main.query_one("#whatif-banner").display
        # a policy change, then export writes the changed policy
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, "Add an inline policy")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len(session(app).history) == 2
        await pilot.press("colon", *f"export {tmp_path}", "enter")
        await pilot.pause()
        written = list(tmp_path.glob("*.json"))
        assert written and json.loads(written[0].read_text())
        await pilot.press("u", "u")
        await settle(app, pilot)
        assert not session(app).modified


async def test_escape_in_the_editor_cancels_it(make_app: MakeApp) -> None:
    """The editor's title promises "escape cancels": the text area must not swallow it."""
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("1", "enter", "w")
        await pilot.pause()
        await choose(app, pilot, "Add an inline policy to user test-user")
        assert isinstance(app.screen, EditorScreen)
        assert isinstance(app.focused, TextArea)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(front(app), EditorScreen) and not session(app).modified


async def test_undo_shows_the_earlier_index_again_without_rebuilding_it(make_app: MakeApp) -> None:
    # Undo returns to an analysis already shown: its Edges index (search texts, counts) is
    # kept for it, so undo on a large account does not re-index every finding.
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = app.index
        assert before is not None
        await pilot.press("w")
        await pilot.pause()
        await choose(app, pilot, "Detach AmazonEC2FullAccess from user test-user")
        await settle(app, pilot)
        assert app.index is not before
        await pilot.press("u")
        await settle(app, pilot)
        assert app.index is before
        assert [r[2] for r in edge_rows(app)] == ["added"]  # the diff is still shown
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.index is not before and session(app).modified
