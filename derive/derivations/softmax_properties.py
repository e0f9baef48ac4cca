"""Three properties of softmax(a)_k = e^{a_k} / Σ_j e^{a_j}.

* Shift invariance: softmax(a + c1) = softmax(a) for every number c (1 = the vector of ones).
* Two classes: softmax(a₀, a₁) = (1 − σ(a₁ − a₀), σ(a₁ − a₀)), the logistic model.
* Saturation: if a_k > a_j for all j ≠ k then softmax(t·a) → e_k as t → ∞.  For the limit the
  largest input is taken to be the first (relabel the classes): a = (c, c − g₂, …, c − g_K)
  with gaps g_j > 0.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ..assumptions import Positive
from ..basis import UnitVector
from ..functions import sigmoid
from ..ops import Dot, Elementwise, Softmax
from ..step import Derivation, Step, chain
from ..symbols import K, a

c = sp.Symbol("c", real=True)
t = sp.Symbol("t", positive=True)
a0, a1 = sp.symbols("a_0 a_1", real=True)

_ONE = sp.OneMatrix(K, 1)
_exp = lambda v: Elementwise(sp.exp, v)  # noqa: E731

#: For K = 2: s₁ = softmax(a₀, a₁)₁ = σ(a₁ − a₀).
SOFTMAX_TWO_CLASS = sigmoid(a1 - a0)

#: The gaps g_j = a_1 − a_j > 0 (j = 2, …, K) below the largest input, and the inputs themselves.
GAPS = sp.MatrixSymbol("g", K - 1, 1)
SATURATING = sp.BlockMatrix([[sp.ImmutableMatrix([[c]])], [c * sp.OneMatrix(K - 1, 1) - GAPS]])

_PAIR = sp.ImmutableMatrix([a0, a1])
_EXPS = ("exp atoms", "together", "expand")


def _ratio(num: sp.Expr, den: sp.Expr) -> sp.Expr:
    """num/den, unevaluated, so that a common factor can be cancelled in a step of its own."""
    return sp.Mul(num, sp.Pow(den, -1, evaluate=False), evaluate=False)


def _using(methods: tuple[str, ...], steps: list[Step]) -> list[Step]:
    return [dataclasses.replace(s, methods=methods) for s in steps]


DERIVATION = Derivation(
    name="softmax-properties",
    title="Softmax: shift invariance, the two-class logistic, saturation",
    summary="softmax(a + c·1) = softmax(a); for K = 2, s₁ = σ(a₁ − a₀); softmax(t·a) → e_k as t → ∞",
    statement=(
        sp.Eq(Softmax(a + c * _ONE), Softmax(a), evaluate=False),
        sp.Eq(Softmax(_PAIR), sp.ImmutableMatrix([1 - SOFTMAX_TWO_CLASS, SOFTMAX_TWO_CLASS]), evaluate=False),
        sp.Eq(sp.Limit(Softmax(t * SATURATING), t, sp.oo), UnitVector(K, 1), evaluate=False),
    ),
    assumptions=(Positive(GAPS, t),),
    notes=(
        "Shift invariance and saturation are checked for K = 2, 3, 4 classes.",
        "For saturation the largest input comes first, a = (c, c − g₂, …, c − g_K) with every gap "
        "g_j > 0 (any input with a unique largest entry is of this form after relabelling the "
        "classes), so the limit is e₁.",
    ),
    steps=[
        *_using(_EXPS, chain(
            Softmax(a + c * _ONE),
            (_exp(a + c * _ONE) / Dot(_ONE, _exp(a + c * _ONE)),
             "definition: softmax(b) = exp(b)/Σ_j exp(b_j), exp taken entry by entry"),
            (sp.MatMul(_ratio(sp.exp(c), sp.Mul(sp.exp(c), Dot(_ONE, _exp(a)), evaluate=False)), _exp(a),
                       evaluate=False),
             "e^{a_k + c} = e^c e^{a_k} in every entry and every term of the sum"),
            (_exp(a) / Dot(_ONE, _exp(a)),
             "the common factor e^c cancels"),
            (Softmax(a), "definition of softmax, read backwards"),
        )),
        *_using(_EXPS, chain(
            Softmax(_PAIR),
            (sp.ImmutableMatrix([sp.exp(a0), sp.exp(a1)]) / (sp.exp(a0) + sp.exp(a1)),
             "definition of softmax with two inputs"),
            (sp.ImmutableMatrix([1 / (1 + sp.exp(a1 - a0)), 1 / (1 + sp.exp(-(a1 - a0)))]),
             "divide numerator and denominator of entry k by e^{a_k}"),
            (sp.ImmutableMatrix([sigmoid(-(a1 - a0)), SOFTMAX_TWO_CLASS]),
             "σ(z) = 1/(1 + e^{−z})"),
            (sp.ImmutableMatrix([1 - SOFTMAX_TWO_CLASS, SOFTMAX_TWO_CLASS]),
             "σ(−z) = 1 − σ(z): two-class softmax is logistic regression on a₁ − a₀"),
        )),
        *_using(_EXPS, chain(
            sp.Limit(Softmax(t * SATURATING), t, sp.oo),
            (sp.Limit(Softmax(t * SATURATING - t * c * _ONE), t, sp.oo),
             "shift invariance, at every t, by −t·c"),
            (sp.Limit(Softmax(-t * sp.BlockMatrix([[sp.ZeroMatrix(1, 1)], [GAPS]])), t, sp.oo),
             "t·a − t·c·1 = −t·(0, g₂, …, g_K): the largest input becomes 0, the others −t·g_j"),
            (UnitVector(K, 1),
             "e^{−t g_j} → 0 as t → ∞ because g_j > 0, so softmax → (1, 0, …, 0) = e₁"),
        )),
    ],
)
