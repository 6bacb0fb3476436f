"""Pane tables: virtualised row lists, filtered in memory and markable.

A :class:`PaneTable` shows the rows of a :class:`RowModel` and builds only the rows on screen
(the Line API), so 5,000 users or a million edges cost nothing until they scroll into view. A
model answers by *id* (an int): its key, its row (built on demand) and which ids match a filter
(from lowercase search texts computed beforehand); ids are ascending in display order.

A keystroke filters on the UI thread for at most :data:`FILTER_BUDGET` seconds, enough for the
rows on screen when matches are frequent: those rows are painted at once (they are the first
rows of the final result), and the rest of a large filter runs in a thread worker after a short
debounce, which adds the rows below and the count. A newer keystroke supersedes it and a stale
result is dropped, so typing never waits for the filter; a query that extends the previous one
looks only at the rows that one kept (and at those it had not looked at yet).
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from tui.guard import Guarded
from tui.safe_text import safe_text


@dataclass(frozen=True, slots=True)
class Row:
    """One row: its key, its cells (without the mark column) and the text filters match.

    ``cells`` may be a function returning them: it runs only when the row is drawn.
    """

    key: str
    cells: tuple[object, ...] | Callable[[], tuple[object, ...]]
    text: str

    def resolved(self) -> tuple[object, ...]:
        return self.cells() if callable(self.cells) else self.cells


def matches(text: str, query: str) -> bool:
    """Case-insensitive substring match; a leading ``!`` inverts it."""
    if not query:
        return True
    if query.startswith("!"):
        needle = query[1:].lower()
        return not needle or needle not in text
    return query.lower() in text


def matching(ids: Iterable[int], texts: Sequence[str], query: str) -> list[int]:
    """The ``ids`` whose lowercase text (``texts[id]``) matches ``query`` (:func:`matches`)."""
    if query.startswith("!"):
        needle = query[1:].lower()
        if not needle:
            return list(ids)
        return [i for i in ids if needle not in texts[i]]
    needle = query.lower()
    return [i for i in ids if needle in texts[i]]


class RowModel(Protocol):
    """What a :class:`PaneTable` shows: rows by id (any int the model knows)."""

    def ids(self) -> Sequence[int]:
        """Every row's id, in display order, which is ascending order."""
        ...

    def key(self, i: int) -> str: ...

    def row(self, i: int) -> Row: ...

    def find(self, key: str) -> int | None:
        """The id of the row with ``key`` (``None`` when there is none)."""
        ...

    def filter(self, ids: Sequence[int], query: str) -> list[int]:
        """The ``ids`` whose row matches ``query`` (:func:`matches`), in order; runs on the UI
        thread (a first chunk) and in a worker thread (the rest)."""
        ...


