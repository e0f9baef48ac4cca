"""The chapter's parts: scopes, the table of checks, front matter, the worked example, exercises."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from derive import REGISTRY
from derive.verify import StepResult, Verdict
from reports.checked import checked_table
from reports.document import Section
from reports.scope import EVERY_SIZE, method_phrase, scope_phrase


def _step(name: str, i: int):
    return REGISTRY[name].steps[i]


# -- scope -------------------------------------------------------------------------------

def test_scope_of_a_scalar_claim_is_as_stated():
    assert scope_phrase(_step("sigmoid-derivative", 0), StepResult(Verdict.PROVED, "expand")) == EVERY_SIZE


def test_scope_of_one_dimension_is_its_range():
    result = StepResult(Verdict.PROVED, "expand log (explicit d=1..4)")
    assert scope_phrase(_step("lda-logistic", 0), result) == "d = 1, …, 4"
    assert method_phrase(result) == "expand log"


def test_scope_of_several_dimensions_lists_the_sizes_actually_checked():
    # not "K = 2..4, d = 1..4", which would claim every combination
    result = StepResult(Verdict.PROVED, "together (explicit K=2..4, d=1..4)")
    phrase = scope_phrase(_step("softmax-ce-gradient", 12), result)
    assert phrase.startswith("(K, d) = (2, ") and phrase.count("(") == 5


def test_explicit_step_sizes_win_over_the_method():
    step = _step("mlp-backprop", 0)
    result = StepResult(Verdict.PROVED, "together (explicit K=2..3, d=1..2, m=2..3)")
    assert scope_phrase(step, result) == "(K, d, m) = (2, 2, 3), (3, 1, 2)"


@dataclass(frozen=True)
class _Scope:
    phrase: str


def test_a_scope_reported_by_the_verifier_is_used_as_it_is():
    result = StepResult(Verdict.PROVED, "expand (explicit d=1..4)")
    result.scope = _Scope("every d (symbolic)")   # what the verifier will attach
    assert scope_phrase(_step("lda-logistic", 0), result) == "every d (symbolic)"


# -- the table of checks -------------------------------------------------------------------

def test_the_method_column_does_not_repeat_the_scope_the_verifier_appends():
    from derive.verify.result import Scope

    scope = Scope(False, ("d",), ((("d", 1),), (("d", 2),), (("d", 3),), (("d", 4),)), ((("d", 7),), (("d", 8),)))
    result = StepResult(Verdict.PROVED, f"expand_log ({scope.phrase()})", scope=scope)
    assert method_phrase(result) == "expand_log"
    assert scope_phrase(_step("lda-logistic", 0), result) == scope.phrase()
    # a parenthesis that is not the scope stays
    assert method_phrase(StepResult(Verdict.PROVED, "cases (16 to 256)", scope=scope)) == "cases (16 to 256)"



def test_checked_table_groups_runs_and_names_the_sizes():
    d = REGISTRY["lda-logistic"]
    results = [StepResult(Verdict.PROVED, "expand log (explicit d=1..4)", seconds=0.5)] * 3 + \
              [StepResult(Verdict.UNDECIDED, "undecided (numerically consistent at 24 points)")] + \
              [StepResult(Verdict.PROVED, "cancel (explicit d=1..4)")] * (len(d.steps) - 4)
    table = checked_table([Section(d, results)])
    assert r"\caption{How each step was checked" in table
    assert r"1--3 & \ok & expand log & $d = 1$, \dots{}, $4$ & 1.50 \\" in table
    assert r"4 & \unk & undecided" in table
    assert r"\textsf{derive show lda-logistic}" in table



def test_steps_read_from_the_proof_cache_say_so_instead_of_a_time():
    d = REGISTRY["sigmoid-derivative"]
    results = [StepResult(Verdict.PROVED, "expand", seconds=0.001, cached=True) for _ in d.steps]
    results[-1] = StepResult(Verdict.PROVED, "cancel", seconds=0.25)
    table = checked_table([Section(d, results)])
    assert r"& cached \\" in table and r"& 0.25 \\" in table
    assert f"{len(d.steps) - 1} of {len(d.steps)} steps read from the proof cache" in table

# -- front matter ------------------------------------------------------------------------

def test_notation_and_summary_come_from_the_derivations():
    from reports.front import notation_section, summary_section

    notation = notation_section()
    assert notation.startswith(r"\section*{Notation}") and r"\caption{Notation." in notation
    assert r"$z$ & $\boldsymbol{\theta}^{\top} \mathbf{x} + \theta_{0}$, the logit" in notation
    assert r"\operatorname{vecdiag}" in notation and r"\operatorname{diag}" in notation
    summary = summary_section({"sgd-update": r"Theorem~\ref{sec:sgd-update}"})
    assert r"\caption{Summary of results" in summary
    # the gradient and the update are the derivations' constants, printed with the names
    assert r"$\left(p - y\right) \mathbf{x}$" in summary
    assert r"\boldsymbol{\theta} \leftarrow \boldsymbol{\theta} - \varepsilon \left(p - y\right) \mathbf{x}" in summary


# -- the worked example --------------------------------------------------------------------

def test_worked_example_numbers_match_a_hand_computation():
    from reports import example as E

    e = E.worked_example()
    x, theta = np.array(E.X), np.array(E.THETA)
    z = float(theta @ x) + E.THETA0
    p = 1 / (1 + math.exp(-z))
    assert e.z == pytest.approx(z, abs=1e-12)
    assert e.p == pytest.approx(p, abs=1e-12)
    assert e.loss == pytest.approx(-E.Y * math.log(p) - (1 - E.Y) * math.log(1 - p), abs=1e-12)
    assert e.gradient == pytest.approx(tuple((p - E.Y) * x), abs=1e-12)
    step = theta - E.EPS * (p - E.Y) * x
    assert e.theta_next == pytest.approx(tuple(step), abs=1e-12)
    assert e.loss_next < e.loss                     # the step helped, as Theorem 9 says it must for y = 1
    tex = E.example_subsection()
    for value in (e.z, e.p, e.loss, e.theta0_next):
        assert "%.4f" % value in tex


def test_forward_figure_values_are_the_networks():
    from reports.forward import forward_values

    v = forward_values()
    h = np.tanh(v["W1"] @ v["x"] + v["b1"])
    a = v["W2"] @ h + v["b2"]
    assert np.allclose(v["h"], h) and np.allclose(v["a"], a)
    assert np.allclose(v["s"], np.exp(a) / np.exp(a).sum())


# -- exercises -----------------------------------------------------------------------------

def test_exercises_state_questions_without_answers():
    from derive.homework import get_target, target_names
    from reports.exercises import exercises_section
    from reports.latex import latex

    tex = exercises_section()
    assert tex.startswith(r"\section{Exercises}")
    for name in target_names():
        assert r"\textbf{%s.}" % name.replace("-", "-") in tex
        key = latex(get_target(name).key)
        assert key not in tex, name                # no answer key in the exercises


def test_solutions_have_keys_mistakes_and_worked_checks():
    from derive.homework import get_target, target_names
    from reports.exercises import WorkedCheck, solutions_document

    fake = {n: (WorkedCheck("k", "correct", "Correct."), WorkedCheck("m", "incorrect", "Incorrect. Sign."))
            for n in target_names()}
    doc = solutions_document(fake)
    t = get_target("bce-gradient")
    assert r"\subsection*{bce-gradient}" in doc and t.mistakes[0].name in doc
    assert "A worked check" in doc and r"\textbf{incorrect}" in doc


def test_worked_check_runs_the_checker_on_the_key_and_a_mistake():
    from reports.exercises import _check
    from derive.homework import get_target

    t = get_target("bce-gradient")
    assert _check(t.name, t.key).verdict == "correct"
    wrong = _check(t.name, t.mistakes[0].expr)
    assert wrong.verdict == "incorrect" and wrong.feedback
