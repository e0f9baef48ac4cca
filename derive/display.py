"""Rich display in notebooks: ``_repr_mimebundle_`` for derivations, step results, check results, batches.

Each type's ``_repr_mimebundle_`` is one line that calls ``bundle(obj)`` here, which returns
``text/plain``, ``text/latex`` and ``text/html``.  The HTML shows the mathematics as MathML
(converted from SymPy's LaTeX, which browsers render natively) with a badge per verdict:

* ✓ proved / correct,  ✗ refuted / incorrect / invalid,  ? undecided.

Text that a user typed (an answer, a student's name, feedback quoting it) is always escaped.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["bundle", "to_mathml", "badge"]

_MARKS = {"proved": "✓", "correct": "✓", "refuted": "✗", "incorrect": "✗", "invalid": "✗", "undecided": "?"}
_COLOURS = {"✓": "#2e7d32", "✗": "#c62828", "?": "#a66f00"}
_MATH_NS = "http://www.w3.org/1998/Math/MathML"


def to_mathml(latex: str) -> str:
    """MathML ``<math>`` for LaTeX printed by this package; the escaped LaTeX as text if it cannot convert."""
    from latex2mathml.converter import convert
    try:
        return convert(latex)
    except Exception:  # noqa: BLE001 - a converter gap must not lose the display
        return f'<math xmlns="{_MATH_NS}" display="inline"><mtext>{html.escape(latex)}</mtext></math>'


def badge(verdict: str) -> str:
    """An HTML badge: the mark (✓ ✗ ?) and the verdict word."""
    mark = _MARKS.get(verdict, "?")
    return (f'<span class="derive-badge" style="color:{_COLOURS[mark]};font-weight:600" '
            f'title="{html.escape(verdict)}">{mark} {html.escape(verdict)}</span>')


def _latex(expr: Any) -> str:
    import sympy as sp
    return sp.latex(expr)


# --- one renderer per type --------------------------------------------------------------------

def _step_result(r: Any) -> dict[str, str]:
    verdict = r.verdict.value
    where = ""
    if r.counterexample:
        where = "; counterexample: " + ", ".join(f"{k} = {v}" for k, v in r.counterexample.items())
    plain = f"{_MARKS.get(verdict, '?')} {verdict} ({r.method}){where}"
    return {"text/plain": plain,
            "text/latex": rf"$\text{{{verdict}}}$ ({_latex_text(r.method)})",
            "text/html": f"<div>{badge(verdict)} <span>{html.escape(r.method)}{html.escape(where)}</span></div>"}


def _latex_text(text: str) -> str:
    """``text`` with LaTeX's special characters escaped, to sit inside ``\\text{...}``."""
    out = text.replace("\\", "\0")  # first, so that the escapes added below stay intact
    for ch in "{}$&#_%":
        out = out.replace(ch, "\\" + ch)
    out = out.replace("^", r"\^{}").replace("~", r"\~{}")
    return out.replace("\0", r"\textbackslash{}")


def _derivation(d: Any) -> dict[str, str]:
    results = d.verify()
    statement = ", ".join(_latex(s) for s in d.statement)
    plain = [f"{d.title} ({d.name}): {', '.join(str(s) for s in d.statement)}"]
    rows, lines = [], []
    for i, (step, r) in enumerate(zip(d.steps, results), start=1):
        mark = _MARKS.get(r.verdict.value, "?")
        plain.append(f"  {i}. {mark} {step.claim}   [{step.justification}; {r.verdict.value}: {r.method}]")
        lines.append(rf"{_latex(step.claim)} && \text{{{_latex_text(step.justification)}}}")
        rows.append(f"<tr><td>{i}</td><td>{to_mathml(_latex(step.claim))}</td>"
                    f"<td>{html.escape(step.justification)}</td><td>{badge(r.verdict.value)}</td>"
                    f"<td>{html.escape(r.method)}</td></tr>")
    proved = sum(r.proved for r in results)
    summary = f"{proved} of {len(results)} steps proved"
    plain.append(summary)
    table = ('<table class="derive-derivation"><thead><tr><th>#</th><th>claim</th><th>justification</th>'
             f'<th>verdict</th><th>method</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return {"text/plain": "\n".join(plain),
            "text/latex": rf"\textbf{{{_latex_text(d.title)}}}: ${statement}$" + "\n"
                          + r"\begin{align*}" + " \\\\\n".join(lines) + r"\end{align*}",
            "text/html": f"<div><p><strong>{html.escape(d.title)}</strong> "
                         f"(<code>{html.escape(d.name)}</code>): {to_mathml(statement)}</p>{table}"
                         f"<p>{html.escape(summary)}</p></div>"}


