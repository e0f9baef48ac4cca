"""The worker pool: a task that overruns is killed and replaced, and the pool goes on serving."""

from __future__ import annotations

import time

import pytest

from derive.homework.verdict import Verdict
from derive.serve import pool as pool_module
from derive.serve.pool import Overrun, WorkerPool


def _slow_or_fail(target: str, answer: str, seconds: float):
    # Workers are forked after this replaces the real task, so they run it.
    if answer == "sleep":
        time.sleep(60)
    if answer == "fail":
        raise ArithmeticError("boom")
    return f"{target}:{answer}"


@pytest.fixture
def slow_pool(monkeypatch):
    monkeypatch.setitem(pool_module.TASKS, "check", _slow_or_fail)
    monkeypatch.setitem(pool_module.TASKS, "preview", _slow_or_fail)
    with WorkerPool(1, seconds=0.3, grace=0.2) as p:
        yield p


def test_overrun_is_killed_and_replaced(slow_pool):
    assert slow_pool.run("check", "t", "fast") == "t:fast"
    pid = slow_pool._all[0].proc.pid
    start = time.monotonic()
    with pytest.raises(Overrun, match="0.3 s limit"):
        slow_pool.run("check", "t", "sleep")
    assert time.monotonic() - start < 5          # not the 60 s the task asked for
    assert slow_pool.restarts == 1 and slow_pool._all[0].proc.pid != pid
    assert slow_pool.run("check", "t", "again") == "t:again"   # the replacement serves


def test_overrun_check_is_undecided_and_preview_an_error(slow_pool):
    r = slow_pool.check("t", "sleep")
    assert r.verdict is Verdict.UNDECIDED and r.method == "hard limit" and "0.3 s limit" in r.feedback
    p = slow_pool.preview("t", "sleep")
    assert p["ok"] is False and "stopped" in p["error"]


def test_task_failure_is_reported_and_worker_lives(slow_pool):
    with pytest.raises(RuntimeError, match="ArithmeticError: boom"):
        slow_pool.run("check", "t", "fail")
    assert slow_pool.check("t", "fail").verdict is Verdict.UNDECIDED
    assert slow_pool.restarts == 0 and slow_pool.run("check", "t", "ok") == "t:ok"


def test_real_checks_in_workers():
    with WorkerPool(2) as p:
        assert p.check("bce-gradient", "(p - y) x").verdict is Verdict.CORRECT
        assert p.check("bce-gradient", "(y - p) x").mistake is not None
        assert p.preview("bce-gradient", "(p - y) x")["ok"]


def test_closed_pool_refuses_work(slow_pool):
    slow_pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        slow_pool.run("check", "t", "x")
    assert slow_pool.check("t", "x").verdict is Verdict.UNDECIDED


def test_pool_needs_a_worker():
    with pytest.raises(ValueError, match="at least one worker"):
        WorkerPool(0)
