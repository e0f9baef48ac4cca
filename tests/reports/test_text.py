"""Prose with inline mathematics → LaTeX: golden strings, and safety for any input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.text import escape, math_token, prose

GOLDEN = [
    ("definition σ(z) = 1/(1 + e^{−z})", r"definition $\sigma (z) = 1/(1 + e^{-z})$"),
    ("chain rule: d/dz (1 + e^{−z})^{−1} = e^{−z}/(1 + e^{−z})²",
     r"chain rule: $d/dz (1 + e^{-z})^{-1} = e^{-z}/(1 + e^{-z})^{2}$"),
    ("split the square into two factors", "split the square into two factors"),
    ("definition of σ, read backwards", r"definition of $\sigma$, read backwards"),
    ("divide numerator and denominator by exp(a_k) (by symmetry)",
     r"divide numerator and denominator by $\exp(a_k)$ (by symmetry)"),
    ("the log-odds are linear in x, so p is a sigmoid", r"the log-odds are linear in $x$, so $p$ is a sigmoid"),
    ("the Hessian p(1 − p)xxᵀ is PSD", r"the Hessian $p(1 - p)xx^{\top}$ is PSD"),
    ("a_k ≫ a_j for j ≠ k", r"$a_k \gg  a_j$ for $j \neq  k$"),
    ("Σ⁻¹ = P is symmetric", r"$\boldsymbol{\Sigma} ^{-1} = P$ is symmetric"),
    ("100% & #1", r"$100\%$ \& $\#1$"),
    ("a one-hot y, I think", r"a one-hot $y$, I think"),
    ("the softmax saturates, and log-odds", "the softmax saturates, and log-odds"),
    ("proved by expand_log (explicit d=1..4)", r"proved by \textsf{expand\_log} (explicit $d=1..4$)"),
    ("𝒩(x | μ_k, Σ) ∓ ½", r"$\mathcal{N}(x | \mu _k, \boldsymbol{\Sigma} ) \mp  \tfrac{1}{2}$"),
    # a brace group spanning spaces is one piece of mathematics, not a stray brace
    ("since e^{log π_k + log 𝒩_k} = π_k 𝒩_k",
     r"since $e^{\log \pi _k + \log \mathcal{N}_k} = \pi _k \mathcal{N}_k$"),
    # a set keeps its braces
    ("for every y ∈ {0, 1}", r"for every $y \in  \{0, 1\}$"),
    # a double subscript is one index
    ("∂e^{a_i}/∂a_j = δ_ij e^{a_i} and W_ij", r"$\partial e^{a_i}/\partial a_j = \delta _{ij} e^{a_i}$ and $W_{ij}$"),
    # x⊥ is a vector's name, not the relation ⊥; ℝ^d is blackboard bold
    ("θᵀx⊥ = 0 for v ∈ R^d", r"$\theta ^{\top}x_{\perp} = 0$ for $v \in  \mathbb{R}^d$"),
    ("x⊥ and x_b, and αθᵀx⊥", r"$x_{\perp}$ and $x_b$, and $\alpha \theta ^{\top}x_{\perp}$"),
    # a word inside mathematics is upright
    ("P(error | x) = 1 − rᵀs", r"$P(\text{error} | x) = 1 - r^{\top}s$"),
    # Σ as a sum, next to Σ the covariance
    ("xᵀx = Σ x_i² and Σ_k y_k = 1, with |Σ| > 0",
     r"$x^{\top}x = \sum  x_i^{2}$ and $\sum _k y_k = 1$, with $|\boldsymbol{\Sigma} | > 0$"),
    # diag builds a matrix from a vector; taking a diagonal out is vecdiag
    ("θ₀ = log π − ½ diag(μᵀPμ) and diag(s)(y ⊘ s) = y",
     r"$\theta _{0} = \log \pi  - \tfrac{1}{2} \operatorname{vecdiag}(\mu ^{\top}P\mu )$ and "
     r"$\operatorname{diag}(s)(y \oslash  s) = y$"),
    ("x_log", r"$x_{\log}$"),
]


@pytest.mark.parametrize("text, expected", GOLDEN)
def test_golden(text, expected):
    assert prose(text) == expected


def test_internal_names_become_references():
    refs = {"sigmoid-derivative": r"Theorem~\ref{sec:sigmoid-derivative}"}
    assert prose("σ′ = σ(1 − σ) (sigmoid-derivative)", refs) == (
        r"$\sigma ' = \sigma (1 - \sigma )$ (Theorem~\ref{sec:sigmoid-derivative})")
    # a hyphenated word in parentheses that names no derivation stays as it is
    assert prose("(log-odds)", refs) == "(log-odds)"


def test_escape_handles_every_special_character():
    assert escape(r"50% of $x_1 & {y} #2 ~ ^ \ ") == (
        r"50\% of \$x\_1 \& \{y\} \#2 \textasciitilde{} \textasciicircum{} \textbackslash{} ")


def test_dangling_scripts_are_dropped():
    # "x^" alone would stop TeX with "Missing { inserted"
    assert math_token("x^") == "x"
    assert math_token("y_ ") == "y "


def test_unbalanced_braces_are_escaped():
    assert math_token("e^{−z") == r"e^\{-z"
    assert math_token("x}") == r"x\}"


def _balanced(tex: str) -> bool:
    depth = 0
    for i, c in enumerate(tex):
        if c in "{}" and i and tex[i - 1] == "\\" and not (i > 1 and tex[i - 2] == "\\"):
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=60))
def test_any_text_gives_safe_latex(text):
    out = prose(text)
    assert out.isascii(), out                      # pdflatex needs no Unicode declarations
    unescaped_dollars = re.findall(r"(?<!\\)\$", out)
    assert len(unescaped_dollars) % 2 == 0, out    # math mode always closed
    assert _balanced(out), out
    assert not re.search(r"(?<!\\)[%#&]", out.replace(r"\&", "").replace(r"\%", "").replace(r"\#", "")), out
