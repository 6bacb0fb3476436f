"""Keep the explorer alive: an exception in a handler is shown, not fatal; dialogs close once.

Textual ends the app on any exception raised while a widget or screen handles a message
(``App._handle_exception``), and stops that widget's message loop. :class:`Guarded` wraps the
message dispatch of the explorer's own screens and widgets, so an unexpected exception becomes
an error panel (:meth:`tui.app.IamExploreApp.report_error`) and the loop goes on.
:class:`SafeModal` is the base of every dialog: ``dismiss`` acts once, so a key pressed twice
quickly (double Enter) cannot pop the screen underneath and leave a blank screen
(``ScreenStackError``). :class:`SafeCommandPalette` works around a Textual crash.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import ModalScreen

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

R = TypeVar("R")


def report(pump: MessagePump, error: Exception) -> bool:
    """Hand ``error`` to the app's ``report_error`` (False when the app cannot take it)."""
    try:
        app = pump.app
    except Exception:  # no active app: let Textual handle it
        return False
    handler = getattr(app, "report_error", None)
    return bool(handler(error, where=type(pump).__name__)) if handler is not None else False


class Guarded:
    """Mixin for a screen or widget: exceptions in its handlers are reported, not fatal."""

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            if not report(self, error):  # type: ignore[arg-type]
                raise


class SafeModal(Guarded, ModalScreen[R], Generic[R]):
    """A dialog whose ``dismiss`` acts once, and only while it is the top screen: later calls
    (a second Enter queued before the first closed it) do nothing."""

    _dismissed = False

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if self._dismissed or self.app.screen is not self:  # it would pop another screen
            return AwaitComplete()
        self._dismissed = True
        return super().dismiss(result)

    def action_cursor(self, direction: str) -> None:
        """``j``/``k`` in a dialog: move the cursor of its list (a table or an option list)."""
        widget = self.query_one("DataTable, OptionList")
        if direction == "down":
            widget.action_cursor_down()  # type: ignore[attr-defined]
        else:
            widget.action_cursor_up()  # type: ignore[attr-defined]


class SafeCommandPalette(CommandPalette):
    """Textual's command palette without its PageUp/PageDown crash.

    Workaround for a Textual bug (seen with textual 8.2): ``OptionList._move_page`` looks the
    highlighted option up in its line cache, which is empty while the list has no size (the
    palette hides it until results arrive, and a resize clears it), so PageUp or PageDown
    typed while the palette is still searching raises ``KeyError``. The same traceback is
    reported downstream in kagan-sh/kagan-legacy#31 ("KeyError crash in action_page
    OptionsList"); no Textualize/textual issue for it was found. Paging then does nothing.
    """

    def _action_command_list(self, action: str) -> None:
        if action not in ("page_up", "page_down"):
            super()._action_command_list(action)
            return
        with contextlib.suppress(KeyError):  # the list is not laid out yet: nothing to page
            super()._action_command_list(action)
