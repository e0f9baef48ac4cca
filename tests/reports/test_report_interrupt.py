"""A Ctrl-C ends `derive report` within the issue's bound, with no worker process left running."""

from __future__ import annotations

import signal
import time

import pytest

from derive.processes import descendants
from tests.derive.homework.interrupt import INTERRUPT_SECONDS, interrupt, start


def _wait_for_workers(proc, count: int, limit: float = 120.0) -> None:
    """Until the report has ``count`` worker processes (verification has started)."""
    deadline = time.monotonic() + limit
    while len(descendants(proc.pid)) < count and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.parametrize("point", ["verifying", "later"])
def test_sigint_ends_report_quickly_with_no_worker_left(tmp_path, point):
    proc = start("report", "--all", "--tex-only", "-o", str(tmp_path / "out"), cwd=tmp_path)
    _wait_for_workers(proc, 2)
    assert proc.poll() is None, "the report ended before it could be interrupted"
    if point == "later":
        time.sleep(1.0)   # a point part-way through the verification
    seconds, left, err = interrupt(proc, signal.SIGINT)
    assert seconds < INTERRUPT_SECONDS and left == []
    assert "Traceback" not in err
    # 130, or ended by the signal itself (-2: CPython does so when the interrupt passed through
    # code run by exec, such as a dataclass being made): a shell shows both as 130
    assert proc.returncode in (130, -signal.SIGINT) and err.strip() == "derive report: interrupted"
