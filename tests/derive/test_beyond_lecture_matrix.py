"""Claims beyond the lecture about determinants, inverses and derivatives by a matrix (vec and
Kronecker forms), and false variants of each: every true claim proved, every false one
refuted with a counterexample, and a slow preparation ends undecided inside the time limit.
"""

from __future__ import annotations

import random
import time

import mpmath
import pytest
import sympy as sp

from derive import Verdict, verify_claim
from derive.ops import Dot, GradMatrix
from derive.symbols import d, m
from derive.vec import Commutation, HessianVec, JacobianVec, Vec
from derive.verify import linalg

from .claims import assert_decided

Eq = lambda l, r: sp.Eq(l, r, evaluate=False)  # noqa: E731
KP = sp.KroneckerProduct
A, B, C, D, X = (sp.MatrixSymbol(name, d, d) for name in "ABCDX")
Y = sp.MatrixSymbol("Y", d, 2)          # a d×2 variable: its transpose cannot hide in a square shape
E = sp.MatrixSymbol("E", 2, 2)
F = sp.MatrixSymbol("F", 2, 3)
G = sp.MatrixSymbol("G", 2, 2)
# Woodbury's identity at m = 1..3 (then numerically at larger m): at 4×4 with a rank-2 update
# the common denominator has polynomials of 10⁵ terms.
Am = sp.MatrixSymbol("A", m, m)
U = sp.MatrixSymbol("U", m, 2)
V = sp.MatrixSymbol("V", m, 2)
u = sp.MatrixSymbol("u", d, 1)
v = sp.MatrixSymbol("v", d, 1)
t = sp.Symbol("t", real=True)
I, I2 = sp.Identity(d), sp.Identity(2)
det, inv = sp.Determinant, sp.Inverse

sherman_morrison = inv(A) - inv(A) * u * v.T * inv(A) / (1 + Dot(v, inv(A) * u))
woodbury = inv(Am) - inv(Am) * U * inv(I2 + V.T * inv(Am) * U) * V.T * inv(Am)
jacobi = det(A + t * B) * sp.Trace(inv(A + t * B) * B)

