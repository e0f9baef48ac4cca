"""Is an answer equal to the key?  Numeric search first, then proof or exact evaluation.

``Checker(target).compare(answer)`` returns an ``Outcome``:

1. **Numeric search.**  Both are evaluated with mpmath at 50 digits at 20 random points that
   respect the assumptions and bindings (d = 3, K = 4, m = 5, so a transpose cannot hide), at
   the 4 special points (0, ±1, ½, ...), and at 4 points of other sizes (d = 2, K = 3, m = 4).
   An answer identical to the key once the bindings are used (σ(θᵀx + θ₀) read as p, Σ⁻¹ as
   P) is equal at every point without evaluating.
   Any difference beyond 1e-30 relative is ``different``, with the point.
2. **Symbolic proof** at the main sizes, under a time limit: first with the bound symbols
   (p, z, s, h, P) free, so the identity holds whatever their values; then with the bindings
   written out; then with σ, softplus and logsumexp replaced by their definitions.  Each
   method is one of the engine's (``derive.verify.PROOF_METHODS``).
3. **Exact evaluation** at the special points and at two rational points drawn from a seed
   derived from the answer, so no answer can be tuned to vanish there.  The difference is then
   an exact constant: SymPy's evalf certifies it non-zero (``different``: an answer that
   agrees with the key except in a narrow region is caught here), or a method reduces it to 0.
   If every point reduces to 0 and the answer is analytic, it is ``equal`` without a general
   proof; a non-analytic answer (abs, sign, ...) needs the proof.
4. Otherwise ``unknown``: numerically consistent, but neither proved nor shown equal exactly.

A target with ``modulo`` symbols also accepts an answer whose difference from the key does
not depend on them: the difference must agree at paired points that differ only in those
symbols, and its derivatives by them must vanish (or agree exactly at paired exact points).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import mpmath
import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from ..numbers import to_sympy
from ..answers.names import INDEX_I, INDEX_J
from ..functions import to_elementary
from ..vocabulary import sign_cases
from ..timelimit import TimeLimitExceeded, time_limit
from ..verify import DIGITS, PROOF_METHODS
from .evaluate import (EXACT, NON_ANALYTIC, NUMERIC, SYMBOLIC, Env, Mat, Program, TooBig, Undefined,
                       Unsupported, _size, compile_expr, shape_of)
from .points import (Layout, Point, describe_point, exact_random_points, format_value, layout, random_points,
                     regroup, special_points, symbolic_env, to_numeric)
from .targets import PRIMARY_SIZES, SECONDARY_SIZES, Target

__all__ = ["Outcome", "Checker", "checker", "REL_TOL", "N_RANDOM", "N_SECONDARY", "N_EXACT_RANDOM"]

REL_TOL = mpmath.mpf(10) ** -30   # agreement needed, relative to the size of the values
ABS_FLOOR = mpmath.mpf(10) ** -40  # rounding at 50 digits stays far below this
N_RANDOM = 20                      # random points at the main sizes
N_SECONDARY = 4                    # random points at the second sizes
N_EXACT_RANDOM = 2                 # exact random points, seeded by the answer
N_MATCH = 6                        # points at which a wrong answer is compared with known mistakes
METHOD_SECONDS = 1.5               # time limit of one proof method on one entry
QUICK_SECONDS = 0.25               # ... in the quick attempts, before the exact evaluation

#: Proof forms: the engine's methods, and one more for tanh, cosh, ... written through exp.
METHODS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    **PROOF_METHODS,
    "rewrite in exp": lambda e: sp.cancel(sp.together(sp.powsimp(e.rewrite(sp.exp), combine="exp"))),
    # log(1 − 1/(1 + e^{−z})): combine inside the log first, then split it.
    "logs of fractions": lambda e: sp.expand(sp.expand_log(sp.together(e, deep=True), force=False)),
}
#: Cheap proof attempts, tried before the exact evaluation: bound symbols free (the identity
#: then holds whatever p, s, h, P are), bindings written out, definitions written out.
QUICK_TIERS = (("free", ("expand",)), ("bound", ("expand",)),
               ("elementary", ("together", "cancel", "rewrite in exp", "logs of fractions")))
#: The expensive attempts, when the exact evaluation did not settle it.
SLOW_TIERS = (("elementary", ("exp-normal form", "expand_log", "simplify")),)


@dataclass
class Outcome:
    """The result of one comparison.

    ``status`` is "equal", "equal-modulo" (equal up to a term free of the target's modulo
    symbols), "different" or "unknown"; ``method`` says how it was decided; ``values`` are the
    answer's values at the first points (for matching known mistakes).
    """

    status: str
    method: str
    counterexample: dict[str, str] | None = None
    residual: float | None = None
    detail: str = ""
    values: dict[int, Any] = field(default_factory=dict)
    points: int = 0


class _Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> None:
        if self.left() <= 0:
            raise TimeLimitExceeded("the time limit for this answer ran out")


def _entries(v: Any) -> list[Any]:
    return list(v.data) if isinstance(v, Mat) else [v]


def _vshape(v: Any) -> tuple[int, int] | None:
    return None if not isinstance(v, Mat) or v.shape == (1, 1) else v.shape


def index_symbols(expr: sp.Basic) -> tuple[sp.Symbol, ...]:
    """The free indices (i, j) of an answer written in index notation."""
    return tuple(s for s in (INDEX_I, INDEX_J) if s in expr.free_symbols)  # not an index summed over


class _Compiled:
    """An expression ready to run: a program, and for index notation the entry grid to fill."""

    def __init__(self, expr: sp.Basic, shape: tuple | None):
        self.expr = expr
        self.program: Program = compile_expr(expr)
        self.indices = index_symbols(expr)
        self.shape = shape

    def run(self, env: Env, backend) -> Any:
        if not self.indices:
            return self.program.run(env, backend)
        rows, cols = self._grid(env)
        data = []
        for i in range(rows):
            for j in range(cols):
                e = Env(env.scalars, env.mats, env.sizes, {"i": i, "j": j})
                value = self.program.run(e, backend)
                data.append(value.data[0] if isinstance(value, Mat) else value)
        return Mat(rows, cols, tuple(data))

    def _grid(self, env: Env) -> tuple[int, int]:
        if self.shape is None:
            raise Unsupported("index notation needs a vector- or matrix-valued target")
        rows, cols = (_size(env, n) for n in self.shape)
        if INDEX_J in self.indices and cols == 1:
            raise Unsupported("the index j in an answer that is a column vector (use i)")
        return rows, cols


class Checker:
    """Compares answers with one target's key (or with any reference expression of its symbols)."""

    def __init__(self, target: Target, seed: int = 0):
        self.target = target
        self.main: Layout = layout(target, PRIMARY_SIZES)
        with mpmath.workdps(DIGITS):
            specials = special_points(target, PRIMARY_SIZES)
            self.special = specials
            self.numeric: list[Point] = regroup(
                random_points(target, PRIMARY_SIZES, N_RANDOM, seed)
                + [to_numeric(self.main, p) for p in specials]
                + random_points(target, SECONDARY_SIZES, N_SECONDARY, seed + 1)
            )
        self._reference_cache: dict[sp.Basic, tuple[_Compiled, list[Any]]] = {}
        self._normal_cache: dict[sp.Basic, sp.Basic] = {}
        self._symbolic_envs: dict[str, Env] = {}
        self.key_compiled, self.key_values = self._reference(target.key)
        self._symbolic_cache: dict[tuple[sp.Basic, str], Any] = {}
        self._labels = ("your answer", "the right answer")

    # --- preparing expressions --------------------------------------------------------------

    def normalise(self, expr: sp.Basic) -> sp.Basic:
        """Write each binding's definition, where it occurs verbatim, as its symbol (σ(z) → p, Σ⁻¹ → P)."""
        cached = self._normal_cache.get(expr)
        if cached is None:
            cached = self._normalise(expr)
            if len(self._normal_cache) > 4096:
                self._normal_cache.clear()
            self._normal_cache[expr] = cached
        return cached

    def _normalise(self, expr: sp.Basic) -> sp.Basic:
        out = expr
        for b in self.target.bindings:
            forms = {b.definition: b.symbol}
            if isinstance(b.definition, sp.Inverse):
                m = b.definition.args[0]
                forms.update({sp.MatPow(m, -1): b.symbol, sp.Inverse(m.T): b.symbol, sp.Transpose(b.definition): b.symbol})
            out = out.xreplace(forms)
        return out

    def _reference(self, expr: sp.Basic) -> tuple[_Compiled, list[Any]]:
        cached = self._reference_cache.get(expr)
        if cached is None:
            shape = self.target_shape(expr) if index_symbols(expr) else shape_of(expr)
            compiled = _Compiled(self.normalise(expr), shape)
            with mpmath.workdps(DIGITS):
                values = [self._try(compiled, p.env) for p in self.numeric]
            cached = (compiled, values)
            if len(self._reference_cache) > 2048:  # lines of many derivations: keep the key and mistakes
                keep = {self.target.key, *(m.expr for m in self.target.mistakes)}
                self._reference_cache = {k: v for k, v in self._reference_cache.items() if k in keep}
            self._reference_cache[expr] = cached
        return cached

    def target_shape(self, expr: sp.Basic) -> tuple | None:
        """The shape an index-notation ``expr`` fills: the key's (entry (i, j) of the answer)."""
        return shape_of(self.target.key)

    @staticmethod
    def _try(compiled: _Compiled, env: Env) -> Any:
        try:
            return compiled.run(env, NUMERIC)
        except Undefined:
            return None

    # --- the comparison ----------------------------------------------------------------------

    def compare(self, answer: sp.Basic, reference: sp.Basic | None = None, *, seconds: float = 4.5,
                use_modulo: bool = True, labels: tuple[str, str] = ("your answer", "the right answer")) -> Outcome:
        """Compare ``answer`` with ``reference`` (the key by default) under a wall-clock budget."""
        deadline = _Deadline(seconds)
        ref_expr = self.target.key if reference is None else reference
        self._labels = labels
        # Bound sub-expressions (σ(θᵀx + θ₀), Σ⁻¹) read as their symbols, whose values every point
        # already holds: the same values, computed once per point instead of once per answer.
        a_norm, r_norm = self.normalise(answer), self.normalise(ref_expr)
        if a_norm == r_norm:
            # Structurally identical once the bindings are used: equal at every point there is.
            return Outcome("equal", "identical once the bindings are used")
        ref_compiled, ref_values = self._reference(ref_expr)
        compiled = _Compiled(a_norm, self.target_shape(answer))
        modulo = bool(self.target.modulo) and use_modulo

        found = self._numeric(compiled, ref_values, modulo)
        if found.status == "different":
            return found
        deadline.check()
        shift = found.status == "equal-modulo"

        try:
            proof = self._prove(a_norm, r_norm, shift, deadline, QUICK_TIERS, QUICK_SECONDS)
            if proof:
                return self._equal(shift, proof, found)
            exact = self._exact(compiled, ref_compiled, shift, answer, deadline)
            if exact.status == "different":
                return exact
            if exact.status == "equal" and not answer.has(*NON_ANALYTIC):
                return self._equal(shift, exact.method, found)
            proof = self._prove(a_norm, r_norm, shift, deadline, SLOW_TIERS, METHOD_SECONDS)
            if proof:
                return self._equal(shift, proof, found)
        except TimeLimitExceeded:
            pass
        return Outcome("unknown", f"numerically consistent at {found.points} points (50 digits), "
                                  "but neither proved nor confirmed by exact evaluation",
                       residual=found.residual, points=found.points)

    def _equal(self, shift: bool, method: str, found: Outcome) -> Outcome:
        return Outcome("equal-modulo" if shift else "equal", method, residual=found.residual, points=found.points)

    # --- 1. numeric ------------------------------------------------------------------------------

    def _numeric(self, compiled: _Compiled, ref_values: list[Any], modulo: bool) -> Outcome:
        values: dict[int, Any] = {}
        residual = mpmath.mpf(0)
        used = 0
        diffs: dict[int, list[Any]] = {}
        shifted = False
        first_bad: tuple[int, str] | None = None
        with mpmath.workdps(DIGITS):
            for k, point in enumerate(self.numeric):
                if first_bad is not None and len(values) >= N_MATCH:
                    break
                ref = ref_values[k]
                if ref is None:
                    continue
                try:
                    value = compiled.run(point.env, NUMERIC)
                except Undefined as exc:
                    first_bad = first_bad or (k, f"{self._labels[0]} is undefined there ({exc}), {self._labels[1]} is not")
                    continue
                if len(values) < N_MATCH:
                    values[k] = value
                if _vshape(value) != _vshape(ref):
                    raise Unsupported(f"the answer's value has shape {_vshape(value)}, the key's {_vshape(ref)}")
                used += 1
                a, r = _entries(value), _entries(ref)
                delta = [u - v for u, v in zip(a, r)]
                bound = REL_TOL * max([abs(u) for u in a] + [abs(v) for v in r]) + ABS_FLOOR
                worst = max(abs(t) for t in delta)
                residual = max(residual, worst)
                if not modulo:
                    if worst > bound and first_bad is None:
                        first_bad = (k, self._values_text(value, ref))
                    continue
                shifted = shifted or worst > bound
                diffs[k] = delta
                twin = self._twin_of(k)
                if twin is not None and twin in diffs and first_bad is None:
                    drift = max(abs(u - v) for u, v in zip(delta, diffs[twin]))
                    if drift > bound:
                        first_bad = (k, f"{self._labels[0]} minus {self._labels[1]} changes when only "
                                        f"{self._modulo_names()} change, so the difference depends on k; "
                                        + self._values_text(value, ref))
        if first_bad is not None:
            k, text = first_bad
            point = self.numeric[k]
            where = "a random point" if point.origin == "random" else point.origin
            return Outcome("different", f"mpmath at {DIGITS} digits, at {where}",
                           counterexample=describe_point(self.target, point), residual=float(residual),
                           detail=text, values=values, points=used)
        return Outcome("equal-modulo" if shifted else "equal", f"numerically equal at {used} points",
                       residual=float(residual), values=values, points=used)

    def _modulo_names(self) -> str:
        return " and ".join(sp.sstr(s) for s in self.target.modulo)

    def sample_values(self, expr: sp.Basic) -> dict[int, Any]:
        """``expr``'s values at the first points where it is defined (for matching mistakes)."""
        compiled = _Compiled(expr, shape_of(expr) if not index_symbols(expr) else self.target_shape(expr))
        out: dict[int, Any] = {}
        with mpmath.workdps(DIGITS):
            for k, point in enumerate(self.numeric[:3 * N_MATCH]):
                try:
                    out[k] = compiled.run(point.env, NUMERIC)
                except Undefined:
                    continue
                if len(out) >= N_MATCH:
                    break
        return out

    def reference_values(self, expr: sp.Basic) -> list[Any]:
        """``expr``'s values at every numeric point (None where undefined); cached."""
        return self._reference(expr)[1]

    def _twin_of(self, k: int) -> int | None:
        g = self.numeric[k].group
        if g < 0:
            return None
        for j in range(k - 1, -1, -1):
            if self.numeric[j].group == g and self.numeric[j].env.sizes == self.numeric[k].env.sizes:
                return j
        return None

    def _values_text(self, value: Any, ref: Any) -> str:
        gap = max(abs(u - v) for u, v in zip(_entries(value), _entries(ref)))
        mine, theirs = self._labels
        return (f"there {mine} is {format_value(value, 6)} and {theirs} is {format_value(ref, 6)} "
                f"(they differ by {mpmath.nstr(gap, 3)})")

    # --- 2. proofs -----------------------------------------------------------------------------

    def _explicit(self, expr: sp.Basic, tier: str, cache: bool) -> Any:
        """``expr`` with every entry written out at the main sizes, for the proof tier."""
        key = (expr, tier)
        if key in self._symbolic_cache:
            return self._symbolic_cache[key]
        env = self._symbolic_envs.get(tier)
        if env is None:
            env = self._symbolic_envs[tier] = symbolic_env(self.main, bind=(tier != "free"))
        value = _Compiled(expr, self.target_shape(expr)).run(env, SYMBOLIC)
        if tier == "elementary":
            value = value.map(to_elementary) if isinstance(value, Mat) else to_elementary(value)
        if cache:
            if len(self._symbolic_cache) > 256:
                self._symbolic_cache.clear()
            self._symbolic_cache[key] = value
        return value

    def _prove(self, answer: sp.Basic, reference: sp.Basic, shift: bool, deadline: _Deadline,
               tiers: Sequence[tuple[str, tuple[str, ...]]], limit: float) -> str | None:
        where = _sizes_text(self.main)
        bound = set(self.target.bound)
        uses_bound = bool(bound & (answer.free_symbols | reference.free_symbols))
        for tier, methods in tiers:
            deadline.check()
            if tier == "bound" and not uses_bound:
                continue  # no bound symbol to write out: the same difference as with them free
            try:
                with time_limit(max(deadline.left(), 1e-3)):
                    a = self._explicit(answer, tier, cache=False)
                    r = self._explicit(reference, tier, cache=True)
                    diff = [u - v for u, v in zip(_entries(a), _entries(r))]
                    if shift:
                        diff = self._modulo_derivatives(diff)
            except TimeLimitExceeded:
                deadline.check()
                continue
            except (Unsupported, Undefined, TooBig, TypeError, ValueError, ZeroDivisionError):
                continue
            method = self._prove_entries(diff, methods, deadline, limit)
            if method is not None:
                label = {"free": "with the bound symbols free", "bound": "with the bindings written out",
                         "elementary": "from the definitions"}[tier]
                what = f"the difference does not depend on {self._modulo_names()}" if shift else "proved"
                return f"{what} by {method} ({label}{where})"
        return None

    def _modulo_derivatives(self, diff: list[sp.Expr]) -> list[sp.Expr]:
        scalars = self.main.scalars_of(self.target.modulo)
        return [sp.diff(d, s) for d in diff for s in scalars]

    def _prove_entries(self, diff: list[sp.Expr], methods: Sequence[str], deadline: _Deadline,
                       limit: float) -> str | None:
        method = self._prove_all(diff, methods, deadline, limit)
        if method is not None:
            return method
        cases = [{}]
        for a in self.target.assumptions:
            cases = [{**c, **extra} for c in cases for extra in a.cases(self.main.entries, {})]
        # |z|, max(z, 0), ReLU(z): each sign of z apart, where the kink is gone.
        cases = [{**c, **extra} for c in cases for extra in sign_cases(diff)]
        if len(cases) <= 1:
            return None
        used = []
        for case in cases:
            sub = {k: to_sympy(v) for k, v in case.items()}
            m = self._prove_all([e.xreplace(sub) for e in diff], methods, deadline, limit)
            if m is None:
                return None
            used.append(m)
        return f"{_strongest(used, methods)}, by cases ({len(cases)})"

    def _prove_all(self, diff: list[sp.Expr], methods: Sequence[str], deadline: _Deadline,
                   limit: float) -> str | None:
        used = []
        for e in diff:
            if e == 0:
                continue
            m = _zero_method(e, methods, deadline, limit)
            if m is None:
                return None
            used.append(m)
        return _strongest(used, methods) if used else "writing out the entries"

    # --- 3. exact points -------------------------------------------------------------------------

    def _exact(self, compiled: _Compiled, ref: _Compiled, shift: bool, answer: sp.Basic,
               deadline: _Deadline) -> Outcome:
        seed = int.from_bytes(hashlib.sha256(sp.srepr(answer).encode()).digest()[:6], "big")
        points = regroup(self.special + exact_random_points(self.target, PRIMARY_SIZES, N_EXACT_RANDOM, seed))
        checked, unknown = 0, 0
        previous: dict[int, list[Any]] = {}
        for point in points:
            deadline.check()
            try:
                with time_limit(max(deadline.left(), 1e-3)):
                    r = ref.run(point.env, EXACT)
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
            diff = [u - v for u, v in zip(_entries(a), _entries(r))]
            if shift:
                twin = previous.get(point.group)
                previous[point.group] = diff
                if twin is None:
                    continue
                diff = [u - v for u, v in zip(diff, twin)]
            verdicts = [_exact_zero(c, deadline) for c in diff]
            if any(v is False for v in verdicts):
                bad = next(c for c, v in zip(diff, verdicts) if v is False)
                return Outcome("different", f"exact evaluation at {point.origin}",
                               counterexample=describe_point(self.target, point),
                               detail=f"there {self._labels[0]} and {self._labels[1]} differ by exactly {_short(bad)} "
                                      f"(≈ {mpmath.nstr(mpmath.mpf(sp.N(bad, 15)), 3)}): a difference too small "
                                      "to see at random points, so it hides in a narrow region")
            if any(v is None for v in verdicts):
                unknown += 1
            else:
                checked += 1
        if unknown or not checked:
            return Outcome("unknown", "exact evaluation was inconclusive")
        return Outcome("equal", f"exact agreement at {checked} special and random rational points "
                                f"(no general proof within the time limit)")


