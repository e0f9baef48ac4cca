"""The expectation of a polynomial over a Gaussian vector:  E_{x∼N(μ, Σ)}[f(x)].

``GaussianExpectation(f, x, mu, Sigma)`` stays symbolic while the dimension is a symbol, so a
claim reads as the lecture writes it (E[xᵀAx] = tr(AΣ) + μᵀAμ).  At a concrete size,
``doit()`` computes it exactly: with x = μ + y, y ∼ N(0, Σ), the integrand is expanded as a
polynomial in y, and each monomial is replaced by its moment (Isserlis' theorem):

    E[y_{i₁} ⋯ y_{i_n}] = 0 for odd n,   Σ over pairings of Π Σ_{ab} for even n,

so E[x_i] = μ_i, E[x_i x_j] = Σ_ij + μ_iμ_j, and so on.  The result has no x left: both the
prover and the numeric search see an ordinary expression in μ and Σ.

x is a bound variable: its entries are not free symbols of the expectation.  Σ must be
symmetric: declare it ``SymmetricPositiveDefinite(Sigma)`` (then the search samples a
covariance); carrying out an expectation whose Σ is not symmetric raises NotImplementedError,
which the verifier reports as undecided, naming the missing declaration.  An integrand
that is not a polynomial in x (e^{aᵀx}, log, an inverse of something holding x) is refused
with a ValueError when the expectation is built.
"""

from __future__ import annotations

import mpmath
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from .ops import Dot, explicit, is_concrete
from .numbers import to_sympy

__all__ = ["GaussianExpectation", "GaussianExpectationMatrix", "MAX_DEGREE"]

MAX_DEGREE = 8  # moments up to this order are expanded (7!! = 105 pairings at the 8th)

# Nodes through which an integrand stays a polynomial in x, whatever their arguments.
_POLYNOMIAL_NODES = (sp.Add, sp.Mul, sp.MatAdd, sp.MatMul, sp.Transpose, sp.Trace, sp.HadamardProduct, Dot,
                     MatrixElement, sp.MatrixSymbol, sp.ImmutableMatrix, sp.MutableDenseMatrix, sp.Tuple,
                     sp.DiagMatrix, sp.OneMatrix, sp.ZeroMatrix, sp.Identity)


def _is_matrix(e: sp.Basic) -> bool:
    return isinstance(e, MatrixExpr) or getattr(e, "is_Matrix", False)


def _bound(x: sp.Basic) -> set[sp.Basic]:
    """What stands for x: the matrix symbol itself, or the entries of its explicit form."""
    return {x} if isinstance(x, sp.MatrixSymbol) else set(x.free_symbols)


def _check_polynomial(f: sp.Basic, bound: set[sp.Basic], x: sp.Basic) -> None:
    """ValueError naming the first part of f that is not polynomial in x."""
    if f.is_Atom or not f.has(*bound):
        return
    ok = isinstance(f, _POLYNOMIAL_NODES)
    if isinstance(f, (sp.Pow, sp.MatPow, sp.HadamardPower)):
        ok = f.args[1].is_Integer and f.args[1] >= 0 and not f.args[1].has(*bound)
    if not ok:
        raise ValueError(f"GaussianExpectation needs an integrand polynomial in {x}; {f} is not "
                         f"({type(f).__name__} of {x})")
    for arg in f.args:
        _check_polynomial(arg, bound, x)


def _validated(f: sp.Basic, x: sp.Basic, mu: sp.Basic, sigma: sp.Basic) -> tuple:
    f = f if _is_matrix(f) else to_sympy(f)
    if not _is_matrix(x) or x.shape[1] != 1:
        raise ValueError(f"GaussianExpectation's variable must be a column vector, got {x!r}")
    if not _is_matrix(mu) or tuple(mu.shape) != tuple(x.shape):
        raise ValueError(f"the mean {mu!r} must be a column shaped like {x} {tuple(x.shape)}")
    n = x.shape[0]
    if not _is_matrix(sigma) or tuple(sigma.shape) != (n, n):
        raise ValueError(f"the covariance {sigma!r} must be {n}×{n}")
    bound = _bound(x)
    if mu.has(*bound) or sigma.has(*bound):
        raise ValueError(f"the mean and covariance must not depend on {x}")
    _check_polynomial(f, bound, x)
    return f, x, mu, sigma


