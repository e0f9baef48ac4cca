"""Derivatives by a matrix in vec form:  vec, ∂vec F/∂vec X,  ∂²f/∂vec X ∂vec Xᵀ,  and K_mn.

Shape conventions, fixed once: ``vec`` stacks the columns, so for an m×n matrix X,
(vec X)_{jm+i} = X_ij (0-based).  A Jacobian by a matrix is the ordinary Jacobian of the
columns vec F and vec X, so the Matrix Cookbook's identities read as written:
∂vec(AXB)/∂vec X = Bᵀ ⊗ A  and  vec(AXB) = (Bᵀ ⊗ A) vec X.

Like the operators of ``derive.ops``, each stays symbolic while its sizes are symbols and
``doit()`` makes it explicit once they are integers; the Jacobian and Hessian here *are*
``Jacobian`` and ``Hessian`` of those columns, so the verifier carries them out (and checks
them numerically at larger sizes) exactly as it does those.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .numbers import to_sympy
from .ops import Hessian, Jacobian, explicit, is_concrete

__all__ = ["Vec", "JacobianVec", "HessianVec", "Commutation"]


def _check_matrix(m: sp.Basic, what: str) -> None:
    if not getattr(m, "is_Matrix", False) and not isinstance(m, MatrixExpr):
        raise TypeError(f"{what} must be a matrix, got {m!r}")


class Vec(MatrixExpr):
    """vec M: the columns of the m×n matrix M stacked into one mn×1 column, (vec M)_{jm+i} = M_ij.

    vec of a column is the column itself, so vec(vec M) = vec M.
    """

    def __new__(cls, m: sp.Basic):
        _check_matrix(m, "vec's argument")
        if isinstance(m, Vec):
            return m
        return MatrixExpr.__new__(cls, m)

    @property
    def shape(self):
        rows, cols = self.args[0].shape
        return (rows * cols, sp.S.One)

    def doit(self, **hints):
        m = self.args[0].doit(**hints)
        if not is_concrete(m):
            return Vec(m)
        m = explicit(m)
        return sp.ImmutableMatrix(m.rows * m.cols, 1, [m[i, j] for j in range(m.cols) for i in range(m.rows)])

    def _latex(self, printer, exp=None) -> str:
        body = r"\operatorname{vec}\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)

    def _sympystr(self, printer) -> str:
        return "vec(%s)" % printer._print(self.args[0])


class JacobianVec(Jacobian):
    """∂vec F/∂vec X, an (mn)×(pq) matrix for F m×n and X p×q:  entry (a, b) = ∂(vec F)_a/∂(vec X)_b.

    Held as ``Jacobian(vec F, vec X)``; ``.function`` and ``.variable`` give F and X back.
    """

    def __new__(cls, f: sp.Basic, x: sp.Basic):
        _check_matrix(f, "JacobianVec's function")
        _check_matrix(x, "JacobianVec's variable")
        return MatrixExpr.__new__(cls, Vec(f), Vec(x))

    @property
    def function(self) -> sp.Basic:
        return self.args[0].args[0] if isinstance(self.args[0], Vec) else self.args[0]

    @property
    def variable(self) -> sp.Basic:
        return self.args[1].args[0] if isinstance(self.args[1], Vec) else self.args[1]

    def doit(self, **hints):
        s, a = (arg.doit(**hints) for arg in self.args)
        if not (is_concrete(s) and is_concrete(a)):
            return self
        return Jacobian(s, a).doit()

    def _latex(self, printer, exp=None) -> str:
        s, a = self.args
        return r"\frac{\partial %s}{\partial %s}" % (printer._print(s), printer._print(a))


class HessianVec(Hessian):
    """∂²f/∂vec X ∂vec Xᵀ of a scalar f by a p×q matrix X, a pq×pq matrix:
    entry (a, b) = ∂²f/∂(vec X)_a ∂(vec X)_b.  Held as ``Hessian(f, vec X)``."""

    def __new__(cls, f: sp.Expr, x: sp.Basic):
        _check_matrix(x, "HessianVec's variable")
        return MatrixExpr.__new__(cls, to_sympy(f), Vec(x))

    def doit(self, **hints):
        f, v = (arg.doit(**hints) for arg in self.args)
        if not is_concrete(v):
            return self
        return Hessian(f, v).doit()


class Commutation(MatrixExpr):
    """The commutation matrix K_mn, mn×mn, with K_mn vec X = vec(Xᵀ) for every m×n matrix X:
    (K_mn)_{in+j, jm+i} = 1 (0-based), every other entry 0."""

    def __new__(cls, m, n):
        m, n = to_sympy(m), to_sympy(n)
        for k in (m, n):
            if k.is_Integer and k < 1:
                raise ValueError(f"a commutation matrix needs positive sizes, got {k}")
        return MatrixExpr.__new__(cls, m, n)

    @property
    def shape(self):
        m, n = self.args
        return (m * n, m * n)

    def doit(self, **hints):
        m, n = self.args
        if not (m.is_Integer and n.is_Integer):
            return self
        m, n = int(m), int(n)
        ones = {(i * n + j, j * m + i): 1 for i in range(m) for j in range(n)}
        return sp.ImmutableMatrix(m * n, m * n, lambda r, c: ones.get((int(r), int(c)), 0))

    def _latex(self, printer, exp=None) -> str:
        m, n = self.args
        return r"K_{%s, %s}" % (printer._print(m), printer._print(n))
