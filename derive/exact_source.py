"""Where an assumption's exact values come from (see ``Assumption.exact``).

The homework checker's special points, its secret random points and its numeric variants are
three sources; each assumption asks its source for the kind of number it needs.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["ExactSource"]


class ExactSource:
    """Where exact values come from: one method per kind of number an assumption can need.

    ``i`` numbers the scalar entries of one assumption, so a source can vary values across
    entries.  Subclasses give ``real``, ``positive``, ``fraction`` (in (0, 1)), ``binary``,
    ``onehot`` (the hot position among ``n``) and ``spd`` (an n×n symmetric positive-definite
    matrix as rows); ``nonzero`` defaults to ``real``, replaced by ``positive`` where that is 0.
    ``consume_all``: every entry asks for a value, even one an assumption already set (a seeded
    source whose sequence must not change, such as a numeric variant's).
    """

    consume_all = False

    def real(self, i: int) -> sp.Rational:
        raise NotImplementedError

    def positive(self, i: int) -> sp.Rational:
        raise NotImplementedError

    def fraction(self, i: int) -> sp.Rational:
        raise NotImplementedError

    def binary(self, i: int) -> sp.Integer:
        raise NotImplementedError

    def onehot(self, n: int) -> int:
        raise NotImplementedError

    def spd(self, n: int) -> list[list[sp.Rational]]:
        raise NotImplementedError

    def nonzero(self, i: int) -> sp.Rational:
        value = self.real(i)
        return value if value != 0 else self.positive(i)
