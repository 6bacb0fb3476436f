"""Pilot tests of the main screen: panes, navigation, selection, filters, details, why-not."""

from __future__ import annotations

from pathlib import Path

from core.escalate.findings import Finding
from core.load.samples import sample_path
from tests.tui_tests.conftest import SIZE, MakeApp, front, passrole_rows, settle
from tui.app import IamExploreApp
from tui.keymap import KEYMAP, keymap_markdown
from tui.palette import offered
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.paths import PathsScreen
from tui.screens.policy import PolicyScreen
from tui.screens.problems import ProblemsScreen
from tui.widgets.details import StatementView
from tui.widgets.panes import PaneTable


def _finding(main: MainScreen, key: str) -> Finding:
    """The finding behind an Edges row (every visible row has one)."""
    hit = main.finding_for(key)
    assert hit is not None
    return hit[0]


async def test_opens_midsize_sample_with_all_panes() -> None:
    app = IamExploreApp(watch=False)  # the default sample, through the load worker
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        assert app.index is not None
        account = app.index.account
        assert main.table("users").row_count == len(account.users) == 40
        assert main.table("roles").row_count == len(account.roles) == 80
        assert main.table("services").row_count > 20
        edges = main.table("edges")
        assert edges.row_count > 0
        shown = [_finding(main, k) for k in edges.visible_keys]
        assert not any(f.source_is_admin for f in shown)  # hidden by default
        assert shown[0].escalation == "admin"  # escalating edges first
        header = str(main.query_one("#header").render())
        findings = [f for f in app.index.findings if not f.source_is_admin]
        passrole = sum(1 for f in findings if f.kind == "passrole")
        admin = sum(1 for f in findings if f.escalation == "admin")
        assert account.account_id in header
        assert (
            f"edges {len(findings)} (PassRole {passrole}, other {len(findings) - passrole})"
            in header
        )
        assert f"▲ ADMIN {admin}" in header  # escalations to admin, PassRole and other methods
        assert main.query_one("#loading").display is False
        assert main.details.subject.startswith("edge:")
        # admin-equivalent principals have no listed edges, so there is no key to show them;
        # the header counts them and their Details say what they could pass
        assert "a" not in {b.binding.key for b in main.active_bindings.values()}
        admins = [a for a in app.index.analysis.admins if ":group/" not in a]
        assert f"already admin {len(admins)}" in header


