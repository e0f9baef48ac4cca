"""The Hessian of the cross-entropy, p(1 − p)xxᵀ: positive semi-definite, hence convexity and Newton.

With p = σ(z) and z = θᵀx + θ₀ (x, θ ∈ ℝ^d),

    ∂²L/∂z² = p(1 − p),    ∇²_θ L = p(1 − p) x xᵀ,    uᵀ(∇²_θ L)u = p(1 − p)(uᵀx)² ≥ 0.

Every example's Hessian is positive semi-definite, so the mean loss (whose Hessian is the mean
of these) is convex.  Its quadratic model  L + gᵀδ + ½δᵀHδ  then has its minimum where the
gradient g + Hδ vanishes, at the Newton step δ = −H⁻¹g.
"""

from __future__ import annotations

import sympy as sp

from ..assumptions import Real, SymmetricPositiveDefinite
from ..functions import sigmoid
from ..ops import Dot, Grad, Hessian
from ..step import Derivation, chain
from ..symbols import d, p, theta, u, x, y, z
from .bce_gradient import LOGIT
from .bernoulli_nll import LOSS, LOSS_LOGIT

#: ∂²L/∂z² = σ(z)(1 − σ(z)): the curvature of the loss in the logit (p(1 − p) with p = σ(z)).
D2L_DZ2 = sigmoid(z) * (1 - sigmoid(z))
#: ∇²_θ L = σ(θᵀx + θ₀)(1 − σ(θᵀx + θ₀)) x xᵀ: a d×d matrix, the lecture's p(1 − p)xxᵀ.
HESSIAN = sigmoid(LOGIT) * (1 - sigmoid(LOGIT)) * x * x.T

# The quadratic model of a loss around the current parameters: value L₀, gradient g, Hessian H.
H = sp.MatrixSymbol("H", d, d)
g = sp.MatrixSymbol("g", d, 1)
delta = sp.MatrixSymbol("delta", d, 1)
delta_N = sp.MatrixSymbol("delta_N", d, 1)   # the Newton step, the solution of H δ = −g
L0 = sp.Symbol("L_0", real=True)
#: The Newton step  δ = −H⁻¹g:  for logistic regression g and H are the mean gradient and Hessian.
NEWTON_STEP = -H.I * g

_pz = sigmoid(z)
_P = sigmoid(LOGIT)
_L_z = LOSS.subs(p, _pz)
# The loss in its logit form softplus(z) − y·z (bernoulli-nll): the same function of θ, and
# far cheaper to differentiate twice entry by entry.
_L_theta = LOSS_LOGIT.subs(z, LOGIT)


def _model(step: sp.MatrixExpr, gradient: sp.MatrixExpr) -> sp.Expr:
    """The quadratic model  L₀ + gᵀδ + ½ δᵀHδ  at δ = ``step``."""
    return L0 + Dot(gradient, step) + Dot(step, H * step) / 2


# Only the Newton steps mention H.
_NEWTON = (SymmetricPositiveDefinite(H),)
# With Hδ_N = −g (that is, δ_N = −H⁻¹g) the model reads L₀ − (Hδ_N)ᵀδ + ½δᵀHδ.
_g_newton = -H * delta_N

DERIVATION = Derivation(
    name="bce-hessian",
    title="The Hessian of the binary cross-entropy, convexity, and the Newton step",
    summary="∇²_θL = p(1 − p)xxᵀ ⪰ 0, so the mean loss is convex; Newton step δ = −H⁻¹g",
    statement=(
        sp.Eq(sp.Derivative(_L_z, (z, 2)), D2L_DZ2, evaluate=False),
        sp.Eq(Hessian(_L_theta, theta), HESSIAN, evaluate=False),
        sp.Ge(Dot(u, HESSIAN * u), 0, evaluate=False),
        sp.Eq(Grad(_model(delta, g), delta), g + H * delta, evaluate=False),
        sp.Eq(_model(delta, _g_newton),
              _model(delta_N, _g_newton) + Dot(delta - delta_N, H * (delta - delta_N)) / 2, evaluate=False),
    ),
    assumptions=(Real(z),),
    notes=(
        "The Hessian in θ is taken of the loss in its logit form L = softplus(z) − y·z "
        "(bernoulli-nll), the same function as −y log p − (1 − y) log(1 − p).",
        "The mean loss (1/n) Σ_i L_i has Hessian (1/n) Σ_i p_i(1 − p_i) x_i x_iᵀ, a mean of matrices "
        "each shown positive semi-definite here, so uᵀ(∇²)u ≥ 0 for every u: the mean loss is convex "
        "and every stationary point is a global minimum.",
        "The Newton step δ_N = −H⁻¹g is the solution of Hδ_N = −g; the last result writes g = −Hδ_N "
        "and shows the model exceeds its value at δ_N by ½(δ − δ_N)ᵀH(δ − δ_N), which is > 0 for "
        "δ ≠ δ_N when H is positive-definite (the mean Hessian plus an l2 term, say): δ_N is the "
        "model's unique minimiser.",
    ),
    steps=[
        *chain(
            sp.Derivative(_L_z, (z, 2)),
            (sp.Derivative(_pz - y, z),
             "differentiate ∂L/∂z = σ(z) − y (bce-gradient) once more"),
            (D2L_DZ2, "σ′ = σ(1 − σ) (sigmoid-derivative); y does not depend on z"),
        ),
        *chain(
            Hessian(_L_theta, theta),
            (x * Grad(_P, theta).T,
             "the Hessian is the Jacobian of the gradient (σ(z) − y)x (bce-gradient); entry (i, j) is "
             "x_i ∂σ(z)/∂θ_j, since neither x nor y depends on θ"),
            (HESSIAN, "chain rule: ∇_θσ(z) = σ′(z)∇_θz = σ(z)(1 − σ(z))x, and (c x)ᵀ = c xᵀ"),
        ),
        *chain(
            Dot(u, HESSIAN * u),
            (_P * (1 - _P) * Dot(u, x) * Dot(x, u), "uᵀ(x xᵀ)u = (uᵀx)(xᵀu), the scalar factored out"),
            (_P * (1 - _P) * Dot(u, x) ** 2, "xᵀu = uᵀx"),
            (sp.S.Zero, "0 < σ < 1, so σ(1 − σ) > 0; and a square is ≥ 0", sp.Ge),
        ),
        *chain(
            Grad(_model(delta, g), delta),
            (g + sp.MatMul(sp.Rational(1, 2), H + H.T, delta), "∇_δ(gᵀδ) = g and ∇_δ(δᵀHδ) = (H + Hᵀ)δ"),
            (g + H * delta, "H is symmetric: ½(H + Hᵀ) = H"),
            assumptions=_NEWTON,
        ),
        *chain(
            _model(delta, _g_newton),
            (L0 + Dot(delta - delta_N, H * (delta - delta_N)) / 2 - Dot(delta_N, H * delta_N) / 2,
             "complete the square (H symmetric): ½δᵀHδ − δ_NᵀHδ = ½(δ − δ_N)ᵀH(δ − δ_N) − ½δ_NᵀHδ_N"),
            (_model(delta_N, _g_newton) + Dot(delta - delta_N, H * (delta - delta_N)) / 2,
             "the model at δ_N is L₀ − δ_NᵀHδ_N + ½δ_NᵀHδ_N = L₀ − ½δ_NᵀHδ_N"),
            assumptions=_NEWTON,
        ),
    ],
)
