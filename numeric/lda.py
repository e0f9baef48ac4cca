"""The generative route: Gaussian classes with a shared covariance (linear discriminant analysis).

Fit X | k ~ 𝒩(μ_k, Σ) and priors π_k by maximum likelihood (the plug-in estimates)

    π̂_k = n_k/n,   μ̂_k = mean of class k,   Σ̂ = (1/n) Σ_k Σ_{i∈k} (x_i − μ̂_k)(x_i − μ̂_k)ᵀ,

and read off the posterior's parameters from the derivations, with the precision P = Σ̂⁻¹:

* two classes (lda-logistic):  p(1|x) = σ(θᵀx + θ₀),  θ = P(μ₁ − μ₀),
  θ₀ = −½μ₁ᵀPμ₁ + ½μ₀ᵀPμ₀ + log(π₁/π₀);
* K classes (lda-softmax):     p(k|x) = softmax(a)_k,  a_k = θ_kᵀx + θ_{0,k},  θ_k = Pμ_k,
  θ_{0,k} = −½μ_kᵀPμ_k + log π_k.

The formulas are lambdified from ``derive``'s THETA/THETA0 and THETA_K/THETA0_K.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from derive.derivations.lda_logistic import THETA, THETA0
from derive.derivations.lda_softmax import MU, PI, THETA0_K, THETA_K
from derive.symbols import P, mu0, mu1, pi0, pi1

from . import stable
from .base import NumericClassifier
from .chunked import chunkwise, is_dask
from .chunked_fit import lda_statistics
from .codegen import lambdify_numpy

__all__ = ["GaussianLDA"]


@lru_cache(maxsize=None)
def _two_class_parameters() -> Callable:
    """(P, μ₀, μ₁, π₀, π₁) ↦ (θ, θ₀), generated from lda-logistic."""
    return lambdify_numpy((P, mu0, mu1, pi0, pi1), [THETA, THETA0])


@lru_cache(maxsize=None)
def _k_class_parameters() -> Callable:
    """(P, μ as columns (d, K), π (K, 1)) ↦ (θ (d, K), θ₀ (K, 1)), generated from lda-softmax."""
    return lambdify_numpy((P, MU, PI), [THETA_K, THETA0_K])


class GaussianLDA(NumericClassifier):
    """Linear discriminant analysis, exposing the logistic/softmax parameters it implies.

    Parameters
    ----------
    reg : float, default 0.0
        Use Σ̂ + reg·I instead of Σ̂ (needed when Σ̂ is singular, e.g. a constant feature or
        fewer examples than features).

    Attributes
    ----------
    means_ : (K, d)   covariance_ : (d, d) pooled, with reg added   priors_ : (K,)
    precision_ : (d, d) = covariance_⁻¹
    coef_, intercept_ : two classes: θ of shape (d,) and θ₀ (float), as LogisticRegression;
        K > 2 classes: rows θ_k (K, d) and θ_{0,k} (K,), as SoftmaxRegression.
    """

    def __init__(self, reg: float = 0.0) -> None:
        self.reg = reg

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> "GaussianLDA":
        """Estimate π̂_k, μ̂_k, the pooled Σ̂ and the posterior parameters they imply.

        With ``sample_weight`` w_i these are the weighted estimates π̂_k = Σ_{y_i=k} w_i / Σw,
        μ̂_k = Σ_{y_i=k} w_i x_i / Σ_{y_i=k} w_i, Σ̂ = Σ_i w_i (x_i − μ̂_{y_i})(x_i − μ̂_{y_i})ᵀ / Σw
        (integer weights act as repeated rows).  X may be a dask array chunked by rows: the
        (unweighted) statistics then take one pass over its chunks."""
        if not (isinstance(self.reg, (int, float, np.number)) and np.isfinite(self.reg) and self.reg >= 0):
            raise ValueError(f"reg must be a finite number ≥ 0, got {self.reg!r}")
        if is_dask(X):
            if sample_weight is not None:
                raise ValueError("GaussianLDA: sample_weight is not supported with dask input")
            self.classes_, counts, means, covariance = lda_statistics(X, y)
            self.n_features_in_ = means.shape[1]
        else:
            counts, means, covariance = self._statistics(X, y, sample_weight)
        K, d = means.shape
        covariance = covariance + self.reg * np.eye(d)
        self.priors_ = counts / counts.sum()
        self.means_ = means
        self.covariance_ = covariance
        self.precision_ = self._precision(covariance)
        if K == 2:
            theta, theta0 = _two_class_parameters()(self.precision_, means[0][:, None], means[1][:, None],
                                                    self.priors_[0], self.priors_[1])
            self.coef_ = np.asarray(theta, dtype=float).ravel()
            self.intercept_ = float(theta0)
        else:
            theta, theta0 = _k_class_parameters()(self.precision_, means.T, self.priors_[:, None])
            self.coef_ = np.ascontiguousarray(np.asarray(theta, dtype=float).T)
            self.intercept_ = np.asarray(theta0, dtype=float).ravel()
        return self

    def _statistics(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None):
        """(weighted n_k, μ̂_k as rows, the pooled Σ̂) of in-memory data."""
        X, encoded, weights = self._validate_training_data(X, y, sample_weight)
        n, d = X.shape
        weights = np.ones(n) if weights is None else weights
        counts = np.bincount(encoded, weights=weights, minlength=len(self.classes_)).astype(float)
        if np.any(counts <= 0):
            raise ValueError(f"GaussianLDA: class {self.classes_[np.argmin(counts)]!r} has zero total sample_weight")
        means = np.zeros((len(counts), d))
        np.add.at(means, encoded, X * weights[:, None])
        means /= counts[:, None]
        centred = X - means[encoded]
        return counts, means, (centred.T @ (centred * weights[:, None])) / counts.sum()

    def _precision(self, covariance: NDArray[np.float64]) -> NDArray[np.float64]:
        d = len(covariance)
        eigenvalues, vectors = scipy.linalg.eigh(covariance)
        top = max(float(eigenvalues[-1]), 0.0)
        tiny = eigenvalues <= max(d, 1) * np.finfo(float).eps * max(top, np.finfo(float).tiny) * 16
        if np.any(tiny):
            rank = int(np.sum(~tiny))
            # The eigenvectors of the zero eigenvalues name the features involved.
            involved = np.flatnonzero(np.any(np.abs(vectors[:, tiny]) > 1e-8, axis=1))
            raise ValueError(
                f"GaussianLDA: the pooled covariance is singular (rank {rank} of {d}), so Σ⁻¹ and the "
                f"LDA coefficients do not exist. Features {involved.tolist()} are constant within every "
                f"class or linear combinations of each other: remove them, use more examples than "
                f"features, or pass reg > 0 (e.g. GaussianLDA(reg=1e-6)) to use Σ̂ + reg·I.")
        return (vectors / eigenvalues) @ vectors.T

    @chunkwise
    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """The logit θᵀx + θ₀ (two classes) or the logits a_k (K classes, shape (n, K))."""
        X = self._validate_X(X)
        if self.coef_.ndim == 1:
            return X @ self.coef_ + self.intercept_
        return X @ self.coef_.T + self.intercept_

    @chunkwise
    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """(σ(−z), σ(z)) for two classes; softmax(a) row by row for K classes."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack([stable.sigmoid(-scores), stable.sigmoid(scores)])
        return stable.softmax(scores, axis=1)
