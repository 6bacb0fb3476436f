"""A yes/no question before something that loses work (quit or reload with what-if changes)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from tui.guard import SafeModal
from tui.widgets.footer import HELP, KeyFooter


class ConfirmScreen(SafeModal[bool]):
    """Ask ``question``; ``y`` returns ``True``, ``n`` or ``escape`` returns ``False``."""

    BINDINGS = [
        HELP,
        Binding("y", "answer(True)", "Yes", show=True),
        Binding("n,escape", "answer(False)", "No", show=True),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-body", classes="modal-body") as body:
            body.border_title = self.title_text
            yield Static(self.question, id="confirm-question", markup=False)
            yield Static("y: yes · n or escape: no", classes="hint")
        yield KeyFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
