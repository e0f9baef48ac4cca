"""The evaluator against NumPy, in all three number kinds, and its guards."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive.functions import sigmoid
from derive.evaluate import (EXACT, NUMERIC, SYMBOLIC, Env, Mat, TooBig, Undefined, Unsupported, compile_expr,
                             shape_of)
from derive.ops import Diag, Dot, Elementwise, Softmax

n = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", n, n)
v = sp.MatrixSymbol("v", n, 1)
w = sp.MatrixSymbol("w", n, 1)
t = sp.Symbol("t", real=True)

RNG = np.random.default_rng(5)
A_NP = RNG.normal(size=(3, 3)) + 3 * np.eye(3)
V_NP = RNG.normal(size=3)
W_NP = RNG.normal(size=3)
T_NP = 0.7


def _mat(a: np.ndarray) -> Mat:
    a = np.atleast_2d(a.T).T if a.ndim == 1 else a
    return Mat(a.shape[0], a.shape[1], tuple(float(x) for x in a.ravel()))


def env() -> Env:
    import mpmath
    conv = lambda m: m.map(mpmath.mpf)
    return Env({"t": mpmath.mpf(T_NP)}, {"A": conv(_mat(A_NP)), "v": conv(_mat(V_NP)), "w": conv(_mat(W_NP))},
               {"n": 3})


def value(expr) -> np.ndarray:
    out = compile_expr(expr).run(env(), NUMERIC)
    if isinstance(out, Mat):
        return np.array([[float(x) for x in row] for row in out.tolist()])
    return np.array(float(out))


def sig(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize("expr, expected", [
    (A * v, lambda: A_NP @ V_NP[:, None]),
    (v.T * A * w, lambda: V_NP @ A_NP @ W_NP),
    (sp.Inverse(A) * v, lambda: np.linalg.solve(A_NP, V_NP)[:, None]),
    (A.T, lambda: A_NP.T),
    (sp.MatPow(A, 2), lambda: A_NP @ A_NP),
    (sp.HadamardProduct(v, w), lambda: (V_NP * W_NP)[:, None]),
    (sp.HadamardPower(v, 2), lambda: (V_NP ** 2)[:, None]),
    (Dot(v, w) + t, lambda: V_NP @ W_NP + T_NP),
    (Softmax(v), lambda: (np.exp(V_NP) / np.exp(V_NP).sum())[:, None]),
    (Elementwise(sp.tanh, A * v), lambda: np.tanh(A_NP @ V_NP)[:, None]),
    (Diag(v) - v * v.T, lambda: np.diag(V_NP) - np.outer(V_NP, V_NP)),
    (sp.Determinant(A), lambda: np.linalg.det(A_NP)),
    (sp.Trace(A), lambda: np.trace(A_NP)),
    (sigmoid(t) * (1 - sigmoid(t)), lambda: sig(T_NP) * (1 - sig(T_NP))),
    (sp.sqrt(Dot(v, v)), lambda: np.linalg.norm(V_NP)),
    (sp.OneMatrix(n, 1) - sp.HadamardPower(v, 2), lambda: (1 - V_NP ** 2)[:, None]),
    (sp.Identity(n) * 2 + A, lambda: 2 * np.eye(3) + A_NP),
    (v[1, 0] * A[0, 2], lambda: V_NP[1] * A_NP[0, 2]),
    ((v.T * A * w)[0, 0], lambda: V_NP @ A_NP @ W_NP),  # SymPy writes this entry as a Sum
    (sp.log(sp.exp(t) + 1) - sp.cosh(t) + sp.sinh(t), lambda: np.log(np.exp(T_NP) + 1) - np.cosh(T_NP) + np.sinh(T_NP)),
])
def test_numeric_values_match_numpy(expr, expected):
    assert_allclose(value(expr), expected(), rtol=1e-12, atol=1e-12)


def test_exact_backend_gives_exact_numbers():
    e = Env({"t": sp.Rational(1, 3)}, {"A": Mat(2, 2, (sp.Integer(2), sp.Integer(1), sp.Integer(1), sp.Integer(3)))},
            {"n": 2})
    inv = compile_expr(sp.Inverse(A)).run(e, EXACT)
    assert inv.tolist() == [[sp.Rational(3, 5), sp.Rational(-1, 5)], [sp.Rational(-1, 5), sp.Rational(2, 5)]]
    s = compile_expr(sigmoid(t)).run(e, EXACT)
    assert s == 1 / (1 + sp.exp(-sp.Rational(1, 3)))


def test_symbolic_backend_keeps_sigmoid_as_an_atom():
    e = Env({"t": t})
    out = compile_expr(sigmoid(t) * (1 - sigmoid(t))).run(e, SYMBOLIC)
    assert sp.expand(out - (sigmoid(t) - sigmoid(t) ** 2)) == 0


@pytest.mark.parametrize("expr", [sp.log(t - 1), sp.sqrt(t - 1), 1 / (t - sp.Rational(7, 10)), (t - 1) ** sp.Rational(1, 3)])
def test_undefined_values_are_reported_not_returned(expr):
    import mpmath
    e = Env({"t": mpmath.mpf("0.7")})
    with pytest.raises(Undefined):
        compile_expr(expr).run(e, NUMERIC)


def test_exact_powers_with_huge_results_are_refused():
    e = Env({"t": sp.Rational(2, 3)})
    with pytest.raises(TooBig):
        compile_expr(sp.Pow(t, 10 ** 7, evaluate=False)).run(e, EXACT)


def test_unknown_nodes_are_unsupported():
    with pytest.raises(Unsupported):
        compile_expr(sp.Integral(t, t))
    with pytest.raises(Unsupported):
        compile_expr(sp.erf(t))


def test_shape_counts_one_by_one_as_scalar():
    assert shape_of(v.T * v) is None
    assert shape_of(v.T) == (1, n)
    assert shape_of(t) is None


def test_one_program_serves_every_size():
    import mpmath
    prog = compile_expr(Dot(v, v))
    for size in (1, 2, 5):
        vec = Mat(size, 1, tuple(mpmath.mpf(k + 1) for k in range(size)))
        assert prog.run(Env({}, {"v": vec}, {"n": size}), NUMERIC) == sum((k + 1) ** 2 for k in range(size))


def test_a_block_matrix_is_assembled_from_its_blocks():
    a3, v3 = sp.MatrixSymbol("A", 3, 3), sp.MatrixSymbol("v", 3, 1)
    blocks = sp.BlockMatrix([[a3, v3], [v3.T, sp.ImmutableMatrix([[t]])]])
    expected = np.block([[A_NP, V_NP[:, None]], [V_NP[None, :], np.array([[T_NP]])]])
    assert_allclose(value(blocks), expected, rtol=1e-12)


def test_a_node_that_states_its_definition_is_evaluated_by_it():
    # The Gaussian densities name |Σ| in their definition only: its value comes from the point.
    import mpmath
    from derive.gaussian import DET_SIGMA, ClassDensities

    x = sp.Matrix(2, 1, sp.symbols("x1 x2", real=True))
    means = sp.ImmutableMatrix(2, 3, sp.symbols("m1:7", real=True))
    prec = sp.ImmutableMatrix([[2, sp.Rational(1, 3)], [sp.Rational(1, 3), 1]])
    node = ClassDensities(sp.ImmutableMatrix(x), means, prec)
    numbers = dict(zip([*x, *means], [0.3, -1.1, 0.5, 0.2, -0.7, 1.3, 0.1, -0.4]), det_Sigma=0.6)
    got = compile_expr(node).run(Env({str(k): mpmath.mpf(v) for k, v in numbers.items()}), NUMERIC)
    carried_out = node.doit().xreplace({**{s: numbers[s] for s in [*x, *means]}, DET_SIGMA: 0.6})
    assert_allclose([float(g) for g in got.data], [float(e) for e in carried_out], rtol=1e-12)
