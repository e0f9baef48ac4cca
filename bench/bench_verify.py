"""How long `derive verify --all` takes, against its 10-second budget.

Runs the real command in a fresh process (imports included) a few times and reports the
median, plus the per-derivation split measured in this process.  Usage:
    .venv/bin/python bench/bench_verify.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BUDGET_SECONDS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    derive = Path(sys.executable).with_name("derive")
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        proc = subprocess.run([str(derive), "verify", "--all"], capture_output=True, text=True)
        runs.append(time.perf_counter() - start)
        if proc.returncode != 0:
            print(proc.stdout[-2000:], proc.stderr[-2000:])
            raise SystemExit("derive verify --all did not prove everything")
    median = statistics.median(runs)
    print(f"derive verify --all (fresh process, median of {args.repeat}): {median:.2f} s"
          f" = {median / BUDGET_SECONDS:.2f} x the {BUDGET_SECONDS:.0f} s budget")

    from derive import REGISTRY
    print(f"\n{'derivation':<22} {'steps':>5} {'seconds':>8}")
    total = 0.0
    for name, d in REGISTRY.items():
        start = time.perf_counter()
        d.verify()
        spent = time.perf_counter() - start
        total += spent
        print(f"{name:<22} {len(d.steps):>5} {spent:8.2f}")
    print(f"{'total (in process)':<22} {sum(len(d.steps) for d in REGISTRY.values()):>5} {total:8.2f}")


if __name__ == "__main__":
    main()
