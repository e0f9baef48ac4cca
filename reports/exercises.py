"""Exercises from the homework targets, and a separate solutions document.

The notes' "Exercises" section states each target's question with its symbols and no answer.
``solutions_document`` gives, per target, the answer key, the named common mistakes with the
feedback a student receives, and a worked check: ``derive.homework.check`` run on the key and on
one mistake, with its verdict and feedback as the checker returned them.

Only the public API of ``derive.homework`` is used (``target_names``, ``get_target``, ``check``),
so targets read from problem files appear here the same way as the built-in ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from .latex import LecturePrinter
from .preamble import document
from .text import escape, prose

__all__ = ["exercises_section", "solutions_document", "run_checks", "exercise_job", "WorkedCheck", "SOLUTIONS_NAME"]

SOLUTIONS_NAME = "lecture-notes-solutions"
_P = LecturePrinter()


@dataclass(frozen=True)
class WorkedCheck:
    """What the checker said about one typed answer."""

    answer: str
    verdict: str
    feedback: str


def _targets():
    from derive.homework import get_target, target_names

    out = []
    for name in target_names():
        try:
            out.append(get_target(name))
        except ValueError:   # a target whose derivation is unavailable is left out, as the checker does
            continue
    return out


def _check(name: str, expr: sp.Basic) -> WorkedCheck:
    """The checker on ``expr`` typed as a student would: the notes' LaTeX, else SymPy's plain string."""
    from derive.homework import check

    result = None
    tex = _P.doprint(expr)
    # a student writes 1 for the vector of ones (the grammar broadcasts a scalar)
    for text in (tex, tex.replace(r"\mathbf{1}", "1"), sp.sstr(expr)):
        result = check(name, text)
        verdict = str(getattr(result.verdict, "value", result.verdict))
        if verdict != "invalid":
            break
    return WorkedCheck(text, verdict, result.feedback)


def run_checks() -> dict[str, tuple[WorkedCheck, WorkedCheck | None]]:
    """For each target: the checker on its key, and on its first known mistake (if it has one)."""
    out = {}
    for t in _targets():
        key = _check(t.name, t.key)
        wrong = _check(t.name, t.mistakes[0].expr) if t.mistakes else None
        out[t.name] = (key, wrong)
    return out


def _sentence(text: str) -> str:
    """A sentence's first letter capitalised, unless it is mathematics (θ stays θ, never Θ)."""
    return text[:1].upper() + text[1:] if text[:1].isascii() else text


def _symbols(t) -> str:
    return "; ".join(r"$%s$: %s" % (_P.doprint(s.obj), prose(s.meaning)) for s in t.symbols)


def exercises_section() -> str:
    """The exercises: each question with its symbols, no answer."""
    items = [r"\item \textbf{%s.} %s.\\ Symbols: %s." % (escape(t.name), prose(_sentence(t.question)),
                                                                 _symbols(t))
             for t in _targets()]
    if not items:
        return ""
    return ("\\section{Exercises}\\label{sec:exercises}\n"
            "Each exercise asks for one formula of this chapter. Type your answer in plain mathematics or LaTeX "
            "and check it with \\textsf{derive check NAME \"ANSWER\"}: the checker names a known mistake when it "
            "recognises one. The solutions are in a separate document.\n"
            "\\begin{enumerate}\n" + "\n".join(items) + "\n\\end{enumerate}")


def _shown(expr: sp.Basic, t) -> sp.Basic:
    """``expr`` as the question writes it: with the target's bound names (h, s, p, z) and a 1×1
    matrix as its entry."""
    from .names import Name, named

    names = [Name(b.symbol, b.definition, "") for b in t.bindings if not isinstance(b.symbol, sp.MatrixSymbol)
             or b.symbol.name != "P"]
    for _ in range(3):   # inner names first: tanh(…) → h, then softmax(W₂h + b₂) → s
        expr = named(expr, names)
    if isinstance(expr, sp.MatrixBase) and expr.shape == (1, 1):
        expr = expr[0, 0]
    return expr


def _display(expr: sp.Basic, t=None) -> str:
    """A formula on lines of its own, broken at its + and − signs where it is long."""
    from .layout import break_terms

    lines = break_terms(_shown(expr, t) if t is not None else expr, 34.0, _P)
    return "\n\\begin{gather*}\n%s\n\\end{gather*}\n" % " \\\\\n".join(lines)


def _feedback(text: str) -> str:
    """The checker's feedback without the point it quotes (long vectors of digits): the words only."""
    words, found, _ = text.partition(" For example at ")
    return prose(words) + (" (The checker also quotes a point where the two answers differ.)" if found else "")


def _typed(text: str, expr: sp.Basic) -> str:
    """How the checked answer was typed: the formula as shown above (its LaTeX), or a plain string
    that may break after any operator."""
    if text in (_P.doprint(expr), _P.doprint(expr).replace(r"\mathbf{1}", "1")):
        return "the formula above in LaTeX"
    pieces = re.split(r"([-+*/(),])", text)
    return r"\texttt{%s}" % r"\allowbreak{}".join(escape(p) for p in pieces if p)


def _solution(t, checks: tuple[WorkedCheck, WorkedCheck | None] | None) -> str:
    parts = [r"\subsection*{%s}" % escape(t.name), prose(_sentence(t.question)) + ".",
             r"\paragraph{Answer.}" + _display(t.key, t)]
    if t.mistakes:
        rows = [r"\item \emph{%s}:%s%s" % (escape(m.name), _display(m.expr, t), prose(_sentence(m.feedback)))
                for m in t.mistakes]
        parts.append(r"\paragraph{Common mistakes.}" + "\n\\begin{itemize}\n" + "\n".join(rows) + "\n\\end{itemize}")
    if checks is not None:
        key, wrong = checks
        lines = [r"\item the key, typed as %s: \textbf{%s}. %s" % (_typed(key.answer, t.key), escape(key.verdict),
                                                                    _feedback(key.feedback))]
        if wrong is not None:
            lines.append(r"\item the mistake \emph{%s}, typed as %s: \textbf{%s}. %s" % (
                escape(t.mistakes[0].name), _typed(wrong.answer, t.mistakes[0].expr), escape(wrong.verdict),
                _feedback(wrong.feedback)))
        parts.append(r"\paragraph{A worked check.} What \textsf{derive check} answers:" + "\n\\begin{itemize}\n"
                     + "\n".join(lines) + "\n\\end{itemize}")
    return "\n\n".join(parts)


def solutions_document(checks: dict[str, tuple[WorkedCheck, WorkedCheck | None]] | None = None,
                       only: Sequence[str] | None = None) -> str:
    """The solutions: every target's key, its named mistakes with feedback, and a worked check."""
    checks = run_checks() if checks is None else checks
    targets = [t for t in _targets() if only is None or t.name in only]
    body = ("\\sloppy\n"
            "These are the solutions to the exercises of the lecture notes. Each answer key is a formula the "
            "derivations proved; the common mistakes are the ones the checker recognises, with the feedback it "
            "gives.\n\n" + "\n\n".join(_solution(t, checks.get(t.name)) for t in targets))
    return document(body, r"Logistic Regression \& Neural Networks", "Solutions to the exercises",
                    pdf_title=r"Logistic Regression \& Neural Networks: solutions")


def exercise_job() -> tuple[str, str]:
    """The exercises section and the solutions document (a job for the report's worker pool, so
    that the checker is imported and run there)."""
    return exercises_section(), solutions_document(run_checks())
