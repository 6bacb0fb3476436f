"""Fewer garbage-collector passes while an analysis or a report builds millions of objects.

CPython's cyclic collector runs a pass every 700 net allocations (its default generation-0
threshold) and a full pass over every live object every 100 of those; an analysis allocates
millions of long-lived findings, reasons and tuples and frees almost none of them (no reference
cycles: a pass over the varied account collects nothing), so most passes are wasted work that
grows with the number of objects already alive. With the thresholds raised for the duration,
the collector still runs (cycles are still freed), just far less often. Measured in
``bench/README.md`` ("Garbage-collector passes").
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (100_000, 50, 50)
"""Generation 0, 1 and 2 thresholds while paused (CPython's defaults are 700, 10, 10)."""

_LOCK = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] = (700, 10, 10)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's thresholds inside the block (nested and threaded uses share one
    pause: the thresholds are restored when the outermost block ends)."""
    global _depth, _saved
    with _LOCK:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0:
                _promote_all()
                gc.set_threshold(*_saved)


_kept = False
"""Objects are frozen on purpose (:func:`keep_frozen`): the blocks' objects join them."""


def keep_frozen() -> None:
    """Freeze every object alive and keep it frozen (the explorer's shown analysis: full
    collections need not walk it); :func:`release_frozen` undoes it."""
    global _kept
    with _LOCK:
        gc.freeze()
        _kept = True


def release_frozen() -> None:
    """Put the frozen objects back within the collector's reach."""
    global _kept
    with _LOCK:
        gc.unfreeze()
        _kept = False


def _promote_all() -> None:
    """Move the objects the block kept out of the young generations without a collection pass.

    ``gc.freeze()`` moves all objects to the permanent generation and ``gc.unfreeze()`` puts them
    back "into the oldest generation" (Python ``gc`` docs); neither walks the objects. Without
    this, restoring the thresholds makes the next allocation run a generation-1 pass over the
    millions of objects the block kept (0.6 s of 6.5 s CPU at varied 1,000 + 1,000). They stay
    collectable: the next full collection still examines them. When objects are kept frozen
    (:func:`keep_frozen`: the explorer freezes the analysis it shows), they stay frozen and the
    block's objects join them: the explorer releases all of them when it replaces the analysis.
    A flag says so, not ``gc.get_freeze_count()``: that walks every frozen object (0.2 s per
    block with the varied 2,000 + 2,000 analysis shown, three blocks per what-if).
    """
    gc.freeze()
    if not _kept:
        gc.unfreeze()
