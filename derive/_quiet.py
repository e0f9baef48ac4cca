"""Run as the ``derive`` command, a Ctrl-C or a MemoryError never ends in a traceback.

The command's ``main`` catches both, but the imports before it (SymPy alone takes seconds)
run outside it; an exception hook installed first covers them.  Only the command installs it:
importing ``derive`` as a library leaves ``sys.excepthook`` alone.
"""

from __future__ import annotations

import os
import sys

__all__ = ["install_when_command"]


def _running_as_command() -> bool:
    first = sys.argv[0] if sys.argv else ""
    # ``python -m derive`` sets argv[0] to "-m" while it imports the package
    return first == "-m" or os.path.basename(first) == "derive"


def _hook(previous):
    def hook(kind, value, tb):
        if issubclass(kind, KeyboardInterrupt):
            print("derive: interrupted", file=sys.stderr)
            return
        if issubclass(kind, MemoryError):
            print("derive: out of memory", file=sys.stderr)
            return
        previous(kind, value, tb)
    return hook


def install_when_command() -> None:
    if _running_as_command():
        sys.excepthook = _hook(sys.excepthook)
