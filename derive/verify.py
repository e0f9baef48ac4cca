"""Verify one claim: prove it symbolically, refute it numerically, or say honestly that neither worked.

``verify_claim(claim, assumptions)`` is the whole contract:

1. The claim is instantiated at concrete sizes (d = 1, …, 4 by default) unless it has no
   dimension symbols; σ, softplus and logsumexp are replaced by their definitions, so no
   derivative rule is ever taken on trust; then derivatives, gradients and the like are
   carried out.
2. **Refute**: both sides are evaluated with mpmath at 50 digits at random points that
   respect the assumptions.  A point where they differ is a counterexample: ``refuted``.
3. **Prove**: otherwise each symbolic method (expand, cancel, …) is tried in turn, each
   under a time limit, on every entry and in every case of a finite domain.  ``proved``
   names the method that succeeded.
4. Otherwise ``undecided``, "numerically consistent at N points".  Agreement at points is
   never a proof.
"""

from __future__ import annotations

import dataclasses
import enum
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import mpmath
import sympy as sp
from sympy.core.relational import Relational
from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.printing.pycode import MpmathPrinter

from .numbers import to_sympy
from .assumptions import DIMENSION_SIZES, Assumption, Instance, Real, instantiate, size_choices
from .vocabulary import caveats, mpmath_namespace, to_elementary
from .ops import Elementwise, Softmax
from .timelimit import TimeLimitExceeded, time_limit

__all__ = ["Verdict", "StepResult", "verify_claim", "clear_cache", "PROOF_METHODS", "DIGITS", "N_POINTS"]

DIGITS = 50          # working precision of the numeric search
N_QUICK = 4          # points tried before any proof: most wrong claims fail at the first
N_POINTS = 20        # random points per instance (the issue asks for at least 20)
METHOD_SECONDS = 4.0  # time limit of one proof method on one entry


class Verdict(str, enum.Enum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNDECIDED = "undecided"

    def __str__(self) -> str:
        return self.value


@dataclass
class StepResult:
    """The outcome of verifying one claim.

    ``method`` says how it was proved (or why not), ``residual`` is the size of the largest
    difference seen numerically, ``counterexample`` maps symbol names to values where the
    claim fails, and ``seconds`` is the wall time spent.
    """

    verdict: Verdict
    method: str
    residual: float | None = None
    counterexample: dict[str, str] | None = None
    seconds: float = 0.0
    points: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def proved(self) -> bool:
        return self.verdict is Verdict.PROVED

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict.value, "method": self.method, "residual": self.residual,
            "counterexample": self.counterexample, "seconds": round(self.seconds, 4), "points": self.points,
        }


# --- symbolic methods ------------------------------------------------------------------

def _simplify_small(e: sp.Expr) -> sp.Expr:
    # simplify is a last resort: never on a big expression (it can take minutes).
    return sp.simplify(e) if sp.count_ops(e) <= 400 else e


#: Proof methods, in the order tried: each maps an expression to one that is 0 iff proved.
PROOF_METHODS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    # Before expand: exp(θᵀx + θ₀) stays one generator, which at d = 4 is ~30× faster than
    # expanding it into a product of exponentials first.
    "together": lambda e: _exp_powers(e),
    "expand": sp.expand,
    "cancel": lambda e: sp.cancel(sp.together(sp.expand(e))),
    "expand_log": lambda e: sp.expand(sp.expand_log(e, force=False)),
    "exp-normal form": lambda e: sp.cancel(sp.powsimp(sp.expand(e, power_exp=True), combine="exp")),
    "simplify": _simplify_small,
    "exp atoms": lambda e: _exp_atoms(e),
}


