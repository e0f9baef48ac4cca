"""Derivations and their verification results → LaTeX: one section per derivation.

A section holds the theorem in a box, the assumptions, the notes, and the proof: each
chain of steps as an aligned display in which every line carries its justification and a
badge built from the step's ``StepResult`` (proved by *method*, refuted with the
counterexample, or undecided).  ``standalone`` wraps one section as a document to hand
out; ``lecture_notes`` strings every section together with an overview, the lecture's
errata and, when available, the numeric experiments.

Nothing here verifies: the caller passes the results in, so one verification serves every
document built from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import sympy as sp
from sympy.core.relational import Relational

from derive import assumptions as A
from derive.step import Derivation, compose
from derive.verify import StepResult, Verdict

from .latex import LecturePrinter, latex
from .layout import break_terms, width_em
from .text import escape, plain, prose

__all__ = ["Figure", "Section", "badge", "relation_symbol", "assumption_latex", "chain_display", "claims_display",
           "theorem_box", "section", "standalone", "lecture_notes", "overall", "concludes"]

# The text block is 16 cm wide (≈ 41 em at 11 pt); a step's note takes a third of it.
TEXT_EM = 41.0
NOTE_FRACTION = 0.33
NOTE_EM = TEXT_EM * NOTE_FRACTION
#: A left-hand side wider than this goes on a line of its own above its chain.
LHS_ALONE_EM = 9.0


@dataclass(frozen=True)
class Figure:
    """A computed figure: ``path`` (relative to the .tex file) with its caption in prose."""

    path: str
    caption: str
    width: str = r"0.82\linewidth"


@dataclass
class Section:
    """One derivation as the documents show it: its results and its figures."""

    derivation: Derivation
    results: list[StepResult]
    figures: list[Figure] = field(default_factory=list)


# -- small pieces ------------------------------------------------------------------------

_RELATIONS = {sp.Equality: "=", sp.StrictGreaterThan: ">", sp.GreaterThan: r"\geq",
              sp.StrictLessThan: "<", sp.LessThan: r"\leq", sp.Unequality: r"\neq"}


def relation_symbol(rel: type) -> str:
    """``=``, ``>``, ``\\geq``, … for a SymPy relation class."""
    try:
        return _RELATIONS[rel]
    except KeyError:
        raise TypeError(f"no symbol for the relation {rel.__name__}") from None


def overall(results: Sequence[StepResult]) -> Verdict:
    """Refuted if any step is, proved if every step is, undecided otherwise."""
    if any(r.verdict is Verdict.REFUTED for r in results):
        return Verdict.REFUTED
    return Verdict.PROVED if all(r.proved for r in results) else Verdict.UNDECIDED


def _counterexample(point: dict[str, str], limit: int = 6) -> str:
    items = list(point.items())
    shown = ", ".join(r"%s = %s" % (latex(sp.Symbol(k)), _number(v)) for k, v in items[:limit])
    more = r", \dots" if len(items) > limit else ""
    return "$" + shown + more + "$"


def _number(v: str) -> str:
    # mpmath prints e.g. 1.23456789012e-5; keep the digits, set the exponent as TeX
    mant, _, exp = v.partition("e")
    mant = "".join(c for c in mant if c in "0123456789.-")
    return mant + (r"\cdot 10^{%d}" % int(exp) if exp.lstrip("+-").isdigit() else "")


def badge(result: StepResult) -> str:
    """The badge of one step, from its verification result (``\\proved{expand}``, …)."""
    if result.verdict is Verdict.PROVED:
        return r"\proved{%s}" % prose(result.method)
    if result.verdict is Verdict.REFUTED:
        detail = prose(result.method)
        if result.counterexample:
            detail += r"; counterexample " + _counterexample(result.counterexample)
        return r"\refuted{%s}" % detail
    return r"\undecided{%s}" % prose(result.method)


# Each assumption class in words, with its symbols set by the printer.
_ASSUMPTION_FORMS = {
    A.Real: "{} real",
    A.Positive: "${} > 0$",
    A.Binary: r"${} \in \{{0, 1\}}$",
    A.OneHot: "{} one-hot",
    A.Simplex: r"{} positive, summing to $1$",
    A.SymmetricPositiveDefinite: "{} symmetric positive-definite",
}


def assumption_latex(assumption: A.Assumption) -> str:
    """One assumption in words, e.g. ``$p \\in (0, 1)$`` or ``$\\boldsymbol{\\Sigma}^{-1}$ symmetric positive-definite``."""
    names = [latex(s) for s in assumption.symbols]
    if isinstance(assumption, A.Interval):
        return r"$%s \in (%s, %s)$" % (", ".join(names), _g(assumption.low), _g(assumption.high))
    form = _ASSUMPTION_FORMS.get(type(assumption))
    if form is None:
        return _own_words(assumption)
    inline = form.startswith("$")
    joined = ", ".join(names) if inline else ", ".join("$%s$" % n for n in names)
    return form.format(joined)


def title(text: str) -> str:
    """A title: mathematics in the text, plain ASCII in the PDF's bookmarks."""
    return r"\texorpdfstring{%s}{%s}" % (prose(text), plain(text))


