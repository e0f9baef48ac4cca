"""Named quantities: z, p, L, h, a, s, θ … each defined once, then used by name on the page.

A textbook writes ∇_θL = (p − y)x "where z = θᵀx + θ₀ and p = σ(z)", not the loss spelled out
three times.  ``NAMES`` says, per derivation, which sub-expressions of its formulas carry a name;
every meaning is a constant of ``derive`` (never retyped here).  ``named(expr, names)`` swaps
each occurrence of a meaning for its symbol, for printing only: verification always sees the
full expressions.  A meaning that is a sum is also found inside a longer sum (θᵀx + θ₀ + c).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import sympy as sp

from derive import symbols as S
from derive.functions import sigmoid
from derive.ops import Hadamard, Softmax

__all__ = ["Name", "names_for", "named", "x_perp", "x_b", "delta1", "delta2"]


@dataclass(frozen=True)
class Name:
    """``symbol`` stands for ``meaning`` (``words`` say what it is).  With ``substitute`` false
    the name is only defined (in the theorem's "where" line), never swapped in."""

    symbol: sp.Basic
    meaning: sp.Basic
    words: str
    substitute: bool = True


L = sp.Symbol("L")
x_perp = sp.MatrixSymbol(r"x_{\perp}", S.d, 1)
x_b = sp.MatrixSymbol("x_b", S.d, 1)
delta2 = sp.MatrixSymbol("delta_2", S.K, 1)
delta1 = sp.MatrixSymbol("delta_1", S.m, 1)
#: θ and θ₀ of K-class LDA: a d×K matrix and a K-vector (column k belongs to class k).
theta_K = sp.MatrixSymbol("theta", S.d, S.K)
theta0_K = sp.MatrixSymbol("theta_0", S.K, 1)


def _m(name: str):
    return importlib.import_module(f"derive.derivations.{name}")


def _logistic() -> list[Name]:
    """z, p and L of logistic regression, in every form the derivations write them."""
    bce, nll = _m("bce_gradient"), _m("bernoulli_nll")
    z_form = nll.LOSS.subs(S.p, sigmoid(S.z))
    theta_form = nll.LOSS.subs(S.p, sigmoid(bce.LOGIT))
    return [Name(L, theta_form, "the loss of one example"), Name(L, z_form, ""),
            Name(L, nll.LOSS_LOGIT.subs(S.z, bce.LOGIT), ""),
            Name(S.p, sigmoid(bce.LOGIT), "the predicted probability of class 1"),
            Name(S.p, sigmoid(S.z), ""),
            Name(S.z, bce.LOGIT, "the logit"), Name(-S.z, -bce.LOGIT, "")]


def _softmax() -> list[Name]:
    sce = _m("softmax_ce_gradient")
    return [Name(L, sce.LOSS, "the cross-entropy of one example"),
            Name(L, sce.LOSS_STABLE.xreplace({S.a: sce.LOGITS}), ""),
            Name(S.s, Softmax(S.a), "the predicted class probabilities"),
            Name(S.s, Softmax(sce.LOGITS), ""),
            Name(S.a, sce.LOGITS, "the logits")]


def _network() -> list[Name]:
    mlp = _m("mlp_backprop")
    # the loss as a function of a, of z₁ and of h: the same L, differentiated at different points
    forms = [getattr(mlp, n, None) for n in ("CROSS_ENTROPY", "_L_of_z1", "_L_of_h")]
    return [Name(L, mlp.LOSS, "the cross-entropy of the network's output"),
            *(Name(L, f, "") for f in forms if f is not None),
            Name(S.s, mlp.PROBS, "the predicted class probabilities"),
            Name(S.a, mlp.LOGITS, "the output logits"),
            Name(S.h, mlp.HIDDEN, "the hidden layer"),
            Name(delta2, S.s - S.Y, "the error at the output, ∂L/∂a", substitute=False),
            Name(delta1, Hadamard(S.W2.T * delta2, sp.OneMatrix(S.m, 1) - Hadamard(S.h, S.h)),
                 "the error at the hidden layer, ∂L/∂b₁", substitute=False)]


def _geometry() -> list[Name]:
    geo = _m("logistic_geometry")
    return [Name(x_perp, geo.X_PERP, "a direction along the boundary, built from any v"),
            Name(x_b, geo.X_BOUNDARY, "a point on the boundary, built from any v")]


def _lda() -> list[Name]:
    lda = _m("lda_logistic")
    return [Name(S.theta, lda.THETA, "the weights"), Name(S.theta0, lda.THETA0, "the bias")]


def _lda_k() -> list[Name]:
    lda = _m("lda_softmax")
    return [Name(theta_K, lda.THETA_K, "the weights, one column per class"),
            Name(theta0_K, lda.THETA0_K, "the biases, one per class")]


_BUILDERS = {"bce-gradient": _logistic, "sgd-update": _logistic, "bce-hessian": _logistic,
             "logistic-geometry": lambda: _geometry() + _logistic()[3:],
             "softmax-ce-gradient": _softmax, "mlp-backprop": _network, "lda-logistic": _lda,
             "lda-softmax": _lda_k}


@lru_cache(maxsize=None)
def names_for(derivation: str) -> tuple[Name, ...]:
    """The named quantities of a derivation (empty when it names nothing, or its module is missing)."""
    build = _BUILDERS.get(derivation)
    if build is None:
        return ()
    try:
        return tuple(build())
    except (ImportError, AttributeError):
        return ()


def _sum_parts(e: sp.Basic) -> list[sp.Basic] | None:
    return list(e.args) if isinstance(e, (sp.Add, sp.MatAdd)) else None


def named(expr: sp.Basic, names: Sequence[Name]) -> sp.Basic:
    """``expr`` with each named meaning replaced by its symbol (outermost first)."""
    table = [(n.meaning, n.symbol) for n in names if n.substitute]
    if not table:
        return expr
    return _walk(expr, table)


def _walk(e: sp.Basic, table: list[tuple[sp.Basic, sp.Basic]]) -> sp.Basic:
    for meaning, symbol in table:
        if e == meaning:
            return symbol
    parts = _sum_parts(e)
    if parts is not None:
        for meaning, symbol in table:
            wanted = _sum_parts(meaning)
            if wanted and len(wanted) < len(parts) and all(w in parts for w in wanted):
                # the name takes the place of the first of its terms: θᵀx + θ₀ + c → z + c
                first = min(parts.index(w) for w in wanted)
                kept = [symbol if i == first else a for i, a in enumerate(parts) if i == first or a not in wanted]
                return _walk(type(e)(*kept, evaluate=False), table)
    if not e.args or isinstance(e, (sp.MatrixSymbol, sp.Symbol)):
        return e
    if type(e).__name__ == "GradAt":
        # ∇_a L |_{a = W₂h + b₂}: the point keeps its formula (naming it would print a = a)
        f, v, at = e.args
        args = [_walk(f, table), v, at.func(*[_walk(a, table) for a in at.args]) if at.args else at]
    else:
        args = [_walk(a, table) for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    try:
        return e.func(*args, evaluate=False)
    except TypeError:
        return e.func(*args)
