"""K Gaussian classes with a shared covariance give a softmax posterior: p(·|x) = softmax(θᵀx + θ₀).

With X | k ~ 𝒩(μ_k, Σ) and priors π_k, Bayes' rule is a softmax of the log joint densities
log(π_k 𝒩(x | μ_k, Σ)).  Two of their terms are the same for every class — the Gaussian
normaliser and −½xᵀΣ⁻¹x — and softmax ignores a shift common to all its inputs, so they drop
out and the inputs a_k = θ_kᵀx + θ_{0,k} are linear in x.

Vector form: the means are the columns of the d×K matrix μ = (μ_1 … μ_K), the priors the
K-column π, so θ = Σ⁻¹μ has columns θ_k = Σ⁻¹μ_k and θ₀ = log π − ½ diag(μᵀΣ⁻¹μ).
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ..assumptions import Positive, Simplex, SymmetricPositiveDefinite
from ..gaussian import DET_SIGMA, ClassDensities, DiagOf, SquaredDistances, normaliser
from ..ops import Dot, Elementwise, Softmax
from ..step import Derivation, Step, chain
from ..symbols import K, P, d, x

#: The class means as columns, μ = (μ_1 … μ_K), and the priors π = (π_1, …, π_K).
MU = sp.MatrixSymbol("mu", d, K)
PI = sp.MatrixSymbol("pi", K, 1)

#: θ = Σ⁻¹μ: column k is θ_k = Σ⁻¹μ_k.
THETA_K = P * MU
#: θ₀ = log π − ½ diag(μᵀΣ⁻¹μ): entry k is θ_{0,k} = log π_k − ½μ_kᵀΣ⁻¹μ_k.
THETA0_K = Elementwise(sp.log, PI) - DiagOf(MU.T * P * MU) / 2

_ONE = sp.OneMatrix(K, 1)
_n = ClassDensities(x, MU, P)            # [𝒩(x | μ_k, Σ)]_k
_q = SquaredDistances(x, MU, P)          # [(x − μ_k)ᵀΣ⁻¹(x − μ_k)]_k
_log = lambda v: Elementwise(sp.log, v)  # noqa: E731
_LOG_PI = _log(PI)
#: log Z, Z = (2π)^{d/2}|Σ|^{1/2} the Gaussian normaliser: the same for every class.
_LOG_Z = sp.log(normaliser(d))
#: −½xᵀΣ⁻¹x, the quadratic term of every class.
_QUADRATIC = -Dot(x, P * x) / 2

def _bayes(densities: sp.Basic) -> sp.Basic:
    """Bayes' rule for all classes at once: p(k|x) = π_k p(x|k) / Σ_j π_j p(x|j)."""
    return sp.HadamardProduct(PI, densities) / Dot(PI, densities)


#: p(·|x) by Bayes' rule: p(k|x) = π_k 𝒩(x | μ_k, Σ) / Σ_j π_j 𝒩(x | μ_j, Σ).
POSTERIOR = _bayes(_n)
#: The lecture's class densities, normalised with |Σ| instead of |Σ|^{1/2}.
LECTURE_DENSITIES = Elementwise(sp.exp, -_q / 2) / ((2 * sp.pi) ** (d / 2) * DET_SIGMA)
#: The softmax inputs a = θᵀx + θ₀ (a_k = θ_kᵀx + θ_{0,k}); kept as written, (Σ⁻¹μ)ᵀx rather
#: than SymPy's μᵀ(Σ⁻¹)ᵀx.
LOGITS = sp.MatAdd(sp.MatMul(sp.Transpose(THETA_K), x, evaluate=False), *THETA0_K.args, evaluate=False)

_EXPS = ("exp atoms", "together", "expand")
_LOGS = ("expand_log", "expand", "together", "exp atoms")


def _using(methods: tuple[str, ...], steps: list[Step]) -> list[Step]:
    return [dataclasses.replace(s, methods=methods) for s in steps]


