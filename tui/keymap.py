"""The one keymap table of the explorer.

The table feeds three things, so they never disagree: the app's ``BINDINGS`` (:func:`bindings`),
the ``?`` help screen, and the README's key list (:func:`keymap_markdown`, with the ``:``
commands of :data:`tui.command_table.COMMANDS`). Keys follow k9s and
lazygit habits (STYLE.md, "Keys users expect").
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from tui.command_table import COMMANDS


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One row of the keymap.

    Attributes:
        keys: Textual key names, comma-separated (``"j,down"``).
        action: the app action the keys run (``None``: handled by a widget, listed for help).
        description: short text for the footer and help.
        group: heading in the help screen.
        id: stable binding id (lets users remap keys in future).
        show: whether the footer shows it.
        display: how the help screen writes the keys (defaults to ``keys``).
        priority: checked before the focused widget's own bindings.
        scope: ``app`` (every screen) or ``main`` (the main screen only).
        footer: shorter text for the footer (defaults to ``description``).
    """

    keys: str
    action: str | None
    description: str
    group: str
    id: str
    show: bool = False
    display: str = ""
    priority: bool = False
    scope: str = "main"
    footer: str = ""

    @property
    def shown_keys(self) -> str:
        return self.display or " ".join(k for k in self.keys.split(","))


KEYMAP: tuple[KeySpec, ...] = (
    # General
    KeySpec("q", "quit", "Quit", "General", "quit", True, scope="app"),
    KeySpec("question_mark", "help", "Help", "General", "help", True, "?", scope="app"),
    KeySpec("colon", "command_bar", "Command", "General", "command", show=True, display=":"),
    KeySpec("ctrl+p", "command_palette", "Command palette", "General", "palette", scope="app"),
    KeySpec("escape", "back", "Back / clear / cancel", "General", "back", display="escape"),
    KeySpec("R", "reload", "Reload", "General", "reload", show=True),
    KeySpec("s", "save_snapshot", "Save live snapshot", "General", "save"),
    # Panes
    KeySpec("tab", None, "Next pane", "Panes", "next-pane", display="tab / shift+tab"),
    KeySpec("1", "focus_pane('users')", "Users pane", "Panes", "pane-users"),
    KeySpec("2", "focus_pane('roles')", "Roles pane", "Panes", "pane-roles"),
    KeySpec("3", "focus_pane('services')", "Services pane", "Panes", "pane-services"),
    KeySpec("4", "focus_pane('edges')", "Edges pane", "Panes", "pane-edges"),
    KeySpec("5", "focus_pane('details')", "Details pane", "Panes", "pane-details"),
    KeySpec(
        "slash", "filter", "Filter (!text inverts)", "Panes", "filter", True, "/", footer="Filter"
    ),
    KeySpec(
        "z",
        "zoom",
        "Zoom the focused pane (z again restores)",
        "Panes",
        "zoom",
        True,
        footer="Zoom",
    ),
    # Moving
    KeySpec("j", "cursor('down')", "Down", "Moving", "down", display="j / down"),
    KeySpec("k", "cursor('up')", "Up", "Moving", "up", display="k / up"),
    KeySpec("g", "cursor('top')", "Top", "Moving", "top", display="g / home"),
    KeySpec("G", "cursor('bottom')", "Bottom", "Moving", "bottom", display="G / end"),
    KeySpec(
        "enter",
        None,
        "Select the row (Edges follow) / open policy",
        "Moving",
        "drill",
        display="enter",
    ),
    KeySpec(
        "left_square_bracket", "history(-1)", "Back in history", "Moving", "hist-back", False, "["
    ),
    KeySpec(
        "right_square_bracket", "history(1)", "Forward in history", "Moving", "hist-fwd", False, "]"
    ),
    KeySpec(
        "n", "next_escalation(1)", "Next escalation", "Moving", "next-esc", True, footer="Next esc"
    ),
    KeySpec("N", "next_escalation(-1)", "Previous escalation", "Moving", "prev-esc"),
    # Views
    KeySpec("p", "show_paths", "Escalation paths", "Views", "paths", True, footer="Paths"),
    KeySpec("P", "show_problems", "Policy problems", "Views", "problems"),
    KeySpec("6", "show_resources", "Resources by role", "Views", "resources"),
    KeySpec("d", "denial", "Explain a denial", "Views", "denial"),
    # What-if
    KeySpec("w", "whatif", "What-if", "What-if", "whatif", show=True),
    KeySpec("u", "undo", "Undo change", "What-if", "undo"),
    KeySpec("ctrl+r", "redo", "Redo change", "What-if", "redo"),
)
"""Every key of the app, in help order."""


def bindings(scope: str) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """``BINDINGS`` for the app (``scope="app"``) or the main screen, from :data:`KEYMAP`."""
    out: list[Binding | tuple[str, str] | tuple[str, str, str]] = []
    for spec in KEYMAP:
        if spec.action is None or spec.scope != scope:
            continue
        out.append(
            Binding(
                spec.keys,
                spec.action,
                spec.footer or spec.description,
                show=spec.show,
                key_display=spec.display or None,
                priority=spec.priority,
                tooltip=spec.description,
                id=spec.id,
            )
        )
    return out


def grouped() -> dict[str, list[KeySpec]]:
    """Keymap rows by help group, in table order."""
    out: dict[str, list[KeySpec]] = {}
    for spec in KEYMAP:
        out.setdefault(spec.group, []).append(spec)
    return out


def keymap_markdown() -> str:
    """The key list as Markdown tables (for the README and the help screen)."""
    lines: list[str] = []
    for group, specs in grouped().items():
        lines += [f"### {group}", "", "| key | action |", "|---|---|"]
        for spec in specs:
            keys = " / ".join(f"`{k.strip()}`" for k in spec.shown_keys.split(" / "))
            lines.append(f"| {keys} | {spec.description} |")
        lines.append("")
    lines += ["### Commands (`:`)", "", "| command | key | does |", "|---|---|---|"]
    by_id = {spec.id: spec for spec in KEYMAP}
    for command in COMMANDS:
        arg = f" {command.arg}" if command.arg else ""
        words = f"`:{command.id}{arg}`"
        if command.aliases:
            words += " (" + ", ".join(f"`:{a}`" for a in command.aliases) + ")"
        bound = by_id.get(command.key)
        key = " / ".join(f"`{k.strip()}`" for k in bound.shown_keys.split(" / ")) if bound else ""
        lines.append(f"| {words} | {key} | {command.description} |")
    lines.append("")
    return "\n".join(lines)
