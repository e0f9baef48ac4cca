"""`derive verify --all` with the proof cache cold, warm, and after one derivation changed.

Each run is the real command in a fresh process (imports included), side by side in one
temporary cache directory:

* cold: the cache is empty (every step is proved, and checked at larger sizes);
* warm: nothing changed, every step is read from the cache (budget 1.5 s);
* edited: the entries of one derivation are removed first, as when all its steps are edited,
  so only its steps are re-checked;
* no cache: DERIVE_NO_CACHE=1, the same work as cold without writing.

Usage:  .venv/bin/python bench/bench_verify.py [--repeat N] [--edit NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD_BUDGET, WARM_BUDGET = 10.0, 1.5


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, list[float]] = {}


def _run(env: dict, label: str = "") -> float:
    """Wall seconds of one run; its CPU seconds (all processes) are kept in CPU[label]."""
    cpu, start = _cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "derive", "verify", "--all", "--json"], capture_output=True,
                          text=True, env=env)
    spent = time.perf_counter() - start
    CPU.setdefault(label, []).append(_cpu() - cpu)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:])
        raise SystemExit("derive verify --all did not prove everything")
    return spent


def _forget(cache: Path, name: str) -> int:
    """Remove the cache entries of every step of derivation ``name`` (found by key)."""
    from derive import REGISTRY
    from derive.cache import _path, result_key, digest
    from derive.verify.prepare import dimension_symbols
    from derive.assumptions import size_choices
    from derive.verify import PROOF_METHODS

    d = REGISTRY[name]
    removed = 0
    for i, step in enumerate(d.steps):
        choices = list(step.sizes) if step.sizes else size_choices(dimension_symbols(step.claim))
        key = result_key(digest(step.claim), d.assumptions + step.assumptions, list(step.methods or PROOF_METHODS),
                         d.step_seed(i), choices)
        path = _path(key)
        if path.exists():
            path.unlink()
            removed += 1
    return removed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edit", default="bce-hessian", help="the derivation taken as edited")
    args = parser.parse_args()

    figures: dict[str, list[float]] = {"cold": [], "warm": [], "edited": [], "no cache": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
            os.environ["XDG_CACHE_HOME"] = tmp
            env = {**os.environ, "XDG_CACHE_HOME": tmp}
            env.pop("DERIVE_NO_CACHE", None)
            figures["cold"].append(_run(env, "cold"))
            figures["warm"].append(_run(env, "warm"))
            removed = _forget(Path(tmp), args.edit)
            figures["edited"].append(_run(env, "edited"))
            figures["no cache"].append(_run({**env, "DERIVE_NO_CACHE": "1"}, "no cache"))
    cold = statistics.median(figures["cold"])
    print(f"derive verify --all, fresh process, median of {args.repeat} (side by side):")
    for label, runs in figures.items():
        median = statistics.median(runs)
        note = {"cold": f" = {median / COLD_BUDGET:.2f}x the {COLD_BUDGET:g} s budget",
                "warm": f" = {median / WARM_BUDGET:.2f}x the {WARM_BUDGET:g} s budget; {median / cold:.2f}x cold",
                "edited": f" ({removed} steps of {args.edit} re-checked); {median / cold:.2f}x cold",
                "no cache": f" = {median / cold:.2f}x cold"}[label]
        print(f"  {label:<9} {median:6.2f} s wall, {statistics.median(CPU[label]):6.2f} s CPU{note}")
    print(json.dumps({k: [round(v, 2) for v in vs] for k, vs in figures.items()}))


if __name__ == "__main__":
    main()
