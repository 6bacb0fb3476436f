"""A modal that shows an error message (load failures, worker errors) without crashing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from tui.guard import SafeModal
from tui.safe_text import safe, safe_message, safe_text
from tui.widgets.footer import HELP, KeyFooter


class ErrorScreen(SafeModal[None]):
    """Shows ``title`` and ``message``; escape or enter closes it."""

    BINDINGS = [HELP, Binding("escape,enter,q", "dismiss(None)", "Close", show=True)]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-body", classes="modal-body") as body:
            body.border_title = safe_text(safe(self.title_text, 120))
            yield Static(safe_message(self.message), id="error-message", markup=False)
            yield Static("escape closes", classes="hint")
        yield KeyFooter()
