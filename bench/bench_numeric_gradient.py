"""The generated logistic gradient at n = 10⁶, d = 100 (float64), against two anchors.

Measured side by side in one process, interleaved, so that a busy machine slows all three
alike:

* hand-written NumPy:  X.T @ (expit(X @ w + b) − y)   (two BLAS passes over X, all cores);
* one read of X:       X.sum(), its rows split over all cores (the memory-bandwidth floor);
* generated:           numeric's BinaryObjective.gradient, the fused one-pass kernel whose
                       ℓ′ is lambdified from bce-gradient's DL_DZ.

Targets (issue 3): generated ≤ 1.0× hand-written and ≤ 1.3× one read of X.  Usage:
    .venv/bin/python bench/bench_numeric_gradient.py [--n N] [--d D] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import expit

from numeric.linear_loss import BinaryObjective
from numeric.parallel import RANGES_PER_THREAD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--d", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.n, args.d))
    w = rng.standard_normal(args.d) / np.sqrt(args.d)
    b = 0.25
    y = (rng.random(args.n) < expit(X @ w + b)).astype(np.float64)
    objective = BinaryObjective(X, y, l2=0.0)
    theta = np.append(w, b)

    cores = os.cpu_count() or 1
    pool = ThreadPoolExecutor(cores)
    # The same split of the rows as numeric's pass: RANGES_PER_THREAD ranges per core,
    # handed to the threads as they come free.
    bounds = np.linspace(0, args.n, cores * RANGES_PER_THREAD + 1).astype(int)

    def one_read() -> float:
        return sum(pool.map(lambda t: float(X[bounds[t]:bounds[t + 1]].sum()), range(len(bounds) - 1)))

    def hand_written() -> np.ndarray:
        return X.T @ (expit(X @ w + b) - y)

    def generated() -> np.ndarray:
        return objective.gradient(theta)

    reference = hand_written() / args.n
    ours = generated()[:-1]
    error = float(np.max(np.abs(ours - reference)) / np.max(np.abs(reference)))
    if error > 1e-10:
        raise SystemExit(f"the generated gradient differs from the hand-written one: relative error {error:.2e}")

    candidates = {"one read of X (X.sum, all cores)": one_read, "hand-written NumPy": hand_written,
                  "generated (fused, one pass)": generated}
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(args.repeat):
        for name, fn in candidates.items():
            # OpenBLAS's worker threads keep spinning for a while after a product (about
            # 0.1 s); let them settle so that no candidate pays for the one before it.
            time.sleep(0.25)
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)

    print(f"gradient of the logistic loss, n={args.n:,}, d={args.d}, float64, {cores} cores "
          f"(X is {X.nbytes / 1e6:.0f} MB); best and median of {args.repeat}")
    for name, ts in times.items():
        print(f"  {name:<34} {min(ts) * 1e3:8.1f} ms  {statistics.median(ts) * 1e3:8.1f} ms")
    best = {name: min(ts) for name, ts in times.items()}
    median = {name: statistics.median(ts) for name, ts in times.items()}
    gen, hand, read = "generated (fused, one pass)", "hand-written NumPy", "one read of X (X.sum, all cores)"
    for label, anchor, target in (("vs hand-written NumPy", hand, 1.0), ("vs one read of X", read, 1.3)):
        ratio, ratio_median = best[gen] / best[anchor], median[gen] / median[anchor]
        verdict = "met" if ratio <= target else "MISSED"
        print(f"  generated {label:<22} {ratio:5.2f}x (median {ratio_median:4.2f}x)   target ≤ {target}x: {verdict}")
    print(f"  max relative difference from hand-written: {error:.1e}")


if __name__ == "__main__":
    main()