def _exp_atoms(e: sp.Expr) -> sp.Expr:
    """Cancel over a common denominator with each exp(term) as an independent atom.

    exp(u₁ + … + u_n) = exp(u₁)⋯exp(u_n) and exp(−u) = 1/exp(u); a rational function of the
    atoms that vanishes identically also vanishes when each atom is its exponential, so a 0
    here is a proof.  The polynomials inside the exponents are never expanded, which keeps
    Gaussian densities and softmaxes at d = 4 fast.
    """
    atoms: dict = {}

    def atom(u: sp.Expr) -> sp.Expr:
        coeff, rest = u.as_coeff_Mul()
        if isinstance(rest, sp.log) and coeff.is_Rational:
            return rest.args[0] ** coeff  # exp(c·log w) = w^c, exactly
        key, power = (-u, -1) if u.could_extract_minus_sign() else (u, 1)
        return atoms.setdefault(key, sp.Dummy("E")) ** power

    split = e.replace(lambda n: isinstance(n, sp.exp),
                      lambda n: sp.Mul(*[atom(t) for t in sp.Add.make_args(n.args[0])]))
    return sp.cancel(sp.together(split))


def _exp_powers(e: sp.Expr) -> sp.Expr:
    """Cancel over a common denominator, each exp(c·A) written t_A^c for one generator t_A.

    exp(c·A) = exp(A)^c exactly, so exp(z), exp(−z) and exp(2z) become t, 1/t and t² of a
    single positive t = exp(z) (z = θᵀx + θ₀ is never expanded); a rational function that
    vanishes identically in t vanishes at t = exp(z), so a 0 here is a proof.
    """
    generators: dict = {}
    powers = {}
    for atom in e.atoms(sp.exp):
        c, base = sp.expand(atom.args[0]).as_content_primitive()
        if base.could_extract_minus_sign():
            c, base = -c, -base
        powers[atom] = generators.setdefault(base, sp.Dummy("t", positive=True)) ** c
    e = e.xreplace(powers) if powers else e
    # A polynomial (a quadratic form, say) expands to 0 far sooner than it cancels.
    if not any(p.exp.is_negative for p in e.atoms(sp.Pow)):
        return sp.expand(e)
    return sp.cancel(sp.together(e))


def _is_zero(e: sp.Expr) -> bool:
    return e == 0 or (getattr(e, "is_Matrix", False) and all(x == 0 for x in e))


def _prove_zero(e: sp.Expr, methods: Sequence[str]) -> str | None:
    """The first method that reduces ``e`` to zero, or None."""
    if e == 0:
        return "identical once carried out"
    for name in methods:
        try:
            with time_limit(METHOD_SECONDS):
                if PROOF_METHODS[name](e) == 0:
                    return name
        except TimeLimitExceeded:
            continue
        except (TypeError, ValueError, NotImplementedError, sp.PolynomialError, RecursionError):
            continue
    return None


def _prove_sign(e: sp.Expr, rel: type) -> str | None:
    """A method showing e > 0 (or ≥ 0, < 0, ≤ 0) from the symbols' assumptions, or None."""
    want = {sp.StrictGreaterThan: "is_positive", sp.GreaterThan: "is_nonnegative",
            sp.StrictLessThan: "is_negative", sp.LessThan: "is_nonpositive"}[rel]
    # Cheapest first: a sum of nonnegative terms (say, weights times gaps) shows its sign as
    # written or once expanded, where factoring it can cost ~100× more.
    for name, form in (("sign as written", lambda e: e), ("sign after expanding", sp.expand),
                       ("sign of factors", sp.factor), ("sign after simplify", _simplify_small)):
        try:
            with time_limit(METHOD_SECONDS):
                if getattr(form(e), want) is True:
                    return name
        except TimeLimitExceeded:
            continue
        except (TypeError, ValueError, NotImplementedError, sp.PolynomialError, RecursionError):
            continue
    return None


# --- preparing a claim ---------------------------------------------------------------

