"""Derivations and their verification results → LaTeX: one section per derivation.

A section opens with why the result matters, then holds the theorem in a box (with its named
quantities defined in a "where" line), the assumptions, the remarks and the proof: each chain
of steps as an aligned display in which every line carries its justification and a small mark
(✓ proved, ✗ refuted, ? undecided).  How each step was checked (method, sizes, time) is the
appendix's business (``reports.checked``).  ``standalone`` wraps one section as a handout;
``reports.notes`` strings the sections into the lecture notes.

Nothing here verifies: the caller passes the results in, so one verification serves every
document built from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import sympy as sp
from sympy.core.relational import Relational

from derive.step import Derivation, compose
from derive.verify import StepResult, Verdict

from .assumptions_text import assumption_latex
from .latex import LecturePrinter, latex
from .layout import break_terms, width_em
from .names import Name, named, names_for
from .preamble import document
from .text import plain, prose

__all__ = ["Figure", "Section", "badge", "mark", "relation_symbol", "assumption_latex", "chain_display",
           "claims_display", "theorem_box", "section", "standalone", "overall", "concludes", "Refs"]

#: How a derivation's name is cited: "Theorem~\ref{sec:NAME}" in the notes, its title in a handout.
Refs = Mapping[str, str]

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


def mark(result: StepResult | None) -> str:
    """The small mark of the proof body: ``\\ok`` (proved), ``\\bad`` (refuted), ``\\unk`` (undecided)."""
    if result is None:
        return ""
    return {Verdict.PROVED: r"\ok", Verdict.REFUTED: r"\bad"}.get(result.verdict, r"\unk")


def title(text: str) -> str:
    """A title: mathematics in the text, plain ASCII in the PDF's bookmarks."""
    return r"\texorpdfstring{%s}{%s}" % (prose(text), plain(text))


# -- the proof ---------------------------------------------------------------------------

def _rows(head: str, relation: str, lines: Sequence[str], tag: str) -> list[str]:
    r"""``head &= line₁``, then ``&\quad line_k``; the tag goes on the last line, after the whole expression."""
    rows = [(r"%s &%s %s" % (head, relation, lines[0])).lstrip()]
    rows.extend(r"&\quad %s" % line for line in lines[1:])
    if tag:
        rows[-1] += r" \tag*{%s}" % tag
    return rows


def _note(index: int, justification: str, result: StepResult | None, refs: Refs | None = None) -> str:
    return r"\stepnote{%d}{%s}{%s}" % (index, prose(justification, refs), mark(result))


class _Namer:
    """Prints a derivation's expressions with its named quantities (z, p, L, s, h, …)."""

    def __init__(self, printer: LecturePrinter, names: Sequence[Name] = ()):
        self.printer, self.names = printer, tuple(names)

    def tex(self, expr: sp.Basic) -> str:
        return self.printer.doprint(named(expr, self.names))

    def expr(self, expr: sp.Basic) -> sp.Basic:
        return named(expr, self.names)

    def step_sides(self, lhs: sp.Basic, rhs: sp.Basic) -> tuple[sp.Basic, sp.Basic]:
        """Both sides named, unless naming makes them print alike (σ(z) = p would read p = p)."""
        a, b = self.expr(lhs), self.expr(rhs)
        if self.printer.doprint(a) == self.printer.doprint(b):
            return lhs, rhs
        return a, b


