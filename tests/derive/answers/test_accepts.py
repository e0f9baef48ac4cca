"""Accepted answers: every spelling in plain text and LaTeX means what a student means by it.

Each case compares the parsed expression with a value computed independently from explicit
matrices (see helpers.py) at two random points, and checks the shape it was read with.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive.answers import parse_answer

from .helpers import BINARY, SIZES, SOFTMAX, evaluate, evaluate_index, namespace, sigma, softmax_of

def _check(specs: tuple, text: str, expected: Callable, shape: tuple | None) -> None:
    parsed = parse_answer(text, specs)
    got_shape = None if parsed.shape is None else tuple(int(n.subs(SIZES)) for n in parsed.shape)
    assert got_shape == shape, f"{text!r} read as {parsed.plain!r} with shape {got_shape}"
    for seed in (0, 1):
        ns = namespace(seed)
        assert_allclose(evaluate(parsed.expr, seed), np.array(sp.N(expected(ns), 30), dtype=complex),
                        rtol=1e-12, atol=1e-14, err_msg=f"{text!r} read as {parsed.plain!r}")


# (text, expected value at the point ns, shape at d=3, K=4, m=2) for a binary target.
BINARY_CASES = [
    # σ′(z), products written every way
    ("sigma(z)(1-sigma(z))", lambda n: sigma(n.z) * (1 - sigma(n.z)), None),
    ("sigmoid(z)*(1 - sigmoid(z))", lambda n: sigma(n.z) * (1 - sigma(n.z)), None),
    ("σ(z)(1−σ(z))", lambda n: sigma(n.z) * (1 - sigma(n.z)), None),
    (r"\sigma(z)\left(1-\sigma(z)\right)", lambda n: sigma(n.z) * (1 - sigma(n.z)), None),
    (r"\sigma^2(z)", lambda n: sigma(n.z) ** 2, None),
    ("p(1-p)", lambda n: n.p * (1 - n.p), None),
    ("p - p^2", lambda n: n.p - n.p ** 2, None),
    ("p-p**2", lambda n: n.p - n.p ** 2, None),
    ("py", lambda n: n.p * n.y, None),
    ("2z", lambda n: 2 * n.z, None),
    # juxtaposition binds like *, left to right
    ("1/2 z", lambda n: n.z / 2, None),
    ("1/2z", lambda n: n.z / 2, None),
    ("z/2", lambda n: n.z / 2, None),
    ("0.5z", lambda n: n.z / 2, None),
    ("5e-1 z", lambda n: n.z / 2, None),
    (r"\frac12 z", lambda n: n.z / 2, None),
    (r"\frac{1}{2}z", lambda n: n.z / 2, None),
    (r"\tfrac{1}{2} z", lambda n: n.z / 2, None),
    (r"\dfrac{z}{2}", lambda n: n.z / 2, None),
    ("2^3^2", lambda n: sp.Integer(512), None),
    ("-z^2", lambda n: -n.z ** 2, None),
    ("2 -z", lambda n: 2 - n.z, None),
    ("z -2", lambda n: n.z - 2, None),
    ("p − y", lambda n: n.p - n.y, None),
    # the negative log-likelihood
    ("-y log p - (1-y) log(1-p)", lambda n: -n.y * sp.log(n.p) - (1 - n.y) * sp.log(1 - n.p), None),
    (r"-y\log p-(1-y)\ln(1-p)", lambda n: -n.y * sp.log(n.p) - (1 - n.y) * sp.log(1 - n.p), None),
    ("-(y*ln(p) + (1 - y)*log(1 - p))", lambda n: -n.y * sp.log(n.p) - (1 - n.y) * sp.log(1 - n.p), None),
    (r"-\left[y \log \sigma(z) + (1-y)\log(1-\sigma(z))\right]",
     lambda n: -n.y * sp.log(sigma(n.z)) - (1 - n.y) * sp.log(1 - sigma(n.z)), None),
    ("log p^2", lambda n: sp.log(n.p ** 2), None),
    ("log p z", lambda n: sp.log(n.p) * n.z, None),
    # e, exp, pi
    ("e^(-z)", lambda n: sp.exp(-n.z), None),
    ("e**-z", lambda n: sp.exp(-n.z), None),
    ("exp(-z)", lambda n: sp.exp(-n.z), None),
    (r"e^{-z}", lambda n: sp.exp(-n.z), None),
    (r"\exp\left(-z\right)", lambda n: sp.exp(-n.z), None),
    (r"\mathrm{e}^{-z}", lambda n: sp.exp(-n.z), None),
    (r"\frac{1}{1+e^{-z}}", lambda n: sigma(n.z), None),
    ("1/(1+exp(-z))", lambda n: sigma(n.z), None),
    ("pi z", lambda n: sp.pi * n.z, None),
    ("π + pi_0", lambda n: sp.pi + n.pi_0, None),
    (r"\pi_0 + \pi", lambda n: sp.pi + n.pi_0, None),
    ("π₀ π₁", lambda n: n.pi_0 * n.pi_1, None),
    # names
    ("theta_0", lambda n: n.theta_0, None),
    ("theta0", lambda n: n.theta_0, None),
    ("θ_0", lambda n: n.theta_0, None),
    ("θ₀", lambda n: n.theta_0, None),
    (r"\theta_0", lambda n: n.theta_0, None),
    (r"\theta_{0}", lambda n: n.theta_0, None),
    ("eps", lambda n: n.epsilon, None),
    ("ε", lambda n: n.epsilon, None),
    (r"\varepsilon", lambda n: n.epsilon, None),
    # numbers are exact
    ("1e-12", lambda n: sp.Rational(1, 10 ** 12), None),
    ("2.5e3", lambda n: sp.Integer(2500), None),
    ("0.1 + 0.2", lambda n: sp.Rational(3, 10), None),
    # other functions
    ("sqrt(p)", lambda n: sp.sqrt(n.p), None),
    ("√p", lambda n: sp.sqrt(n.p), None),
    (r"\sqrt{p}", lambda n: sp.sqrt(n.p), None),
    (r"\sqrt[3]{p}", lambda n: n.p ** sp.Rational(1, 3), None),
    ("abs(z - 1)", lambda n: abs(n.z - 1), None),
    ("|z - 1|", lambda n: abs(n.z - 1), None),
    (r"\left|z-1\right|", lambda n: abs(n.z - 1), None),
    ("tanh z + cosh(z)^2 - sinh(z)^2", lambda n: sp.tanh(n.z) + 1, None),
    # logistic regression with vectors
    ("theta^T x + theta_0", lambda n: (n.theta.T * n.x)[0, 0] + n.theta_0, None),
    ("theta.T @ x + theta0", lambda n: (n.theta.T * n.x)[0, 0] + n.theta_0, None),
    ("θᵀx + θ₀", lambda n: (n.theta.T * n.x)[0, 0] + n.theta_0, None),
    ("x^T theta + theta_0", lambda n: (n.theta.T * n.x)[0, 0] + n.theta_0, None),
    (r"\boldsymbol{\theta}^\top\mathbf{x}+\theta_0", lambda n: (n.theta.T * n.x)[0, 0] + n.theta_0, None),
    (r"\theta^{T} \bm{x} + \theta_{0}", lambda n: (n.theta.T * n.x)[0, 0] + n.theta_0, None),
    (r"\vec{\theta}^{\top} \vec x + \theta_0", lambda n: (n.theta.T * n.x)[0, 0] + n.theta_0, None),
    ("(p-y)x", lambda n: (n.p - n.y) * n.x, (3, 1)),
    ("(p - y)*x", lambda n: (n.p - n.y) * n.x, (3, 1)),
    ("x(p-y)", lambda n: (n.p - n.y) * n.x, (3, 1)),
    ("(p−y)·x", lambda n: (n.p - n.y) * n.x, (3, 1)),
    (r"(p-y)\mathbf{x}", lambda n: (n.p - n.y) * n.x, (3, 1)),
    (r"\left(\sigma(\theta^\top x+\theta_0)-y\right)\boldsymbol{x}",
     lambda n: (sigma((n.theta.T * n.x)[0, 0] + n.theta_0) - n.y) * n.x, (3, 1)),
    ("1/2 x", lambda n: n.x / 2, (3, 1)),
    ("theta - eps (p - y) x", lambda n: n.theta - n.epsilon * (n.p - n.y) * n.x, (3, 1)),
    (r"\theta - \epsilon (p-y) \mathbf{x}", lambda n: n.theta - n.epsilon * (n.p - n.y) * n.x, (3, 1)),
    ("p(1-p) x x^T", lambda n: n.p * (1 - n.p) * n.x * n.x.T, (3, 3)),
    ("p(1-p) outer(x, x)", lambda n: n.p * (1 - n.p) * n.x * n.x.T, (3, 3)),
    ("p*(1-p) * x @ x.T", lambda n: n.p * (1 - n.p) * n.x * n.x.T, (3, 3)),
    (r"p(1-p)\mathbf{x}\mathbf{x}^\top", lambda n: n.p * (1 - n.p) * n.x * n.x.T, (3, 3)),
    ("-theta_0/norm(theta)", lambda n: -n.theta_0 / sp.sqrt((n.theta.T * n.theta)[0, 0]), None),
    ("-theta_0/||theta||", lambda n: -n.theta_0 / sp.sqrt((n.theta.T * n.theta)[0, 0]), None),
    ("-θ₀/‖θ‖", lambda n: -n.theta_0 / sp.sqrt((n.theta.T * n.theta)[0, 0]), None),
    (r"-\frac{\theta_0}{\|\boldsymbol\theta\|}", lambda n: -n.theta_0 / sp.sqrt((n.theta.T * n.theta)[0, 0]), None),
    (r"-\theta_0/\left\|\theta\right\|", lambda n: -n.theta_0 / sp.sqrt((n.theta.T * n.theta)[0, 0]), None),
    (r"\|\theta\|^2", lambda n: (n.theta.T * n.theta)[0, 0], None),
    (r"\|\theta\|_2^2", lambda n: (n.theta.T * n.theta)[0, 0], None),
    ("||theta||_2", lambda n: sp.sqrt((n.theta.T * n.theta)[0, 0]), None),
    (r"\left\|\theta\right\|_{2}", lambda n: sp.sqrt((n.theta.T * n.theta)[0, 0]), None),
    # LDA
    ("Sigma^-1 (mu_1 - mu_0)", lambda n: n.Sigma.inv() * (n.mu_1 - n.mu_0), (3, 1)),
    ("Sigma^(-1)(mu_1-mu_0)", lambda n: n.Sigma.inv() * (n.mu_1 - n.mu_0), (3, 1)),
    ("inv(Sigma) @ (mu_1 - mu_0)", lambda n: n.Sigma.inv() * (n.mu_1 - n.mu_0), (3, 1)),
    ("Σ⁻¹(μ₁ − μ₀)", lambda n: n.Sigma.inv() * (n.mu_1 - n.mu_0), (3, 1)),
    (r"\Sigma^{-1}(\mu_1-\mu_0)", lambda n: n.Sigma.inv() * (n.mu_1 - n.mu_0), (3, 1)),
    (r"\boldsymbol{\Sigma}^{-1}\left(\boldsymbol{\mu}_1-\boldsymbol{\mu}_{0}\right)",
     lambda n: n.Sigma.inv() * (n.mu_1 - n.mu_0), (3, 1)),
    (r"-\frac12 \mu_1^\top \Sigma^{-1}\mu_1 + \frac{1}{2}\mu_0^T\Sigma^{-1}\mu_0 + \log\frac{\pi_1}{\pi_0}",
     lambda n: (-(n.mu_1.T * n.Sigma.inv() * n.mu_1)[0, 0] / 2 + (n.mu_0.T * n.Sigma.inv() * n.mu_0)[0, 0] / 2
                + sp.log(n.pi_1 / n.pi_0)), None),
    ("-1/2 mu_1^T Sigma^-1 mu_1 + 1/2 mu_0^T Sigma^-1 mu_0 + log(pi_1/pi_0)",
     lambda n: (-(n.mu_1.T * n.Sigma.inv() * n.mu_1)[0, 0] / 2 + (n.mu_0.T * n.Sigma.inv() * n.mu_0)[0, 0] / 2
                + sp.log(n.pi_1 / n.pi_0)), None),
    ("log det(Sigma)", lambda n: sp.log(n.Sigma.det()), None),
    ("x.T @ inv(Sigma) @ x", lambda n: (n.x.T * n.Sigma.inv() * n.x)[0, 0], None),
]


@pytest.mark.parametrize("text, expected, shape", BINARY_CASES, ids=[c[0] for c in BINARY_CASES])
def test_binary_target_forms(text, expected, shape):
    _check(BINARY, text, expected, shape)


def _ones(n: int) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix.ones(n, 1)


def _hadamard(u: sp.ImmutableMatrix, v: sp.ImmutableMatrix) -> sp.ImmutableMatrix:
    return u.multiply_elementwise(v)


SOFTMAX_CASES = [
    ("s - y", lambda n: n.s - n.Y, (4, 1)),
    ("softmax(a) - y", lambda n: softmax_of(n.a) - n.Y, (4, 1)),
    (r"\operatorname{softmax}(\mathbf{a}) - \mathbf{y}", lambda n: softmax_of(n.a) - n.Y, (4, 1)),
    ("diag(s) - s s^T", lambda n: sp.diag(*n.s) - n.s * n.s.T, (4, 4)),
    ("diag(s) - outer(s, s)", lambda n: sp.diag(*n.s) - n.s * n.s.T, (4, 4)),
    (r"\mathrm{diag}(\mathbf{s}) - \mathbf{s}\mathbf{s}^\top", lambda n: sp.diag(*n.s) - n.s * n.s.T, (4, 4)),
    (r"\operatorname{diag}(s) - s s^{\top}", lambda n: sp.diag(*n.s) - n.s * n.s.T, (4, 4)),
    # NumPy semantics: elementwise products and powers, broadcast scalars
    ("s*(1-s)", lambda n: _hadamard(n.s, _ones(4) - n.s), (4, 1)),
    ("s ⊙ (1 − s)", lambda n: _hadamard(n.s, _ones(4) - n.s), (4, 1)),
    (r"s \odot (1 - s)", lambda n: _hadamard(n.s, _ones(4) - n.s), (4, 1)),
    ("s - s^2", lambda n: _hadamard(n.s, _ones(4) - n.s), (4, 1)),
    ("s - s**2", lambda n: _hadamard(n.s, _ones(4) - n.s), (4, 1)),
    ("1 - s", lambda n: _ones(4) - n.s, (4, 1)),
    ("s + z", lambda n: n.s + n.z * _ones(4), (4, 1)),
    ("s / 2", lambda n: n.s / 2, (4, 1)),
    ("1/s", lambda n: n.s.applyfunc(lambda e: 1 / e), (4, 1)),
    ("y / s", lambda n: n.Y.applyfunc(lambda e: e) .multiply_elementwise(n.s.applyfunc(lambda e: 1 / e)), (4, 1)),
    ("exp(a)/2", lambda n: n.a.applyfunc(sp.exp) / 2, (4, 1)),
    ("e^a / 2", lambda n: n.a.applyfunc(sp.exp) / 2, (4, 1)),
    (r"\frac{e^{\mathbf{a}}}{2}", lambda n: n.a.applyfunc(sp.exp) / 2, (4, 1)),
    ("sqrt(s)", lambda n: n.s.applyfunc(sp.sqrt), (4, 1)),
    ("sigma(a)", lambda n: n.a.applyfunc(sigma), (4, 1)),
    # the MLP
    ("tanh(W_1 x + b_1)", lambda n: (n.W_1 * n.x + n.b_1).applyfunc(sp.tanh), (2, 1)),
    ("(s - y) h^T", lambda n: (n.s - n.Y) * n.h.T, (4, 2)),
    (r"(\mathbf{s}-\mathbf{y})\mathbf{h}^\top", lambda n: (n.s - n.Y) * n.h.T, (4, 2)),
    ("outer(s - y, h)", lambda n: (n.s - n.Y) * n.h.T, (4, 2)),
    ("((W_2.T @ (s - y)) * (1 - h**2)) @ x.T",
     lambda n: _hadamard(n.W_2.T * (n.s - n.Y), _ones(2) - n.h.applyfunc(lambda e: e ** 2)) * n.x.T, (2, 3)),
    ("(W_2^T (s - y) ⊙ (1 - h^2)) x^T",
     lambda n: _hadamard(n.W_2.T * (n.s - n.Y), _ones(2) - n.h.applyfunc(lambda e: e ** 2)) * n.x.T, (2, 3)),
    (r"\left(W_2^\top (s-y) \odot (1-h^{\circ 2})\right) x^\top",
     lambda n: _hadamard(n.W_2.T * (n.s - n.Y), _ones(2) - n.h.applyfunc(lambda e: e ** 2)) * n.x.T, (2, 3)),
    (r"\left[(\mathbf{W}_2^{T}(\mathbf{s}-\mathbf{y}))\odot(1-\tanh^2(W_1 x + b_1))\right]\mathbf{x}^T",
     lambda n: _hadamard(n.W_2.T * (n.s - n.Y),
                         _ones(2) - (n.W_1 * n.x + n.b_1).applyfunc(lambda e: sp.tanh(e) ** 2)) * n.x.T, (2, 3)),
]


@pytest.mark.parametrize("text, expected, shape", SOFTMAX_CASES, ids=[c[0] for c in SOFTMAX_CASES])
def test_softmax_target_forms(text, expected, shape):
    _check(SOFTMAX, text, expected, shape)


@pytest.mark.parametrize("text", [
    "s_i (delta_ij - s_j)",
    r"s_i\delta_{ij} - s_i s_j",
    "s_i*(δ_ij − s_j)",
    r"s_{i}\left(\delta_{ij}-s_{j}\right)",
    "s_i delta_ij - s_i s_j",
])
def test_index_notation_gives_the_softmax_jacobian(text):
    parsed = parse_answer(text, SOFTMAX)
    assert parsed.notation == "index"
    assert parsed.shape is None
    for seed in (0, 1):
        n = namespace(seed)
        expected = np.array(sp.N(sp.diag(*n.s) - n.s * n.s.T, 30), dtype=complex)
        assert_allclose(evaluate_index(parsed.expr, 4, 4, seed), expected, rtol=1e-12, atol=1e-14)


def test_a_sign_flip_is_not_read_as_the_truth():
    # The comparison above must be able to fail: a wrong answer gives a different value.
    parsed = parse_answer("(y - p) x", BINARY)
    n = namespace(0)
    with pytest.raises(AssertionError):
        assert_allclose(evaluate(parsed.expr), np.array(sp.N((n.p - n.y) * n.x), dtype=complex), rtol=1e-12)
