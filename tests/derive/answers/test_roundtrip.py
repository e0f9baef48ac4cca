"""Property: print a random expression (with SymPy's printers or our echo) and parse it back;
the result has the same value.  This exercises the grammar and both lexers on shapes of input
no hand-written list covers, and checks that every echo reads back as what it shows."""

from __future__ import annotations

import os

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from derive import symbols as S
from derive.answers import ParseError, SymbolSpec, parse_answer
from derive.answers.echo import latex_echo, plain_echo
from derive.functions import sigmoid
from derive.ops import Dot, Elementwise, Softmax

from .helpers import BINARY, SOFTMAX, evaluate

SOFTMAX_AND_P = SOFTMAX + (SymbolSpec("p", S.p),)

# Seeded (derandomize) and small for the suite; DERIVE_ANSWER_EXAMPLES=400 searches harder.
EXAMPLES = int(os.environ.get("DERIVE_ANSWER_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

SCALAR_LEAVES = [S.z, S.p, S.y, S.theta0, sp.Integer(2), sp.Integer(3), sp.Rational(1, 2), sp.Rational(-3, 4), sp.pi]
UNARY = [sp.exp, sp.log, sigmoid, sp.tanh, sp.sqrt, sp.cosh, lambda e: -e]


def _binary(drawn: tuple) -> sp.Expr:
    a, b, op = drawn
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    return a ** b


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    unary = st.tuples(st.sampled_from(UNARY), children).map(lambda t: t[0](t[1]))
    binary = st.tuples(children, children, st.sampled_from("+-*/")).map(_binary)
    power = st.tuples(children, st.sampled_from([sp.Integer(-2), sp.Integer(-1), sp.Integer(2), sp.Integer(3),
                                                 sp.Rational(1, 2)])).map(lambda t: t[0] ** t[1])
    return unary | binary | power


scalars = st.recursive(st.sampled_from(SCALAR_LEAVES), _extend, max_leaves=8)


def _usable(expr: sp.Basic) -> bool:
    return not expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I)


def _finite_value(expr: sp.Basic) -> np.ndarray:
    value = evaluate(expr)
    assume(np.all(np.isfinite(value)) and np.all(np.abs(value) < 1e12))
    return value


def _roundtrip(text: str, specs, expected: np.ndarray) -> None:
    try:
        parsed = parse_answer(text, specs)
    except ParseError as err:
        assume(err.kind != "too-big")  # a huge random power is refused by design
        raise
    assert_allclose(evaluate(parsed.expr), expected, rtol=1e-9, atol=1e-12, err_msg=f"{text!r} → {parsed.plain!r}")


PRINTERS = {
    "sympy-str": sp.sstr,
    "sympy-latex": sp.latex,
    "echo-plain": lambda e: plain_echo(e),
    "echo-latex": latex_echo,
}


@pytest.mark.parametrize("printer", PRINTERS, ids=list(PRINTERS))
@SETTINGS
@given(expr=scalars)
def test_printed_scalar_expressions_parse_back(printer, expr):
    assume(_usable(expr))
    if printer == "sympy-str":
        assume(not expr.has(sp.E))  # SymPy prints Euler's number as E; the language spells it e
    expected = _finite_value(expr)
    _roundtrip(PRINTERS[printer](expr), BINARY, expected)


# --- arrays: K-vectors s and a, scalars z and p -------------------------------------------------

VECTOR_LEAVES = [S.s, S.a, S.Y]


def _vector_extend(children: st.SearchStrategy) -> st.SearchStrategy:
    scalar = st.sampled_from([S.z, S.p, sp.Integer(2), sp.Rational(-1, 3)])
    return (
        st.tuples(children, children).map(lambda t: t[0] + t[1])
        | st.tuples(children, children).map(lambda t: t[0] - t[1])
        | st.tuples(children, children).map(lambda t: sp.HadamardProduct(t[0], t[1]))
        | st.tuples(scalar, children).map(lambda t: t[0] * t[1])
        | st.tuples(st.sampled_from([sp.exp, sp.tanh, sigmoid]), children).map(lambda t: Elementwise(t[0], t[1]))
        | children.map(Softmax)
        | st.tuples(children, children, children).map(lambda t: Dot(t[0], t[1]) * t[2])
        | st.tuples(scalar, children).map(lambda t: t[0] * sp.OneMatrix(S.K, 1) + t[1])
        | children.map(lambda v: sp.HadamardPower(v, 2))
    )


vectors = st.recursive(st.sampled_from(VECTOR_LEAVES), _vector_extend, max_leaves=5)


@pytest.mark.parametrize("printer", ["echo-plain", "echo-latex"])
@settings(SETTINGS, max_examples=max(EXAMPLES * 3 // 5, 1))
@given(expr=vectors)
def test_printed_vector_expressions_parse_back(printer, expr):
    # s - s is the zero matrix, which prints as 0 and so loses its shape inside softmax(…).
    assume(not expr.has(sp.ZeroMatrix))
    expected = _finite_value(expr)
    text = PRINTERS[printer](expr)
    if expr.has(sp.OneMatrix):
        # A constant array c·1 standing alone (its array terms cancelled) prints as the scalar
        # c, which the language cannot tell from a scalar: that loss is known and allowed.
        try:
            parse_answer(text, SOFTMAX_AND_P)
        except ParseError as err:
            assume(err.kind not in ("unsupported", "shape"))
    _roundtrip(text, SOFTMAX_AND_P, expected)


def test_the_property_can_fail():
    # The comparison used above tells different expressions apart.
    with pytest.raises(AssertionError):
        _roundtrip(plain_echo(S.s - S.Y), SOFTMAX, evaluate(S.Y - S.s))
