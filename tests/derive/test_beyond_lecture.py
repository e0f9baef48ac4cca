"""Claims beyond the lecture (matrix calculus, regression, Gaussians, KL, ReLU-free nets) and
false variants of each: no true claim refuted, no false claim proved, nothing escapes.

Also the generality fixes: preparation under a time limit, no exception escaping
``verify_claim``, the prover using Probability and Simplex, symbol declarations respected by
the numeric search, and no silent wrong meanings (scalar 0 as a zero matrix, Elementwise(Max)).
"""

from __future__ import annotations

import pytest
import sympy as sp

from derive import Positive, Probability, Simplex, SymmetricPositiveDefinite, Verdict, sigmoid, softplus, verify_claim
from derive.ops import Dot, Elementwise, Grad, GradMatrix, Hessian, Jacobian, Softmax
from derive.symbols import P, a, d, theta, x

from .claims import assert_decided

Eq = lambda l, r: sp.Eq(l, r, evaluate=False)  # noqa: E731
A = sp.MatrixSymbol("A", d, d)
B = sp.MatrixSymbol("B", d, d)
b = sp.MatrixSymbol("b", d, 1)
W = sp.MatrixSymbol("W", 2, d)
r = sp.MatrixSymbol("r", a.shape[0], 1)  # soft labels, one per class
u = sp.MatrixSymbol("u", 2, 1)
z, y, lam, t = sp.symbols("z y lambda t", real=True)
p, q = sp.symbols("p q", real=True)
c = sp.Symbol("c", positive=True)
half = sp.Rational(1, 2)

