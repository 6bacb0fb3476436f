"""Find the ARNs a Resource pattern can match without testing every ARN.

ARNs are kept sorted; a pattern's literal prefix (everything before its first ``*``, ``?`` or
``${``) selects a contiguous range with two binary searches, and only that range is matched
against the whole pattern. Keeps edge finding close to linear in the size of the account.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from core.model.patterns import arn_matches

T = TypeVar("T")


def literal_prefix(pattern: str) -> str:
    """The part of a pattern before its first wildcard or policy variable."""
    cut = len(pattern)
    for token in ("*", "?", "${"):
        i = pattern.find(token)
        if i != -1:
            cut = min(cut, i)
    return pattern[:cut]


class ArnIndex(Generic[T]):
    """Items by ARN, searchable by Resource pattern."""

    def __init__(self, items: Iterable[tuple[str, T]]) -> None:
        pairs = sorted(items, key=lambda p: p[0])
        self.arns: list[str] = [a for a, _ in pairs]
        self.items: list[T] = [t for _, t in pairs]
        self._tails: tuple[list[str], list[int], list[int]] | None = None

    def _by_tail(self) -> tuple[list[str], list[int], list[int]]:
        """The resource parts (after the fifth colon) sorted, their positions, and the
        positions of ARNs without exactly five colons (always candidates)."""
        if self._tails is None:
            pairs: list[tuple[str, int]] = []
            odd: list[int] = []
            for i, arn in enumerate(self.arns):
                parts = arn.split(":", 5)
                if len(parts) == 6 and ":" not in parts[5]:
                    pairs.append((parts[5], i))
                else:
                    odd.append(i)
            pairs.sort()
            self._tails = ([t for t, _ in pairs], [i for _, i in pairs], odd)
        return self._tails

    def __len__(self) -> int:
        return len(self.arns)

    def all(self) -> Sequence[T]:
        return self.items

    def candidates(self, pattern: str) -> list[int]:
        """Positions whose ARN starts with the pattern's literal prefix; for a pattern with a
        wildcard before its resource part (``arn:aws:iam::*:user/x``), the positions whose
        resource part starts with that part's literal prefix, and every ARN without exactly
        five colons. (Each of the pattern's five literal colons must then match one of the ARN's
        five, so no wildcard spans a colon and the resource parts align.)"""
        prefix = literal_prefix(pattern)
        parts = pattern.split(":", 5)
        if len(parts) == 6 and "${" not in pattern and len(prefix) <= len(pattern) - len(parts[5]):
            tail = literal_prefix(parts[5])
            if tail:
                tails, where, odd = self._by_tail()
                lo = bisect.bisect_left(tails, tail)
                hi = bisect.bisect_left(tails, tail + "\U0010ffff")
                return sorted([*where[lo:hi], *odd])
        lo = bisect.bisect_left(self.arns, prefix)
        hi = bisect.bisect_left(self.arns, prefix + "\U0010ffff")
        return list(range(lo, hi))

    def matching(self, patterns: Iterable[str]) -> list[T]:
        """Items whose ARN one of ``patterns`` matches (variables: every item with the prefix)."""
        seen: set[int] = set()
        for p in patterns:
            for i in self.candidates(p):
                if i in seen:
                    continue
                if "${" in p or arn_matches(p, self.arns[i]):
                    seen.add(i)
        return [self.items[i] for i in sorted(seen)]
