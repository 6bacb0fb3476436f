"""Where the user was, for ``[`` / ``]``: a location value and the back/forward stacks (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """A place in the main screen: focused pane and row, the selection, a focused statement."""

    pane: str
    key: str | None
    user: str | None
    role: str | None
    service: str | None
    statement: int | None = None


@dataclass
class History:
    """Back and forward stacks of locations, as in a browser."""

    back: list[Location] = field(default_factory=list)
    forward: list[Location] = field(default_factory=list)

    def remember(self, here: Location) -> None:
        """Record ``here`` before moving on (a new move forgets what was ahead)."""
        if not self.back or self.back[-1] != here:
            self.back.append(here)
        self.forward.clear()

    def step(self, direction: int, here: Location) -> Location | None:
        """The location one step back (``direction < 0``) or forward from ``here``, which the
        other stack keeps; ``None`` at the end of the history."""
        source, target = (self.back, self.forward) if direction < 0 else (self.forward, self.back)
        if not source:
            return None
        target.append(here)
        return source.pop()
