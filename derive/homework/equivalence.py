"""Is an answer equal to the key?  Numeric search first, then proof or exact evaluation.

``Checker(target).compare(answer)`` returns an ``Outcome``.  Every random point comes from the
run's secret seed (``derive.homework.seed``): rationals with 40- to 60-bit denominators, some
of magnitude up to 10⁶, so nobody can plant roots at them.

0. **Undefined forms.**  An expression the answer divides by (or takes the log of), as it was
   written, that is 0 at random points makes the answer undefined on a set of positive
   measure (0/0, ∞ − ∞): ``undefined``, whatever SymPy simplified it to.
1. **Numeric search.**  Both are evaluated with mpmath at 50 digits at 16 random points at the
   main sizes (d = 3, K = 4, m = 5, so a transpose cannot hide; 4 of them of large magnitude),
   at the 4 special points (0, ±1, ½, ...), at 4 points of the second sizes (d = 2, K = 3,
   m = 4) and at 1 point of each of two sets of larger sizes drawn from the seed (one of them
   above every main size).  A difference beyond 1e-30 relative must persist at 100 or 1000
   digits; one that vanishes at 1000 digits was a cancellation, one never confirmed is decided
   by exact evaluation at the point.
2. **Symbolic proof** at the main sizes, under a time limit (see ``proofs``).
3. **Exact evaluation** at the special points and at two secret rational points (one of large
   magnitude): SymPy's evalf certifies a difference non-zero, or a method reduces it to 0.
   If every point reduces to 0 and the answer is analytic, it is equal without a general proof.
4. **Other sizes.**  An answer proved or shown equal at the main sizes must also agree exactly
   at one secret point of the second sizes and of each larger set, so that a term that vanishes
   at the main sizes only (((x⁰)ᵀx⁰ − 3)·x is 0 at d = 3) is caught however small.
5. Otherwise ``unknown``: numerically consistent, but neither proved nor shown equal exactly.

A target with ``modulo`` symbols also accepts an answer whose difference from the key does
not depend on them: the difference must agree at paired points that differ only in those
symbols, and its derivatives by them must vanish (or agree exactly at paired exact points).
"""

from __future__ import annotations

import random
from typing import Any, Sequence

import mpmath
import sympy as sp

from ..timelimit import TimeLimitExceeded
from ..verify import DIGITS
from .compiled import Compiled, index_symbols
from ..evaluate import NON_ANALYTIC, NUMERIC, TooBig, Undefined, Unsupported
from .exactness import QUICK_SECONDS, METHOD_SECONDS, Deadline, short
from .exact_stage import ExactStage
from .outcome import ABS_FLOOR, CONFIRM_DIGITS, REL_TOL, Outcome, gap, vshape
from .layout import Layout, layout
from .points import (Point, describe_point, exact_random_points, format_value, random_points, regroup,
                     special_points, to_exact, to_numeric)
from .proofs import Prover, entries
from .seed import derived_seed, run_seed
from .sizes import PRIMARY_SIZES, SECONDARY_SIZES, larger_sizes
from .targets import Target

__all__ = ["Outcome", "Checker", "checker", "index_symbols", "REL_TOL", "N_RANDOM", "N_WIDE", "N_SECONDARY",
           "N_LARGER", "N_EXACT_RANDOM", "CONFIRM_DIGITS"]

N_RANDOM = 16                      # random points at the main sizes ...
N_WIDE = 4                         # ... the last of which reach magnitudes of 10^6
N_SECONDARY = 4                    # random points at the second sizes
N_LARGER = 1                       # random points at each set of larger sizes (2 for modulo twins)
N_EXACT_RANDOM = 2                 # exact secret points at the main sizes (the last one wide)
N_MATCH = 6                        # points at which a wrong answer is compared with known mistakes

#: Cheap proof attempts, tried before the exact evaluation: bound symbols free (the identity
#: then holds whatever p, s, h, P are), bindings written out, definitions written out.
QUICK_TIERS = (("free", ("expand",)), ("bound", ("expand",)),
               ("elementary", ("together", "cancel", "rewrite in exp", "logs of fractions")))
