"""Golden strings: the exact LaTeX of the lecture's notation, one kind of expression at a time."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.functions import logsumexp, sigmoid, softplus
from derive.ops import Diag, Dot, Elementwise, Grad, GradAt, GradMatrix, Hessian, Jacobian, Softmax
from derive.symbols import K, P, Sigma, W1, W2, a, b1, eps, h, mu0, mu1, p, pi1, s, theta, theta0, x, y, z
from reports.latex import latex

CASES = [
    # σ(·), never 1/(1 + e^{−z})
    (sigmoid(z), r"\sigma\left(z\right)"),
    (sigmoid(z) ** 2, r"\sigma\left(z\right)^{2}"),
    (softplus(z), r"\operatorname{softplus}\left(z\right)"),
    (logsumexp(z, y), r"\operatorname{logsumexp}\left(z, y\right)"),
    # bold vectors (Latin upright, Greek bold italic), subscripts outside the bold
    (x, r"\mathbf{x}"),
    (theta, r"\boldsymbol{\theta}"),
    (mu0, r"\boldsymbol{\mu}_{0}"),
    (W1, r"\mathbf{W}_{1}"),
    # Greek scalars, θ₀ and θ_{0,k}
    (theta0, r"\theta_{0}"),
    (pi1, r"\pi_{1}"),
    (eps, r"\varepsilon"),
    (sp.Symbol("theta_0_k"), r"\theta_{0,k}"),
    (sp.Symbol("theta_{0,k}"), r"\theta_{0,k}"),
    # the transpose, and the precision P shown as Σ⁻¹
    (sp.Transpose(W2), r"\mathbf{W}_{2}^{\top}"),
    (sp.Transpose(W2 * h), r"\left(\mathbf{W}_{2} \mathbf{h}\right)^{\top}"),
    (P, r"\boldsymbol{\Sigma}^{-1}"),
    (sp.Transpose(P), r"\left(\boldsymbol{\Sigma}^{-1}\right)^{\top}"),
    (P * (mu1 - mu0), r"\boldsymbol{\Sigma}^{-1} \left(\boldsymbol{\mu}_{1} - \boldsymbol{\mu}_{0}\right)"),
    (sp.Determinant(Sigma) ** sp.S.Half, r"\left|\boldsymbol{\Sigma}\right|^{1/2}"),
    (x * x.T, r"\mathbf{x} \mathbf{x}^{\top}"),
    (sp.HadamardProduct(h, h), r"\mathbf{h} \odot \mathbf{h}"),
    # the operators of derive.ops
    (Dot(theta, x), r"\boldsymbol{\theta}^{\top} \mathbf{x}"),
    (Dot(mu1, P * mu1), r"\boldsymbol{\mu}_{1}^{\top} \boldsymbol{\Sigma}^{-1} \boldsymbol{\mu}_{1}"),
    (Dot(theta, x) ** 2, r"\left(\boldsymbol{\theta}^{\top} \mathbf{x}\right)^{2}"),
    (sp.sqrt(Dot(theta, theta)), r"\left\lVert \boldsymbol{\theta}\right\rVert"),
    (Grad(sp.Symbol("L"), theta), r"\nabla_{\boldsymbol{\theta}} L"),
    (Grad(y * z, theta), r"\nabla_{\boldsymbol{\theta}} \left(y z\right)"),
    (Hessian(sp.Symbol("L"), theta), r"\nabla^{2}_{\boldsymbol{\theta}} L"),
    (Jacobian(Softmax(a), a), r"\frac{\partial \operatorname{softmax}\left(\mathbf{a}\right)}{\partial \mathbf{a}}"),
    (Softmax(a), r"\operatorname{softmax}\left(\mathbf{a}\right)"),
    (Elementwise(sp.tanh, W1 * x + b1), r"\tanh\left(\mathbf{W}_{1} \mathbf{x} + \mathbf{b}_{1}\right)"),
    (Diag(s), r"\operatorname{diag}\left(\mathbf{s}\right)"),
    (Diag(s) - s * s.T, r"\operatorname{diag}\left(\mathbf{s}\right) - \mathbf{s} \mathbf{s}^{\top}"),
    (GradMatrix(sp.Symbol("L"), W2), r"\frac{\partial L}{\partial \mathbf{W}_{2}}"),
    (GradAt(sp.Symbol("L"), a, W2 * h + b1.subs(sp.Symbol("m"), K)),
     r"\left.\nabla_{\mathbf{a}} L\right|_{\mathbf{a} = \mathbf{W}_{2} \mathbf{h} + \mathbf{b}_{1}}"),
    # textbook order and signs of sums
    (sigmoid(Dot(theta, x) + theta0), r"\sigma\left(\boldsymbol{\theta}^{\top} \mathbf{x} + \theta_{0}\right)"),
    (mu1 - mu0, r"\boldsymbol{\mu}_{1} - \boldsymbol{\mu}_{0}"),
    (1 - sigmoid(Dot(theta, x)), r"1 - \sigma\left(\boldsymbol{\theta}^{\top} \mathbf{x}\right)"),
    (theta - eps * (p - y) * x, r"\boldsymbol{\theta} - \varepsilon \left(p - y\right) \mathbf{x}"),
    (-Dot(mu1, P * mu1) / 2 + sp.log(pi1),
     r"- \frac{1}{2} \boldsymbol{\mu}_{1}^{\top} \boldsymbol{\Sigma}^{-1} \boldsymbol{\mu}_{1} + \log{\left(\pi_{1} \right)}"),
    ((p - y) * x, r"\left(p - y\right) \mathbf{x}"),
    (sp.OneMatrix(K, 1) - sp.HadamardProduct(s, s), r"\mathbf{1} - \mathbf{s}^{\circ {2}}"),
    (z / 2, r"\frac{z}{2}"),
    # a long exponent as exp(…), a short one as e^{…}
    (sp.exp(-z), r"e^{- z}"),
    (sp.exp(-Dot(x, x) / 2), r"\exp\left(- \frac{1}{2} \mathbf{x}^{\top} \mathbf{x}\right)"),
    # relations
    (sp.Eq(sp.Derivative(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z)), evaluate=False),
     r"\frac{d}{d z} \sigma\left(z\right) = \left(1 - \sigma\left(z\right)\right) \sigma\left(z\right)"),
    (sp.Ge(eps * p, 0, evaluate=False), r"\varepsilon p \geq 0"),
]


@pytest.mark.parametrize("expr, expected", CASES, ids=[str(i) for i in range(len(CASES))])
def test_golden(expr, expected):
    assert latex(expr) == expected


def test_plain_sympy_printer_differs():
    # The cases above are the printer's doing: SymPy's own printer writes the lecture's
    # notation differently (this would pass vacuously if reports.latex fell back to it).
    assert sp.latex(theta) != latex(theta)
    assert sp.latex(P) == "P"
    assert sp.latex(sp.Transpose(W2)) != latex(sp.Transpose(W2))


def test_symbol_names_setting_overrides():
    stand_in = sp.Symbol("D", positive=True)
    assert latex(stand_in / 2, symbol_names={stand_in: r"|\Sigma|"}) == r"\frac{|\Sigma|}{2}"
