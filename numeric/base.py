"""What every classifier here shares: input checks, label encoding, warnings.

Inputs go through scikit-learn's ``validate_data`` (so feature counts and names are tracked
the way scikit-learn's own estimators track them) as C-contiguous float64; an X that is
already so is used as it is, never copied.
"""

from __future__ import annotations

import warnings
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .chunked import chunkwise, is_dask
from .parallel import single_threaded_blas
from .solvers import SOLVERS

__all__ = ["SeparableDataWarning", "ConvergenceWarning", "NumericClassifier", "ProgressCallback", "run_solver"]

#: ``callback(iteration, objective_value)``, called by ``fit`` after every solver iteration.
ProgressCallback = Callable[[int, float], None]


class SeparableDataWarning(ConvergenceWarning):
    """The classes are separated by a hyperplane, so with l2 = 0 the loss has no finite minimiser:
    it keeps decreasing as the coefficients grow without bound."""


class NumericClassifier(ClassifierMixin, BaseEstimator):
    """Shared fit-time checks and label handling; subclasses implement ``_fit`` and ``predict_proba``."""

    def _validate_training_data(self, X: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """(X as C-contiguous float64, y as indices into ``classes_``); ValueError on bad input."""
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", ensure_all_finite=True,
                             y_numeric=False)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs examples of at least two classes to fit, "
                             f"but y contains only one class: {self.classes_[0]!r}")
        return X, encoded.astype(np.intp)

    def _validate_X(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=np.float64, order="C", ensure_all_finite=True)

    @chunkwise
    def predict(self, X: ArrayLike) -> np.ndarray:
        """The class with the largest posterior probability, argmax_k P(k | x)."""
        best = np.argmax(self.predict_proba(X), axis=1)  # first: it raises NotFittedError if unfitted
        return self.classes_[best]

    @chunkwise
    def predict_log_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """log P(k | x) for each class (columns in the order of ``classes_``)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def score(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        """Accuracy on (X, y); a ValueError if y holds a label that was not in the training set."""
        check_is_fitted(self)
        if is_dask(X):
            if sample_weight is not None:
                raise ValueError("sample_weight is not supported with dask input to score")
            return float((self.predict(X) == y).mean().compute())
        labels = np.unique(np.asarray(y))
        unknown = np.setdiff1d(labels, self.classes_)
        if len(unknown):
            raise ValueError(f"y contains labels that were not in the training set: {unknown.tolist()}; "
                             f"{type(self).__name__} was fitted on {self.classes_.tolist()}")
        return super().score(X, y, sample_weight=sample_weight)


def run_solver(estimator: BaseEstimator, objective, theta0: NDArray[np.float64],
               callback: ProgressCallback | None = None, null: NDArray[np.float64] | None = None,
               watch_separation: bool = True):
    """Minimise ``objective`` with ``estimator.solver`` and its settings; warn as ``fit`` should.

    With l2 = 0, a θ at which every training example is on its own side of the boundary
    (positive margin) proves the classes separable: scaling θ up drives the loss to 0, so no
    finite minimiser exists.  The solver is stopped there with a SeparableDataWarning, and
    θ (finite, and separating) is returned.
    """
    if estimator.solver not in SOLVERS:
        raise ValueError(f"solver must be one of {sorted(SOLVERS)}, got {estimator.solver!r}")
    if not (isinstance(estimator.l2, (int, float, np.number)) and estimator.l2 >= 0 and np.isfinite(estimator.l2)):
        raise ValueError(f"l2 must be a finite number ≥ 0, got {estimator.l2!r}")
    if not (isinstance(estimator.tol, (int, float, np.number)) and estimator.tol > 0):
        raise ValueError(f"tol must be a positive number, got {estimator.tol!r}")
    if estimator.max_iter is not None and not (isinstance(estimator.max_iter, (int, np.integer))
                                               and estimator.max_iter >= 1):
        raise ValueError(f"max_iter must be a positive integer or None, got {estimator.max_iter!r}")
    watch_separation = watch_separation and estimator.l2 == 0
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
    if watch_separation and not state["separated"]:
        objective.value(result.theta)  # the margin at the returned θ itself
        state["separated"] = objective.separates()
    name = type(estimator).__name__
    if state["separated"]:
        warnings.warn(f"{name}: the training classes are linearly separable, so with l2=0 the loss has "
                      f"no finite minimiser (it tends to 0 as the coefficients grow). Stopped at iteration "
                      f"{result.n_iter} with a separating hyperplane; set l2 > 0 for a unique, finite "
                      f"solution.", SeparableDataWarning, stacklevel=3)
    elif not result.converged:
        warnings.warn(f"{name} ({estimator.solver}) did not reach max|gradient| ≤ tol={estimator.tol:g} "
                      f"in {result.n_iter} iterations ({result.message}); increase max_iter or tol.",
                      ConvergenceWarning, stacklevel=3)
    return result, state["separated"]
