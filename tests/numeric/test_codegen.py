"""The stabilising rewrites keep the value and remove the cancellation; the printers print stable code."""

from __future__ import annotations

import inspect
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive.functions import logsumexp, sigmoid, softplus, to_elementary
from derive.ops import Dot
from numeric.codegen import lambdify_numpy, lambdify_scalar, split_binary, stabilise, stable_form

t, u, y = sp.symbols("t u y", real=True)


def _equal_everywhere(a: sp.Expr, b: sp.Expr) -> bool:
    """a = b as functions: their elementary forms differ by 0 (checked at 50 digits at 20 points)."""
    f = sp.lambdify((t, u, y), to_elementary(a - b), "mpmath")
    rng = np.random.default_rng(0)
    with mpmath.workdps(50):
        return all(abs(f(*map(mpmath.mpf, rng.uniform(-8, 8, 3)))) < mpmath.mpf(10) ** -40 for _ in range(20))


@pytest.mark.parametrize("before, after", [
    (1 - sigmoid(t), sigmoid(-t)),
    (sigmoid(t) - 1, -sigmoid(-t)),
    (3 - 3 * sigmoid(t + u), 3 * sigmoid(-t - u)),
    (softplus(t) - t, softplus(-t)),
    (2 * softplus(t) - 2 * t + u, 2 * softplus(-t) + u),
    (sigmoid(t) * (1 - sigmoid(t)), sigmoid(t) * sigmoid(-t)),
])
def test_rules_fire_where_something_cancels(before: sp.Expr, after: sp.Expr) -> None:
    got = stabilise(before)
    assert sp.simplify(got - after) == 0, got
    assert _equal_everywhere(got, before)


@pytest.mark.parametrize("expr", [sigmoid(t) + 1, softplus(t) + t, 2 - sigmoid(t), sigmoid(t) * u - u + 1])
def test_rules_leave_alone_what_they_cannot_shorten(expr: sp.Expr) -> None:
    got = stabilise(expr)
    assert _equal_everywhere(got, expr)
    assert sp.count_ops(got) <= sp.count_ops(expr)


def test_split_binary_gives_the_two_branches_and_rejects_non_affine_labels() -> None:
    at0, at1 = split_binary(softplus(t) - y * t, y)
    assert at0 == softplus(t) and sp.simplify(at1 - (softplus(t) - t)) == 0
    with pytest.raises(ValueError, match="not affine"):
        split_binary(y**2 * t, y)


def test_stable_form_equals_the_original_for_every_real_label() -> None:
    for expr in (sigmoid(t) - y, softplus(t) - y * t, y * sigmoid(t) ** 2 - y + sigmoid(u)):
        assert _equal_everywhere(stable_form(expr, y), expr)


def test_numpy_printer_uses_the_stable_forms() -> None:
    source = inspect.getsource(lambdify_numpy((t, y), stable_form(softplus(t) - y * t + sigmoid(t), y)))
    assert "logaddexp(0, " in source and "expit(" in source
    assert "exp(" not in source.replace("expit(", "").replace("logaddexp(", "")  # no naive exponential


def test_generated_numpy_stays_finite_where_naive_code_overflows() -> None:
    z = np.array([-1000.0, 1000.0])
    f = lambdify_numpy((t,), softplus(t))
    naive = sp.lambdify((t,), to_elementary(softplus(t)), "numpy")
    with np.errstate(over="ignore"):
        assert np.isinf(naive(z)[1])
    assert_allclose(f(z), [0.0, 1000.0], atol=1e-300)


def test_logsumexp_and_dot_print_to_numpy() -> None:
    a, b = sp.symbols("a b", real=True)
    f = lambdify_numpy((a, b), logsumexp(a, b))
    assert_allclose(f(np.array([1000.0, 0.0]), np.array([1000.0, 1.0])),
                    [1000.0 + math.log(2.0), math.log(1.0 + math.e)], rtol=1e-15)
    v, w = sp.MatrixSymbol("v", 3, 1), sp.MatrixSymbol("w", 3, 1)
    g = lambdify_numpy((v, w), Dot(v, w))
    assert g(np.array([[1.0], [2.0], [3.0]]), np.array([[4.0], [5.0], [6.0]])) == 32.0


def test_scalar_printer_binds_the_given_functions_and_refuses_what_it_cannot_print() -> None:
    calls: list[float] = []

    def fake_sigmoid(x: float) -> float:
        calls.append(x)
        return 0.25

    f = lambdify_scalar((t, y), stable_form(sigmoid(t) - y, y), {"sigmoid": fake_sigmoid, "softplus": abs})
    assert f(2.0, 0.0) == pytest.approx(0.25) and calls  # (1 − 0)·σ(2) with σ replaced
    with pytest.raises(ValueError, match="softplus"):
        lambdify_scalar((t,), sigmoid(t), {"sigmoid": fake_sigmoid})
    with pytest.raises(TypeError, match="logsumexp"):
        lambdify_scalar((t, u), logsumexp(t, u), {"sigmoid": fake_sigmoid, "softplus": abs})
