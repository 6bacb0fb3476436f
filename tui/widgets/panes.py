"""Pane tables: virtualised DataTables whose rows are filtered in memory and can be marked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


@dataclass(frozen=True, slots=True)
class Row:
    """One row: its key, its cells (without the mark column) and the text filters match."""

    key: str
    cells: tuple[object, ...]
    text: str


def matches(text: str, query: str) -> bool:
    """Case-insensitive substring match; a leading ``!`` inverts it."""
    if not query:
        return True
    if query.startswith("!"):
        needle = query[1:].lower()
        return not needle or needle not in text
    return query.lower() in text


class PaneTable(DataTable[object]):
    """A DataTable for one pane.

    Rows are kept in memory (``set_rows``); ``filter_text`` hides rows that do not match, and
    ``marks`` puts a symbol in the first column of the given rows (cross-highlighting).
    """

    BINDINGS = [Binding("enter", "drill", "Drill in", show=False)]

    filter_text: reactive[str] = reactive("", init=False)
    """The pane's filter (``!text`` inverts)."""

    class Drill(Message):
        """Enter was pressed on a row."""

        def __init__(self, table: PaneTable, key: str) -> None:
            self.table = table
            self.key = key
            super().__init__()

        @property
        def control(self) -> PaneTable:
            return self.table

    def __init__(
        self,
        pane: str,
        columns: Sequence[tuple[str, str, int | None]],
        *,
        mark_symbol: str = "●",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.pane = pane
        self._columns = columns
        self._rows: list[Row] = []
        self._visible: list[str] = []
        self._marks: set[str] = set()
        self._mark_symbol = mark_symbol
        self.mark_style = ""

    def on_mount(self) -> None:
        self.add_column("", key="mark", width=1)
        for key, label, width in self._columns:
            self.add_column(label, key=key, width=width)

    # -- rows -----------------------------------------------------------------------------

    @property
    def all_rows(self) -> list[Row]:
        return self._rows

    @property
    def visible_keys(self) -> list[str]:
        """Keys of the rows shown, in order."""
        return self._visible

    @property
    def current_key(self) -> str | None:
        """Key of the row under the cursor."""
        if not self._visible or not (0 <= self.cursor_row < len(self._visible)):
            return None
        return self._visible[self.cursor_row]

    def set_rows(self, rows: list[Row], *, keep_cursor: bool = True) -> None:
        self._rows = rows
        self._refill(keep_cursor=keep_cursor)

    def watch_filter_text(self) -> None:
        self._refill(keep_cursor=True)

    def _mark_cell(self, key: str) -> object:
        if key in self._marks:
            return Text(self._mark_symbol, style=self.mark_style)
        return ""

    def _refill(self, *, keep_cursor: bool) -> None:
        previous = self.current_key if keep_cursor else None
        query = self.filter_text
        rows = [r for r in self._rows if matches(r.text, query)] if query else self._rows
        self._visible = [r.key for r in rows]
        with self.app.batch_update():
            self.clear()
            for r in rows:
                self.add_row(self._mark_cell(r.key), *r.cells, key=r.key)
            if previous is not None and previous in self._visible:
                self.move_cursor(row=self._visible.index(previous), animate=False)
            elif rows:
                self.move_cursor(row=0, animate=False)

    def move_to_key(self, key: str) -> bool:
        """Put the cursor on ``key`` (clearing the filter if it hides it)."""
        if key not in self._visible:
            if not any(r.key == key for r in self._rows):
                return False
            self.filter_text = ""
        try:
            index = self.get_row_index(key)
        except RowDoesNotExist:
            return False
        self.move_cursor(row=index, animate=False)
        return True

    # -- marks ----------------------------------------------------------------------------

    @property
    def marks(self) -> set[str]:
        return self._marks

    def set_marks(self, keys: Iterable[str]) -> None:
        """Mark ``keys`` (and unmark the rest), touching only rows that change."""
        new = set(keys)
        changed = new ^ self._marks
        self._marks = new
        if not changed:
            return
        shown = set(self._visible)
        for key in changed:
            if key in shown:
                self.update_cell(key, "mark", self._mark_cell(key))

    def action_drill(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Drill(self, key))
