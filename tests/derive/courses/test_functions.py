"""Course functions: defined in the answer language, usable in answers and keys; clashes and bad ones refused."""

from __future__ import annotations

import sympy as sp
import pytest

from derive.courses import course_function, define_function, forget_function
from derive.homework.verdict import Verdict, check


@pytest.fixture
def softsign():
    f = define_function("softsign", ["u"], "u/(1+abs(u))", "course.toml:2")
    yield f
    forget_function("softsign")


def test_a_defined_function_is_declared_with_its_definition(softsign):
    from derive.vocabulary import to_elementary

    z = sp.Symbol("z", real=True)
    assert to_elementary(softsign(z)) == z / (1 + sp.Abs(z))
    assert sp.simplify(sp.diff(softsign(z), z).subs(z, 2) - sp.Rational(1, 9)) == 0
    assert course_function("softsign") is softsign


def test_answers_may_use_it_and_it_is_checked_like_its_formula(softsign):
    assert check("bce-dz", "softsign(p) (1 + p) - y").verdict is Verdict.CORRECT  # p ∈ (0, 1)
    assert check("bce-dz", "softsign(p) - y").verdict is Verdict.INCORRECT
    vector = check("bce-gradient", "softsign(x)")
    assert vector.verdict is Verdict.INVALID and "of an array" in vector.feedback


def test_forgotten_functions_are_unknown_again(softsign):
    forget_function("softsign")
    r = check("bce-dz", "softsign(p) - y")
    assert r.verdict is Verdict.INVALID and "unknown name 'softsign'" in r.feedback


@pytest.mark.parametrize("name, args, definition, words", [
    ("tanh", ["u"], "u", "clashes with the built-in 'tanh'"),
    ("soft_sign", ["u"], "u", "2 to 32 letters"),
    ("twoargs", ["u", "v"], "u + v", "one argument name"),
    ("vector", ["u"], "diag(u)", "does not read"),
    ("leak", ["u"], "open(u)", "unknown name 'open'"),
    ("code", ["u"], "__import__('os')", "does not read"),
])
def test_bad_definitions_are_refused_with_their_place(name, args, definition, words):
    with pytest.raises(ValueError, match="here.toml:3") as info:
        define_function(name, args, definition, "here.toml:3")
    assert words in str(info.value)


def test_a_second_definition_names_both_places(softsign):
    with pytest.raises(ValueError, match=r"other.toml:9: function 'softsign' clashes with .* in course.toml:2"):
        define_function("softsign", ["u"], "u", "other.toml:9")
