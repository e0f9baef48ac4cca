"""Leaving no process behind: the descendants of this process, and stopping them all.

A Ctrl-C must end a command within seconds with no worker left running.  A pool's workers can
have children of their own (latexmk starts pdflatex; an isolated checker forks), so this
walks the whole tree under a process (Linux ``/proc``) and kills it, deepest first.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

__all__ = ["descendants", "kill_descendants", "die_with_parent"]


def _parents() -> dict[int, int]:
    out = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        # the command name is in parentheses and may hold spaces: parse after the last ')'
        fields = stat[stat.rfind(")") + 2:].split()
        out[int(entry.name)] = int(fields[1])
    return out


def descendants(pid: int | None = None) -> list[int]:
    """Every process below ``pid`` (this process by default), parents before their children."""
    pid = os.getpid() if pid is None else pid
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    order, todo = [], list(children.get(pid, []))
    while todo:
        p = todo.pop(0)
        order.append(p)
        todo.extend(children.get(p, []))
    return order


def kill_descendants(pid: int | None = None) -> int:
    """SIGKILL every descendant of ``pid``; the number signalled."""
    found = descendants(pid)
    for p in reversed(found):
        try:
            os.kill(p, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return len(found)


def die_with_parent(parent: int | None = None) -> None:
    """Make this (worker) process end when its parent does, even if the parent is SIGKILLed.

    Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere a no-op.  A worker whose parent (the
    process ``parent``, which forked it) is already gone exits at once."""
    parent = os.getppid() if parent is None else parent
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)
