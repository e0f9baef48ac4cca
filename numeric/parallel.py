"""Work split over the rows of X: contiguous ranges of rows for a thread per core, BLAS on one
thread inside each.

Measured on this kind of shared 2-core machine: a 1e6×100 Hessian XᵀDX takes 0.6 s with
single-threaded BLAS and 13 s with OpenBLAS's own threads when other processes hold the
cores (its threads spin while they wait for each other).  Splitting the rows ourselves and
holding BLAS to one thread per range costs nothing when the machine is quiet and avoids that
collapse when it is not.  There are a few more ranges than threads, handed out as threads
come free, so that a core shared with another process slows its thread without holding up
the whole pass.  Results come back in the order of the ranges, so sums do not depend on
which thread finished first.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from contextlib import contextmanager
from typing import Callable, ContextManager, Iterator, TypeVar

import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = ["n_threads_for", "row_ranges", "map_rows", "single_threaded_blas", "serial_rows", "pool"]

T = TypeVar("T")

#: Below this many entries of X per thread, handing out work costs more than it saves.
_MIN_ENTRIES_PER_THREAD = 1_000_000
#: Ranges per thread (see the module's docstring).
RANGES_PER_THREAD = 4


#: Set inside ``serial_rows()``: a caller that already runs one task per core (dask) asks for one thread.
_serial = threading.local()


@contextmanager
def serial_rows() -> Iterator[None]:
    """A context in which every pass over rows runs on the calling thread only."""
    previous = getattr(_serial, "on", False)
    _serial.on = True
    try:
        yield
    finally:
        _serial.on = previous


@lru_cache(maxsize=1)
def _cores() -> int:
    return os.cpu_count() or 1


def n_threads_for(n: int, d: int) -> int:
    """Threads worth using for an n×d pass: one per core, each with enough rows to pay off
    (one inside ``serial_rows()``)."""
    if getattr(_serial, "on", False):
        return 1
    return int(max(1, min(_cores(), (n * max(d, 1)) // _MIN_ENTRIES_PER_THREAD)))


def row_ranges(n: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous (start, stop) ranges covering 0..n−1, as equal as possible."""
    bounds = np.linspace(0, n, max(1, parts) + 1).astype(np.int64)
    return [(int(bounds[i]), int(bounds[i + 1])) for i in range(len(bounds) - 1)]


@lru_cache(maxsize=None)
def pool(n_threads: int) -> ThreadPoolExecutor:
    """A persistent pool of ``n_threads`` workers (threads are reused across calls)."""
    return ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="numeric-rows")


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def single_threaded_blas() -> ContextManager:
    """A context in which BLAS runs on one thread (cheap to enter: about 50 µs)."""
    return _controller().limit(limits=1, user_api="blas")


def map_rows(fn: Callable[[int, int], T], n: int, d: int, n_threads: int | None = None) -> list[T]:
    """[fn(start, stop) for each row range], the ranges run in parallel with single-threaded BLAS."""
    threads = n_threads_for(n, d) if n_threads is None else max(1, min(int(n_threads), max(n, 1)))
    if threads == 1:
        return [fn(0, n)]
    with single_threaded_blas():
        futures = [pool(threads).submit(fn, lo, hi) for lo, hi in row_ranges(n, threads * RANGES_PER_THREAD)]
        return [f.result() for f in futures]
