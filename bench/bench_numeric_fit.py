"""Fit time to the same objective: numeric's solvers against scikit-learn's.

Both minimise J = mean(ℓ) + (l2/2)‖coef‖² (scikit-learn with C = 1/(n·l2)).  The target is
J* = the lower of the two Newton fits at a very tight tolerance; each method is then timed
at the loosest tol in 1e-4, 1e-5, … that brings J within 1e-10·J* of J* (J evaluated the
same way for both, from the fitted coefficients).  So each is timed doing exactly the work
the target needs, and no less.  scikit-learn is timed both with BLAS's threads and with BLAS
on one thread, and the faster counts.  Pairs: numeric ``newton`` vs scikit-learn ``newton-cholesky``,
numeric ``lbfgs`` vs scikit-learn ``lbfgs``, on

* breast_cancer (standardised), C = 1, two classes;
* a synthetic 200,000 × 50 Gaussian problem, C = 1, two classes;
* digits (standardised), C = 1, ten classes (SoftmaxRegression vs multinomial).

Target (issue 3): numeric ≤ 1.0× scikit-learn for each pair.  Usage:
    .venv/bin/python bench/bench_numeric_fit.py [--repeat R] [--quick]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from scipy.special import expit, logsumexp
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import numeric

TOLERANCES = tuple(10.0 ** -k for k in range(4, 15))
TARGET = 1e-10


def objective(X: np.ndarray, y: np.ndarray, coef: np.ndarray, intercept, l2: float) -> float:
    """J from the fitted parameters, computed here independently of either library."""
    coef = np.atleast_2d(coef)
    if coef.shape[0] == 1:  # two classes, y ∈ {0, 1}
        z = X @ coef[0] + float(np.ravel(intercept)[0])
        return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * coef[0] @ coef[0])
    A = X @ coef.T + intercept
    return float(np.mean(logsumexp(A, axis=1) - A[np.arange(len(y)), y]) + 0.5 * l2 * np.sum(coef * coef))


def datasets(quick: bool):
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast_cancer 569×30", StandardScaler().fit_transform(X), y, False
    rng = np.random.default_rng(0)
    n = 20_000 if quick else 200_000
    X = rng.standard_normal((n, 50))
    w = rng.standard_normal(50) / np.sqrt(50) * 2
    y = (rng.random(n) < expit(X @ w + 0.3)).astype(int)
    yield f"synthetic {n}×50", X, y, False
    X, y = load_digits(return_X_y=True)
    yield "digits 1797×64, 10 classes", StandardScaler().fit_transform(X), y, True


def make(kind: str, solver: str, C: float, n: int, multinomial: bool, tol: float):
    if kind == "sklearn":
        return SkLogisticRegression(C=C, solver=solver, tol=tol, max_iter=100_000)
    cls = numeric.SoftmaxRegression if multinomial else numeric.LogisticRegression
    return cls(l2=1.0 / (n * C), solver=solver, tol=tol, max_iter=100_000)


def fit_value(model, X, y, l2) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return objective(X, y, model.coef_, model.intercept_, l2)


def time_fit(model, X, y, repeat: int) -> float:
    best = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(repeat):
            start = time.perf_counter()
            model.fit(X, y)
            best = min(best, time.perf_counter() - start)
    return best


def time_sklearn(model, X, y, repeat: int) -> tuple[float, str]:
    """scikit-learn at its best: with BLAS's own threads, and with BLAS held to one thread
    (on a busy machine OpenBLAS threads can be many times slower); the faster of the two."""
    threaded = time_fit(model, X, y, repeat)
    with threadpool_limits(limits=1, user_api="blas"):
        single = time_fit(model, X, y, repeat)
    return (threaded, "BLAS threads") if threaded <= single else (single, "1 BLAS thread")


def _tol(tol: float | None) -> str:
    return "never reached" if tol is None else f"{tol:.0e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a 20,000-row synthetic problem instead of 200,000")
    args = parser.parse_args()
    C = 1.0
    pairs = (("newton", "newton-cholesky"), ("lbfgs", "lbfgs"))
    print(f"fit time to J within {TARGET:g} relative of J*, C = {C:g} (l2 = 1/(n·C)); best of {args.repeat}")
    all_met = True
    for name, X, y, multinomial in datasets(args.quick):
        X = np.ascontiguousarray(X, dtype=np.float64)
        n = len(y)
        l2 = 1.0 / (n * C)
        best_value = min(fit_value(make("numeric", "newton", C, n, multinomial, 1e-13), X, y, l2),
                         fit_value(make("sklearn", "newton-cholesky", C, n, multinomial, 1e-14), X, y, l2))
        print(f"{name}: J* = {best_value:.15g}")
        for ours, theirs in pairs:
            row = []
            for kind, solver in (("numeric", ours), ("sklearn", theirs)):
                for tol in TOLERANCES:
                    model = make(kind, solver, C, n, multinomial, tol)
                    value = fit_value(model, X, y, l2)
                    if value <= best_value * (1 + TARGET):
                        if kind == "sklearn":
                            seconds, how = time_sklearn(model, X, y, args.repeat)
                        else:
                            seconds, how = time_fit(model, X, y, args.repeat), ""
                        row.append((kind, solver, tol, seconds, how))
                        break
                else:
                    row.append((kind, solver, None, np.inf, ""))
            (_, s1, tol1, t1, _), (_, s2, tol2, t2, how) = row
            ratio = t1 / t2
            all_met &= ratio <= 1.0
            print(f"  numeric {s1:<7} {t1 * 1e3:9.1f} ms (tol {_tol(tol1)})   sklearn {s2:<15} {t2 * 1e3:9.1f} ms "
                  f"(tol {_tol(tol2)}, {how})   ratio {ratio:5.2f}x  {'met' if ratio <= 1.0 else 'MISSED'}")
    print("all pairs within 1.0x: " + ("yes" if all_met else "no"))


if __name__ == "__main__":
    main()
