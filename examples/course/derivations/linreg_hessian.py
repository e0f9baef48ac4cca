"""Linear regression: the Hessian of the squared loss of one example, x xᵀ, positive semi-definite.

    ∇²_θ ½(θᵀx + θ₀ − y)² = x xᵀ,    uᵀ(x xᵀ)u = (uᵀx)² ≥ 0.

The loss comes from linreg-gradient (loaded first: files load in name order), through
``derive.registry.constant``, so it is written once.
"""

from __future__ import annotations

import sympy as sp

from derive import Derivation, Real, chain
from derive.ops import Dot, Grad, Hessian
from derive.registry import constant
from derive.symbols import theta, u, x, y

LOSS, _ = constant("linreg-gradient:LOSS")
GRADIENT, _ = constant("linreg-gradient:GRADIENT")
#: ∇²_θ L = x xᵀ: a d×d matrix that does not depend on θ.
HESSIAN = x * x.T

DERIVATION = Derivation(
    name="linreg-hessian",
    title="The Hessian of the squared loss of linear regression",
    summary="∇²_θ ½(θᵀx + θ₀ − y)² = xxᵀ ⪰ 0, so the squared loss is convex",
    statement=(
        sp.Eq(Hessian(LOSS, theta), HESSIAN, evaluate=False),
        sp.Ge(Dot(u, HESSIAN * u), 0, evaluate=False),
    ),
    assumptions=(Real(y),),
    steps=[
        *chain(
            Hessian(LOSS, theta),
            (sp.MatMul(x, Grad(Dot(theta, x), theta).T), "the Hessian is the Jacobian of the gradient "
                                                          "(θᵀx + θ₀ − y)x, whose only θ-dependence is θᵀx"),
            (HESSIAN, "∇_θ(θᵀx) = x"),
        ),
        *chain(
            Dot(u, HESSIAN * u),
            (Dot(u, x) ** 2, "uᵀ(x xᵀ)u = (uᵀx)(xᵀu) = (uᵀx)²"),
            (sp.S.Zero, "a square of a real number is ≥ 0", sp.Ge),
        ),
    ],
)
