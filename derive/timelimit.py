"""A wall-clock limit for pure-Python work such as a SymPy proof attempt."""

from __future__ import annotations

import signal
import time
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["TimeLimitExceeded", "time_limit", "REPEAT_SECONDS"]

REPEAT_SECONDS = 0.05  # the alarm again, this often, until the block has ended


class TimeLimitExceeded(TimeoutError):
    """Raised inside a ``time_limit`` block that ran out of time."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of wall-clock time.

    SymPy is pure Python, so a SIGALRM timer can interrupt it between bytecodes.  Signals
    only reach the main thread; elsewhere (or with ``seconds=None``) the block runs unlimited,
    which callers that need a hard bound avoid by working in a subprocess.
    """
    usable = seconds is not None and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    stopped = False

    def _raise(signum, frame):
        if not stopped:
            raise TimeLimitExceeded(f"time limit of {seconds:g} s exceeded")

    previous = signal.signal(signal.SIGALRM, _raise)
    # Nested limits: never extend an outer limit that would fire sooner.
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    budget = seconds if outer_remaining == 0 else min(seconds, outer_remaining)
    # Once due, the alarm repeats: code that catches the first exception (a broad ``except``
    # somewhere inside a library) is interrupted again, rather than left to run unbounded.
    signal.setitimer(signal.ITIMER_REAL, budget, REPEAT_SECONDS)
    start = time.monotonic()
    try:
        yield
    finally:
        stopped = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining:
            left = outer_remaining - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), REPEAT_SECONDS)