#: (name, claim, assumptions, true?)
CLAIMS = [
    # Determinants
    ("d log det X / dX", Eq(GradMatrix(sp.log(det(X)), X), inv(X).T), (), True),
    ("d log det X / dX untransposed", Eq(GradMatrix(sp.log(det(X)), X), inv(X)), (), False),
    ("d det X / dX", Eq(GradMatrix(det(X), X), det(X) * inv(X).T), (), True),
    ("d det X / dX untransposed", Eq(GradMatrix(det(X), X), det(X) * inv(X)), (), False),
    ("det(AB)", Eq(det(A * B), det(A) * det(B)), (), True),
    ("det(A+B) additive", Eq(det(A + B), det(A) + det(B)), (), False),
    ("det of a transpose", Eq(det(X.T), det(X)), (), True),
    ("det(2X) linear", Eq(det(2 * X), 2 * det(X)), (), False),
    ("det of a Gram matrix", Eq(det(X.T * X), det(X) ** 2), (), True),
    ("det of a Gram matrix unsquared", Eq(det(X.T * X), det(X)), (), False),
    ("Jacobi's formula", Eq(sp.Derivative(det(A + t * B), t), jacobi), (), True),
    ("Jacobi's formula without det", Eq(sp.Derivative(det(A + t * B), t), sp.Trace(inv(A + t * B) * B)), (), False),
    # Inverses
    ("inverse times matrix", Eq(inv(X) * X, I), (), True),
    ("(AB)^-1", Eq(inv(A * B), inv(B) * inv(A)), (), True),
    ("(AB)^-1 in the same order", Eq(inv(A * B), inv(A) * inv(B)), (), False),
    ("(A+B)^-1 additive", Eq(inv(A + B), inv(A) + inv(B)), (), False),
    ("Sherman-Morrison", Eq(inv(A + u * v.T), sherman_morrison), (), True),
    ("Sherman-Morrison with +", Eq(inv(A + u * v.T), inv(A) + inv(A) * u * v.T * inv(A) / (1 + Dot(v, inv(A) * u))),
     (), False),
    ("Woodbury, rank 2", Eq(inv(Am + U * V.T), woodbury), (), True),
    ("Woodbury without the inner inverse", Eq(inv(Am + U * V.T), inv(Am) - inv(Am) * U * V.T * inv(Am)), (), False),
    ("d/dt (A+tB)^-1", Eq(sp.Derivative(inv(A + t * B), t), -inv(A + t * B) * B * inv(A + t * B)), (), True),
    ("d/dt (A+tB)^-1 without the minus", Eq(sp.Derivative(inv(A + t * B), t), inv(A + t * B) * B * inv(A + t * B)),
     (), False),
    # Kronecker products and vec
    ("mixed product", Eq(KP(A, E) * KP(B, G), KP(A * B, E * G)), (), True),
    ("mixed product, factors swapped", Eq(KP(A, E) * KP(B, G), KP(A * B, G * E)), (), False),
    ("transpose of a Kronecker product", Eq(KP(A, E).T, KP(A.T, E.T)), (), True),
    ("transpose of a Kronecker product reversed", Eq(KP(A, E).T, KP(E.T, A.T)), (), False),
    ("vec(AYF)", Eq(Vec(A * Y * F), KP(F.T, A) * Vec(Y)), (), True),
    ("vec(AYF) with A transposed", Eq(Vec(A * Y * F), KP(F.T, A.T) * Vec(Y)), (), False),
    ("vec(AYE) factors swapped", Eq(Vec(A * Y * E), KP(A, E.T) * Vec(Y)), (), False),
    ("trace as vec inner product", Eq(sp.Trace(A.T * B), Dot(Vec(A), Vec(B))), (), True),
    ("trace as vec inner product, transposed", Eq(sp.Trace(A.T * B), Dot(Vec(A), Vec(B.T))), (), False),
    ("commutation matrix", Eq(Commutation(d, 2) * Vec(Y), Vec(Y.T)), (), True),
    # Jacobians and Hessians by a matrix
    ("d vec(AYE) / d vec Y", Eq(JacobianVec(A * Y * E, Y), KP(E.T, A)), (), True),
    ("d vec(AYE) / d vec Y factors swapped", Eq(JacobianVec(A * Y * E, Y), KP(A, E.T)), (), False),
    ("d vec(AYE) / d vec Y untransposed", Eq(JacobianVec(A * Y * E, Y), KP(E, A)), (), False),
    ("d vec(Y^T) / d vec Y", Eq(JacobianVec(Y.T, Y), Commutation(d, 2)), (), True),
    ("d vec(Y^T) / d vec Y as identity", Eq(JacobianVec(Y.T, Y), sp.Identity(2 * d)), (), False),
    ("d vec(XX) / d vec X", Eq(JacobianVec(X * X, X), KP(I, X) + KP(X.T, I)), (), True),
    ("d vec(XX) / d vec X untransposed", Eq(JacobianVec(X * X, X), KP(I, X) + KP(X, I)), (), False),
    ("Hessian of tr(Y^T A Y)", Eq(HessianVec(sp.Trace(Y.T * A * Y), Y), KP(I2, A + A.T)), (), True),
    ("Hessian of tr(Y^T A Y) as 2A", Eq(HessianVec(sp.Trace(Y.T * A * Y), Y), KP(I2, 2 * A)), (), False),
    ("Hessian of tr(Y^T A Y) factors swapped", Eq(HessianVec(sp.Trace(Y.T * A * Y), Y), KP(A + A.T, I2)), (), False),
]


@pytest.mark.parametrize("name, claim, assumptions, true", CLAIMS, ids=[row[0] for row in CLAIMS])
def test_matrix_claims_beyond_the_lecture(name, claim, assumptions, true, monkeypatch):
    assert_decided(claim, assumptions, true, monkeypatch)


def test_the_table_holds_enough_claims_of_each_kind():
    assert sum(row[3] for row in CLAIMS) >= 18 and sum(not row[3] for row in CLAIMS) >= 20


def test_a_slow_preparation_ends_undecided_within_the_time_limit(monkeypatch):
    import derive.verify.core as core

    def never_finishes(expr):
        time.sleep(600)  # interrupted by the time limit, or the test fails below
        raise AssertionError("preparation ran outside the time limit")
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")
    monkeypatch.setattr(core, "PREPARE_SECONDS", 0.2)
    monkeypatch.setattr(core, "prepare", never_finishes)
    core.clear_cache()
    r = verify_claim(Eq(det(A * B), det(A) * det(B)))
    core.clear_cache()
    assert r.verdict is Verdict.UNDECIDED and "exceeded" in r.method