def chain_display(derivation: Derivation, indices: Sequence[int], results: Sequence[StepResult] | None,
                  printer: LecturePrinter | None = None, names: Sequence[Name] = (),
                  refs: Refs | None = None) -> str:
    """One chain of steps as an ``align*``: the left side once, then ``= rhs`` per step.

    A step that does not start where the previous one ended shows its own left side, so a
    broken chain is visible on the page (and its mark says why in the appendix).
    """
    printer = printer or LecturePrinter()
    namer = _Namer(printer, names)
    steps = derivation.steps
    first_lhs, _ = namer.step_sides(steps[indices[0]].lhs, steps[indices[0]].rhs)
    lhs_tex = printer.doprint(first_lhs)
    alone = width_em(lhs_tex) > LHS_ALONE_EM
    lhs_em = 0.0 if alone else width_em(lhs_tex)
    budget = TEXT_EM - 4.0 - lhs_em
    beside = budget - NOTE_EM
    laid_out = []  # (head, relation, lines, note) per step
    for n, i in enumerate(indices):
        step = steps[i]
        lhs, rhs = namer.step_sides(step.lhs, step.rhs)
        head = ""
        if n and step.lhs != steps[indices[n - 1]].rhs:
            head = printer.doprint(lhs)  # the chain breaks here: show where this step starts
        elif n == 0 and not alone:
            head = lhs_tex
        note = _note(i + 1, step.justification, results[i] if results is not None else None, refs)
        laid_out.append((head, relation_symbol(type(step.claim)), break_terms(rhs, budget, printer), note))
    # Give the notes whatever the mathematics leaves free, so they wrap less.  A note sits in
    # a right-hand tag: amsmath moves it below a line that is too wide to share with it.
    fitting = [width_em(line) for _, _, lines, _ in laid_out for line in lines if width_em(line) <= beside]
    widest = max(fitting, default=beside)
    note_em = min(max(TEXT_EM - lhs_em - widest - 6.0, NOTE_EM), 0.5 * TEXT_EM)
    column = [head for head, _, _, _ in laid_out if head]
    widest_head = max(column, key=width_em, default="")
    rows = [r"\MoveEqLeft[2] %s" % lhs_tex] if alone else []
    for head, rel, lines, note in laid_out:
        rows.extend(_rows(head, rel, lines, note))
    body = " \\\\\n".join(rows)
    setup = r"\setlength{\notewidth}{%.1fem}\sbox{\lhsbox}{$\displaystyle %s$}" % (note_em, widest_head)
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
    rows = []
    for i, (_, symbol, rhs, tag) in enumerate(items):
        lines = break_terms(rhs, budget - column, printer)
        if i in alone:
            rows.append(r"\MoveEqLeft[2] %s" % lhs[i])
            rows.extend(_rows("", symbol, lines, tag))
        else:
            rows.extend(_rows(lhs[i], symbol, lines, tag))
    widest = max(in_column, key=lambda i: lhs_em[i]) if in_column else None
    measure = r"\sbox{\lhsbox}{$\displaystyle %s$}" % (lhs[widest] if widest is not None else "")
    return measure + "\n\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def claims_display(claims: Sequence[tuple[Relational, str, StepResult | None]], first_number: int = 1,
                   printer: LecturePrinter | None = None, refs: Refs | None = None) -> str:
    """Independent claims, each ``lhs = rhs`` with its justification and mark, as an ``align*``."""
    printer = printer or LecturePrinter()
    items = [(claim.lhs, relation_symbol(type(claim)), claim.rhs, _note(first_number + n, why, result, refs))
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


def where_line(names: Sequence[Name], defined: set[str] | None = None, printer: LecturePrinter | None = None) -> str:
    """"where z = θᵀx + θ₀ (the logit), …": each name defined once; names defined before are recalled."""
    printer = printer or LecturePrinter()
    defined = set() if defined is None else defined
    new, old = [], []
    # innermost first (z before p before L), so that each name is defined before it is used
    order = [n for n in reversed(names) if n.substitute] + [n for n in names if not n.substitute]
    for n in order:
        if not n.words:
            continue
        k = names.index(n)
        sym = printer.doprint(n.symbol)
        others = [m for m in names[:k] + tuple(names[k + 1:]) if m.symbol != n.symbol]
        meaning = printer.doprint(named(n.meaning, others))
        # a name counts as defined only with the same meaning: θ of K classes is not θ of two
        if sym + "=" + meaning in defined:
            old.append("$%s$" % sym)
            continue
        new.append(r"$%s = %s$ (%s)" % (sym, meaning, prose(n.words)))
        defined.add(sym + "=" + meaning)
    parts = []
    if new:
        parts.append("where " + "; ".join(new))
    if old:
        parts.append(("and " if new else "with ") + ", ".join(old) + " as before")
    return (r"\par\smallskip{\raggedright %s.\par}" % " ".join(parts)) if parts else ""


def theorem_box(derivation: Derivation, printer: LecturePrinter | None = None, names: Sequence[Name] = (),
                defined: set[str] | None = None) -> str:
    """The theorem in a frame: each relation of the statement on its own, tagged (i), (ii), …"""
    printer = printer or LecturePrinter()
    many = len(derivation.statement) > 1
    items = [(named(rel.lhs, names), relation_symbol(type(rel)), named(rel.rhs, names),
              "(%s)" % _roman(k) if many else "") for k, rel in enumerate(derivation.statement)]
    body = _relations(items, 8.0, printer) + where_line(names, defined, printer)
    return "\\begin{theorembox}\n%s\n\\end{theorembox}" % body


def _assumptions(derivation: Derivation) -> str:
    items = derivation.all_assumptions
    if not items:
        return ""
    return r"\paragraph{Assumptions.} " + "; ".join(assumption_latex(a) for a in items) + "."


def section(item: Section, *, heading: str | None = "section", refs: Refs | None = None, motivation: str = "",
            extras: str = "", defined: set[str] | None = None) -> str:
    """One derivation as a LaTeX section: motivation, theorem, assumptions, remarks, figures, proof.

    ``heading`` is the sectioning command (``None`` for none: a handout's title says it);
    ``refs`` cite other derivations; ``extras`` (LaTeX) follow the proof; ``defined`` collects
    the names defined so far, so that each is defined once.
    """
    d, results = item.derivation, item.results
    if len(results) != len(d.steps):
        raise ValueError(f"{d.name}: {len(results)} verification results for {len(d.steps)} steps")
    printer = LecturePrinter()
    names = names_for(d.name)
    # A handout (no heading) has no cross-references, so that one LaTeX pass builds it.
    head = r"\%s{%s}\label{sec:%s}" % (heading, title(d.title), d.name) if heading else ""
    # a motivation may point at the section's figures: "(figure-forward)" → Figure~\ref{fig:forward}
    figure_refs = {"figure-" + f.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]:
                   r"Figure~\ref{fig:%s}" % f.path.rsplit("/", 1)[-1].rsplit(".", 1)[0] for f in item.figures}
    opening = prose(motivation, {**(refs or {}), **figure_refs}) if motivation else ""
    parts = [head, opening, theorem_box(d, printer, names, defined), _assumptions(d)]
    parts.extend(r"\paragraph{Remark.} " + prose(note, refs) for note in d.notes)
    # figures float from here, near the theorem they illustrate
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
        parts.append(chain_display(d, indices, results, printer, names, refs))
    parts.append(r"\qedline")
    parts.append(extras)
    return "\n\n".join(p for p in parts if p)


