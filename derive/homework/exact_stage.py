"""Exact evaluation: an answer against a reference at exact points (steps 3 and 4 of ``equivalence``).

``ExactStage`` is the part of a ``Checker`` that works in exact numbers:

* at the special points and at secret rational points of the main sizes (``_exact``): a
  difference SymPy certifies non-zero rejects, one that reduces to 0 at every point counts as
  agreement;
* at one secret point of each of the other sizes (``_other_sizes``), first with the bound
  symbols free (rational arithmetic only), then at 1000 digits, then with the bindings computed.

It expects of the class it is mixed into: ``target``, ``numeric``, ``_labels``, ``_seed`` and
``_exact_cache`` (see ``Checker``).
"""

from __future__ import annotations

import random
from typing import Any

import mpmath
import sympy as sp

from ..timelimit import TimeLimitExceeded, time_limit
from .compiled import Compiled
from ..evaluate import EXACT, NUMERIC, TooBig, Undefined, Unsupported
from .exactness import QUICK_SECONDS, Deadline, combine, exact_zero, short
from .layout import free_env, layout
from .outcome import CONFIRM_DIGITS, Outcome
from .points import Point, describe_point, exact_random_points, regroup, to_exact, to_numeric
from .proofs import entries

__all__ = ["ExactStage"]


