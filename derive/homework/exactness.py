"""Deciding that an exact constant, or an expression, is zero: the proof forms and their limits.

* ``zero_method(e, methods, deadline)``: the first proof form (expand, cancel, simplify, ...)
  that reduces ``e`` to 0 within the time left;
* ``exact_zero(c, deadline)``: True when the exact constant ``c`` reduces to 0, False when
  SymPy's evalf certifies it non-zero (strict evaluation to 15 correct digits), None when
  neither is settled;
* ``combine(entries, rng)``: Σ wᵢ·cᵢ with secret random rational weights, one constant that is 0
  exactly when every cᵢ is (but for a set of weights of probability 0), so a matrix of exact
  differences costs one decision instead of one per entry.
"""

from __future__ import annotations

import random
import time
from typing import Callable, Sequence

import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from ..timelimit import TimeLimitExceeded, time_limit
from ..verify import PROOF_METHODS

__all__ = ["Deadline", "METHODS", "METHOD_SECONDS", "QUICK_SECONDS", "zero_method", "exact_zero", "combine",
           "strongest", "short"]

METHOD_SECONDS = 1.5               # time limit of one proof method on one entry
QUICK_SECONDS = 0.25               # ... in the quick attempts, before the exact evaluation

#: Proof forms: the engine's methods, and one more for tanh, cosh, ... written through exp.
METHODS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    **PROOF_METHODS,
    "rewrite in exp": lambda e: sp.cancel(sp.together(sp.powsimp(e.rewrite(sp.exp), combine="exp"))),
    # log(1 − 1/(1 + e^{−z})): combine inside the log first, then split it.
    "logs of fractions": lambda e: sp.expand(sp.expand_log(sp.together(e, deep=True), force=False)),
}


class Deadline:
    """A wall-clock budget: ``left()`` seconds remain; ``check()`` raises when none do."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> None:
        if self.left() <= 0:
            raise TimeLimitExceeded("the time limit for this answer ran out")


def short(c: sp.Expr) -> str:
    text = sp.sstr(c)
    return text if len(text) <= 60 else text[:57] + "..."


def strongest(used: list[str], methods: Sequence[str]) -> str:
    """The last of ``methods`` among those ``used`` (the one that says most about the proof)."""
    order = list(methods)
    return max(used, key=lambda m: order.index(m) if m in order else -1)


def zero_method(e: sp.Expr, methods: Sequence[str], deadline: Deadline, limit: float = METHOD_SECONDS) -> str | None:
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


def exact_zero(c: sp.Expr, deadline: Deadline) -> bool | None:
    """Is the exact constant ``c`` zero?  True (reduced to 0), False (certified non-zero), or None.

    evalf is tried at up to 200 bits first (fast, and enough for any visible difference), then
    the proof forms, and only then evalf at up to 4000 bits (for a difference such as 10⁻³⁰⁰)."""
    if c == 0:
        return True
    if getattr(c, "is_Rational", False):
        return False
    if c.has(sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity):
        return None
    certified = _certified_nonzero(c, deadline, 200)
    if certified is not None:
        return certified
    forms = ("together", "cancel", "expand_log", "rewrite in exp", "logs of fractions")
    if zero_method(c, forms, deadline, QUICK_SECONDS) is not None:
        return True
    return _certified_nonzero(c, deadline, 4000)


def _certified_nonzero(c: sp.Expr, deadline: Deadline, bits: int) -> bool | None:
    """False when evalf gives ``c`` to 15 correct digits within ``bits`` of precision (strict: a
    returned value is a certificate that c is not zero), else None."""
    try:
        with time_limit(max(min(METHOD_SECONDS, deadline.left()), 1e-3)):
            if sp.N(c, 15, strict=True, maxn=bits) != 0:
                return False
    except PrecisionExhausted:
        pass
    except TimeLimitExceeded:
        deadline.check()
    except (TypeError, ValueError, ArithmeticError):
        pass
    return None


def combine(entries: Sequence[sp.Expr], rng: random.Random) -> sp.Expr:
    """Σ wᵢ·cᵢ over the entries that are not already 0, with random 60-bit rational weights."""
    rest = [c for c in entries if c != 0]
    if len(rest) <= 1:
        return rest[0] if rest else sp.S.Zero
    return sp.Add(*[sp.Rational(rng.randrange(1, 1 << 60), rng.randrange(1, 1 << 60)) * c for c in rest])