def _figure(f: Figure) -> str:
    label = "fig:" + f.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return ("\\begin{figure}[htbp]\n\\centering\n\\includegraphics[width=%s]{%s}\n\\caption{%s}\\label{%s}\n"
            "\\end{figure}" % (f.width, f.path, prose(f.caption), label))


HOW_TO_READ = (r"Each step of a proof carries its justification and a mark: \ok{} proved (a symbolic method "
               r"reduced the difference of the two sides to $0$), \bad{} refuted (a point was found, at 50 digits, "
               r"where the two sides differ), \unk{} undecided (agreement at random points is never counted as a "
               r"proof).  A claim about vectors or matrices of any size is checked at explicit sizes only; the table "
               r"``How each step was checked'' at the end says which sizes and cases each proof covers.")


def standalone(item: Section) -> str:
    """A one-derivation handout: the section, with other derivations cited by their titles."""
    from derive.registry import REGISTRY

    d = item.derivation
    refs = {name: r"\emph{%s}" % prose(other.title) for name, other in REGISTRY.items()}
    from .checked import checked_table

    body = (HOW_TO_READ.replace("the table ``How each step was checked'' at the end",
                                                  "the table at the end")
            + "\n\n" + section(item, heading=None, refs=refs) + "\n\n" + checked_table([item], numbered=False))
    return document(body, prose(d.title), r"A machine-checked derivation", pdf_title=plain(d.title))
