"""The numeric search: both sides at 50 digits at random points that respect the assumptions.

A point where they differ is a counterexample; agreement at every point is never a proof.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable, Sequence

import mpmath
import sympy as sp
from sympy.printing.pycode import MpmathPrinter

from ..assumptions import Assumption, Instance, Positive, Real
from ..evaluate import NUMERIC, Env, Mat, Program, Undefined, Unsupported, compile_expr
from ..vocabulary import mpmath_namespace
from .linalg import MPMATH_FORMS, Held, free_symbols_of, held_once
from .prove import entries as _entries

__all__ = ["DIGITS", "N_QUICK", "N_POINTS", "LIMIT_AT", "search", "sampler", "mpmath_function", "violates", "Found",
           "real_values", "program_of", "run_program"]

DIGITS = 50          # working precision of the numeric search
N_QUICK = 4          # points tried before any proof: most wrong claims fail at the first
N_POINTS = 20        # random points per instance (the issue asks for at least 20)
LIMIT_AT = mpmath.mpf(10) ** 6  # a limit t → ∞ is checked at this t: a loose test (see ``search``)


def sampler(instance: Instance, assumptions: Sequence[Assumption], symbols: Iterable[sp.Symbol]):
    symbols = list(symbols)

    def draw(rng: random.Random) -> dict[sp.Symbol, mpmath.mpf]:
        point: dict = {}
        for a in assumptions:
            point.update(a.sample(rng, instance.entries, instance.sizes))
        for s in symbols:
            if s not in point:
                point[s] = _draw_by_declaration(s, rng)
        return point

    return draw


def _draw_by_declaration(s: sp.Symbol, rng: random.Random) -> mpmath.mpf:
    """A value for a symbol no assumption names, respecting what the symbol itself declares:
    the prover takes ``Symbol('c', positive=True)`` to be positive, so the search must too."""
    if s.is_positive:
        return Positive(s).draw(rng)
    if s.is_negative:
        return -Positive(s).draw(rng)
    if s.is_nonnegative:
        return mpmath.mpf(rng.uniform(0.0, 3.0))
    if s.is_nonpositive:
        return mpmath.mpf(-rng.uniform(0.0, 3.0))
    return Real(s).draw(rng)


def mpmath_function(symbols: Sequence[sp.Symbol], values: Sequence[sp.Expr], cse: bool = True):
    """The values as one mpmath function of the symbols, common subexpressions shared when
    ``cse`` (worth it for a function called many times, not for a few points)."""
    printer = MpmathPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                             "user_functions": {}, "order": "none"})
    modules = [{**mpmath_namespace(), **MPMATH_FORMS}, "mpmath"]
    values = list(values)
    if any(v.has(Held) for v in values):
        # Each held polynomial (det M in every entry of M⁻¹) computed once, then the entries
        # from them: lambdify and cse would walk the entries as trees, millions of nodes.
        pairs, reduced = held_once(values)
        held = [h for h, _ in pairs]
        polynomials = sp.lambdify(list(symbols), [p for _, p in pairs], modules=modules, printer=printer,
                                  docstring_limit=-1)
        entries = sp.lambdify(list(symbols) + held, reduced, modules=modules, printer=printer, docstring_limit=-1)
        return lambda *args: entries(*args, *polynomials(*args))
    return sp.lambdify(list(symbols), values, modules=modules, printer=printer, cse=cse,
                       docstring_limit=-1)  # no docstring: printing a large claim for it costs more than compiling


def program_of(expr: sp.Basic) -> Program | None:
    """``expr`` compiled for ``derive.evaluate``, or None where the evaluator has no rule for
    one of its nodes or two of its symbols share a name (it looks values up by name).

    Compiling is one walk over the expression, far cheaper than printing it for lambdify,
    which is most of the cost of a search at a few points.
    """
    names = [s.name for s in expr.free_symbols]
    if len(names) != len(set(names)):
        return None
    try:
        return compile_expr(expr)
    except (Unsupported, TypeError):
        return None


def run_program(program: Program, values: dict[str, mpmath.mpf]) -> list:
    """The program's value at a point given by symbol name, as a flat list of entries (row-major).
    Raises ``Undefined`` where it has no real value, ``Unsupported`` where a rule fails."""
    out = program.run(Env(values), NUMERIC)
    return list(out.data) if isinstance(out, Mat) else [out]


def _sides(symbols: list, values: list, cse: bool):
    """One function from the symbols' values to the values (None where undefined): compiled
    for the evaluator where it can be, lambdified otherwise."""
    program = program_of(sp.ImmutableMatrix(values)) if values else None
    if program is None:
        f = mpmath_function(symbols, values, cse=cse)
        return lambda args: _call(f, args)
    names = [s.name for s in symbols]

    def run(args: list) -> list | None:
        try:
            return run_program(program, dict(zip(names, args)))
        except (Undefined, ArithmeticError, ValueError):
            return None
    return run


def _call(f, args) -> list | None:
    """f(*args) as a list of mpmath numbers (complex allowed), or None where f is undefined."""
    try:
        values = f(*args)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError):
        return None
    values = values if isinstance(values, (list, tuple)) else [values]
    return [mpmath.mpmathify(v) for v in values]


def real_values(values: list, digits: int = DIGITS - 10) -> list[mpmath.mpf] | None:
    """The values as reals, or None if one is non-finite or has an imaginary part above
    10^−digits relative to its size."""
    out = []
    for v in values:
        v = mpmath.mpmathify(v)
        if isinstance(v, mpmath.mpc):
            if abs(v.imag) > mpmath.mpf(10) ** (-digits) * max(1, abs(v)):
                return None
            v = v.real
        if not mpmath.isfinite(v):
            return None
        out.append(v)
    return out


@dataclass
class Found:
    points: int = 0
    residual: float = 0.0
    counterexample: dict[str, str] | None = None


def search(lhs, rhs, rel: type, instance: Instance, assumptions, seed: int, limit_var=None,
            n_points: int = N_POINTS) -> Found:
    """Evaluate both sides at ``n_points`` random admissible points; stop at the first disagreement."""
    lhs_entries, rhs_entries = _entries(lhs), _entries(rhs)
    # A scalar 0 against a matrix is the zero matrix (``prepare.difference`` allows no other scalar).
    if len(rhs_entries) == 1 and len(lhs_entries) > 1:
        rhs_entries = rhs_entries * len(lhs_entries)
    if len(lhs_entries) == 1 and len(rhs_entries) > 1:
        lhs_entries = lhs_entries * len(rhs_entries)
    held = any(v.has(Held) for v in lhs_entries + rhs_entries)  # a walk of the graph, not the tree
    free = free_symbols_of(lhs_entries + rhs_entries) if held else sp.Matrix(lhs_entries + rhs_entries).free_symbols
    symbols = sorted(free, key=sp.default_sort_key)
    if limit_var is not None:
        symbols = [s for s in symbols if s != limit_var]
    # One function for both sides (their difference is taken in mpmath, as it would be inside
    # a lambdified l − r): printing the sides once, with common subexpressions shared and the
    # terms left in their order, is most of the cost of a search on a large claim.
    n = len(lhs_entries)
    sides = _sides(symbols + ([limit_var] if limit_var is not None else []), lhs_entries + rhs_entries,
                   cse=n_points > N_QUICK)
    draw = sampler(instance, assumptions, symbols)
    rng = random.Random(seed)
    tol = mpmath.mpf(10) ** (-(DIGITS - 20))
    result = Found()
    with mpmath.workdps(DIGITS):
        for _ in range(n_points * 3):
            if result.points >= n_points:
                break
            point = draw(rng)
            args = [point[s] for s in symbols]
            if limit_var is not None:
                # A limit t → ∞ is checked at a large t: a loose test, so only gross failures refute.
                values = sides(args + [LIMIT_AT])
                bound = mpmath.mpf(10) ** -4
            else:
                values = sides(args)
            if values is None:
                continue
            diffs = real_values([l - r for l, r in zip(values[:n], values[n:])])
            if limit_var is None:
                sizes = [abs(v) for v in values if mpmath.isfinite(abs(v))]
                bound = tol * max([1] + sizes)
            if diffs is None:
                continue
            result.points += 1
            worst = max(abs(v) for v in diffs) if diffs else mpmath.mpf(0)
            bad = violates(diffs, rel, bound)
            result.residual = max(result.residual, float(worst))
            if bad:
                result.counterexample = {str(s): mpmath.nstr(point[s], 12) for s in symbols}
                break
    return result


def violates(diffs: list, rel: type, bound) -> bool:
    if rel is sp.Equality:
        return any(abs(v) > bound for v in diffs)
    if rel in (sp.StrictGreaterThan, sp.GreaterThan):
        return any(v < -bound or (rel is sp.StrictGreaterThan and v <= 0) for v in diffs)
    return any(v > bound or (rel is sp.StrictLessThan and v >= 0) for v in diffs)

