"""Vector calculus operators that stay symbolic until the dimensions are known.

Each operator prints as the lecture writes it (∇_θ L, θᵀx, softmax(a)) while its
dimensions are symbols, and ``doit()`` turns it into explicit components once they are
integers, which is how the verifier proves a claim for each d = 1, …, 4.

Shape conventions, fixed once: vectors are columns (d×1); ``Grad(f, v)`` is a column
like ``v``; ``Jacobian(s, a)[i, j] = ∂s_i/∂a_j``; ``Hessian(f, v) = Jacobian(Grad(f, v), v)``.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .numbers import to_sympy
__all__ = ["Dot", "Grad", "Hessian", "Jacobian", "Softmax", "Elementwise", "explicit", "is_concrete"]


def is_concrete(m: sp.Basic) -> bool:
    """True when ``m`` is a matrix whose shape is a pair of integers."""
    return all(getattr(n, "is_Integer", False) or isinstance(n, int) for n in m.shape)


def explicit(m: sp.Basic) -> sp.ImmutableMatrix:
    """The explicit matrix of a concrete-shaped matrix expression."""
    m = m.doit()
    return sp.ImmutableMatrix(m.as_explicit() if isinstance(m, MatrixExpr) else m)


def _components(v: sp.Basic) -> list[sp.Expr]:
    return list(explicit(v))


def _pretty_call(printer, name: str, *args) -> sp.Basic:
    """name(arg, ...) as a pretty form, with each argument pretty-printed."""
    from sympy.printing.pretty.stringpict import prettyForm

    parts = [printer._print(a) for a in args]
    body = parts[0]
    for part in parts[1:]:
        body = prettyForm(*body.right(", "))
        body = prettyForm(*body.right(part))
    body = prettyForm(*body.parens())
    return prettyForm(*body.left(name))


def _check_column(v: sp.Basic, what: str) -> None:
    if not getattr(v, "is_Matrix", False) and not isinstance(v, MatrixExpr):
        raise TypeError(f"{what} must be a column vector, got {v!r}")
    if v.shape[1] != 1:
        raise ValueError(f"{what} must be a column vector (n×1), got shape {v.shape}")


class Dot(sp.Expr):
    """The inner product  aᵀb = Σ_i a_i b_i  of two column vectors, a scalar."""

    is_commutative = True

    def __new__(cls, a: sp.Basic, b: sp.Basic):
        _check_column(a, "Dot's first argument")
        _check_column(b, "Dot's second argument")
        return sp.Expr.__new__(cls, a, b)

    def doit(self, **hints) -> sp.Expr:
        a, b = (arg.doit(**hints) for arg in self.args)
        if is_concrete(a) and is_concrete(b):
            return sp.Add(*[p * q for p, q in zip(_components(a), _components(b))])
        return Dot(a, b)

    def _eval_is_real(self) -> bool | None:
        return None

    def _compound(self) -> tuple[bool, bool]:
        """Whether each argument needs parentheses: (x − μ)ᵀP(x − μ), (P(μ₁ − μ₀))ᵀx."""
        a, b = self.args
        return not isinstance(a, (sp.MatrixSymbol, sp.OneMatrix)), isinstance(b, sp.MatAdd)

    def _latex(self, printer, exp=None) -> str:
        (a, b), wrap = self.args, self._compound()
        a, b = (r"\left(%s\right)" % printer._print(m) if w else printer._print(m) for m, w in zip((a, b), wrap))
        body = r"%s^{\top} %s" % (a, b)
        return r"\left(%s\right)^{%s}" % (body, exp) if exp is not None else body

    def _sympystr(self, printer) -> str:
        (a, b), wrap = self.args, self._compound()
        a, b = ("(%s)" % printer._print(m) if w else printer._print(m) for m, w in zip((a, b), wrap))
        return "%s.T*%s" % (a, b)

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        a, b = (printer._print(arg) for arg in self.args)
        wrap_a, wrap_b = self._compound()
        a = prettyForm(*a.parens()) if wrap_a else a
        b = prettyForm(*b.parens()) if wrap_b else b
        a = prettyForm(*a.right("ᵀ"))
        # A product for precedence, so (θᵀx)² keeps its parentheses.
        return prettyForm(*a.right(b), binding=prettyForm.MUL)


class Grad(MatrixExpr):
    """The gradient  ∇_v f = (∂f/∂v_1, …, ∂f/∂v_n)ᵀ  of a scalar f, a column shaped like v."""

    def __new__(cls, f: sp.Expr, v: sp.Basic):
        _check_column(v, "Grad's variable")
        return MatrixExpr.__new__(cls, to_sympy(f), v)

    @property
    def shape(self):
        return self.args[1].shape

    def doit(self, **hints):
        f, v = (arg.doit(**hints) for arg in self.args)
        if not is_concrete(v):
            return Grad(f, v)
        return sp.ImmutableMatrix([[sp.diff(f, c)] for c in _components(v)])

    def _latex(self, printer, exp=None) -> str:
        f, v = self.args
        return r"\nabla_{%s} \left(%s\right)" % (printer._print(v), printer._print(f))

    def _pretty(self, printer):
        return _pretty_call(printer, "∇_" + sp.pretty(self.args[1]), self.args[0])


class Hessian(MatrixExpr):
    """The Hessian  ∇²_v f,  entry (i, j) = ∂²f/∂v_i∂v_j,  of a scalar f."""

    def __new__(cls, f: sp.Expr, v: sp.Basic):
        _check_column(v, "Hessian's variable")
        return MatrixExpr.__new__(cls, to_sympy(f), v)

    @property
    def shape(self):
        n = self.args[1].shape[0]
        return (n, n)

    def doit(self, **hints):
        f, v = (arg.doit(**hints) for arg in self.args)
        if not is_concrete(v):
            return Hessian(f, v)
        comps = _components(v)
        # Each first derivative once, then its derivatives: d + d² diffs instead of 2d².
        first = [sp.diff(f, c) for c in comps]
        return sp.ImmutableMatrix([[sp.diff(g, b) for b in comps] for g in first])

    def _latex(self, printer, exp=None) -> str:
        f, v = self.args
        return r"\nabla^{2}_{%s} \left(%s\right)" % (printer._print(v), printer._print(f))

    def _pretty(self, printer):
        return _pretty_call(printer, "∇²_" + sp.pretty(self.args[1]), self.args[0])


class Jacobian(MatrixExpr):
    """The Jacobian  ∂s/∂a  of a column s by a column a:  entry (i, j) = ∂s_i/∂a_j."""

    def __new__(cls, s: sp.Basic, a: sp.Basic):
        _check_column(s, "Jacobian's function")
        _check_column(a, "Jacobian's variable")
        return MatrixExpr.__new__(cls, s, a)

    @property
    def shape(self):
        return (self.args[0].shape[0], self.args[1].shape[0])

    def doit(self, **hints):
        s, a = (arg.doit(**hints) for arg in self.args)
        if not (is_concrete(s) and is_concrete(a)):
            return Jacobian(s, a)
        return sp.ImmutableMatrix([[sp.diff(si, aj) for aj in _components(a)] for si in _components(s)])

    def _latex(self, printer, exp=None) -> str:
        s, a = self.args
        return r"\frac{\partial %s}{\partial %s}" % (printer._print(s), printer._print(a))

    def _pretty(self, printer):
        return _pretty_call(printer, "∂/∂" + sp.pretty(self.args[1]), self.args[0])


class Softmax(MatrixExpr):
    """softmax(a)_k = e^{a_k} / Σ_j e^{a_j}, a column shaped like a."""

    def __new__(cls, a: sp.Basic):
        _check_column(a, "softmax's argument")
        return MatrixExpr.__new__(cls, a)

    @property
    def shape(self):
        return self.args[0].shape

    def doit(self, **hints):
        a = self.args[0].doit(**hints)
        if not is_concrete(a):
            return Softmax(a)
        comps = _components(a)
        total = sp.Add(*[sp.exp(c) for c in comps])
        return sp.ImmutableMatrix([[sp.exp(c) / total] for c in comps])

    def _latex(self, printer, exp=None) -> str:
        return r"\operatorname{softmax}\left(%s\right)" % printer._print(self.args[0])

    def _pretty(self, printer):
        return _pretty_call(printer, "softmax", self.args[0])


class Elementwise(MatrixExpr):
    """f applied to each entry of a matrix:  (f ∘ M)_{ij} = f(M_{ij})."""

    def __new__(cls, func: Callable | sp.FunctionClass, m: sp.Basic):
        # A Lambda arrives when SymPy rebuilds the node from its args (subs, xreplace).
        if isinstance(func, sp.Lambda):
            return MatrixExpr.__new__(cls, func, m)
        if not isinstance(func, sp.FunctionClass):
            raise TypeError(f"Elementwise needs a SymPy function class such as sp.tanh, got {func!r}")
        applied = func(_DUMMY)
        if not isinstance(applied, func):
            # Max(u), Min(u), ... with one argument are u itself: the "elementwise max" would
            # silently be the identity.  Refuse it where the claim is built.
            raise ValueError(f"Elementwise({func.__name__}, …) applies {func.__name__} to one argument, which "
                             f"gives {applied}, not {func.__name__}: use a function of one argument (such as a "
                             f"ReLU declared in derive.functions)")
        return MatrixExpr.__new__(cls, sp.Lambda(_DUMMY, applied), m)

    @property
    def func_class(self) -> sp.FunctionClass:
        return self.args[0].expr.func

    @property
    def shape(self):
        return self.args[1].shape

    def doit(self, **hints):
        lam, m = self.args
        m = m.doit(**hints)
        if not is_concrete(m):
            return MatrixExpr.__new__(Elementwise, lam, m)
        return explicit(m).applyfunc(lambda e: lam(e))

    def _latex(self, printer, exp=None) -> str:
        name = printer._print(self.func_class(sp.Symbol("_"))).split(r"\left(")[0]
        return r"%s\left(%s\right)" % (name, printer._print(self.args[1]))

    def _pretty(self, printer):
        return _pretty_call(printer, self.func_class.__name__, self.args[1])

    def _sympystr(self, printer) -> str:
        return "%s(%s)" % (self.func_class.__name__, printer._print(self.args[1]))


_DUMMY = sp.Dummy("u")


# --- Gradients by a matrix, gradients at a point, diag(v) -----------------------------

def _check_matrix(w: sp.Basic, what: str) -> None:
    if not getattr(w, "is_Matrix", False) and not isinstance(w, MatrixExpr):
        raise TypeError(f"{what} must be a matrix, got {w!r}")


class GradMatrix(MatrixExpr):
    """The gradient  ∂f/∂W  of a scalar f by a matrix W, shaped like W:  entry (i, j) = ∂f/∂W_ij."""

    def __new__(cls, f: sp.Expr, w: sp.Basic):
        _check_matrix(w, "GradMatrix's variable")
        return MatrixExpr.__new__(cls, to_sympy(f), w)

    @property
    def shape(self):
        return self.args[1].shape

    def doit(self, **hints):
        f, w = (arg.doit(**hints) for arg in self.args)
        if not is_concrete(w):
            return GradMatrix(f, w)
        entries = explicit(w)
        return sp.ImmutableMatrix(*entries.shape, lambda i, j: sp.diff(f, entries[i, j]))

    def _latex(self, printer, exp=None) -> str:
        f, w = self.args
        return r"\frac{\partial}{\partial %s} \left(%s\right)" % (printer._print(w), printer._print(f))

    def _pretty(self, printer):
        return _pretty_call(printer, "∂/∂" + sp.pretty(self.args[1]), self.args[0])


class GradAt(MatrixExpr):
    """The gradient  ∇_v f |_{v = c}  of a scalar f by a column v, evaluated at the column c.

    The chain rule needs it: ∇_θ L(a(θ)) is built from ∇_a L taken at a = a(θ), where ``Grad``
    alone could only differentiate by a symbol.
    """

    def __new__(cls, f: sp.Expr, v: sp.Basic, at: sp.Basic):
        _check_column(v, "GradAt's variable")
        _check_column(at, "GradAt's point")
        if v.shape != at.shape:
            raise ValueError(f"GradAt's point has shape {at.shape}, its variable {v} has {v.shape}")
        return MatrixExpr.__new__(cls, to_sympy(f), v, at)

    @property
    def shape(self):
        return self.args[1].shape

    def doit(self, **hints):
        f, v, at = (arg.doit(**hints) for arg in self.args)
        if not (is_concrete(v) and is_concrete(at)):
            return GradAt(f, v, at)
        variables = _components(v)
        # Simultaneous substitution: the point may itself mention the variable's entries.
        point = dict(zip(variables, _components(at)))
        return sp.ImmutableMatrix([[sp.diff(f, c).xreplace(point)] for c in variables])

    def _latex(self, printer, exp=None) -> str:
        f, v, at = self.args
        return r"\left.\nabla_{%s} \left(%s\right)\right|_{%s = %s}" % (
            printer._print(v), printer._print(f), printer._print(v), printer._print(at))

    def _pretty(self, printer):
        from sympy.printing.pretty.pretty_symbology import vobj
        from sympy.printing.pretty.stringpict import prettyForm, stringPict

        f, v, at = self.args
        body = _pretty_call(printer, "∇_" + sp.pretty(v), f)
        bar = stringPict(vobj("|", max(body.height(), 2)), baseline=body.baseline)
        body = prettyForm(*body.right(bar))
        # Hang "v = c" from the bottom of the bar, as a substitution is written by hand.
        baseline, body.baseline = body.baseline, body.height() - 1
        where = prettyForm(*printer._print(v).right(" = "))
        body = prettyForm(*body.right(prettyForm(*where.right(printer._print(at)))))
        body.baseline = baseline
        return body


class Diag(sp.DiagMatrix):
    """diag(v): the square matrix with the column v on its diagonal and zeros elsewhere."""

    def doit(self, **hints):
        v = self.args[0].doit(**hints)
        if not is_concrete(v):
            return Diag(v)
        return sp.ImmutableMatrix(sp.diag(*_components(v)))

    def _latex(self, printer, exp=None) -> str:
        return r"\operatorname{diag}\left(%s\right)" % printer._print(self.args[0])

    def _sympystr(self, printer) -> str:
        return "diag(%s)" % printer._print(self.args[0])

    def _pretty(self, printer):
        return _pretty_call(printer, "diag", self.args[0])


def _explicit_factor(f: sp.Basic) -> sp.ImmutableMatrix:
    # SymPy leaves A∘(−1) unevaluated even for an explicit A; raise it entry by entry here.
    if isinstance(f, sp.HadamardPower):
        base, power = f.args
        return explicit(base).applyfunc(lambda v: v**power)
    return explicit(f)


class Hadamard(sp.HadamardProduct):
    """The entrywise product  (A ∘ B)_ij = A_ij B_ij  of matrices of one shape.

    SymPy's HadamardProduct, except that it keeps A ∘ A as written (no Hadamard power) and
    ``doit()`` gives the explicit matrix once the shape is concrete, factors such as
    s∘(−1) included (so y ∘ s∘(−1) is y ⊘ s).
    """

    def __new__(cls, *factors: sp.Basic):
        if len(factors) < 2:
            raise TypeError(f"Hadamard needs two or more factors, got {len(factors)}")
        for f in factors:
            _check_matrix(f, "Hadamard's factor")
        shapes = {tuple(f.shape) for f in factors}
        if len(shapes) != 1:
            raise ValueError(f"Hadamard needs factors of one shape, got shapes {sorted(map(str, shapes))}")
        return MatrixExpr.__new__(cls, *factors)

    def doit(self, **hints):
        factors = [f.doit(**hints) for f in self.args]
        if not all(is_concrete(f) for f in factors):
            return Hadamard(*factors)
        mats = [_explicit_factor(f) for f in factors]
        return sp.ImmutableMatrix(*mats[0].shape, lambda i, j: sp.Mul(*[m[i, j] for m in mats]))


__all__ += ["GradMatrix", "GradAt", "Diag", "Hadamard"]
