"""Three-valued logic for analysis: a fact can be true, false or unknown."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Tri(Enum):
    """Kleene three-valued truth value."""

    FALSE = 0
    TRUE = 1
    UNKNOWN = 2

    @staticmethod
    def of(value: bool) -> Tri:
        return Tri.TRUE if value else Tri.FALSE

    def __invert__(self) -> Tri:
        if self is Tri.UNKNOWN:
            return self
        return Tri.FALSE if self is Tri.TRUE else Tri.TRUE

    def __and__(self, other: Tri) -> Tri:
        if self is Tri.FALSE or other is Tri.FALSE:
            return Tri.FALSE
        if self is Tri.UNKNOWN or other is Tri.UNKNOWN:
            return Tri.UNKNOWN
        return Tri.TRUE

    def __or__(self, other: Tri) -> Tri:
        if self is Tri.TRUE or other is Tri.TRUE:
            return Tri.TRUE
        if self is Tri.UNKNOWN or other is Tri.UNKNOWN:
            return Tri.UNKNOWN
        return Tri.FALSE


def tri_all(values: Iterable[Tri]) -> Tri:
    """AND over values (TRUE for none)."""
    out = Tri.TRUE
    for v in values:
        if v is Tri.FALSE:
            return Tri.FALSE
        if v is Tri.UNKNOWN:
            out = Tri.UNKNOWN
    return out


def tri_any(values: Iterable[Tri]) -> Tri:
    """OR over values (FALSE for none)."""
    out = Tri.FALSE
    for v in values:
        if v is Tri.TRUE:
            return Tri.TRUE
        if v is Tri.UNKNOWN:
            out = Tri.UNKNOWN
    return out
