"""The staleness check runs with the garbage collector triggered less often, and gives the
process its own setting back afterwards, whatever happened inside."""

from __future__ import annotations

import gc

import pytest

from scheduler.checking import CHECK_GC_THRESHOLD, fewer_collections


def test_the_threshold_is_raised_inside_and_restored_after_even_on_error() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        inside = gc.get_threshold()
        with fewer_collections():  # evaluate inside run_check: nested
            assert gc.get_threshold() == inside
        assert gc.get_threshold() == inside
    assert inside == (max(before[0], CHECK_GC_THRESHOLD), *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a check that failed")
    assert gc.get_threshold() == before