def _prepare(expr: sp.Basic) -> sp.Basic:
    """Definitions in, then carry out derivatives, gradients, limits and matrix products."""
    expr = to_elementary(expr)
    if expr.has(sp.Limit):
        # SymPy's Limit takes scalars only: the limit of a matrix is taken entry by entry.
        expr = expr.replace(lambda e: isinstance(e, sp.Limit) and _is_matrix(e.args[0]), _entrywise_limit)
    expr = expr.doit()
    if isinstance(expr, sp.MatrixBase) or getattr(expr, "is_Matrix", False):
        return sp.ImmutableMatrix(expr.as_explicit() if hasattr(expr, "as_explicit") else expr)
    return expr


def _is_matrix(e: sp.Basic) -> bool:
    return isinstance(e, MatrixExpr) or getattr(e, "is_Matrix", False)


def _entrywise_limit(limit: sp.Limit) -> sp.ImmutableMatrix:
    f, *rest = limit.args
    f = f.doit()
    f = sp.ImmutableMatrix(f.as_explicit() if isinstance(f, MatrixExpr) else f)
    return f.applyfunc(lambda entry: sp.Limit(entry, *rest))


def _difference(lhs: sp.Basic, rhs: sp.Basic) -> sp.Basic:
    lm, rm = getattr(lhs, "is_Matrix", False), getattr(rhs, "is_Matrix", False)
    if lm and rm:
        if lhs.shape != rhs.shape:
            raise ValueError(f"shape mismatch: {lhs.shape} vs {rhs.shape}")
        return sp.ImmutableMatrix(lhs - rhs)
    if lm or rm:
        m, s = (lhs, rhs) if lm else (rhs, lhs)
        if m.shape != (1, 1):
            raise ValueError(f"shape mismatch: a {m.shape[0]}×{m.shape[1]} matrix against a scalar")
        return (m[0, 0] - s) if lm else (s - m[0, 0])
    return lhs - rhs


def _entries(e: sp.Basic) -> list[sp.Expr]:
    return list(e) if getattr(e, "is_Matrix", False) else [e]


# --- numeric search --------------------------------------------------------------------

def _sampler(instance: Instance, assumptions: Sequence[Assumption], symbols: Iterable[sp.Symbol]):
    symbols = list(symbols)

    def draw(rng: random.Random) -> dict[sp.Symbol, mpmath.mpf]:
        point: dict = {}
        for a in assumptions:
            point.update(a.sample(rng, instance.entries, instance.sizes))
        default = Real(sp.Symbol("_"))
        for s in symbols:
            if s not in point:
                point[s] = default.draw(rng)
        return point

    return draw


def _call(f, args) -> list | None:
    """f(*args) as a list of mpmath numbers (complex allowed), or None where f is undefined."""
    try:
        values = f(*args)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError):
        return None
    values = values if isinstance(values, (list, tuple)) else [values]
    return [mpmath.mpmathify(v) for v in values]


def _evaluate(f, args) -> list[mpmath.mpf] | None:
    values = _call(f, args)
    return None if values is None else _real(values)


def _real(values: list) -> list[mpmath.mpf] | None:
    """The values as reals, or None if one is non-finite or has a non-negligible imaginary part."""
    out = []
    for v in values:
        v = mpmath.mpmathify(v)
        if isinstance(v, mpmath.mpc):
            if abs(v.imag) > mpmath.mpf(10) ** (-(DIGITS - 10)) * max(1, abs(v)):
                return None
            v = v.real
        if not mpmath.isfinite(v):
            return None
        out.append(v)
    return out


@dataclass
class _Search:
    points: int = 0
    residual: float = 0.0
    counterexample: dict[str, str] | None = None


