"""Numeric variants: reproducible inputs, keys that match NumPy, numeric answers with a tolerance."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

from derive.evaluate import Mat
from derive.homework.problems import RTOL, make_variant, parse_numbers, split_name
from derive.homework.verdict import Verdict, check


def arr(v) -> np.ndarray:
    if isinstance(v, Mat):
        return np.array([[float(x) for x in row] for row in v.tolist()])
    return np.array(float(v))


def sig(t):
    return 1 / (1 + np.exp(-t))


def given(variant) -> dict[str, np.ndarray]:
    return {k: arr(v) for k, v in variant.given.items()}


def test_variants_are_reproducible_and_differ_by_seed():
    a, b, c = make_variant("bce-gradient", 4), make_variant("bce-gradient", 4), make_variant("bce-gradient", 5)
    assert a.as_dict() == b.as_dict()
    assert a.as_dict()["given"] != c.as_dict()["given"]


@pytest.mark.parametrize("seed", range(4))
def test_logistic_keys_match_numpy(seed):
    v = make_variant("bce-gradient", seed)
    g = given(v)
    x, th, th0, y = g["x"][:, 0], g["theta"][:, 0], float(g["theta_0"]), float(g["y"])
    p = sig(th @ x + th0)
    assert_allclose(arr(v.key_numbers())[:, 0], (p - y) * x, rtol=1e-12)
    loss = make_variant("bce-loss", seed)
    gl = given(loss)
    pz = sig(float(gl["z"]))
    yl = float(gl["y"])
    assert_allclose(float(loss.key_numbers()), -yl * np.log(pz) - (1 - yl) * np.log(1 - pz), rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_lda_keys_match_numpy(seed):
    v = make_variant("lda-theta", seed)
    g = given(v)
    sigma, mu0, mu1 = g["Sigma"], g["mu_0"][:, 0], g["mu_1"][:, 0]
    assert np.all(np.linalg.eigvalsh(sigma) > 0)
    assert abs(float(g["pi_0"]) + float(g["pi_1"]) - 1) < 1e-15
    assert_allclose(arr(v.key_numbers())[:, 0], np.linalg.solve(sigma, mu1 - mu0), rtol=1e-12)
    v0 = make_variant("lda-theta0", seed)
    g0 = given(v0)
    s0, m0, m1 = g0["Sigma"], g0["mu_0"][:, 0], g0["mu_1"][:, 0]
    expected = (-m1 @ np.linalg.solve(s0, m1) / 2 + m0 @ np.linalg.solve(s0, m0) / 2
                + np.log(float(g0["pi_1"]) / float(g0["pi_0"])))
    assert_allclose(float(v0.key_numbers()), expected, rtol=1e-12)


def test_a_numeric_answer_within_the_tolerance_is_correct():
    v = make_variant("bce-gradient", 2)
    key = arr(v.key_numbers())[:, 0]
    close = "[" + ", ".join(f"{k * (1 + RTOL / 5):.12g}" for k in key) + "]"
    far = "[" + ", ".join(f"{k * (1 + 20 * RTOL) + 1e-3:.12g}" for k in key) + "]"
    assert check(v.name, close).verdict is Verdict.CORRECT
    assert check(v.name, far).verdict is Verdict.INCORRECT


def test_a_formula_is_evaluated_at_the_variants_inputs():
    assert check("bce-gradient@3", "(p - y) x").verdict is Verdict.CORRECT
    wrong = check("bce-gradient@3", "(y - p) x")
    assert wrong.verdict is Verdict.INCORRECT and wrong.score == 0.5


def test_a_wrong_number_from_a_known_mistake_is_named():
    v = make_variant("bce-dz", 1)
    g = given(v)
    p, y = sig(float(g["z"])), float(g["y"])
    wrong = f"{-y / p + (1 - y) / (1 - p):.10g}"  # ∂L/∂p instead of ∂L/∂z
    r = check(v.name, wrong)
    assert r.verdict is Verdict.INCORRECT
    assert "∂L/∂p" in r.feedback and r.score == 0.25


def test_shapes_of_numeric_answers_are_checked():
    r = check("bce-gradient@1", "[1, 2, 3]")
    assert r.verdict is Verdict.INCORRECT and "column vector" in r.feedback


@pytest.mark.parametrize("text, expected", [
    ("1.5", sp.Rational(3, 2)), ("-2", sp.Integer(-2)), ("1/3", sp.Rational(1, 3)), ("1e-3", sp.Rational(1, 1000)),
    ("−0.25", sp.Rational(-1, 4)),
])
def test_parse_numbers_reads_scalars_exactly(text, expected):
    assert parse_numbers(text) == expected


def test_parse_numbers_reads_vectors_and_matrices():
    v = parse_numbers("[1, -2.5, 3/4]")
    assert v.shape == (3, 1) and v.data == (1, sp.Rational(-5, 2), sp.Rational(3, 4))
    m = parse_numbers("[[1, 2], [3, 4]]")
    assert m.shape == (2, 2) and m.tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("text", ["[1, 2", "[[1, 2], [3]]", "[1; 2]", "[[[1]]]", "1 + 2", "__import__('os')",
                                  "[" + "1," * 1500 + "1]"])
def test_parse_numbers_rejects_everything_else(text):
    with pytest.raises(ValueError):
        parse_numbers(text)


@pytest.mark.parametrize("name", ["bce-gradient", "bce-gradient@", "bce-gradient@-1", "bce-gradient@x", "@3"])
def test_variant_names_are_target_at_seed(name):
    if name == "@3":
        assert split_name(name) == ("", 3)
        assert check(name, "1").verdict is Verdict.INVALID
        return
    with pytest.raises(ValueError):
        split_name(name)
    assert check(name, "1").verdict is Verdict.INVALID if "@" in name else True
