"""Sign methods: proofs of an inequality where SymPy's assumption queries alone do not suffice.

A claim lhs ≥ rhs (or >, ≤, <) is first brought to one side, f ≥ 0 (f > 0 for a strict
claim).  ``prove.prove_sign`` asks SymPy's assumptions about f; when that fails, the methods
below are tried in turn, each under a time limit, each sound, each named in the verdict:

* **combined logarithm**: f = Σ_i c_i log t_i + r with every t_i > 0 provable.  exp is
  increasing, so f ≥ 0 ⟺ e^f − 1 ≥ 0, and e^f = Π_i t_i^{c_i} · e^r has no logarithm left:
  logsumexp(a) − a₁ becomes Σ_i e^{a_i}·e^{−a₁} − 1 = Σ_{i≥2} e^{a_i − a₁} > 0, and
  softplus(z) − z becomes e^{−z} > 0.
* **tangent bound log t ≤ t − 1** (Gibbs): to show g ≤ 0 (g = −f) for g = Σ_i c_i log t_i + r,
  with each t_i > 0 and each c_i of a provable sign: c log t ≤ c (t − 1) if c ≥ 0, and
  c log t = (−c) log(1/t) ≤ (−c)(1/t − 1) if c ≤ 0.  So g ≤ B = r + Σ_i (bound of term i), and
  B ≤ 0 is proved instead, a simplex's Σ q = 1 substituted in.  This gives KL(p‖q) ≥ 0 for
  Bernoulli and categorical p, q, and Gibbs' inequality.  A coefficient of unknown sign stops
  the method: the bound would go the wrong way.
* **square completion**: f = N/D over a provably positive D; N as a polynomial
  α v² + β v + γ in one real variable v is ≥ 0 if α > 0 and 4αγ − β² ≥ 0 (> 0 for a strict
  claim), since N = α (v + β/2α)² + (4αγ − β²)/4α; the discriminant is proved the same way,
  with one variable fewer.  Positive symbols under a square root are first written as squares
  (s = w², w > 0, which reaches every s > 0): this proves AM–GM, (u + v)/2 ≥ √(uv); and each
  e^{c·A} is written t^c for a positive t standing for e^A, so σ(z)(1 − σ(z)) ≤ 1/4 is a
  quadratic in t = e^{−z}; where A ≥ 0 is known, e^A = 1 + s with s ≥ 0.
* **cases of a maximum**: max(u₁, …, u_n) of real symbols is split into the n cases "u_j is
  largest", in which u_i = u_j − w_i with w_i ≥ 0 and the maximum is u_j; each case is proved
  by the methods above.  This gives max(a) ≤ logsumexp(a) ≤ max(a) + log K.

What the assumptions say is built in first (``sign_context``): entries of ``Positive`` and
``Simplex`` become positive symbols, an ``Interval`` entry is written low + (high − low)/(1 + u)
with u > 0 (as in ``facts``).  A proof for all such values covers every admissible point.  A
simplex's constraint (its last entry is 1 minus the others) is substituted only into the
final targets, which are then proved for all positive values of the other entries, a
superset of the simplex.  Where no method applies the claim stays undecided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import sympy as sp

from ..assumptions import Assumption, Instance, Interval, Positive, Simplex
from ..timelimit import time_limit
from .exponents import split_exponent
from .facts import substitutions

__all__ = ["SIGN_METHODS", "SignContext", "sign_context", "prove_by_sign_methods", "combined_logarithm",
           "tangent_bound", "square_completion", "cases_of_a_maximum"]

QUERY_SECONDS = 1.0  # time limit of one assumption query on one form of a target
MAX_DEPTH = 3        # square completion recurses on discriminants at most this deep


@dataclass
class SignContext:
    """What the assumptions let the sign methods take for granted.

    ``positive``: substitutions made before any method (entries by positive symbols, intervals
    parametrised); ``constraints``: substitutions that restrict to a simplex, made in a final
    target only."""

    positive: dict = field(default_factory=dict)
    constraints: dict = field(default_factory=dict)


def _entry_scalars(a: Assumption, instance: Instance) -> list[sp.Symbol]:
    out = []
    for s in a.at(instance.sizes):
        value = instance.entries.get(s, s)  # a matrix symbol the claim lacks is skipped below
        out.extend(list(value) if isinstance(value, sp.MatrixBase) else [value])
    return [s for s in dict.fromkeys(out) if isinstance(s, sp.Symbol)]


def sign_context(assumptions: Sequence[Assumption], instance: Instance) -> SignContext:
    """The substitutions the assumptions allow (see the module's docstring)."""
    ctx = SignContext()
    for a in assumptions:
        scalars = _entry_scalars(a, instance)
        if isinstance(a, Interval):
            fresh = [s for s in scalars if s not in ctx.positive]
            ctx.positive.update(substitutions([a.__class__(*fresh, low=a.low, high=a.high)], {}, {}) if fresh else {})
        elif isinstance(a, (Positive, Simplex)):
            ctx.positive.update({s: sp.Dummy(s.name, positive=True) for s in scalars
                                 if s not in ctx.positive and s.is_positive is not True})
            # The constraint must name every entry of the simplex (over a subset it would be false),
            # each still a symbol (not an interval's parametrisation).
            images = [ctx.positive.get(s, s) for s in scalars]
            if isinstance(a, Simplex) and len(images) > 1 and all(isinstance(i, sp.Symbol) for i in images) \
                    and images[-1] not in ctx.constraints:
                ctx.constraints[images[-1]] = 1 - sp.Add(*images[:-1])
    return ctx


# --- Showing the sign of a target --------------------------------------------------------------

_FORMS: tuple[Callable[[sp.Expr], sp.Expr], ...] = (
    lambda e: e,
    sp.expand,
    lambda e: sp.powsimp(sp.expand(e), combine="exp"),
    lambda e: sp.cancel(sp.together(e)),
    sp.factor,
)


def _query(e: sp.Expr, strict: bool) -> bool:
    """e > 0 (strict) or e ≥ 0 by SymPy's assumptions, in one of a few equivalent forms."""
    want = "is_positive" if strict else "is_nonnegative"
    for form in _FORMS:
        try:
            with time_limit(QUERY_SECONDS):
                if getattr(form(e), want) is True:
                    return True
        except Exception:  # noqa: BLE001 -- a form SymPy cannot build proves nothing
            continue
    return False


def _holds(e: sp.Expr, strict: bool, ctx: SignContext, depth: int = 0) -> bool:
    """e > 0 (or ≥ 0) by queries or by square completion, with the constraints substituted if needed."""
    candidates = [e] + ([e.xreplace(ctx.constraints)] if ctx.constraints and e.has(*ctx.constraints) else [])
    for target in candidates:
        if _query(target, strict) or _complete_square(target, strict, depth):
            return True
    return False


def _sign(c: sp.Expr) -> int:
    """+1 if c ≥ 0 is provable, −1 if c ≤ 0 is, else 0."""
    if _query(c, strict=False):
        return 1
    if _query(-c, strict=False):
        return -1
    return 0


# --- Logarithms --------------------------------------------------------------------------------

def _log_terms(e: sp.Expr) -> tuple[dict, sp.Expr]:
    """e = Σ coefficient·log(argument) + rest: ({argument: coefficient}, rest), each log once."""
    logs: dict = {}
    rest = []
    for term in sp.Add.make_args(e):
        factors = sp.Mul.make_args(term)
        found = [f for f in factors if isinstance(f, sp.log)]
        if len(found) == 1:
            coeff = sp.Mul(*[f for f in factors if f is not found[0]])
            logs[found[0].args[0]] = logs.get(found[0].args[0], 0) + coeff
            continue
        # c·(log a − log b + …): distribute the product (only it) and look again.
        spread = term._eval_expand_mul(deep=False) if term.is_Mul and not found else term
        if spread == term:
            rest.append(term)
            continue
        inner, inner_rest = _log_terms(spread)
        for arg, coeff in inner.items():
            logs[arg] = logs.get(arg, 0) + coeff
        rest.append(inner_rest)
    return logs, sp.Add(*rest)


def _positive_args(logs: dict) -> bool:
    return all(_query(t, strict=True) for t in logs)


def combined_logarithm(f: sp.Expr, strict: bool, ctx: SignContext) -> bool:
    """f ≥ 0 (> 0) ⟸ e^f − 1 ≥ 0 (> 0), with e^f = Π t^c · e^rest for f = Σ c log t + rest, t > 0."""
    logs, rest = _log_terms(f)
    if not logs or rest.has(sp.log) or not _positive_args(logs):
        return False
    exp_f = sp.Mul(*[t ** c for t, c in logs.items()]) * sp.exp(rest)
    return _holds(exp_f - 1, strict, ctx)


def _grouped(logs: dict) -> dict:
    """Logarithms with one coefficient (up to sign) combined: c log a − c log b = c log(a/b)."""
    groups: dict = {}
    for t, c in logs.items():
        c = sp.factor(c)
        if c.could_extract_minus_sign():
            c, t = -c, 1 / t
        groups[c] = groups.get(c, 1) * t
    return {t: c for c, t in groups.items()}


def tangent_bound(f: sp.Expr, strict: bool, ctx: SignContext) -> bool:
    """f ≥ 0 (> 0) because g = −f ≤ B ≤ 0 (B < 0), B from log t ≤ t − 1 on every logarithm of g."""
    logs, rest = _log_terms(-f)
    if not logs or rest.has(sp.log) or not _positive_args(logs):
        return False
    for grouping in (_grouped, lambda d: d):
        bound = rest
        for t, c in grouping(logs).items():
            sign = _sign(c)
            if sign == 0:
                bound = None  # a coefficient of unknown sign: no bound in either direction
                break
            bound += c * (t - 1) if sign > 0 else -c * (1 / t - 1)
        if bound is not None and _holds(-bound, strict, ctx):
            return True
    return False


# --- Squares -----------------------------------------------------------------------------------

def _roots_as_squares(e: sp.Expr) -> sp.Expr:
    """Each positive symbol s under a square root written w² (w > 0): √s becomes w, 1/√s becomes 1/w."""
    roots = {p.base for p in e.atoms(sp.Pow)
             if p.exp.is_Rational and p.exp.q == 2 and p.base.is_Symbol and p.base.is_positive}
    return e.xreplace({s: sp.Dummy(f"√{s}", positive=True) ** 2 for s in roots}) if roots else e


def _exps_as_powers(e: sp.Expr) -> sp.Expr:
    """Each exp(c·A) written t_A^c for one positive t_A per A: e^{u−v} and e^{v−u} become t and
    1/t.  A sign shown for every t > 0 holds at t = e^A, which is one of them.  Where A ≥ 0 is
    known, t_A = 1 + s with s ≥ 0 instead."""
    generators: dict = {}
    powers = {}
    for atom in e.atoms(sp.exp):
        c, base = split_exponent(atom)
        if (-base).is_nonnegative and not base.is_nonnegative:
            c, base = -c, -base  # orient the exponent so that it is known to be nonnegative
        if base not in generators:
            # e^A ≥ 1 for A ≥ 0: written 1 + s with s ≥ 0, which reaches all of [1, ∞).
            known = base.is_nonnegative
            generators[base] = 1 + sp.Dummy("s", nonnegative=True) if known else sp.Dummy("t", positive=True)
        powers[atom] = generators[base] ** c
    return e.xreplace(powers) if powers else e


def _complete_square(e: sp.Expr, strict: bool, depth: int) -> bool:
    if depth >= MAX_DEPTH:
        return False
    # As written, then with products of exponentials merged (e^{u}·e^{−(u+v)/2} as e^{(u−v)/2}).
    forms = dict.fromkeys([e, sp.powsimp(sp.expand(e), combine="exp")])
    return any(_square_of(form, strict, depth) for form in forms)


def _square_of(e: sp.Expr, strict: bool, depth: int) -> bool:
    num, den = sp.fraction(sp.together(_roots_as_squares(_exps_as_powers(e))))
    if not _query(den, strict=True):
        if not _query(-den, strict=True):
            return False
        num = -num
    num = sp.expand(num)
    if num.is_number or _query(num, strict):
        return _query(num, strict)
    empty = SignContext()
    for v in sorted(num.free_symbols, key=sp.default_sort_key):
        try:
            poly = sp.Poly(num, v)
        except sp.PolynomialError:
            continue
        if poly.degree() != 2:
            continue
        alpha, beta, gamma = poly.all_coeffs()
        if _query(alpha, strict=True) and _holds(sp.expand(4 * alpha * gamma - beta ** 2), strict, empty, depth + 1):
            return True
    return False


def square_completion(f: sp.Expr, strict: bool, ctx: SignContext) -> bool:
    """f ≥ 0 (> 0) as α(v + β/2α)² + (4αγ − β²)/4α over a positive denominator, recursively."""
    return _complete_square(f, strict, 0)


def cases_of_a_maximum(f: sp.Expr, strict: bool, ctx: SignContext) -> bool:
    """f ≥ 0 (> 0) in every case of which argument of max(u₁, …, u_n) is largest.

    For real symbols u_i: in the case "u_j is largest" every other u_i is u_j − w_i with
    w_i ≥ 0 (every such point is reached), and max(…) is u_j; each case is proved by the
    assumption queries or one of the other sign methods.
    """
    maxima = sorted((m for m in f.atoms(sp.Max) if len(set(m.args)) == len(m.args)
                     and all(isinstance(u, sp.Symbol) and u.is_real for u in m.args)), key=sp.default_sort_key)
    if not maxima:
        return False
    top = maxima[0]
    for largest in top.args:
        gaps = {u: largest - sp.Dummy(f"{u.name}_gap", nonnegative=True) for u in top.args if u != largest}
        case = f.xreplace({top: largest}).xreplace(gaps)
        if not (_query(case, strict) or any(method(case, strict, ctx) for method in _BY_CASE)):
            return False
    return True


_BY_CASE = (combined_logarithm, tangent_bound, square_completion)

#: The sign methods in the order tried, each named as the verdict reports it.
SIGN_METHODS: dict[str, Callable[[sp.Expr, bool, SignContext], bool]] = {
    "combined logarithm": combined_logarithm,
    "tangent bound log t ≤ t − 1": tangent_bound,
    "square completion": square_completion,
    "cases of a maximum": cases_of_a_maximum,
}


def prove_by_sign_methods(e: sp.Expr, rel: type, ctx: SignContext, seconds: float) -> str | None:
    """The first sign method proving e > 0, ≥ 0, < 0 or ≤ 0 (by ``rel``), or None."""
    f = (e if rel in (sp.StrictGreaterThan, sp.GreaterThan) else -e).xreplace(ctx.positive)
    strict = rel in (sp.StrictGreaterThan, sp.StrictLessThan)
    for name, method in SIGN_METHODS.items():
        try:
            with time_limit(seconds):
                if method(f, strict, ctx):
                    return name
        except Exception:  # noqa: BLE001 -- a method that fails or times out proves nothing
            continue
    return None
