"""Driving a solver from an estimator: settings checked, convergence verified, separation handled.

**Convergence** is a claim about the final point: ``converged_`` is True only when the
gradient of the objective J (the *weighted mean* loss plus the penalty, so its scale does
not grow with n) has max_j |∂J/∂θ_j| ≤ tol there.  Otherwise a ``ConvergenceWarning`` names
the gradient reached.  (The gradient of the summed log-likelihood is Σw·∇J: tol = 1e-10 on
∇J is 1e-10·n on that scale.)

**Separation.**  With l2 = 0 the linear models check the classes with the linear program
of ``numeric.separation``: before the fit when the program is small, otherwise after it
when the fit suggests it (a θ met during the fit separated every example, the fit did not
converge, or some example's own class is ahead by a margin above ``_CONFIDENT_MARGIN``).
So on a large data set a quasi-complete separation that Newton "resolves" at margins below
that (its fitted probabilities then round to within 1e-13 of the labels) is not checked:
pass l2 > 0, or check ``numeric.separation.find_separation`` directly.
When the data are separated, completely or quasi-completely, no finite unpenalised optimum
exists: a ``SeparableDataWarning`` names the separated classes and examples, and the model
is fitted instead with a tiny penalty: the first l2 of ``SEPARATED_L2S`` (each fit warm-started
from the one before) at which every separated example lies on its own side, or the last.  It
is recorded as ``l2_used_``, and ``converged_`` is False because the unpenalised problem asked
for has no solution to converge to.
"""

from __future__ import annotations

import warnings
from typing import Callable

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning

from .parallel import single_threaded_blas
from .separation import NO_SEPARATION, Separation, describe, find_separation
from .solvers import SOLVERS, SolverResult

__all__ = ["SeparableDataWarning", "SEPARATED_L2", "SEPARATED_L2S", "check_settings", "run_solver", "fit_checking_separation",
           "warn_separation"]

#: The penalties a fit falls back to, in turn, when the unpenalised problem has no finite optimum.
SEPARATED_L2S = (1e-4, 1e-6, 1e-8, 1e-10)
#: The MLP's single fallback penalty (a network has no separated set to check a fit against).
SEPARATED_L2 = 1e-6
#: Above this many margin constraints n·(K − 1), or this many stored entries of the program,
#: it runs only when the fit points to separation (the program grows with n; the fit's hints
#: cost one pass).
_SMALL_ROWS = 5_000
_SMALL_ENTRIES = 1_000_000
#: An example whose own class leads by this much (P ≥ 1 − 1e-13) hints at separation.
_CONFIDENT_MARGIN = 30.0


class SeparableDataWarning(ConvergenceWarning):
    """The classes are (quasi-)completely separated, so with l2 = 0 the loss has no finite
    minimiser: it keeps decreasing as the coefficients grow without bound."""


def check_settings(estimator: BaseEstimator) -> None:
    """ValueError naming the bad value of solver, l2, tol or max_iter."""
    if estimator.solver not in SOLVERS:
        raise ValueError(f"solver must be one of {sorted(SOLVERS)}, got {estimator.solver!r}")
    if not (isinstance(estimator.l2, (int, float, np.number)) and estimator.l2 >= 0 and np.isfinite(estimator.l2)):
        raise ValueError(f"l2 must be a finite number ≥ 0, got {estimator.l2!r}")
    if not (isinstance(estimator.tol, (int, float, np.number)) and estimator.tol > 0):
        raise ValueError(f"tol must be a positive number, got {estimator.tol!r}")
    if estimator.max_iter is not None and not (isinstance(estimator.max_iter, (int, np.integer))
                                               and estimator.max_iter >= 1):
        raise ValueError(f"max_iter must be a positive integer or None, got {estimator.max_iter!r}")


def run_solver(estimator: BaseEstimator, objective, theta0: NDArray[np.float64],
               callback: Callable[[int, float], None] | None = None, null: NDArray[np.float64] | None = None,
               watch_separation: bool = True, warn: bool = True) -> tuple[SolverResult, bool]:
    """Minimise ``objective`` with ``estimator.solver``; (result, whether a θ met on the way
    separated every example).  With ``watch_separation`` (and ``objective.l2 == 0``) the
    solver stops at the first θ whose margins are all positive: scaling it up drives J to 0."""
    check_settings(estimator)
    watch_separation = watch_separation and objective.l2 == 0
    state = {"separated": False}

    def on_iteration(iteration: int, theta: NDArray[np.float64], value: float) -> bool:
        if callback is not None:
            callback(iteration, value)
        if watch_separation and objective.separates():
            state["separated"] = True
            return True
        return False

    options: dict = {"tol": float(estimator.tol), "callback": on_iteration}
    if estimator.max_iter is not None:
        options["max_iter"] = int(estimator.max_iter)
    if estimator.solver == "sgd":
        options.update(learning_rate=estimator.learning_rate, batch_size=int(estimator.batch_size),
                       seed=int(estimator.seed))
    if estimator.solver == "newton" and null is not None:
        options["null"] = null
    # Large passes are split over the cores by numeric.parallel; BLAS's own threads would
    # only compete with them (and collapse on a busy machine), so they are held to one.
    with single_threaded_blas():
        result = SOLVERS[estimator.solver](objective, theta0, **options)
    if warn and not result.converged and not state["separated"]:
        warn_not_converged(estimator, result)
    return result, state["separated"]


