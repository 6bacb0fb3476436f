"""The ``/`` filter (README "Keys": case-insensitive substring of a row's text, ``!text``
inverts): the right rows, shown literally, and typing fast ends on the newest query's rows.

A keystroke filters on the UI thread for a few milliseconds and hands the rest to a worker
(``tui.widgets.panes``); these tests shrink the budget and the chunks so that a small pane goes
through every path: the first rows shown at once, the rest counted in a worker, a newer keystroke
superseding a running worker, a query narrowing a result that is still partial.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import pytest
from textual.app import App, ComposeResult

from tests.tui_tests.conftest import MakeApp, settle
from tests.tui_tests.test_hostile import assert_clean, hostile_app, screen_text
from tui.widgets import panes
from tui.widgets.command_bar import CommandBar
from tui.widgets.panes import ListModel, PaneTable, Row, matches

NAMES = [
    "Alice",
    "alice-admin",
    "[bold red]x[/]",
    "[@click=app.quit]q",
    "esc\x1b[2J",
    "bell\x07",
    "new\nline",
    "ADMIN-ops",
    "bob",
    "Ωmega",
]


def rows(n: int) -> list[Row]:
    """``n`` rows whose texts mix case, markup, control characters and a newline."""
    out = []
    for i in range(n):
        name = f"{NAMES[i % len(NAMES)]}-{i}"
        out.append(Row(f"k{i}", (name,), name.lower()))
    return out


def expected(model: ListModel, query: str) -> list[str]:
    """The keys whose text matches ``query``, by the documented rule (one row at a time)."""
    return [model.key(i) for i in model.ids() if matches(model.row(i).text, query)]


class GatedModel(ListModel):
    """A list model whose filter waits for ``gate`` when it runs in a worker thread."""

    def __init__(self, rows: list[Row]) -> None:
        super().__init__(rows)
        self.gate = threading.Event()
        self.gate.set()
        self.threads: set[str] = set()

    def filter(self, ids: Sequence[int], query: str) -> list[int]:
        self.threads.add(threading.current_thread().name)
        if threading.current_thread() is not threading.main_thread():
            assert self.gate.wait(5), "the test never opened the gate"
        return super().filter(ids, query)


class OneTable(App[None]):
    def __init__(self, model: ListModel) -> None:
        super().__init__()
        self.model = model

    def compose(self) -> ComposeResult:
        yield PaneTable("users", [("name", "Name", 10)], id="t")

    def on_mount(self) -> None:
        self.query_one(PaneTable).set_model(self.model)


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every keystroke filters one chunk of 100 rows on the UI thread; workers take 150."""
    monkeypatch.setattr(panes, "FILTER_BUDGET", 0.0)
    monkeypatch.setattr(panes, "SYNC_CHUNK", 100)
    monkeypatch.setattr(panes, "SYNC_FILTER_LIMIT", 0)
    monkeypatch.setattr(panes, "FILTER_CHUNK", 150)
    monkeypatch.setattr(panes, "FILTER_DEBOUNCE", 0.001)


async def done(app: App[Any], table: PaneTable) -> None:
    for _ in range(500):
        await app.workers.wait_for_complete()
        if not table.filter_pending:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the filter never finished")


async def test_first_rows_are_shown_at_once_and_the_rest_follow(small_steps: None) -> None:
    model = GatedModel(rows(2000))
    app = OneTable(model)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PaneTable)
        model.gate.clear()  # the worker waits: only the UI thread's first chunk is in
        table.filter_text = "ALICE"  # case-insensitive
        await pilot.pause()
        want = expected(model, "ALICE")
        assert table.rows_final and table.filter_pending
        shown = table.visible_keys
        assert 10 <= len(shown) < len(want) and shown == want[: len(shown)]
        model.gate.set()
        await done(app, table)
        assert table.visible_keys == want and not table.filter_pending
        assert threading.main_thread().name in model.threads and len(model.threads) > 1


async def test_a_filter_that_does_not_fill_the_screen_waits_for_the_worker(
    small_steps: None,
) -> None:
    model = GatedModel(rows(2000))
    app = OneTable(model)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PaneTable)
        model.gate.clear()
        table.filter_text = "-1999"  # the last row only: the first chunk finds nothing
        await pilot.pause()
        assert not table.rows_final and table.row_count == 2000  # the old rows stay
        model.gate.set()
        await done(app, table)
        assert table.visible_keys == ["k1999"]


QUERIES = ["a", "ad", "adm", "admi", "admin", "admin-", "admi", "!admi", "!", "[", "[b", "", "ω"]