def _reading(r: Any) -> tuple[str, str, str]:
    """(plain, LaTeX, MathML) of how a checked answer was read, or empty strings if it was not."""
    reading = r.interpreted_as or {}
    if not reading.get("latex"):
        return "", "", ""
    return reading.get("plain", ""), reading["latex"], to_mathml(reading["latex"])


def _check_result(r: Any) -> dict[str, str]:
    verdict = r.verdict.value
    plain_reading, latex, mathml = _reading(r)
    plain = [f"{_MARKS.get(verdict, '?')} {verdict.upper()} (score {r.score:g}/1)  target: {r.target}"]
    if plain_reading:
        plain.append(f"read as: {plain_reading}")
    plain.append(r.feedback)
    read_as = f"<p>Read as: {mathml}</p>" if mathml else ""
    return {"text/plain": "\n".join(plain),
            "text/latex": rf"$\text{{{verdict}}}$ (score {r.score:g}/1)" + (f": ${latex}$" if latex else ""),
            "text/html": f"<div>{badge(verdict)} <span>score {r.score:g}/1, target "
                         f"<code>{html.escape(r.target)}</code></span>{read_as}"
                         f'<p style="white-space:pre-wrap">{html.escape(r.feedback)}</p></div>'}


def _batch(b: Any) -> dict[str, str]:
    counts = b.counts()
    summary = f"{len(b.rows)} answers: " + ", ".join(f"{n} {v}" for v, n in counts.items())
    rows, plain = [], [summary]
    for g in b.rows:
        r = g.result
        _, _, mathml = _reading(r)
        plain.append(f"  {_MARKS.get(r.verdict.value, '?')} {g.submission.student}  {r.target}  "
                     f"{r.verdict.value}  {r.score:g}")
        rows.append(f"<tr><td>{html.escape(g.submission.student)}</td><td>{html.escape(r.target)}</td>"
                    f"<td>{mathml or html.escape(r.answer)}</td><td>{badge(r.verdict.value)}</td>"
                    f"<td>{r.score:g}</td><td>{html.escape(r.feedback)}</td></tr>")
    table = ('<table class="derive-batch"><thead><tr><th>student</th><th>target</th><th>answer</th>'
             f'<th>verdict</th><th>score</th><th>feedback</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    latex_counts = ", ".join(f"{n}~\\text{{{v}}}" for v, n in counts.items())
    return {"text/plain": "\n".join(plain),
            "text/latex": f"${len(b.rows)}$ answers: ${latex_counts}$",
            "text/html": f"<div><p>{html.escape(summary)}</p>{table}</div>"}


_RENDERERS = {"Derivation": _derivation, "StepResult": _step_result, "CheckResult": _check_result,
              "Batch": _batch}


def bundle(obj: Any, include: Any = None, exclude: Any = None) -> dict[str, str]:
    """The MIME bundle of a Derivation, StepResult, CheckResult or graded Batch (IPython's protocol)."""
    render = _RENDERERS.get(type(obj).__name__)
    if render is None:
        raise TypeError(f"no notebook display for {type(obj).__name__}")
    data = render(obj)
    if include:
        data = {k: v for k, v in data.items() if k in include}
    if exclude:
        data = {k: v for k, v in data.items() if k not in exclude}
    return data
