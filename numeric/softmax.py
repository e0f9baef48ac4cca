"""Multinomial (softmax) regression over K classes, trained with the derived gradient.

    P(k | x) = softmax(Wx + b)_k,   minimise  J(W, b) = (1/n) Σ_i [logsumexp(a_i) − y_iᵀa_i] + (l2/2)‖W‖²_F,

with a_i = W x_i + b and ∂ℓ/∂a = s − y (softmax-ce-gradient).  This is scikit-learn's
multinomial LogisticRegression with C = 1/(n·l2).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import stable
from .base import NumericClassifier, ProgressCallback, run_solver
from .chunked import chunkwise, is_dask
from .chunked_fit import fit_softmax
from .linear_loss import MultinomialObjective

__all__ = ["SoftmaxRegression"]


class SoftmaxRegression(NumericClassifier):
    """Softmax regression: P(classes_[k] | x) = softmax(coef_ x + intercept_)_k.

    **Identifiability.**  Adding the same vector to every row of (coef_, intercept_) leaves
    every probability unchanged.  The unpenalised intercept is therefore determined only up to
    a common shift, and with l2 = 0 the coefficients are too.  ``fit`` reports the centred
    solution: Σ_k intercept_[k] = 0, and with l2 = 0 also Σ_k coef_[k] = 0.  (With l2 > 0 the
    penalty already makes the optimal coef_ centred.)  Newton's method steps in the subspace
    orthogonal to these directions.

    Parameters and attributes are those of ``LogisticRegression``, except that ``coef_`` has
    shape (n_classes, n_features) and ``intercept_`` (n_classes,).  With l2 = 0 and data on
    which some W puts every example's own class strictly ahead, no finite optimum exists:
    ``fit`` stops there with a ``SeparableDataWarning``.
    """

    def __init__(self, l2: float = 0.0, solver: str = "newton", tol: float = 1e-10,
                 max_iter: int | None = None, learning_rate: float | None = None,
                 batch_size: int = 32, seed: int = 0) -> None:
        self.l2 = l2
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.seed = seed

    def fit(self, X: ArrayLike, y: ArrayLike, callback: ProgressCallback | None = None) -> "SoftmaxRegression":
        """Minimise J(W, b) over the classes found in y; ``callback(iteration, J)`` after each iteration.

        X may be a dask array chunked by rows: it is then never materialised (``numeric.chunked``)."""
        if is_dask(X):
            return fit_softmax(self, X, y, callback)
        X, encoded = self._validate_training_data(X, y)
        K = len(self.classes_)
        Y = np.zeros((len(encoded), K))
        Y[np.arange(len(encoded)), encoded] = 1.0
        objective = MultinomialObjective(X, Y, float(self.l2))
        theta0 = np.zeros((K, X.shape[1] + 1))
        # Start at the best constant model: b_k = log of class k's frequency, centred.
        log_prior = np.log(Y.mean(axis=0))
        theta0[:, -1] = log_prior - log_prior.mean()
        result, separated = run_solver(self, objective, theta0.ravel(), callback,
                                       null=objective.null_directions())
        W, b = objective.split(result.theta)
        if self.l2 == 0:
            W = W - W.mean(axis=0)
        self.coef_ = np.array(W)
        self.intercept_ = np.array(b - b.mean())
        self.n_iter_ = int(result.n_iter)
        self.loss_ = float(result.value)
        self.converged_ = bool(result.converged)
        self.separable_ = bool(separated)
        return self

    def _logits(self, X: ArrayLike) -> NDArray[np.float64]:
        X = self._validate_X(X)
        return X @ self.coef_.T + self.intercept_

    @chunkwise
    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """The logits A = X coef_ᵀ + intercept_, shape (n_samples, n_classes); for two classes,
        as scikit-learn's convention has it, the single column a_1 − a_0 (positive: classes_[1])."""
        A = self._logits(X)
        return A[:, 1] - A[:, 0] if A.shape[1] == 2 else A

    @chunkwise
    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """softmax of the logits, row by row (max-shifted, so it never overflows)."""
        return stable.softmax(self._logits(X), axis=1)
