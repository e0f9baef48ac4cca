"""Test-wide settings: the proof cache lives in a fresh temporary directory for each session.

Every verification in a session is therefore computed for real at least once; nothing passes
because an earlier run (or another checkout) left a proof in ~/.cache.  Subprocesses inherit
the variable.  Tests that must recompute switch the cache off with DERIVE_NO_CACHE=1.
"""

from __future__ import annotations

import os
import shutil
import tempfile

_SAVED: dict[str, str | None] = {}


def pytest_configure(config) -> None:
    for key in ("XDG_CACHE_HOME", "DERIVE_NO_CACHE"):
        _SAVED[key] = os.environ.get(key)
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="derive-test-cache-")
    os.environ.pop("DERIVE_NO_CACHE", None)


def pytest_unconfigure(config) -> None:
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)
    for key, value in _SAVED.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
