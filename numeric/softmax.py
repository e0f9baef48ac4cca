"""Multinomial (softmax) regression over K classes, trained with the derived gradient.

    P(k | x) = softmax(Wx + b)_k,   minimise  J(W, b) = (1/n) Σ_i [logsumexp(a_i) − y_iᵀa_i] + (l2/2)‖W‖²_F,

with a_i = W x_i + b and ∂ℓ/∂a = s − y (softmax-ce-gradient).

**Matching scikit-learn's C.**  For K ≥ 3 classes this is scikit-learn's (multinomial)
LogisticRegression with C = 1/(n·l2): both penalise every class's row of W.  For K = 2
scikit-learn fits one vector β (the binary model), whereas here the centred rows are
W_1 = −W_0 = β/2, so the penalty (l2/2)(‖β/2‖² + ‖β/2‖²) = (l2/4)‖β‖² is that of a binary
fit at l2/2: the two agree at C = 2/(n·l2).  With sample weights, replace n by Σw.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import stable
from .base import NumericClassifier, ProgressCallback, one_hot
from .chunked import chunkwise, is_dask
from .chunked_fit import fit_chunked
from .fitting import fit_checking_separation
from .inference import InferenceMixin, multinomial_inference, record_fit
from .linear_loss import MultinomialObjective

__all__ = ["SoftmaxRegression"]


class SoftmaxRegression(InferenceMixin, NumericClassifier):
    """Softmax regression: P(classes_[k] | x) = softmax(coef_ x + intercept_)_k.

    **Identifiability.**  Adding the same vector to every row of (coef_, intercept_) leaves
    every probability unchanged.  The unpenalised intercept is therefore determined only up to
    a common shift, and with l2 = 0 the coefficients are too.  ``fit`` reports the centred
    solution: Σ_k intercept_[k] = 0, and with l2 = 0 also Σ_k coef_[k] = 0.  (With l2 > 0 the
    penalty already makes the optimal coef_ centred.)  Newton's method steps in the subspace
    orthogonal to these directions.

    Parameters and attributes are those of ``LogisticRegression``, except that ``coef_`` has
    shape (n_classes, n_features) and ``intercept_`` (n_classes,).  With l2 = 0 and data on
    which some W puts some examples' own class strictly ahead and no example's behind
    (complete or quasi-complete separation), no finite optimum exists: ``fit`` warns with a
    ``SeparableDataWarning`` naming the separated classes and returns the fit at the tiny
    penalty ``l2_used_``.  scikit-learn's C: see the module docstring (K = 2 is C = 2/(n·l2)).

    Inference (l2 = 0, no separation) is about the contrasts θ_k − θ_0 of each class
    k = 1..K−1 against ``classes_[0]``, as statsmodels' MNLogit reports them: ``params_`` and
    ``bse_`` have shape (K − 1, n_features + 1), intercept last.
    """

    _accept_sparse = ["csr", "csc"]

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

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            callback: ProgressCallback | None = None) -> "SoftmaxRegression":
        """Minimise J(W, b) over the classes found in y, each example's loss weighted by
        ``sample_weight`` (default 1); ``callback(iteration, J)`` after each iteration.

        X may be a dask array chunked by rows: it is then never materialised (``numeric.chunked``)."""
        if is_dask(X):
            return fit_chunked(self, "multinomial", X, y, sample_weight, callback)
        X, encoded, weights = self._validate_training_data(X, y, sample_weight)
        K = len(self.classes_)
        Y = one_hot(encoded, K)
        theta0 = np.zeros((K, X.shape[1] + 1))
        # Start at the best constant model: b_k = log of class k's (weighted) frequency, centred.
        log_prior = np.log(np.clip(np.average(Y, axis=0, weights=weights), 1e-300, None))
        theta0[:, -1] = log_prior - log_prior.mean()
        result, objective, separation, l2_used = fit_checking_separation(
            self, lambda l2: MultinomialObjective(X, Y, l2, sample_weight=weights), theta0.ravel(), callback,
            X, encoded, K, weights, null_at=lambda objective: objective.null_directions())
        W, b = objective.split(result.theta)
        if objective.l2 == 0:
            W = W - W.mean(axis=0)
        self.coef_ = np.array(W)
        self.intercept_ = np.array(b - b.mean())
        record_fit(self, result, objective, separation.kind, l2_used, multinomial_inference)
        return self

    def _logits(self, X: ArrayLike) -> NDArray[np.float64]:
        X = self._validate_X(X)
        return np.asarray(X @ self.coef_.T) + self.intercept_

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
