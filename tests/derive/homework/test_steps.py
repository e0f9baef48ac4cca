"""check-steps: every line must equal the one before, and the last must be the answer."""

from __future__ import annotations

import pytest

from derive.homework.steps import check_steps, split_steps
from derive.homework.verdict import Verdict

GOOD = """# ∂L/∂z for the logistic loss, with p = σ(z)
-y (1 - p) + (1 - y) p
= -y + y p + p - y p
p - y
"""


def test_a_correct_derivation_passes():
    r = check_steps("bce-dz", GOOD)
    assert r.ok and r.first_failure is None
    assert [s.line for s in r.steps] == [2, 3, 4]
    assert [s.status for s in r.steps] == ["start", "follows", "follows"]
    assert r.final.verdict is Verdict.CORRECT


def test_the_first_line_that_does_not_follow_is_reported():
    text = "-y(1-p) + (1-y)p\n-y + y p + p + y p\np - y\n"
    r = check_steps("bce-dz", text)
    assert not r.ok and r.first_failure == 2
    assert r.steps[-1].status == "does not follow"
    assert r.steps[-1].counterexample  # a point where the two lines differ
    assert len(r.steps) == 2  # checking stops at the first failure


def test_a_sign_slip_is_named():
    r = check_steps("bce-dz", "p - y\ny - p\n")
    assert r.first_failure == 2 and "sign changed" in r.steps[-1].reason


def test_equalities_on_one_line_are_steps():
    r = check_steps("bce-dz", "sigma(z) - y = 1/(1 + exp(-z)) - y = p - y")
    assert r.ok and len(r.steps) == 3 and {s.line for s in r.steps} == {1}


def test_a_chain_that_ends_elsewhere_is_not_the_answer():
    r = check_steps("bce-dz", "y - p\n-(p - y)\n")
    assert not r.ok and r.first_failure == 2
    assert r.steps[-1].status == "not the answer"
    assert "Sign of (p − y) flipped" in r.steps[-1].reason


def test_an_unreadable_line_is_reported_with_its_kind():
    r = check_steps("bce-dz", "p - y\n(p - y\n")
    assert r.first_failure == 2 and r.steps[-1].status == "invalid" and "syntax" in r.steps[-1].reason


def test_a_change_of_shape_does_not_follow():
    r = check_steps("bce-gradient", "(p - y) x\n(p - y) x^T\n")
    assert r.first_failure == 2 and "shape changed" in r.steps[-1].reason


def test_matrix_steps():
    r = check_steps("bce-gradient", "(sigma(theta^T x + theta_0) - y) x\n(p - y) x\np x - y x\n")
    assert r.ok


def test_empty_derivations_are_an_error():
    with pytest.raises(ValueError):
        check_steps("bce-dz", "# only a comment\n\n")
    assert split_steps("a = b\n\n% c\n= d") == [(1, "a"), (1, "b"), (4, "d")]
