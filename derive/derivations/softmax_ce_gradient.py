"""The softmax Jacobian diag(s) − ssᵀ, and the gradient s − y of the cross-entropy.

With s = softmax(a) for logits a ∈ ℝ^K and a one-hot label y,

    ∂s/∂a = diag(s) − s sᵀ,    L = −Σ_k y_k log s_k = log Σ_j e^{a_j} − yᵀa,    ∇_a L = s − y,

and for the linear model a = Θx + θ₀ (row k of Θ is θ_kᵀ) the chain rule gives
∂L/∂Θ = (s − y)xᵀ, whose row k is ∇_{θ_k} L = (s_k − y_k) x.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ..assumptions import OneHot
from ..ops import Diag, Dot, Elementwise, Grad, GradAt, GradMatrix, Hadamard, Jacobian, Softmax
from ..step import Derivation, Step, at_sizes, chain
from ..symbols import K, Y, a, d, x

#: The weights of the K-class linear model: row k is θ_kᵀ, so a = Θx + θ₀.
Theta = sp.MatrixSymbol("Theta", K, d)
#: The intercepts θ_{0,k}, a K-vector.
Theta0 = sp.MatrixSymbol("theta_0", K, 1)
#: A one-hot selector: e_kᵀv is entry k of v.
e_k = sp.MatrixSymbol("e_k", K, 1)

_ones = sp.OneMatrix(K, 1)
_E = Elementwise(sp.exp, a)     # e^a, entrywise
_total = Dot(_ones, _E)          # Σ_j e^{a_j}
_S = Softmax(a)

#: The logits of the linear model:  a = Θx + θ₀.
LOGITS = Theta * x + Theta0
#: L = −yᵀ log softmax(a) = −Σ_k y_k log s_k: the cross-entropy of the logits a, label y.
LOSS = -Dot(Y, Elementwise(sp.log, _S))
#: L = log(Σ_j e^{a_j}) − yᵀa: the same loss for a one-hot y, in the form programs evaluate.
LOSS_STABLE = sp.log(_total) - Dot(Y, a)
#: ∂s/∂a = diag(s) − s sᵀ with s = softmax(a): a K×K matrix, entry (i, j) = s_i(δ_ij − s_j).
JACOBIAN = Diag(_S) - _S * _S.T
#: ∇_a L = softmax(a) − y: the gradient of L = −yᵀ log softmax(a) for a one-hot y.
GRADIENT_A = _S - Y
#: ∂L/∂Θ = (softmax(Θx + θ₀) − y) xᵀ: a K×d matrix; row k is ∇_{θ_k} L.
GRADIENT_THETA = (Softmax(LOGITS) - Y) * x.T
#: ∇_{θ_k} L = (s_k − y_k) x, written (s − y)ᵀe_k · x with e_k the one-hot vector of class k.
GRADIENT_THETA_K = Dot(Softmax(LOGITS) - Y, e_k) * x

_y_over_s = Hadamard(Y, sp.HadamardPower(_S, -1))   # y ⊘ s
# Row k of ∂L/∂Θ as a column, (∂L/∂Θ)ᵀe_k; held unevaluated so the transpose stays visible.
_ROW_K = sp.MatMul(sp.Transpose(GRADIENT_THETA), e_k)
_L_theta = LOSS_STABLE.xreplace({a: LOGITS})

#: The sizes at which the Θ steps are checked: every K, and d ≠ K so a transpose shows
#: (differentiating by all K·d entries of Θ at K = d = 4 would cost more than the rest).
THETA_SIZES = ({K: 2, d: 3}, {K: 3, d: 2}, {K: 4, d: 1})


def _one_hot(steps: list[Step]) -> list[Step]:
    """The steps with y one-hot for the last, the only one that uses Σ_k y_k = 1."""
    last = dataclasses.replace(steps[-1], assumptions=steps[-1].assumptions + (OneHot(Y),))
    return [*steps[:-1], last]


DERIVATION = Derivation(
    name="softmax-ce-gradient",
    title="The softmax Jacobian and the gradient of the cross-entropy",
    summary="∂s/∂a = diag(s) − ssᵀ; ∇_aL = s − y for one-hot y; ∇_{θ_k}L = (s_k − y_k)x",
    statement=(
        sp.Eq(Jacobian(_S, a), JACOBIAN, evaluate=False),
        sp.Eq(Grad(LOSS, a), GRADIENT_A, evaluate=False),
        sp.Eq(LOSS, LOSS_STABLE, evaluate=False),
        sp.Eq(GradMatrix(_L_theta, Theta), GRADIENT_THETA, evaluate=False),
        sp.Eq(_ROW_K, GRADIENT_THETA_K, evaluate=False),
    ),
    notes=(
        "Here s = softmax(a). Of y being one-hot only Σ_k y_k = 1 is used, so the results hold "
        "for any label distribution y on the simplex.",
        "Row k of ∂L/∂Θ collects ∂L/∂Θ_kj over j, so it is ∇_{θ_k}L; the transpose times the "
        "one-hot e_k picks it out, for every class k at once.",
        "The steps by Θ are checked at (K, d) = (2, 3), (3, 2) and (4, 1).",
    ),
    steps=[
        *chain(
            Jacobian(_S, a),
            (Jacobian(sp.MatMul(1 / _total, _E), a), "definition: s = e^a / (1ᵀe^a), e^a taken entrywise"),
            (sp.MatMul(1 / _total, Diag(_E) - sp.MatMul(1 / _total, _E, _E.T)),
             "quotient rule: ∂e^{a_i}/∂a_j = δ_ij e^{a_i} and ∂(1ᵀe^a)/∂a_j = e^{a_j}"),
            (JACOBIAN, "e^{a_i}/(1ᵀe^a) = s_i"),
        ),
        *_one_hot(chain(
            Grad(LOSS, a),
            (-sp.MatMul(Jacobian(_S, a).T, _y_over_s),
             "chain rule: ∂L/∂a_j = Σ_k (∂L/∂s_k)(∂s_k/∂a_j), with ∂L/∂s_k = −y_k/s_k"),
            (-sp.MatMul(JACOBIAN.T, _y_over_s), "the Jacobian above"),
            (-(Y - sp.MatMul(Dot(_ones, Y), _S)), "diag(s)(y ⊘ s) = y and sᵀ(y ⊘ s) = Σ_k y_k = 1ᵀy"),
            (GRADIENT_A, "y is one-hot: 1ᵀy = 1"),
        )),
        *_one_hot(chain(
            LOSS,
            (-Dot(Y, a - sp.MatMul(sp.log(_total), _ones)), "log s_k = log(e^{a_k}/Σ_j e^{a_j}) = a_k − log Σ_j e^{a_j}"),
            (Dot(_ones, Y) * sp.log(_total) - Dot(Y, a), "multiply out: yᵀ1 = 1ᵀy"),
            (LOSS_STABLE, "y is one-hot: 1ᵀy = 1"),
        )),
        *at_sizes(THETA_SIZES, chain(
            GradMatrix(_L_theta, Theta),
            (sp.MatMul(GradAt(LOSS_STABLE, a, LOGITS), x.T),
             "chain rule: a_k = θ_kᵀx + θ_{0,k}, so ∂a_k/∂Θ_kj = x_j and no other logit depends on Θ_kj"),
            (GRADIENT_THETA, "∇_a(log 1ᵀe^a − yᵀa) = e^a/(1ᵀe^a) − y = s − y, at a = Θx + θ₀"),
        )),
        *chain(
            _ROW_K,
            (sp.MatMul(x, (Softmax(LOGITS) - Y).T, e_k), "((s − y)xᵀ)ᵀ = x(s − y)ᵀ"),
            (GRADIENT_THETA_K, "(s − y)ᵀe_k is a scalar, entry k of s − y"),
        ),
    ],
)
