"""Determinants and inverses of explicit matrices, carried out so that they finish.

SymPy's own ``det()`` and ``inv()`` of a 4×4 matrix of symbols run Bareiss or Gaussian
elimination with simplification at every step and take minutes.  Here:

* **symbols, n ≤ EXPLICIT_UP_TO**: det M and adj M by a division-free method (Berkowitz, in
  SymPy's polynomial domains), then  M⁻¹ = adj M / det M, each polynomial ``Held`` as one
  atom (products of inverses stay small; d/dt of one is taken on the polynomial, once).
  Entries that already hold inverses (Woodbury's inner (I + VᵀA⁻¹U)⁻¹) use cofactors as
  they are.  ``rational.common_denominator`` then compares ratios of polynomials without
  ``simplify``;
* **exact rationals**: the same, over ℚ, exactly;
* **floating numbers**: mpmath at the working precision (LU);
* **symbols, n > EXPLICIT_UP_TO** (only the numeric checks at larger sizes ask for these):
  det M and (M⁻¹)_ij stay opaque functions of M's entries, ``DetOf`` and ``InverseEntry``,
  which the numeric search evaluates with mpmath (``MPMATH_FORMS``).  A prover meeting one treats
  it as an unknown function of its arguments, which can prove nothing false.

A singular matrix raises ZeroDivisionError: the search skips such a point; it never refutes.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp
from sympy.polys.matrices import DomainMatrix

from ..ops import explicit, is_concrete

__all__ = ["EXPLICIT_UP_TO", "carry_out_linalg", "explicit_det", "explicit_inverse", "Held", "unhold", "held_once",
           "free_symbols_of", "known_element", "DetOf", "InverseEntry", "MPMATH_FORMS"]

EXPLICIT_UP_TO = 4  # the largest n whose symbolic det (n! terms) is written out: 24 terms at 4, 40320 at 8


class Held(sp.Function):
    """A polynomial p (an entry of adj M, or det M) held as one atom; its value is p.

    M⁻¹ = adj M / det M is written with held polynomials: a product of inverses (A⁻¹BA⁻¹,
    say) then multiplies atoms instead of polynomials of up to n! terms, and d/dt of an
    entry is taken on the polynomial once (``_derivative``), not on a tree of products.
    The prover's own method reads the polynomial back (``rational.common_denominator``);
    every other method sees it written out (``unhold``).
    """

    nargs = 1

    @classmethod
    def eval(cls, p: sp.Expr):
        if p.is_Number:
            return p
        return None

    def _eval_derivative(self, s: sp.Symbol) -> sp.Expr:
        return Held(_derivative(self.args[0], s))

    def doit(self, **hints) -> sp.Expr:
        # Nothing inside to carry out: rebuilding a polynomial of n! terms costs seconds.
        return self


#: Polynomials written out from SymPy's polynomial domains, with the element they came from,
#: so that their derivatives are taken there rather than by parsing them again.
_ELEMENTS: dict = {}


def _to_sympy(element, domain) -> sp.Expr:
    expr = domain.to_sympy(element)
    if len(_ELEMENTS) > 4096:
        _ELEMENTS.clear()
    _ELEMENTS[expr] = (element, domain)
    return expr


def known_element(p: sp.Expr) -> tuple:
    """(element, domain) that the polynomial ``p`` was written out from, or (None, None)."""
    return _ELEMENTS.get(p, (None, None))


@lru_cache(maxsize=1024)
def _derivative(p: sp.Expr, s: sp.Symbol) -> sp.Expr:
    # Each polynomial's derivative once, by polynomial arithmetic (SymPy's diff of a
    # 384-term sum, with its assumption queries, costs ~100× more).
    if s not in p.free_symbols:
        return sp.S.Zero
    element, domain = _ELEMENTS.get(p, (None, None))
    gens = getattr(domain, "symbols", ())
    if element is not None and s in gens and domain.is_PolynomialRing:
        return _to_sympy(element.diff(domain.ring.gens[gens.index(s)]), domain)
    return sp.diff(p, s)


def _d(e: sp.Expr, v: sp.Symbol, memo: dict) -> sp.Expr:
    """∂e/∂v by the sum, product and power rules, a held polynomial by its own derivative.

    SymPy's diff gives the same, but each Derivative it builds walks the whole tree (the
    held polynomials included) to make nested derivatives canonical: seconds per entry.
    """
    if e in memo:
        return memo[e]
    if v not in e.free_symbols:
        out = sp.S.Zero
    elif e == v:
        out = sp.S.One
    elif isinstance(e, Held):
        out = Held(_derivative(e.args[0], v))
    elif isinstance(e, sp.Add):
        out = sp.Add(*[_d(a, v, memo) for a in e.args])
    elif isinstance(e, sp.Mul):
        out = sp.Add(*[sp.Mul(*e.args[:i], _d(a, v, memo), *e.args[i + 1:]) for i, a in enumerate(e.args)])
    elif isinstance(e, sp.Pow) and v not in e.exp.free_symbols:
        out = e.exp * e.base ** (e.exp - 1) * _d(e.base, v, memo)
    else:
        out = sp.diff(e, v)
    memo[e] = out
    return out


def _differentiate(node: sp.Derivative) -> sp.Basic:
    """A derivative of an explicit matrix (or scalar) holding inverses, entry by entry."""
    value = node.expr
    for v, count in node.variable_count:
        for _ in range(int(count)):
            memo: dict = {}
            value = value.applyfunc(lambda e: _d(e, v, memo)) if value.is_Matrix else _d(value, v, memo)
    return value


def _is_held_derivative(e: sp.Basic) -> bool:
    return (isinstance(e, sp.Derivative) and e.expr.has(Held)
            and all(isinstance(v, sp.Symbol) and c.is_Integer for v, c in e.variable_count))


def _nodes(exprs) -> set:
    """The distinct subexpressions of ``exprs``, each visited once.

    A product of inverses repeats the same held polynomials in every entry: as a tree it has
    millions of nodes (what ``atoms`` and ``free_symbols`` walk), as a graph a few thousand.
    """
    seen: set = set()
    stack = list(exprs)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.args)
    return seen


def free_symbols_of(exprs) -> set:
    """The symbols in ``exprs`` (as ``free_symbols``, for expressions without bound variables)."""
    return {n for n in _nodes(exprs) if isinstance(n, sp.Symbol)}


def held_once(exprs: list) -> tuple[list, list]:
    """A common-subexpression split for ``lambdify(cse=...)``: each held polynomial becomes a
    variable computed once, [(variable, polynomial), ...], and the expressions use it."""
    held = [n for n in _nodes(exprs) if isinstance(n, Held)]
    names = {h: sp.Dummy("h") for h in held}
    return [(names[h], h.args[0]) for h in held], [e.xreplace(names) for e in exprs]


def unhold(e: sp.Basic) -> sp.Basic:
    """``e`` with each held polynomial written out."""
    return e.replace(lambda n: isinstance(n, Held), lambda n: n.args[0]) if e.has(Held) else e


class DetOf(sp.Function):
    """det M of the n×n matrix M whose entries, row by row, are the n² arguments (kept opaque)."""


class InverseEntry(sp.Function):
    """(M⁻¹)_ij: the arguments are i, j and then the n² entries of M, row by row (kept opaque)."""


def _square(entries: tuple) -> mpmath.matrix:
    n = int(round(len(entries) ** 0.5))
    if n * n != len(entries):
        raise ValueError(f"{len(entries)} entries do not make a square matrix")
    return mpmath.matrix([[entries[i * n + j] for j in range(n)] for i in range(n)])


@lru_cache(maxsize=8)
def _numeric_inverse(entries: tuple, prec: int) -> mpmath.matrix:
    # Every entry of one inverse is asked for with the same arguments: invert once per point
    # and precision (numerical differentiation asks again at a higher precision).
    with mpmath.workprec(prec):
        return mpmath.inverse(_square(entries))


def _det_of(*entries) -> mpmath.mpf:
    return mpmath.det(_square(tuple(entries)))


def _inverse_entry(i, j, *entries) -> mpmath.mpf:
    return _numeric_inverse(entries, mpmath.mp.prec)[int(i), int(j)]


#: mpmath forms of the opaque functions, for ``lambdify(..., modules=[MPMATH_FORMS, ...])``.
MPMATH_FORMS = {"DetOf": _det_of, "InverseEntry": _inverse_entry, "Held": lambda p: p}


def _kind(m: sp.ImmutableMatrix) -> str:
    if all(e.is_Rational for e in m):
        return "exact"
    if all(e.is_number for e in m):
        return "float"
    return "symbolic" if m.rows <= EXPLICIT_UP_TO else "opaque"


def _to_mpmath(m: sp.ImmutableMatrix) -> mpmath.matrix:
    prec = mpmath.mp.dps
    return mpmath.matrix([[mpmath.mpmathify(sp.N(m[i, j], prec)) for j in range(m.cols)] for i in range(m.rows)])


def _from_mpmath(x) -> sp.Float:
    return sp.Float(mpmath.mpf(x), mpmath.mp.dps)


def _adj_det(m: sp.ImmutableMatrix) -> tuple[sp.ImmutableMatrix, sp.Expr]:
    """(adj M, det M), division-free (Berkowitz), in the smallest polynomial domain that holds M."""
    if m.has(Held):
        # Entries that are themselves ratios of held polynomials (the inner inverse of
        # Woodbury's identity): cofactors of the entries as they are, nothing expanded or
        # simplified (SymPy's det() simplifies, for seconds), at most 4! products.
        n = m.rows
        adj = sp.ImmutableMatrix(n, n, lambda i, j: (-1) ** (i + j) * _laplace(_minor(m, j, i)))
        return adj, sp.Add(*[m[0, j] * adj[j, 0] for j in range(n)])
    try:
        adj, det = DomainMatrix.from_Matrix(sp.Matrix(m)).adj_det()
    except TypeError:  # SymPy's domain matrices fail on some rank-deficient inputs: Berkowitz on entries
        return m.adjugate(method="berkowitz").applyfunc(sp.expand), sp.expand(m.det(method="berkowitz"))
    domain = adj.domain
    rows = adj.to_list()
    return (sp.ImmutableMatrix([[_to_sympy(e, domain) for e in row] for row in rows]), _to_sympy(det, domain))


def _minor(m: sp.Matrix, i: int, j: int) -> sp.Matrix:
    return sp.Matrix([[m[r, c] for c in range(m.cols) if c != j] for r in range(m.rows) if r != i])


def _laplace(m: sp.Matrix) -> sp.Expr:
    """det M by expansion along the first row: Σ_j (−1)^j M_0j det(minor_0j)."""
    if m.rows == 0:
        return sp.S.One
    return sp.Add(*[(-1) ** j * m[0, j] * _laplace(_minor(m, 0, j)) for j in range(m.cols)])


def _checked_square(m: sp.Basic) -> sp.ImmutableMatrix:
    m = explicit(m)
    if m.rows != m.cols:
        raise ValueError(f"det and inverse need a square matrix, got shape {m.shape}")
    return m


def explicit_det(m: sp.Basic) -> sp.Expr:
    """det M of a concrete-shaped square matrix expression (see the module's note for how)."""
    m = _checked_square(m)
    kind = _kind(m)
    if kind == "float":
        return _from_mpmath(mpmath.det(_to_mpmath(m)))
    if kind == "opaque":
        return DetOf(*m)
    det = _adj_det(m)[1]
    # Held, so that it cancels against the det M of an M⁻¹ in the same claim (Jacobi's formula).
    return det if kind == "exact" or m.has(Held) else Held(det)


def explicit_inverse(m: sp.Basic) -> sp.ImmutableMatrix:
    """M⁻¹ = adj M / det M of a concrete-shaped square matrix expression; ZeroDivisionError if
    M is singular (at a point, or for every value of its symbols)."""
    m = _checked_square(m)
    kind = _kind(m)
    if kind == "float":
        inverse = mpmath.inverse(_to_mpmath(m))  # ZeroDivisionError when numerically singular
        return sp.ImmutableMatrix(m.rows, m.cols, lambda i, j: _from_mpmath(inverse[i, j]))
    if kind == "opaque":
        return sp.ImmutableMatrix(m.rows, m.cols, lambda i, j: InverseEntry(i, j, *m))
    adj, det = _adj_det(m)
    if det == 0:
        raise ZeroDivisionError(f"the matrix {m} is singular, so it has no inverse")
    if kind == "exact":
        return adj / det
    if m.has(Held):  # det is a sum of products of the entries: held too, so it is computed once
        held = 1 / Held(det)
        return adj.applyfunc(lambda e: e * held)
    held = 1 / Held(det)
    return adj.applyfunc(lambda e: Held(e) * held)


def _is_concrete_linalg(e: sp.Basic) -> bool:
    if isinstance(e, (sp.Determinant, sp.Inverse)):
        return is_concrete(e.arg)
    return isinstance(e, sp.MatPow) and e.exp.is_Integer and e.exp < 0 and is_concrete(e.base)


def _carry_out(e: sp.Basic) -> sp.Basic:
    if isinstance(e, sp.Determinant):
        return explicit_det(e.arg)
    if isinstance(e, sp.Inverse):
        return explicit_inverse(e.arg)
    inverse = explicit_inverse(e.base)
    return sp.ImmutableMatrix(inverse ** int(-e.exp))


def carry_out_linalg(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every determinant, inverse and negative matrix power of a concrete-shaped
    matrix carried out as above, innermost first (so det((A + uvᵀ)⁻¹) works)."""
    if not expr.has(sp.Determinant, sp.Inverse, sp.MatPow):
        return expr
    expr = expr.replace(_is_concrete_linalg, _carry_out)
    return expr.replace(_is_held_derivative, _differentiate) if expr.has(sp.Derivative) else expr
