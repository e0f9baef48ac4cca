"""Symbolic proof that an answer equals a reference, at the main sizes, under a time limit.

The difference is written out entry by entry (``symbolic_env``) in one of three tiers:
``free`` (bound symbols p, s, h, P left free, so the identity holds whatever their values),
``bound`` (the bindings written out) and ``elementary`` (σ, softplus, logsumexp replaced by
their definitions).  Each entry must reduce to 0 by one of the proof forms (``exactness.METHODS``);
failing that, the proof is tried once per case of the assumptions (y ∈ {0, 1}, one-hot y).
A proof covers the main sizes only: ``equivalence`` checks other sizes exactly.
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy as sp

from ..functions import to_elementary
from ..numbers import to_sympy
from ..timelimit import TimeLimitExceeded, time_limit
from ..vocabulary import sign_cases
from .compiled import Compiled
from ..evaluate import SYMBOLIC, Env, Mat, TooBig, Undefined, Unsupported
from .exactness import Deadline, strongest, zero_method
from .layout import Layout, symbolic_env

__all__ = ["Prover", "TIER_LABELS", "entries", "sizes_text"]

TIER_LABELS = {"free": "with the bound symbols free", "bound": "with the bindings written out",
               "elementary": "from the definitions"}


def entries(v: Any) -> list[Any]:
    """The entries of a value: a matrix's, or the number itself."""
    return list(v.data) if isinstance(v, Mat) else [v]


def sizes_text(lay: Layout) -> str:
    if not lay.sizes:
        return ""
    return " at " + ", ".join(f"{k}={v}" for k, v in sorted(lay.size_names.items()))


class Prover:
    """Proofs for one target at its main sizes, with the explicit forms of references cached."""

    def __init__(self, main: Layout, shape: tuple | None):
        self.main = main
        self.target = main.target
        self.shape = shape
        self._envs: dict[str, Env] = {}
        self.cache: dict[tuple[sp.Basic, str], Any] = {}

    def explicit(self, expr: sp.Basic, tier: str, cache: bool) -> Any:
        """``expr`` with every entry written out at the main sizes, for the proof tier."""
        key = (expr, tier)
        if key in self.cache:
            return self.cache[key]
        env = self._envs.get(tier)
        if env is None:
            env = self._envs[tier] = symbolic_env(self.main, bind=(tier != "free"))
        value = Compiled(expr, self.shape).run(env, SYMBOLIC)
        if tier == "elementary":
            value = value.map(to_elementary) if isinstance(value, Mat) else to_elementary(value)
        if cache:
            if len(self.cache) > 256:
                self.cache.clear()
            self.cache[key] = value
        return value

    def prove(self, answer: sp.Basic, reference: sp.Basic, shift: bool, deadline: Deadline,
              tiers: Sequence[tuple[str, tuple[str, ...]]], limit: float) -> str | None:
        """How answer − reference was proved 0 (or, with ``shift``, free of the modulo symbols), or None."""
        bound = set(self.target.bound)
        uses_bound = bool(bound & (answer.free_symbols | reference.free_symbols))
        for tier, methods in tiers:
            deadline.check()
            if tier == "bound" and not uses_bound:
                continue  # no bound symbol to write out: the same difference as with them free
            try:
                with time_limit(max(deadline.left(), 1e-3)):
                    a = self.explicit(answer, tier, cache=False)
                    r = self.explicit(reference, tier, cache=True)
                    diff = [u - v for u, v in zip(entries(a), entries(r))]
                    if shift:
                        diff = self._modulo_derivatives(diff)
            except TimeLimitExceeded:
                deadline.check()
                continue
            except (Unsupported, Undefined, TooBig, TypeError, ValueError, ZeroDivisionError):
                continue
            method = self._prove_entries(diff, methods, deadline, limit)
            if method is not None:
                names = " and ".join(sp.sstr(s) for s in self.target.modulo)
                what = f"the difference does not depend on {names}" if shift else "proved"
                return f"{what} by {method} ({TIER_LABELS[tier]}{sizes_text(self.main)})"
        return None

    def _modulo_derivatives(self, diff: list[sp.Expr]) -> list[sp.Expr]:
        scalars = self.main.scalars_of(self.target.modulo)
        return [sp.diff(d, s) for d in diff for s in scalars]

    def _prove_entries(self, diff: list[sp.Expr], methods: Sequence[str], deadline: Deadline,
                       limit: float) -> str | None:
        method = _prove_all(diff, methods, deadline, limit)
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
            m = _prove_all([e.xreplace(sub) for e in diff], methods, deadline, limit)
            if m is None:
                return None
            used.append(m)
        return f"{strongest(used, methods)}, by cases ({len(cases)})"


def _prove_all(diff: list[sp.Expr], methods: Sequence[str], deadline: Deadline, limit: float) -> str | None:
    used = []
    for e in diff:
        if e == 0:
            continue
        m = zero_method(e, methods, deadline, limit)
        if m is None:
            return None
        used.append(m)
    return strongest(used, methods) if used else "writing out the entries"
