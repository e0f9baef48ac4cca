"""Attacks on the checker, each named after what it tries, and each one rejected.

An answer that is wrong must never be "correct", however it was built to fool the checker:
roots planted at the points the checker used to use, terms that vanish at the checked sizes
only, numbers that are close to the largest entry of a key but wrong in a small one, a 0/0 or
∞ − ∞ that SymPy simplifies away.  And a right answer must not be rejected because 50 digits
could not see a cancellation.
"""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp

from derive import symbols as S
from derive.homework.equivalence import Checker, N_RANDOM, N_WIDE
from derive.homework.problems import make_variant
from derive.homework.seed import run_seed, use_seed
from derive.homework.sources import DENOMINATOR_BITS
from derive.homework.targets import get_target
from derive.homework.verdict import Verdict, check, check_expr, clear_cache

z = S.z


def old_predictable_values() -> list[sp.Rational]:
    """The exact points of the checker before the secret seed: a/b with |a| ≤ 32, b ≤ 16, and the
    special values; about 643 rationals."""
    values = {sp.Rational(a, b) for a in range(-32, 33) for b in range(1, 17)}
    return sorted(values | {sp.S.Half, sp.Rational(-1, 3), sp.Integer(2)})


def test_the_old_point_set_has_about_643_values():
    assert 600 <= len(old_predictable_values()) <= 700


def test_forged_roots_at_the_old_predictable_points_are_rejected():
    # ε·Π(z − r) over 60 likely values, scaled to be 4 at z = 10⁵ (so 4·10⁶⁰ at z = 10⁶): tiny
    # wherever the old points were, and exactly 0 at the ones it names.
    rng = random.Random(14)
    roots = rng.sample(old_predictable_values(), 60)
    q = sp.Mul(*[z - r for r in roots])
    eps = 4 / q.subs(z, 10 ** 5)
    key = get_target("sigmoid-derivative").key
    r = check_expr("sigmoid-derivative", key + eps * q)
    assert r.verdict is Verdict.INCORRECT, r.feedback


def test_the_points_are_secret_large_rationals_that_change_between_runs():
    target = get_target("bce-gradient")
    a, b = Checker(target, seed=1), Checker(target, seed=2)
    values = [v for p in a.numeric if p.origin == "random" for v in p.values.values() if v.q != 1]
    assert values and min(v.q for v in values) >= 1 << DENOMINATOR_BITS[0]
    assert max(abs(v) for p in a.numeric[N_RANDOM - N_WIDE:N_RANDOM] for v in p.values.values()) > 1000
    assert [p.values for p in a.numeric[:3]] != [p.values for p in b.numeric[:3]]
    again = Checker(target, seed=1)
    assert [p.values for p in a.numeric] == [p.values for p in again.numeric]


def test_a_verdict_records_its_seed_and_the_seed_reproduces_it():
    clear_cache()
    first = check("bce-gradient", "(y - p) x")
    assert first.seed == run_seed() and first.as_dict()["points_seed"] == first.seed
    try:
        use_seed(first.seed)
        clear_cache()
        again = check("bce-gradient", "(y - p) x")
        assert again.counterexample == first.counterexample
        use_seed(12345)
        other = check("bce-gradient", "(y - p) x")
        assert other.seed == 12345 and other.counterexample != first.counterexample
    finally:
        use_seed(None)
    with pytest.raises(ValueError, match="points seed"):
        use_seed(-1)


# --- dimension tricks: (x⁰)ᵀx⁰ is d, so a factor (d − 2)(d − 3) vanishes at the old sizes --------

DIMENSION_TRICKS = [
    ("bce-gradient", "(p - y) x", "((x^0)^T x^0 - 2)((x^0)^T x^0 - 3) x"),
    ("bce-hessian", "p(1-p) x x^T", "((x^0)^T x^0 - 2)((x^0)^T x^0 - 3) x x^T"),
    ("softmax-jacobian", "diag(s) - s s^T", "((s^0)^T s^0 - 3)((s^0)^T s^0 - 4) s s^T"),
    ("softmax-ce-gradient", "s - y", "((y^0)^T y^0 - 3)((y^0)^T y^0 - 4) s"),
    ("mlp-grad-W2", "(s - y) h^T", "((h^0)^T h^0 - 4)((h^0)^T h^0 - 5) (s - y) h^T"),
    ("lda-softmax-theta0", "-1/2 mu_k^T Sigma^-1 mu_k + log(pi_k)", "((mu_k^0)^T mu_k^0 - 2)((mu_k^0)^T mu_k^0 - 3) pi_k"),
]


