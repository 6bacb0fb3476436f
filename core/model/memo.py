"""Memos owned by the model values they describe.

A derived value (a document's statement index, a statement's compiled actions, an account's
trust index) is computed once and kept on the object it was computed from, in a private slot
that is not a dataclass field: equality, hashing, ``repr``, ``replace``, copying and pickling
ignore it. A what-if's changed copy is a new object, so it starts with an empty memo, and
nothing outlives the model it describes (no module-level cache keyed by ``id()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar, cast

K = TypeVar("K")
V = TypeVar("V")


class Memoized:
    """Base of the frozen model classes that carry a memo (one private slot, set lazily)."""

    __slots__ = ("_memo",)
    _memo: dict[str, object]


def memo_of(obj: Memoized) -> dict[str, object]:
    """The memo of ``obj``: a dict of derived values keyed by ``"module.what"``."""
    try:
        return obj._memo
    except AttributeError:
        memo: dict[str, object] = {}
        object.__setattr__(obj, "_memo", memo)  # the model is frozen; the memo is not state
        return memo


def memo_table(obj: Memoized, name: str) -> dict[Any, Any]:
    """A dict kept in ``obj``'s memo under ``name`` (created on first use), for values derived
    per key (a document's statements matching each action, an account's answers per policy)."""
    memo = memo_of(obj)
    table = memo.get(name)
    if table is None:
        table = memo[name] = {}
    return cast("dict[Any, Any]", table)  # only this function stores under a table's name


class BoundedTable(Generic[K, V]):
    """A table of derived values that keeps the most recently used ones within a budget.

    Each value has a weight (say, the edges it holds); past ``budget`` in total, the least
    recently used entries are dropped (a value asked for again is then computed again). For
    results worth sharing while an analysis runs that must not make its memory grow with the
    account."""

    __slots__ = ("_items", "budget", "weight")

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.weight = 0
        self._items: dict[K, tuple[int, V]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._items))

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or ``None``."""
        hit = self._items.pop(key, None)
        if hit is None:
            return None
        self._items[key] = hit
        return hit[1]

    def put(self, key: K, value: V, weight: int) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used past the budget."""
        old = self._items.pop(key, None)
        if old is not None:
            self.weight -= old[0]
        self._items[key] = (weight, value)
        self.weight += weight
        while self.weight > self.budget and len(self._items) > 1:
            dropped = self._items.pop(next(iter(self._items)))
            self.weight -= dropped[0]


def memo_bounded(obj: Memoized, name: str, budget: int) -> BoundedTable[Any, Any]:
    """A :class:`BoundedTable` kept in ``obj``'s memo under ``name`` (created on first use)."""
    memo = memo_of(obj)
    table = memo.get(name)
    if not isinstance(table, BoundedTable):
        table = memo[name] = BoundedTable(budget)
    return table
