"""One step of stochastic gradient descent on the cross-entropy, and which way it moves θ.

With learning rate ε > 0 and p = σ(θᵀx + θ₀), the step on one example (x, y) is

    θ ← θ − ε(p − y) x.

For y = 1 it is θ + ε(1 − p) x with ε(1 − p) > 0: θ is pushed toward x, so θᵀx (and with
it p) goes up.  For y = 0 it is θ − εp x with εp > 0: θ is pushed away from x.  This is
the lecture's geometric picture: θ points toward class 1.
"""

from __future__ import annotations

import sympy as sp

from ..assumptions import Positive
from ..functions import sigmoid
from ..ops import Dot, Grad
from ..step import Derivation, chain
from ..symbols import eps, p, theta, x, y
from .bce_gradient import GRADIENT, LOGIT
from .bernoulli_nll import LOSS

#: θ ← θ − ε(σ(θᵀx + θ₀) − y) x: one SGD step on the example (x, y), learning rate ε.
UPDATE = theta - eps * GRADIENT

_p = sigmoid(LOGIT)
_L = LOSS.subs(p, _p)
# The step Δθ = ε̃ x for each label, with ε̃ its signed length along x.
_STEP_1 = eps * (1 - _p)          # y = 1
_STEP_0 = eps * _p                # y = 0 (the step is −ε̃ x)


def _moved(label: int) -> sp.Expr:
    """xᵀ(θ′ − θ): how far the step for this label moves θ along x (θ′ the updated θ)."""
    return Dot(x, sp.MatAdd(UPDATE.subs(y, label), -theta, evaluate=False))


def _along_x(scale: sp.Expr) -> sp.MatrixExpr:
    """scale · x, built unevaluated so the scalar stays visible as one factor."""
    return sp.MatMul(scale, x)


DERIVATION = Derivation(
    name="sgd-update",
    title="The SGD update of logistic regression and its direction",
    summary="θ ← θ − ε(p − y)x: toward x by ε(1 − p) > 0 for y = 1, away from x by εp > 0 for y = 0",
    statement=(
        sp.Eq(theta - eps * Grad(_L, theta), UPDATE, evaluate=False),
        sp.Eq(UPDATE.subs(y, 1), theta + _along_x(_STEP_1), evaluate=False),
        sp.Gt(_STEP_1, 0, evaluate=False),
        sp.Ge(_moved(1), 0, evaluate=False),
        sp.Gt(_STEP_0, 0, evaluate=False),
        sp.Le(_moved(0), 0, evaluate=False),
    ),
    assumptions=(Positive(eps),),
    notes=(
        "Here p = σ(θᵀx + θ₀) is the model's current probability of class 1 for x, and the "
        "label y is 1 or 0; the update rule itself holds for any real y.",
        "θ′ is θ after the step. xᵀ(θ′ − θ) is how much the step raises θᵀx, and so the logit "
        "of x: up for y = 1, down for y = 0. The step is largest when the model is most wrong.",
    ),
    steps=[
        *chain(
            theta - eps * Grad(_L, theta),
            (UPDATE, "∇_θL = (σ(θᵀx + θ₀) − y)x (bce-gradient)"),
        ),
        # y = 1: toward x.
        *chain(
            UPDATE.subs(y, 1),
            (theta + _along_x(_STEP_1), "for y = 1: −ε(p − 1) = ε(1 − p)"),
        ),
        *chain(
            _STEP_1,
            (eps * sigmoid(-LOGIT), "1 − σ(z) = σ(−z) (sigmoid-derivative)"),
            (sp.S.Zero, "ε > 0 and σ > 0", sp.Gt),
        ),
        *chain(
            _moved(1),
            (_STEP_1 * Dot(x, x), "θ′ − θ = ε(1 − p)x (above); the scalar leaves the inner product"),
            (sp.S.Zero, "ε(1 − p) > 0 (above) and xᵀx = Σ x_i² ≥ 0", sp.Ge),
        ),
        # y = 0: away from x.
        *chain(
            _STEP_0,
            (eps / (1 + sp.exp(-LOGIT)), "for y = 0 the step is −ε(p − 0)x = −εp x; p = σ(z) = 1/(1 + e^{−z})"),
            (sp.S.Zero, "ε > 0 and 1 + e^{−z} > 0", sp.Gt),
        ),
        *chain(
            _moved(0),
            (-_STEP_0 * Dot(x, x), "θ′ − θ = −εp x for y = 0; the scalar leaves the inner product"),
            (sp.S.Zero, "εp > 0 (above) and xᵀx = Σ x_i² ≥ 0", sp.Le),
        ),
    ],
)