def _own_words(assumption: A.Assumption) -> str:
    """An assumption this module does not know: its ``describe()``, with its symbols printed."""
    text = assumption.describe()
    printed = {}
    # longest names first, so that "s_a" is not taken for "s"
    for k, sym in enumerate(sorted(assumption.symbols, key=lambda s: -len(sp.sstr(s)))):
        marker = "QQSYMBOL%sQQ" % chr(ord("A") + k)
        text = re.sub(r"(?<![\w])%s(?![\w])" % re.escape(sp.sstr(sym)), marker, text)
        printed[marker] = "$%s$" % latex(sym)
    out = prose(text)
    for marker, tex in printed.items():
        out = out.replace(marker, tex)
    return out


def _g(value: float) -> str:
    return ("%g" % value).replace("inf", r"\infty")


def _fit(tex: str, width: str) -> str:
    return r"\fitto{%s}{%s}" % (width, tex)


# -- the proof ---------------------------------------------------------------------------

def _rows(head: str, relation: str, lines: Sequence[str], tag: str, width: str) -> list[str]:
    r"""``head &= line₁``, then ``&\quad line_k``; the tag goes on the last line, after the whole expression."""
    rows = [(r"%s &%s %s" % (head, relation, _fit(lines[0], width))).lstrip()]
    rows.extend(r"&\quad %s" % _fit(line, width) for line in lines[1:])
    if tag:
        rows[-1] += r" \tag*{%s}" % tag
    return rows


def _note(index: int, justification: str, result: StepResult | None) -> str:
    verdict = badge(result) if result is not None else ""
    return r"\stepnote{%d}{%s}{%s}" % (index, prose(justification), verdict)


