"""Linear regression: the gradient of the squared loss of one example, (θᵀx + θ₀ − y)x.

With the residual r = θᵀx + θ₀ − y and L = ½r²,

    ∇_θ L = r x,    ∂L/∂θ₀ = r.
"""

from __future__ import annotations

import sympy as sp

from derive import Derivation, Real, chain
from derive.ops import Dot, Grad
from derive.symbols import theta, theta0, x, y

#: The residual of the linear model:  r = θᵀx + θ₀ − y.
RESIDUAL = Dot(theta, x) + theta0 - y
#: The squared loss of one example:  L = ½(θᵀx + θ₀ − y)².
LOSS = RESIDUAL ** 2 / 2
#: ∇_θ L = (θᵀx + θ₀ − y) x: a d-vector.
GRADIENT = RESIDUAL * x
#: ∂L/∂θ₀ = θᵀx + θ₀ − y.
GRADIENT_BIAS = RESIDUAL

DERIVATION = Derivation(
    name="linreg-gradient",
    title="The gradient of the squared loss of linear regression",
    summary="∇_θ ½(θᵀx + θ₀ − y)² = (θᵀx + θ₀ − y)x, ∂/∂θ₀ = θᵀx + θ₀ − y",
    statement=(
        sp.Eq(Grad(LOSS, theta), GRADIENT, evaluate=False),
        sp.Eq(sp.Derivative(LOSS, theta0), GRADIENT_BIAS, evaluate=False),
    ),
    assumptions=(Real(y),),
    steps=[
        *chain(
            Grad(LOSS, theta),
            (sp.MatMul(RESIDUAL, Grad(RESIDUAL, theta)), "chain rule: d/dr ½r² = r, times ∇_θ r"),
            (GRADIENT, "∇_θ(θᵀx + θ₀ − y) = x"),
        ),
        *chain(
            sp.Derivative(LOSS, theta0),
            (RESIDUAL * sp.Derivative(RESIDUAL, theta0), "chain rule: d/dr ½r² = r, times ∂r/∂θ₀"),
            (GRADIENT_BIAS, "∂(θᵀx + θ₀ − y)/∂θ₀ = 1"),
        ),
    ],
)
