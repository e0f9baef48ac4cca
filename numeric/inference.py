"""Maximum-likelihood inference for the unpenalised linear models, from the derived Hessian.

At the maximum-likelihood estimate θ̂ the log-likelihood is L(θ) = −Σ_i w_i ℓ_i(θ) =
−(Σw)·J(θ) with l2 = 0, so its observed information is

    I(θ̂) = −∇²L(θ̂) = (Σw)·∇²J(θ̂),

with ∇²J the Hessian the objectives assemble from ℓ″ of ``bce-hessian`` (two classes) or
from the softmax Jacobian diag(s) − ssᵀ of ``softmax-ce-gradient`` (K classes).  The
estimated covariance is I(θ̂)⁻¹; standard errors are the square roots of its diagonal,
z = θ̂/se, two-sided p = 2Φ(−|z|), and the (1 − α) interval θ̂ ± z_{1−α/2}·se.
AIC = −2L + 2k and BIC = −2L + k·log(Σw), k the number of free parameters.

K classes are reported against the first class (the only identifiable quantities):
θ_k − θ_0 for k = 1..K−1, whose information is the Hessian's blocks for those classes.

These numbers mean what they say only for the unpenalised MLE.  With l2 > 0 the inverse
penalised Hessian is not the sampling covariance of the estimate (the estimate is biased
toward 0, and the sandwich form would be needed), so they are refused with that reason;
likewise when the classes are separated (no finite MLE: the variances are unbounded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.stats
from numpy.typing import NDArray

from .summary import Summary, summary_table

__all__ = ["Inference", "InferenceMixin", "refusal_reason", "record_fit", "MAX_PARAMS"]

Array = NDArray[np.float64]

#: Above this many parameters the (k × k) information matrix is not formed at fit time.
MAX_PARAMS = 2000


@dataclass(frozen=True)
class Inference:
    """The fitted parameters (flat), their names, covariance, and the likelihood figures."""

    params: Array
    names: list[str]
    cov: Array
    loglike: float
    llnull: float
    nobs: float
    df_model: int
    shape: tuple[int, ...]


def refusal_reason(l2: float, separation: str, n_params: int) -> str | None:
    """Why inference is not available for this fit (None when it is)."""
    if separation != "none":
        return (f"the classes are {separation}ly separated ({'quasi-complete' if separation == 'quasi' else 'complete'} "
                f"separation), so the unpenalised MLE does not exist and its standard errors are unbounded; "
                f"the reported coefficients are a penalised fit")
    if l2 > 0:
        return (f"the model was fitted with l2={l2:g}: the inverse of the penalised Hessian is not the sampling "
                f"covariance of a penalised (shrunk, biased) estimate, so standard errors, z, p-values, "
                f"intervals, AIC and BIC from it would mean nothing; refit with l2=0 for maximum-likelihood "
                f"inference")
    if n_params > MAX_PARAMS:
        return f"the model has {n_params} parameters, above the {MAX_PARAMS} for which the information matrix is formed"
    return None


def record_fit(estimator, result, objective, separation: str, l2_used: float, infer=None,
               refused: str | None = None) -> None:
    """Set what every linear fit reports: n_iter_, loss_, converged_, separable_, l2_used_, and
    the inference from ``infer(objective, θ̂, feature names)`` unless ``refusal_reason`` (or
    ``refused``) says why there is none."""
    estimator.n_iter_ = int(result.n_iter)
    estimator.loss_ = float(result.value)
    estimator.converged_ = bool(result.converged)
    estimator.separable_ = separation
    estimator.l2_used_ = float(l2_used)
    estimator._inference_refused = refused or refusal_reason(float(estimator.l2), separation, objective.n_params)
    estimator._inference = None
    if estimator._inference_refused is None and infer is not None:
        d = int(estimator.n_features_in_)
        names = [str(f) for f in getattr(estimator, "feature_names_in_", [f"x{j + 1}" for j in range(d)])]
        estimator._inference = infer(objective, result.theta, names)


def _inverse(information: Array) -> Array:
    """I⁻¹ by Cholesky; a singular I (collinear features) leaves those variances infinite."""
    try:
        factor = scipy.linalg.cho_factor(information)
        return scipy.linalg.cho_solve(factor, np.eye(len(information)))
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(information)
        singular = np.abs(np.diag(information @ cov) - 1.0) > 1e-6
        cov[singular, :] = cov[:, singular] = np.nan
        cov[singular, singular] = np.inf
        return cov


def binary_inference(objective, theta: Array, names: list[str]) -> Inference:
    """Inference for (w, b) of a two-class fit at θ̂ = ``theta`` (l2 = 0)."""
    value, _, hess = objective.value_gradient_hessian(theta)
    total = objective.weight_total
    weights = np.ones(objective.n) if objective.weights is None else objective.weights
    rate = float(np.clip(np.sum(weights * objective.y) / objective.n, 1e-300, 1 - 1e-16))
    llnull = total * (rate * np.log(rate) + (1 - rate) * np.log1p(-rate))
    return Inference(theta.copy(), names + ["const"], _inverse(total * hess), -total * value, llnull,
                     total, objective.d, (objective.d + 1,))


def multinomial_inference(objective, theta: Array, names: list[str]) -> Inference:
    """Inference for θ_k − θ_0, k = 1..K−1, of a K-class fit at θ̂ = ``theta`` (l2 = 0)."""
    value, _, hess = objective.value_gradient_hessian(theta)
    K, p = objective.K, objective.d + 1
    P = theta.reshape(K, p)
    contrasts = (P[1:] - P[0]).ravel()
    total = objective.weight_total
    keep = slice(p, K * p)
    weights = np.ones(objective.n) if objective.weights is None else objective.weights
    shares = np.clip(weights @ objective.Y / objective.n, 1e-300, None)
    llnull = total * float(np.sum(shares * np.log(shares)))
    return Inference(contrasts, names + ["const"], _inverse(total * hess[keep, keep]), -total * value, llnull,
                     total, objective.d * (K - 1), (K - 1, p))


class InferenceMixin:
    """``bse_``, ``zvalues_``, ``pvalues_``, ``conf_int``, ``loglike_``, ``aic_``, ``bic_``,
    ``summary`` for a fitted model holding ``_inference`` (or ``_inference_refused``)."""

    def _checked_inference(self) -> Inference:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        if getattr(self, "_inference", None) is None:
            raise ValueError(f"{type(self).__name__}: no statistical inference for this fit: {self._inference_refused}")
        return self._inference

    def _shaped(self, flat: Array) -> Array:
        return flat.reshape(self._inference.shape)

    @property
    def params_(self) -> Array:
        """The estimates inference is about: (coef, intercept); K classes: rows θ_k − θ_0, k ≥ 1."""
        return self._shaped(self._checked_inference().params)

    @property
    def cov_params_(self) -> Array:
        """The estimated covariance of ``params_`` (flattened by rows), I(θ̂)⁻¹."""
        return self._checked_inference().cov

    @property
    def bse_(self) -> Array:
        """Standard errors √diag(I(θ̂)⁻¹), shaped as ``params_``."""
        return self._shaped(np.sqrt(np.diag(self._checked_inference().cov)))

    @property
    def zvalues_(self) -> Array:
        """z = θ̂ / se."""
        return self.params_ / self.bse_

    @property
    def pvalues_(self) -> Array:
        """Two-sided p = 2Φ(−|z|) of the Wald test of θ = 0."""
        return 2.0 * scipy.stats.norm.sf(np.abs(self.zvalues_))

    def conf_int(self, alpha: float = 0.05) -> Array:
        """The (1 − α) Wald intervals θ̂ ± z_{1−α/2}·se; shape params_.shape + (2,)."""
        if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
            raise ValueError(f"alpha must be a number in (0, 1), got {alpha!r}")
        half = scipy.stats.norm.isf(alpha / 2) * self.bse_
        return np.stack([self.params_ - half, self.params_ + half], axis=-1)

    @property
    def loglike_(self) -> float:
        """L(θ̂) = −Σ_i w_i ℓ_i(θ̂)."""
        return float(self._checked_inference().loglike)

    @property
    def aic_(self) -> float:
        """−2L + 2k."""
        inference = self._checked_inference()
        return -2.0 * inference.loglike + 2.0 * len(inference.params)

    @property
    def bic_(self) -> float:
        """−2L + k·log(Σw)."""
        inference = self._checked_inference()
        return -2.0 * inference.loglike + len(inference.params) * float(np.log(inference.nobs))

    def summary(self, alpha: float = 0.05, xnames: list[str] | None = None, yname: str = "y") -> Summary:
        """The results table (prints as text; renders as HTML in a notebook)."""
        inference = self._checked_inference()
        names = list(inference.names) if xnames is None else [*xnames, "const"]
        if len(names) != inference.shape[-1]:
            raise ValueError(f"xnames has {len(names) - 1} names for {inference.shape[-1] - 1} features")
        return summary_table(self, inference, names, self.conf_int(alpha), alpha, yname)
