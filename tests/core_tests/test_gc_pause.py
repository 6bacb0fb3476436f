"""core.escalate.gc_pause: the collector's thresholds are raised inside the block and restored
after."""

from __future__ import annotations

import gc
import threading

from core.escalate.gc_pause import THRESHOLDS, fewer_collections


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