class ExactStage:
    """Exact evaluation for a Checker (a mix-in: see the module's docstring)."""

    @property
    def size_points(self) -> list[Point]:
        """One exact secret point at each of the other sizes (made when first needed: exact
        bindings at the larger sizes cost more than most answers ever need)."""
        if self._size_points is None:
            self._size_points = regroup([p for k, sizes in enumerate(self.other_sizes)
                                         for p in exact_random_points(self.target, sizes, 1, self._seed("size", k),
                                                                      bind=False)])
            self._bound_points: dict[int, Point] = {}
        return self._size_points

    def _other_sizes(self, compiled: Compiled, ref: Compiled, shift: bool, deadline: Deadline) -> Outcome:
        """Step 4: exact agreement at one secret point of each of the other sizes."""
        if not shift:
            return self._exact(compiled, ref, False, self.size_points, deadline, cache_reference=True, free_first=True)
        # Twins: first with the bound symbols free (a difference free of μ_k, π_k whatever P is),
        # then with the bindings computed.
        free = self._exact(compiled, ref, True, self.size_points, deadline)
        if free.status != "unknown" or not self.target.bindings:
            return free
        bound = [self._bound_point(k, p) for k, p in enumerate(self.size_points)]
        return self._exact(compiled, ref, True, bound, deadline, cache_reference=True)

    def _bound_point(self, k: int, point: Point) -> Point:
        if k not in self._bound_points:
            self._bound_points[k] = to_exact(self.target, point)
        return self._bound_points[k]

    def _exact_value(self, compiled: Compiled, point: Point, k: int, deadline: Deadline, cache: bool) -> Any:
        key = (compiled.expr, point.origin, k)
        if cache and key in self._exact_cache:
            return self._exact_cache[key]
        with time_limit(max(deadline.left(), 1e-3)):
            value = compiled.run(point.env, EXACT)
        if cache:
            if len(self._exact_cache) > 512:
                self._exact_cache.clear()
            self._exact_cache[key] = value
        return value

    def _free_agreement(self, compiled: Compiled, ref: Compiled, point: Point, rng: random.Random,
                        deadline: Deadline) -> bool:
        """Do answer and reference agree exactly at ``point``'s secret values with the bound symbols
        free (p, s, P taking their own random values)?  Then they agree whatever those values are
        (a non-zero difference vanishes at a secret random point with negligible probability),
        so in particular where the bindings hold: cheaper than evaluating σ or softmax exactly."""
        try:
            with time_limit(max(min(deadline.left(), QUICK_SECONDS), 1e-3)):
                env = free_env(layout(self.target, point.env.sizes), point.values)
                diff = [u - v for u, v in zip(entries(compiled.run(env, EXACT)), entries(ref.run(env, EXACT)))]
                return exact_zero(combine(diff, rng), deadline) is True
        except (Undefined, TooBig, Unsupported, TimeLimitExceeded):
            deadline.check()
            return False

    def _exact(self, compiled: Compiled, ref: Compiled, shift: bool, points: list[Point], deadline: Deadline,
               cache_reference: bool = False, free_first: bool = False) -> Outcome:
        """Exact evaluation at ``points``: "different" (certified), "equal" (every point reduced to 0)
        or "unknown".  A matrix's entries are decided as one random combination of them."""
        checked, unknown = 0, 0
        previous: dict[int, list[Any]] = {}
        rng = random.Random(self._seed("combine"))
        for k, point in enumerate(points):
            deadline.check()
            if free_first and not shift:
                early = self._free_first(compiled, ref, k, point, rng, deadline)
                if early == "equal":
                    checked += 1
                    continue
                if isinstance(early, Outcome):
                    return early
                point = early
            try:
                r = self._exact_value(ref, point, k, deadline, cache_reference)
            except (Undefined, TooBig, Unsupported):
                continue
            except TimeLimitExceeded:
                deadline.check()
                continue
            try:
                with time_limit(max(deadline.left(), 1e-3)):
                    a = compiled.run(point.env, EXACT)
            except Undefined as exc:
                return Outcome("different", f"exact evaluation at {point.origin}",
                               counterexample=describe_point(self.target, point),
                               detail=f"{self._labels[0]} is undefined there ({exc}), {self._labels[1]} is not")
            except (TooBig, Unsupported):
                unknown += 1
                continue
            except TimeLimitExceeded:
                deadline.check()
                unknown += 1
                continue
            diff = [u - v for u, v in zip(entries(a), entries(r))]
            if shift:
                twin = previous.get(point.group)
                previous[point.group] = diff
                if twin is None:
                    continue
                diff = [u - v for u, v in zip(diff, twin)]
            verdict = exact_zero(combine(diff, rng), deadline)
            if verdict is None and not shift and self._visible_at_high_precision(compiled, ref, point):
                verdict = False
            if verdict is False:
                return self._exact_difference(point, diff, deadline)
            if verdict is None:
                unknown += 1
            else:
                checked += 1
        if unknown or not checked:
            return Outcome("unknown", "exact evaluation was inconclusive")
        return Outcome("equal", f"exact agreement at {checked} special and secret random rational points "
                                f"(no general proof within the time limit)")

    def _free_first(self, compiled: Compiled, ref: Compiled, k: int, point: Point, rng: random.Random,
                    deadline: Deadline) -> str | Outcome | Point:
        """At a point of other sizes: "equal" when the bound symbols can be left free, a "different"
        Outcome when a difference shows at 1000 digits, else the point with its bindings computed.
        (A plain numeric difference at 1000 digits settles 10⁻³⁰⁰·(d − 2)(d − 3) at once, where
        exact arithmetic on tanh and softmax of secret rationals can take the whole time limit.)"""
        if self._free_agreement(compiled, ref, point, rng, deadline):
            return "equal"
        if self._visible_at_high_precision(compiled, ref, point):
            return self._exact_difference(point, [], deadline)
        return self._bound_point(k, point) if self.target.bindings else point

    def _visible_at_high_precision(self, compiled: Compiled, ref: Compiled, point: Point) -> bool:
        """Where exact arithmetic cannot decide (σ, tanh, softmax of secret rationals), a difference
        well above rounding at CONFIRM_DIGITS that stays the same at 1.2 × CONFIRM_DIGITS is a
        difference (10⁻³⁰⁰ is plain there); enough to reject, never used to accept."""
        found = []
        try:
            for digits in (CONFIRM_DIGITS, CONFIRM_DIGITS * 6 // 5):
                with mpmath.workdps(digits):
                    env = to_numeric(self.target, point).env
                    a, r = entries(compiled.run(env, NUMERIC)), entries(ref.run(env, NUMERIC))
                    scale = max([abs(u) for u in a] + [abs(v) for v in r] + [mpmath.mpf(1)])
                    found.append([(u - v) / scale for u, v in zip(a, r)])
        except (Undefined, Unsupported, TooBig):
            return False
        tiny = mpmath.mpf(10) ** (100 - CONFIRM_DIGITS)
        return any(abs(f) > tiny and abs(f - c) <= abs(f) / 10 ** 6 for f, c in zip(found[0], found[1]))

    def _exact_difference(self, point: Point, diff: list[sp.Expr], deadline: Deadline) -> Outcome:
        bad = next((c for c in diff if exact_zero(c, deadline) is False), None)
        shown = "" if bad is None else (f" (one entry differs by exactly {short(bad)}, "
                                        f"≈ {mpmath.nstr(mpmath.mpf(sp.N(bad, 15)), 3)})")
        return Outcome("different", f"exact evaluation at {point.origin}",
                       counterexample=describe_point(self.target, point),
                       detail=f"there {self._labels[0]} and {self._labels[1]} differ exactly{shown}: a difference "
                              "too small to see at 50 digits, or one that vanishes only at the main sizes")