@pytest.mark.parametrize("target, key, trick", DIMENSION_TRICKS, ids=[t[0] for t in DIMENSION_TRICKS])
@pytest.mark.parametrize("scale", ["", "10^(-300) "], ids=["visible", "tiny"])
def test_a_term_that_vanishes_at_the_checked_sizes_only_is_rejected(target, key, trick, scale):
    assert check(target, key).verdict is Verdict.CORRECT
    r = check(target, f"{key} + {scale}{trick}")
    assert r.verdict is Verdict.INCORRECT, r.feedback


@pytest.mark.parametrize("target, key, trick", DIMENSION_TRICKS[:1], ids=["bce-gradient"])
def test_a_dimension_term_that_really_vanishes_is_accepted(target, key, trick):
    # (x⁰)ᵀx⁰ − (x⁰)ᵀx⁰ is 0 at every size: using the dimension is not wrong in itself.
    r = check(target, f"{key} + ((x^0)^T x^0 - (x^0)^T x^0) x")
    assert r.verdict is Verdict.CORRECT, r.feedback


# --- numeric variants: entry by entry --------------------------------------------------------------

def _numbers(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(mpmath.nstr(v, 12) for v in row) + "]" for row in rows) + "]"


def test_numeric_variant_small_negative_entries_answered_positive_are_rejected():
    v = make_variant("mlp-grad-W1", 9)
    rows = [[v_ for v_ in row] for row in v.key_numbers().tolist()]
    scale = max(abs(e) for row in rows for e in row)
    small = [(i, j) for i, row in enumerate(rows) for j, e in enumerate(row) if e < 0 and abs(e) < 1e-3 * scale]
    assert small, "mlp-grad-W1@9 has small negative entries"
    assert check("mlp-grad-W1@9", _numbers(rows)).verdict is Verdict.CORRECT
    for i, j in small:
        rows[i][j] = -rows[i][j]
    r = check("mlp-grad-W1@9", _numbers(rows))
    assert r.verdict is Verdict.INCORRECT and "sign" in r.feedback, r.feedback


def test_numeric_variant_nonzero_where_the_key_is_zero_is_rejected():
    v = make_variant("lda-theta", 39)
    key = list(v.key_numbers().data)
    assert any(e == 0 for e in key), "lda-theta@39 has a zero entry"
    answer = ["-0.0004" if e == 0 else mpmath.nstr(e, 12) for e in key]
    r = check("lda-theta@39", "[" + ", ".join(answer) + "]")
    assert r.verdict is Verdict.INCORRECT, r.feedback
    rounded = ["0" if e == 0 else mpmath.nstr(e, 4) for e in key]
    assert check("lda-theta@39", "[" + ", ".join(rounded) + "]").verdict is Verdict.CORRECT


# --- undefined forms and cancellation ------------------------------------------------------------

@pytest.mark.parametrize("form", [
    "p(1-p) + 0/(sigma(z) - 1/(1+e^(-z)))",
    "p(1-p) + 1/(sigma(z) - 1/(1+e^(-z))) - 1/(sigma(z) - 1/(1+e^(-z)))",
    "p(1-p) (sigma(z) - 1/(1+e^(-z)))/(sigma(z) - 1/(1+e^(-z)))",
    "p(1-p) + log(sigma(z) - 1/(1+e^(-z))) - log(sigma(z) - 1/(1+e^(-z)))",
])
def test_zero_over_zero_and_infinity_minus_infinity_are_invalid(form):
    r = check("sigmoid-derivative", form)
    assert r.verdict is Verdict.INVALID and "0/0" in r.feedback, r.feedback


def test_dividing_by_something_zero_only_at_a_point_is_fine():
    assert check("sigmoid-derivative", "p(1-p) z / z").verdict is Verdict.CORRECT


def test_the_cancelling_power_is_proved_or_evaluated_exactly_not_rejected():
    r = check("bce-gradient", "(p - y) x + ((x^T theta + theta_0 + 1)^100 - (z+1)^100) x")
    assert r.verdict is Verdict.CORRECT, r.feedback
    wrong = check("bce-gradient", "(p - y) x + ((x^T theta + theta_0 + 1)^100 - (z+1)^100 + 10^(-200)) x")
    assert wrong.verdict is Verdict.INCORRECT, wrong.feedback


def test_a_checker_with_a_given_seed_does_not_depend_on_the_run_seed():
    target = get_target("bce-gradient")
    try:
        use_seed(1)
        a = Checker(target, seed=5)
        use_seed(2)
        b = Checker(target, seed=5)
    finally:
        use_seed(None)
    assert [p.values for p in a.numeric] == [p.values for p in b.numeric]
