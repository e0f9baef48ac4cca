"""Verify one claim: prove it symbolically, refute it numerically, or say honestly that neither worked.

``verify_claim(claim, assumptions)`` is the whole contract:

1. The claim is instantiated at concrete sizes (d = 1, …, 4 by default) unless it has no
   dimension symbols; σ, softplus and logsumexp are replaced by their definitions, so no
   derivative rule is ever taken on trust; then derivatives, gradients and the like are
   carried out, under a time limit.
2. **Refute**: both sides are evaluated with mpmath at 50 digits at random points that
   respect the assumptions.  A point where they differ is a counterexample: ``refuted``.
3. **Prove**: otherwise each symbolic method (expand, cancel, …) is tried in turn, each
   under a time limit, on every entry and in every case of a finite domain.
4. **Scope**: a proof at explicit sizes counts only once the claim also agrees numerically
   at two larger sizes drawn at random (``sizes.py``); a disagreement there refutes it.
   ``StepResult.scope`` records the sizes each verdict covers.
5. Otherwise ``undecided``, "numerically consistent at N points".  Agreement at points is
   never a proof, and no exception escapes: a failure is an undecided verdict with its reason.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Iterable, Sequence

import sympy as sp
from sympy.core.relational import Relational

from .. import cache
from ..assumptions import Assumption, Instance, instantiate, size_choices
from ..timelimit import TimeLimitExceeded, time_limit
from ..vocabulary import caveats
from .prepare import argument_claims, difference, dimension_symbols, limit_variable, prepare, unlimit
from .prove import FAILURES, METHOD_SECONDS, PROOF_METHODS, prove_instance, summarise
from .result import Scope, StepResult, Verdict, sizes_of
from .pointwise import search_pointwise
from .search import DIGITS, N_POINTS, N_QUICK, search
from .sizes import larger_sizes
from .symbolic import prove_symbolic

__all__ = ["verify_claim", "cached_result", "clear_cache", "PREPARE_SECONDS"]

PREPARE_SECONDS = 2 * METHOD_SECONDS  # time limit of carrying out one claim at one size
BEYOND_SECONDS = METHOD_SECONDS      # time limit of the numeric check at one larger size
SEARCH_SECONDS = 3 * PREPARE_SECONDS  # a generous bound on one numeric search (compiling included)
N_BEYOND = 2  # points per larger size: a claim that fails there fails almost everywhere

_RELATIONS = (sp.Equality, sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)
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
    found at 50 digits) or ``undecided`` (with how many points agreed, or why it failed).
    The outcome is a function of the arguments alone (the search is seeded), so it is
    remembered: in this process, and across processes in the proof cache (``derive.cache``).
    """
    if not isinstance(claim, _RELATIONS):
        raise TypeError(f"a claim must be Eq, Gt, Ge, Lt or Le, got {type(claim).__name__}: {claim}")
    assumptions = tuple(assumptions)
    methods = list(methods or PROOF_METHODS)
    unknown = [m for m in methods if m not in PROOF_METHODS]
    if unknown:
        raise ValueError(f"unknown proof method(s) {unknown}; known: {sorted(PROOF_METHODS)}")
    memo_key = (claim, assumptions, tuple(methods), seed,
                None if sizes is None else tuple(sizes_of(c) for c in sizes))
    if memo_key not in _MEMO:
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[memo_key] = _verify_cached(claim, assumptions, methods, seed, sizes)
    found = _MEMO[memo_key]
    result = dataclasses.replace(found, notes=list(found.notes))
    # What the vocabulary says must be said whenever a function appears (ReLU at 0, say).
    result.notes.extend(note for note in caveats(claim) if note not in result.notes)
    return result


def clear_cache() -> None:
    """Forget outcomes remembered in this process (the proof cache on disk is left alone:
    switch it off with DERIVE_NO_CACHE=1 to recompute everything)."""
    _MEMO.clear()


def _key(claim, assumptions, methods, seed, sizes) -> tuple[str, list[dict], str]:
    digest = cache.digest(claim)
    choices = list(sizes) if sizes is not None else size_choices(dimension_symbols(claim))
    return digest, choices, cache.result_key(digest, assumptions, methods, seed, choices)


def cached_result(claim: Relational, assumptions: Iterable[Assumption] = (), *, methods: Sequence[str] | None = None,
                  seed: int = 0, sizes: Sequence[dict] | None = None) -> StepResult | None:
    """``verify_claim``'s result if the proof cache holds it, else None (nothing is computed)."""
    start = time.perf_counter()
    found = cache.load(_key(claim, tuple(assumptions), list(methods or PROOF_METHODS), seed, sizes)[2])
    if found is not None:
        found.seconds = time.perf_counter() - start
    return found


