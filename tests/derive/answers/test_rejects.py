"""Rejected answers: each raises one ParseError of the right kind, with a one-line message that
says where (syntax) or what is known (names); hostile input never runs anything; bounds hold."""

from __future__ import annotations

import builtins
import pickle

import pytest
import sympy as sp

from derive import symbols as S
from derive.answers import MAX_CHARS, ParseError, SymbolSpec, parse_answer
from derive.answers.grammar import parser
from derive.answers.parse import clear_cache

from .helpers import BINARY, SOFTMAX

BOTH = BINARY + tuple(spec for spec in SOFTMAX if spec.name in ("s", "a"))


def _error(text: str, specs=BINARY, **kwargs) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_answer(text, specs, **kwargs)
    err = info.value
    assert "\n" not in str(err), "a ParseError is one line"
    return err


@pytest.mark.parametrize("text, column", [
    ("(p-y", 0), ("p+", 2), ("p y)", 3), ("p ** ", 4), ("p = y", 2), ("x.y", 1), ("p,y", 1), ("sigma()", 6),
    (")(", 0), ("2 +* 3", 3), (r"\frac{1}", 8), ("p^", 2), ("[p)", 2), ("|p", 0), (r"x_", 1), ("p 'y'", 2),
    ("{p", 0), ("}", 0), (r"\theta_0 = 1", 9), ("p;", 1), ("p & y", 2), (r"\top", 0),
])
def test_syntax_errors_say_where(text, column):
    err = _error(text)
    assert err.kind in ("syntax", "unsupported")
    assert err.position == column, f"{text!r}: {err} (position {err.position})"
    assert f"column {column + 1}" in str(err)


def test_an_empty_answer():
    for text in ("", "   ", "$$"):
        assert _error(text).kind == "syntax"


def test_the_pointer_marks_the_spot():
    err = _error("theta^T x + (p")
    assert err.pointer() == "theta^T x + (p\n            ^"


def test_unknown_symbols_list_the_known_ones():
    err = _error("q + p")
    assert err.kind == "unknown-symbol" and err.position == 0
    assert "'q'" in str(err)
    for name in ("theta_0", "p", "Sigma", "e", "pi"):
        assert name in err.known
    assert "theta_0" in str(err)


def test_unknown_functions_list_the_known_ones():
    err = _error("foo(p)")
    assert err.kind == "unknown-function"
    assert {"exp", "log", "sigma", "softmax", "outer"} <= set(err.known)


def test_an_entry_of_an_undeclared_or_scalar_name_is_unknown():
    assert _error("s_k", SOFTMAX).kind == "unknown-symbol"
    assert _error("p_i").kind == "unknown-symbol"
    err = _error("x_1")
    assert err.kind == "unknown-symbol" and "x_i" in str(err)


@pytest.mark.parametrize("text, shapes", [
    ("x + s", ("d", "K")), ("theta @ x", ("d", "d")), ("x * s", ("d", "K")), ("x + Sigma", ("d", "d")),
    (r"x \odot \theta^T", ("d", "1")), ("s / x", ("K", "d")),
])
def test_shape_mismatches_name_both_shapes(text, shapes):
    err = _error(text, BOTH)
    assert err.kind == "shape"
    left, right = err.shapes
    assert (str(left[0]), str(right[0])) == shapes or (str(left[0]), str(right[1])) == shapes
    assert "×" in str(err)


def test_at_needs_two_arrays():
    err = _error("p @ x")
    assert err.kind == "shape" and err.shapes == (None, (S.d, 1))


@pytest.mark.parametrize("text", [
    "softmax(p)", "inv(x)", "det(x)", "diag(Sigma)", "diag(p)", "outer(p, x)", "x^x", "norm(Sigma)",
    "1/0", "log(0)", "0^-1", "p/(1-1)", r"\mathbf{1} - x", r"\sum_k y_k", "p'", r"\|x\|_1",
    # Primes: a derivative only of a function of one scalar, a transpose only of an array.
    "sigma'(x)", "logsumexp'(z)", "max'(z)", "tanh'''(z)", "(p - y)'",
])
def test_unsupported_constructions(text):
    assert _error(text).kind == "unsupported"


