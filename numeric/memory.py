"""Will a fit fit in memory?  The expected working set against the memory available now.

A fit needs about ``n·d·8·factor`` bytes for X and its working copies (a weighted copy for a
Newton step, temporaries of the same size), plus what grows with the number of parameters
(a Hessian of (d·K)² entries, a covariance per class).  ``check_fit_memory`` refuses, before
any work starts, a fit whose estimate exceeds the memory the machine (or its cgroup) has
available, instead of letting the operating system thrash or kill the process.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["available_bytes", "fit_bytes", "check_fit_memory"]

_FLOAT = 8


def _cgroup_room() -> int | None:
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
    except OSError:
        return None
    if limit == "max":
        return None
    return max(int(limit) - int(used), 0)


def available_bytes() -> int | None:
    """Memory available to this process now (MemAvailable, capped by a cgroup limit), or None if unknown."""
    room = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                room = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    if room is None and hasattr(os, "sysconf"):
        try:
            room = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError):
            room = None
    cgroup = _cgroup_room()
    if cgroup is not None:
        room = cgroup if room is None else min(room, cgroup)
    return room


def fit_bytes(model: str, n: int, d: int, classes: int = 2, solver: str = "newton", hidden: int = 8) -> int:
    """The expected peak working set of a fit, in bytes (X itself included)."""
    k = classes if classes > 2 else 1
    data = n * d * _FLOAT
    if model == "lda":
        return 3 * data + 2 * classes * d * d * _FLOAT
    if model == "mlp":
        return 2 * data + 6 * n * (hidden + classes) * _FLOAT
    per_row = 4 * n * k * _FLOAT
    if solver == "newton":
        params = (d + 1) * k
        return 3 * data + per_row + 3 * params * params * _FLOAT
    return 2 * data + per_row


def check_fit_memory(what: str, needed: int, available: int | None = None) -> None:
    """Raise MemoryError naming ``what`` if ``needed`` bytes exceed the memory available."""
    available = available_bytes() if available is None else available
    if available is not None and needed > available:
        raise MemoryError(f"{what} would need about {needed / 2**30:.2f} GiB, but only "
                          f"{available / 2**30:.2f} GiB of memory is available; refusing to start")