async def test_navigation_keys(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        assert isinstance(main.focused, PaneTable) and main.focused.pane == "edges"
        await pilot.press("1")
        users = main.table("users")
        assert main.focused is users
        await pilot.press("j", "j")
        assert users.cursor_row == 2
        await pilot.press("k")
        assert users.cursor_row == 1
        await pilot.press("G")
        assert users.cursor_row == users.row_count - 1
        await pilot.press("g")
        assert users.cursor_row == 0
        await pilot.press("tab")
        assert main.focused is main.table("roles")
        await pilot.press("3")
        assert main.focused is main.table("services")
        await pilot.press("4")
        assert main.focused is main.table("edges")
        await pilot.press("escape")  # clear the user selection: every edge
        assert main.selected_user is None
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(main.focused, StatementView)
        await pilot.press("escape")
        assert main.focused is main.table("edges")
        # n / N move between escalating edges
        await pilot.press("n")
        first = main.table("edges").cursor_row
        await pilot.press("n")
        assert main.table("edges").cursor_row == first + 1
        await pilot.press("N")
        assert main.table("edges").cursor_row == first


async def test_selecting_a_user_filters_edges_and_marks_roles(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        index = app.index
        assert index is not None
        # a user with an escalating PassRole edge
        user = next(
            f.source
            for f in index.findings
            if f.kind == "passrole" and not f.source_is_admin and ":user/" in f.source
        )
        edges = main.table("edges")
        everything = edges.row_count
        await pilot.press("1")
        main.table("users").move_to_key(user)
        await pilot.pause()
        # highlighting previews: Details and the marks follow, the Edges pane does not filter
        assert main.selected_user is None
        assert edges.row_count == everything
        assert main.table("roles").marks == index.roles_passable_by(user)
        assert main.table("roles").marks
        assert main.table("services").marks
        assert main.details.subject == f"user:{user}:False"
        assert "enter selects this user" in main.details.text()
        # enter selects the user and drills into its edges; [ goes back, ] forward
        await pilot.press("enter")
        assert main.selected_user == user
        sources = {main.finding_for(k)[0].source for k in edges.visible_keys}
        assert sources == {user}
        assert main.focused is edges
        await pilot.press("left_square_bracket")
        assert main.focused is main.table("users")
        await pilot.press("right_square_bracket")
        assert main.focused is edges
        # escape clears the selection
        await pilot.press("escape")
        assert main.selected_user is None
        assert len({main.finding_for(k)[0].source for k in edges.visible_keys}) > 1


async def test_selecting_a_role_and_a_service(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        index = app.index
        assert index is not None
        f = next(
            f
            for f in index.findings
            if f.kind == "passrole" and not f.source_is_admin and ":user/" in f.source
        )
        await pilot.press("2")
        assert f.role is not None
        main.table("roles").move_to_key(f.role)
        await pilot.pause()
        assert main.details.subject == f"role:{f.role}"
        assert "who can pass it" in main.details.text()
        assert f.source in main.table("users").marks
        await pilot.press("3")
        assert f.service_id is not None
        main.table("services").move_to_key(f.service_id)
        await pilot.pause()
        assert main.details.subject == f"service:{f.service_id}"
        await pilot.press("enter")  # selects the service: the Edges pane narrows to it
        await pilot.pause()
        keys = main.table("edges").visible_keys
        assert keys and all(_finding(main, k).service_id == f.service_id for k in keys)


async def test_filter_and_inverted_filter(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        users = main.table("users")
        await pilot.press("1", "slash")
        assert main.query_one("#command-bar").display
        await pilot.press(*"admin")
        await pilot.pause()
        kept = users.visible_keys
        assert 0 < len(kept) < len(users.all_rows)
        assert all("admin" in r.text for r in users.all_rows if r.key in kept)
        await pilot.press("enter")
        assert main.focused is users and users.filter_text == "admin"
        await pilot.press("slash", "home", "exclamation_mark", "enter")
        await pilot.pause()
        assert users.filter_text == "!admin"
        assert set(users.visible_keys).isdisjoint(kept)
        assert len(users.visible_keys) + len(kept) == len(users.all_rows)
        await pilot.press("escape")  # clears the focused pane's filter
        assert users.filter_text == "" and users.row_count == len(users.all_rows)


async def test_edge_details_show_passrole_and_trust_statements(make_app: MakeApp) -> None:
    app = make_app("classic-story-fixed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        assert passrole_rows(app) == 1
        text = main.details.text()
        assert "ADMIN" in text and "test-user can pass EC2-roles-for-XYZ to Amazon EC2" in text
        views = main.details.statements
        passrole = [v for v in views if "iam:PassRole" in v.ref.statement.actions]
        trust = [v for v in views if v.ref.policy.layer == "resource"]
        assert passrole and passrole[0].ref.policy.name == "AllowPassEC2Role"
        assert passrole[0].marked  # deciding lines are marked
        assert trust and "ec2.amazonaws.com" in trust[0].ref.statement.text
        assert "Gains" in text and "admin" in text
        # enter drills into the statements, enter again opens the whole policy
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(main.focused, StatementView)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PolicyScreen)
        assert app.screen.ref.policy.name == "AllowPassEC2Role"
        await pilot.press("escape")
        assert front(app) is main


async def test_why_not_for_test_user_on_classic_story(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        assert passrole_rows(app) == 0  # no PassRole edge
        await pilot.press("1")  # focuses Users and previews test-user: nothing is filtered
        await pilot.pause()
        assert main.selected_user is None
        assert main.details.subject.startswith("user:") and "test-user" in main.details.subject
        await pilot.press("enter")  # selects test-user: Edges has only its takeover findings
        await pilot.pause()
        assert main.selected_user and main.selected_user.endswith("user/test-user")
        assert passrole_rows(app) == 0 < main.table("edges").row_count
        await pilot.press("2")  # the role is highlighted, the user selected: why not at once
        await pilot.pause()
        assert main.details.subject.startswith("whynot:")
        text = main.details.text()
        assert "test-user → EC2-roles-for-XYZ: ✗ no PassRole edge" in text
        assert "Amazon EC2" in text
        assert "iam:PassRole on EC2-roles-for-XYZ to ec2.amazonaws.com is implicitly denied" in text
        await pilot.press("enter")  # enter on the role: Details keeps the why-not
        await pilot.pause()
        assert main.focused is main.table("edges") and main.selected_role
        assert main.details.subject.startswith("whynot:")
        text = main.details.text()
        assert "Select a role" not in text
        assert "Other ways to EC2-roles-for-XYZ (in the Edges pane)" in text  # the takeovers


async def test_help_screen_lists_the_keymap(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        markdown = keymap_markdown()
        for spec in KEYMAP:
            assert spec.description in markdown
        assert ":export DIR" in markdown
        await pilot.press("escape")
        assert front(app) is app.main


async def test_paths_and_problems_views(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *"paths", "enter")
        await pilot.pause()
        screen = front(app)
        assert isinstance(screen, PathsScreen)
        paths = screen.paths
        assert paths and paths[0].length <= paths[-1].length
        await pilot.press("enter")  # jump to the first hop of the shortest path
        await pilot.pause()
        assert front(app) is app.main
        hit = app.main.finding_for(app.main.table("edges").current_key)
        assert hit is not None and hit[0].source == paths[0].source
        await pilot.press("colon", *"problems", "enter")
        await pilot.pause()
        assert isinstance(front(app), ProblemsScreen)
        await pilot.press("escape")
        await pilot.press("colon", *"nonsense", "enter")
        await pilot.pause()
        assert front(app) is app.main


async def test_load_error_shows_a_message_without_crashing(tmp_path: Path) -> None:
    app = IamExploreApp(tmp_path / "missing.json", watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        panel = main.query_one("#error-panel")
        assert panel.display
        assert "no such file or directory" in main.error
        assert app.index is None
        await pilot.press("j", "n", "w", "a")  # keys do nothing harmful without data
        await pilot.pause()
        assert app.is_running


async def test_snapshot_change_on_disk_is_offered_for_reload(tmp_path: Path) -> None:
    snapshot = tmp_path / "acct.json"
    snapshot.write_text(sample_path("classic-story").read_text())
    app = IamExploreApp(snapshot, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.index is not None
        snapshot.write_text(sample_path("classic-story-fixed").read_text())
        import os

        os.utime(snapshot, ns=(1, 1))
        app.check_snapshot()
        await pilot.pause()
        assert any("changed on disk" in n.message for n in app._notifications)
        await pilot.press("R")
        await settle(app, pilot)
        assert passrole_rows(app) == 1  # the fixed story has its edge


async def test_live_profile_error_shows_a_message() -> None:
    app = IamExploreApp(profile="no-such-profile-for-iam-explore-tests", watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.main.query_one("#error-panel").display
        assert "no-such-profile-for-iam-explore-tests" in app.main.error
        await pilot.press("s")  # nothing to save: a notification, no crash
        await pilot.pause()
        assert app.is_running


async def test_command_palette_commands_and_denial_hook(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = {c.title for c in offered(app)}
        assert {"view: paths", "view: users", "what-if: open panel", "account: reload"} <= titles
        assert all(": " in t for t in titles if t.split(":")[0] in ("view", "what-if", "edges"))
        await pilot.press("d")
        await pilot.pause()
        try:
            from tui.screens.denial import DenialScreen
        except ImportError:  # the denial screen is optional: a notification instead
            assert app.screen is app.main
        else:
            assert isinstance(app.screen, DenialScreen)
            await pilot.press("escape")
