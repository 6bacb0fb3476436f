"""How much an edge escalates: one enum with its rank, word and symbol.

``Finding.escalation`` stays the string (``admin``, ``privilege-gain``, ``none``: the JSON
contract); :meth:`Escalation.of` turns it into this enum wherever it is ranked or shown, so
no table of labels or ranks is copied into the explorer or the CLI.
"""

from __future__ import annotations

from enum import Enum


class Escalation(Enum):
    """An escalation level, by its ``Finding.escalation`` string."""

    ADMIN = "admin"
    GAIN = "privilege-gain"
    NONE = "none"

    @classmethod
    def of(cls, value: str) -> Escalation:
        """The level of a ``Finding.escalation`` string (``ValueError`` for another string)."""
        try:
            return _BY_VALUE[value]
        except KeyError:
            raise ValueError(f"not an escalation level: {value!r}") from None

    @property
    def rank(self) -> int:
        """2 for admin, 1 for privilege-gain, 0 for none (sort by ``-rank``: worst first)."""
        return _TRAITS[self][0]

    @property
    def label(self) -> str:
        """``ADMIN``, ``GAIN``, ``none``: a word, so tables read without colour."""
        return _TRAITS[self][1]

    @property
    def symbol(self) -> str:
        """``▲``, ``△``, ``·``."""
        return _TRAITS[self][2]

    @property
    def tag(self) -> str:
        """Symbol and word: ``▲ ADMIN``, ``△ GAIN``, ``· none``."""
        return f"{self.symbol} {self.label}"


_BY_VALUE: dict[str, Escalation] = {e.value: e for e in Escalation}

_TRAITS: dict[Escalation, tuple[int, str, str]] = {
    Escalation.ADMIN: (2, "ADMIN", "▲"),
    Escalation.GAIN: (1, "GAIN", "△"),
    Escalation.NONE: (0, "none", "·"),
}
