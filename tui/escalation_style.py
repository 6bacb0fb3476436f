"""Rich styles of the escalation levels in the CLI's output (the explorer's follow its theme:
``tui/widgets/styles.py``)."""

from __future__ import annotations

from core.escalate.escalation_level import Escalation

STYLE: dict[Escalation, str] = {
    Escalation.ADMIN: "bold red",
    Escalation.GAIN: "yellow",
    Escalation.NONE: "dim",
}


def style_of(escalation: str) -> str:
    """The style of a ``Finding.escalation`` string."""
    return STYLE[Escalation.of(escalation)]
