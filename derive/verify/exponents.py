"""exp(c·A) = (e^A)^c: the rational coefficient and the base of an exponential's argument."""

from __future__ import annotations

import sympy as sp

__all__ = ["split_exponent"]


def split_exponent(atom: sp.exp) -> tuple[sp.Expr, sp.Expr]:
    """(c, A) with exp(atom's argument) = exp(A)^c: c rational, A primitive and written with a
    leading plus sign, so that e^{u−v} and e^{v−u} share the one base A = u − v."""
    c, base = sp.expand(atom.args[0]).as_content_primitive()
    if base.could_extract_minus_sign():
        c, base = -c, -base
    return c, base
