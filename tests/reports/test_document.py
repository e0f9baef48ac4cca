"""Golden LaTeX of each kind of step, and marks that follow the verifier's results."""

from __future__ import annotations

import re

import sympy as sp

from derive import REGISTRY
from derive.assumptions import Binary, Interval, OneHot, Positive, Real, Simplex, SymmetricPositiveDefinite
from derive.functions import sigmoid
from derive.ops import Dot
from derive.step import Derivation, Step, chain
from derive.symbols import P, Y, pi0, pi1, theta, x
from derive.verify import StepResult, Verdict
from reports.document import (Section, assumption_latex, badge, chain_display, mark, section, standalone,
                              theorem_box, where_line)
from reports.names import names_for
from reports.notes import lecture_notes

z = sp.Symbol("z", real=True)
t = sp.Symbol("t", positive=True)
PROVED = StepResult(Verdict.PROVED, "expand")
REFUTED = StepResult(Verdict.REFUTED, "mpmath, 50 digits", residual=0.1, counterexample={"z": "0.5", "theta_0": "-1.25e-3"})
UNDECIDED = StepResult(Verdict.UNDECIDED, "undecided (numerically consistent at 24 points)")


def small() -> Derivation:
    return Derivation(
        name="toy", title="A toy", statement=(sp.Eq(sigmoid(-z), 1 - sigmoid(z), evaluate=False),),
        steps=chain(sigmoid(-z), (1 / (1 + sp.exp(z)), "definition of σ at −z"),
                    (1 - sigmoid(z), "σ(−z) = 1 − σ(z)")),
        assumptions=(Real(z),))


# -- badges ------------------------------------------------------------------------------

def test_mark_of_each_verdict():
    assert [mark(r) for r in (PROVED, REFUTED, UNDECIDED, None)] == [r"\ok", r"\bad", r"\unk", ""]


def test_badge_of_each_verdict():
    assert badge(PROVED) == r"\proved{expand}"
    assert badge(REFUTED) == (r"\refuted{mpmath, $50$ digits; counterexample "
                              r"$z = 0.5, \theta_{0} = -1.25\cdot 10^{-3}$}")
    assert badge(UNDECIDED) == r"\undecided{undecided (numerically consistent at $24$ points)}"


# -- steps -------------------------------------------------------------------------------

def test_equality_steps_with_their_notes():
    got = chain_display(small(), [0, 1], [PROVED, UNDECIDED])
    assert got == (
        r"\setlength{\notewidth}{20.5em}\sbox{\lhsbox}{$\displaystyle \sigma\left(- z\right)$}" "\n"
        r"\begin{align*}" "\n"
        r"\sigma\left(- z\right) &= \frac{1}{e^{z} + 1} "
        r"\tag*{\stepnote{1}{definition of $\sigma$ at $-z$}{\ok}} \\" "\n"
        r"&= 1 - \sigma\left(z\right) "
        r"\tag*{\stepnote{2}{$\sigma (-z) = 1 - \sigma (z)$}{\unk}}" "\n"
        r"\end{align*}")


def test_sign_step_uses_its_relation():
    d = Derivation(name="sign", title="Sign", statement=(sp.Gt(t * sigmoid(z), 0, evaluate=False),),
                   steps=chain(t * sigmoid(z), (0, "a product of positive factors", sp.Gt)))
    got = chain_display(d, [0], [PROVED])
    assert r"t \sigma\left(z\right) &> 0" in got


def test_broken_chain_shows_where_the_step_starts():
    steps = [Step(sp.Eq(sigmoid(-z), 1 / (1 + sp.exp(z)), evaluate=False), "definition", new_chain=True),
             Step(sp.Eq(1 - 1 / (1 + sp.exp(-z)), 1 - sigmoid(z), evaluate=False), "definition of σ")]
    d = Derivation(name="broken", title="Broken", statement=(sp.Eq(sigmoid(-z), 1 - sigmoid(z), evaluate=False),),
                   steps=steps)
    rows = chain_display(d, [0, 1], [PROVED, PROVED]).splitlines()
    # the second step does not start where the first ended: its own left side is printed,
    # and measured as the widest of the column
    assert rows[3].startswith(r"1 - \frac{1}{1 + e^{- z}} &= ")
    assert rows[0].endswith(r"\sbox{\lhsbox}{$\displaystyle 1 - \frac{1}{1 + e^{- z}}$}")


def test_long_left_side_gets_a_line_of_its_own():
    lhs = sp.log(sigmoid(Dot(theta, x)) * (1 - sigmoid(Dot(theta, x))) + pi0 * pi1 + sp.exp(z))
    d = Derivation(name="long", title="Long", statement=(sp.Eq(lhs, lhs, evaluate=False),),
                   steps=chain(lhs, (lhs, "nothing changes")))
    rows = chain_display(d, [0], [PROVED]).splitlines()
    # the left side is not in the column, which is empty
    assert rows[0].startswith(r"\setlength{\notewidth}{") and rows[0].endswith(r"\sbox{\lhsbox}{$\displaystyle $}")
    assert rows[2].startswith(r"\MoveEqLeft[2] \log{\left(")
    assert rows[3].startswith(r"&= \log{")


def test_long_sum_is_broken_at_its_signs():
    terms = [sp.Symbol(f"a_{i}") * sigmoid(sp.Symbol(f"b_{i}")) for i in range(12)]
    long_sum = sp.Add(*terms)
    d = Derivation(name="sum", title="Sum", statement=(sp.Eq(z, long_sum, evaluate=False),),
                   steps=chain(z, (long_sum, "expand")))
    rows = chain_display(d, [0], [PROVED]).splitlines()
    continuation = [r for r in rows if r.startswith(r"&\quad ")]
    assert continuation, rows
    assert all(r.startswith(r"&\quad + ") for r in continuation)
    # every term is printed exactly once across the lines
    body = "\n".join(rows)
    assert all(body.count(r"\sigma\left(b_{%d}\right)" % i) == 1 for i in range(12))


