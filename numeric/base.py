"""What every classifier here shares: input checks, label encoding, warnings.

Inputs go through scikit-learn's ``validate_data`` (so feature counts and names are tracked
the way scikit-learn's own estimators track them) as C-contiguous float64; an X that is
already so is used as it is, never copied.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from .chunked import chunkwise, is_dask
from .fitting import SeparableDataWarning, run_solver

__all__ = ["SeparableDataWarning", "ConvergenceWarning", "NumericClassifier", "ProgressCallback", "run_solver",
           "one_hot"]

#: ``callback(iteration, objective_value)``, called by ``fit`` after every solver iteration.
ProgressCallback = Callable[[int, float], None]


class NumericClassifier(ClassifierMixin, BaseEstimator):
    """Shared fit-time checks and label handling; subclasses implement ``_fit`` and ``predict_proba``."""

    #: Sparse formats ``fit`` and ``predict`` accept (False: dense only).
    _accept_sparse: bool | list[str] = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = bool(self._accept_sparse)
        return tags

    def _validate_training_data(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
                                ) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64] | None]:
        """(X as C-contiguous float64 or CSR/CSC, y as indices into ``classes_``, the sample
        weights as float64 or None); ValueError on bad input.

        Weights must be finite and ≥ 0 with a positive sum; the objective is then the weighted
        mean Σ w_i ℓ_i / Σ w_i, so integer weights act as repeated rows.
        """
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", ensure_all_finite=True,
                             y_numeric=False, accept_sparse=self._accept_sparse)
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
            if not np.all(np.isfinite(sample_weight)):
                raise ValueError("sample_weight must be finite")
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs examples of at least two classes to fit, "
                             f"but y contains only one class: {self.classes_[0]!r}")
        return X, encoded.astype(np.intp), sample_weight

    def _validate_X(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=np.float64, order="C", ensure_all_finite=True,
                             accept_sparse=self._accept_sparse)

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


def one_hot(encoded: NDArray[np.intp], K: int) -> NDArray[np.float64]:
    """Y (n, K) with Y[i, encoded[i]] = 1."""
    Y = np.zeros((len(encoded), K))
    Y[np.arange(len(encoded)), encoded] = 1.0
    return Y
