"""Every target: its key comes from a derivation, equivalent forms pass, known mistakes are named.

For each target the table gives several correct answers in plain and LaTeX notation, which
must be ``correct``, and wrong answers typed the way students type them, each of which must be
``incorrect`` with the named mistake (and its partial credit).  Independently of the table,
every mistake a target declares is checked to be ``incorrect`` with its own name.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive.homework.equivalence import checker
from derive.homework.targets import get_target, target_names
from derive.homework.verdict import TIME_LIMIT, Verdict, check, check_expr

CORRECT: dict[str, list[str]] = {
    "sigmoid-derivative": [
        "sigma(z)(1 - sigma(z))", "p(1-p)", "p - p^2", "exp(-z)/(1+exp(-z))^2", "1/(2 + e^z + e^-z)",
        r"\sigma(z)\left(1-\sigma(z)\right)", r"\frac{e^{-z}}{(1+e^{-z})^2}", r"\frac{1}{4\cosh^2(z/2)}",
    ],
    "bce-loss": [
        "-y log p - (1-y) log(1-p)", "-log(p^y (1-p)^(1-y))", "log(1 + exp(-z)) + (1-y) z",
        "-y log(sigma(z)) - (1 - y) log(1 - sigma(z))",
        r"-y\log p-(1-y)\log(1-p)", r"-\log\left(p^{y}(1-p)^{1-y}\right)",
    ],
    "bce-dz": [
        "p - y", "sigma(z) - y", "1/(1+exp(-z)) - y", "-y(1-p) + (1-y)p",
        r"\sigma(z)-y", r"\frac{1}{1+e^{-z}} - y",
    ],
    "bce-gradient": [
        "(p - y) x", "(sigma(theta^T x + theta_0) - y) x", "x (p - y)", "p x - y x", "(1/(1+exp(-z)) - y) * x",
        "x_i (p - y)",
        r"(p-y)\mathbf{x}", r"\left(\sigma(\theta^\top x + \theta_0) - y\right) \mathbf{x}", r"(\sigma(z)-y)\,\vec{x}",
    ],
    "bce-gradient-bias": [
        "p - y", "sigma(theta^T x + theta_0) - y", "sigma(z) - y",
        r"\sigma(\boldsymbol{\theta}^\top \mathbf{x} + \theta_0) - y", r"p-y",
    ],
    "sgd-update": [
        "theta - eps (p - y) x", "theta - epsilon*(sigma(z) - y)*x", "theta + eps (y - p) x",
        r"\theta - \epsilon (p - y) x", r"\boldsymbol\theta - \varepsilon\left(\sigma(\theta^T x + \theta_0) - y\right)\mathbf{x}",
    ],
    "bce-hessian": [
        "p(1-p) x x^T", "sigma(z)(1 - sigma(z)) outer(x, x)", "(p - p^2) x @ x.T", "x_i x_j p (1-p)",
        r"p(1-p)\,\mathbf{x}\mathbf{x}^\top", r"\sigma(z)(1-\sigma(z)) x x^{T}",
    ],
    "lda-theta": [
        "Sigma^-1 (mu_1 - mu_0)", "inv(Sigma) mu_1 - inv(Sigma) mu_0", "Σ⁻¹(μ₁ − μ₀)",
        r"\Sigma^{-1}(\mu_1 - \mu_0)", r"\Sigma^{-1}\boldsymbol{\mu}_1 - \Sigma^{-1}\boldsymbol{\mu}_0",
    ],
    "lda-theta0": [
        "-1/2 mu_1^T Sigma^-1 mu_1 + 1/2 mu_0^T Sigma^-1 mu_0 + log(pi_1/pi_0)",
        "-(mu_1 - mu_0)^T Sigma^-1 (mu_1 + mu_0)/2 + log(pi_1) - log(pi_0)",
        "log(pi_1/(1 - pi_1)) - (mu_1^T inv(Sigma) mu_1 - mu_0^T inv(Sigma) mu_0)/2",
        r"-\frac{1}{2}\mu_1^\top\Sigma^{-1}\mu_1 + \frac12\mu_0^\top\Sigma^{-1}\mu_0 + \log\frac{\pi_1}{\pi_0}",
    ],
    "lda-softmax-theta": [
        "Sigma^-1 mu_k", "inv(Sigma) mu_k", r"\Sigma^{-1}\mu_k", r"\Sigma^{-1}\boldsymbol{\mu}_k",
    ],
    "lda-softmax-theta0": [
        "-1/2 mu_k^T Sigma^-1 mu_k + log(pi_k)", "log pi_k - mu_k^T inv(Sigma) mu_k / 2",
        "-1/2 mu_k^T Sigma^-1 mu_k + log(pi_k) + 3",       # a k-independent term is accepted ...
        "-1/2 mu_k^T Sigma^-1 mu_k + log(pi_k) - log(det(Sigma))/2",  # ... including one in Σ
        r"-\frac{1}{2}\mu_k^\top \Sigma^{-1} \mu_k + \ln \pi_k",
    ],
    "softmax-jacobian": [
        "diag(s) - s s^T", "diag(s) - outer(s, s)", "s_i (delta_ij - s_j)", "s_i delta_ij - s_i s_j",
        r"\mathrm{diag}(s) - s s^\top", r"s_i\delta_{ij} - s_i s_j", r"\operatorname{diag}(\mathbf{s}) - \mathbf{s}\mathbf{s}^{T}",
    ],
    "softmax-ce-gradient": [
        "s - y", "softmax(a) - y", "s_i - y_i", r"\mathbf{s} - \mathbf{y}", r"\operatorname{softmax}(a) - y",
    ],
    "softmax-two-class": [
        "sigma(a_1 - a_0)", "exp(a_1)/(exp(a_0) + exp(a_1))", "1/(1 + exp(a_0 - a_1))",
        r"\frac{e^{a_1}}{e^{a_0}+e^{a_1}}", r"\sigma(a_1 - a_0)",
    ],
    "boundary-distance": [
        "-theta_0/norm(theta)", "-theta_0 / sqrt(theta^T theta)", "-θ₀/‖θ‖",
        r"-\frac{\theta_0}{\|\theta\|}", r"\frac{-\theta_0}{\sqrt{\theta^\top\theta}}",
    ],
    "mlp-grad-W2": [
        "(s - y) h^T", "outer(s - y, h)", "s h^T - y h^T", "(softmax(W_2 h + b_2) - y) tanh(W_1 x + b_1)^T",
        "(s_i - y_i) h_j", r"(\mathbf{s} - \mathbf{y})\mathbf{h}^\top",
    ],
    "mlp-grad-W1": [
        "((W_2^T (s - y)) * (1 - h^2)) x^T", "diag(1 - h^2) W_2^T (s - y) x^T",
        "((W_2^T (s - y)) ⊙ (1 - h*h)) @ x.T", r"\left(W_2^\top(s - y) \odot (1 - h^2)\right) x^\top",
    ],
}

#: (target, answer as typed, the mistake it must be named as).
MISTAKES: list[tuple[str, str, str]] = [
    ("sigmoid-derivative", "sigma(z)^2", "sigma-squared"),
    ("sigmoid-derivative", "1 - sigma(z)^2", "tanh-pattern"),
    ("sigmoid-derivative", "2 p (1 - p)", "factor"),
    ("sigmoid-derivative", "-p(1-p)", "negative"),
    ("bce-loss", "y log p + (1-y) log(1-p)", "log-likelihood"),
    ("bce-loss", "-(1-y) log p - y log(1-p)", "labels-swapped"),
    ("bce-loss", "-y log p", "positive-class-only"),
    ("bce-dz", "y - p", "sign"),
    ("bce-dz", "-y/p + (1-y)/(1-p)", "dL/dp"),
    ("bce-dz", "(p - y) p (1 - p)", "extra-sigma-prime"),
    ("bce-gradient", "(y - p) x", "sign"),
    ("bce-gradient", "(-y/p + (1-y)/(1-p)) x", "dL/dp"),
    ("bce-gradient", "(sigma(theta^T x) - y) x", "missing-theta0"),
    ("bce-gradient", "(p - y) x^T", "transpose"),
    ("bce-gradient", "p - y", "missing-x"),
    ("bce-gradient", "(p - y) theta", None),
    ("bce-gradient-bias", "y - p", "sign"),
    ("bce-gradient-bias", "(p - y) x", "times-x"),
    ("bce-gradient-bias", "sigma(theta^T x) - y", "missing-theta0"),
    ("sgd-update", "theta + eps (p - y) x", "ascent"),
    ("sgd-update", "theta - (p - y) x", "missing-learning-rate"),
    ("sgd-update", "-eps (p - y) x", "step-only"),
    ("bce-hessian", "p^2 x x^T", "sigma-squared"),
    ("bce-hessian", "p (1-p) x^T x", "inner-product"),
    ("bce-hessian", "x x^T", "missing-sigma-prime"),
    ("bce-hessian", "-p(1-p) x x^T", "negative"),
    ("lda-theta", "Sigma (mu_1 - mu_0)", "sigma-not-inverse"),
    ("lda-theta", "Sigma^-1 (mu_0 - mu_1)", "sign"),
    ("lda-theta", "mu_1 - mu_0", "missing-precision"),
    ("lda-theta", "(mu_1 - mu_0)^T Sigma^-1", "transpose"),
    ("lda-theta0", "-1/2 mu_1^T Sigma^-1 mu_1 + 1/2 mu_0^T Sigma^-1 mu_0", "missing-prior"),
    ("lda-theta0", "-1/2 mu_1^T Sigma^-1 mu_1 + 1/2 mu_0^T Sigma^-1 mu_0 + log(pi_0/pi_1)", "prior-inverted"),
    ("lda-theta0", "-1/2 mu_1^T Sigma mu_1 + 1/2 mu_0^T Sigma mu_0 + log(pi_1/pi_0)", "sigma-not-inverse"),
    ("lda-theta0", "-mu_1^T Sigma^-1 mu_1 + mu_0^T Sigma^-1 mu_0 + log(pi_1/pi_0)", "missing-half"),
    ("lda-softmax-theta", "Sigma mu_k", "sigma-not-inverse"),
    ("lda-softmax-theta", "mu_k", "missing-precision"),
    ("lda-softmax-theta0", "-1/2 mu_k^T Sigma^-1 mu_k", "missing-prior"),
    ("lda-softmax-theta0", "-1/2 mu_k^T Sigma^-1 mu_k + 5", "missing-prior"),  # modulo a constant, still missing
    ("lda-softmax-theta0", "-1/2 mu_k^T Sigma mu_k + log pi_k", "sigma-not-inverse"),
    ("lda-softmax-theta0", "-mu_k^T Sigma^-1 mu_k + log pi_k", "missing-half"),
    ("softmax-jacobian", "-s s^T", "missing-diagonal"),
    ("softmax-jacobian", "diag(s)", "diagonal-only"),
    ("softmax-jacobian", "diag(s - s^2)", "sigmoid-pattern"),
    ("softmax-jacobian", "s^T s", "shape"),
    ("softmax-ce-gradient", "y - s", "sign"),
    ("softmax-ce-gradient", "s", "missing-label"),
    ("softmax-two-class", "sigma(a_0 - a_1)", "other-class"),
    ("softmax-two-class", "sigma(a_1)", "missing-a0"),
    ("boundary-distance", "theta_0 / norm(theta)", "sign"),
    ("boundary-distance", "-theta_0", "not-normalised"),
    ("boundary-distance", "-theta_0 / (theta^T theta)", "squared-norm"),
    ("boundary-distance", "abs(theta_0) / norm(theta)", "unsigned"),
    ("mlp-grad-W2", "(y - s) h^T", "sign"),
    ("mlp-grad-W2", "(s - y) x^T", "x-not-h"),
    ("mlp-grad-W2", "s - y", "missing-h"),
    ("mlp-grad-W2", "h (s - y)^T", "transpose"),
    ("mlp-grad-W1", "((W_2^T (s - y)) * h * (1 - h)) x^T", "sigmoid-prime"),
    ("mlp-grad-W1", "W_2^T (s - y) x^T", "missing-activation"),
    ("mlp-grad-W1", "((W_2^T (s - y)) * (1 - h^2)) h^T", "h-not-x"),
]

INVALID: list[tuple[str, str, str]] = [
    ("bce-gradient", "(p - y", "syntax"),
    ("bce-gradient", "(p - y) q", "unknown-symbol"),
    ("bce-gradient", "foo(p) x", "unknown-function"),
    ("bce-gradient", "__import__('os').system('rm -rf /')", "syntax"),
    ("bce-gradient", "open('/etc/passwd')", "unknown-function"),
    ("bce-gradient", "lambda: 1", None),
    ("bce-gradient", "x.__class__", "syntax"),
    ("bce-gradient", "[p for p in x]", None),
    ("bce-gradient", "x.T.__globals__", None),
    ("bce-gradient", "exec('1')", "unknown-function"),
    ("bce-gradient", r"\input{/etc/passwd}", "unsupported"),
    ("bce-gradient", r"\def\x{1} x", "unsupported"),
    ("bce-gradient", "9**9**9**9", "too-big"),
    ("bce-gradient", "p" + " + p" * 700, "too-long"),
    ("sigmoid-derivative", "", "syntax"),
]


def _targets_with(table) -> list:
    return [pytest.param(t, a, id=f"{t}:{a[:40]}") for t in table for a in table[t]]


def test_the_table_covers_every_target():
    assert set(CORRECT) == set(target_names())
    assert {t for t, *_ in MISTAKES} == set(target_names())
    assert len(target_names()) == 17
    for target, forms in CORRECT.items():
        assert sum("\\" in f for f in forms) >= 1 and sum("\\" not in f for f in forms) >= 2, target


PER_CLASS = {"lda-softmax-theta", "lda-softmax-theta0"}


@pytest.mark.parametrize("name", sorted(set(target_names()) - PER_CLASS))
def test_each_key_is_the_derivations_constant(name):
    target = get_target(name)
    module, constant = target.source.split(".")
    assert target.key is getattr(importlib.import_module(f"derive.derivations.{module}"), constant)


def test_per_class_lda_keys_are_column_k_of_the_derivations_formulas():
    """θ_k and θ_{0,k} are taken from lda_softmax's K-class formulas (one class at a time); check
    them against those formulas at K = 4 and against NumPy."""
    from derive.derivations import lda_softmax
    from derive.evaluate import EXACT, Env, Mat, compile_expr
    rng = np.random.default_rng(2)
    d, K = 3, 4
    A = rng.integers(-2, 3, size=(d, d))
    sigma = A @ A.T + 2 * np.eye(d)
    M = rng.integers(-3, 4, size=(d, K))
    pis = np.array([1, 2, 3, 4]) / 10
    exact = lambda a: Mat(a.shape[0], a.shape[1], tuple(sp.Rational(int(v)) if float(v).is_integer()
                                                         else sp.Rational(str(v)) for v in a.ravel()))
    P = sp.ImmutableMatrix(sigma.astype(int).tolist()).inv()
    full_env = Env({}, {"P": Mat(d, d, tuple(P)), "mu": exact(M), "pi": exact(pis[:, None]),
                        "Sigma": exact(sigma)}, {"d": d, "K": K})
    full_theta = compile_expr(lda_softmax.THETA_K).run(full_env, EXACT)
    full_theta0 = compile_expr(lda_softmax.THETA0_K).run(full_env, EXACT)
    t, t0 = get_target("lda-softmax-theta"), get_target("lda-softmax-theta0")
    for k in range(K):
        env = Env({"pi_k": sp.Rational(str(pis[k]))}, {"P": full_env.mats["P"], "mu_k": exact(M[:, [k]]),
                                                       "Sigma": full_env.mats["Sigma"]}, {"d": d})
        mine = compile_expr(t.key).run(env, EXACT)
        mine0 = compile_expr(t0.key).run(env, EXACT)
        mine0 = mine0.data[0] if isinstance(mine0, Mat) else mine0
        assert list(mine.data) == [full_theta[i, k] for i in range(d)]
        assert sp.simplify(mine0 - full_theta0[k, 0]) == 0
        expected = np.linalg.solve(sigma, M[:, k])
        assert_allclose([float(v) for v in mine.data], expected, rtol=1e-12)
        assert_allclose(float(mine0), -M[:, k] @ expected / 2 + np.log(pis[k]), rtol=1e-12)


@pytest.mark.parametrize("target, answer", _targets_with(CORRECT))
def test_equivalent_forms_are_correct(target, answer):
    r = check(target, answer)
    assert r.verdict is Verdict.CORRECT, r.feedback
    assert r.score == 1.0
    assert r.interpreted_as and r.interpreted_as["plain"]


@pytest.mark.parametrize("target, answer, mistake", [pytest.param(*m, id=f"{m[0]}:{m[2]}") for m in MISTAKES])
def test_known_mistakes_are_named(target, answer, mistake):
    r = check(target, answer)
    assert r.verdict is Verdict.INCORRECT, r.feedback
    assert r.mistake == mistake, r.feedback
    if mistake is not None and mistake != "shape":
        assert 0 < r.score < 1
    assert r.score < 1


@pytest.mark.parametrize("name", target_names())
def test_every_declared_mistake_is_incorrect_and_named(name):
    target = get_target(name)
    assert target.mistakes, f"{name} declares no known mistakes"
    for m in target.mistakes:
        r = check_expr(target, m.expr)
        assert r.verdict is Verdict.INCORRECT, (m.name, r.feedback)
        assert r.mistake == m.name, (m.name, r.feedback)
        assert r.score == m.credit


@pytest.mark.parametrize("target, answer, kind", [pytest.param(*c, id=f"{c[2]}:{c[1][:20]}") for c in INVALID])
def test_malformed_and_hostile_inputs_are_invalid(target, answer, kind):
    r = check(target, answer)
    assert r.verdict is Verdict.INVALID
    assert r.score == 0
    # Rejected before any mathematics is done: far inside the per-answer limit.
    assert r.seconds < TIME_LIMIT / 5
    if kind is not None:
        assert f"({kind})" in r.feedback


def test_unknown_targets_are_invalid_and_list_the_known_ones():
    r = check("no-such-target", "x")
    assert r.verdict is Verdict.INVALID
    assert "bce-gradient" in r.feedback


def test_unknown_symbols_list_the_known_ones():
    r = check("lda-theta", "P (mu_1 - mu_0)")  # P = Σ⁻¹ is the proofs' name, not the student's
    assert r.verdict is Verdict.INVALID and "Sigma" in r.feedback and "mu_0" in r.feedback


def test_the_k_independent_term_is_accepted_and_said():
    r = check("lda-softmax-theta0", "-1/2 mu_k^T Sigma^-1 mu_k + log(pi_k) + 3")
    assert r.verdict is Verdict.CORRECT
    assert "same for every class" in r.feedback
    plain = check("lda-softmax-theta0", "-1/2 mu_k^T Sigma^-1 mu_k + log(pi_k)")
    assert "same for every class" not in plain.feedback


def test_a_transpose_never_passes_for_a_non_square_answer():
    for name in ("mlp-grad-W2", "mlp-grad-W1", "bce-gradient", "lda-theta"):
        target = get_target(name)
        r = check_expr(target, target.key.T)
        assert r.verdict is Verdict.INCORRECT and r.mistake == "transpose", name


def test_shape_mismatch_names_both_shapes():
    r = check("bce-gradient", "theta^T x")
    assert r.verdict is Verdict.INCORRECT
    assert "a scalar" in r.feedback and "d×1 column vector" in r.feedback


def test_dimensions_are_distinct_so_transposes_cannot_hide():
    chk = checker(get_target("mlp-grad-W1"))
    sizes = chk.main.size_names
    assert len(set(sizes.values())) == len(sizes) == 3