# -- theorem, assumptions, sections ------------------------------------------------------

def test_theorem_box_tags_each_relation():
    d = REGISTRY["sigmoid-derivative"]
    box = theorem_box(d)
    assert box.startswith("\\begin{theorembox}\n\\sbox{\\lhsbox}") and "\n\\begin{align*}\n" in box
    assert [r"\tag*{(%s)}" % k in box for k in ("i", "ii", "iii")] == [True, True, True]
    assert r"\sigma\left(- z\right) &= " in box


def test_assumptions_in_words():
    y = sp.Symbol("y")
    assert assumption_latex(Real(z)) == "$z$ real"
    assert assumption_latex(Positive(t)) == "$t > 0$"
    assert assumption_latex(Interval(z, low=0.0, high=1.0)) == r"$z \in (0, 1)$"
    assert assumption_latex(Binary(y)) == r"$y \in \{0, 1\}$"
    assert assumption_latex(OneHot(Y)) == r"$\mathbf{y}$ one-hot"
    assert assumption_latex(Simplex(pi0, pi1)) == r"$\pi_{0}$, $\pi_{1}$ positive, summing to $1$"
    assert assumption_latex(SymmetricPositiveDefinite(P)) == r"$\boldsymbol{\Sigma}^{-1}$ symmetric positive-definite"


def test_an_unknown_assumption_keeps_its_words_with_symbols_printed():
    from derive.assumptions import Assumption

    class Small(Assumption):
        def describe(self) -> str:
            return f"{self.names()} below ½"

    assert assumption_latex(Small(theta)) == r"$\boldsymbol{\theta}$ below $\tfrac{1}{2}$"


def test_section_and_documents():
    d = small()
    item = Section(d, [PROVED, REFUTED])
    tex = section(item, motivation="Why σ(−z) matters.")
    assert tex.startswith(r"\section{\texorpdfstring{A toy}{A toy}}\label{sec:toy}")
    assert "\n\nWhy $\\sigma (-z)$ matters.\n\n" in tex       # the motivation opens the section
    # the proof carries marks only; methods and sizes are the appendix's
    assert r"{\ok}" in tex and r"{\bad}" in tex and r"\proved{" not in tex and "expand" not in tex
    handout = standalone(item)
    # one LaTeX pass builds a handout: nothing to cross-reference
    assert "\\nofiles" in handout and not re.search(r"\\(label|ref|hyperref|tableofcontents)\b", handout)
    assert "How each step was checked" in handout and r"\proved{expand}" not in handout
    notes = lecture_notes([item], [r"\section{Appendix}"])
    assert r"\tableofcontents" in notes and notes.rstrip().endswith(r"\end{document}")
    assert r"\section{Appendix}" in notes
    for heading in ("Notation", "Summary of results", "How each step was checked"):
        assert heading in notes
    # sections run on: no page is forced, and nothing is scaled down
    assert not re.search(r"\\(clearpage|newpage|scalebox|resizebox|fitto|small|footnotesize|scriptsize)\b", notes)


def test_section_refuses_mismatched_results():
    import pytest

    with pytest.raises(ValueError, match="1 verification results for 2 steps"):
        section(Section(small(), [PROVED]))


def test_badges_follow_the_verifier():
    # A correct step and a corrupted one (σ(−z) = 1 + σ(z)), verified for real.
    d = Derivation(
        name="corrupt", title="Corrupted", statement=(sp.Eq(sigmoid(-z), 1 + sigmoid(z), evaluate=False),),
        steps=chain(sigmoid(-z), (1 / (1 + sp.exp(z)), "definition of σ at −z"),
                    (1 + sigmoid(z), "a corrupted step: the sign is flipped")),
        assumptions=(Real(z),))
    results = d.verify()
    assert [r.verdict for r in results] == [Verdict.PROVED, Verdict.REFUTED]
    tex = section(Section(d, results))
    assert tex.count(r"{\ok}") == 1 and tex.count(r"{\bad}") == 1
    # the appendix table names the counterexample
    from reports.checked import checked_table

    table = checked_table([Section(d, results)])
    assert "counterexample $z = " in table


def test_named_quantities_are_defined_once():
    defined: set[str] = set()
    names = names_for("bce-gradient")
    first = where_line(names, defined)
    assert first.startswith(r"\par\smallskip{\raggedright where $z = \boldsymbol{\theta}^{\top} \mathbf{x} + \theta_{0}$ (the logit); $p = ")
    assert "$p = \\sigma\\left(z\\right)$" in first
    # the next section recalls them instead of defining them again
    assert where_line(names_for("sgd-update"), defined) == (
        r"\par\smallskip{\raggedright with $z$, $p$, $L$ as before.\par}")


def test_theorem_states_results_with_named_quantities():
    box = theorem_box(REGISTRY["mlp-backprop"], names=names_for("mlp-backprop"))
    # ∂L/∂W₁ = [(W₂ᵀ(s − y)) ⊙ (1 − h ⊙ h)] xᵀ, with the brackets that make it type-check
    assert (r"\left[\left(\mathbf{W}_{2}^{\top} \left(\mathbf{s} - \mathbf{y}\right)\right) \odot "
            r"\left(\mathbf{1} - \mathbf{h} \odot \mathbf{h}\right)\right] \mathbf{x}^{\top}") in box
    assert r"\boldsymbol{\delta}_{1} = " in box        # δ₁ is defined where it is first needed
