"""The request context: condition keys with their values, absent, or unknown.

AWS condition key names are case-insensitive ("IAM JSON policy elements: Condition": "Condition
key names are not case-sensitive"), so keys are stored lowercased. During analysis many keys are
*unknown* (the source IP of a future call, MFA, tags chosen at launch): they are neither present
nor absent, and every condition on them evaluates to ``Tri.UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final


class _Unknown:
    """Marker for a key whose value is not known during analysis."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()

Value = tuple[str, ...]
"""A key's values in the request: one string for single-valued keys, any number for multivalued."""


def _norm(values: object) -> Value:
    if isinstance(values, (list, tuple)):
        return tuple(_scalar(v) for v in values)
    return (_scalar(values),)


def _scalar(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Condition keys of one request.

    Attributes:
        values: present keys (lowercased) and their values as strings.
        unknown: keys (lowercased) whose presence and value are unknown.
        unknown_by_default: when true, every key that is neither in ``values`` nor in
            ``absent`` is unknown (analysis mode); when false such keys are absent (simulation).
        absent: keys known to be absent, even in analysis mode.
    """

    values: Mapping[str, Value] = field(default_factory=dict)
    unknown: frozenset[str] = frozenset()
    unknown_by_default: bool = False
    absent: frozenset[str] = frozenset()
    absent_prefixes: tuple[str, ...] = ()
    """Lowercased key prefixes (``aws:principaltag/``) whose keys not in ``values`` are absent."""
    now: float | None = None
    """Analysis time (epoch seconds): unknown time keys (``aws:CurrentTime``, ``aws:EpochTime``,
    ``aws:TokenIssueTime``) are then any instant from ``now`` on (see
    :mod:`core.evaluate.conditions`)."""

    @staticmethod
    def of(
        values: Mapping[str, object] | None = None,
        *,
        unknown: Iterable[str] = (),
        unknown_by_default: bool = False,
        absent: Iterable[str] = (),
        absent_prefixes: Iterable[str] = (),
        now: float | None = None,
    ) -> RequestContext:
        """Build a context from keys in any case and values as str, bool, number or lists."""
        return RequestContext(
            values={k.lower(): _norm(v) for k, v in (values or {}).items()},
            unknown=frozenset(k.lower() for k in unknown),
            unknown_by_default=unknown_by_default,
            absent=frozenset(k.lower() for k in absent),
            absent_prefixes=tuple(p.lower() for p in absent_prefixes),
            now=now,
        )

    def lookup(self, key: str) -> Value | _Unknown | None:
        """The key's values, ``None`` when absent, or ``UNKNOWN``."""
        k = key.lower()
        found = self.values.get(k)
        if found is not None:
            return found
        if k in self.unknown:
            return UNKNOWN
        if self.unknown_by_default and k not in self.absent:
            if self.absent_prefixes and k.startswith(self.absent_prefixes):
                return None
            return UNKNOWN
        return None

    def with_values(self, extra: Mapping[str, object]) -> RequestContext:
        """A copy with more (or replaced) present keys."""
        merged = dict(self.values)
        merged.update({k.lower(): _norm(v) for k, v in extra.items()})
        return RequestContext(
            merged,
            self.unknown,
            self.unknown_by_default,
            self.absent,
            self.absent_prefixes,
            self.now,
        )
