"""Grading at scale: throughput with worker processes, and resuming a killed run from the gradebook.

A class file of ROWS rows (default 20,000) in which 30 % of the rows repeat an earlier
(target, answer) pair; the other answers are all distinct (forms from ``bench_grade.POOL`` with
distinct numeric factors, so no cache can share their work).  Each timing is a fresh
``derive grade FILE --db DB --out DIR`` process, side by side in one run, REPEAT times over
(default 3; the median is the figure, since one run on a shared machine can be off by 20 %):

* ``--workers 1`` against ``--workers 2``, nothing else changed: the ratio of throughputs
  (target ≥ 1.8×);
* a ``--workers 2`` run killed with SIGKILL when half the rows are printed, then run again with
  the same ``--db``: the second run's time against the full run's (target ≤ 55 %); its
  ``--out`` files must equal the full run's.  Every run is given the same ``--points-seed``:
  without it each run draws its own secret points, and counterexamples in the feedback differ.

Usage:
    .venv/bin/python bench/bench_grade_scale.py [--rows N] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_grade import POOL  # noqa: E402

SPEEDUP_TARGET = 1.8
RESUME_TARGET = 0.55


def make_file(path: Path, rows: int, seed: int, duplicates: float = 0.3) -> int:
    """``rows`` rows, a share ``duplicates`` of them repeating an earlier pair; the distinct count."""
    rng = random.Random(seed)
    targets = sorted(POOL)
    made: list[tuple[str, str]] = []
    out = []
    for i in range(rows):
        if made and rng.random() < duplicates:
            target, answer = rng.choice(made)
        else:
            target = rng.choice(targets)
            correct, wrong = POOL[target]
            form = rng.choice(correct + wrong)
            answer = f"{i + 2}/{i + 3} ({form})"
            made.append((target, answer))
        out.append((f"s{i // 17:05d}", target, answer))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "target", "answer"])
        writer.writerows(out)
    return len(made)


SEED = ("--points-seed", "20261130")   # every run checks at the same points, so their outputs compare


def derive(*argv: str) -> list[str]:
    return [sys.executable, "-m", "derive", *argv, *SEED]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(*argv: str) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of the process and its workers)."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(derive(*argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"derive {' '.join(argv)} failed: {proc.stderr.strip()}")
    return time.perf_counter() - start, _children_cpu() - cpu


def killed_at(fraction: float, rows: int, *argv: str) -> float:
    """Run, SIGKILL when ``fraction`` of the rows are printed; the seconds it ran."""
    start = time.perf_counter()
    proc = subprocess.Popen(derive(*argv), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    for _ in range(1 + int(rows * fraction)):   # the header, then the rows
        if not proc.stdout.readline():
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return time.perf_counter() - start


def same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


def one_round(path: Path, rows: int, tmp: Path, k: int) -> tuple[float, float, bool]:
    """(speed-up of --workers 2, rerun after a kill / full run, the rerun's output the same)."""
    def run(workers: int, name: str) -> tuple[float, float]:
        return timed("grade", str(path), "--workers", str(workers), "--db", str(tmp / f"{name}{k}.db"),
                     "--out", str(tmp / f"{name}{k}"))

    one, cpu_one = run(1, "one")
    two, cpu_two = run(2, "full")
    killed = ("grade", str(path), "--workers", "2", "--db", str(tmp / f"resume{k}.db"), "--out", str(tmp / f"resumed{k}"))
    ran = killed_at(0.5, rows, *killed)
    rest, _ = timed(*killed)
    same = same_tree(tmp / f"full{k}", tmp / f"resumed{k}")
    print(f"  round {k + 1}: --workers 1 {one:5.1f} s ({rows / one:4.0f} rows/s, CPU {cpu_one:5.1f} s); "
          f"--workers 2 {two:5.1f} s ({rows / two:4.0f} rows/s, CPU {cpu_two:5.1f} s): {one / two:.2f}×; "
          f"killed at 50 % after {ran:.1f} s, rerun {rest:.1f} s = {rest / two:.0%}; same output: {same}",
          flush=True)
    return one / two, rest / two, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "class.csv"
        distinct = make_file(path, args.rows, args.seed)
        print(f"{args.rows:,} rows, {distinct:,} distinct (target, answer) pairs "
              f"({1 - distinct / args.rows:.0%} duplicates); load average before: "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        rounds = [one_round(path, args.rows, tmp, k) for k in range(args.repeat)]
    speedup = statistics.median(r[0] for r in rounds)
    resume = statistics.median(r[1] for r in rounds)
    same = all(r[2] for r in rounds)
    print(f"median of {args.repeat}: speed-up {speedup:.2f}× (target ≥ {SPEEDUP_TARGET}×); resume {resume:.0%} of "
          f"the full run (target ≤ {RESUME_TARGET:.0%}); every rerun's output identical to the full run's: {same}")
    ok = speedup >= SPEEDUP_TARGET and resume <= RESUME_TARGET and same
    print("targets met" if ok else "TARGETS NOT MET")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
