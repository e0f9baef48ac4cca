"""Peak memory while fitting a 10⁶ × 10⁴ sparse (CSR, 0.1% non-zeros) logistic regression.

X is built directly in CSR form (10 non-zeros per row, 10⁷ in all: 128 MB of data, column
indices and row pointers).  During ``fit`` the peak of the resident memory above what it was
just before, and the peak of the NumPy allocations (tracemalloc), are recorded as in
``bench_numeric_memory.py``.  The target (issue 12) is that X plus everything the fit adds
stays within 3× the size of X: X is never densified (that would be 80 GB) and Newton never
forms the 10⁴ × 10⁴ Hessian (800 MB); it takes Hessian–vector products instead.
Usage:
    .venv/bin/python bench/bench_numeric_sparse_memory.py [--n N] [--d D] [--solver newton|lbfgs]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np
import scipy.sparse as sps

import numeric
from bench_numeric_memory import PeakSampler, resident_bytes


def make_data(n: int, d: int, per_row: int, seed: int = 0) -> tuple[sps.csr_matrix, np.ndarray]:
    """A CSR X with ``per_row`` random non-zeros in each row, and y from a logistic model."""
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, d, n * per_row).astype(np.int32)
    data = rng.standard_normal(n * per_row)
    indptr = np.arange(0, n * per_row + 1, per_row, dtype=np.int32)
    X = sps.csr_matrix((data, indices, indptr), shape=(n, d))
    logits = X @ (rng.standard_normal(d) / np.sqrt(per_row))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logits))).astype(float)
    return X, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--d", type=int, default=10_000)
    parser.add_argument("--density", type=float, default=1e-3)
    parser.add_argument("--solver", default="newton", choices=["newton", "lbfgs"])
    args = parser.parse_args()

    X, y = make_data(args.n, args.d, max(1, round(args.density * args.d)))
    model = numeric.LogisticRegression(l2=1e-5, solver=args.solver, tol=1e-8)
    model.fit(X[:2000], y[:2000])  # warm up outside the measurement
    before = resident_bytes()
    tracemalloc.start()
    start = time.perf_counter()
    with PeakSampler() as sampler, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    seconds = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    size = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    added = sampler.peak - before
    total = (size + max(added, traced_peak)) / size
    print(f"fit of a {args.n:,}×{args.d:,} CSR logistic regression, {X.nnz:,} non-zeros ({args.solver}, "
          f"{model.n_iter_} iterations, converged {model.converged_}, {seconds:.1f} s); X is {size / 1e6:.0f} MB")
    print(f"  resident memory added during fit (peak):   {added / 1e6:8.1f} MB = {added / size:.3f}× X")
    print(f"  NumPy allocations during fit (peak):       {traced_peak / 1e6:8.1f} MB = {traced_peak / size:.3f}× X")
    print(f"  X plus the fit's own memory:               {total:.3f}× X   target ≤ 3×: "
          f"{'met' if total <= 3 else 'MISSED'}")


if __name__ == "__main__":
    main()
