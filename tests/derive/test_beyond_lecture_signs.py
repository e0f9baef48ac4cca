"""Inequalities, Gaussian expectations and logsumexp over a vector, beyond the lecture.

Signs: KL ≥ 0 (Bernoulli and categorical), Gibbs' inequality, the bounds of logsumexp, σ and
softplus, AM–GM and Jensen for log, each proved by a named sign method (``derive.verify.signs``)
and each with false variants that must be refuted.  Expectations over a Gaussian vector
(``derive.expectation``) and ``LogSumExp`` of a column of symbolic length likewise.  The unit
tests below show that each sign method refuses to prove false inequalities.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derive import Positive, Probability, Simplex, SymmetricPositiveDefinite, Verdict, logsumexp, sigmoid, softplus
from derive import verify_claim
from derive.assumptions import instantiate
from derive.expectation import GaussianExpectation, GaussianExpectationMatrix
from derive.ops import Diag, Dot, Elementwise, Grad, Hessian, Softmax
from derive.symbols import K, Sigma, a, d, x
from derive.verify import signs
from derive.vocabulary import LogSumExp

from .claims import assert_decided

Eq = lambda l, r: sp.Eq(l, r, evaluate=False)  # noqa: E731
Ge = lambda l, r: sp.Ge(l, r, evaluate=False)  # noqa: E731
Gt = lambda l, r: sp.Gt(l, r, evaluate=False)  # noqa: E731
Le = lambda l, r: sp.Le(l, r, evaluate=False)  # noqa: E731
Lt = lambda l, r: sp.Lt(l, r, evaluate=False)  # noqa: E731

p, q, z, u, v, w = sp.symbols("p q z u v w", real=True)
c = sp.Symbol("c", positive=True)
P = sp.MatrixSymbol("p", K, 1)
Q = sp.MatrixSymbol("q", K, 1)
A = sp.MatrixSymbol("A", d, d)
b = sp.MatrixSymbol("b", d, 1)
mu = sp.MatrixSymbol("mu", d, 1)
one = sp.OneMatrix(K, 1)
S = Softmax(a)
log = lambda m: Elementwise(sp.log, m)  # noqa: E731
E = lambda f: GaussianExpectation(f, x, mu, Sigma)  # noqa: E731
quarter = sp.Rational(1, 4)

KL = p * sp.log(p / q) + (1 - p) * sp.log((1 - p) / (1 - q))
KL_REVERSED = q * sp.log(q / p) + (1 - q) * sp.log((1 - q) / (1 - p))
CAT_KL = Dot(P, log(P)) - Dot(P, log(Q))
GAUSS = (SymmetricPositiveDefinite(Sigma),)
CENTRED = A * (x - mu)

#: (name, claim, assumptions, true?)
CLAIMS = [
    # KL divergences and Gibbs' inequality (the tangent bound log t ≤ t − 1)
    ("Bernoulli KL >= 0", Ge(KL, 0), (Probability(p, q),), True),
    ("Bernoulli KL <= 0", Le(KL, 0), (Probability(p, q),), False),
    ("Bernoulli KL symmetric", Eq(KL, KL_REVERSED), (Probability(p, q),), False),
    ("categorical KL >= 0", Ge(CAT_KL, 0), (Simplex(P), Simplex(Q)), True),
    ("categorical KL <= 0", Le(CAT_KL, 0), (Simplex(P), Simplex(Q)), False),
    ("Gibbs: cross-entropy >= entropy", Ge(-Dot(P, log(Q)), -Dot(P, log(P))), (Simplex(P), Simplex(Q)), True),
    ("Gibbs reversed", Le(-Dot(P, log(Q)), -Dot(P, log(P))), (Simplex(P), Simplex(Q)), False),
    ("tangent bound with a coefficient of any sign", Ge(z * (c - 1) - z * sp.log(c), 0), (), False),
    # logsumexp bounds (combined logarithm; cases of a maximum)
    ("LSE(a) >= a_1", Ge(LogSumExp(a), a[0, 0]), (), True),
    ("LSE(a) > a_2", Gt(LogSumExp(a), a[1, 0]), (), True),
    ("LSE(a) <= a_1", Le(LogSumExp(a), a[0, 0]), (), False),
    ("LSE(a) >= a_1 + log K", Ge(LogSumExp(a), a[0, 0] + sp.log(K)), (), False),
    ("LSE >= max", Ge(logsumexp(u, v, w), sp.Max(u, v, w)), (), True),
    ("LSE <= max + log K", Le(logsumexp(u, v, w), sp.Max(u, v, w) + sp.log(3)), (), True),
    ("LSE <= max", Le(logsumexp(u, v, w), sp.Max(u, v, w)), (), False),
    ("LSE <= max + log 2 for K = 3", Le(logsumexp(u, v, w), sp.Max(u, v, w) + sp.log(2)), (), False),
    ("LSE >= mean", Ge(logsumexp(u, v), (u + v) / 2), (), True),
    ("LSE >= sum", Ge(logsumexp(u, v), u + v), (), False),
    # σ and softplus
    ("softplus(z) >= z", Ge(softplus(z), z), (), True),
    ("softplus(z) > 0", Gt(softplus(z), 0), (), True),
    ("softplus(z) <= z", Le(softplus(z), z), (), False),
    ("softplus(z) >= 2z", Ge(softplus(z), 2 * z), (), False),
    ("sigma(z) < 1", Lt(sigmoid(z), 1), (), True),
    ("sigma(z) > 1/2", Gt(sigmoid(z), sp.S.Half), (), False),
    ("sigma'(z) <= 1/4", Le(sigmoid(z) * (1 - sigmoid(z)), quarter), (), True),
    ("sigma'(z) >= 1/4", Ge(sigmoid(z) * (1 - sigmoid(z)), quarter), (), False),
    # AM–GM and Jensen (square completion)
    ("AM-GM", Ge((u + v) / 2, sp.sqrt(u * v)), (Positive(u, v),), True),
    ("AM-GM reversed", Le((u + v) / 2, sp.sqrt(u * v)), (Positive(u, v),), False),
    ("u^2 + v^2 >= 3uv", Ge(u ** 2 + v ** 2, 3 * u * v), (), False),
    ("Jensen for log", Ge(sp.log((u + v) / 2), (sp.log(u) + sp.log(v)) / 2), (Positive(u, v),), True),
    ("Jensen for log reversed", Le(sp.log((u + v) / 2), (sp.log(u) + sp.log(v)) / 2), (Positive(u, v),), False),
    # logsumexp over a column of symbolic length
    ("grad LSE = softmax", Eq(Grad(LogSumExp(a), a), S), (), True),
    ("grad LSE = exp", Eq(Grad(LogSumExp(a), a), Elementwise(sp.exp, a)), (), False),
    ("hessian LSE", Eq(Hessian(LogSumExp(a), a), Diag(S) - S * S.T), (), True),
    ("hessian LSE without the outer product", Eq(Hessian(LogSumExp(a), a), Diag(S)), (), False),
    ("LSE shift", Eq(LogSumExp(a + z * one), LogSumExp(a) + z), (), True),
    ("LSE shift lost", Eq(LogSumExp(a + z * one), LogSumExp(a)), (), False),
    ("log softmax", Eq(log(S), a - LogSumExp(a) * one), (), True),
    ("log softmax sign", Eq(log(S), a + LogSumExp(a) * one), (), False),
    # Expectations over a Gaussian vector
    ("E[x^T A x]", Eq(E(Dot(x, A * x)), sp.Trace(A * Sigma) + Dot(mu, A * mu)), GAUSS, True),
    ("E[x^T A x] without mu^T A mu", Eq(E(Dot(x, A * x)), sp.Trace(A * Sigma)), GAUSS, False),
    ("E[x^T A x] with tr A", Eq(E(Dot(x, A * x)), sp.Trace(A) + Dot(mu, A * mu)), GAUSS, False),
    ("E[x x^T]", Eq(E(x * x.T), Sigma + mu * mu.T), GAUSS, True),
    ("E[x x^T] = Sigma", Eq(E(x * x.T), Sigma), GAUSS, False),
    ("E[(x-mu)^T A (x-mu)]", Eq(E(Dot(x - mu, A * (x - mu))), sp.Trace(A * Sigma)), GAUSS, True),
    ("E[(x-mu)^T A (x-mu)] with mu^T A mu",
     Eq(E(Dot(x - mu, A * (x - mu))), sp.Trace(A * Sigma) + Dot(mu, A * mu)), GAUSS, False),
    ("E[b^T x]", Eq(E(Dot(b, x)), Dot(b, mu)), GAUSS, True),
    ("E[b^T x] = 0", Eq(E(Dot(b, x)), 0), GAUSS, False),
    ("Var(b^T x)", Eq(E(Dot(b, x - mu) ** 2), Dot(b, Sigma * b)), GAUSS, True),
    ("Cov(Ax)", Eq(E(CENTRED * CENTRED.T), A * Sigma * A.T), GAUSS, True),
    ("Cov(Ax) untransposed", Eq(E(CENTRED * CENTRED.T), A * Sigma * A), GAUSS, False),
    ("fourth moment", Eq(E(Dot(x - mu, x - mu) ** 2), sp.Trace(Sigma) ** 2 + 2 * sp.Trace(Sigma * Sigma)), GAUSS,
     True),
    ("fourth moment, pairings miscounted",
     Eq(E(Dot(x - mu, x - mu) ** 2), sp.Trace(Sigma) ** 2 + sp.Trace(Sigma * Sigma)), GAUSS, False),
]


@pytest.mark.parametrize("name, claim, assumptions, true", CLAIMS, ids=[row[0] for row in CLAIMS])
def test_claims_beyond_the_lecture(name, claim, assumptions, true, monkeypatch):
    assert_decided(claim, assumptions, true, monkeypatch)


def test_the_table_holds_enough_claims_of_each_kind():
    assert sum(row[3] for row in CLAIMS) >= 18
    assert sum(not row[3] for row in CLAIMS) >= 20


@pytest.mark.parametrize("claim, assumptions, method", [
    (Ge(KL, 0), (Probability(p, q),), "tangent bound"),
    (Ge(softplus(z), z), (), "combined logarithm"),
    (Ge((u + v) / 2, sp.sqrt(u * v)), (Positive(u, v),), "square completion"),
    (Le(logsumexp(u, v), sp.Max(u, v) + sp.log(2)), (), "cases of a maximum"),
])
def test_the_verdict_names_the_sign_method(claim, assumptions, method, monkeypatch):
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")
    r = verify_claim(claim, assumptions)
    assert r.verdict is Verdict.PROVED and method in r.method


# --- Each sign method alone: it proves what is true and nothing false ---------------------------

t = sp.Symbol("t", positive=True)
EMPTY = signs.SignContext()


@pytest.mark.parametrize("f, strict, true", [
    (sp.log(1 + sp.exp(z)) - z, True, True),            # softplus(z) − z = log(1 + e^{−z}) > 0
    (sp.log(1 + sp.exp(z)) - 2 * z, False, False),      # negative for large z
    (z - sp.log(1 + sp.exp(z)), False, False),          # the sign flipped
    (sp.log(z ** 2) - 1, False, False),                 # z² not provably positive: no exponentiation
    (sp.log(t) - t + 1, False, False),                  # the tangent bound reversed
])
def test_combined_logarithm(f, strict, true):
    assert signs.combined_logarithm(f, strict, EMPTY) is true


@pytest.mark.parametrize("f, strict, true", [
    (t - 1 - sp.log(t), False, True),                   # log t ≤ t − 1
    (t - 1 - sp.log(t), True, False),                   # not strictly: equality at t = 1
    (z * (t - 1) - z * sp.log(t), False, False),        # the coefficient z may be negative
    (sp.log(t) - t + 1, False, False),                  # reversed
    (2 * (t - 1) - sp.log(t), False, False),            # a coefficient of 2 under log t ≤ t − 1 does not follow
    (1 / t - 1 + sp.log(t), False, True),               # −log t ≤ 1/t − 1 (a coefficient ≤ 0)
])
def test_tangent_bound(f, strict, true):
    assert signs.tangent_bound(f, strict, EMPTY) is true


def test_tangent_bound_on_a_simplex_uses_its_constraint():
    # −Σ p_i log(q_i/p_i) ≥ 0 needs Σ q = Σ p = 1: without the simplex it does not follow.
    p1, p2, q1, q2 = sp.symbols("p1 p2 q1 q2", positive=True)
    kl = p1 * sp.log(p1 / q1) + p2 * sp.log(p2 / q2)
    assert not signs.tangent_bound(kl, False, EMPTY)
    ctx = signs.SignContext(constraints={p2: 1 - p1, q2: 1 - q1})
    assert signs.tangent_bound(kl, False, ctx)


@pytest.mark.parametrize("f, strict, true", [
    (u ** 2 + v ** 2 - 2 * u * v, False, True),
    (u ** 2 + v ** 2 - 2 * u * v, True, False),         # zero at u = v
    (u ** 2 + v ** 2 - 3 * u * v, False, False),
    (u ** 2 - 2 * u + 2, True, True),                   # (u − 1)² + 1
    (u ** 2 - 2 * u, False, False),
    (-u ** 2, False, False),
    ((t + 1) / 2 - sp.sqrt(t), False, True),            # AM–GM with one side 1
    (sp.exp(z) + sp.exp(-z) - 2, False, True),          # t + 1/t ≥ 2
    (sp.exp(z) + sp.exp(-z) - 3, False, False),
])
def test_square_completion(f, strict, true):
    assert signs.square_completion(f, strict, EMPTY) is true


@pytest.mark.parametrize("f, true", [
    (sp.Max(u, v) - u, True),
    (sp.Max(u, v) - u - v, False),
    (sp.log(sp.exp(u) + sp.exp(v)) - sp.Max(u, v), True),
    (sp.Max(u, v) + sp.log(2) - sp.log(sp.exp(u) + sp.exp(v)), True),
    (sp.Max(u, v) + sp.log(2) - sp.log(sp.exp(u) + sp.exp(v) + sp.exp(w)), False),
])
def test_cases_of_a_maximum(f, true):
    assert signs.cases_of_a_maximum(f, False, EMPTY) is true


def test_the_sign_context_takes_positive_and_simplex_entries_positive():
    inst = instantiate(Ge(CAT_KL, 0), (Simplex(P), Simplex(Q)), {K: 3})
    ctx = signs.sign_context((Simplex(P), Simplex(Q)), inst)
    assert len(ctx.positive) == 6 and all(s.is_positive for s in ctx.positive.values())
    assert len(ctx.constraints) == 2  # the last entry of each simplex


# --- The operators -----------------------------------------------------------------------------

def test_gaussian_expectation_at_an_explicit_size_is_exact():
    # E[x₁² x₂] for x ∼ N(μ, Σ) in 2-d: μ₁²μ₂ + Σ₁₁μ₂ + 2Σ₁₂μ₁ (Isserlis, worked by hand).
    x2, m2, s2 = sp.MatrixSymbol("x", 2, 1), sp.MatrixSymbol("mu", 2, 1), sp.MatrixSymbol("Sigma", 2, 2)
    sym = sp.ImmutableMatrix([[sp.Symbol("S11"), sp.Symbol("S12")], [sp.Symbol("S12"), sp.Symbol("S22")]])
    xs, ms = sp.symbols("x1 x2"), sp.symbols("m1 m2")
    e = GaussianExpectation(x2[0, 0] ** 2 * x2[1, 0], x2, m2, s2).xreplace(
        {x2: sp.ImmutableMatrix(xs), m2: sp.ImmutableMatrix(ms), s2: sym}).doit()
    S11, S12 = sym[0, 0], sym[0, 1]
    assert sp.expand(e - (ms[0] ** 2 * ms[1] + S11 * ms[1] + 2 * S12 * ms[0])) == 0


def test_gaussian_moments_in_one_dimension_match_the_textbook():
    # E[x⁴] = μ⁴ + 6μ²σ² + 3σ⁴ and E[x³] = μ³ + 3μσ² for x ∼ N(μ, σ²), written out independently.
    x1, m1, s1 = sp.MatrixSymbol("x", 1, 1), sp.MatrixSymbol("mu", 1, 1), sp.MatrixSymbol("Sigma", 1, 1)
    m, var, t1 = sp.Symbol("m", real=True), sp.Symbol("v", positive=True), sp.Symbol("t", real=True)
    explicit = {x1: sp.ImmutableMatrix([[t1]]), m1: sp.ImmutableMatrix([[m]]), s1: sp.ImmutableMatrix([[var]])}
    fourth = GaussianExpectation(x1[0, 0] ** 4, x1, m1, s1).xreplace(explicit).doit()
    third = GaussianExpectation(x1[0, 0] ** 3, x1, m1, s1).xreplace(explicit).doit()
    assert sp.expand(fourth - (m ** 4 + 6 * m ** 2 * var + 3 * var ** 2)) == 0
    assert sp.expand(third - (m ** 3 + 3 * m * var)) == 0


def test_numbers_and_symbols_give_the_same_expectation():
    # The numeric path (mpmath coefficients) agrees with the symbolic one at a point.
    import mpmath

    inst = instantiate(E(Dot(x - b, A * (x - b)) ** 2), GAUSS, {d: 2})
    symbolic = inst.expr.doit()
    point = {s: sp.Rational(k + 2, 7) * (-1) ** k for k, s in enumerate(sorted(inst.expr.free_symbols, key=str))}
    with mpmath.workdps(50):
        numeric = inst.expr.xreplace({s: sp.Float(v, 50) for s, v in point.items()}).doit()
    assert abs(numeric - symbolic.xreplace(point)) < 1e-40


def test_gaussian_expectation_of_a_matrix_and_what_is_bound():
    m = E(x * x.T)
    assert isinstance(m, GaussianExpectationMatrix) and m.shape == (d, d)
    assert x not in m.free_symbols and mu in m.free_symbols
    assert sp.latex(E(Dot(x, A * x))) == r"\mathbb{E}_{x \sim \mathcal{N}\left(\mu, \Sigma\right)}\left[x^{\top} A x\right]"
    assert sp.pretty(E(Dot(x, A * x))) == "E_x∼N(μ, Σ)[xᵀA⋅x]"


@pytest.mark.parametrize("integrand", [sp.exp(Dot(b, x)), sp.log(Dot(x, x)), 1 / Dot(x, x), sp.sqrt(Dot(x, x))])
def test_a_non_polynomial_integrand_is_refused(integrand):
    with pytest.raises(ValueError, match="polynomial"):
        E(integrand)


def test_a_covariance_not_declared_symmetric_is_undecided_not_refuted(monkeypatch):
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")
    r = verify_claim(Eq(E(x * x.T), Sigma + mu * mu.T))
    assert r.verdict is Verdict.UNDECIDED and "SymmetricPositiveDefinite" in r.method


def test_gaussian_expectation_checks_its_shapes():
    with pytest.raises(ValueError, match="mean"):
        GaussianExpectation(Dot(x, x), x, sp.MatrixSymbol("m", K, 1), Sigma)
    with pytest.raises(ValueError, match="covariance"):
        GaussianExpectation(Dot(x, x), x, mu, sp.MatrixSymbol("C", d, K))


def test_logsumexp_of_a_column_of_symbolic_length():
    assert sp.latex(LogSumExp(a)) == r"\operatorname{logsumexp}\left(a\right)"
    assert LogSumExp(a).doit() == LogSumExp(a)  # K is still a symbol
    three = sp.MatrixSymbol("a", 3, 1)
    entries = sp.symbols("a1:4")
    assert LogSumExp(three).xreplace({three: sp.ImmutableMatrix(entries)}).doit() == sp.log(
        sum(sp.exp(e) for e in entries))
    with pytest.raises(TypeError, match="LogSumExp"):
        logsumexp(sp.MatrixSymbol("w", K, 1))
    with pytest.raises(ValueError, match="column"):
        LogSumExp(A)
