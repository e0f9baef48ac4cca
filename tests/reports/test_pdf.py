"""Real PDFs: `derive report --all` builds, and the PDFs say what the derivations say.

These tests need TeX Live and poppler-utils.  Outside CI they skip when those are missing;
with CI=true a missing TeX fails them (see conftest.py).
"""

from __future__ import annotations

import re
import subprocess

import pytest
import sympy as sp

from derive import REGISTRY
from derive.assumptions import Real
from derive.functions import sigmoid
from derive.step import Derivation, chain
from reports.build import AUX_DIR, LatexError, build_pdf
from reports.figures import FIGURES
from reports.numeric_report import numeric_available
from reports.exercises import SOLUTIONS_NAME
from reports.pipeline import NOTES_NAME, build, write_reports

from .conftest import normal, pdf_pages, pdf_text

NAMES = list(REGISTRY)

#: Key results as they read in the PDF's text once white space is removed (alternatives allowed).
KEY_RESULTS = {
    "sigmoid-derivative": ["(1−σ(z))σ(z)", "σ(z)(1−σ(z))"],
    "bce-gradient": ["(σ(θ⊤x+θ0)−y)x", "(p−y)x"],
    "lda-logistic": ["Σ−1(μ1−μ0)"],
    "softmax-ce-gradient": ["diag(s)−ss⊤", "diag(softmax(a))−softmax(a)(softmax(a))⊤"],
}
MARKS = ("✓", "×")
#: The acceptance limit: the lecture notes before the appendix.
MAX_BODY_PAGES = 26


def _dehyphen(text: str) -> str:
    return text.replace("-", "").replace("‐", "")


def _contains(text: str, phrase: str) -> bool:
    phrase = normal(phrase)
    return phrase in text or _dehyphen(phrase) in _dehyphen(text)


def test_report_all_builds_every_file(built):
    assert built["code"] == 0
    for name in NAMES + [NOTES_NAME, SOLUTIONS_NAME]:
        assert (built["dir"] / f"{name}.tex").is_file()
        assert (built["dir"] / f"{name}.pdf").stat().st_size > 5000


@pytest.mark.parametrize("name", NAMES)
def test_handout_has_title_marks_and_key_result(built, name):
    d = REGISTRY[name]
    text = pdf_text(built["dir"] / f"{name}.pdf")
    assert _contains(text, d.title)
    # a mark per step, one per row of the table of checks, and those of the introduction
    assert text.count("✓") >= len(d.steps) + 2
    assert "Howeachstepwaschecked" in text and "derive show" not in text
    for step_number in range(1, len(d.steps) + 1):
        assert f"({step_number})" in text
    if name in KEY_RESULTS:
        assert any(k in text for k in KEY_RESULTS[name]), (name, KEY_RESULTS[name])
    assert 1 <= pdf_pages(built["dir"] / f"{name}.pdf") <= 8


def test_lecture_notes_hold_every_derivation_in_order(built):
    text = pdf_text(built["dir"] / f"{NOTES_NAME}.pdf")
    positions = []
    for number, name in enumerate(NAMES, start=1):
        title = normal(REGISTRY[name].title)
        assert _contains(text, title), name
        # "3 Title" is in the contents and at the section; the section comes last
        positions.append(_dehyphen(text).rfind(_dehyphen(f"{number}{title}")))
    assert -1 not in positions
    assert positions == sorted(positions)
    for name, keys in KEY_RESULTS.items():
        if name in REGISTRY:
            assert any(k in text for k in keys), name
    assert "Lectureerrata" in text
    assert sum(len(d.steps) for d in REGISTRY.values()) <= text.count("✓")
    for heading in ("Notation", "Summaryofresults", "Exercises", "Howeachstepwaschecked"):
        assert heading in text, heading


def test_lecture_notes_fit_the_page_budget_before_the_appendix(built):
    pdf = built["dir"] / f"{NOTES_NAME}.pdf"
    pages = pdf_pages(pdf)
    appendix = None
    for page in range(4, pages + 1):   # after the contents, which list the appendix too
        raw = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-raw", str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout
        if "Lecture errata" in raw:
            appendix = page
            break
    assert appendix is not None
    assert appendix - 1 <= MAX_BODY_PAGES, f"the chapter takes {appendix - 1} pages"


def test_solutions_hold_every_target(built):
    from derive.homework import target_names

    text = pdf_text(built["dir"] / f"{SOLUTIONS_NAME}.pdf")
    for name in target_names():
        assert name in text, name
    assert "Aworkedcheck" in text and "correct" in text and "incorrect" in text


def test_figures_are_embedded_as_vector_graphics(built):
    pdf = (built["dir"] / f"{NOTES_NAME}.pdf").read_bytes()
    expected = {spec.key for spec in FIGURES if spec.derivation in REGISTRY}
    assert "sigmoid" in expected
    if numeric_available():
        expected |= {"training", "boundaries"}
        assert "Numericexperiments" in pdf_text(built["dir"] / f"{NOTES_NAME}.pdf")
    embedded = set(re.findall(rb"/PTEX\.FileName \(\./figures/([a-z_-]+)\.pdf\)", pdf))
    assert {e.decode() for e in embedded} >= expected
    assert pdf.count(b"/Subtype /Form") >= len(expected)
    # and each handout carries its own figures
    for spec in FIGURES:
        if spec.derivation in REGISTRY:
            handout = (built["dir"] / f"{spec.derivation}.pdf").read_bytes()
            assert f"/PTEX.FileName (./figures/{spec.key}.pdf)".encode() in handout


def test_nothing_runs_into_the_margin(built):
    for name in NAMES + [NOTES_NAME, SOLUTIONS_NAME]:
        log = (built["dir"] / AUX_DIR / f"{name}.log").read_text(errors="replace")
        overfull = [float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
        assert all(width < 1.0 for width in overfull), (name, overfull)


def test_a_corrupted_step_shows_a_refuted_mark(tex, tmp_path):
    z = sp.Symbol("z", real=True)
    corrupted = Derivation(
        name="corrupted-sigmoid", title="A corrupted derivation",
        statement=(sp.Eq(sigmoid(-z), 1 + sigmoid(z), evaluate=False),),
        steps=chain(sigmoid(-z), (1 / (1 + sp.exp(z)), "definition of σ at −z"),
                    (1 + sigmoid(z), "a slip: the sign of σ(z) is flipped")),
        assumptions=(Real(z),))
    written = write_reports([corrupted], tmp_path, figures=False, workers=1)
    (pdf,) = build(written.tex)
    text = pdf_text(pdf)
    assert text.count("×") == 3            # the introduction, the step and its row of the table of checks
    assert text.count("✓") == 3            # the same for the first step
    assert "counterexamplez=" in text


def test_a_latex_error_reports_the_relevant_lines(tex, tmp_path):
    broken = tmp_path / "broken.tex"
    broken.write_text("\\documentclass{article}\n\\begin{document}\nfine\n\\undefinedmacro\n\\end{document}\n")
    with pytest.raises(LatexError) as exc:
        build_pdf(broken)
    message = str(exc.value)
    assert "Undefined control sequence" in message
    assert "l.4 \\undefinedmacro" in message
    assert len(message.splitlines()) <= 14
