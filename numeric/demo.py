"""Generative against discriminative: Gaussian LDA and logistic regression on the same data.

    python -m numeric.demo [--data FILE.csv --target COLUMN] [--n N] [--seed S]

When the classes really are Gaussian with a shared covariance, the posterior is exactly
σ(θᵀx + θ₀) with θ = Σ⁻¹(μ₁ − μ₀) (lda-logistic), so both fits approach the same θ, θ₀.
When the covariances differ, the posterior is no longer linear in x; the two estimators
then answer different questions and measurably disagree.  The demo shows both cases on
n = 200,000 draws, and first fits both models to a small CSV file if one is given.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .base import SeparableDataWarning
from .lda import GaussianLDA, _two_class_parameters
from .logistic import LogisticRegression

__all__ = ["GaussianClasses", "MODEL", "VIOLATED", "Comparison", "compare", "main"]


@dataclass(frozen=True)
class GaussianClasses:
    """X | k ~ 𝒩(μ_k, Σ_k), P(k = 1) = π₁: two classes in d dimensions."""

    mu0: NDArray[np.float64]
    mu1: NDArray[np.float64]
    cov0: NDArray[np.float64]
    cov1: NDArray[np.float64]
    pi1: float

    def sample(self, n: int, seed: int) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """n draws (X, y), reproducible from ``seed``."""
        rng = np.random.default_rng(seed)
        y = (rng.random(n) < self.pi1).astype(np.intp)
        X = np.empty((n, len(self.mu0)))
        for k, (mu, cov) in enumerate(((self.mu0, self.cov0), (self.mu1, self.cov1))):
            rows = y == k
            X[rows] = mu + rng.standard_normal((int(rows.sum()), len(mu))) @ np.linalg.cholesky(cov).T
        return X, y

    def true_parameters(self) -> tuple[NDArray[np.float64], float]:
        """(θ, θ₀) of the exact posterior, from lda-logistic (meaningful when cov0 = cov1)."""
        theta, theta0 = _two_class_parameters()(np.linalg.inv(self.cov0), self.mu0[:, None], self.mu1[:, None],
                                                1.0 - self.pi1, self.pi1)
        return np.ravel(theta), float(theta0)


_SHARED = np.array([[1.0, 0.4], [0.4, 1.0]])
#: The classes of the bundled examples/gaussian_classes.csv: LDA's model holds exactly.
MODEL = GaussianClasses(np.zeros(2), np.array([2.0, 1.0]), _SHARED, _SHARED, 0.4)
#: The same means, but class 1 spread along x₂ and squeezed along x₁: the model fails.
VIOLATED = GaussianClasses(np.zeros(2), np.array([2.0, 1.0]), _SHARED, np.array([[0.2, 0.0], [0.0, 5.0]]), 0.4)


@dataclass(frozen=True)
class Comparison:
    """The two fits on one data set: parameters, training accuracy and mean log-loss."""

    logistic: tuple[NDArray[np.float64], float]
    lda: tuple[NDArray[np.float64], float]
    accuracy: tuple[float, float]
    log_loss: tuple[float, float]

    @property
    def disagreement(self) -> float:
        """max |difference| over θ and θ₀ of the two fits."""
        return float(np.max(np.abs(np.append(self.logistic[0] - self.lda[0], self.logistic[1] - self.lda[1]))))


def _mean_log_loss(model, X: NDArray[np.float64], y: NDArray[np.intp]) -> float:
    proba = model.predict_proba(X)[np.arange(len(y)), np.searchsorted(model.classes_, y)]
    return float(-np.mean(np.log(proba)))


def compare(X: NDArray[np.float64], y: np.ndarray, progress=None) -> Comparison:
    """Fit unpenalised logistic regression (Newton) and GaussianLDA to (X, y);
    ``progress(1)`` is called after each fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparableDataWarning)
        logistic = LogisticRegression().fit(X, y)
    if progress is not None:
        progress(1)
    lda = GaussianLDA().fit(X, y)
    if progress is not None:
        progress(1)
    return Comparison((logistic.coef_, logistic.intercept_), (lda.coef_, lda.intercept_),
                      (logistic.score(X, y), lda.score(X, y)),
                      (_mean_log_loss(logistic, X, y), _mean_log_loss(lda, X, y)))


def _row(label: str, theta: NDArray[np.float64], theta0: float) -> str:
    return f"  {label:<26} θ = [{', '.join(f'{v:8.4f}' for v in theta)}]   θ₀ = {theta0:8.4f}"


def _report(title: str, result: Comparison, truth: tuple[NDArray[np.float64], float] | None) -> None:
    print(title)
    if truth is not None:
        print(_row("true posterior", *truth))
    print(_row("logistic (discriminative)", *result.logistic)
          + f"   accuracy {result.accuracy[0]:.4f}   log-loss {result.log_loss[0]:.4f}")
    print(_row("LDA (generative)", *result.lda)
          + f"   accuracy {result.accuracy[1]:.4f}   log-loss {result.log_loss[1]:.4f}")
    print(f"  largest difference between the two fits: {result.disagreement:.4f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m numeric.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="a CSV file to fit both models to first")
    parser.add_argument("--target", default="label", help="its label column (default: label)")
    parser.add_argument("--n", type=int, default=200_000, help="draws for the large-sample comparison")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        _run(args)
    except BrokenPipeError:
        return 0   # the reader (e.g. head) closed the pipe
    except (ValueError, OSError, MemoryError) as exc:
        print(f"numeric.demo: {exc or 'out of memory'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("numeric.demo: interrupted", file=sys.stderr)
        return 130
    return 0


def _run(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    # Progress on a terminal only (disable=None): stderr, so that the printed results stay clean.
    bar = tqdm(total=4 + 2 * bool(args.data), desc="fitting", unit="fit", disable=None, file=sys.stderr,
               leave=False, dynamic_ncols=True)

    def report(*lines) -> None:
        bar.clear()
        _report(*lines)

    with bar:
        if args.data:
            from .csvdata import load_csv

            table = load_csv(args.data, args.target)
            report(f"{args.data} ({len(table.y)} examples, features {', '.join(table.features)}):",
                   compare(table.X, table.y, bar.update), None)
        for title, model, truth in (
                ("Model holds (shared covariance)", MODEL, MODEL.true_parameters()),
                ("Model violated (class 1 has its own covariance)", VIOLATED, None)):
            X, y = model.sample(args.n, args.seed)
            report(f"{title}, n = {args.n:,}:", compare(X, y, bar.update), truth)


if __name__ == "__main__":
    raise SystemExit(main())
