"""Cases by sign, for proving identities with abs, max and ReLU: |z| is z for z > 0 and −z for z < 0.

A difference such as  max(z, 0) − z·y + log(1 + e^{−|z|}) − (the key)  is zero for every z
exactly when it is zero with z = t, with z = −t (t > 0) and with z = 0; each case is free of the
kink, so ordinary simplification can prove it.
"""

from __future__ import annotations

from itertools import product
from typing import Iterable

import sympy as sp

from .declaration import declared

__all__ = ["sign_cases", "MAX_SPLIT_SYMBOLS"]

#: At most this many symbols are split on (3ⁿ cases).
MAX_SPLIT_SYMBOLS = 2



def _kinks(expr: sp.Basic) -> set[sp.Symbol]:
    """Real symbols that are, up to sign, the argument of a piecewise function (|z|, max(z, 0))."""
    classes = tuple(d.func for d in declared() if d.piecewise) + (sp.Min, sp.Heaviside)
    found: set[sp.Symbol] = set()
    for app in expr.atoms(*classes) if classes else ():
        for arg in app.args:
            if arg.is_number:
                continue
            base = -arg if arg.could_extract_minus_sign() else arg
            if isinstance(base, sp.Symbol) and base.is_real:
                found.add(base)
    return found


def sign_cases(exprs: Iterable[sp.Basic]) -> list[dict[sp.Symbol, sp.Expr]]:
    """Substitutions covering every sign of the symbols at the kinks of ``exprs``: [{}] if none
    (or too many to split on), else each symbol as t, −t and 0 for a positive t."""
    symbols: set[sp.Symbol] = set()
    for e in exprs:
        symbols |= _kinks(e)
    if not symbols or len(symbols) > MAX_SPLIT_SYMBOLS:
        return [{}]
    ordered = sorted(symbols, key=lambda s: s.name)
    positives = [sp.Dummy(f"{s.name}_pos", positive=True) for s in ordered]
    choices = [(t, -t, sp.S.Zero) for t in positives]
    return [dict(zip(ordered, pick)) for pick in product(*choices)]
