"""A one-line prompt (a path to save or export to)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.guard import SafeModal
from tui.widgets.footer import HELP, KeyFooter


class PromptScreen(SafeModal[str | None]):
    """Ask for one value; returns it, or ``None`` on escape."""

    BINDINGS = [HELP, Binding("escape", "dismiss(None)", "Cancel", show=True)]

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-body", classes="modal-body"):
            yield Static(self.question, markup=False)
            yield Input(self.value, id="prompt-input")
        yield KeyFooter()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