DERIVATION = Derivation(
    name="lda-softmax",
    title="K Gaussian classes give the softmax posterior",
    summary="X|k ~ 𝒩(μ_k, Σ), priors π_k ⇒ p(k|x) = softmax(a)_k, a_k = θ_kᵀx + θ_{0,k}, θ_k = Σ⁻¹μ_k",
    statement=(
        sp.Eq(POSTERIOR, Softmax(LOGITS), evaluate=False),
        sp.Eq(_bayes(LECTURE_DENSITIES), POSTERIOR, evaluate=False),
    ),
    assumptions=(SymmetricPositiveDefinite(P), Simplex(PI), Positive(DET_SIGMA)),
    notes=(
        "μ = (μ_1 … μ_K) holds the class means as columns and π the priors; P = Σ⁻¹ is the "
        "precision, used instead of inverting a symbolic Σ.  So θ = Pμ (θ_k = Pμ_k) and "
        "θ₀ = log π − ½ diag(μᵀPμ) (θ_{0,k} = log π_k − ½μ_kᵀPμ_k).",
        "The number of classes is explicit: every step is checked for K = 2, 3, 4 (with d = 1, …, 4).  "
        "|Σ| enters only through the normaliser; the proofs use only |Σ| > 0.",
        "The lecture writes the Gaussian normaliser as (2π)^{d/2}|Σ|, where the density has "
        "(2π)^{d/2}|Σ|^{1/2}.  The second chain shows that this slip does not change the posterior: "
        "the normaliser is the same for every class, so it cancels in Bayes' rule either way.",
    ),
    steps=[
        *_using(_EXPS, chain(
            POSTERIOR,
            (Softmax(_LOG_PI + _log(_n)),
             "Bayes' rule is a softmax of the log joint densities log π_k + log 𝒩(x | μ_k, Σ), "
             "since e^{log π_k + log 𝒩_k} = π_k 𝒩_k"),
        )),
        *_using(_LOGS, [Step(sp.Eq(Softmax(_LOG_PI + _log(_n)), Softmax(_LOG_PI - _q / 2 - _LOG_Z * _ONE),
                                   evaluate=False),
                             "log 𝒩(x | μ_k, Σ) = −½(x − μ_k)ᵀΣ⁻¹(x − μ_k) − log Z with Z = (2π)^{d/2}|Σ|^{1/2}, "
                             "the same for every class")]),
        *_using(_LOGS, [Step(sp.Eq(Softmax(_LOG_PI - _q / 2 - _LOG_Z * _ONE),
                                   Softmax(_LOG_PI + MU.T * P * x - DiagOf(MU.T * P * MU) / 2
                                           + (_QUADRATIC - _LOG_Z) * _ONE), evaluate=False),
                             "expand (x − μ_k)ᵀP(x − μ_k) = xᵀPx − 2μ_kᵀPx + μ_kᵀPμ_k (P is symmetric): "
                             "the term −½xᵀPx is the same for every class too")]),
        *_using(_EXPS, [Step(sp.Eq(Softmax(_LOG_PI + MU.T * P * x - DiagOf(MU.T * P * MU) / 2
                                           + (_QUADRATIC - _LOG_Z) * _ONE),
                                   Softmax(_LOG_PI + MU.T * P * x - DiagOf(MU.T * P * MU) / 2), evaluate=False),
                             "softmax is unchanged by adding the same number to every input: drop −½xᵀPx − log Z, "
                             "and what is left is linear in x")]),
        *_using(_LOGS, [Step(sp.Eq(Softmax(_LOG_PI + MU.T * P * x - DiagOf(MU.T * P * MU) / 2),
                                   Softmax(LOGITS), evaluate=False),
                             "Pᵀ = P, so μᵀPx = (Pμ)ᵀx = θᵀx; the terms without x are θ₀")]),
        Step(sp.Eq(_bayes(LECTURE_DENSITIES), POSTERIOR, evaluate=False),
             "the lecture's normaliser (2π)^{d/2}|Σ| is the density's (2π)^{d/2}|Σ|^{1/2} times |Σ|^{1/2}, "
             "the same for every class, so it cancels between numerator and denominator of Bayes' rule",
             methods=_EXPS, new_chain=True),
    ],
)
