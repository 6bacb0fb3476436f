"""The ``?`` help screen, built from the keymap table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from tui.keymap import keymap_markdown
from tui.widgets.footer import KeyFooter


class HelpScreen(ModalScreen[None]):
    """Every key and ``:`` command, from :data:`tui.keymap.KEYMAP`."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss(None)", "Close", show=True),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="modal-body") as body:
            body.border_title = "Keys (escape closes)"
            yield Static(
                "iam-explore: who can escalate through iam:PassRole, and why.\n"
                "Edges read ADMIN (the role is admin-equivalent), GAIN (the role can do more), "
                "none, and cond (only if conditions hold).",
                classes="help-intro",
            )
            yield Markdown(keymap_markdown(), id="help-keys")
        yield KeyFooter()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
