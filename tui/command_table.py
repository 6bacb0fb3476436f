"""The one table of the explorer's commands: the ``:`` bar, the command palette (ctrl+p),
the help screen and the README's command list are all built from :data:`COMMANDS`.

A command has an id (its ``:`` word), aliases, an argument name when it takes one, a palette
title, a description, the key that does the same (a :data:`tui.keymap.KEYMAP` id) and its
handler. Keys themselves are in :mod:`tui.keymap`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.app import IamExploreApp

Handler = Callable[["IamExploreApp", str], object]


@dataclass(frozen=True, slots=True)
class Command:
    """One command.

    Attributes:
        id: the ``:`` word (``paths``).
        title: the palette's title (``view: paths``).
        description: what it does (help, README, palette).
        run: ``run(app, argument)``.
        aliases: other ``:`` words for it.
        arg: the argument's name (``DIR``) when it takes one; the palette leaves those out.
        key: id of the keymap row doing the same (help shows the key).
        available: when the palette offers it (default: always).
    """

    id: str
    title: str
    description: str
    run: Handler
    aliases: tuple[str, ...] = ()
    arg: str = ""
    key: str = ""
    available: Callable[[IamExploreApp], bool] | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def offered(self, app: IamExploreApp) -> bool:
        """Whether the palette lists it now."""
        return not self.arg and (self.available is None or self.available(app))


def _pane(pane: str) -> Command:
    return Command(
        pane,
        f"view: {pane}",
        f"focus the {pane.capitalize()} pane",
        lambda app, _arg: app.main.action_focus_pane(pane),
        key=f"pane-{pane}",
    )


def _has_session(app: IamExploreApp) -> bool:
    return app.session is not None


COMMANDS: tuple[Command, ...] = (
    *(_pane(p) for p in ("users", "roles", "services", "edges", "details")),
    Command(
        "paths",
        "view: paths",
        "show escalation paths, shortest first",
        lambda app, _arg: app.show_paths(),
        key="paths",
    ),
    Command(
        "problems",
        "view: problems",
        "show policy problems found while loading",
        lambda app, _arg: app.show_problems(),
        key="problems",
    ),
    Command(
        "resources",
        "view: resources",
        "show existing resources by the role they run as",
        lambda app, _arg: app.show_resources(),
        key="resources",
    ),
    Command(
        "next",
        "edges: next escalation",
        "jump to the next escalating edge",
        lambda app, _arg: app.main.action_next_escalation(1),
        key="next-esc",
    ),
    Command(
        "whatif",
        "what-if: open panel",
        "open the what-if panel for the selection",
        lambda app, _arg: app.open_whatif(),
        aliases=("what-if", "w"),
        key="whatif",
        available=_has_session,
    ),
    Command(
        "undo",
        "what-if: undo",
        "take back the last what-if change (or cancel the running one)",
        lambda app, _arg: app.undo_redo("undo"),
        key="undo",
        available=lambda app: app.session is not None and bool(app.session.history),
    ),
    Command(
        "redo",
        "what-if: redo",
        "apply again a what-if change taken back",
        lambda app, _arg: app.undo_redo("redo"),
        key="redo",
        available=_has_session,
    ),
    Command(
        "export",
        "what-if: export",
        "write the what-if's changed policies as JSON files into DIR",
        lambda app, arg: app.export(arg),
        arg="DIR",
    ),
    Command(
        "denial",
        "denial: explain",
        "explain an authorization-failure message",
        lambda app, _arg: app.open_denial(),
        key="denial",
    ),
    Command(
        "save",
        "account: save snapshot",
        "save a live account as a snapshot file (asks for PATH when none is given)",
        lambda app, arg: app.save_snapshot(arg or None),
        arg="PATH",
        key="save",
    ),
    Command(
        "reload",
        "account: reload",
        "reload the snapshot (or re-fetch the live account)",
        lambda app, _arg: app.request_reload(),
        aliases=("r",),
        key="reload",
    ),
    Command(
        "help",
        "help: keys and commands",
        "show every key and command",
        lambda app, _arg: app.action_help(),
        aliases=("h",),
        key="help",
    ),
    Command(
        "quit",
        "quit",
        "quit",
        lambda app, _arg: app.confirm_discard("quit", lambda: app.exit(0)),
        aliases=("q",),
        key="quit",
    ),
)
"""Every command, in help order."""

BY_WORD: dict[str, Command] = {word: c for c in COMMANDS for word in c.words}
"""``:`` word (id or alias) → command."""


def find(word: str) -> Command | None:
    """The command a ``:`` word names (case-insensitive)."""
    return BY_WORD.get(word.lower())