def _short(c: sp.Expr) -> str:
    text = sp.sstr(c)
    return text if len(text) <= 60 else text[:57] + "..."


def _strongest(used: list[str], methods: Sequence[str]) -> str:
    order = list(methods)
    return max(used, key=lambda m: order.index(m) if m in order else -1)


def _zero_method(e: sp.Expr, methods: Sequence[str], deadline: _Deadline, limit: float = METHOD_SECONDS) -> str | None:
    """The first method that reduces ``e`` to 0 within the deadline, or None."""
    for name in methods:
        deadline.check()
        try:
            with time_limit(max(min(limit, deadline.left()), 1e-3)):
                if METHODS[name](e) == 0:
                    return name
        except TimeLimitExceeded:
            deadline.check()
        except (TypeError, ValueError, NotImplementedError, sp.PolynomialError, RecursionError,
                ZeroDivisionError, AttributeError):
            continue
    return None


def _exact_zero(c: sp.Expr, deadline: _Deadline) -> bool | None:
    """Is the exact constant ``c`` zero?  True (reduced to 0), False (certified non-zero), or None."""
    if c == 0:
        return True
    if getattr(c, "is_Rational", False):
        return False
    if c.has(sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity):
        return None
    try:
        with time_limit(max(min(METHOD_SECONDS, deadline.left()), 1e-3)):
            # strict: evalf raises unless it can give the value to 15 correct digits, so a
            # returned value is a certificate that c is not zero.
            value = sp.N(c, 15, strict=True, maxn=200)
            if value != 0:
                return False
    except PrecisionExhausted:
        pass
    except TimeLimitExceeded:
        deadline.check()
        return None
    except (TypeError, ValueError, ArithmeticError):
        return None
    forms = ("together", "cancel", "expand_log", "rewrite in exp", "logs of fractions")
    return True if _zero_method(c, forms, deadline, QUICK_SECONDS) is not None else None


def _sizes_text(lay: Layout) -> str:
    if not lay.sizes:
        return ""
    return " at " + ", ".join(f"{k}={v}" for k, v in sorted(lay.size_names.items()))


_CHECKERS: dict[str, Checker] = {}


def checker(target: Target) -> Checker:
    """The (cached) checker of a target: its points and its key's values are computed once."""
    c = _CHECKERS.get(target.name)
    if c is None or c.target is not target:
        c = Checker(target)
        _CHECKERS[target.name] = c
    return c
