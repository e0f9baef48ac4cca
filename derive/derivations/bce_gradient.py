"""The gradient of the cross-entropy of logistic regression, by the chain rule: (p − y)x.

With p = σ(z) and the logit z = θᵀx + θ₀ (x, θ ∈ ℝ^d),

    ∂L/∂z = p − y,    ∇_θ L = (p − y) x,    ∂L/∂θ₀ = p − y.

The lecture's route: differentiate L in z, where σ′ = σ(1 − σ) cancels the 1/p and
1/(1 − p) of the logarithms, then multiply by ∇_θ z = x.
"""

from __future__ import annotations

import sympy as sp

from ..assumptions import Real
from ..functions import sigmoid
from ..ops import Dot, Grad
from ..step import Derivation, chain
from ..symbols import p, theta, theta0, x, y, z
from .bernoulli_nll import LOSS

#: The logit of the linear model:  z = θᵀx + θ₀.
LOGIT = Dot(theta, x) + theta0
#: ∂L/∂z = σ(z) − y: the derivative of the loss in the logit (p = σ(z)).
DL_DZ = sigmoid(z) - y
#: ∇_θ L = (σ(θᵀx + θ₀) − y) x: a d-vector, the lecture's (p − y)x.
GRADIENT = (sigmoid(LOGIT) - y) * x
#: ∂L/∂θ₀ = σ(θᵀx + θ₀) − y: the lecture's p − y.
GRADIENT_BIAS = sigmoid(LOGIT) - y

_L_z = LOSS.subs(p, sigmoid(z))          # the loss as a function of the logit
_L_theta = LOSS.subs(p, sigmoid(LOGIT))  # ... and of the parameters
_s = sigmoid(z)
_ds = sp.Derivative(sigmoid(z), z)
# Held unevaluated so the display shows what cancels (SymPy would cancel it on sight).
_ds_formula = sp.UnevaluatedExpr(_s * (1 - _s))
# Products with a matrix are built as MatMul directly: ``scalar * matrix`` would carry out
# the derivative on the spot (MatrixExpr.__rmul__ calls doit), hiding the chain rule.

DERIVATION = Derivation(
    name="bce-gradient",
    title="The gradient of the binary cross-entropy",
    summary="∂L/∂z = p − y, ∇_θL = (p − y)x, ∂L/∂θ₀ = p − y, with p = σ(θᵀx + θ₀)",
    statement=(
        sp.Eq(sp.Derivative(_L_z, z), DL_DZ, evaluate=False),
        sp.Eq(Grad(_L_theta, theta), GRADIENT, evaluate=False),
        sp.Eq(sp.Derivative(_L_theta, theta0), GRADIENT_BIAS, evaluate=False),
    ),
    assumptions=(Real(z),),
    notes=(
        "The algebra never uses y ∈ {0, 1}: the same gradient holds for any real label y, "
        "soft labels included, so the steps are proved for every real y.",
        "L depends on θ and θ₀ only through z = θᵀx + θ₀, which is why one scalar derivative, "
        "∂L/∂z = p − y, serves every parameter.",
        "The gradient is the prediction error p − y times the input: it vanishes when the "
        "model is certain and right.",
    ),
    steps=[
        *chain(
            sp.Derivative(_L_z, z),
            (-y * _ds / _s + (1 - y) * _ds / (1 - _s), "chain rule: d/dz log u = u′/u, and d/dz (1 − σ) = −σ′"),
            (-y * _ds_formula / _s + (1 - y) * _ds_formula / (1 - _s), "σ′ = σ(1 − σ) (sigmoid-derivative)"),
            (-y * (1 - _s) + (1 - y) * _s, "cancel σ in the first term and 1 − σ in the second"),
            (DL_DZ, "multiply out: −y + yσ + σ − yσ = σ − y"),
        ),
        *chain(
            Grad(_L_theta, theta),
            (sp.MatMul(sigmoid(LOGIT) - y, Grad(LOGIT, theta)),
             "chain rule: L depends on θ only through z = θᵀx + θ₀, so ∇_θL = (∂L/∂z)∇_θz, "
             "with ∂L/∂z = σ(z) − y (above)"),
            (GRADIENT, "∇_θ(θᵀx + θ₀) = x"),
        ),
        *chain(
            sp.Derivative(_L_theta, theta0),
            ((sigmoid(LOGIT) - y) * sp.Derivative(LOGIT, theta0),
             "chain rule as for θ: ∂L/∂θ₀ = (∂L/∂z)(∂z/∂θ₀), with ∂L/∂z = σ(z) − y (above)"),
            (GRADIENT_BIAS, "∂(θᵀx + θ₀)/∂θ₀ = 1"),
        ),
    ],
)
