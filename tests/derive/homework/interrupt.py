"""Running ``derive`` in a subprocess of its own session, signalling it, and finding what it left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from derive.processes import descendants

ROOT = Path(__file__).parents[3]
#: The issue's bound: a Ctrl-C ends the command within this many seconds.
INTERRUPT_SECONDS = 5.0


def _as_from_a_terminal() -> None:
    # A job started in the background by a non-interactive shell inherits SIGINT ignored, and
    # then so would the child (Python leaves an ignored SIGINT ignored); a terminal's would not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*argv: str, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "derive", *argv], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_as_from_a_terminal)


def wait_for_lines(proc: subprocess.Popen, n: int) -> list[str]:
    """Read ``n`` lines of the child's stdout (fewer if it ends first)."""
    lines = []
    while len(lines) < n:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
    return lines


def alive(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (zombies count as ended)."""
    out = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat[stat.rfind(")") + 2] != "Z":
            out.append(pid)
    return out


def interrupt(proc: subprocess.Popen, sig: int) -> tuple[float, list[int], str]:
    """Send ``sig``; (seconds until it ended, its descendants still alive after, its stderr)."""
    before = descendants(proc.pid)
    start_time = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    seconds = time.monotonic() - start_time
    deadline = time.monotonic() + 1.0
    while alive(before) and time.monotonic() < deadline:
        time.sleep(0.05)
    return seconds, alive(before), err