Polynomial = dict  # exponent tuple of y -> coefficient (free of x)


class _Expansion:
    """Polynomials in y = x − μ of an integrand's subexpressions, remembered so that the
    entries of a matrix share them, and the moments of y ∼ N(0, Σ) (Isserlis' theorem).

    Coefficients are left unexpanded.  When every coefficient is a number (the numeric search
    substitutes numbers before carrying a claim out), they are mpmath numbers at the working
    precision instead of SymPy Floats: the same arithmetic, some 50× faster at d = 8.
    """

    def __init__(self, xs: list, means: list, cov: sp.ImmutableMatrix, numeric: bool):
        self.numeric = numeric
        self.index = {x: i for i, x in enumerate(xs)}
        self.means = [self.constant(m) for m in means]
        self.cov = [[self.constant(e) for e in row] for row in cov.tolist()]
        self.zero = (0,) * len(xs)
        self.memo: dict = {}
        self.moments: dict[tuple, object] = {(): self.constant(sp.S.One)}

    def constant(self, e: sp.Expr):
        return mpmath.mpmathify(sp.N(e, mpmath.mp.dps)) if self.numeric else e

    def total(self, terms: list):
        return mpmath.fsum(terms) if self.numeric else sp.Add(*terms)

    def moment(self, indices: tuple):
        """E[y_{i₁} ⋯ y_{i_n}]: 0 for odd n, else Σ_j Σ_{i₁ i_j} E[the other n − 2]."""
        indices = tuple(sorted(indices))
        if len(indices) % 2:
            return self.constant(sp.S.Zero)
        if indices not in self.moments:
            first, rest = indices[0], indices[1:]
            self.moments[indices] = self.total([self.cov[first][rest[j]] * self.moment(rest[:j] + rest[j + 1:])
                                                for j in range(len(rest))])
        return self.moments[indices]

    def add(self, polys: list[Polynomial]) -> Polynomial:
        terms: dict = {}
        for poly in polys:
            for powers, coeff in poly.items():
                terms.setdefault(powers, []).append(coeff)
        return {powers: self.total(coeffs) for powers, coeffs in terms.items()}

    def multiply(self, p: Polynomial, q: Polynomial) -> Polynomial:
        terms: dict = {}
        for pp, pc in p.items():
            for qp, qc in q.items():
                powers = tuple(a + b for a, b in zip(pp, qp))
                if sum(powers) > MAX_DEGREE:
                    raise NotImplementedError(f"moments above order {MAX_DEGREE} are not expanded")
                terms.setdefault(powers, []).append(pc * qc)
        return {powers: self.total(coeffs) for powers, coeffs in terms.items()}

    def of(self, e: sp.Expr) -> Polynomial:
        """e as a polynomial in y; NotImplementedError if it is not a polynomial in x."""
        if e not in self.memo:
            self.memo[e] = self._build(e)
        return self.memo[e]

    def _build(self, e: sp.Expr) -> Polynomial:
        if not e.has(*self.index):
            return {self.zero: self.constant(e)}
        if e in self.index:
            unit = tuple(int(k == self.index[e]) for k in range(len(self.zero)))
            return {self.zero: self.means[self.index[e]], unit: self.constant(sp.S.One)}
        if e.is_Add:
            return self.add([self.of(a) for a in e.args])
        if e.is_Mul or (e.is_Pow and e.exp.is_Integer and e.exp >= 0):
            factors = e.args if e.is_Mul else [e.base] * int(e.exp)
            out = {self.zero: self.constant(sp.S.One)}
            for factor in factors:
                out = self.multiply(out, self.of(factor))
            return out
        raise NotImplementedError(f"the integrand is not a polynomial in x: {e}")

    def expectation(self, entry: sp.Expr) -> sp.Expr:
        """E[entry]: each monomial of its polynomial in y by its moment."""
        terms = [coeff * self.moment(tuple(i for i, k in enumerate(powers) for _ in range(k)))
                 for powers, coeff in self.of(entry).items()]
        return sp.Float(self.total(terms), mpmath.mp.dps) if self.numeric else self.total(terms)


