"""The vocabulary the toolkit ships with: SymPy's elementary functions and the project's own.

Each entry is the one place its function is described (see ``Declared``).  The numeric forms
are the stable ones: σ is computed from the side where e^{…} cannot overflow, softplus(u) is
``numpy.logaddexp(0, u)`` and logsumexp shifts by the maximum.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from .classes import logsumexp, relu, sigmoid, softplus
from .declaration import Declared, declare

__all__ = ["BUILTIN"]


def _mp_sigmoid(x):
    # 1/(1 + e^{−x}) from the side where the exponential cannot overflow.
    return 1 / (1 + mpmath.exp(-x)) if x >= 0 else mpmath.exp(x) / (1 + mpmath.exp(x))


def _mp_softplus(x):
    return x + mpmath.log1p(mpmath.exp(-x)) if x > 0 else mpmath.log1p(mpmath.exp(x))


def _mp_logsumexp(*xs):
    top = max(xs)
    return top + mpmath.log(mpmath.fsum(mpmath.exp(x - top) for x in xs))


def _mp_relu(x):
    return x if x > 0 else mpmath.mpf(0)


def _mp_max(*xs):
    return max(xs)


_RELU_CAVEAT = ("ReLU has no derivative at 0: its derivative, the step H(u), holds for u ≠ 0, and H(0) = 1/2 "
                "is SymPy's convention, not a derivative")

BUILTIN: tuple[Declared, ...] = (
    Declared("exp", sp.exp, r"\exp", ("exp",), mpmath=mpmath.exp),
    Declared("log", sp.log, r"\log", ("log", "ln"), mpmath=mpmath.log),
    Declared("sigmoid", sigmoid, r"\sigma", ("sigma", "sigmoid"), definition=lambda u: 1 / (1 + sp.exp(-u)),
             mpmath=_mp_sigmoid, numpy="<scipy.special.expit>({0})", scalar="sigmoid({0})"),
    # softplus(u) = log(e⁰ + eᵘ), which NumPy evaluates as max(u, 0) + log1p(e^{−|u|}); measured
    # 1.5× faster than the equally accurate −log_expit(−u).
    Declared("softplus", softplus, r"\operatorname{softplus}", ("softplus",),
             definition=lambda u: sp.log(1 + sp.exp(u)), mpmath=_mp_softplus,
             numpy="<numpy.logaddexp>(0, {0})", scalar="softplus({0})"),
    Declared("logsumexp", logsumexp, r"\operatorname{logsumexp}", ("logsumexp", "LSE"), arity=None,
             definition=lambda *a: sp.log(sp.Add(*[sp.exp(x) for x in a])), mpmath=_mp_logsumexp,
             numpy="<scipy.special.logsumexp>(<numpy.stack>(({args},)), axis=0)", entrywise=False),
    Declared("relu", relu, r"\operatorname{ReLU}", ("relu", "ReLU"), definition=lambda u: sp.Max(u, 0),
             mpmath=_mp_relu, numpy="<numpy.maximum>({0}, 0)", scalar="max({0}, 0.0)", caveat=_RELU_CAVEAT,
             piecewise=True),
    Declared("max", sp.Max, r"\max", ("max",), arity=None, mpmath=_mp_max, scalar="max({args})", entrywise=False,
             piecewise=True),
    Declared("tanh", sp.tanh, r"\tanh", ("tanh",), mpmath=mpmath.tanh),
    Declared("cosh", sp.cosh, r"\cosh", ("cosh",), mpmath=mpmath.cosh),
    Declared("sinh", sp.sinh, r"\sinh", ("sinh",), mpmath=mpmath.sinh),
    Declared("sech", sp.sech, r"\operatorname{sech}", ("sech",), mpmath=mpmath.sech,
             # sech u = 2e^{−|u|}/(1 + e^{−2|u|}): no cosh to overflow at large |u|.
             numpy="2*<numpy.exp>(-<numpy.abs>({0}))/(1 + <numpy.exp>(-2*<numpy.abs>({0})))",
             scalar="2*<math.exp>(-abs({0}))/(1 + <math.exp>(-2*abs({0})))"),
    Declared("abs", sp.Abs, r"\operatorname{abs}", ("abs", "Abs"), mpmath=mpmath.fabs, piecewise=True),
    Declared("sign", sp.sign, r"\operatorname{sign}", (), mpmath=lambda x: mpmath.mpf(mpmath.sign(x)),
             piecewise=True),
)

for _decl in BUILTIN:
    declare(_decl)
