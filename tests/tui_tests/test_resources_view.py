"""The Resources view (``6``, ``:resources``) and what a role's Details say runs as it."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.tui_tests.conftest import SIZE, MakeApp, front, settle
from tui.screens.resources import ResourcesScreen

ACCOUNT = "444455556666"
MAINTENANCE = f"arn:aws:iam::{ACCOUNT}:role/app/app-ops-maintenance"


async def test_resources_grouped_by_role_and_enter_jumps_to_a_finding(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResourcesScreen)
        runs = [role for i, (role, _, _) in enumerate(screen.rows)
                if i == 0 or screen.rows[i - 1][0] != role]  # fmt: skip
        assert len(runs) == len(set(runs))  # each role's resources are together
        reached = [any(fs for r, _, fs in screen.rows if r == role) for role in runs]
        assert reached == sorted(reached, reverse=True) and reached[0]  # reached roles first
        row = next(
            i
            for i, (role, r, _) in enumerate(screen.rows)
            if role == MAINTENANCE and r.kind == "ec2-instance" and r.state == "running"
        )
        _, instance, findings = screen.rows[row]
        assert {f.kind for f in findings} >= {"ssm-send-command", "ssm-start-session"}
        assert all(instance.arn in f.resources for f in findings)
        table = screen.query_one(DataTable)
        table.move_cursor(row=row)
        await pilot.pause()
        detail = str(screen.query_one("#resources-detail", Static).render())
        assert f"ec2-instance {instance.name} in eu-west-1 runs as {MAINTENANCE}" in detail
        assert "findings that reach it:" in detail
        await pilot.press("enter")
        await pilot.pause()
        assert front(app) is app.main
        hit = app.main.finding_for(app.main.table("edges").current_key)
        assert hit is not None and hit[0] == findings[0]


async def test_without_an_inventory_the_view_says_how_to_get_one(make_app: MakeApp) -> None:
    app = make_app("classic-story")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *"resources", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ResourcesScreen)
        assert app.screen.rows == []
        text = str(app.screen.query_one("#resources-empty", Static).render())
        assert "fetch --resources" in text
        await pilot.press("escape")
        await pilot.pause()
        assert front(app) is app.main


async def test_role_details_list_what_runs_as_it(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = app.main
        await pilot.press("2")
        main.table("roles").move_to_key(MAINTENANCE)
        await pilot.pause()
        text = main.details.text()
        assert "runs as it: 2 resource(s)" in text
        assert "ec2-instance i-" in text and "in eu-west-1 (running)" in text
        assert "in us-east-1 (terminated)" in text
        main.table("roles").move_to_key(f"arn:aws:iam::{ACCOUNT}:role/app-legacy-admin")
        await pilot.pause()
        assert "runs as it: no inventoried resource" in main.details.text()