def _search(lhs, rhs, rel: type, instance: Instance, assumptions, seed: int, limit_var=None,
            n_points: int = N_POINTS) -> _Search:
    """Evaluate both sides at ``n_points`` random admissible points; stop at the first disagreement."""
    lhs_entries, rhs_entries = _entries(lhs), _entries(rhs)
    if len(rhs_entries) == 1 and len(lhs_entries) > 1:
        rhs_entries = rhs_entries * len(lhs_entries)
    symbols = sorted((sp.Matrix(lhs_entries + rhs_entries).free_symbols), key=sp.default_sort_key)
    if limit_var is not None:
        symbols = [s for s in symbols if s != limit_var]
    # One function for both sides (their difference is taken in mpmath, as it would be inside
    # a lambdified l − r): printing the sides once, with common subexpressions shared and the
    # terms left in their order, is most of the cost of a search on a large claim.
    n = len(lhs_entries)
    printer = MpmathPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                             "user_functions": {}, "order": "none"})
    sides = sp.lambdify(symbols + ([limit_var] if limit_var is not None else []), lhs_entries + rhs_entries,
                        modules=[mpmath_namespace(), "mpmath"], printer=printer, cse=True)
    draw = _sampler(instance, assumptions, symbols)
    rng = random.Random(seed)
    tol = mpmath.mpf(10) ** (-(DIGITS - 20))
    result = _Search()
    with mpmath.workdps(DIGITS):
        for _ in range(n_points * 3):
            if result.points >= n_points:
                break
            point = draw(rng)
            args = [point[s] for s in symbols]
            if limit_var is not None:
                # A limit t → ∞ is checked at a large t: a loose test, so only gross failures refute.
                values = _call(sides, args + [mpmath.mpf(10) ** 6])
                bound = mpmath.mpf(10) ** -4
            else:
                values = _call(sides, args)
            if values is None:
                continue
            diffs = _real([l - r for l, r in zip(values[:n], values[n:])])
            if limit_var is None:
                sizes = [abs(v) for v in values if mpmath.isfinite(abs(v))]
                bound = tol * max([1] + sizes)
            if diffs is None:
                continue
            result.points += 1
            worst = max(abs(v) for v in diffs) if diffs else mpmath.mpf(0)
            bad = _violates(diffs, rel, bound)
            result.residual = max(result.residual, float(worst))
            if bad:
                result.counterexample = {str(s): mpmath.nstr(point[s], 12) for s in symbols}
                break
    return result


def _violates(diffs: list, rel: type, bound) -> bool:
    if rel is sp.Equality:
        return any(abs(v) > bound for v in diffs)
    if rel in (sp.StrictGreaterThan, sp.GreaterThan):
        return any(v < -bound or (rel is sp.StrictGreaterThan and v <= 0) for v in diffs)
    return any(v > bound or (rel is sp.StrictLessThan and v >= 0) for v in diffs)


# --- the contract ----------------------------------------------------------------------

_RELATIONS = (sp.Equality, sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)


def _dimension_symbols(expr: sp.Basic) -> set[sp.Symbol]:
    found = set()
    for m in expr.atoms(sp.MatrixSymbol):
        for n in m.shape:
            found |= {s for s in to_sympy(n).free_symbols if s in DIMENSION_SIZES}
    return found | {s for s in expr.free_symbols if s in DIMENSION_SIZES}


def _limit_variable(claim: Relational) -> sp.Symbol | None:
    limits = claim.lhs.atoms(sp.Limit) | claim.rhs.atoms(sp.Limit)
    return next(iter(limits)).args[1] if limits else None


_MEMO: dict[tuple, StepResult] = {}
_MEMO_LIMIT = 4096


