"""Peak memory while fitting a 10⁶ × 100 logistic regression, as a multiple of the size of X.

X (800 MB) is made in chunks before the fit starts.  During ``fit`` two things are recorded:
the peak of the process's resident memory, sampled every 2 ms from /proc/self/statm, above
what it was just before; and the peak of the NumPy allocations (tracemalloc).  The target
(issue 3) is that X plus everything the fit adds stays within 1.5× the size of X: the fit may
add at most half of X, so it must never copy X (no appended column of ones, no weighted copy).
Usage:
    .venv/bin/python bench/bench_numeric_memory.py [--n N] [--d D] [--solver newton|lbfgs]
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import tracemalloc
import warnings

import numpy as np
from scipy.special import expit

import numeric

_PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


class PeakSampler:
    """The largest resident size seen, sampled in a background thread."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval, self.peak, self._stop = interval, resident_bytes(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, resident_bytes())
            time.sleep(self.interval)

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, resident_bytes())


def make_data(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """X ~ N(0, I) and y from a logistic model, written chunk by chunk (no n×d temporaries)."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d) / np.sqrt(d)
    X = np.empty((n, d))
    y = np.empty(n)
    for start in range(0, n, 50_000):
        block = rng.standard_normal((min(50_000, n - start), d))
        X[start:start + len(block)] = block
        y[start:start + len(block)] = rng.random(len(block)) < expit(block @ w)
    return X, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--d", type=int, default=100)
    parser.add_argument("--solver", default="newton", choices=["newton", "lbfgs"])
    args = parser.parse_args()

    X, y = make_data(args.n, args.d)
    model = numeric.LogisticRegression(l2=1e-6, solver=args.solver)
    model.fit(X[:2000], y[:2000])  # compile and warm up outside the measurement
    before = resident_bytes()
    tracemalloc.start()
    start = time.perf_counter()
    with PeakSampler() as sampler, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    seconds = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    size = X.nbytes
    added = sampler.peak - before
    total = (size + max(added, traced_peak)) / size
    print(f"fit of a {args.n:,}×{args.d} logistic regression ({args.solver}, {model.n_iter_} iterations, "
          f"{seconds:.1f} s); X is {size / 1e6:.0f} MB")
    print(f"  resident memory added during fit (peak):   {added / 1e6:8.1f} MB = {added / size:.3f}× X")
    print(f"  NumPy allocations during fit (peak):       {traced_peak / 1e6:8.1f} MB = {traced_peak / size:.3f}× X")
    print(f"  X plus the fit's own memory:               {total:.3f}× X   target ≤ 1.5×: "
          f"{'met' if total <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