class ListModel:
    """A model over a list of ready :class:`Row` objects (ids are list positions)."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self._texts = [r.text for r in rows]
        self._keys: dict[str, int] | None = None

    def ids(self) -> Sequence[int]:
        return range(len(self.rows))

    def key(self, i: int) -> str:
        return self.rows[i].key

    def row(self, i: int) -> Row:
        return self.rows[i]

    def find(self, key: str) -> int | None:
        if self._keys is None:
            self._keys = {r.key: i for i, r in enumerate(self.rows)}
        return self._keys.get(key)

    def filter(self, ids: Sequence[int], query: str) -> list[int]:
        return matching(ids, self._texts, query)


SYNC_FILTER_LIMIT = 20_000
"""Rows a keystroke filters on the UI thread even when the screen is already full (so a pane
of a few thousand rows is filtered at once, count included)."""

FILTER_BUDGET = 0.008
"""Seconds of UI-thread filtering per keystroke; the rest runs in a worker."""

SYNC_CHUNK = 4_096
"""Rows filtered on the UI thread between two looks at the clock."""

FILTER_DEBOUNCE = 0.03
"""Seconds the rest of a large filter waits for the next keystroke before its worker starts."""

FILTER_CHUNK = 50_000
"""Rows filtered between two checks whether a newer keystroke cancelled the worker."""


Pending = tuple[Sequence[int], int]
"""Ids still to filter: ``ids[start:]`` (kept whole: slicing a list of a million ids copies it)."""


def chunks(segments: Iterable[Pending], size: int) -> Iterator[Sequence[int]]:
    """Consecutive slices of at most ``size`` ids over ``segments`` (kept in order)."""
    for ids, first in segments:
        for start in range(first, len(ids), size):
            yield ids[start : start + size]


def position(ids: Sequence[int], i: int) -> int | None:
    """Where id ``i`` is in the ascending ``ids`` (``None`` when absent)."""
    k = bisect_left(ids, i)
    return k if k < len(ids) and ids[k] == i else None


SAMPLE = 300
"""Rows measured for the natural column widths (rows are built lazily; the rest follow)."""

MIN_WIDTH = 4
"""No column shrinks below this (or below its header when that is shorter)."""


def fit_widths(
    lengths: Sequence[Sequence[int]], budget: int, minimum: Sequence[int] | None = None
) -> list[int]:
    """Widths for columns whose cells have ``lengths`` (each sorted), within ``budget`` cells.

    When everything fits, each column takes its longest cell. Otherwise each column starts at
    its ``minimum`` (default :data:`MIN_WIDTH`, or less when its cells are shorter) and each
    spare cell goes to the column where it un-cuts the most names, so a column holding one long
    name does not take room that would make many others whole.
    """
    natural = [max(col, default=0) for col in lengths]
    if sum(natural) <= budget:
        return natural
    mins = minimum if minimum is not None else [MIN_WIDTH] * len(natural)
    widths = [min(n, m) for n, m in zip(natural, mins, strict=True)]
    spare = budget - sum(widths)
    while spare > 0:
        best, cut = -1, 0
        for i, col in enumerate(lengths):
            if widths[i] < natural[i]:
                still_cut = len(col) - bisect_right(col, widths[i])
                if still_cut > cut:
                    best, cut = i, still_cut
        if best < 0:
            break
        widths[best] += 1
        spare -= 1
    return widths


def _text(value: object) -> Text:
    if isinstance(value, Text):
        return value
    return safe_text(value)


class PaneTable(Guarded, ScrollView, can_focus=True):
    """A virtualised table for one pane.

    ``columns`` are ``(key, header, minimum width)``: columns take the width of their content
    (:func:`fit_widths`), and shrink, widest first, down to their minimum when the pane is narrow.
    Rows are kept in memory (``set_rows``); ``filter_text`` hides rows that do not match, and
    ``marks`` puts a symbol in the first column of the given rows (cross-highlighting).
    """

    COMPONENT_CLASSES = {"pane-table--header", "pane-table--cursor", "pane-table--cursor-blur"}

    DEFAULT_CSS = """
    PaneTable {
        background: $surface;
        color: $foreground;
    }
    PaneTable > .pane-table--header {
        text-style: bold;
        color: $primary;
    }
    PaneTable > .pane-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    PaneTable > .pane-table--cursor-blur {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    """

    BINDINGS = [
        Binding("enter", "drill", "Drill in", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "cursor_top", show=False),
        Binding("end", "cursor_bottom", show=False),
    ]

    filter_text: reactive[str] = reactive("", init=False)
    """The pane's filter (``!text`` inverts)."""

    cursor_row: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row among the visible rows."""

    class RowHighlighted(Message):
        """The cursor moved to ``key``."""

        def __init__(self, table: PaneTable, key: str | None) -> None:
            self.table = table
            self.key = key
            super().__init__()

        @property
        def control(self) -> PaneTable:
            return self.table

    class Filtered(Message):
        """A filter was applied (``pending``: a worker is still filtering)."""

        def __init__(self, table: PaneTable, *, pending: bool) -> None:
            self.table = table
            self.pending = pending
            super().__init__()

        @property
        def control(self) -> PaneTable:
            return self.table

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
        super().__init__(id=id)
        self.pane = pane
        self._columns = [(k, label, width or MIN_WIDTH) for k, label, width in columns]
        self._natural = [len(label) for _, label, _ in self._columns]
        self._lengths = [[n] for n in self._natural]
        """Width each column's content wants (header and a sample of rows)."""
        self._widths = [w for _, _, w in self._columns]
        """Widths in use: the natural widths, shrunk widest first to fit the pane."""
        self._model: RowModel = ListModel([])
        self._ids: Sequence[int] = []
        """Every row's id (the model's order, ascending)."""
        self._visible: Sequence[int] = []
        """Ids of the rows that match the filter (the first of them while ``_rest`` is not
        empty)."""
        self._applied = ""
        """The filter ``_visible`` matches (a pending worker filter is not applied yet)."""
        self._rest: list[Pending] = []
        """Ids not looked at yet for ``_applied`` (a worker is filtering them)."""
        self._generation = 0
        """Bumped by every new filter or model: results of older filter workers are dropped."""
        self._debounce: Timer | None = None
        self._marks: set[str] = set()
        self._mark_symbol = mark_symbol
        self.mark_style = ""
        self._width = sum(w + 2 for _, _, w in self._columns) + 3
        self._laid_out_for = -1
        self._gap = 2

    # -- rows -----------------------------------------------------------------------------

    @property
    def filter_pending(self) -> bool:
        """A filter is still running: the rows shown are those of an older filter, or only the
        first of this one's (see :attr:`rows_final`), and the count is not known yet."""
        return self._applied != self.filter_text or bool(self._rest)

    @property
    def rows_final(self) -> bool:
        """The rows shown are those of the current filter (the first of them, in order, when a
        worker is still counting the rest): what is on screen will not change."""
        return self._applied == self.filter_text

    @property
    def model(self) -> RowModel:
        return self._model

    @property
    def all_rows(self) -> list[Row]:
        """Every row, built (tests and small panes; a large model builds them all)."""
        return [self._model.row(i) for i in self._ids]

    @property
    def visible_keys(self) -> list[str]:
        """Keys of the rows shown, in order."""
        return [self._model.key(i) for i in self._visible]

    def key_at(self, n: int) -> str:
        """Key of the ``n``-th row shown."""
        return self._model.key(self._visible[n])

    @property
    def row_count(self) -> int:
        return len(self._visible)

    @property
    def current_key(self) -> str | None:
        """Key of the row under the cursor."""
        if 0 <= self.cursor_row < len(self._visible):
            return self._model.key(self._visible[self.cursor_row])
        return None

    def get_row_index(self, key: str) -> int:
        """Position of ``key`` among the rows shown (``ValueError`` when hidden)."""
        found = self._model.find(key)
        if found is None:
            raise KeyError(key)
        row = position(self._visible, found)
        if row is None:
            raise ValueError(key)
        return row

    def _position(self, key: str | None) -> int | None:
        if key is None:
            return None
        found = self._model.find(key)
        return None if found is None else position(self._visible, found)

    def set_rows(self, rows: list[Row], *, keep_cursor: bool = True) -> None:
        self.set_model(ListModel(rows), keep_cursor=keep_cursor)

    def set_model(self, model: RowModel, *, keep_cursor: bool = True) -> None:
        """Show ``model``'s rows (the filter applies; the cursor stays on its key)."""
        previous = self.current_key if keep_cursor else None
        self._model = model
        self._ids = model.ids()
        self._visible = self._ids
        self._applied = ""
        self._rest = []
        self._measure()
        self._refill(keep_key=previous)

    # -- column widths --------------------------------------------------------------------

    def _measure(self) -> None:
        """Natural column widths from the header and the first :data:`SAMPLE` rows."""
        lengths = [[len(label)] for _, label, _ in self._columns]
        for i in self._ids[:SAMPLE]:
            for n, value in enumerate(self._model.row(i).resolved()[: len(lengths)]):
                lengths[n].append(_text(value).cell_len)
        self._lengths = [sorted(col) for col in lengths]
        self._natural = [col[-1] for col in self._lengths]
        self._laid_out_for = -1
        self._layout()

    def _layout(self) -> None:
        """Fit the columns to the pane: content-sized, the widest shrunk first when short."""
        available = self.scrollable_content_region.width or self.size.width
        if available == self._laid_out_for:
            return
        self._laid_out_for = available
        minimum = [w for _, _, w in self._columns]
        self._gap = 2
        overhead = 1 + 1 + (len(self._columns) + 1) * self._gap  # lead, mark column, gaps
        if sum(self._natural) > available - overhead:  # narrow: one space between columns
            self._gap = 1
            overhead = 1 + 1 + len(self._columns) + 1
        if available <= 0:
            self._widths = list(self._natural)
        else:
            self._widths = fit_widths(self._lengths, available - overhead, minimum)
        self._width = sum(self._widths) + overhead
        self._resize_virtual()
        self.refresh()

    def _resize_virtual(self) -> None:
        """Fit the scrollable size to the rows shown, without a layout of the whole screen.

        Assigning ``virtual_size`` (a ``layout=True`` reactive) re-arranges and repaints every
        widget of the screen: about 40 ms at 160x48, on each filter result. Only the scrollbars
        depend on it; they are updated here as Textual's own ``_size_updated`` does, and a
        scrollbar that appears or goes still lays the screen out (its reactive does).
        """
        size = Size(self._width, len(self._visible) + 1)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    # -- filtering ------------------------------------------------------------------------

    def watch_filter_text(self) -> None:
        self._refill(keep_key=self.current_key)

    def _base_for(self, query: str) -> list[Pending]:
        """Rows a new filter must look at: when it narrows the applied one, the rows that one
        kept and those it had not looked at yet; otherwise every row."""
        applied = self._applied
        if applied and not applied.startswith("!") and query.lower().startswith(applied.lower()):
            return [(self._visible, 0), *self._rest]
        return [(self._ids, 0)]

    def _refill(self, *, keep_key: str | None) -> None:
        """Apply ``filter_text``: on the UI thread within :data:`FILTER_BUDGET`, the rest in a
        worker (:meth:`_start_filter`)."""
        self._generation += 1
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        query = self.filter_text
        if not query:
            self._show(self._ids, "", keep_key)
            return
        keep = self._model.find(keep_key) if keep_key is not None else None
        found: list[int] = []
        rest = self._base_for(query)
        scanned, last = 0, -1
        deadline = time.perf_counter() + FILTER_BUDGET
        while rest:
            ids, start = rest[0]
            chunk = ids[start : start + SYNC_CHUNK]
            if start + SYNC_CHUNK < len(ids):
                rest[0] = (ids, start + SYNC_CHUNK)
            else:
                rest.pop(0)
            if not chunk:
                continue
            found += self._model.filter(chunk, query)
            scanned += len(chunk)
            last = chunk[-1]
            if time.perf_counter() > deadline or (
                scanned >= SYNC_FILTER_LIMIT and self._fills_screen(found, keep, last)
            ):
                break
        if not rest:
            self._show(found, query, keep_key)
            return
        if self._fills_screen(found, keep, last):
            self._show(found, query, keep_key, rest=rest)
        generation = self._generation
        self._debounce = self.set_timer(
            FILTER_DEBOUNCE, lambda: self._start_filter(generation, found, rest, query, keep_key)
        )
        self.post_message(self.Filtered(self, pending=True))

    def _fills_screen(self, found: list[int], keep: int | None, last: int) -> bool:
        """Whether the first rows ``found`` (every id up to ``last`` looked at) are all the
        screen shows: they fill it, below the kept cursor row when it is among them."""
        height = max(1, self.scrollable_content_region.height or self.size.height)
        if keep is None:
            return len(found) >= height
        if keep > last:  # not looked at yet: where the cursor goes is not known
            return False
        row = position(found, keep)
        return len(found) >= (row or 0) + height

    def _start_filter(
        self,
        generation: int,
        found: list[int],
        rest: list[Pending],
        query: str,
        keep_key: str | None,
    ) -> None:
        if generation != self._generation:
            return
        model = self._model

        def work() -> None:
            worker = get_current_worker()
            more: list[int] = []
            for chunk in chunks(rest, FILTER_CHUNK):
                # A newer keystroke or model: stop now, not when the next worker starts.
                if worker.is_cancelled or generation != self._generation:
                    return
                more += model.filter(chunk, query)
            if not worker.is_cancelled:
                self.app.call_from_thread(self._filtered, generation, found + more, query, keep_key)

        self.run_worker(
            work,
            thread=True,
            exclusive=True,
            group=f"filter-{self.pane}",
            description=f"filter {self.pane}",
            exit_on_error=False,
        )

    def _filtered(
        self, generation: int, found: list[int], query: str, keep_key: str | None
    ) -> None:
        """A worker's filter result: shown unless a newer filter or model superseded it."""
        if generation != self._generation:
            return
        key = self.current_key
        # The first rows were shown already: the cursor's row did not change, say so only once.
        again = self._applied == query and key is not None
        self._show(found, query, key or keep_key, highlight=not again)

    def _show(
        self,
        visible: Sequence[int],
        query: str,
        keep_key: str | None,
        rest: Sequence[Pending] = (),
        *,
        highlight: bool = True,
    ) -> None:
        """Show ``visible`` for ``query`` (``rest``: ids a worker still filters); ``highlight``:
        announce the cursor's row (a preview in Details)."""
        self._visible = visible
        self._applied = query
        self._rest = list(rest)
        self._resize_virtual()
        row = self._position(keep_key) or 0
        self.set_reactive(PaneTable.cursor_row, min(row, max(0, len(visible) - 1)))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Filtered(self, pending=bool(rest)))
        if highlight or self.current_key != keep_key:
            self.post_message(self.RowHighlighted(self, self.current_key))

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on ``row`` (clamped)."""
        self.cursor_row = max(0, min(row, len(self._visible) - 1))

    def move_to_key(self, key: str) -> bool:
        """Put the cursor on ``key`` (clearing the filter if it hides it)."""
        row = self._position(key)
        if row is None:
            if self._model.find(key) is None:
                return False
            self.filter_text = ""  # an empty filter shows every row at once
            row = self._position(key)
            if row is None:
                return False
        self.move_cursor(row=row)
        return True

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.current_key))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        row = self.cursor_row
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    # -- marks ----------------------------------------------------------------------------

    @property
    def marks(self) -> set[str]:
        return self._marks

    def set_marks(self, keys: Iterable[str]) -> None:
        """Mark ``keys`` (and unmark the rest)."""
        new = set(keys)
        if new != self._marks:
            self._marks = new
            self.refresh()

    # -- rendering ------------------------------------------------------------------------

    def _line(self, cells: Iterable[object], style: Style) -> Strip:
        line = Text(" ", style=style, no_wrap=True, end="")
        for width, value in zip([1, *self._widths], cells, strict=False):
            cell = _text(value).copy()
            cell.truncate(width, overflow="ellipsis", pad=True)
            line.append_text(cell)
            line.append(" " * self._gap)
        segments = list(line.render(self.app.console))
        return Strip(Segment.apply_style(segments, style), line.cell_len)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        scroll_x = int(self.scroll_x)
        if y == 0:
            header = self.get_component_rich_style("pane-table--header")
            strip = self._line(["", *(label for _, label, _ in self._columns)], base + header)
            return strip.crop_extend(scroll_x, scroll_x + width, base)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._visible):
            return Strip.blank(width, base)
        row = self._model.row(self._visible[index])
        cursor = index == self.cursor_row
        style = base
        if cursor:
            name = "pane-table--cursor" if self.has_focus else "pane-table--cursor-blur"
            style = base + self.get_component_rich_style(name)
        mark: object = ""
        if row.key in self._marks:
            mark = Text(self._mark_symbol, style=self.mark_style or "bold")
        strip = self._line([mark, *row.resolved()], style)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._layout()
        self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            row = int(self.scroll_y) + event.y - 1
            if row < len(self._visible):
                self.focus()
                self.cursor_row = row

    # -- actions --------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + max(1, self.size.height - 2))

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - max(1, self.size.height - 2))

    def action_cursor_top(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(row=len(self._visible) - 1)

    def action_drill(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Drill(self, key))
