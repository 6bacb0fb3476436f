"""The footer of every screen: that screen's own keys, with ``? Help`` first.

Each screen (the main one and every modal) composes its own :class:`KeyFooter`, so the keys
listed are the ones that work on the screen in front. ``? Help`` comes first so that a narrow
terminal (80 columns) cuts the least useful keys, never the one a lost user needs.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP = Binding("question_mark", "app.help", "Help", show=True, key_display="?")
"""``?`` on a dialog: dialogs do not inherit the app's keys, so each one lists this."""

FIRST = ("help",)
"""Actions shown before every other key, in this order."""


def _rank(widget: object) -> int:
    if isinstance(widget, FooterKey):
        action = widget.action.rsplit(".", 1)[-1]
        if action in FIRST:
            return FIRST.index(action)
    return len(FIRST)


class KeyFooter(Footer):
    """A :class:`Footer` that puts ``? Help`` first and leaves out the palette shortcut."""

    def __init__(self) -> None:
        super().__init__(show_command_palette=False, compact=True)

    def compose(self) -> ComposeResult:
        yield from sorted(super().compose(), key=_rank)

    _shown: tuple[object, ...] | None = None
    """The keys the footer last composed (see :meth:`bindings_changed`)."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Recompose only when the keys shown change: moving focus between panes with the same
        keys fired a recompose and a layout of the whole screen on every pane switch."""
        shown = tuple(
            (b.key, b.action, b.description, b.key_display, b.group, enabled, tooltip)
            for (_, b, enabled, tooltip) in screen.active_bindings.values()
            if b.show
        )
        if shown == self._shown and self.children:
            self._bindings_ready = True
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown
        super().bindings_changed(screen)