def test_wrong_number_of_arguments():
    assert _error("outer(x)").kind == "syntax"
    assert _error("exp(p, y)").kind == "syntax"


HOSTILE = [
    "__import__('os').system('ls')", "open('x')", "open('/etc/passwd').read()", "lambda: 1", "a.__class__",
    "p.__class__.__bases__", "[x for x in y]", "(x for x in y)", "eval('1')", "exec('import os')",
    "getattr(p, 'x')", "sympify('p')", "globals()", "p; import os", "p if y else z", "__builtins__",
    r"\input{/etc/passwd}", r"\include{x}", r"\def\x{}", r"\newcommand{\x}{1}", r"\write18{ls}",
    r"\immediate\write18{ls}", r"\catcode`\^=12", r"\csname x\endcsname", r"\begin{verbatim}x\end{verbatim}",
    "p\x00", "'p'", '"p"', "p # comment", "`ls`", "$(ls)", "p\\", "Γ(p)", "𝑝",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused(text):
    _error(text)


def test_nothing_is_ever_evaluated(monkeypatch):
    """Run every answer with eval and exec booby-trapped: SymPy's sympify and parse_expr reach
    eval when given a string, so this also proves they are never handed the answer."""
    parser()  # build the grammar first: that is our code, not the user's input
    clear_cache()  # and parse every answer afresh, not from a reading cached by another test
    calls = []

    def trap(*args, **kwargs):
        calls.append(args)
        raise AssertionError("eval/exec called while parsing an answer")

    monkeypatch.setattr(builtins, "eval", trap)
    monkeypatch.setattr(builtins, "exec", trap)
    for text in [*HOSTILE, "(p-y)x", r"\frac{1}{1+e^{-z}}", "Sigma^-1 (mu_1 - mu_0)", "s_i(delta_ij - s_j)"]:
        try:
            parse_answer(text, BOTH)
        except ParseError:
            pass
    assert calls == []


# --- limits -----------------------------------------------------------------------------------

def test_too_long():
    text = "p + " * (MAX_CHARS // 4) + "p"
    assert len(text) > MAX_CHARS
    err = _error(text)
    assert err.kind == "too-long" and str(MAX_CHARS) in str(err)
    assert parse_answer("p" + " " * (MAX_CHARS - 1), BINARY).expr == S.p


@pytest.mark.parametrize("text", [
    "9**9**9**9", "9^9^9^9", "2^100000", "(1/3)^100000", "10^10^10", "p^1000", "p^(10^6)", "exp(p)^(2^200)",
    "1" + "0" * 40, "1e999", "2^(1/1000000)", "((" * 25 + "p" + "))" * 25, "-" * 500 + "p",
    "p" + "^p" * 300, "p" + ".T" * 400, r"\frac{" * 50 + "1" + "}{2}" * 50,
])
def test_too_big(text):
    assert _error(text).kind == "too-big"


def test_bounded_powers_still_work():
    assert parse_answer("2^100", BINARY).expr == 2 ** 100
    assert parse_answer("p^100", BINARY).expr == S.p ** 100
    assert parse_answer("(-1)^(10^20)", BINARY).expr == 1
    assert parse_answer("(((((p)))))", BINARY).expr == S.p


# --- the error object and the API's own arguments -------------------------------------------------

def test_parse_errors_pickle():
    err = _error("(p")
    again = pickle.loads(pickle.dumps(err))
    assert (again.kind, again.position, str(again), again.pointer()) == (err.kind, err.position, str(err), err.pointer())


def test_a_cached_error_is_raised_afresh():
    first, second = _error("(p"), _error("(p")
    assert first is not second and str(first) == str(second)


def test_parse_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_answer("q", BINARY)


def test_bad_arguments_are_type_errors():
    with pytest.raises(TypeError):
        parse_answer(b"p", BINARY)
    with pytest.raises(TypeError):
        parse_answer("p", ["p"])
    with pytest.raises(TypeError):
        SymbolSpec("p", "p")
    with pytest.raises(TypeError):
        SymbolSpec("", S.p)
    with pytest.raises(ValueError):
        parse_answer("p", BINARY, functions=frozenset({"eval"}))
    with pytest.raises(ValueError):
        parse_answer("p", [SymbolSpec("p", S.p), SymbolSpec("p", sp.Symbol("q"))])
