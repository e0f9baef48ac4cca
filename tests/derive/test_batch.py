"""verify_many: the same verdicts in worker processes as in this one; progress on a terminal only;
Ctrl-C stops it promptly with no worker left behind."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time

import pytest

from derive import REGISTRY
from derive.batch import RUN, step_runs, verify_many


def test_workers_give_the_same_results_in_order():
    chosen = [REGISTRY["sigmoid-derivative"], REGISTRY["bernoulli-nll"]]
    parallel = verify_many(chosen, jobs=2)
    serial = [d.verify() for d in chosen]
    assert [[(r.verdict, r.method) for r in rs] for rs in parallel] == \
           [[(r.verdict, r.method) for r in rs] for rs in serial]


def test_steps_go_to_workers_in_runs_of_neighbours():
    tasks = [("a", 0), ("a", 1), ("a", 2), ("a", 3), ("a", 4), ("a", 6), ("b", 7), ("b", 8)]
    runs = step_runs(tasks)
    assert [(name, k) for name, steps in runs for k in steps] == tasks  # each step once, in order
    assert all(len(steps) <= RUN for _, steps in runs)
    assert all(b - a == 1 for _, steps in runs for a, b in zip(steps, steps[1:]))  # no gap inside a run
    assert runs[:2] == [("a", [0, 1, 2, 3]), ("a", [4])]


def test_unregistered_derivations_are_verified_here():
    broken = dataclasses.replace(REGISTRY["sigmoid-derivative"], name="not-registered")
    ((first, *_),) = verify_many([broken], jobs=2)
    assert first.proved


def test_jobs_must_be_positive():
    with pytest.raises(ValueError, match="jobs"):
        verify_many(list(REGISTRY.values())[:1], jobs=0)


def _start_verify_all(tmp_path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "DERIVE_NO_CACHE": "1", "XDG_CACHE_HOME": str(tmp_path)}
    return subprocess.Popen([sys.executable, "-m", "derive", "verify", "--all", "-j", "2"], env=env,
                            start_new_session=True, text=True, **kwargs)


def _group_is_gone(pgid: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _workers(pgid: int) -> int:
    """How many processes of the group other than its leader exist."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != pgid:
            try:
                if os.getpgid(int(entry)) == pgid:
                    count += 1
            except ProcessLookupError:
                pass
    return count


@pytest.mark.parametrize("after", [0.0, 1.0, 3.0])
def test_ctrl_c_stops_verify_all_promptly_and_leaves_no_worker(tmp_path, after):
    proc = _start_verify_all(tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Interrupt while verifying: ``after`` seconds after the workers have started.
    deadline = time.monotonic() + 60
    while _workers(proc.pid) == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert _workers(proc.pid) > 0, "the workers never started"
    time.sleep(after)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("verify --all was still running 10 s after SIGINT")
    assert time.monotonic() - sent < 5
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "derive verify: interrupted"
    assert _group_is_gone(proc.pid, 3.0), "a worker process outlived the interrupted run"


def test_progress_is_silent_when_piped(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "derive", "verify", "sigmoid-derivative", "bce-gradient"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and proc.stderr == ""


def test_progress_shows_on_a_terminal(tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    leader, follower = pty.openpty()
    # A new pseudo-terminal is 0×0; tqdm sizes its bar to the terminal, so give it 100 columns.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "derive", "verify", "sigmoid-derivative", "bce-gradient"],
                            stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    shown = b"".join(chunks).decode(errors="replace")
    total = len(REGISTRY["sigmoid-derivative"].steps) + len(REGISTRY["bce-gradient"].steps)
    assert "verify" in shown and f"/{total}" in shown
