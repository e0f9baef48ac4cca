"""What a step's verification covers, in a short phrase: "d = 1, …, 4", "K = 2, 3, 4", "every size".

``scope_phrase(step, result)`` is the one place the reports read a step's scope.  When the
verifier reports it (``StepResult.scope``, a structured value with a human phrase), that phrase
is used as it is.  Otherwise the scope is inferred from what is known today: the explicit sizes
named in the result's method ("(explicit d=1..4, K=2..4)"), the step's own ``sizes``, or the
claim's dimension symbols (none: the claim is about scalars and holds as stated).
"""

from __future__ import annotations

import re

import sympy as sp

from derive.assumptions import DIMENSION_SIZES, size_choices
from derive.step import Step
from derive.verify import StepResult
from derive.verify.result import Scope

__all__ = ["scope_phrase", "method_phrase", "EVERY_SIZE"]

#: The phrase for a claim with no dimension: it is proved as stated.
EVERY_SIZE = "as stated (no dimension)"

_EXPLICIT = re.compile(r"\s*\(explicit ([^)]*)\)")


def _from_result(result: StepResult) -> str | None:
    """The verifier's own phrase, when its scope says anything (a default ``Scope()`` does not)."""
    scope = getattr(result, "scope", None)
    if scope is None:
        return None
    empty = (not getattr(scope, "symbolic", False) and not getattr(scope, "proved_at", ())
             and not getattr(scope, "numeric_at", ()) and getattr(scope, "refuted_at", None) is None)
    if isinstance(scope, Scope) and empty:
        return None
    phrase = scope.phrase() if callable(getattr(scope, "phrase", None)) else getattr(scope, "phrase", None)
    text = (phrase if isinstance(phrase, str) else str(scope)).strip()
    return text or None


def _from_sizes(sizes: tuple[dict, ...]) -> str:
    shown = []
    keys = sorted({str(k) for case in sizes for k in case})
    for case in sizes:
        values = {str(k): v for k, v in case.items()}
        shown.append("(" + ", ".join(str(values[k]) for k in keys) + ")")
    return "(" + ", ".join(keys) + ") = " + ", ".join(shown)


def _combinations(names: list[str]) -> str:
    """The sizes the verifier checks for several dimensions: not every combination, but a
    rotation through each dimension's sizes (``derive.assumptions.size_choices``), listed."""
    dims = [d for d in DIMENSION_SIZES if str(d) in names]
    choices = size_choices(dims)
    if len(dims) == 1:
        values = [c[dims[0]] for c in choices]
        return f"{dims[0]} = " + (f"{values[0]}, …, {values[-1]}" if len(values) > 2 else ", ".join(map(str, values)))
    return _from_sizes(tuple(choices))


def scope_phrase(step: Step, result: StepResult) -> str:
    """Which sizes and cases the verification of ``step`` covered, as a short phrase."""
    reported = _from_result(result)
    if reported:
        return reported
    if step.sizes:
        return _from_sizes(step.sizes)
    found = _EXPLICIT.search(result.method or "")
    if found:
        names = [piece.partition("=")[0].partition("∈")[0].strip() for piece in found.group(1).split(", ")]
        return _combinations(names)
    dims = {n for m in step.claim.atoms(sp.MatrixSymbol) for n in m.shape if not getattr(n, "is_number", True)}
    return "explicit sizes" if dims else EVERY_SIZE


def method_phrase(result: StepResult) -> str:
    """The method alone, without the sizes: "expand log", "equal arguments: cancel" (the
    verifier appends its scope to the method, which the table shows in a column of its own)."""
    method = _EXPLICIT.sub("", result.method or "").strip()
    reported = _from_result(result)
    if reported and method.endswith(f"({reported})"):
        method = method[:-len(reported) - 2].rstrip()
    return method