def _carry_out(f: sp.Basic, x: sp.Basic, mu: sp.Basic, sigma: sp.Basic) -> sp.Basic | None:
    """The explicit expectation, or None while a size is symbolic."""
    if not (is_concrete(x) and is_concrete(mu) and is_concrete(sigma)):
        return None
    xs = list(explicit(x))
    if not all(isinstance(s, sp.Symbol) for s in xs):
        raise TypeError(f"the variable of an expectation must be a vector of symbols, got {list(xs)}")
    cov, means, value = explicit(sigma), list(explicit(mu)), f.doit()
    if not (cov - cov.T).applyfunc(sp.expand).is_zero_matrix:
        # Not a covariance: neither its entries nor its symmetric part is what the claim meant.
        raise NotImplementedError("the covariance of a Gaussian expectation must be symmetric: declare it "
                                  "SymmetricPositiveDefinite")
    numeric = not (value.free_symbols - set(xs)) and all(e.is_number for e in list(cov) + means)
    expansion = _Expansion(xs, means, cov, numeric)
    if _is_matrix(value):
        m = explicit(value)
        return sp.ImmutableMatrix(*m.shape, lambda i, j: expansion.expectation(m[i, j]))
    return expansion.expectation(value)


def _latex(printer, args) -> str:
    f, x, mu, sigma = (printer._print(a) for a in args)
    return r"\mathbb{E}_{%s \sim \mathcal{N}\left(%s, %s\right)}\left[%s\right]" % (x, mu, sigma, f)


def _pretty(printer, args):
    """E_{x∼N(μ, Σ)}[f] for the terminal, f pretty-printed inside the brackets."""
    from sympy.printing.pretty.stringpict import prettyForm

    f, x, mu, sigma = args
    label = f"E_{sp.pretty(x)}∼N({sp.pretty(mu)}, {sp.pretty(sigma)})"
    body = prettyForm(*printer._print(f).parens("[", "]"))
    return prettyForm(*body.left(label))


def _free(args) -> set:
    f, x, mu, sigma = args
    return (f.free_symbols - _bound(x) - x.free_symbols) | mu.free_symbols | sigma.free_symbols


class GaussianExpectation(sp.Expr):
    """E_{x∼N(μ,Σ)}[f(x)] of a scalar f polynomial in the column x: a scalar.

    Given a matrix-valued f (x xᵀ, say), it builds a ``GaussianExpectationMatrix`` instead.
    """

    is_commutative = True

    def __new__(cls, f: sp.Basic, x: sp.Basic, mu: sp.Basic, sigma: sp.Basic):
        args = _validated(f, x, mu, sigma)
        if _is_matrix(args[0]):
            return MatrixExpr.__new__(GaussianExpectationMatrix, *args)
        return sp.Expr.__new__(cls, *args)

    @property
    def free_symbols(self) -> set:
        return _free(self.args)

    def doit(self, **hints) -> sp.Expr:
        done = _carry_out(*self.args)
        return done if done is not None else self

    def _eval_is_real(self) -> bool | None:
        return None

    def _latex(self, printer, exp=None) -> str:
        body = _latex(printer, self.args)
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)

    def _sympystr(self, printer) -> str:
        f, x, mu, sigma = (printer._print(a) for a in self.args)
        return f"E[{x} ~ N({mu}, {sigma})]({f})"

    def _pretty(self, printer):
        return _pretty(printer, self.args)


class GaussianExpectationMatrix(MatrixExpr):
    """E_{x∼N(μ,Σ)}[F(x)] of a matrix F polynomial in x, entry by entry: shaped like F."""

    def __new__(cls, f: sp.Basic, x: sp.Basic, mu: sp.Basic, sigma: sp.Basic):
        args = _validated(f, x, mu, sigma)
        if not _is_matrix(args[0]):
            return sp.Expr.__new__(GaussianExpectation, *args)
        return MatrixExpr.__new__(cls, *args)

    @property
    def shape(self):
        return self.args[0].shape

    @property
    def free_symbols(self) -> set:
        return _free(self.args)

    def doit(self, **hints):
        done = _carry_out(*self.args)
        return done if done is not None else self

    def _latex(self, printer, exp=None) -> str:
        return _latex(printer, self.args)

    def _sympystr(self, printer) -> str:
        f, x, mu, sigma = (printer._print(a) for a in self.args)
        return f"E[{x} ~ N({mu}, {sigma})]({f})"

    def _pretty(self, printer):
        return _pretty(printer, self.args)
