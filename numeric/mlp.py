"""A one-hidden-layer network, tanh then softmax, trained with the derived backpropagation.

Forward, for a row x (column vectors as in the lecture; rows of matrices below):

    h = tanh(W1 x + b1) ∈ ℝ^m,   a = W2 h + b2 ∈ ℝ^K,   s = softmax(a),   ℓ = logsumexp(a) − yᵀa.

Backward (mlp-backprop):

    δ2 = s − y,                  ∂ℓ/∂W2 = δ2 hᵀ,   ∂ℓ/∂b2 = δ2,
    δ1 = (W2ᵀ δ2) ∘ (1 − h∘h),    ∂ℓ/∂W1 = δ1 xᵀ,   ∂ℓ/∂b1 = δ1,

stacked over the n rows of X as matrix products.  The objective is
J = Σ w_i ℓ_i / Σ w_i + (l2/2)(‖W1‖² + ‖W2‖²) (w_i the sample weights, 1 by default); biases
are not penalised.  Weights enter as w̃_i = w_i·n/Σw multiplying δ2 row by row.

**Separation.**  With l2 = 0, once fitted, the output layer is a softmax regression on the
hidden activations H: if H is (quasi-)completely separated (``numeric.separation``), J keeps
falling as W2 grows along the separating direction, so no finite minimiser exists.  ``fit``
then warns, and refits from there at the tiny penalty ``l2_used_``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import stable
from .base import NumericClassifier, ProgressCallback, one_hot, run_solver
from .chunked import chunkwise
from .design import scaled_weights
from .fitting import SEPARATED_L2, warn_separation
from .linear_loss import softmax_dloss, softmax_loss
from .separation import find_separation

__all__ = ["MLPClassifier", "MLPObjective", "forward", "backprop"]

Array = NDArray[np.float64]


def forward(X: Array, W1: Array, b1: Array, W2: Array, b2: Array) -> tuple[Array, Array]:
    """(H, A): hidden activations H = tanh(XW1ᵀ + b1) (n, m) and logits A = HW2ᵀ + b2 (n, K)."""
    H = np.tanh(X @ W1.T + b1)
    return H, H @ W2.T + b2


def backprop(X: Array, Y: Array, H: Array, A: Array, W2: Array,
             weights: Array | None = None) -> tuple[Array, Array, Array, Array]:
    """Σ over rows of w_i·(∂ℓ/∂W1, ∂ℓ/∂b1, ∂ℓ/∂W2, ∂ℓ/∂b2), from δ2 = s − y and δ1 = (W2ᵀδ2) ∘ (1 − h²)."""
    D2 = softmax_dloss(A, Y)                  # rows δ2ᵢᵀ
    if weights is not None:
        D2 *= weights[:, None]                # every later factor is linear in δ2
    D1 = (D2 @ W2) * (1.0 - H * H)            # rows δ1ᵢᵀ
    return D1.T @ X, D1.sum(axis=0), D2.T @ H, D2.sum(axis=0)


@dataclass
class MLPObjective:
    """J(W1, b1, W2, b2) = (1/n) Σ_i ℓ(a_i, y_i) + (l2/2)(‖W1‖² + ‖W2‖²); θ packs W1, b1, W2, b2."""

    X: Array
    Y: Array
    hidden: int
    l2: float = 0.0
    #: SGD's ε₀ unless one is given: the network has no cheap Hessian to take 1/λ_max from.
    default_learning_rate: float = 0.5
    sample_weight: Array | None = None

    def __post_init__(self) -> None:
        self.n, self.d = self.X.shape
        self.weights = scaled_weights(self.sample_weight, self.n)
        self.K = self.Y.shape[1]
        m, d, K = self.hidden, self.d, self.K
        self._shapes = ((m, d), (m,), (K, m), (K,))
        self.n_params = int(sum(np.prod(s) for s in self._shapes))

    def unpack(self, theta: Array) -> tuple[Array, Array, Array, Array]:
        parts, start = [], 0
        for shape in self._shapes:
            size = int(np.prod(shape))
            parts.append(theta[start:start + size].reshape(shape))
            start += size
        return tuple(parts)  # type: ignore[return-value]

    def _evaluate(self, theta: Array, rows: NDArray[np.intp] | None, with_value: bool) -> tuple[float, Array]:
        W1, b1, W2, b2 = self.unpack(theta)
        X = self.X if rows is None else self.X[rows]
        Y = self.Y if rows is None else self.Y[rows]
        weights = None if self.weights is None else (self.weights if rows is None else self.weights[rows])
        n = len(X)
        H, A = forward(X, W1, b1, W2, b2)
        gW1, gb1, gW2, gb2 = backprop(X, Y, H, A, W2, weights)
        grad = np.concatenate([(gW1 / n + self.l2 * W1).ravel(), gb1 / n,
                               (gW2 / n + self.l2 * W2).ravel(), gb2 / n])
        value = float("nan")
        if with_value:
            value = self._mean_loss(A, Y, weights) + 0.5 * self.l2 * float(np.sum(W1 * W1) + np.sum(W2 * W2))
        return value, grad

    @staticmethod
    def _mean_loss(A: Array, Y: Array, weights: Array | None) -> float:
        loss = softmax_loss(A, Y)
        return float((loss if weights is None else loss * weights).sum()) / len(A)

    def value(self, theta: Array) -> float:
        W1, b1, W2, b2 = self.unpack(theta)
        _, A = forward(self.X, W1, b1, W2, b2)
        return self._mean_loss(A, self.Y, self.weights) + 0.5 * self.l2 * float(np.sum(W1 * W1) + np.sum(W2 * W2))

    def value_gradient(self, theta: Array) -> tuple[float, Array]:
        return self._evaluate(theta, None, True)

    def minibatch_gradient(self, theta: Array, rows: NDArray[np.intp]) -> Array:
        return self._evaluate(theta, rows, False)[1]


class MLPClassifier(NumericClassifier):
    """One tanh hidden layer and a softmax output: P(k | x) = softmax(W2 tanh(W1 x + b1) + b2)_k.

    Parameters
    ----------
    hidden : int, default 8          units in the hidden layer (m)
    l2 : float, default 1e-4         weight of (l2/2)(‖W1‖² + ‖W2‖²)
    solver : {"lbfgs", "sgd"}        scipy's L-BFGS-B, or minibatch SGD (seeded shuffles)
    seed : int, default 0            seeds the initial weights (Glorot-uniform) and the shuffles
    tol, max_iter, learning_rate, batch_size : as in LogisticRegression (tol defaults to 1e-6:
        the objective is not convex, and a local minimum is all any solver can promise;
        max_iter defaults to 200 iterations (epochs for sgd); SGD's learning_rate to 0.5)

    Attributes: ``coefs_`` = [W1 (m, d), W2 (K, m)], ``intercepts_`` = [b1, b2], ``n_iter_``,
    ``loss_``, ``converged_`` (max|∇J| ≤ tol at the end), ``separable_`` ("complete", "quasi"
    or "none": the hidden activations' separation, checked when l2 = 0), ``l2_used_``.
    """

    def __init__(self, hidden: int = 8, l2: float = 1e-4, solver: str = "lbfgs", seed: int = 0,
                 tol: float = 1e-6, max_iter: int | None = 200, learning_rate: float | None = None,
                 batch_size: int = 32) -> None:
        self.hidden = hidden
        self.l2 = l2
        self.solver = solver
        self.seed = seed
        self.tol = tol
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.batch_size = batch_size

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            callback: ProgressCallback | None = None) -> "MLPClassifier":
        """Minimise J from seeded random weights, each example's loss weighted by
        ``sample_weight`` (default 1); ``callback(iteration, J)`` after each iteration."""
        if self.solver not in ("lbfgs", "sgd"):
            raise ValueError(f"MLPClassifier's solver must be 'lbfgs' or 'sgd', got {self.solver!r}")
        if not (isinstance(self.hidden, (int, np.integer)) and self.hidden >= 1):
            raise ValueError(f"hidden must be a positive integer, got {self.hidden!r}")
        X, encoded, weights = self._validate_training_data(X, y, sample_weight)
        K = len(self.classes_)
        Y = one_hot(encoded, K)
        rng = np.random.default_rng(self.seed)
        m, d = int(self.hidden), X.shape[1]
        W1 = rng.uniform(-1, 1, (m, d)) * np.sqrt(6.0 / (d + m))
        W2 = rng.uniform(-1, 1, (K, m)) * np.sqrt(6.0 / (m + K))
        theta0 = np.concatenate([W1.ravel(), np.zeros(m), W2.ravel(), np.zeros(K)])
        objective = MLPObjective(X, Y, m, float(self.l2), sample_weight=weights)
        result, _ = run_solver(self, objective, theta0, callback, watch_separation=False)
        self.separable_, self.l2_used_ = "none", float(self.l2)
        if self.l2 == 0:
            W1, b1, _, _ = objective.unpack(result.theta)
            hidden = np.tanh(X @ W1.T + b1)
            rows = np.arange(len(encoded)) if weights is None else np.flatnonzero(weights > 0)
            separation = find_separation(hidden[rows], encoded[rows], K)
            if separation.kind != "none":
                warn_separation(self, separation, self.classes_, encoded[rows], SEPARATED_L2)
                objective = MLPObjective(X, Y, m, SEPARATED_L2, sample_weight=weights)
                result, _ = run_solver(self, objective, result.theta, callback, watch_separation=False)
                result.converged = False
                self.separable_, self.l2_used_ = separation.kind, SEPARATED_L2
        W1, b1, W2, b2 = (np.array(p) for p in objective.unpack(result.theta))
        self.coefs_ = [W1, W2]
        self.intercepts_ = [b1, b2]
        self.n_iter_ = int(result.n_iter)
        self.loss_ = float(result.value)
        self.converged_ = bool(result.converged)
        return self

    @chunkwise
    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """softmax(W2 tanh(W1 x + b1) + b2) for each row of X."""
        X = self._validate_X(X)
        _, A = forward(X, self.coefs_[0], self.intercepts_[0], self.coefs_[1], self.intercepts_[1])
        return stable.softmax(A, axis=1)