def _verify_cached(claim, assumptions, methods, seed, sizes) -> StepResult:
    start = time.perf_counter()
    digest, choices, key = _key(claim, assumptions, methods, seed, sizes)
    found = cache.load(key)
    if found is not None:
        found.seconds = time.perf_counter() - start
        return found
    try:
        result = _Run(claim, assumptions, methods, seed, digest).verify(choices)
    except FAILURES + (ArithmeticError, LookupError, OverflowError) as exc:
        # Whatever goes wrong inside SymPy ends as an honest "undecided" that says why.
        result = StepResult(Verdict.UNDECIDED, f"undecided: the verifier failed ({type(exc).__name__}: {exc})"[:300],
                            seconds=time.perf_counter() - start)
    if result.verdict is not Verdict.UNDECIDED:
        cache.store(key, result)
    return result


class _Run:
    """One verification: the claim, what is assumed, and the running totals of the search."""

    def __init__(self, claim: Relational, assumptions: tuple, methods: list[str], seed: int, digest: str):
        self.claim, self.assumptions, self.methods, self.seed, self.digest = claim, assumptions, methods, seed, digest
        self.limit_var = limit_variable(claim)
        self.start = time.perf_counter()
        self.points, self.residual = 0, 0.0
        self.proved_at: list = []
        self.numeric_at: list = []
        self.dimensions: tuple[str, ...] = ()

    def result(self, verdict: Verdict, method: str, counterexample=None, refuted_at=None, symbolic=False) -> StepResult:
        scope = Scope(symbolic, self.dimensions, tuple(sorted(self.proved_at)), tuple(self.numeric_at), refuted_at)
        return StepResult(verdict, method, residual=self.residual, counterexample=counterexample,
                          seconds=time.perf_counter() - self.start, points=self.points, scope=scope)

    def verify(self, choices: list[dict]) -> StepResult:
        self.dimensions = tuple(sorted({str(d) for c in choices for d in c}))
        equal_arguments = self.by_arguments(choices)
        if equal_arguments is not None:
            return equal_arguments
        if self.dimensions and (method := prove_symbolic(self.claim)) is not None:
            # SymPy's matrix algebra proved it for symbolic sizes; the explicit search still
            # runs once at the largest size, as a guard against that algebra being wrong.
            largest = max(choices, key=lambda c: sum(c.values()))
            checked = self.at_size(largest, prove=False)
            return checked or self.result(Verdict.PROVED, f"{method}, for symbolic {', '.join(self.dimensions)}",
                                          symbolic=True)
        # The quick search runs first at the largest sizes, where a wrong claim shows most
        # readily; a full search runs wherever a proof fails.
        order = sorted(range(len(choices)), key=lambda k: -sum(choices[k].values()))
        used = []
        for k in order:
            outcome = self.at_size(choices[k], prove=True)
            if isinstance(outcome, StepResult):
                return self.beyond(choices, outcome) if outcome.verdict is Verdict.UNDECIDED else outcome
            used.append(outcome)
        how = summarise(used)
        if not self.dimensions:
            return self.result(Verdict.PROVED, how, symbolic=True)
        return self.beyond(choices, None, how)

    def by_arguments(self, choices: list[dict]) -> StepResult | None:
        """f(a) = f(b) follows from a = b, which is often far smaller (σ of two forms of a
        logit); if that fails, f(a) = f(b) may still hold: the caller goes on."""
        subs = argument_claims(self.claim)
        if not subs:
            return None
        inner = []
        for sub in subs:
            inner.append(verify_claim(sub, self.assumptions, methods=self.methods, seed=self.seed, sizes=choices))
            if not inner[-1].proved:
                return None
        how = "; ".join(r.method for r in inner)
        result = dataclasses.replace(inner[0], method=f"equal arguments: {how}", notes=[], cached=False,
                                     residual=max(r.residual or 0.0 for r in inner),
                                     seconds=time.perf_counter() - self.start, points=sum(r.points for r in inner))
        return result

    def prepared(self, chosen: dict) -> tuple[Instance, sp.Basic, sp.Basic]:
        """The claim at ``chosen`` sizes, carried out for the search (a limit is evaluated as
        its argument at a large value of the variable)."""
        instance = instantiate(self.claim, self.assumptions, chosen)
        with time_limit(PREPARE_SECONDS):
            lhs, rhs = (prepare(unlimit(side)) for side in (instance.expr.lhs, instance.expr.rhs))
        return instance, lhs, rhs

    def search(self, instance: Instance, lhs, rhs, n_points: int, where: str) -> StepResult | None:
        """A refutation if the numeric search finds a counterexample, else None."""
        salt = sum(instance.sizes.values())
        with time_limit(SEARCH_SECONDS):  # compiling a claim of huge entries must not run unbounded
            found = search(lhs, rhs, type(self.claim), instance, self.assumptions, self.seed + salt, self.limit_var,
                           n_points)
        self.points += found.points
        self.residual = max(self.residual, found.residual)
        if found.counterexample is None:
            return None
        self.residual = found.residual
        return self.result(Verdict.REFUTED, f"mpmath, {DIGITS} digits{where}", found.counterexample,
                           refuted_at=sizes_of(instance.sizes))

    def at_size(self, chosen: dict, prove: bool) -> StepResult | str | None:
        """At one size: a refutation or an undecided verdict (a StepResult), or the method
        that proved it (a str; None when ``prove`` is False and nothing was found)."""
        where = f" at {', '.join(f'{k}={v}' for k, v in sizes_of(chosen))}" if chosen else ""
        try:
            instance, lhs, rhs = self.prepared(chosen)
            diff = difference(lhs, rhs)
        except ValueError as exc:  # a shape mismatch: no point can make it hold
            return self.result(Verdict.REFUTED, f"{exc}{where}", refuted_at=sizes_of(chosen))
        except TimeLimitExceeded:
            return self.result(Verdict.UNDECIDED, f"undecided: carrying out the claim{where} exceeded "
                                                  f"{PREPARE_SECONDS:g} s")
        try:
            refuted = self.search(instance, lhs, rhs, N_QUICK, where)
        except TimeLimitExceeded:
            return self.result(Verdict.UNDECIDED, f"undecided: the numeric search{where} exceeded {SEARCH_SECONDS:g} s")
        if refuted or not prove:
            return refuted
        method = self.prove(instance, diff)
        if method is None:
            try:
                refuted = self.search(instance, lhs, rhs, N_POINTS, where)
            except TimeLimitExceeded:
                refuted = None
            if chosen:
                self.numeric_at.append(sizes_of(chosen))
            return refuted or self.result(
                Verdict.UNDECIDED, f"undecided (numerically consistent at {self.points} points){where}")
        if chosen:
            self.proved_at.append(sizes_of(chosen))
        return method

    def prove(self, instance: Instance, diff: sp.Basic) -> str | None:
        if self.limit_var is not None:
            try:
                with time_limit(PREPARE_SECONDS):
                    diff = difference(prepare(instance.expr.lhs), prepare(instance.expr.rhs))
            except (TimeLimitExceeded, NotImplementedError):  # e.g. a limit SymPy cannot take
                return None
        return prove_instance(diff, type(self.claim), self.assumptions, instance, self.methods)

    def beyond(self, choices: list[dict], undecided: StepResult | None, how: str = "") -> StepResult:
        """Check at larger sizes: a proof at explicit sizes counts only if they agree; a
        counterexample there refutes the claim, even one that was undecided."""
        pairs = larger_sizes(choices, self.digest, self.seed)
        checked = 0
        for chosen, fallback in pairs:
            outcome = self.numerically_at(chosen)
            if outcome == "too costly" and fallback != chosen:
                outcome = self.numerically_at(fallback)
            if isinstance(outcome, StepResult):
                return outcome
            checked += outcome == "agrees"
        if undecided is not None:
            return dataclasses.replace(self.result(undecided.verdict, undecided.method), points=self.points)
        if checked < len(pairs):
            return self.result(Verdict.UNDECIDED, f"undecided: proved by {how}, but not checked beyond those sizes")
        proved = self.result(Verdict.PROVED, how)
        proved.method = f"{how} ({proved.scope})"
        return proved

    def numerically_at(self, chosen: dict) -> StepResult | str:
        """A refutation at ``chosen`` sizes, or "agrees", "too costly" or "undefined"."""
        where = f" at {', '.join(f'{k}={v}' for k, v in sizes_of(chosen))}, beyond the sizes proved"
        instance = instantiate(self.claim, self.assumptions, chosen)
        try:
            with time_limit(BEYOND_SECONDS):
                found = search_pointwise(instance, type(self.claim), self.assumptions,
                                         self.seed + sum(chosen.values()), self.limit_var, N_BEYOND)
        except ValueError as exc:  # a shape mismatch at this size
            return self.result(Verdict.REFUTED, f"{exc}{where}", refuted_at=sizes_of(chosen))
        except TimeLimitExceeded:
            return "too costly"
        self.points += found.points
        self.residual = max(self.residual, found.residual)
        if found.counterexample is not None:
            return self.result(Verdict.REFUTED, f"mpmath, {DIGITS} digits{where}", found.counterexample,
                               refuted_at=sizes_of(chosen))
        if found.points == 0:
            return "undefined"
        self.numeric_at.append(sizes_of(chosen))
        return "agrees"
