"""core.escalate.gc_pause: the collector's thresholds are raised inside the block and restored
after."""

from __future__ import annotations

import gc
import threading

from core.escalate.gc_pause import THRESHOLDS, fewer_collections, keep_frozen, release_frozen


def test_thresholds_raised_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == THRESHOLDS
        assert gc.isenabled()  # cycles are still collected, only less often
    assert gc.get_threshold() == before


def test_nested_blocks_restore_only_at_the_outermost_end() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        with fewer_collections():
            pass
        assert gc.get_threshold() == THRESHOLDS
    assert gc.get_threshold() == before


def test_restored_when_the_block_raises() -> None:
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.get_threshold() == before


def test_overlapping_threads_restore_the_original_thresholds() -> None:
    before = gc.get_threshold()
    inside = threading.Event()
    release = threading.Event()

    def worker() -> None:
        with fewer_collections():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    with fewer_collections():
        pass
    assert gc.get_threshold() == THRESHOLDS  # the worker's block is still open
    release.set()
    t.join(5)
    assert gc.get_threshold() == before


class _Node:
    """An object the cyclic collector tracks, in a reference cycle with itself."""

    def __init__(self) -> None:
        self.me = self


def test_objects_kept_by_the_block_leave_the_young_generations_still_collectable() -> None:
    # Python gc docs: freeze() moves objects to the permanent generation, unfreeze() puts them
    # back into the oldest one; a full collection then still frees a cycle made in the block.
    gc.unfreeze()  # an earlier test's app may have frozen its objects
    with fewer_collections():
        node = _Node()
    assert gc.get_freeze_count() == 0  # nothing is left frozen
    assert gc.get_count()[0] < 100  # generation 0 emptied without a collection pass
    gc.collect()  # nothing references the cycle after this: it must be collectable
    alive = [o for o in gc.get_objects() if isinstance(o, _Node)]
    assert alive == [node]
    del node, alive
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, _Node)]


def test_objects_frozen_before_the_block_stay_frozen() -> None:
    # The explorer freezes the analysis it shows; an analysis in a worker must not undo that.
    keep_frozen()
    try:
        before = gc.get_freeze_count()
        with fewer_collections():
            node = _Node()
        assert gc.get_freeze_count() > before  # the block's objects joined them
        del node
    finally:
        release_frozen()
    assert gc.get_freeze_count() == 0
