"""Symbolic proof methods: each reduces a difference to 0 (an identity) or shows a sign.

Every method runs under a time limit; a method that fails, times out or raises simply
does not prove, and the next is tried.
"""

from __future__ import annotations

from typing import Callable, Sequence

import sympy as sp

from ..assumptions import Instance
from ..numbers import to_sympy
from ..timelimit import TimeLimitExceeded, time_limit
from .exponents import split_exponent
from .facts import substitutions
from .linalg import unhold
from .rational import common_denominator
from .signs import SIGN_METHODS, SignContext, prove_by_sign_methods, sign_context

__all__ = ["PROOF_METHODS", "METHOD_SECONDS", "prove_zero", "prove_sign", "prove_instance", "summarise", "entries"]

METHOD_SECONDS = 4.0  # time limit of one proof method on one entry

#: What a failing method may raise: it then proves nothing, and the next method is tried.
FAILURES = (TimeLimitExceeded, TypeError, ValueError, NotImplementedError, AttributeError, IndexError,
            ZeroDivisionError, sp.PolynomialError, RecursionError, sp.GeneratorsNeeded)


def entries(e: sp.Basic) -> list[sp.Expr]:
    """The entries of an explicit matrix, or [e] for a scalar."""
    return list(e) if getattr(e, "is_Matrix", False) else [e]


def _simplify_small(e: sp.Expr) -> sp.Expr:
    # simplify is a last resort: never on a big expression (it can take minutes).
    return sp.simplify(e) if sp.count_ops(e) <= 400 else e


#: Proof methods, in the order tried: each maps an expression to one that is 0 iff proved.
PROOF_METHODS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    # First, though it applies only to rational functions with a denominator (inverses and
    # determinants made explicit, say): there it is fast where cancel can take minutes.
    "common denominator": common_denominator,
    # Before expand: exp(θᵀx + θ₀) stays one generator, which at d = 4 is ~30× faster than
    # expanding it into a product of exponentials first.
    "together": lambda e: _exp_powers(e),
    "expand": sp.expand,
    "cancel": lambda e: sp.cancel(sp.together(sp.expand(e))),
    "expand_log": lambda e: sp.expand(sp.expand_log(e, force=False)),
    "exp-normal form": lambda e: sp.cancel(sp.powsimp(sp.expand(e, power_exp=True), combine="exp")),
    "simplify": _simplify_small,
    "exp atoms": lambda e: _exp_atoms(e),
    # tanh, cosh, sinh, ... in terms of exp, then as for σ: a last resort.
    "rewrite as exp": lambda e: _exp_powers(e.rewrite(sp.exp)),
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
    """Over a common denominator, each exp(c·A) written t_A^c for one generator t_A: the
    numerator, expanded (0 if and only if ``e`` is 0 as a rational function of the t_A).

    exp(c·A) = exp(A)^c exactly, so exp(z), exp(−z) and exp(2z) become t, 1/t and t² of a
    single positive t = exp(z) (z = θᵀx + θ₀ is never expanded); a rational function that
    vanishes identically in t vanishes at t = exp(z), so a 0 here is a proof.
    """
    generators: dict = {}
    powers = {}
    for atom in e.atoms(sp.exp):
        c, base = split_exponent(atom)
        powers[atom] = generators.setdefault(base, sp.Dummy("t", positive=True)) ** c
    e = e.xreplace(powers) if powers else e
    # A polynomial (a quadratic form, say) expands to 0 far sooner than it cancels; and a
    # rational function is 0 exactly when the numerator over a common denominator expands to
    # 0, which needs no polynomial gcd (the cost of ``cancel``: ~2× more here).
    if not any(p.exp.is_negative for p in e.atoms(sp.Pow)):
        return sp.expand(e)
    return sp.expand(sp.fraction(sp.together(e))[0])


def prove_zero(e: sp.Expr, methods: Sequence[str]) -> str | None:
    """The first method that reduces ``e`` to zero, or None."""
    if e == 0:
        return "identical once carried out"
    written_out = None  # e with held polynomials written out, for the methods that need it
    for name in methods:
        try:
            with time_limit(METHOD_SECONDS):
                if name != "common denominator" and written_out is None:
                    written_out = unhold(e)
                if PROOF_METHODS[name](e if name == "common denominator" else written_out) == 0:
                    return name
        except FAILURES:
            continue
    return None


def prove_sign(e: sp.Expr, rel: type) -> str | None:
    """A method showing e > 0 (or ≥ 0, < 0, ≤ 0) from the symbols' assumptions, or None."""
    e = unhold(e)  # SymPy's assumptions know nothing of a held polynomial
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
        except FAILURES:
            continue
    return None


def summarise(methods: list[str]) -> str:
    """One phrase for the methods used at each size: each method once, and the most cases."""
    cases = [int(m.rsplit("(", 1)[1].rstrip(")")) for m in methods if ", by cases (" in m]
    names = dict.fromkeys(m.split(", by cases (")[0] for m in methods)
    how = ", ".join(names)
    if cases:
        how += f", by cases ({min(cases)}" + (f" to {max(cases)})" if max(cases) != min(cases) else ")")
    return how


def prove_instance(diff, rel, assumptions, instance: Instance, methods) -> str | None:
    """A proof of diff = 0 (or of its sign) in every case of the assumptions; failing that,
    once more with the assumptions' constraints substituted in (``facts``).  A sign that
    SymPy's assumptions cannot show is tried by the sign methods (``signs``) in the first round."""
    ctx = sign_context(assumptions, instance) if rel is not sp.Equality else None
    found = _prove_cases(diff, rel, assumptions, instance, methods, ctx)
    if found is None:
        subs = substitutions(assumptions, instance.entries, instance.sizes)
        if subs:
            found = _prove_cases(diff.xreplace(subs), rel, assumptions, instance, methods, None)
            found = None if found is None else found + ", with the constraints substituted"
    return found


def _prove_cases(diff, rel, assumptions, instance: Instance, methods, ctx: SignContext | None) -> str | None:
    cases = [{}]
    for a in assumptions:
        cases = [{**c, **extra} for c in cases for extra in a.cases(instance.entries, instance.sizes)]
    used = []
    for case in cases:
        e = diff.xreplace({k: to_sympy(v) for k, v in case.items()}) if case else diff
        for entry in entries(e):
            m = prove_zero(entry, methods) if rel is sp.Equality else prove_sign(entry, rel)
            if m is None and ctx is not None:
                m = prove_by_sign_methods(entry, rel, ctx, METHOD_SECONDS)
            if m is None:
                return None
            used.append(m)
    # Report the strongest method needed (the last in the trial order that any entry used).
    order = ["identical once carried out", *methods, "sign as written", "sign after expanding", "sign of factors",
             "sign after simplify", *SIGN_METHODS]
    method = max(used, key=order.index) if used else "identical once carried out"
    return method + (f", by cases ({len(cases)})" if len(cases) > 1 else "")