def chain_display(derivation: Derivation, indices: Sequence[int],
                  results: Sequence[StepResult] | None, printer: LecturePrinter | None = None) -> str:
    """One chain of steps as an ``align*``: the left side once, then ``= rhs`` per step.

    A step that does not start where the previous one ended shows its own left side, so a
    broken chain is visible on the page (and its badge says why).
    """
    printer = printer or LecturePrinter()
    steps = derivation.steps
    lhs_tex = printer.doprint(steps[indices[0]].lhs)
    alone = width_em(lhs_tex) > LHS_ALONE_EM
    lhs_em = 0.0 if alone else width_em(lhs_tex)
    # A long expression may use the full width: its note then goes below its last line.
    budget = TEXT_EM - 4.0 - lhs_em
    beside = budget - NOTE_EM
    laid_out = []  # (head, relation, lines, note) per step
    for n, i in enumerate(indices):
        step = steps[i]
        head = ""
        if n and step.lhs != steps[indices[n - 1]].rhs:
            head = printer.doprint(step.lhs)  # the chain breaks here: show where this step starts
        elif n == 0 and not alone:
            head = lhs_tex
        note = _note(i + 1, step.justification, results[i] if results is not None else None)
        laid_out.append((head, relation_symbol(type(step.claim)), break_terms(step.rhs, budget, printer), note))
    # Give the notes whatever the mathematics leaves free, so they wrap less.  A note sits in
    # a right-hand tag: amsmath moves it below a line that is too wide to share with it.
    fitting = [width_em(line) for _, _, lines, _ in laid_out for line in lines if width_em(line) <= beside]
    widest = max(fitting, default=beside)
    note_em = min(max(TEXT_EM - lhs_em - widest - 6.0, NOTE_EM), 0.5 * TEXT_EM)
    # \lhsbox measures the column of left sides: the chain's start, and where a broken chain restarts
    column = [head for head, _, _, _ in laid_out if head]
    widest = max(column, key=width_em, default="")
    math_width = r"\dimexpr\linewidth-4em-\wd\lhsbox\relax"
    rows = [r"\MoveEqLeft[2] %s" % lhs_tex] if alone else []
    for head, rel, lines, note in laid_out:
        rows.extend(_rows(head, rel, lines, note, math_width))
    body = " \\\\\n".join(rows)
    setup = r"\setlength{\notewidth}{%.1fem}\sbox{\lhsbox}{$\displaystyle %s$}" % (note_em, widest)
    return "%s\n\\begin{align*}\n%s\n\\end{align*}" % (setup, body)


def _relations(items: Sequence[tuple[sp.Basic, str, sp.Basic, str]], reserve_em: float,
               printer: LecturePrinter) -> str:
    """Aligned relations ``lhs ⋈ rhs``, each with its tag, laid out to fit the line.

    The rows share one column of left sides, so the widest left side and the widest right
    side must fit together: left sides are moved onto lines of their own (``\\MoveEqLeft``),
    widest first, until they do.  Returns the ``\\sbox`` that measures the column and the
    ``align*``.
    """
    lhs = [printer.doprint(item[0]) for item in items]
    lhs_em = [width_em(t) for t in lhs]
    rhs_em = [width_em(printer.doprint(item[2])) for item in items]
    budget = TEXT_EM - reserve_em
    alone: set[int] = set()

    def fits() -> bool:
        column = max((lhs_em[i] for i in range(len(items)) if i not in alone), default=0.0)
        # a left side on its own line starts 2em before the column's edge
        return ((column + max(rhs_em) <= budget or column <= LHS_ALONE_EM)
                and all(lhs_em[i] <= budget - column + 2.0 for i in alone))

    while not fits() and len(alone) < len(items):
        alone.add(max((i for i in range(len(items)) if i not in alone), key=lambda i: lhs_em[i]))
    in_column = [i for i in range(len(items)) if i not in alone]
    column = max((lhs_em[i] for i in in_column), default=0.0)
    width = r"\dimexpr\linewidth-%.1fem-\wd\lhsbox\relax" % reserve_em
    rows = []
    for i, (_, symbol, rhs, tag) in enumerate(items):
        lines = break_terms(rhs, budget - column, printer)
        if i in alone:
            rows.append(r"\MoveEqLeft[2] %s" % _fit(lhs[i], r"\dimexpr\linewidth-%.1fem-\wd\lhsbox\relax"
                                                      % (reserve_em - 2.0)))
            rows.extend(_rows("", symbol, lines, tag, width))
        else:
            rows.extend(_rows(lhs[i], symbol, lines, tag, width))
    widest = max(in_column, key=lambda i: lhs_em[i]) if in_column else None
    measure = r"\sbox{\lhsbox}{$\displaystyle %s$}" % (lhs[widest] if widest is not None else "")
    return measure + "\n\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def claims_display(claims: Sequence[tuple[Relational, str, StepResult | None]], first_number: int = 1,
                   printer: LecturePrinter | None = None) -> str:
    """Independent claims, each ``lhs = rhs`` with its justification and badge, as an ``align*``."""
    printer = printer or LecturePrinter()
    items = [(claim.lhs, relation_symbol(type(claim)), claim.rhs, _note(first_number + n, why, result))
             for n, (claim, why, result) in enumerate(claims)]
    return "\\setlength{\\notewidth}{%.1fem}" % NOTE_EM + _relations(items, 4.0, printer)