#: The expensive attempts, when the exact evaluation did not settle it.
SLOW_TIERS = (("elementary", ("exp-normal form", "expand_log", "simplify")),)


class Checker(ExactStage):
    """Compares answers with one target's key (or with any reference expression of its symbols)."""

    def __init__(self, target: Target, seed: int | None = None):
        self.target = target
        self.seed = run_seed() if seed is None else seed
        self.main: Layout = layout(target, PRIMARY_SIZES)
        rng = random.Random(self._seed("sizes"))
        self.other_sizes = [SECONDARY_SIZES, *larger_sizes(rng)]
        with mpmath.workdps(DIGITS):
            self.special = special_points(target, PRIMARY_SIZES, self._seed("twins"))
            points = (random_points(target, PRIMARY_SIZES, N_RANDOM, self._seed("main"), wide=N_WIDE)
                      + [to_numeric(target, p) for p in self.special]
                      + random_points(target, SECONDARY_SIZES, N_SECONDARY, self._seed("second")))
            for k, sizes in enumerate(self.other_sizes[1:]):
                points += random_points(target, sizes, N_LARGER * (2 if target.modulo else 1),
                                        self._seed("larger", k))
            self.numeric: list[Point] = regroup(points)
        self._size_points: list[Point] | None = None
        self.prover = Prover(self.main, self.target.shape)
        self._reference_cache: dict[sp.Basic, tuple[Compiled, list[Any]]] = {}
        self._exact_cache: dict[tuple[sp.Basic, str, int], Any] = {}
        self._normal_cache: dict[sp.Basic, sp.Basic] = {}
        self.key_compiled, self.key_values = self._reference(target.key)
        self._labels = ("your answer", "the right answer")

    def forget_answers(self) -> None:
        """Empty the caches answers filled (the key's and the known mistakes' values stay)."""
        keep = {self.target.key, *(m.expr for m in self.target.mistakes)}
        self._reference_cache = {k: v for k, v in self._reference_cache.items() if k in keep}
        self._normal_cache.clear()
        self._exact_cache.clear()
        self.prover.cache.clear()

    def _seed(self, *purpose: object) -> int:
        return derived_seed(self.seed, self.target.name, *purpose)

    # --- preparing expressions --------------------------------------------------------------

    def normalise(self, expr: sp.Basic) -> sp.Basic:
        """Write each binding's definition, where it occurs verbatim, as its symbol (σ(z) → p, Σ⁻¹ → P)."""
        cached = self._normal_cache.get(expr)
        if cached is None:
            cached = expr
            for b in self.target.bindings:
                forms = {b.definition: b.symbol}
                if isinstance(b.definition, sp.Inverse):
                    m = b.definition.args[0]
                    forms.update({sp.MatPow(m, -1): b.symbol, sp.Inverse(m.T): b.symbol,
                                  sp.Transpose(b.definition): b.symbol})
                cached = cached.xreplace(forms)
            if len(self._normal_cache) > 4096:
                self._normal_cache.clear()
            self._normal_cache[expr] = cached
        return cached

    def compiled(self, expr: sp.Basic) -> Compiled:
        """``expr`` (normalised) ready to run; index notation fills the key's shape."""
        return Compiled(self.normalise(expr), self.target.shape if index_symbols(expr) else None)

    def _reference(self, expr: sp.Basic) -> tuple[Compiled, list[Any]]:
        cached = self._reference_cache.get(expr)
        if cached is None:
            compiled = self.compiled(expr)
            with mpmath.workdps(DIGITS):
                values = [self._try(compiled, p) for p in self.numeric]
            cached = (compiled, values)
            if len(self._reference_cache) > 2048:  # lines of many derivations: keep the key and mistakes
                keep = {self.target.key, *(m.expr for m in self.target.mistakes)}
                self._reference_cache = {k: v for k, v in self._reference_cache.items() if k in keep}
            self._reference_cache[expr] = cached
        return cached

    @staticmethod
    def _try(compiled: Compiled, point: Point) -> Any:
        try:
            return compiled.run(point.env, NUMERIC)
        except Undefined:
            return None

    def sample_values(self, expr: sp.Basic) -> dict[int, Any]:
        """``expr``'s values at the first points where it is defined (for matching mistakes)."""
        compiled = self.compiled(expr)
        out: dict[int, Any] = {}
        with mpmath.workdps(DIGITS):
            for k, point in enumerate(self.numeric[:3 * N_MATCH]):
                value = self._try(compiled, point)
                if value is not None:
                    out[k] = value
                if len(out) >= N_MATCH:
                    break
        return out

    def reference_values(self, expr: sp.Basic) -> list[Any]:
        """``expr``'s values at every numeric point (None where undefined); cached."""
        return self._reference(expr)[1]

    def twin_of(self, k: int) -> int | None:
        """The numeric point paired with point ``k`` (differing only in the modulo symbols), if any."""
        g = self.numeric[k].group
        if g < 0:
            return None
        for j in range(k - 1, -1, -1):
            if self.numeric[j].group == g and self.numeric[j].env.sizes == self.numeric[k].env.sizes:
                return j
        return None

    # --- the comparison ----------------------------------------------------------------------

    def compare(self, answer: sp.Basic, reference: sp.Basic | None = None, *, seconds: float = 4.5,
                use_modulo: bool = True, labels: tuple[str, str] = ("your answer", "the right answer"),
                guards: Sequence[sp.Basic] = ()) -> Outcome:
        """Compare ``answer`` with ``reference`` (the key by default) under a wall-clock budget.

        ``guards`` are what the answer divided by (or took the log of) as written, before SymPy
        simplified: where one is 0 on a set of positive measure, the answer is undefined there."""
        deadline = Deadline(seconds)
        ref_expr = self.target.key if reference is None else reference
        self._labels = labels
        undefined = self._undefined_form(guards, ref_expr)
        if undefined is not None:
            return undefined
        # Bound sub-expressions (σ(θᵀx + θ₀), Σ⁻¹) read as their symbols, whose values every point
        # already holds: the same values, computed once per point instead of once per answer.
        a_norm, r_norm = self.normalise(answer), self.normalise(ref_expr)
        if a_norm == r_norm:
            # Structurally identical once the bindings are used: equal at every point there is.
            return Outcome("equal", "identical once the bindings are used")
        ref_compiled, ref_values = self._reference(ref_expr)
        compiled = self.compiled(answer)
        modulo = bool(self.target.modulo) and use_modulo

        found = self._numeric(compiled, ref_compiled, ref_values, modulo, deadline)
        if found.status == "different":
            return found
        shift = found.status == "equal-modulo"
        try:
            return self._decide(answer, a_norm, r_norm, compiled, ref_compiled, shift, found, deadline)
        except TimeLimitExceeded:
            pass
        return Outcome("unknown", f"numerically consistent at {found.points} points (50 digits), "
                                  "but neither proved nor confirmed by exact evaluation",
                       residual=found.residual, points=found.points)

    def _decide(self, answer, a_norm, r_norm, compiled, ref_compiled, shift, found, deadline) -> Outcome:
        """Steps 2 to 4: a proof or exact agreement at the main sizes, then exact agreement at the others."""
        deadline.check()
        how = self.prover.prove(a_norm, r_norm, shift, deadline, QUICK_TIERS, QUICK_SECONDS)
        if how is None:
            exact = self._exact(compiled, ref_compiled, shift, self._answer_points(answer), deadline)
            if exact.status == "different":
                return exact
            if exact.status == "equal" and not answer.has(*NON_ANALYTIC):
                how = exact.method
        if how is None:
            how = self.prover.prove(a_norm, r_norm, shift, deadline, SLOW_TIERS, METHOD_SECONDS)
        if how is None:
            return Outcome("unknown", f"numerically consistent at {found.points} points (50 digits), "
                                      "but neither proved nor confirmed by exact evaluation",
                           residual=found.residual, points=found.points)
        if not self.target.dimensions():  # no size to vary: the main sizes are all sizes
            return Outcome("equal-modulo" if shift else "equal", how, residual=found.residual, points=found.points)
        others = self._other_sizes(compiled, ref_compiled, shift, deadline)
        if others.status == "different":
            return others
        if others.status != "equal":
            return Outcome("unknown", f"{how}, but exact evaluation at the other sizes was inconclusive",
                           residual=found.residual, points=found.points)
        sizes = "; ".join(", ".join(f"{k}={v}" for k, v in sorted(s.items())) for s in self.other_sizes)
        return Outcome("equal-modulo" if shift else "equal", f"{how}; exact agreement at the other sizes ({sizes})",
                       residual=found.residual, points=found.points)

    def _answer_points(self, answer: sp.Basic) -> list[Point]:
        seed = self._seed("exact", sp.srepr(answer))
        return regroup(self.special + exact_random_points(self.target, PRIMARY_SIZES, N_EXACT_RANDOM, seed, wide=1))

    # --- 0. undefined forms ----------------------------------------------------------------------

    def _undefined_form(self, guards: Sequence[sp.Basic], ref_expr: sp.Basic) -> Outcome | None:
        """An Outcome "undefined" when a guard is 0 at a random point (where the reference is defined)."""
        if not guards:
            return None
        ref_values = self._reference(ref_expr)[1]
        for guard in guards:
            compiled = self.compiled(guard)
            for k, point in enumerate(self.numeric[:N_RANDOM - N_WIDE]):
                if ref_values[k] is None or not self._vanishes(compiled, point):
                    continue
                return Outcome("undefined", f"undefined form at {self._where(point)}",
                               counterexample=describe_point(self.target, point),
                               detail=f"{self._labels[0]} divides by (or takes the log of) {short(guard)}, which is 0 "
                                      "there and at every point like it, so it is undefined (a 0/0 or ∞ − ∞ form) "
                                      "even though it simplifies to something defined")
        return None

    def _vanishes(self, compiled: Compiled, point: Point) -> bool:
        """Is some entry of ``compiled`` exactly 0 at ``point``?  Tiny values at 50 digits are
        re-evaluated at CONFIRM_DIGITS: a real value persists, a rounding residue does not."""
        with mpmath.workdps(DIGITS):
            try:
                value = compiled.run(point.env, NUMERIC)
            except (Undefined, Unsupported, TooBig):
                return False
            low = [j for j, v in enumerate(entries(value)) if abs(v) <= ABS_FLOOR]
        if not low:
            return False
        with mpmath.workdps(CONFIRM_DIGITS):
            try:
                fine = entries(compiled.run(to_numeric(self.target, point).env, NUMERIC))
            except (Undefined, Unsupported, TooBig):
                return False
            coarse = entries(value)
            return any(fine[j] == 0 or abs(fine[j] - coarse[j]) > abs(fine[j]) / 10 ** 6 for j in low)

    # --- 1. numeric ------------------------------------------------------------------------------

    def _numeric(self, compiled: Compiled, ref: Compiled, ref_values: list[Any], modulo: bool,
                 deadline: Deadline) -> Outcome:
        values: dict[int, Any] = {}
        residual, used = mpmath.mpf(0), 0
        diffs: dict[int, list[Any]] = {}
        shifted = False
        first_bad: tuple[int, str] | None = None
        with mpmath.workdps(DIGITS):
            for k, point in enumerate(self.numeric):
                if first_bad is not None and len(values) >= N_MATCH:
                    break
                if ref_values[k] is None:
                    continue
                try:
                    value = compiled.run(point.env, NUMERIC)
                except Undefined as exc:
                    first_bad = first_bad or (k, f"{self._labels[0]} is undefined there ({exc}), {self._labels[1]} is not")
                    continue
                if len(values) < N_MATCH:
                    values[k] = value
                if vshape(value) != vshape(ref_values[k]):
                    raise Unsupported(f"the answer's value has shape {vshape(value)}, the key's {vshape(ref_values[k])}")
                used += 1
                worst, bound = gap(value, ref_values[k])
                residual = max(residual, worst)
                if not modulo:
                    if worst > bound and first_bad is None:
                        first_bad = self._confirm(k, compiled, ref, value, ref_values[k], deadline)
                    continue
                shifted = shifted or worst > bound
                diffs[k] = [u - v for u, v in zip(entries(value), entries(ref_values[k]))]
                twin = self.twin_of(k)
                if twin is not None and twin in diffs and first_bad is None:
                    drift = max(abs(u - v) for u, v in zip(diffs[k], diffs[twin]))
                    if drift > bound:
                        first_bad = (k, f"{self._labels[0]} minus {self._labels[1]} changes when only "
                                        f"{self._modulo_names()} change, so the difference depends on k; "
                                        + self._values_text(value, ref_values[k]))
        if first_bad is not None:
            k, text = first_bad
            point = self.numeric[k]
            return Outcome("different", f"mpmath at {DIGITS} digits, at {self._where(point)}",
                           counterexample=describe_point(self.target, point), residual=float(residual),
                           detail=text, values=values, points=used)
        return Outcome("equal-modulo" if shifted else "equal", f"numerically equal at {used} points",
                       residual=float(residual), values=values, points=used)

    def _confirm(self, k: int, compiled: Compiled, ref: Compiled, value: Any, ref_value: Any,
                 deadline: Deadline) -> tuple[int, str] | None:
        """A difference at 50 digits counts only if it persists at a higher precision (the point's
        values are exact rationals, so it can be rebuilt at any precision), first at 100 digits,
        then at 1000.  It must persist with the answer's own value changing in its last digits:
        a value that comes out identical at both precisions may be what is left after every
        digit cancelled ((z+1)¹⁰⁰ − (z+1)¹⁰⁰ at z = 10 loses all of them at 50 and at 100).  A
        difference that vanishes at 1000 digits was a cancellation; one never confirmed is
        decided by exact evaluation at the point."""
        point = self.numeric[k]
        lower = (entries(value), [u - v for u, v in zip(entries(value), entries(ref_value))])
        for digits in (2 * DIGITS, CONFIRM_DIGITS):
            try:
                with mpmath.workdps(digits):
                    env = to_numeric(self.target, point).env
                    a, r = compiled.run(env, NUMERIC), ref.run(env, NUMERIC)
                    fine = [u - v for u, v in zip(entries(a), entries(r))]
                    moved = any(u != v for u, v in zip(entries(a), lower[0]))
                    if moved and all(abs(f - c) <= abs(f) / 10 ** 6 for f, c in zip(fine, lower[1])):
                        return k, self._values_text(value, ref_value)
                    worst, bound = gap(a, r)
                    if digits == CONFIRM_DIGITS and worst <= bound:
                        return None
                    lower = (entries(a), fine)
            except (Undefined, Unsupported, TooBig):
                break
        exact = self._exact(compiled, ref, False, [to_exact(self.target, point)], deadline)
        return None if exact.status == "equal" else (k, self._values_text(value, ref_value))

    def _modulo_names(self) -> str:
        return " and ".join(sp.sstr(s) for s in self.target.modulo)

    @staticmethod
    def _where(point: Point) -> str:
        return "a random point" if point.origin == "random" else point.origin

    def _values_text(self, value: Any, ref: Any) -> str:
        gap = max(abs(u - v) for u, v in zip(entries(value), entries(ref)))
        mine, theirs = self._labels
        return (f"there {mine} is {format_value(value, 6)} and {theirs} is {format_value(ref, 6)} "
                f"(they differ by {mpmath.nstr(gap, 3)})")

_CHECKERS: dict[str, Checker] = {}


def checker(target: Target) -> Checker:
    """The (cached) checker of a target for this run's seed: its points and its key's values are
    computed once."""
    c = _CHECKERS.get(target.name)
    if c is None or c.target is not target or c.seed != run_seed():
        c = Checker(target)
        _CHECKERS[target.name] = c
    return c


def forget_checkers(keep_points: bool = False) -> None:
    """Drop every cached checker (their points belong to one seed); with ``keep_points``, keep
    each checker's points and its key's and mistakes' values, and forget only what answers added."""
    if not keep_points:
        _CHECKERS.clear()
        return
    for c in _CHECKERS.values():
        c.forget_answers()
