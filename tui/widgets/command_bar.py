"""The bottom bar for ``:`` commands and ``/`` filters (hidden until used)."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from tui.guard import Guarded


class CommandBar(Guarded, Input):
    """An input in ``command`` or ``filter`` mode.

    In filter mode every keystroke posts :class:`CommandBar.FilterChanged` so the target pane
    filters live; escape clears the filter and closes the bar.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    class FilterChanged(Message):
        """The filter text changed (live)."""

        def __init__(self, target: str, text: str) -> None:
            self.target = target
            self.text = text
            super().__init__()

    class CommandEntered(Message):
        """A ``:`` command was submitted."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    class Closed(Message):
        """The bar closed; ``cancelled`` is true on escape."""

        def __init__(self, mode: str, target: str, cancelled: bool) -> None:
            self.mode = mode
            self.target = target
            self.cancelled = cancelled
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.mode = "command"
        self.target = ""

    def open(self, mode: str, target: str = "", value: str = "") -> None:
        """Show the bar in ``mode`` (``command`` or ``filter``) for pane ``target``."""
        self.mode = mode
        self.target = target
        self.placeholder = (
            "command: users roles services edges paths problems whatif denial export DIR"
            if mode == "command"
            else f"filter {target} (!text inverts, escape clears)"
        )
        self.value = value
        self.cursor_position = len(value)
        self.display = True
        self.focus()

    def close(self, cancelled: bool) -> None:
        self.display = False
        self.post_message(self.Closed(self.mode, self.target, cancelled))

    def _on_input_changed(self, event: Input.Changed) -> None:
        if self.mode == "filter":
            self.post_message(self.FilterChanged(self.target, event.value))

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.mode == "command":
            self.post_message(self.CommandEntered(event.value.strip().lstrip(":")))
        self.close(cancelled=False)

    def action_cancel(self) -> None:
        if self.mode == "filter":
            self.post_message(self.FilterChanged(self.target, ""))
        self.close(cancelled=True)
