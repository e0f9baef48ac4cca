"""How long `derive report --all` takes cold (verification and TeX included), against its 30-second budget.

Runs the real command in a fresh process into an empty directory a few times, each with an
empty cache directory (``XDG_CACHE_HOME``), so that no proof is remembered from an earlier run,
and reports the median as a ratio of the budget; then the split of one run measured in this
process: verification, figures, numeric experiments and the exercises' worked checks (side by
side in worker processes), writing the LaTeX, and latexmk.  Usage:
    .venv/bin/python bench/bench_report.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 30.0


def _fresh_run(derive: Path, argv: list[str]) -> float:
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    cache = Path(tempfile.mkdtemp(prefix="bench-report-cache-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    try:
        start = time.perf_counter()
        proc = subprocess.run([str(derive), "report", *argv, "-o", str(out)], capture_output=True, text=True,
                              env=env)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"derive report {' '.join(argv)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        return seconds
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("latexmk") is None:
        raise SystemExit("latexmk not found: run `make tex` first")

    derive = Path(sys.executable).with_name("derive")
    runs = [_fresh_run(derive, ["--all"]) for _ in range(args.repeat)]
    median = statistics.median(runs)
    print(f"derive report --all (fresh process, empty cache, all PDFs, median of {args.repeat}): {median:.1f} s"
          f" = {median / BUDGET_SECONDS:.2f} x the {BUDGET_SECONDS:.0f} s budget")

    from derive import REGISTRY
    from reports.pipeline import NOTES_NAME, build, write_reports

    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        start = time.perf_counter()
        written = write_reports(list(REGISTRY.values()), out, notes=True)
        prepared = time.perf_counter()
        notes = [t for t in written.tex if t.stem.startswith(NOTES_NAME)]
        build(notes)
        notes_built = time.perf_counter()
        build([t for t in written.tex if not t.stem.startswith(NOTES_NAME)])
        done = time.perf_counter()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    verify_seconds = sum(r.seconds for s in written.sections for r in s.results)
    print(f"\nsplit of one run in this process ({len(REGISTRY)} derivations):")
    print(f"  verify, figures, errata, numeric, checks (2 workers): {prepared - start:6.1f} s"
          f"   (verification alone, summed over steps: {verify_seconds:.1f} s)")
    print(f"  latexmk, lecture notes and solutions:            {notes_built - prepared:6.1f} s")
    print(f"  latexmk, {len(written.tex) - 2} handouts (2 at a time):              {done - notes_built:6.1f} s")
    print(f"  lecture notes alone, end to end:                 {notes_built - start:6.1f} s"
          f" = {(notes_built - start) / BUDGET_SECONDS:.2f} x the budget")


if __name__ == "__main__":
    main()