def concludes(derivation: Derivation, indices: Sequence[int]) -> int | None:
    """Which relation of the statement the chain concludes (its index), if any."""
    rel = type(derivation.steps[indices[0]].claim)
    for i in indices[1:]:
        rel = compose(rel, type(derivation.steps[i].claim)) if rel else None
    if rel is None:
        return None
    conclusion = rel(derivation.steps[indices[0]].lhs, derivation.steps[indices[-1]].rhs, evaluate=False)
    return next((k for k, s in enumerate(derivation.statement) if s == conclusion), None)


_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


def _roman(k: int) -> str:
    return _ROMAN[k] if k < len(_ROMAN) else str(k + 1)


def theorem_box(derivation: Derivation, printer: LecturePrinter | None = None) -> str:
    """The theorem in a frame: each relation of the statement on its own, tagged (i), (ii), …"""
    printer = printer or LecturePrinter()
    many = len(derivation.statement) > 1
    items = [(rel.lhs, relation_symbol(type(rel)), rel.rhs, "(%s)" % _roman(k) if many else "")
             for k, rel in enumerate(derivation.statement)]
    return "\\begin{theorembox}\n%s\n\\end{theorembox}" % _relations(items, 8.0, printer)


def _assumptions(derivation: Derivation) -> str:
    items = derivation.all_assumptions
    if not items:
        return ""
    return r"\paragraph{Assumptions.} " + "; ".join(assumption_latex(a) for a in items) + "."


def _verdict_line(results: Sequence[StepResult]) -> str:
    n = len(results)
    counts = {v: sum(r.verdict is v for r in results) for v in Verdict}
    seconds = sum(r.seconds for r in results)
    if counts[Verdict.PROVED] == n:
        head = r"\proved{all %d steps}" % n
    else:
        parts = ["%d %s" % (counts[v], v.value) for v in Verdict if counts[v]]
        head = (r"\refuted{%s}" if counts[Verdict.REFUTED] else r"\undecided{%s}") % ", ".join(parts)
    return r"\par\noindent{\small Verification: %s \quad (%.1f\,s)}\par" % (head, seconds)


def section(item: Section, *, heading: str | None = "section") -> str:
    """One derivation as a LaTeX section: theorem, assumptions, notes, proof, figures.

    ``heading`` is the sectioning command (``None`` for none: a handout's title says it).
    """
    d, results = item.derivation, item.results
    if len(results) != len(d.steps):
        raise ValueError(f"{d.name}: {len(results)} verification results for {len(d.steps)} steps")
    printer = LecturePrinter()
    # A handout (no heading) has no cross-references, so that one LaTeX pass builds it.
    head = r"\%s{%s}\label{sec:%s}" % (heading, title(d.title), d.name) if heading else ""
    parts = [head, r"\derivationname{%s}" % escape(d.name) if heading else "",
             theorem_box(d, printer), _assumptions(d)]
    parts.extend(r"\paragraph{Remark.} " + prose(note) for note in d.notes)
    # figures float from here, near the theorem they illustrate, rather than piling up at the end
    parts.extend(_figure(f) for f in item.figures)
    chains = d.chains()
    for indices in chains:
        k = concludes(d, indices)
        if len(chains) == 1:
            label = "Proof."
        elif k is not None:
            label = "Proof of (%s)." % _roman(k)
        else:
            label = "A chain that concludes no part of the theorem."
        parts.append(r"\proofpart{%s}" % label)
        parts.append(chain_display(d, indices, results, printer))
    parts.append(r"\qedline")
    parts.append(_verdict_line(results))
    return "\n\n".join(p for p in parts if p)


def _figure(f: Figure) -> str:
    return ("\\begin{figure}[!htbp]\n\\centering\n\\includegraphics[width=%s]{%s}\n\\caption{%s}\n\\end{figure}"
            % (f.width, f.path, prose(f.caption)))