#: (name, claim, assumptions, true?)
CLAIMS = [
    # Matrix Cookbook: gradients of linear and quadratic forms
    ("grad a^T x", Eq(Grad(Dot(b, x), x), b), (), True),
    ("grad a^T x wrong", Eq(Grad(Dot(b, x), x), x), (), False),
    ("grad x^T A x", Eq(Grad(Dot(x, A * x), x), (A + A.T) * x), (), True),
    ("grad x^T A x as 2Ax", Eq(Grad(Dot(x, A * x), x), 2 * A * x), (), False),
    ("grad x^T P x symmetric", Eq(Grad(Dot(x, P * x), x), 2 * P * x), (SymmetricPositiveDefinite(P),), True),
    ("hessian x^T A x", Eq(Hessian(Dot(x, A * x), x), A + A.T), (), True),
    ("hessian x^T A x as A", Eq(Hessian(Dot(x, A * x), x), A), (), False),
    ("jacobian Ax", Eq(Jacobian(A * x, x), A), (), True),
    ("jacobian Ax transposed", Eq(Jacobian(A * x, x), A.T), (), False),
    ("grad |x|^2", Eq(Grad(Dot(x, x), x), 2 * x), (), True),
    ("grad |x|^2 wrong", Eq(Grad(Dot(x, x), x), x), (), False),
    ("grad by W of u^T W x", Eq(GradMatrix(Dot(u, W * x), W), u * x.T), (), True),
    ("grad by W of u^T W x doubled", Eq(GradMatrix(Dot(u, W * x), W), 2 * u * x.T), (), False),
    # Free matrix algebra, for symbolic d
    ("(A+B)^2", Eq((A + B) ** 2, A ** 2 + A * B + B * A + B ** 2), (), True),
    ("(A+B)^2 commuting", Eq((A + B) ** 2, A ** 2 + 2 * A * B + B ** 2), (), False),
    ("(AB)^T", Eq((A * B).T, B.T * A.T), (), True),
    ("trace cyclic", Eq(sp.Trace(A * B), sp.Trace(B * A)), (), True),
    ("trace of product is product of traces", Eq(sp.Trace(A * B), sp.Trace(A) * sp.Trace(B)), (), False),
    # Linear and ridge regression
    ("least squares gradient", Eq(Grad(Dot(A * theta - b, A * theta - b) / 2, theta), A.T * (A * theta - b)), (), True),
    ("least squares gradient untransposed",
     Eq(Grad(Dot(A * theta - b, A * theta - b) / 2, theta), A * (A * theta - b)), (), False),
    ("ridge gradient", Eq(Grad(Dot(A * theta - b, A * theta - b) / 2 + lam / 2 * Dot(theta, theta), theta),
                          A.T * (A * theta - b) + lam * theta), (), True),
    ("ridge gradient, penalty halved", Eq(Grad(Dot(A * theta - b, A * theta - b) / 2 + lam / 2 * Dot(theta, theta),
                                               theta), A.T * (A * theta - b) + lam * theta / 2), (), False),
    ("ridge hessian", Eq(Hessian(Dot(A * theta - b, A * theta - b) / 2 + lam / 2 * Dot(theta, theta), theta),
                         A.T * A + lam * sp.Identity(d)), (), True),
    # Gaussians
    ("gaussian log-density gradient", Eq(Grad(-Dot(x - b, P * (x - b)) / 2, x), -P * (x - b)),
     (SymmetricPositiveDefinite(P),), True),
    ("gaussian log-density gradient sign", Eq(Grad(-Dot(x - b, P * (x - b)) / 2, x), P * (x - b)),
     (SymmetricPositiveDefinite(P),), False),
    ("gaussian mean gradient", Eq(Grad(-Dot(x - b, P * (x - b)) / 2, b), P * (x - b)),
     (SymmetricPositiveDefinite(P),), True),
    ("1-d gaussian score", Eq(sp.Derivative(-(z - y) ** 2 / (2 * c ** 2) - sp.log(c), y), (z - y) / c ** 2), (), True),
    ("1-d gaussian score wrong", Eq(sp.Derivative(-(z - y) ** 2 / (2 * c ** 2) - sp.log(c), y), (y - z) / c ** 2),
     (), False),
    # Bernoulli entropy and KL
    ("entropy derivative", Eq(sp.Derivative(-p * sp.log(p) - (1 - p) * sp.log(1 - p), p), sp.log((1 - p) / p)),
     (Probability(p),), True),
    ("entropy derivative inverted", Eq(sp.Derivative(-p * sp.log(p) - (1 - p) * sp.log(1 - p), p),
                                       sp.log(p / (1 - p))), (Probability(p),), False),
    ("KL derivative", Eq(sp.Derivative(p * sp.log(p / q) + (1 - p) * sp.log((1 - p) / (1 - q)), q),
                         (q - p) / (q * (1 - q))), (Probability(p, q),), True),
    ("KL derivative sign", Eq(sp.Derivative(p * sp.log(p / q) + (1 - p) * sp.log((1 - p) / (1 - q)), q),
                              (p - q) / (q * (1 - q))), (Probability(p, q),), False),
    ("KL of equal is zero", Eq(p * sp.log(p / p) + (1 - p) * sp.log((1 - p) / (1 - p)), 0), (Probability(p),), True),
    ("KL >= 0 is not <= -1", sp.Le(p * sp.log(p / q) + (1 - p) * sp.log((1 - p) / (1 - q)), -1, evaluate=False),
     (Probability(p, q),), False),
    # Soft labels on the simplex
    ("soft-label CE gradient", Eq(Grad(-Dot(r, Elementwise(sp.log, Softmax(a))), a), Softmax(a) - r),
     (Simplex(r),), True),
    ("soft-label CE gradient without simplex", Eq(Grad(-Dot(r, Elementwise(sp.log, Softmax(a))), a),
                                                  Softmax(a) - r), (), False),
    # Logistic and softplus facts
    ("softplus derivative", Eq(sp.Derivative(softplus(z), z), sigmoid(z)), (), True),
    ("softplus derivative wrong", Eq(sp.Derivative(softplus(z), z), sigmoid(-z)), (), False),
    ("log-sigmoid", Eq(sp.log(sigmoid(z)), -softplus(-z)), (), True),
    ("log-sigmoid sign", Eq(sp.log(sigmoid(z)), softplus(-z)), (), False),
    ("tanh via sigmoid", Eq(sp.tanh(z), 2 * sigmoid(2 * z) - 1), (), True),
    ("tanh via sigmoid wrong", Eq(sp.tanh(z), 2 * sigmoid(z) - 1), (), False),
    ("tanh derivative", Eq(sp.Derivative(sp.tanh(z), z), 1 - sp.tanh(z) ** 2), (), True),
    ("tanh layer gradient", Eq(Grad(Dot(u, Elementwise(sp.tanh, W * x)), x),
                               W.T * sp.HadamardProduct(u, sp.OneMatrix(2, 1) - sp.HadamardProduct(
                                   Elementwise(sp.tanh, W * x), Elementwise(sp.tanh, W * x)))), (), True),
    ("tanh layer gradient without the derivative", Eq(Grad(Dot(u, Elementwise(sp.tanh, W * x)), x), W.T * u),
     (), False),
    # Signs
    ("sigmoid times complement positive", sp.Gt(sigmoid(z) * (1 - sigmoid(z)), 0, evaluate=False), (), True),
    ("sigmoid below a half", sp.Lt(sigmoid(z), half, evaluate=False), (), False),
    ("positive declared symbol", sp.Gt(c + 1 / c, 0, evaluate=False), (), True),
    ("sqrt of a square, positive declared", Eq(sp.sqrt(c ** 2), c), (), True),
    ("sqrt of a square, real", Eq(sp.sqrt(z ** 2), z), (), False),
]


