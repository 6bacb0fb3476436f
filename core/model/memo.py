"""Memos owned by the model values they describe.

A derived value (a document's statement index, a statement's compiled actions, an account's
trust index) is computed once and kept on the object it was computed from, in a private slot
that is not a dataclass field: equality, hashing, ``repr``, ``replace``, copying and pickling
ignore it. A what-if's changed copy is a new object, so it starts with an empty memo, and
nothing outlives the model it describes (no module-level cache keyed by ``id()``).
"""

from __future__ import annotations

from typing import Any, cast


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