def _random_rational_matrix(rng: random.Random, n: int) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(n, n, lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)))


def test_explicit_det_and_inverse_agree_with_sympy_at_exact_points():
    rng = random.Random(3)
    for n in (1, 2, 3, 5):
        m = _random_rational_matrix(rng, n)
        assert linalg.explicit_det(m) == m.det(method="bareiss")
        if m.det() != 0:
            assert linalg.explicit_inverse(m) == m.inv(method="LU")


def test_a_symbolic_inverse_times_its_matrix_is_the_identity():
    m = sp.ImmutableMatrix(3, 3, lambda i, j: sp.Symbol(f"m{i}{j}"))
    product = linalg.unhold(linalg.explicit_inverse(m) * m)
    assert product.applyfunc(sp.cancel) == sp.eye(3)


def test_a_singular_matrix_has_no_inverse():
    u_, v_ = sp.Matrix(sp.symbols("a b c")), sp.Matrix(sp.symbols("p q r"))
    with pytest.raises(ZeroDivisionError):
        linalg.explicit_inverse(sp.ImmutableMatrix(u_ * v_.T))
    with pytest.raises(ZeroDivisionError):
        linalg.explicit_inverse(sp.ImmutableMatrix([[1.0, 2.0], [2.0, 4.0]]))


def test_large_sizes_evaluate_det_and_inverse_numerically():
    n = 6
    m = sp.ImmutableMatrix(n, n, lambda i, j: sp.Symbol(f"m{i}{j}"))
    det_m, inverse = linalg.explicit_det(m), linalg.explicit_inverse(m)
    assert isinstance(det_m, linalg.DetOf)
    rng = random.Random(5)
    values = [[mpmath.mpf(rng.uniform(-2, 2)) for _ in range(n)] for _ in range(n)]
    point = {m[i, j]: values[i][j] for i in range(n) for j in range(n)}
    f = sp.lambdify(list(point), [det_m, inverse[1, 2]], modules=[linalg.MPMATH_FORMS, "mpmath"])
    got_det, got_entry = f(*point.values())
    assert mpmath.almosteq(got_det, mpmath.det(mpmath.matrix(values)), 1e-12)
    assert mpmath.almosteq(got_entry, mpmath.inverse(mpmath.matrix(values))[1, 2], 1e-12)


def test_vec_stacks_columns_and_the_commutation_matrix_transposes():
    m = sp.ImmutableMatrix([[1, 2, 3], [4, 5, 6]])
    assert Vec(m).doit() == sp.ImmutableMatrix([1, 4, 2, 5, 3, 6])
    assert Vec(Vec(m)) == Vec(m)
    k = Commutation(2, 3).doit()
    assert k * Vec(m).doit() == Vec(m.T).doit()
    assert k.T * k == sp.eye(6)


def test_vec_operators_print_in_latex():
    from reports.latex import latex

    assert sp.latex(Vec(Y)) == r"\operatorname{vec}\left(Y\right)"
    assert latex(JacobianVec(A * Y, Y)) == (r"\frac{\partial \operatorname{vec}\left(\mathbf{A} \mathbf{Y}\right)}"
                                            r"{\partial \operatorname{vec}\left(\mathbf{Y}\right)}")
    assert latex(Commutation(d, 2)) == "K_{d, 2}"
    assert r"\operatorname{vec}\left(Y\right)" in sp.latex(JacobianVec(A * Y, Y))
    assert JacobianVec(A * Y, Y).shape == (2 * d, 2 * d)
    assert HessianVec(sp.Trace(Y.T * Y), Y).shape == (2 * d, 2 * d)


def test_singular_samples_are_skipped_not_refuted():
    # Entries in {0, 1}: most 2×2 samples are singular; those points are skipped.
    from derive import Binary
    from derive.assumptions import instantiate
    from derive.verify.prepare import prepare
    from derive.verify.search import search

    Z = sp.MatrixSymbol("Z", 2, 2)
    for rhs, refuted in ((sp.Identity(2), False), (2 * sp.Identity(2), True)):
        instance = instantiate(Eq(inv(Z) * Z, rhs), [Binary(Z)], {})
        lhs, right = prepare(instance.expr.lhs), prepare(instance.expr.rhs)
        found = search(lhs, right, sp.Equality, instance, [Binary(Z)], seed=1, n_points=6)
        assert found.points > 0
        assert (found.counterexample is not None) is refuted