@pytest.mark.parametrize("pause", [False, True], ids=["typed-fast", "one-at-a-time"])
async def test_any_sequence_of_queries_ends_on_the_last_ones_rows(
    small_steps: None, pause: bool
) -> None:
    """Narrowing, widening, inverting and clearing, with and without waiting between keys:
    whenever the rows are final they begin the right result, and the end result is exact."""
    model = ListModel(rows(1500))
    app = OneTable(model)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PaneTable)
        for query in QUERIES:
            table.filter_text = query
            if pause:
                await pilot.pause()
            if table.rows_final:
                want = expected(model, query)
                assert table.visible_keys == want[: table.row_count]
        await done(app, table)
        assert table.visible_keys == expected(model, QUERIES[-1])
        for query in QUERIES:  # and each query alone, from no filter
            table.filter_text = ""
            table.filter_text = query
            await done(app, table)
            assert table.visible_keys == expected(model, query), query


async def test_the_cursor_stays_on_its_row_when_the_filter_narrows(small_steps: None) -> None:
    model = ListModel(rows(1500))
    app = OneTable(model)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PaneTable)
        table.filter_text = "bob"
        await done(app, table)
        table.move_cursor(row=30)
        await pilot.pause()
        key = table.current_key
        assert key is not None
        table.filter_text = "bob-"  # every bob row has a dash: the row still matches
        await done(app, table)
        assert table.current_key == key


async def test_typing_fast_in_the_edges_filter_ends_on_the_right_rows(
    make_app: MakeApp, small_steps: None
) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        edges = app.main.table("edges")
        model = edges.model
        await pilot.press("4", "slash", *"ADMIN", "backspace", "backspace", "i")
        await settle(app, pilot)
        await done(app, edges)
        want = [model.key(i) for i in model.ids() if "admi" in model.row(i).text]
        assert edges.filter_text == "ADMi" and edges.visible_keys == want
        assert 0 < len(want) < len(model.ids())
        await pilot.press("ctrl+a", "exclamation_mark")  # "!ADMi": the others
        await settle(app, pilot)
        await done(app, edges)
        rest = [model.key(i) for i in model.ids() if "admi" not in model.row(i).text]
        assert edges.filter_text == "!ADMi" and edges.visible_keys == rest


async def test_filters_on_hostile_names_show_the_right_rows_literally() -> None:
    app = hostile_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(app, pilot)
        assert app.index is not None
        names = {u.arn: u.name for u in app.index.account.users}
        users = app.main.table("users")
        await pilot.press("1", "z", "slash", *"[bold")  # zoomed: names are not cut
        await settle(app, pilot)
        assert [names[k] for k in users.visible_keys] == ["user2-[bold red]red[/]"]
        text = screen_text(app)
        assert "user2-[bold red]red[/]" in text  # markup shown as typed
        assert_clean(app, text)
        bar = app.main.query_one(CommandBar)
        for needle, name, shown in [
            ("pwned\x07", "user13-\x1b]0;pwned\x07", "pwned\\x07"),
            ("lf\nff", "user17-nul\x00cr\rlf\nff\x0c", "lf\\nff"),
        ]:
            bar.value = needle  # a paste: a control character or a newline in the needle
            await settle(app, pilot)
            assert [names[k] for k in users.visible_keys] == [name]
            text = screen_text(app)
            assert shown in text  # escaped, as Python writes it
            assert_clean(app, text)
        bar.value = "[@click=app.quit]"
        await settle(app, pilot)
        assert app.is_running and [names[k] for k in users.visible_keys] == [
            "user3-[@click=app.quit]quit[/]"
        ]


async def test_the_edges_title_says_n_plus_while_the_rest_is_counted(
    make_app: MakeApp, small_steps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app("midsize-company")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        edges = app.main.table("edges")
        model = edges.model
        gate = threading.Event()
        real = model.filter

        def gated(ids: Sequence[int], query: str) -> list[int]:
            if threading.current_thread() is not threading.main_thread():
                assert gate.wait(5), "the test never opened the gate"
            return real(ids, query)

        monkeypatch.setattr(model, "filter", gated)
        monkeypatch.setattr(panes, "SYNC_CHUNK", 30)  # more than the pane shows, not every row
        assert len(model.ids()) > 30
        await pilot.press("4", "slash", "a")
        await pilot.pause(0.05)
        title = str(app.main.query_one("#edges-pane").border_title)
        shown = edges.row_count
        assert edges.rows_final and edges.filter_pending
        assert f"4 Edges ({shown}+)" in title and "filtering…" in title
        gate.set()
        await settle(app, pilot)
        await done(app, edges)
        title = str(app.main.query_one("#edges-pane").border_title)
        want = [model.key(i) for i in model.ids() if "a" in model.row(i).text]
        assert edges.visible_keys == want and len(want) > shown
        assert f"4 Edges ({len(want)})" in title and "filtering" not in title