def verify_claim(
    claim: Relational,
    assumptions: Iterable[Assumption] = (),
    *,
    methods: Sequence[str] | None = None,
    seed: int = 0,
    sizes: Sequence[dict] | None = None,
) -> StepResult:
    """Verify ``claim`` (an ``Eq``, or a sign such as ``Gt(e, 0)``) under ``assumptions``.

    Returns a ``StepResult`` whose verdict is ``proved``, ``refuted`` (with a counterexample
    found at 50 digits) or ``undecided`` (with how many points agreed).  The outcome is a
    function of the arguments alone (the search is seeded), so a process remembers it: the
    reports, the checker and the tests ask for the same claims again.
    """
    if not isinstance(claim, _RELATIONS):
        raise TypeError(f"a claim must be Eq, Gt, Ge, Lt or Le, got {type(claim).__name__}: {claim}")
    assumptions = tuple(assumptions)
    methods = list(methods or PROOF_METHODS)
    unknown = [m for m in methods if m not in PROOF_METHODS]
    if unknown:
        raise ValueError(f"unknown proof method(s) {unknown}; known: {sorted(PROOF_METHODS)}")
    key = (claim, assumptions, tuple(methods), seed,
           None if sizes is None else tuple(tuple(sorted(c.items(), key=str)) for c in sizes))
    if key not in _MEMO:
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[key] = _verify(claim, assumptions, methods, seed, sizes)
    result = dataclasses.replace(_MEMO[key], notes=list(_MEMO[key].notes))
    # What the vocabulary says must be said whenever a function appears (ReLU at 0, say).
    result.notes.extend(note for note in caveats(claim) if note not in result.notes)
    return result


def clear_cache() -> None:
    """Forget remembered outcomes (to time a verification, or to test reproducibility)."""
    _MEMO.clear()


def _verify(claim: Relational, assumptions: tuple[Assumption, ...], methods: list[str], seed: int,
            sizes: Sequence[dict] | None) -> StepResult:
    start = time.perf_counter()
    # f(a) = f(b) follows from a = b, which is often far smaller (σ of two forms of a logit,
    # a limit of two forms of a function).  If that fails, f(a) = f(b) may still hold: go on.
    arguments = _argument_claims(claim)
    if arguments:
        inner = []
        for sub in arguments:
            inner.append(verify_claim(sub, assumptions, methods=methods, seed=seed, sizes=sizes))
            if not inner[-1].proved:
                break
        else:
            how = "; ".join(r.method for r in inner)
            return StepResult(Verdict.PROVED, f"equal arguments: {how}", residual=max(r.residual or 0.0 for r in inner),
                              seconds=time.perf_counter() - start, points=sum(r.points for r in inner))
    choices = list(sizes) if sizes is not None else size_choices(_dimension_symbols(claim))
    limit_var = _limit_variable(claim)
    used: list[str] = []
    points, residual = 0, 0.0
    # A quick numeric search runs first at the largest sizes, where a wrong claim shows most
    # readily (a transpose cannot hide at d = 1 there); the full search of N_POINTS runs
    # wherever a proof fails.  A false claim is never proved, so this skips no refutation,
    # only searches whose outcome the proof already settles.
    largest = max(range(len(choices)), key=lambda k: sum(choices[k].values()))
    for k in [largest] + [k for k in range(len(choices)) if k != largest]:
        chosen = choices[k]
        instance = instantiate(claim, assumptions, chosen)
        inst = instance.expr
        where = f" at {instance.describe_sizes()}" if chosen else ""
        try:
            # A limit is evaluated numerically as its argument at a large value of the variable.
            num_lhs, num_rhs = (_prepare(_unlimit(side)) for side in (inst.lhs, inst.rhs))
            _difference(num_lhs, num_rhs)
        except ValueError as exc:
            return StepResult(Verdict.REFUTED, f"{exc}{where}", seconds=time.perf_counter() - start)

        def search(n_points: int = N_POINTS) -> StepResult | None:
            nonlocal points, residual
            found = _search(num_lhs, num_rhs, type(claim), instance, assumptions, seed + k, limit_var, n_points)
            points += found.points
            residual = max(residual, found.residual)
            if found.counterexample is None:
                return None
            return StepResult(Verdict.REFUTED, f"mpmath, {DIGITS} digits{where}", residual=found.residual,
                              counterexample=found.counterexample, seconds=time.perf_counter() - start,
                              points=points)

        if k == largest and (refuted := search(N_QUICK)):
            return refuted
        try:
            with time_limit(2 * METHOD_SECONDS):
                # Without a limit, the sides prepared for the numeric search are the same ones.
                sides = (num_lhs, num_rhs) if limit_var is None else (_prepare(inst.lhs), _prepare(inst.rhs))
                diff = _difference(*sides)
        except (TimeLimitExceeded, NotImplementedError):  # e.g. a limit SymPy cannot take
            diff = None
        method = None if diff is None else _prove_instance(diff, type(claim), assumptions, instance, methods)
        if method is None:
            if refuted := search():
                return refuted
            return StepResult(Verdict.UNDECIDED, f"undecided (numerically consistent at {points} points){where}",
                              residual=residual, seconds=time.perf_counter() - start, points=points)
        used.append(method)
    scope = _scope(choices)
    how = _summarise(used)
    return StepResult(Verdict.PROVED, how + scope, residual=residual, seconds=time.perf_counter() - start,
                      points=points)


