"""The reading rules: NumPy products in plain text, matrix products in LaTeX, 1×1 as scalar,
index notation, notation detection, declared names first, and the echo of the reading."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive import symbols as S
from derive.answers import INDEX_I, INDEX_J, ParseError, SymbolSpec, parse_answer

from .helpers import BINARY, SIZES, SOFTMAX, evaluate, namespace


def _value(text: str, specs=BINARY, seed: int = 0) -> np.ndarray:
    return evaluate(parse_answer(text, specs).expr, seed)


def _explicit(value: sp.Basic) -> np.ndarray:
    return np.array(sp.N(value, 30), dtype=complex)


# --- products of arrays ---------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Sigma Sigma", "Sigma*Sigma", "Σ⊙Σ", r"\Sigma \odot \Sigma", r"\Sigma \circ \Sigma"])
def test_equal_shapes_multiply_elementwise(text):
    n = namespace(0)
    assert_allclose(_value(text), _explicit(n.Sigma.multiply_elementwise(n.Sigma)), rtol=1e-12)


@pytest.mark.parametrize("text", ["Sigma @ Sigma", r"\Sigma \Sigma", r"\Sigma \cdot \Sigma", r"\Sigma^2"])
def test_matrix_products_of_square_matrices(text):
    n = namespace(0)
    assert_allclose(_value(text), _explicit(n.Sigma * n.Sigma), rtol=1e-12)


def test_plain_square_power_is_elementwise_but_minus_one_inverts():
    n = namespace(0)
    assert_allclose(_value("Sigma^2"), _explicit(n.Sigma.applyfunc(lambda e: e ** 2)), rtol=1e-12)
    assert_allclose(_value("Sigma^-1"), _explicit(n.Sigma.inv()), rtol=1e-12)
    assert_allclose(_value(r"\Sigma^{\circ 2}"), _explicit(n.Sigma.applyfunc(lambda e: e ** 2)), rtol=1e-12)


def test_vector_reciprocal_is_elementwise():
    n = namespace(0)
    assert_allclose(_value("x^-1"), _explicit(n.x.applyfunc(lambda e: 1 / e)), rtol=1e-12)


@pytest.mark.parametrize("text", ["Sigma x", "Sigma*x", r"\Sigma \mathbf{x}", "Sigma @ x"])
def test_matrix_times_vector_is_the_matrix_product(text):
    n = namespace(0)
    assert_allclose(_value(text), _explicit(n.Sigma * n.x), rtol=1e-12)


@pytest.mark.parametrize("text", ["x^T x", "x.T @ x", "x^T Sigma x", r"\mathbf{x}^\top \Sigma \mathbf{x}", "x.T @ x + 1"])
def test_one_by_one_products_are_scalars(text):
    assert parse_answer(text, BINARY).shape is None


def test_scalar_broadcasts_over_a_vector_in_sums_only():
    n = namespace(0)
    ones = sp.ImmutableMatrix.ones(3, 1)
    assert_allclose(_value("theta_0 - x"), _explicit(n.theta_0 * ones - n.x), rtol=1e-12)
    assert_allclose(_value("x + 0"), _explicit(n.x), rtol=1e-12)
    assert_allclose(_value("2 x"), _explicit(2 * n.x), rtol=1e-12)


@pytest.mark.parametrize("spelling", ["x^T", "x.T", "x^{T}", "x^(T)", "xᵀ", "x**T", r"x^\top", r"x^{\top}", r"\mathbf{x}^{\mathsf{T}}"])
def test_transpose_spellings(spelling):
    parsed = parse_answer(spelling, BINARY)
    assert parsed.expr == S.x.T


def test_double_transpose_is_the_identity():
    assert parse_answer("theta^T^T", BINARY).expr == S.theta


def test_juxtaposition_and_signs():
    assert parse_answer("p -y", BINARY).expr == S.p - S.y
    assert parse_answer("p*-y", BINARY).expr == -S.p * S.y
    assert parse_answer("-p^2", BINARY).expr == -S.p ** 2
    assert parse_answer("1/2 p", BINARY).expr == S.p / 2
    assert parse_answer("1/(2 p)", BINARY).expr == 1 / (2 * S.p)
    assert parse_answer("p/2/y", BINARY).expr == S.p / (2 * S.y)


def test_latex_superscript_takes_one_token():
    # LaTeX's own rule: x^23 is x²·3; x^{23} is the power.
    assert parse_answer(r"\theta_0^23", BINARY).expr == 3 * S.theta0 ** 2
    assert parse_answer(r"\theta_0^{23}", BINARY).expr == S.theta0 ** 23
    assert parse_answer("theta_0^23", BINARY).expr == S.theta0 ** 23


# --- names --------------------------------------------------------------------------------

def test_e_is_eulers_number_unless_declared():
    assert parse_answer("e + 1", BINARY).expr == sp.E + 1
    e = sp.Symbol("e", real=True)
    # The same text under other declarations is another reading (the cache keys on both).
    assert parse_answer("e + 1", [SymbolSpec("e", e)]).expr == e + 1


def test_pi_alone_is_pi_and_pi_k_is_a_prior():
    pi_k = sp.Symbol("pi_k", positive=True)
    specs = [SymbolSpec("pi_k", pi_k)]
    assert parse_answer("pi", specs).expr == sp.pi
    assert parse_answer("pi_k", specs).expr == pi_k
    assert parse_answer(r"\pi_k \pi", specs).expr == sp.pi * pi_k
    with pytest.raises(ParseError) as err:
        parse_answer("pi_0", specs)
    assert err.value.kind == "unknown-symbol"


def test_aliases_and_shadowing():
    lr = sp.Symbol("epsilon", positive=True)
    assert parse_answer("lr x", [SymbolSpec("epsilon", lr, aliases=("lr",)), SymbolSpec("x", S.x)]).expr == lr * S.x
    # A declared name wins over a function of the same name.
    det = sp.Symbol("det")
    assert parse_answer("det(2)", [SymbolSpec("det", det)]).expr == 2 * det


def test_sigma_is_the_function_and_Sigma_the_matrix():
    parsed = parse_answer("sigma(z) Sigma", BINARY)
    assert parsed.shape == (S.d, S.d)


def test_the_functions_a_target_offers():
    specs = SOFTMAX
    assert parse_answer("softmax(a)", specs, functions=frozenset({"softmax"})).shape == (S.K, 1)
    with pytest.raises(ParseError) as err:
        parse_answer("exp(a)", specs, functions=frozenset({"softmax"}))
    assert err.value.kind == "unknown-function" and err.value.known == ["softmax"]
    assert parse_answer("exp(a)", specs).shape == (S.K, 1)
    # Spellings of one function count as one: allowing sigma allows sigmoid.
    assert parse_answer("sigmoid(z)", specs, functions=frozenset({"sigma"})).expr is not None


# --- index notation -------------------------------------------------------------------------

def test_index_notation_reports_its_indices():
    parsed = parse_answer("s_i (delta_ij - s_j)", SOFTMAX)
    assert parsed.notation == "index" and parsed.index == (INDEX_I, INDEX_J)
    assert parsed.expr == S.s[INDEX_I, 0] * (sp.KroneckerDelta(INDEX_I, INDEX_J) - S.s[INDEX_J, 0])
    vector = parse_answer("s_i - y_i", SOFTMAX)
    assert vector.index == (INDEX_I,) and vector.expr == S.s[INDEX_I, 0] - S.Y[INDEX_I, 0]


def test_index_entries_of_a_matrix():
    parsed = parse_answer("W_ij", [SymbolSpec("W", S.W2)])
    assert parsed.expr == S.W2[INDEX_I, INDEX_J]


def test_index_notation_cannot_mix_with_whole_arrays():
    with pytest.raises(ParseError) as err:
        parse_answer("s_i - s", SOFTMAX)
    assert err.value.kind == "unsupported"


# --- notation and echo ------------------------------------------------------------------------

@pytest.mark.parametrize("text, notation", [
    ("(p-y)x", "plain"), ("e^{-z}", "plain"), (r"\frac{1}{2}", "latex"), ("$p + \\theta_0$", "latex"),
])
def test_notation_is_detected(text, notation):
    assert parse_answer(text, BINARY).notation == notation


@pytest.mark.parametrize("text, plain, latex", [
    ("(p-y)x", "(p - y)*x", r"\left(p - y\right) x"),
    ("theta^T x + theta_0", "theta_0 + theta.T @ x", r"\theta_{0} + \theta^{T} x"),
    ("sigma(z)", "sigma(z)", r"\sigma\left(z\right)"),
    ("Sigma^-1 (mu_1 - mu_0)", "Sigma^-1 @ (mu_1 - mu_0)", r"\Sigma^{-1} \left(\mu_{1} - \mu_{0}\right)"),
    ("(sigma(z) - y) x", "(sigma(z) - y)*x", r"\left(\sigma\left(z\right) - y\right) x"),
    ("s_i(delta_ij - s_j)", "(delta_ij - s_j)*s_i", r"\left(\delta_{i j} - s_{j}\right) s_{i}"),
    ("0.5 z", "z/2", r"\frac{z}{2}"),
])
def test_echo_golden_strings(text, plain, latex):
    parsed = parse_answer(text, BINARY + (SymbolSpec("s", S.s),))
    assert (parsed.plain, parsed.latex) == (plain, latex)


@pytest.mark.parametrize("text, specs", [
    ("1 - s", SOFTMAX), ("s*(1-s)", SOFTMAX), ("diag(s) - s s^T", SOFTMAX), ("tanh(W_1 x + b_1)", SOFTMAX),
    ("((W_2.T @ (s - y)) * (1 - h**2)) @ x.T", SOFTMAX), ("-theta_0/||theta||", BINARY),
    ("-1/2 mu_1^T Sigma^-1 mu_1 + log(pi_1/pi_0)", BINARY), ("x^T inv(Sigma) x + det(Sigma)", BINARY),
    ("s_i (delta_ij - s_j)", SOFTMAX), ("1/s + sqrt(s) - abs(a)", SOFTMAX), ("Sigma @ Sigma", BINARY),
    ("exp(a)^T softmax(a)", SOFTMAX), ("theta - eps (p - y) x", BINARY),
    ("Sigma @ Sigma @ Sigma", BINARY), (r"\Sigma^{-2} x", BINARY), ("x.T @ Sigma @ Sigma @ x", BINARY),
    ("(Sigma @ Sigma)^-1 * Sigma", BINARY), ("(s.T @ (a*s))*s", SOFTMAX), ("(sigma(theta^T x) - y) x", BINARY),
])
def test_echo_reads_back_as_the_same_expression(text, specs):
    parsed = parse_answer(text, specs)
    for echo in (parsed.plain, parsed.latex):
        again = parse_answer(echo, specs)
        if parsed.notation == "index":
            assert again.expr == parsed.expr
        else:
            assert_allclose(evaluate(again.expr), evaluate(parsed.expr), rtol=1e-12, err_msg=echo)


def test_the_echo_uses_declared_names():
    theta0 = sp.Symbol("theta_0", real=True)
    parsed = parse_answer("2θ₀", [SymbolSpec("b", theta0, aliases=("θ₀",))])
    assert parsed.plain == "2*b"


def test_sizes_are_left_symbolic():
    parsed = parse_answer("Sigma x", BINARY)
    assert parsed.shape == (S.d, 1)
    assert tuple(int(n.subs(SIZES)) for n in parsed.shape) == (3, 1)


def test_a_difference_is_echoed_as_typed_not_negated():
    assert parse_answer("(sigma(z) - y) x", BINARY).plain == "(sigma(z) - y)*x"


def test_long_answers_are_built_flat():
    # Sums and products are built in one node each (pairwise building was quadratic).
    assert parse_answer("+".join(["p"] * 999), BINARY).expr == 999 * S.p
    assert parse_answer(" ".join(["p"] * 999), BINARY).expr == S.p ** 999
    product = parse_answer("*".join(["x"] * 600), BINARY).expr
    assert isinstance(product, sp.HadamardProduct) and len(product.args) == 600
    assert parse_answer("+".join(["x"] * 600), BINARY).expr == 600 * S.x
