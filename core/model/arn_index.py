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

    def __len__(self) -> int:
        return len(self.arns)

    def all(self) -> Sequence[T]:
        return self.items

    def candidates(self, pattern: str) -> list[int]:
        """Positions whose ARN starts with the pattern's literal prefix."""
        prefix = literal_prefix(pattern)
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
