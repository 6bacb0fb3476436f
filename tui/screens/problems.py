"""Policy problems found while loading (``:problems``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from core.model.errors import Problem
from tui.guard import SafeModal
from tui.safe_text import safe_text
from tui.widgets.footer import HELP, KeyFooter


class ProblemsScreen(SafeModal[None]):
    """A table of :class:`core.model.errors.Problem` with where and what."""

    BINDINGS = [
        HELP,
        Binding("escape,q", "dismiss(None)", "Close", show=True),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-body", classes="modal-body") as body:
            body.border_title = f"Policy problems: {len(self.problems)} (escape closes)"
            if not self.problems:
                yield Static("No policy problems: every policy parsed cleanly.")
            table: DataTable[str] = DataTable(id="problems-table", cursor_type="row")
            yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("severity", "policy", "where", "problem")
        for p in self.problems:
            where = p.path + (f" Statement[{p.statement}]" if p.statement is not None else "")
            # Text cells: a policy name or operator with brackets is not markup.
            table.add_row(
                safe_text(p.severity.upper()),
                safe_text(p.policy, limit=120),
                safe_text(where, limit=200),
                safe_text(p.message, limit=600),
            )
        table.focus()
