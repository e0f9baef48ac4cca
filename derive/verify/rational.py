"""A proof that a rational function is zero: bring it over a common denominator and test
the numerator, in SymPy's sparse polynomial arithmetic, without ``simplify`` or gcds.

An expression built from the symbols by +, ×, and integer powers is written as

    e = P · f₁^k₁ ⋯ f_m^k_m,

with P a polynomial and each f_i a monic polynomial met as a denominator (det M, say, or
1 + vᵀA⁻¹u); the k_i are integers.  A sum keeps, of each f_i, the smallest power its terms
share, so the same denominator met twice (every entry of M⁻¹ holds det M) is not multiplied
in twice.  Since no f_i is the zero polynomial, e is zero as a rational function exactly when
P is the zero polynomial: P = 0 proves e = 0 wherever e is defined, and P ≠ 0 proves nothing
here (the method simply fails).
"""

from __future__ import annotations

import sympy as sp
import math
from functools import lru_cache
from fractions import Fraction

from sympy.polys.rings import PolyElement, ring

from .linalg import Held, free_symbols_of, known_element

__all__ = ["common_denominator", "applies"]

_Form = tuple  # (r, P, {f: k}): r · P · Π f^k


def applies(e: sp.Expr) -> bool:
    """True when ``e`` is a rational function of its symbols with some denominator that is
    not a number (for a polynomial, plain expansion is as good, and is tried first)."""
    has_denominator, stack, seen = False, [e], set()
    while stack:
        node = stack.pop()
        if node in seen or isinstance(node, (sp.Symbol, sp.Rational)):
            continue
        seen.add(node)
        if isinstance(node, Held):  # a polynomial, as made by ``linalg``: the converter checks it
            stack.append(node.args[0])
            continue
        if isinstance(node, sp.Pow):
            if not node.exp.is_Integer:
                return False
            has_denominator |= node.exp < 0 and not node.base.is_number
        elif not isinstance(node, (sp.Add, sp.Mul)):
            return False
        stack.extend(node.args)
    return has_denominator


def _primitive(p: PolyElement) -> tuple[int, PolyElement]:
    """p = c · q with q primitive and its leading coefficient positive: (c, q)."""
    c, q = p.primitive()
    return (-c, -q) if q.LC < 0 else (c, q)


class _Converter:
    """Writes SymPy expressions as forms r · P · Π f^k (r rational, P and f over ℤ) in one ring.

    Integer coefficients: Python's integers are far faster than SymPy's pure-Python rationals.
    """

    def __init__(self, symbols: list[sp.Symbol]):
        self.ring, *gens = ring(symbols, sp.ZZ)
        self.gens = dict(zip(symbols, gens))
        self.memo: dict = {}

    def form(self, e: sp.Expr) -> _Form:
        if e not in self.memo:
            self.memo[e] = self._form(e)
        return self.memo[e]

    def _form(self, e: sp.Expr) -> _Form:
        if isinstance(e, Held):
            return self._held(e.args[0])
        if isinstance(e, sp.Symbol):
            return Fraction(1), self.gens[e], {}
        if isinstance(e, sp.Rational):
            return Fraction(int(e.p), int(e.q)), self.ring.one, {}
        if isinstance(e, sp.Add):
            return self._add([self.form(a) for a in e.args])
        if isinstance(e, sp.Mul):
            return self._mul([self.form(a) for a in e.args])
        if isinstance(e, sp.Pow) and e.exp.is_Integer:
            return self._pow(self.form(e.base), int(e.exp))
        raise ValueError(f"not a rational function: {type(e).__name__}")

    def _held(self, p: sp.Expr) -> _Form:
        """A held polynomial as one factor (so det M · (det M)⁻¹ cancels without a product),
        taken from the polynomial domain it was written out from when there is one."""
        element, domain = known_element(p)
        if element is not None and domain.is_PolynomialRing and domain.domain == sp.ZZ:
            r, poly, fs = Fraction(1), element.set_ring(self.ring), {}
        else:
            r, poly, fs = self.form(p)
        if not poly or poly.is_ground or fs:
            return r, poly, fs
        c, q = _primitive(poly)
        return r * int(c), self.ring.one, {q: 1}

    def _add(self, forms: list[_Form]) -> _Form:
        factors = {f for _, _, fs in forms for f in fs}
        # Of each factor, the smallest power any term has (0 for a term without it).
        shared = {f: min(fs.get(f, 0) for _, _, fs in forms) for f in factors}
        # Integer multipliers: the rationals over their least common denominator.
        scale = math.lcm(*[r.denominator for r, _, _ in forms])
        total = self.ring.zero
        for r, p, fs in forms:
            term = p * int(r * scale)
            for f in factors:
                extra = fs.get(f, 0) - shared[f]
                if extra:
                    term = term * f ** extra
            total += term
        if not total:
            return Fraction(0), total, {}
        return Fraction(1, scale), total, {f: k for f, k in shared.items() if k}

    def _mul(self, forms: list[_Form]) -> _Form:
        r, p, fs = Fraction(1), self.ring.one, {}
        for t, q, gs in forms:
            r, p = r * t, p * q
            for f, k in gs.items():
                fs[f] = fs.get(f, 0) + k
        return r, p, {f: k for f, k in fs.items() if k}

    def _pow(self, base: _Form, n: int) -> _Form:
        r, p, fs = base
        if n >= 0:
            return r ** n, p ** n, {f: k * n for f, k in fs.items()}
        if not p or not r:
            raise ZeroDivisionError("a denominator is the zero polynomial")
        inverse = {f: -k for f, k in fs.items()}
        c, q = _primitive(p)
        if q != self.ring.one:
            inverse[q] = inverse.get(q, 0) - 1
        return self._pow((1 / (r * int(c)), self.ring.one, inverse), -n)


@lru_cache(maxsize=2)
def _converter(symbols: tuple) -> _Converter:
    # The entries of one matrix share their symbols and their denominators: one converter.
    return _Converter(list(symbols))


def common_denominator(e: sp.Expr) -> sp.Expr:
    """0 if the numerator of ``e`` over a common denominator is the zero polynomial, else
    ``e`` unchanged; ValueError where ``e`` is not a rational function with a denominator."""
    if not applies(e):
        raise ValueError("not a rational function with a denominator")
    symbols = tuple(sorted(free_symbols_of([e]), key=sp.default_sort_key))
    _, numerator, _ = _converter(symbols).form(e)
    return sp.S.Zero if not numerator else e
