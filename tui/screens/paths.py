"""Escalation paths to admin, shortest first (``:paths`` or ``p``)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from core.escalate.findings import Finding
from core.escalate.paths import Path
from tui.guard import SafeModal
from tui.safe_text import safe, safe_text
from tui.widgets.footer import HELP, KeyFooter
from tui.widgets.index import short


class PathsScreen(SafeModal[Finding | None]):
    """Every path from :attr:`Analysis.paths`; ``enter`` shows the path's first edge."""

    BINDINGS = [
        HELP,
        Binding("escape,q", "dismiss(None)", "Close", show=True),
        Binding("enter", "choose", "Show first edge", show=True),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths

    def compose(self) -> ComposeResult:
        with Vertical(id="paths-body", classes="modal-body") as body:
            body.border_title = f"Escalation paths: {len(self.paths)}, shortest first"
            if not self.paths:
                yield Static("No principal can escalate to admin.", id="paths-empty")
            yield DataTable(id="paths-table", cursor_type="row")
            yield Static(id="paths-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        table.add_columns("steps", "from", "path", "cond", "admin because")
        for n, path in enumerate(self.paths):
            hops = " → ".join(f"[{i + 1}] {h.finding.title}" for i, h in enumerate(path.hops))
            table.add_row(
                str(path.length),
                safe_text(short(path.source)),
                safe_text(hops or "(is admin by rewriting its own permissions)", limit=600),
                "? cond" if path.conditional else "",
                safe_text(path.admin),
                key=str(n),
            )
        table.focus()

    @on(DataTable.RowHighlighted)
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None:
            return
        path = self.paths[int(event.row_key.value)]
        lines = [f"{safe(short(path.source))} ({safe(path.source)})"]
        for i, h in enumerate(path.hops, start=1):
            cond = "  ? cond" if h.finding.conditional else ""
            lines.append(f"  {i}. {safe(h.finding.title)} [{safe(h.finding.kind)}]{cond}")
        if path.terminal is not None:
            cond = "  ? cond" if path.terminal.conditional else ""
            lines.append(f"  then {safe(path.terminal.title)} [{safe(path.terminal.kind)}]{cond}")
        for c in path.conditions:
            lines.append(f"  if {safe(c)}")
        lines.append(f"  ⇒ admin: {safe(path.admin)}")
        self.query_one("#paths-detail", Static).update(Text("\n".join(lines)))

    def action_choose(self) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        if not self.paths or table.cursor_row < 0:
            return
        path = self.paths[table.cursor_row]
        self.dismiss(path.hops[0].finding if path.hops else None)

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_choose()
