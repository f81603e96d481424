"""Pacing of Python's cyclic garbage collector for long batch work (a crawl, a notes check)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def fewer_collections(threshold: int) -> Iterator[None]:
    """Run the body with young-generation collections every `threshold` allocations at the least
    (Python's default is 700), and put the setting back after, whatever happens. Batch work
    allocates many objects that live until it ends or die by reference counting; collecting
    every 700 allocations found little to free and re-scanned what lives on."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], threshold), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
