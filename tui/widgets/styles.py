"""Rich styles derived from the app's theme variables, so cell colours follow the theme.

Every coloured thing also carries a word or symbol (``ADMIN``, ``GAIN``, ``none``, ``cond``,
``+NEW``, ``-GONE``), so the explorer reads the same under ``NO_COLOR``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from core.escalate.escalation_level import Escalation
from core.escalate.findings import Finding
from tui.widgets.index import reach_mark


@dataclass(frozen=True)
class Palette:
    """Styles for escalation labels and markers."""

    admin: Style
    gain: Style
    none: Style
    cond: Style
    mark: Style
    added: Style
    removed: Style
    heading: Style
    muted: Style

    @classmethod
    def from_theme(cls, variables: Mapping[str, str]) -> Palette:
        def color(name: str, fallback: str = "") -> str | None:
            value = variables.get(name, fallback)
            return value if value and value.startswith("#") else None

        return cls(
            admin=Style(color=color("error"), bold=True),
            gain=Style(color=color("warning"), bold=True),
            none=Style(dim=True),
            cond=Style(color=color("accent"), italic=True),
            mark=Style(color=color("accent"), bold=True),
            added=Style(color=color("success"), bold=True),
            removed=Style(color=color("error"), strike=True),
            heading=Style(bold=True, color=color("primary")),
            muted=Style(dim=True),
        )

    def escalation(self, f: Finding, *, reach: bool = True) -> Text:
        """``▲ ADMIN`` / ``△ GAIN`` / ``· none`` in the escalation's style, then (``reach``) the
        ``→ADMIN n`` marker of a hop whose target has a path to admin."""
        level = Escalation.of(f.escalation)
        style = {Escalation.ADMIN: self.admin, Escalation.GAIN: self.gain}.get(level, self.none)
        text = Text(level.tag, style=style)
        mark = reach_mark(f) if reach else ""
        if mark:
            text.append(f" {mark}", style=self.admin)
        return text

    def reach(self, f: Finding) -> Text:
        """``2 hops`` (``?`` when conditional) for a hop whose target has a path to admin."""
        if f.reaches_admin is None or f.escalation == "admin":
            return Text("")
        hops, conditional = f.reaches_admin
        return Text(f"{hops} hops" + ("?" if conditional else ""), style=self.admin)

    def conditional(self, f: Finding) -> Text:
        return Text("? cond", style=self.cond) if f.conditional else Text("")
