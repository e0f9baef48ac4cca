"""The lecture errata: their claims are proved, a wrong version is refuted, and the section shows both forms."""

from __future__ import annotations

import sympy as sp

from derive import REGISTRY
from derive.assumptions import Positive, Real
from derive.verify import StepResult, Verdict, verify_claim
from reports import errata as E


def test_every_erratum_claim_is_proved():
    for erratum, results in zip(E.ERRATA, E.verify_errata()):
        assert [r.verdict for r in results] == [Verdict.PROVED] * len(erratum.claims), erratum.title


def test_the_lecture_likelihood_is_not_stationary_at_the_correct_estimate():
    # claim 4 says the lecture's log-likelihood is stationary at S/(2n); at S/n it would be refuted
    import sympy as sp

    from derive.assumptions import Positive
    from derive.verify import verify_claim

    v, n, S = (sp.Symbol(c, positive=True) for c in "vnS")
    wrong = sp.Eq(sp.Derivative(-n * sp.log(v) - S / (2 * v), v), (S - n * v) / (2 * v ** 2), evaluate=False)
    assert verify_claim(wrong, (Positive(v, n, S),)).verdict is Verdict.REFUTED


def test_a_normaliser_that_depends_on_the_class_would_not_cancel():
    # The erratum's argument needs the normaliser to be shared: with one c_k per class the
    # posterior changes, and the verifier must say so.
    c1, c2 = sp.symbols("c_1 c_2", positive=True)
    terms = [pr * c * sp.exp(q) for pr, c, q in zip(E._pri, (c1, c2, c2), E._q)]
    wrong = sp.Eq(terms[0] / sp.Add(*terms), E._posterior(1, 0), evaluate=False)
    result = verify_claim(wrong, (Positive(c1, c2, *E._pri), Real(*E._q)), seed=1)
    assert result.verdict is Verdict.REFUTED and result.counterexample


def test_section_shows_the_lecture_form_and_the_correct_one():
    tex = E.errata_section({})
    assert tex.startswith(r"\section{Lecture errata}")
    assert tex.count(r"\subsection*{") == len(E.ERRATA) + 1      # and the note on the GPT-4 slide
    assert "not established" in tex
    density_lecture = r"\left(2 \pi\right)^{\frac{d}{2}} \left|\boldsymbol{\Sigma}\right|}"
    density_correct = r"\left(2 \pi\right)^{\frac{d}{2}} \left|\boldsymbol{\Sigma}\right|^{1/2}}"
    assert density_lecture in tex and density_correct in tex
    assert r"p\left(\mathbf{x} \,\middle|\, k\right)" in tex
    assert r"= \theta_{0,k}. \]" in tex
    assert tex.count(r"{\ok}") == sum(len(e.claims) for e in E.ERRATA)
    # the |Σ| slip is said to halve the maximum-likelihood estimate, not to change nothing
    assert "halves" in tex and "Neither changes a result" not in tex
    assert "settle it too" not in tex          # no derivation results were given


def test_the_derivations_settle_it_with_their_own_verdicts():
    if "lda-softmax" not in REGISTRY:
        return
    d = REGISTRY["lda-softmax"]
    fake = [StepResult(Verdict.PROVED, "expand")] * len(d.steps)
    tex = E.errata_section({"lda-softmax": (d, fake)})
    assert tex.count("settle it too") == 2
    # a refuted step of the chain turns the derivation's row into a refuted badge
    bad = list(fake)
    last = d.chains()[-1][-1]
    bad[last] = StepResult(Verdict.REFUTED, "mpmath, 50 digits", counterexample={"x_1": "0.5"})
    tex = E.errata_section({"lda-softmax": (d, bad)})
    assert tex.count(r"{\bad}") == 1 and r"Theorem~\ref{sec:lda-softmax}(ii)" in tex
