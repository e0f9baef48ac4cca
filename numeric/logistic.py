"""Two-class logistic regression, trained with the derived loss, gradient and Hessian.

    P(1 | x) = σ(wᵀx + b),   minimise  J(w, b) = (1/n) Σ_i ℓ(x_iᵀw + b, y_i) + (l2/2)‖w‖²,

ℓ(z, y) = softplus(z) − y·z (bernoulli-nll), ∂ℓ/∂z = σ(z) − y (bce-gradient).  The intercept
is not penalised, so this is scikit-learn's LogisticRegression with C = 1/(n·l2); with sample
weights the mean is Σ w_i ℓ_i / Σ w_i and C = 1/(Σw·l2).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import stable
from .base import NumericClassifier, ProgressCallback
from .chunked import chunkwise, is_dask
from .chunked_fit import fit_chunked
from .fitting import fit_checking_separation
from .inference import InferenceMixin, binary_inference, record_fit
from .linear_loss import BinaryObjective

__all__ = ["LogisticRegression"]


class LogisticRegression(InferenceMixin, NumericClassifier):
    """Binary logistic regression: P(classes_[1] | x) = σ(coef_ᵀx + intercept_).

    Parameters
    ----------
    l2 : float, default 0.0
        The weight of (l2/2)‖coef‖² in the objective (the intercept is not penalised).
        scikit-learn's ``C`` corresponds to l2 = 1/(n_samples·C) (1/(Σw·C) with sample weights).
        With l2 = 0 and completely or quasi-completely separated classes there is no finite
        optimum: ``fit`` warns with a ``SeparableDataWarning`` naming the separated examples and
        returns a fit at a tiny l2 from ``numeric.fitting.SEPARATED_L2S`` (see ``l2_used_``).
    solver : {"newton", "lbfgs", "gd", "sgd"}, default "newton"
        ``newton``: Newton/IRLS with a backtracking line search, the Hessian Xᵀdiag(ℓ″)X/n;
        ``lbfgs``: scipy's L-BFGS-B; ``gd``: gradient descent with backtracking;
        ``sgd``: minibatch SGD with the lecture's update θ ← θ − ε(p − y)x, seeded shuffles.
    tol : float, default 1e-10
        Converged when max_j |∂J/∂θ_j| ≤ tol at the final θ, J being the (weighted) *mean* loss
        plus the penalty (so tol does not scale with n); otherwise ``converged_`` is False and a
        ConvergenceWarning names the gradient reached.
    max_iter : int or None
        Iterations (epochs for sgd); None means the solver's default (100, 1000, 10000, 200).
    learning_rate, batch_size, seed :
        For ``sgd`` only: ε₀ (default 1/λ_max of the Hessian at the start), rows per
        minibatch, and the seed of the shuffles.

    Attributes
    ----------
    coef_ : (n_features,)   intercept_ : float   classes_ : the two labels, sorted
    n_iter_ : int           loss_ : J at the solution     converged_ : bool
    separable_ : "complete", "quasi" or "none" (checked when l2 = 0; "none" otherwise)
    l2_used_ : the penalty actually fitted (l2, or the tiny one fitted after separation)
    With l2 = 0 and no separation, maximum-likelihood inference (``numeric.inference``):
    ``params_``, ``bse_``, ``zvalues_``, ``pvalues_``, ``conf_int(alpha)``, ``loglike_``,
    ``aic_``, ``bic_``, ``summary()``; otherwise these raise a ValueError saying why.

    X may be a dense array or a ``scipy.sparse`` CSR/CSC matrix (never densified; newton and
    lbfgs take it through sparse products, CSC is converted to CSR once).
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            callback: ProgressCallback | None = None) -> "LogisticRegression":
        """Minimise J(w, b); y holds two labels (0/1 or any two: classes_[1] is the positive one).

        ``sample_weight`` (n,) ≥ 0 weights each example's loss (integer weights act as repeated
        rows); ``callback(iteration, J)`` is called after every iteration (e.g. for a progress bar).
        X may be a dask array chunked by rows: it is then never materialised (``numeric.chunked``).
        """
        if is_dask(X):
            return fit_chunked(self, "binary", X, y, sample_weight, callback)
        X, encoded, weights = self._validate_training_data(X, y, sample_weight)
        if len(self.classes_) > 2:
            raise ValueError(f"Only binary classification is supported. LogisticRegression got "
                             f"{len(self.classes_)} classes; use SoftmaxRegression for more than two.")
        labels = encoded.astype(np.float64)
        theta0 = np.zeros(X.shape[1] + 1)
        # Start at the best constant model: b = logit of the (weighted) positive rate.
        rate = float(np.clip(np.average(labels, weights=weights), 1e-12, 1 - 1e-12))
        theta0[-1] = np.log(rate / (1 - rate))
        result, objective, separation, l2_used = fit_checking_separation(
            self, lambda l2: BinaryObjective(X, labels, l2, sample_weight=weights), theta0, callback,
            X, encoded, 2, weights)
        self.coef_ = result.theta[:-1].copy()
        self.intercept_ = float(result.theta[-1])
        record_fit(self, result, objective, separation.kind, l2_used, binary_inference)
        return self

    @chunkwise
    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """The logit z = Xw + b (positive: classes_[1] is the more probable label)."""
        X = self._validate_X(X)
        return np.asarray(X @ self.coef_) + self.intercept_

    @chunkwise
    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """(P(classes_[0] | x), P(classes_[1] | x)) = (σ(−z), σ(z)), each accurate even where it is tiny."""
        z = self.decision_function(X)
        return np.column_stack([stable.sigmoid(-z), stable.sigmoid(z)])

    @chunkwise
    def predict(self, X: ArrayLike) -> np.ndarray:
        """classes_[1] where z > 0, else classes_[0]."""
        positive = self.decision_function(X) > 0  # first: it raises NotFittedError if unfitted
        return self.classes_[positive.astype(np.intp)]
