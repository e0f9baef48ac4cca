"""The appendix table "How each step was checked": method, sizes and cases, and time, per step.

The proofs show only a mark per step; this table says what the mark rests on.  Consecutive
steps checked the same way share a row.  The sizes come from ``reports.scope.scope_phrase``,
so the table states exactly which sizes each proof covers: a theorem stated for every d is
machine-checked at those sizes only.
"""

from __future__ import annotations

from typing import Sequence

from derive.verify import Verdict

from .document import Section, _counterexample, mark
from .text import escape, prose
from .scope import method_phrase, scope_phrase

__all__ = ["checked_table", "checked_section"]

_INTRO = (r"Each row covers consecutive steps of one proof that were checked the same way.  ``Method'' is the "
          r"symbolic method that reduced the difference of the two sides to $0$ (``equal arguments'': "
          r"$f(a) = f(b)$ was proved from $a = b$).  ``Sizes and cases'' lists exactly the sizes at which a "
          r"claim about vectors or matrices was proved, with symbolic entries, and the larger sizes, drawn "
          r"at random, at which it then agreed numerically (a disagreement there would have refuted it).  A "
          r"theorem stated for every $d$ or $K$ is thus proved at the first sizes only; beyond them it holds "
          r"by the same algebra, which the machine checked numerically but did not prove.  A claim about scalars is proved as stated.  Times are wall-clock "
          r"seconds on the machine that built this document; ``cached'' marks steps proved in an earlier "
          r"run and read from the proof cache.")


def _rows(item: Section) -> list[tuple[str, str, str, str, str]]:
    """(steps, mark, method, sizes, seconds or "cached") for runs of steps checked alike."""
    d = item.derivation
    runs: list[list] = []
    for i, (step, result) in enumerate(zip(d.steps, item.results), start=1):
        method = prose(method_phrase(result))
        if result.verdict is Verdict.REFUTED and result.counterexample:
            method += "; counterexample " + _counterexample(result.counterexample)
        key = (result.verdict, method, scope_phrase(step, result))
        if runs and runs[-1][0] == key and runs[-1][2] == i - 1:
            runs[-1][2] = i
            runs[-1][3] += result.seconds
            runs[-1][5] = runs[-1][5] and result.cached
        else:
            runs.append([key, i, i, result.seconds, mark(result), result.cached])
    rows = []
    for (_, method, sizes), first, last, seconds, sign, cached in runs:
        steps = str(first) if first == last else f"{first}--{last}"
        rows.append((steps, sign, method, prose(sizes), "cached" if cached else f"{seconds:.2f}"))
    return rows


def checked_table(items: Sequence[Section], numbered: bool = True) -> str:
    """The table for ``items`` (a longtable that may break across pages), with its caption."""
    body = []
    for k, item in enumerate(items, start=1):
        d = item.derivation
        name = (r"Theorem~\ref{sec:%s}" % d.name) if numbered else "Proof"
        total = sum(r.seconds for r in item.results)
        cached = sum(r.cached for r in item.results)
        read = f"; {cached} of {len(item.results)} steps read from the proof cache" if cached else ""
        body.append(r"\multicolumn{5}{@{}p{\linewidth}@{}}{\raggedright\textbf{%s}: %s \quad (command: "
                    r"\textsf{derive show %s}; %.1f\,s in all%s)}\\*"
                    % (name, prose(d.title), escape(d.name), total, read))
        for steps, sign, method, sizes, seconds in _rows(item):
            body.append(r"%s & %s & %s & %s & %s \\" % (steps, sign, method, sizes, seconds))
        if k < len(items):
            body.append(r"\addlinespace")
    columns = ("@{}l c >{\\raggedright\\arraybackslash}p{0.33\\linewidth} "
               ">{\\raggedright\\arraybackslash}p{0.30\\linewidth} r@{}")
    caption = "\\caption{How each step was checked: method, sizes and cases, and time.}"
    head = "\\toprule\nSteps & & Method & Sizes and cases checked & s \\\\\n\\midrule\n"
    rows = "\n".join(body) + "\n\\bottomrule\n"
    if not numbered:
        # a handout is built in one pass, which a longtable cannot align: a plain table instead
        return ("\\begin{table}[htbp]\n\\centering\n" + caption + "\n\\begin{tabular}{" + columns + "}\n"
                + head + rows + "\\end{tabular}\n\\end{table}")
    return ("\\begin{longtable}{" + columns + "}\n" + caption + "\\label{tab:checked}\\\\\n"
            + head + "\\endfirsthead\n" + head + "\\endhead\n" + rows + "\\end{longtable}")


def checked_section(items: Sequence[Section]) -> str:
    """The appendix section: how to read the table, then the table."""
    return "\\section{How each step was checked}\\label{sec:checked}\n" + _INTRO + "\n\n" + checked_table(items)
