"""The web app under load: checks per second over HTTP, preview latency, memory over many checks.

Starts ``derive serve`` on loopback (a fresh process, a throwaway gradebook) and measures:

* **throughput**: CLIENTS concurrent clients POST ``/api/check`` with answers drawn (seeded)
  from ``bench_grade``'s pool (correct forms, known mistakes, malformed input), against the
  anchor of 50 checks/s; side by side, the same answers checked in this process by ``check``
  alone, to show what the HTTP layer, the worker pipes and the gradebook cost;
* **preview latency**: the median (and 90th percentile) of one client's ``/api/preview`` of
  typical answers, against the anchor of 50 ms;
* **memory**: the resident memory of the server and its worker processes before and after
  CHECKS checks (half of them answers never seen before), against the anchor of 50 MB growth.

Usage:  .venv/bin/python bench/bench_serve.py [--clients 8] [--checks 2000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_grade import POOL  # noqa: E402  (the same answers as the grading benchmark)

from derive.homework.verdict import check  # noqa: E402

CHECKS_PER_SECOND = 50.0
PREVIEW_MS = 50.0
GROWTH_MB = 50.0


def answers(n: int, seed: int, fresh: float = 0.0) -> list[tuple[str, str]]:
    """``n`` (target, answer) pairs from the pool; a share ``fresh`` made unique (never seen before)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        target = rng.choice(sorted(POOL))
        right, wrong = POOL[target]
        answer = rng.choice(right + wrong + ["(p - y x", "<img src=x onerror=alert(1)>"])
        if rng.random() < fresh:
            answer = f"({answer}) + {i + 1} - {i + 1}"
        out.append((target, answer))
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB (Linux /proc)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


def run_clients(url: str, work: list[tuple[str, str]], clients: int) -> float:
    """Seconds to POST every check in ``work``, spread over ``clients`` threads."""
    chunks = [work[i::clients] for i in range(clients)]
    errors: list[str] = []

    def client(chunk: list[tuple[str, str]]) -> None:
        with httpx.Client(base_url=url, timeout=30) as c:
            for target, answer in chunk:
                r = c.post("/api/check", json={"target": target, "answer": answer})
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.text[:80]}")

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} checks failed, e.g. {errors[0]}")
    return time.perf_counter() - start


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "derive", "serve", "--port", str(port), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(url + "/api/targets", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("derive serve did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--checks", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "gradebook.sqlite3")
        try:
            run_clients(url, answers(100, args.seed + 1), args.clients)     # warm-up
            work = answers(800, args.seed)
            seconds = run_clients(url, work, args.clients)
            start = time.perf_counter()
            for target, answer in work:
                check(target, answer)
            local = time.perf_counter() - start
            rate = len(work) / seconds
            print(f"throughput: {rate:.0f} checks/s over HTTP with {args.clients} clients "
                  f"({rate / CHECKS_PER_SECOND:.1f}x the anchor of {CHECKS_PER_SECOND:.0f}/s); "
                  f"check() alone in one process: {len(work) / local:.0f}/s")
            ok &= rate >= CHECKS_PER_SECOND

            typical = ["(p - y) x", r"\sigma(z)(1-\sigma(z))", "Sigma^-1 (mu_1 - mu_0)", "diag(s) - s s^T",
                       "-y log p - (1-y) log(1-p)", "(p - y x"]
            targets = ["bce-gradient", "sigmoid-derivative", "lda-theta", "softmax-jacobian", "bce-loss", "bce-gradient"]
            times = []
            with httpx.Client(base_url=url, timeout=30) as c:
                for i in range(300):
                    k = i % len(typical)
                    t0 = time.perf_counter()
                    c.post("/api/preview", json={"target": targets[k], "answer": typical[k] + " " * (i // 6 % 3)})
                    times.append(1000 * (time.perf_counter() - t0))
            median, p90 = statistics.median(times), statistics.quantiles(times, n=10)[-1]
            print(f"preview latency: median {median:.1f} ms, 90th percentile {p90:.1f} ms "
                  f"({median / PREVIEW_MS:.2f}x the anchor of {PREVIEW_MS:.0f} ms)")
            ok &= median <= PREVIEW_MS

            before = rss_mb(proc.pid)
            seconds = run_clients(url, answers(args.checks, args.seed + 2, fresh=0.5), args.clients)
            after = rss_mb(proc.pid)
            print(f"memory: server and workers {before:.0f} MB before, {after:.0f} MB after {args.checks} checks "
                  f"(growth {after - before:+.1f} MB; anchor < {GROWTH_MB:.0f} MB); "
                  f"{args.checks / seconds:.0f} checks/s with half the answers new")
            ok &= after - before < GROWTH_MB
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print("all within the anchors" if ok else "OUTSIDE an anchor")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