def warn_not_converged(estimator: BaseEstimator, result: SolverResult) -> None:
    warnings.warn(f"{type(estimator).__name__} ({estimator.solver}) did not reach max|∇J| ≤ tol="
                  f"{estimator.tol:g}: the gradient norm reached is max|∇J| = {result.grad_max:.3g} after "
                  f"{result.n_iter} iterations ({result.message}); increase max_iter, standardise the "
                  f"features, or raise tol.",
                  ConvergenceWarning, stacklevel=4)


def warn_separation(estimator: BaseEstimator, separation: Separation, classes, labels, l2_used: float) -> None:
    name = type(estimator).__name__
    where = describe(separation, classes, labels)
    if separation.kind == "complete":
        head = (f"{name}: the training classes are linearly separable (complete separation): "
                f"every example is on its own side of a hyperplane")
    else:
        head = (f"{name}: quasi-complete separation: a direction puts {len(separation.examples)} of "
                f"{len(labels)} examples strictly on their own side and none on the wrong side")
    warnings.warn(f"{head}, so with l2=0 the loss has no finite minimiser; {where}. The coefficients "
                  f"returned are the penalised fit at l2={l2_used:g} (l2_used_); set l2 > 0 for a "
                  f"penalised fit of your choosing.", SeparableDataWarning, stacklevel=4)


def _small_program(X, K: int) -> bool:
    nonzeros = X.nnz if hasattr(X, "nnz") else X.size
    return X.shape[0] * (K - 1) <= _SMALL_ROWS and (nonzeros + X.shape[0]) * (K - 1) <= _SMALL_ENTRIES


def fit_checking_separation(estimator: BaseEstimator, objective_at: Callable[[float], object],
                            theta0: NDArray[np.float64], callback, X, labels: NDArray[np.intp], K: int,
                            weights: NDArray[np.float64] | None = None, null_at=None):
    """Fit at ``estimator.l2``; with l2 = 0 also settle separation (see the module docstring).

    ``objective_at(l2)`` builds the objective; ``null_at(objective)`` its null directions.
    Returns (result, objective fitted, Separation, l2 used).
    """
    check_settings(estimator)
    l2 = float(estimator.l2)
    rows = np.flatnonzero(weights > 0) if weights is not None else None  # zero weight: no loss at all

    def separation_now() -> Separation:
        Xs, ls = (X, labels) if rows is None or len(rows) == len(labels) else (X[rows], labels[rows])
        found = find_separation(Xs, ls, K)
        if rows is not None and len(rows) != len(labels) and found.kind != "none":
            found = Separation(found.kind, rows[found.examples], found.direction)
        return found

    separation, checked = NO_SEPARATION, False
    if l2 == 0 and _small_program(X, K):
        separation, checked = separation_now(), True
    if separation.kind == "none":
        objective = objective_at(l2)
        null = null_at(objective) if null_at else None
        result, separated = run_solver(estimator, objective, theta0, callback, null, warn=False)
        if l2 == 0 and not checked and (separated or not result.converged
                                        or objective.max_margin(result.theta) > _CONFIDENT_MARGIN):
            separation = separation_now()
        if separation.kind == "none":
            if not result.converged:
                warn_not_converged(estimator, result)
            return result, objective, separation, l2
    result, objective = _fit_penalised(estimator, objective_at, theta0, callback, separation, null_at)
    warn_separation(estimator, separation, estimator.classes_, labels, objective.l2)
    if not result.converged:
        warn_not_converged(estimator, result)
    result.converged = False  # the unpenalised problem asked for has no optimum
    return result, objective, separation, objective.l2


def _fit_penalised(estimator, objective_at, theta, callback, separation: Separation, null_at):
    """The fit at the first l2 of SEPARATED_L2S whose solution puts every separated example
    on its own side (margin > 0), warm-starting each fit from the last."""
    for l2 in SEPARATED_L2S:
        objective = objective_at(l2)
        null = null_at(objective) if null_at else None
        result, _ = run_solver(estimator, objective, theta, callback, null, watch_separation=False, warn=False)
        theta = result.theta
        if np.min(objective.margins(theta)[separation.examples]) > 0:
            break
    return result, objective
