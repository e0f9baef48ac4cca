"""Two Gaussian classes with a shared covariance give a logistic posterior: p(1|x) = σ(θᵀx + θ₀).

With X | k ~ 𝒩(μ_k, Σ) and priors π_k, the log-odds log(π₁𝒩₁/(π₀𝒩₀)) are linear in x, because
the quadratic terms −½xᵀΣ⁻¹x of the two classes cancel; Bayes' rule then turns the log-odds
into the posterior through σ.  Everything is written with the precision P = Σ⁻¹.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ..assumptions import Positive, SymmetricPositiveDefinite
from ..functions import sigmoid
from ..gaussian import DET_SIGMA, Normal
from ..ops import Dot
from ..step import Derivation, Step, chain
from ..symbols import P, mu0, mu1, pi0, pi1, x

#: θ = Σ⁻¹(μ₁ − μ₀), written with the precision P = Σ⁻¹.
THETA = P * (mu1 - mu0)
#: θ₀ = −½μ₁ᵀΣ⁻¹μ₁ + ½μ₀ᵀΣ⁻¹μ₀ + log(π₁/π₀).
THETA0 = -Dot(mu1, P * mu1) / 2 + Dot(mu0, P * mu0) / 2 + sp.log(pi1 / pi0)

N0, N1 = Normal(x, mu0, P), Normal(x, mu1, P)
#: p(1|x) by Bayes' rule.
POSTERIOR = pi1 * N1 / (pi0 * N0 + pi1 * N1)
#: The log-odds log(p(1|x)/p(0|x)) = log(π₁𝒩(x|μ₁,Σ) / (π₀𝒩(x|μ₀,Σ))).
LOG_ODDS = sp.log(pi1 * N1 / (pi0 * N0))


def _quadratic(mu: sp.Basic) -> sp.Expr:
    """(x − μ)ᵀP(x − μ)."""
    return Dot(x - mu, P * (x - mu))


def _expanded(mu: sp.Basic) -> sp.Expr:
    """xᵀPx − 2μᵀPx + μᵀPμ, kept unevaluated so the cancellation can be its own step."""
    return sp.Add(Dot(x, P * x), -2 * Dot(mu, P * x), Dot(mu, P * mu), evaluate=False)


_HALF = sp.Rational(1, 2)
_PRIOR_ODDS = sp.log(pi1 / pi0)

# Polynomials and logarithms: expanding is fastest.  Fractions of exponentials: cancel with
# each exponential as an atom, so the quadratic forms inside them are never multiplied out.
_LOGS = ("expand_log", "expand", "together", "exp atoms")
_EXPS = ("exp atoms", "together", "cancel")


def _using(methods: tuple[str, ...], steps: list[Step]) -> list[Step]:
    return [dataclasses.replace(s, methods=methods) for s in steps]


DERIVATION = Derivation(
    name="lda-logistic",
    title="Two Gaussian classes give the logistic posterior",
    summary="X|k ~ 𝒩(μ_k, Σ), priors π_k ⇒ p(1|x) = σ(θᵀx + θ₀), θ = Σ⁻¹(μ₁ − μ₀)",
    statement=(
        sp.Eq(LOG_ODDS, Dot(THETA, x) + THETA0, evaluate=False),
        sp.Eq(POSTERIOR, sigmoid(Dot(THETA, x) + THETA0), evaluate=False),
    ),
    assumptions=(SymmetricPositiveDefinite(P), Positive(pi0, pi1, DET_SIGMA)),
    notes=(
        "P = Σ⁻¹ is the precision matrix: the proofs use it directly instead of inverting a "
        "symbolic Σ, so θ = P(μ₁ − μ₀) and θ₀ = −½μ₁ᵀPμ₁ + ½μ₀ᵀPμ₀ + log(π₁/π₀).",
        "𝒩(x | μ, Σ) = (2π)^{−d/2}|Σ|^{−1/2} exp(−½(x − μ)ᵀP(x − μ)).  The proofs use only that "
        "|Σ| > 0 and that it is shared by both classes, so |Σ| is a positive symbol.",
        "Every step is checked with explicit d×1 vectors and a symmetric d×d P for d = 1, …, 4.",
    ),
    steps=[
        *_using(_LOGS, chain(
            LOG_ODDS,
            (_PRIOR_ODDS + sp.log(N1 / N0),
             "the logarithm of a product is the sum of the logarithms"),
            (_PRIOR_ODDS + sp.log(sp.exp(-_quadratic(mu1) / 2) / sp.exp(-_quadratic(mu0) / 2)),
             "both densities have the normaliser (2π)^{d/2}|Σ|^{1/2} (the covariance is shared), "
             "so it cancels in the ratio"),
            (_PRIOR_ODDS - _quadratic(mu1) / 2 + _quadratic(mu0) / 2,
             "log undoes exp"),
            (sp.Add(_PRIOR_ODDS, sp.Mul(-_HALF, _expanded(mu1), evaluate=False),
                    sp.Mul(_HALF, _expanded(mu0), evaluate=False), evaluate=False),
             "expand each quadratic form; xᵀPμ = μᵀPx because P is symmetric"),
            (Dot(mu1 - mu0, P * x) - Dot(mu1, P * mu1) / 2 + Dot(mu0, P * mu0) / 2 + _PRIOR_ODDS,
             "the quadratic terms ∓½xᵀPx cancel: with a shared covariance the log-odds are linear in x"),
            (Dot(THETA, x) + THETA0,
             "Pᵀ = P, so (μ₁ − μ₀)ᵀPx = (P(μ₁ − μ₀))ᵀx = θᵀx; the terms without x are θ₀"),
        )),
        *_using(_EXPS, chain(
            POSTERIOR,
            (1 / (1 + pi0 * N0 / (pi1 * N1)),
             "Bayes' rule; divide numerator and denominator by π₁𝒩(x | μ₁, Σ)"),
            (sigmoid(LOG_ODDS),
             "σ(z) = 1/(1 + e^{−z}) at the log-odds z, since e^{−z} = π₀𝒩(x | μ₀, Σ)/(π₁𝒩(x | μ₁, Σ))"),
        )),
        Step(sp.Eq(sigmoid(LOG_ODDS), sigmoid(Dot(THETA, x) + THETA0), evaluate=False),
             "the log-odds are θᵀx + θ₀ (the chain above)", methods=_LOGS),
    ],
)