@pytest.mark.parametrize("name, claim, assumptions, true", CLAIMS, ids=[row[0] for row in CLAIMS])
def test_claims_beyond_the_lecture(name, claim, assumptions, true, monkeypatch):
    assert_decided(claim, assumptions, true, monkeypatch)


def test_a_trace_with_the_all_ones_matrix_is_carried_out():
    X = sp.MatrixSymbol("X", d, 3)
    mu = sp.MatrixSymbol("mu", 3, 1)
    m = X - sp.OneMatrix(d, 1) * mu.T
    r = verify_claim(Eq(-sp.Trace(m * m.T) / 2, -sp.Trace(m.T * m) / 2))
    assert r.verdict is Verdict.PROVED


def test_no_exception_escapes(monkeypatch):
    # A prover that raises midway must give an undecided verdict that says why.
    import derive.verify.core as core

    def broken(*args, **kwargs):
        raise NotImplementedError("no rule for this")
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")
    monkeypatch.setattr(core, "prove_instance", broken)
    core.clear_cache()
    r = verify_claim(Eq(z * (z + 1), z ** 2 + z + 0 * y))
    core.clear_cache()
    assert r.verdict is Verdict.UNDECIDED and "NotImplementedError: no rule for this" in r.method


def test_a_positive_declared_symbol_is_sampled_positive():
    # The prover takes c > 0 from the declaration; the search must not refute at c < 0.
    r = verify_claim(Eq(sp.Abs(c), c))
    assert r.verdict is Verdict.PROVED
    assert verify_claim(Eq(sp.Abs(z), z)).verdict is Verdict.REFUTED


def test_a_zero_vector_written_as_0_is_the_zero_vector():
    r = verify_claim(Eq(Grad(Dot(theta, x), theta) - x, 0))
    assert r.verdict is Verdict.PROVED
    wrong = verify_claim(Eq(Grad(Dot(theta, x), theta), 0))
    assert wrong.verdict is Verdict.REFUTED and wrong.counterexample


def test_a_nonzero_scalar_against_a_vector_is_still_a_shape_mismatch():
    r = verify_claim(Eq(Grad(Dot(theta, x), theta), 1))
    assert r.verdict is Verdict.REFUTED and "shape" in r.method


def test_elementwise_max_is_refused_when_built():
    with pytest.raises(ValueError, match="Max"):
        Elementwise(sp.Max, x)
    assert Elementwise(sp.tanh, x).shape == x.shape


def test_probability_constraints_are_used_by_the_prover():
    claim = Eq(sp.Derivative(-p * sp.log(p) - (1 - p) * sp.log(1 - p), p), sp.log((1 - p) / p))
    r = verify_claim(claim, [Probability(p)])
    assert r.verdict is Verdict.PROVED and "constraints substituted" in r.method


def test_positive_assumption_on_a_scalar():
    r = verify_claim(Eq(sp.log(c * t ** 2 + c), sp.log(c) + sp.log(t ** 2 + 1)), [Positive(c)])
    assert r.verdict is Verdict.PROVED
