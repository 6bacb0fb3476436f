"""A whole policy document, syntax-highlighted, with the cited statement marked."""

from __future__ import annotations

import json

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from core.evaluate.decision import StatementRef
from tui.guard import SafeModal
from tui.safe_text import LINE_LIMIT, join, safe, safe_json, safe_text
from tui.widgets.footer import HELP, KeyFooter


def statement_lines(document_pretty: str, index: int) -> set[int]:
    """1-based lines of statement ``index`` inside the indented document (best effort)."""
    try:
        data = json.loads(document_pretty)
    except ValueError:
        return set()
    statements = data.get("Statement") if isinstance(data, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not (0 <= index < len(statements)):
        return set()
    lines = document_pretty.splitlines()
    # Statements are indented by 4 spaces inside "Statement": [ ... ] (indent=2).
    starts = [n for n, line in enumerate(lines) if line == "    {"]
    if len(starts) != len(statements):
        return set()
    start = starts[index]
    end = next((n for n in range(start, len(lines)) if lines[n].startswith("    }")), start)
    return set(range(start + 1, end + 2))


class PolicyScreen(SafeModal[None]):
    """Shows the policy a statement belongs to; escape closes."""

    BINDINGS = [
        HELP,
        Binding("escape,q,enter", "dismiss(None)", "Close", show=True),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]

    def __init__(self, ref: StatementRef) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        policy = self.ref.policy
        pretty = policy.document.pretty
        marked = statement_lines(pretty, self.ref.statement.index)
        with VerticalScroll(id="policy-body", classes="modal-body") as body:
            body.border_title = join(
                safe(policy.name, 80), " · ", safe(self.ref.statement.label, 80), " (escape closes)"
            )
            head = safe_text(policy.arn or policy.name)
            if policy.via:
                head.append(f"\nattached: {safe(policy.via)} · layer: {safe(policy.layer)}")
            yield Static(head, classes="policy-head")
            yield Static(
                Syntax(
                    safe_json(pretty, LINE_LIMIT),
                    "json",
                    theme="ansi_dark" if self.app.current_theme.dark else "ansi_light",
                    line_numbers=True,
                    highlight_lines=marked,
                    background_color="default",
                    word_wrap=True,
                ),
                id="policy-json",
            )
        yield KeyFooter()
        self.marked = marked

    def on_mount(self) -> None:
        if self.marked:
            first = min(self.marked)
            self.query_one("#policy-body", VerticalScroll).scroll_to(y=max(0, first - 3))

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#policy-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
