"""Gaussian class-conditional densities with a shared covariance, written with the precision P = Σ⁻¹.

    𝒩(x | μ, Σ) = (2π)^{−d/2} |Σ|^{−1/2} exp(−½ (x − μ)ᵀ P (x − μ)),      P = Σ⁻¹.

Working with P avoids inverting a symbolic Σ; the determinant |Σ| enters only through the
normaliser, as a positive symbol (see ``DET_SIGMA``).  With K classes the means are the
columns of a d×K matrix μ = (μ_1 … μ_K), and the per-class quantities are K-columns.  Like the
operators in ``ops``, these stay symbolic while d and K are symbols and become explicit
components once the sizes are integers.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .numbers import to_sympy
from .ops import Dot, explicit, is_concrete
from .symbols import Sigma

__all__ = ["DET_SIGMA", "normaliser", "Normal", "ClassDensities", "SquaredDistances", "DiagOf"]


def _check_matrix(m: sp.Basic, what: str) -> None:
    if not getattr(m, "is_Matrix", False) and not isinstance(m, MatrixExpr):
        raise TypeError(f"{what} must be a matrix, got {m!r}")


def _check_square(m: sp.Basic, what: str) -> None:
    _check_matrix(m, what)
    if m.shape[0] != m.shape[1]:
        raise ValueError(f"{what} must be square, got shape {m.shape}")


def _check_column(v: sp.Basic, what: str) -> None:
    _check_matrix(v, what)
    if v.shape[1] != 1:
        raise ValueError(f"{what} must be a column vector (n×1), got shape {v.shape}")


def _pretty_join(printer, *parts):
    """Concatenate strings and expressions on one line as a pretty form."""
    from sympy.printing.pretty.stringpict import prettyForm

    out = prettyForm("")
    for part in parts:
        piece = prettyForm(part) if isinstance(part, str) else printer._print(part)
        out = prettyForm(*out.right(piece))
    return out


def _covariance_latex(printer, prec: sp.Basic) -> str:
    """Σ as the printer writes P⁻¹: a printer that shows P as Σ⁻¹ (the reports) gets plain Σ."""
    shown = printer._print(prec)
    return shown[: -len("^{-1}")] if shown.endswith("^{-1}") else shown + "^{-1}"


class _CovarianceDeterminant(sp.Symbol):
    """|Σ|: the determinant of the shared covariance, a positive number.

    The proofs only need |Σ| > 0 and that it is the same for every class, so it is a positive
    symbol rather than a polynomial in the entries of P: every claim is then proved for any
    positive value, the true |P|⁻¹ included, and the expressions stay small.
    """

    def __new__(cls):
        return super().__new__(cls, "det_Sigma", positive=True)

    def __getnewargs_ex__(self):
        return ((), {})

    def _latex(self, printer, exp=None) -> str:
        body = r"\left|%s\right|" % printer._print(Sigma)
        return body if exp is None else r"%s^{%s}" % (body, exp)

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm("|Σ|")

    def _sympystr(self, printer) -> str:
        return "|Sigma|"


#: |Σ|, the determinant of the shared covariance (declare it ``Positive``).
DET_SIGMA = _CovarianceDeterminant()


def normaliser(d: sp.Basic) -> sp.Expr:
    """Z = (2π)^{d/2}|Σ|^{1/2}, the Gaussian normaliser: 𝒩 = exp(−½(x − μ)ᵀΣ⁻¹(x − μ))/Z."""
    return (2 * sp.pi) ** (to_sympy(d) / 2) * sp.sqrt(DET_SIGMA)


def _normal_density(x: sp.Basic, mu: sp.Basic, prec: sp.Basic) -> sp.Expr:
    return sp.exp(-Dot(x - mu, prec * (x - mu)) / 2) / normaliser(x.shape[0])


class Normal(sp.Expr):
    """The density 𝒩(x | μ, P⁻¹) = (2π)^{−d/2} |Σ|^{−1/2} exp(−½ (x − μ)ᵀ P (x − μ)) of a Gaussian."""

    is_commutative = True

    def __new__(cls, x: sp.Basic, mu: sp.Basic, prec: sp.Basic):
        _check_column(x, "Normal's point")
        _check_column(mu, "Normal's mean")
        _check_square(prec, "Normal's precision")
        if x.shape != mu.shape or prec.shape[0] != x.shape[0]:
            raise ValueError(f"Normal: shapes {x.shape}, {mu.shape}, {prec.shape} do not fit")
        return sp.Expr.__new__(cls, x, mu, prec)

    def definition(self) -> sp.Expr:
        """The density written out, valid at symbolic d."""
        return _normal_density(*self.args)

    def doit(self, **hints) -> sp.Expr:
        x, mu, prec = (arg.doit(**hints) for arg in self.args)
        if not (is_concrete(x) and is_concrete(prec)):
            return Normal(x, mu, prec)
        return _normal_density(x, mu, prec).doit(**hints)

    def _latex(self, printer, exp=None) -> str:
        x, mu = (printer._print(a) for a in self.args[:2])
        body = r"\mathcal{N}\left(%s \mid %s, %s\right)" % (x, mu, _covariance_latex(printer, self.args[2]))
        return body if exp is None else r"%s^{%s}" % (body, exp)

    def _pretty(self, printer):
        x, mu, prec = self.args
        return _pretty_join(printer, "𝒩(", x, " | ", mu, ", ", prec, "⁻¹)")

    def _sympystr(self, printer) -> str:
        x, mu, prec = (printer._print(a) for a in self.args)
        return "N(%s | %s, %s^-1)" % (x, mu, prec)


class _PerClass(MatrixExpr):
    """A K-column with one entry per class; class k has mean μ_k, the k-th column of M."""

    def __new__(cls, x: sp.Basic, means: sp.Basic, prec: sp.Basic):
        _check_column(x, f"{cls.__name__}'s point")
        _check_matrix(means, f"{cls.__name__}'s means")
        _check_square(prec, f"{cls.__name__}'s precision")
        if means.shape[0] != x.shape[0] or prec.shape[0] != x.shape[0]:
            raise ValueError(f"{cls.__name__}: shapes {x.shape}, {means.shape}, {prec.shape} do not fit")
        return MatrixExpr.__new__(cls, x, means, prec)

    @property
    def shape(self):
        return (self.args[1].shape[1], 1)

    def entry(self, x, mu, prec) -> sp.Expr:
        """Entry k, with μ = μ_k, not yet carried out."""
        raise NotImplementedError

    def doit(self, **hints):
        x, means, prec = (arg.doit(**hints) for arg in self.args)
        if not (is_concrete(x) and is_concrete(means) and is_concrete(prec)):
            return type(self)(x, means, prec)
        x, means, prec = explicit(x), explicit(means), explicit(prec)
        return sp.ImmutableMatrix([[self.entry(x, means[:, k], prec).doit()] for k in range(means.shape[1])])

    def definition(self) -> sp.ImmutableMatrix | None:
        """The column entry by entry, nothing carried out (for ``derive.evaluate``); None while
        the means are not an explicit matrix."""
        x, means, prec = self.args
        if not isinstance(means, sp.MatrixBase):
            return None
        return sp.ImmutableMatrix([[self.entry(x, means[:, k], prec)] for k in range(means.shape[1])])


class ClassDensities(_PerClass):
    """The column of class-conditional densities,  entry k = 𝒩(x | μ_k, P⁻¹),  μ_k = column k of the means."""

    def entry(self, x, mu, prec) -> sp.Expr:
        return _normal_density(x, mu, prec)

    def _latex(self, printer, exp=None) -> str:
        x, means = (printer._print(a) for a in self.args[:2])
        cov = _covariance_latex(printer, self.args[2])
        return r"\left[\mathcal{N}\left(%s \mid %s_{k}, %s\right)\right]_{k}" % (x, means, cov)

    def _pretty(self, printer):
        x, means, prec = self.args
        return _pretty_join(printer, "[𝒩(", x, " | ", means, "ₖ, ", prec, "⁻¹)]ₖ")

    def _sympystr(self, printer) -> str:
        x, means, prec = (printer._print(a) for a in self.args)
        return "[N(%s | %s_k, %s^-1)]_k" % (x, means, prec)


class SquaredDistances(_PerClass):
    """The column of squared Mahalanobis distances,  entry k = (x − μ_k)ᵀ P (x − μ_k)."""

    def entry(self, x, mu, prec) -> sp.Expr:
        return Dot(x - mu, prec * (x - mu))

    def _latex(self, printer, exp=None) -> str:
        x, means, prec = (printer._print(a) for a in self.args)
        diff = r"\left(%s - %s_{k}\right)" % (x, means)
        return r"\left[%s^{\top} %s %s\right]_{k}" % (diff, prec, diff)

    def _pretty(self, printer):
        x, means, prec = self.args
        return _pretty_join(printer, "[(", x, " − ", means, "ₖ)ᵀ", prec, "(", x, " − ", means, "ₖ)]ₖ")

    def _sympystr(self, printer) -> str:
        x, means, prec = (printer._print(a) for a in self.args)
        return "[(%s - %s_k).T*%s*(%s - %s_k)]_k" % (x, means, prec, x, means)


class DiagOf(MatrixExpr):
    """The diagonal of a square matrix as a column:  (A_11, …, A_nn)ᵀ."""

    def __new__(cls, m: sp.Basic):
        _check_square(m, "DiagOf's argument")
        return MatrixExpr.__new__(cls, m)

    @property
    def shape(self):
        return (self.args[0].shape[0], 1)

    def doit(self, **hints):
        m = self.args[0].doit(**hints)
        if not is_concrete(m):
            return DiagOf(m)
        m = explicit(m)
        return sp.ImmutableMatrix([[m[i, i]] for i in range(m.shape[0])])

    def _latex(self, printer, exp=None) -> str:
        return r"\operatorname{diag}\left(%s\right)" % printer._print(self.args[0])

    def _pretty(self, printer):
        return _pretty_join(printer, "diag(", self.args[0], ")")

    def _sympystr(self, printer) -> str:
        return "diag(%s)" % printer._print(self.args[0])
