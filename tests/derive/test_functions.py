"""σ, softplus and logsumexp: their derivative rules agree with their definitions."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive import REGISTRY, Verdict, logsumexp, sigmoid, softplus, verify_claim
from derive.derivations import sigmoid_derivative
from derive.functions import to_elementary

z, w = sp.symbols("z w", real=True)


def test_fdiff_is_the_proved_rule():
    # The rule the functions use for code generation is the theorem the registry proves.
    assert sp.simplify(sigmoid(z).diff(z) - sigmoid_derivative.DERIVATIVE.subs(sigmoid_derivative.z, z)) == 0
    assert all(r.proved for r in REGISTRY["sigmoid-derivative"].verify())


@pytest.mark.parametrize("f", [sigmoid(z), softplus(z), logsumexp(z, w, 2 * z), sigmoid(z) ** 2 * softplus(-z)])
def test_derivatives_match_the_definitions(f):
    for var in f.free_symbols:
        claim = sp.Eq(f.diff(var), sp.Derivative(to_elementary(f), var), evaluate=False)
        assert verify_claim(claim).verdict is Verdict.PROVED


@pytest.mark.parametrize("t", [-30.0, -1.5, 0.0, 0.7, 25.0])
def test_values_against_mpmath(t):
    with mpmath.workdps(30):
        expected = [1 / (1 + mpmath.exp(-t)), mpmath.log1p(mpmath.exp(t)), mpmath.log(mpmath.exp(t) + mpmath.exp(2 * t))]
    got = [to_elementary(sigmoid(sp.Float(t, 30))).evalf(30),
           to_elementary(softplus(sp.Float(t, 30))).evalf(30),
           to_elementary(logsumexp(sp.Float(t, 30), sp.Float(2 * t, 30))).evalf(30)]
    assert_allclose([float(g) for g in got], [float(e) for e in expected], rtol=1e-14)


def test_special_values_and_printing():
    assert sigmoid(0) == sp.Rational(1, 2)
    assert softplus(0) == sp.log(2)
    assert logsumexp(z) == z
    assert sp.latex(sigmoid(z)) == r"\sigma\left(z\right)"
    assert sigmoid(z).is_positive and sigmoid(z).is_real
    with pytest.raises(TypeError):
        logsumexp()
