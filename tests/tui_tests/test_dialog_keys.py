"""``j``/``k`` move the list of a dialog (one ``SafeModal.action_cursor`` for every dialog)."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from tests.tui_tests.conftest import SIZE, MakeApp, settle


async def test_j_and_k_move_the_paths_table_and_the_whatif_options(make_app: MakeApp) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.cursor_row == 0
        await pilot.press("j", "j", "k")
        await pilot.pause()
        assert table.cursor_row == 1
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("1", "enter", "w")
        await settle(app, pilot)
        options = app.screen.query_one(OptionList)
        assert options.highlighted == 0
        await pilot.press("j")
        await pilot.pause()
        assert options.highlighted == 1