def _argument_claims(claim: Relational) -> list[Relational]:
    """For Eq(f(a, …), f(b, …)) with the same function f: the claims a = b, … (else [])."""
    lhs, rhs = claim.lhs, claim.rhs
    if type(claim) is not sp.Equality or type(lhs) is not type(rhs) or len(lhs.args) != len(rhs.args):
        return []
    if isinstance(lhs, sp.Function):
        operands = range(len(lhs.args))
    elif isinstance(lhs, (sp.Limit, Softmax)):  # Limit(f, t, t0, dir): only f may differ
        operands = (0,)
    elif isinstance(lhs, Elementwise):         # Elementwise(λ, M): only M may differ
        operands = (1,)
    else:
        return []
    pairs = list(zip(lhs.args, rhs.args))
    if any(a != b for i, (a, b) in enumerate(pairs) if i not in operands):
        return []
    if not all(isinstance(a, sp.Expr) or _is_matrix(a) for a, _ in pairs):
        return []
    return [sp.Eq(pairs[i][0], pairs[i][1], evaluate=False) for i in operands if pairs[i][0] != pairs[i][1]]


def _unlimit(expr: sp.Basic) -> sp.Basic:
    """Replace each unevaluated Limit(f, t, ∞) by f itself (t is then set large)."""
    if not expr.has(sp.Limit):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Limit), lambda e: e.args[0])


def _summarise(methods: list[str]) -> str:
    """One phrase for the methods used at each size: each method once, and the most cases."""
    cases = [int(m.rsplit("(", 1)[1].rstrip(")")) for m in methods if ", by cases (" in m]
    names = dict.fromkeys(m.split(", by cases (")[0] for m in methods)
    how = ", ".join(names)
    if cases:
        how += f", by cases ({min(cases)}" + (f" to {max(cases)})" if max(cases) != min(cases) else ")")
    return how


def _prove_instance(diff, rel, assumptions, instance: Instance, methods) -> str | None:
    cases = [{}]
    for a in assumptions:
        cases = [{**c, **extra} for c in cases for extra in a.cases(instance.entries, instance.sizes)]
    used = []
    for case in cases:
        e = diff.xreplace({k: to_sympy(v) for k, v in case.items()}) if case else diff
        for entry in _entries(e):
            m = _prove_zero(entry, methods) if rel is sp.Equality else _prove_sign(entry, rel)
            if m is None:
                return None
            used.append(m)
    # Report the strongest method needed (the last in the trial order that any entry used).
    order = ["identical once carried out", *methods, "sign as written", "sign after expanding", "sign of factors",
             "sign after simplify"]
    method = max(used, key=order.index) if used else "identical once carried out"
    return method + (f", by cases ({len(cases)})" if len(cases) > 1 else "")


def _scope(choices: Sequence[dict]) -> str:
    if not choices or choices == [{}]:
        return ""
    dims = sorted({d for c in choices for d in c}, key=str)
    parts = []
    for d in dims:
        values = sorted({c[d] for c in choices})
        parts.append(f"{d}={values[0]}..{values[-1]}" if values == list(range(values[0], values[-1] + 1)) else
                     f"{d}∈{{{','.join(map(str, values))}}}")
    return " (explicit " + ", ".join(parts) + ")"