# -- documents ---------------------------------------------------------------------------

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[a4paper,hmargin=2.5cm,vmargin=2.6cm]{geometry}
\usepackage{amsmath,amssymb,mathtools}
\usepackage{graphicx}
\usepackage{booktabs}
\usepackage[table]{xcolor}
\usepackage[hidelinks]{hyperref}
\allowdisplaybreaks[1]
% text that reads back from the PDF (search, copy, pdftotext), big delimiters included
\input{glyphtounicode}
\pdfgentounicode=1
\def\maptext#1#2{\pdfglyphtounicode{#1big}{#2}\pdfglyphtounicode{#1Big}{#2}%
  \pdfglyphtounicode{#1bigg}{#2}\pdfglyphtounicode{#1Bigg}{#2}}
\maptext{parenleft}{0028}\maptext{parenright}{0029}\maptext{bracketleft}{005B}
\maptext{bracketright}{005D}\maptext{braceleft}{007B}\maptext{braceright}{007D}
\maptext{radical}{221A}\maptext{slash}{002F}
\pdfglyphtounicode{parenlefttp}{0028}\pdfglyphtounicode{parenrighttp}{0029}
\pdfglyphtounicode{bracketlefttp}{005B}\pdfglyphtounicode{bracketrighttp}{005D}
\pdfglyphtounicode{vextendsingle}{007C}\pdfglyphtounicode{vextenddouble}{2016}
\pdfglyphtounicode{summationdisplay}{2211}\pdfglyphtounicode{summationtext}{2211}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5\baselineskip}
\definecolor{provedc}{HTML}{1B7A3A}
\definecolor{refutedc}{HTML}{B3001B}
\definecolor{undecidedc}{HTML}{9A6A00}
\definecolor{framec}{HTML}{3B5B8C}
\definecolor{backc}{HTML}{F2F5FA}
% a step's note: number, justification, then its badge
\newlength{\notewidth}
\setlength{\notewidth}{0.33\linewidth}
\newcommand{\stepnote}[3]{\parbox[t]{\notewidth}{\raggedright\small
  \textcolor{gray}{(#1)}~#2\if\relax\detokenize{#3}\relax\else\\[1pt]#3\fi}}
\newcommand{\badge}[3]{\colorbox{#1!10}{\textcolor{#1}{\sffamily\bfseries\footnotesize #2}}\ {\footnotesize #3}}
\newcommand{\proved}[1]{\badge{provedc}{\checkmark\ proved}{#1}}
\newcommand{\refuted}[1]{\badge{refutedc}{$\times$ refuted}{#1}}
\newcommand{\undecided}[1]{\badge{undecidedc}{? undecided}{#1}}
% shrink a line of mathematics only if it is wider than #1 (the last resort against overflow)
\newsavebox{\fitbox}
\newsavebox{\lhsbox}
\newcommand{\fitto}[2]{\sbox{\fitbox}{$\displaystyle #2$}%
  \ifdim\wd\fitbox>#1\relax\resizebox{#1}{!}{\usebox{\fitbox}}\else\usebox{\fitbox}\fi}
% the theorem, framed
\newsavebox{\thmbox}
\newenvironment{theorembox}
  {\par\medskip\noindent\begingroup\setlength{\fboxsep}{8pt}%
   \begin{lrbox}{\thmbox}\begin{minipage}{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}
   \textbf{Theorem\theoremnumber.}\par\vspace{-0.5\baselineskip}}
  {\end{minipage}\end{lrbox}\fcolorbox{framec}{backc}{\usebox{\thmbox}}\endgroup\par\medskip}
\newcommand{\theoremnumber}{\ifnum\value{section}>0 \ \arabic{section}\fi}
\newcommand{\derivationname}[1]{\vspace{-0.6\baselineskip}{\small\textsf{derive show #1}}\par}
\newcommand{\proofpart}[1]{\par\textit{#1}\par\vspace{-1.2\baselineskip}}
\newcommand{\qedline}{\vspace{-0.6\baselineskip}\par\hfill$\square$\par}
"""


def _document(body: str, title: str, subtitle: str, toc: bool = False, pdf_title: str | None = None) -> str:
    # Without a table of contents there is nothing to cross-reference: \nofiles writes no .aux,
    # so latexmk sees nothing new and one LaTeX pass makes the PDF.
    files = "" if toc else "\\nofiles\n"
    head = PREAMBLE + files + "\\hypersetup{pdftitle={%s}}\n\\begin{document}\n" % (pdf_title or title)
    top = ("\\begin{center}\n{\\LARGE\\bfseries %s}\\par\\medskip\n{\\large %s}\n\\end{center}\n"
           % (title, subtitle))
    return head + top + body + "\n\\end{document}\n"


_HOW_TO_READ = (r"Every step below was checked by machine, and its badge says how: "
                r"\proved{} a symbolic method (expand, cancel, \dots) reduced the difference of its two sides to $0$; "
                r"\refuted{} a point was found, at 50 digits, where the two sides differ; "
                r"\undecided{} neither (agreement at random points is never counted as a proof). "
                r"Results stated for a symbolic dimension are proved at each size named in the badge.")


def standalone(item: Section) -> str:
    """A one-derivation handout."""
    d = item.derivation
    body = r"{\small %s}" % _HOW_TO_READ + "\n\n" + section(item, heading=None)
    return _document(body, prose(d.title), r"A machine-checked derivation \quad\textsf{(%s)}" % escape(d.name),
                     pdf_title=plain(d.title))


def overview_table(items: Iterable[Section]) -> str:
    """A table of every derivation: steps, verdict counts and verification time."""
    rows = []
    for item in items:
        rs = item.results
        counts = {v: sum(r.verdict is v for r in rs) for v in Verdict}
        verdict = overall(rs)
        colour = {Verdict.PROVED: "provedc", Verdict.REFUTED: "refutedc", Verdict.UNDECIDED: "undecidedc"}[verdict]
        rows.append(r"\hyperref[sec:%s]{%s} & %d & %d & %d & %d & \textcolor{%s}{%s} & %.1f \\"
                    % (item.derivation.name, prose(item.derivation.title), len(rs), counts[Verdict.PROVED],
                       counts[Verdict.REFUTED], counts[Verdict.UNDECIDED], colour, verdict.value,
                       sum(r.seconds for r in rs)))
    return ("\\begin{center}\\small\n\\begin{tabular}{@{}p{0.44\\linewidth}rrrrlr@{}}\n\\toprule\n"
            "Derivation & steps & proved & refuted & undecided & verdict & s \\\\\n\\midrule\n"
            + "\n".join(rows) + "\n\\bottomrule\n\\end{tabular}\n\\end{center}")


def lecture_notes(items: Sequence[Section], appendices: Sequence[str] = ()) -> str:
    """The lecture's derivations in one document, with an overview and the given appendices.

    ``appendices`` are LaTeX sections (the errata, the numeric experiments) placed after
    the derivations.
    """
    intro = ("\\subsection*{About these notes}\n"
             "These notes derive every result of the lecture \\emph{Logistic Regression \\& Neural Networks} "
             "as a chain of small steps. "
             "No step was typed by hand: the statements, the steps and their verdicts all come from "
             "the derivations of \\textsf{derive-toolkit}, and the figures are computed from the "
             "derived formulas.\n\n" + _HOW_TO_READ + "\n\n" + overview_table(items)
             + "\n\\tableofcontents\n\\clearpage\n")
    body = intro + "\n\n".join(section(item) + "\n\\clearpage" for item in items)
    if appendices:
        body += "\n\n" + "\n\n".join(appendices)
    return _document(body, r"Logistic Regression \& Neural Networks",
                     r"The lecture's derivations, every step machine-checked", toc=True,
                     pdf_title=r"Logistic Regression \& Neural Networks: the derivations")
