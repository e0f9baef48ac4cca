"""Notebook display: every bundle has plain text, LaTeX and HTML; the HTML has MathML, badges, escaped text."""

from __future__ import annotations

import pytest

import derive
from derive.display import badge, bundle
from derive.homework import check
from derive.homework.grade import Submission, grade
from derive.verify import StepResult, Verdict

KEYS = {"text/plain", "text/latex", "text/html"}
HOSTILE = "<img src=x onerror=alert(1)>"


def test_correct_check_shows_reading_as_mathml_and_tick():
    b = check("bce-gradient", "(p - y) x")._repr_mimebundle_()
    assert set(b) == KEYS
    assert "<math" in b["text/html"] and "✓ correct" in b["text/html"]
    assert b["text/plain"].startswith("✓ CORRECT") and r"\left(p - y\right) x" in b["text/latex"]


def test_wrong_and_hostile_answers():
    wrong = check("bce-gradient", "(y - p) x")._repr_mimebundle_()
    assert "✗ incorrect" in wrong["text/html"] and "score 0.5/1" in wrong["text/html"]
    bad = check("bce-gradient", HOSTILE)._repr_mimebundle_()
    assert "<img" not in bad["text/html"] and "&lt;img" in bad["text/html"]
    assert "<math" not in bad["text/html"]          # nothing was read, so nothing is shown as math


def test_step_results_have_the_three_badges():
    marks = {v: StepResult(v, "some method")._repr_mimebundle_()["text/html"] for v in Verdict}
    assert "✓ proved" in marks[Verdict.PROVED]
    assert "✗ refuted" in marks[Verdict.REFUTED]
    assert "? undecided" in marks[Verdict.UNDECIDED]
    refuted = StepResult(Verdict.REFUTED, "numeric", counterexample={"z": "1.5"})._repr_mimebundle_()
    assert "counterexample: z = 1.5" in refuted["text/plain"]


def test_derivation_display_verifies_every_step():
    d = derive.get("sigmoid-derivative")
    b = d._repr_mimebundle_()
    assert set(b) == KEYS
    assert b["text/html"].count("<tr>") == len(d.steps) + 1       # the header and one row per step
    assert b["text/html"].count("✓ proved") == len(d.steps)
    assert f"{len(d.steps)} of {len(d.steps)} steps proved" in b["text/plain"]
    assert r"\begin{align*}" in b["text/latex"]


def test_batch_display_escapes_students():
    batch = grade([Submission(1, "<b>ana</b>", "bce-dz", "p - y"), Submission(2, "bo", "bce-dz", HOSTILE)])
    b = batch._repr_mimebundle_()
    assert "&lt;b&gt;ana&lt;/b&gt;" in b["text/html"] and "<b>" not in b["text/html"]
    assert "<img" not in b["text/html"]
    assert "1 correct" in b["text/plain"] and "1 invalid" in b["text/plain"]


def test_include_and_exclude_and_unknown_types():
    r = check("bce-dz", "p - y")
    assert set(bundle(r, include={"text/plain"})) == {"text/plain"}
    assert set(bundle(r, exclude={"text/latex"})) == {"text/plain", "text/html"}
    assert "?" in badge("who knows")
    with pytest.raises(TypeError, match="int"):
        bundle(3)
