"""The geometry of θ in logistic regression, p(x) = σ(θᵀx + θ₀).

* θ is perpendicular to the decision boundary θᵀx + θ₀ = 0: moving x by any α x⊥ with
  θᵀx⊥ = 0 leaves p unchanged.
* θ points toward class 1: the derivative of p along θ is σ′(z)θᵀθ > 0.
* θ₀ shifts the boundary: every point of it has the same component −θ₀/‖θ‖ along the unit
  normal θ/‖θ‖, so the boundary is the hyperplane at signed distance −θ₀/‖θ‖ from the origin.

Directions perpendicular to θ and points of the boundary are built from an arbitrary v, so
their properties are proved, not assumed: x⊥ = v − (θᵀv/θᵀθ)θ removes v's component along θ,
and x_b = v − ((θᵀv + θ₀)/θᵀθ)θ moves v along θ onto the boundary (x_b = v when v is on it,
so x_b ranges over the whole boundary).
"""

from __future__ import annotations

import sympy as sp

from ..assumptions import Nonzero
from ..functions import sigmoid
from ..ops import Dot, Grad
from ..step import Derivation, Step, chain
from ..symbols import alpha, theta, theta0, x

V = sp.MatrixSymbol("v", theta.shape[0], 1)   # an arbitrary point or direction

_TT = Dot(theta, theta)
_NORM = sp.sqrt(_TT)
_Z = Dot(theta, x) + theta0

#: x⊥ = v − (θᵀv/θᵀθ)θ, a direction perpendicular to θ.
X_PERP = V - (Dot(theta, V) / _TT) * theta
#: x_b = v − ((θᵀv + θ₀)/θᵀθ)θ, the point of the decision boundary reached from v along θ.
X_BOUNDARY = V - ((Dot(theta, V) + theta0) / _TT) * theta
#: The signed distance of the boundary from the origin, along θ/‖θ‖: −θ₀/‖θ‖.
BOUNDARY_DISTANCE = -theta0 / _NORM


def _minus_scaled(a: sp.Expr, b: sp.Expr, c: sp.Expr) -> sp.Expr:
    """a − (b/c)·c, unevaluated, so that the cancellation of c can be a step of its own."""
    return sp.Add(a, -sp.Mul(sp.Mul(b, sp.Pow(c, -1), evaluate=False), c, evaluate=False), evaluate=False)


def p(point: sp.Basic) -> sp.Expr:
    """p(1 | point) = σ(θᵀ point + θ₀)."""
    return sigmoid(Dot(theta, point) + theta0)


DERIVATION = Derivation(
    name="logistic-geometry",
    title="The geometry of θ: normal to the boundary, pointing to class 1, shifted by θ₀",
    summary="θ ⊥ the boundary θᵀx + θ₀ = 0; p grows along θ at rate σ′(z)θᵀθ > 0; the boundary is at signed distance −θ₀/‖θ‖",
    statement=(
        sp.Eq(Dot(theta, X_PERP), 0, evaluate=False),
        sp.Eq(p(x + alpha * X_PERP), p(x), evaluate=False),
        sp.Gt(Dot(theta, Grad(p(x), x)), 0, evaluate=False),
        sp.Eq(Dot(theta, X_BOUNDARY) + theta0, 0, evaluate=False),
        sp.Eq(Dot(theta, X_BOUNDARY) / _NORM, BOUNDARY_DISTANCE, evaluate=False),
    ),
    notes=(
        "θ ≠ 0 throughout (otherwise there is no boundary).  The sign step that needs it splits into "
        "the cases θ_i ≠ 0; every step is checked with explicit vectors for d = 1, …, 4.",
        "x⊥ and x_b are built from an arbitrary v ∈ R^d: x⊥ is v with its component along θ removed, "
        "and x_b is v moved along θ onto the boundary, so every boundary point is an x_b.",
    ),
    steps=[
        # θ is perpendicular to every direction along the boundary ...
        *chain(
            Dot(theta, X_PERP),
            (_minus_scaled(Dot(theta, V), Dot(theta, V), _TT),
             "θᵀ is linear: θᵀx⊥ = θᵀv − (θᵀv/θᵀθ) θᵀθ"),
            (sp.S.Zero, "the factors θᵀθ cancel"),
        ),
        # ... so moving along the boundary does not change p.
        *chain(
            p(x + alpha * X_PERP),
            (sigmoid(Dot(theta, x) + alpha * Dot(theta, X_PERP) + theta0),
             "θᵀ(x + αx⊥) = θᵀx + αθᵀx⊥"),
            (p(x), "θᵀx⊥ = 0 (above): p is constant along x⊥, so the boundary p = ½ is perpendicular to θ"),
        ),
        # θ points toward class 1.
        *chain(
            Dot(theta, Grad(p(x), x)),
            (Dot(theta, sigmoid(_Z) * (1 - sigmoid(_Z)) * theta),
             "chain rule: ∇_x σ(θᵀx + θ₀) = σ′(z)∇_x(θᵀx) = σ(z)(1 − σ(z))θ"),
            (sigmoid(_Z) * (1 - sigmoid(_Z)) * _TT,
             "the scalar σ(z)(1 − σ(z)) comes out of the inner product"),
            (sigmoid(_Z) * sigmoid(-_Z) * _TT,
             "1 − σ(z) = σ(−z)"),
        ),
        Step(sp.Gt(sigmoid(_Z) * sigmoid(-_Z) * _TT, 0, evaluate=False),
             "σ > 0 everywhere and θᵀθ > 0 for θ ≠ 0: p increases along θ, toward class 1",
             assumptions=(Nonzero(theta),)),
        # θ₀ shifts the boundary.
        *chain(
            Dot(theta, X_BOUNDARY) + theta0,
            (sp.Add(_minus_scaled(Dot(theta, V), Dot(theta, V) + theta0, _TT), theta0, evaluate=False),
             "θᵀ is linear: θᵀx_b = θᵀv − ((θᵀv + θ₀)/θᵀθ) θᵀθ"),
            (sp.S.Zero, "the factors θᵀθ cancel: x_b is on the boundary"),
        ),
        *chain(
            Dot(theta, X_BOUNDARY) / _NORM,
            (sp.Mul(sp.Add(Dot(theta, V), -(Dot(theta, V) + theta0), evaluate=False), 1 / _NORM, evaluate=False),
             "θᵀx_b = θᵀv − (θᵀv + θ₀), as above"),
            (BOUNDARY_DISTANCE,
             "every boundary point has the same component −θ₀/‖θ‖ along the unit normal θ/‖θ‖: "
             "the boundary is the hyperplane at signed distance −θ₀/‖θ‖ from the origin"),
        ),
    ],
)
