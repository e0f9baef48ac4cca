"""Shared fixtures for the answer-language tests: declared symbols and numeric evaluation.

Parsed answers are compared with expected values computed independently: the expected side
is written directly with explicit SymPy matrices (``ImmutableMatrix`` arithmetic, no parser,
no matrix-expression classes), and both sides are evaluated at the same exact random point.
"""

from __future__ import annotations

import random
from functools import lru_cache
from types import SimpleNamespace

import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive import symbols as S
from derive.answers import INDEX_I, INDEX_J, SymbolSpec
from derive.functions import to_elementary
from derive.ops import explicit

#: Distinct sizes, so that a transpose or a wrong product cannot hide behind a square shape.
SIZES = {S.d: 3, S.K: 4, S.m: 2}

SCALARS = {"z": S.z, "p": S.p, "y": S.y, "theta_0": S.theta0, "epsilon": S.eps, "pi_0": S.pi0, "pi_1": S.pi1}
ARRAYS = {"x": S.x, "theta": S.theta, "mu_0": S.mu0, "mu_1": S.mu1, "Sigma": S.Sigma,
          "a": S.a, "s": S.s, "W_1": S.W1, "W_2": S.W2, "b_1": S.b1, "b_2": S.b2, "h": S.h}

#: A logistic-regression / LDA target's symbols (y is the scalar label).
BINARY = tuple(SymbolSpec(n, o) for n, o in {**SCALARS, **{k: ARRAYS[k] for k in ("x", "theta", "mu_0", "mu_1", "Sigma")}}.items())
#: A softmax / MLP target's symbols (y is the one-hot K-vector).
SOFTMAX = tuple(SymbolSpec(n, o) for n, o in {
    "z": S.z, "a": S.a, "s": S.s, "y": S.Y, "x": S.x, "h": S.h, "W_1": S.W1, "W_2": S.W2, "b_1": S.b1, "b_2": S.b2,
}.items())


def _value(name: str, seed: int) -> sp.Rational:
    # Exact values in (0.2, 0.9): logs, roots and 1 - p stay real; priors stay positive.
    rng = random.Random(f"{seed}:{name}")
    return sp.Rational(rng.randint(200, 900), 1000)


def point(seed: int = 0) -> dict[sp.Basic, sp.Basic]:
    """Concrete-size symbol → exact value (scalar or ImmutableMatrix) at one random point."""
    return dict(_point(seed))


@lru_cache(maxsize=None)
def _point(seed: int) -> tuple:
    out: dict[sp.Basic, sp.Basic] = {}
    for name, sym in SCALARS.items():
        out[sym] = _value(name, seed)
    for sym in (*ARRAYS.values(), S.Y):
        concrete = sym.subs(SIZES)
        rows, cols = concrete.shape
        out[concrete] = sp.ImmutableMatrix(rows, cols, lambda i, j, n=sym.name: _value(f"{n}[{i},{j}]", seed))
    return tuple(out.items())


@lru_cache(maxsize=None)
def namespace(seed: int = 0) -> SimpleNamespace:
    """The same point as attributes (ns.theta, ns.Sigma, ns.Y ...), for writing expected values."""
    values = point(seed)
    ns = {name: values[sym] for name, sym in SCALARS.items()}
    ns.update({name: values[sym.subs(SIZES)] for name, sym in ARRAYS.items()})
    ns["Y"] = values[S.Y.subs(SIZES)]
    return SimpleNamespace(**ns)


def _number(v: sp.Expr) -> complex:
    return complex(sp.N(to_elementary(v), 30))


def to_array(value: sp.Basic) -> np.ndarray:
    """A scalar or explicit-able matrix expression with no free symbols, as a complex array."""
    if isinstance(value, (MatrixExpr, sp.MatrixBase)):
        return np.array([[_number(v) for v in row] for row in explicit(value).tolist()])
    return np.array(_number(value.doit()))


def evaluate(expr: sp.Basic, seed: int = 0) -> np.ndarray:
    """A parsed expression's value at the random point (the sizes substituted first)."""
    concrete = expr.subs(SIZES)
    return to_array(concrete.xreplace(point(seed)))


def evaluate_index(expr: sp.Expr, rows: int, cols: int, seed: int = 0) -> np.ndarray:
    """The matrix an index-notation entry (i, j) describes, at the random point."""
    entries = sp.ImmutableMatrix(rows, cols, lambda r, c: expr.xreplace({INDEX_I: r, INDEX_J: c}))
    return evaluate(entries, seed)


def softmax_of(v: sp.ImmutableMatrix) -> sp.ImmutableMatrix:
    total = sum(sp.exp(e) for e in v)
    return v.applyfunc(lambda e: sp.exp(e) / total)


def sigma(t: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-t))
