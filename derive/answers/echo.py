r"""How an answer was read, printed back in the answer language itself (plain text and LaTeX).

Both printers write what the parser reads back as the same expression, which the tests
check: matrix products as ``@`` (plain) or juxtaposition (LaTeX), elementwise products as
``*`` or ``\circ``, a broadcast scalar as the scalar itself (``1 - s``), an entry in index
notation as ``s_i``, and ``uᵀv`` as ``u.T @ v``.
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence, precedence_traditional
from sympy.printing.str import StrPrinter

from ..ops import Diag, Dot, Elementwise, Softmax
from ..vocabulary import DeclaredFunction, declaration_of

__all__ = ["plain_echo", "latex_echo"]


#: The project's types printed by this module's methods rather than their own _sympystr/_latex.
_OWN_TYPES = (Dot, Elementwise, Softmax, Diag, DeclaredFunction)
_OWN_FORMS = {cls.__name__: f"_print_{cls.__name__}" for cls in _OWN_TYPES}
_OWN_FORMS["Diag"] = "_print_DiagMatrix"


_FORM_OF_CLASS: dict[type, str | None] = {}
_UNSEEN = object()


def _own_form(expr: sp.Basic) -> str | None:
    """The name of this module's method for one of the project's types, or None."""
    cls = type(expr)
    try:
        return _FORM_OF_CLASS[cls]  # printing asks this of every node: remember it per class
    except KeyError:
        pass
    form = None
    if issubclass(cls, DeclaredFunction):
        form = "_print_DeclaredFunction"
    elif issubclass(cls, _OWN_TYPES):
        form = _OWN_FORMS.get(cls.__name__)
    _FORM_OF_CLASS[cls] = form
    return form


def _plain_name(func: type) -> str:
    """How an answer spells a declared function (its first spelling): sigma, tanh, relu."""
    decl = declaration_of(func)
    if decl is None or not decl.spellings:
        raise ValueError(f"{func} has no spelling in the answer language")
    return decl.spellings[0]


def _latex_name(func: type) -> str:
    decl = declaration_of(func)
    if decl is None:
        raise ValueError(f"{func} is not a declared function")
    return decl.latex


#: Matrix expressions by kind.  SymPy's own precedence of a matrix product asks whether it can
#: extract a minus sign, which rebuilds it; that alone made printing the slowest part of parsing.
_MATRIX_PRECEDENCE = {sp.MatMul: PRECEDENCE["Mul"], sp.HadamardProduct: PRECEDENCE["Mul"],
                      sp.MatAdd: PRECEDENCE["Add"], sp.HadamardPower: PRECEDENCE["Pow"],
                      sp.Inverse: PRECEDENCE["Pow"], sp.MatPow: PRECEDENCE["Pow"],
                      # A sum over an index takes in every factor after it, so inside a product
                      # it is bracketed like a sum.
                      sp.Sum: PRECEDENCE["Add"]}


def _precedence(item: sp.Basic, traditional: bool = False) -> int:
    # A product uᵀv binds like a product: (uᵀv)² needs its parentheses.
    if isinstance(item, Dot):
        return PRECEDENCE["Mul"]
    if type(item) in _MATRIX_PRECEDENCE:
        return _MATRIX_PRECEDENCE[type(item)]
    return precedence_traditional(item) if traditional else precedence(item)


def _negative(coeff: sp.Expr) -> bool:
    """A coefficient with a negative number in front (-2x, -εx), not a difference such as σ - y,
    which should print as the student wrote it rather than as -(y - σ)."""
    return bool(coeff.as_coeff_Mul()[0].is_negative)


def _positive_first(terms: list) -> list:
    """The terms of a sum with a positive one first: σ(z) - y, not -y + σ(z)."""
    for k, term in enumerate(terms):
        if not term.could_extract_minus_sign():
            return [term, *terms[:k], *terms[k + 1:]] if k else terms
    return terms


def _broadcast_scalar(expr: sp.MatMul) -> sp.Expr | None:
    """c for the broadcast c·𝟙 the builder makes of a scalar added to an array, else None."""
    coeff, mats = expr.as_coeff_matrices()
    return coeff if len(mats) == 1 and isinstance(mats[0], sp.OneMatrix) else None


def _entry_indices(expr: sp.MatrixElement) -> list[sp.Basic]:
    parent, i, j = expr.args
    return [i] if parent.shape[1] == 1 else [i, j]


def _elementwise_func(expr: Elementwise | ElementwiseApplyFunction) -> type:
    func = expr.args[0]
    return func.expr.func if isinstance(func, sp.Lambda) else func


def _elementwise_arg(expr: Elementwise | ElementwiseApplyFunction) -> sp.Basic:
    return expr.args[1]


class PlainEcho(StrPrinter):
    """The plain answer language: ``^`` for powers, ``@`` for matrix products."""

    def _print(self, expr: sp.Basic, **kwargs) -> str:
        # The project's own types carry _sympystr methods made for other readers; the forms
        # this language reads back take precedence.
        method = _FORM_OF_CLASS.get(type(expr), _UNSEEN)
        if method is _UNSEEN:
            method = _own_form(expr)
        return getattr(self, method)(expr) if method else super()._print(expr, **kwargs)

    def __init__(self, names: Mapping[sp.Basic, str] | None = None):
        # order="none": SymPy's canonical order of terms, without re-sorting them for display,
        # which cost more than the rest of printing together.
        super().__init__({"order": "none"})
        self.names = dict(names or {})

    def parenthesize(self, item: sp.Basic, level: int, strict: bool = False) -> str:
        # A matrix power prints as a product here (see _print_MatPow), and binds like one.
        prec = PRECEDENCE["Mul"] if type(item) is sp.MatPow else _precedence(item)
        if prec < level or (not strict and prec <= level):
            return "(%s)" % self._print(item)
        return self._print(item)

    def _as_ordered_terms(self, expr: sp.Basic, order: str | None = None) -> list:
        return _positive_first(list(expr.args) if isinstance(expr, sp.Add) else super()._as_ordered_terms(expr, order))

    def _print_Symbol(self, expr: sp.Basic) -> str:
        return self.names.get(expr, expr.name)

    _print_MatrixSymbol = _print_Symbol

    def _print_Exp1(self, expr: sp.Basic) -> str:
        return "e"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        v = _norm_of(expr)
        if v is not None:  # ‖v‖ reads better as norm(v) than as sqrt(v.T @ v)
            return "norm(%s)" % self._print(v) if expr.exp > 0 else "1/norm(%s)" % self._print(v)
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_MatMul(self, expr: sp.Basic) -> str:
        scalar = _broadcast_scalar(expr)
        if scalar is not None:
            return self._print(scalar)
        coeff, mats = expr.as_coeff_matrices()
        body = self._chain(mats, " @ ")
        if coeff == 1:
            return body
        if _negative(coeff):
            return "-" + self._print_MatMul(sp.MatMul(-coeff, *mats)) if coeff != -1 else "-" + body
        text = self.parenthesize(coeff, PRECEDENCE["Mul"], strict=True)
        if isinstance(coeff, Dot):
            text = "(%s)" % text  # (u.T @ v)*w reads more easily than u.T @ v*w
        return "%s*%s" % (text, body)

    def _print_OneMatrix(self, expr: sp.Basic) -> str:
        return "1"

    def _chain(self, factors: list, op: str, *, bare_first: bool = False) -> str:
        # Any product inside another is parenthesised, (A @ b)*c, for the reader's sake; the
        # parser reads products left to right, so only a later one would need it.
        first, *rest = factors
        return op.join([self.parenthesize(first, PRECEDENCE["Mul"], strict=bare_first)]
                       + [self.parenthesize(f, PRECEDENCE["Mul"]) for f in rest])

    def _print_HadamardProduct(self, expr: sp.Basic) -> str:
        return self._chain(expr.args, "*")

    def _print_HadamardPower(self, expr: sp.Basic) -> str:
        base, exp = expr.args
        if exp == -1:
            return "1/%s" % self.parenthesize(base, PRECEDENCE["Pow"])
        return "%s^%s" % (self.parenthesize(base, PRECEDENCE["Pow"]),
                          self.parenthesize(exp, PRECEDENCE["Pow"], strict=True))

    def _print_Inverse(self, expr: sp.Basic) -> str:
        return "%s^-1" % self.parenthesize(expr.arg, PRECEDENCE["Pow"])

    def _print_MatPow(self, expr: sp.Basic) -> str:
        # Plain ^ is elementwise (NumPy), so a matrix power is written out as a product; the
        # parser bounds exponents, so the product stays as short as what was typed.
        base, exp = expr.args
        if not (exp.is_Integer and exp != 0):
            raise ValueError(f"no plain form for the matrix power {expr}")
        factor = self._print(sp.Inverse(base)) if exp < 0 else self.parenthesize(base, PRECEDENCE["Mul"], strict=True)
        return " @ ".join([factor] * abs(int(exp)))

    def _print_Dot(self, expr: sp.Basic) -> str:
        # uᵀv printed as the row uᵀ times v, so (Σ⁻¹μ)ᵀμ reads μ.T @ Sigma^-1 @ μ.
        a, b = expr.args
        return self._chain([a.T, b], " @ ", bare_first=True)

    def _print_Softmax(self, expr: sp.Basic) -> str:
        return "softmax(%s)" % self._print(expr.args[0])

    def _print_DeclaredFunction(self, expr: sp.Basic) -> str:
        return "%s(%s)" % (_plain_name(type(expr)), ", ".join(self._print(a) for a in expr.args))

    def _print_Sum(self, expr: sp.Basic) -> str:
        (index, _, _), = expr.limits
        return "sum_%s(%s)" % (self._print(index), self._print(expr.function))

    def _print_Max(self, expr: sp.Basic) -> str:
        return "max(%s)" % ", ".join(self._print(a) for a in expr.args)

    def _print_Elementwise(self, expr: sp.Basic) -> str:
        return "%s(%s)" % (_plain_name(_elementwise_func(expr)), self._print(_elementwise_arg(expr)))

    _print_ElementwiseApplyFunction = _print_Elementwise

    def _print_DiagMatrix(self, expr: sp.Basic) -> str:
        return "diag(%s)" % self._print(expr.args[0])

    def _print_Determinant(self, expr: sp.Basic) -> str:
        return "det(%s)" % self._print(expr.args[0])

    def _print_Abs(self, expr: sp.Basic) -> str:
        return "abs(%s)" % self._print(expr.args[0])

    def _print_KroneckerDelta(self, expr: sp.Basic) -> str:
        return "delta_%s%s" % tuple(self._print(i) for i in expr.args)

    def _print_MatrixElement(self, expr: sp.Basic) -> str:
        parent = expr.args[0]
        indices = _entry_indices(expr)
        if all(isinstance(i, sp.Symbol) for i in indices):
            return "%s_%s" % (self._print(parent), "".join(self._print(i) for i in indices))
        return super()._print_MatrixElement(expr)


class LatexEcho(LatexPrinter):
    """LaTeX that the answer language reads back: juxtaposition for matrix products."""

    def _print(self, expr: sp.Basic, **kwargs) -> str:
        method = _FORM_OF_CLASS.get(type(expr), _UNSEEN)
        if method is _UNSEEN:
            method = _own_form(expr)
        return getattr(self, method)(expr, **kwargs) if method else super()._print(expr, **kwargs)

    def parenthesize(self, item: sp.Basic, level: int, is_neg: bool = False, strict: bool = False) -> str:
        prec = _precedence(item, traditional=True)
        if is_neg and strict:
            return self._add_parens(self._print(item))
        if prec < level or (not strict and prec <= level):
            return self._add_parens(self._print(item))
        return self._print(item)

    def _as_ordered_terms(self, expr: sp.Basic, order: str | None = None) -> list:
        return _positive_first(list(expr.args) if isinstance(expr, sp.Add) else super()._as_ordered_terms(expr, order))

    def _print_MatMul(self, expr: sp.Basic) -> str:
        scalar = _broadcast_scalar(expr)
        if scalar is not None:
            return self._print(scalar)
        coeff, mats = expr.as_coeff_matrices()
        first, *rest = mats
        body = " ".join([self.parenthesize(first, PRECEDENCE["Mul"], strict=True)]
                        + [self.parenthesize(m, PRECEDENCE["Mul"]) for m in rest])
        if coeff == 1:
            return body
        if _negative(coeff):
            return "- " + self._print_MatMul(sp.MatMul(-coeff, *mats))
        factors = sp.Mul.make_args(coeff)
        text = self.parenthesize(coeff, PRECEDENCE["Mul"], strict=True)
        if len(factors) == 1 and isinstance(coeff, Dot):
            text = self._add_parens(text)
        return "%s %s" % (text, body)

    def _print_OneMatrix(self, expr: sp.Basic) -> str:
        return "1"

    def _print_Pow(self, expr: sp.Pow, **kwargs) -> str:
        v = _norm_of(expr)
        if v is None:
            return super()._print_Pow(expr, **kwargs)
        body = r"\left\|%s\right\|" % self._print(v)
        return body if expr.exp > 0 else r"\frac{1}{%s}" % body

    def _print_Dot(self, expr: sp.Basic, exp: str | None = None) -> str:
        a, b = expr.args
        body = r"%s %s" % (self.parenthesize(a.T, PRECEDENCE["Mul"], strict=True),
                           self.parenthesize(b, PRECEDENCE["Mul"]))
        return _raised(body, exp)

    def _print_Sum(self, expr: sp.Basic) -> str:
        (index, _, _), = expr.limits
        return r"\sum_{%s} \left(%s\right)" % (self._print(index), self._print(expr.function))

    def _print_DeclaredFunction(self, expr: sp.Basic, exp: str | None = None) -> str:
        body = r"%s\left(%s\right)" % (_latex_name(type(expr)), ", ".join(self._print(a) for a in expr.args))
        return body if exp is None else r"%s^{%s}" % (body, exp)

    def _print_Softmax(self, expr: sp.Basic, exp: str | None = None) -> str:
        return _raised(r"\operatorname{softmax}\left(%s\right)" % self._print(expr.args[0]), exp)

    def _print_Determinant(self, expr: sp.Basic) -> str:
        return r"\det\left(%s\right)" % self._print(expr.args[0])

    def _print_DiagMatrix(self, expr: sp.Basic, exp: str | None = None) -> str:
        return _raised(r"\operatorname{diag}\left(%s\right)" % self._print(expr.args[0]), exp)

    def _print_Elementwise(self, expr: sp.Basic, exp: str | None = None) -> str:
        func, arg = _elementwise_func(expr), self._print(_elementwise_arg(expr))
        return _raised(r"%s\left(%s\right)" % (_latex_name(func), arg), exp)

    _print_ElementwiseApplyFunction = _print_Elementwise

    def _print_MatrixElement(self, expr: sp.Basic) -> str:
        parent = expr.args[0]
        indices = _entry_indices(expr)
        if all(isinstance(i, sp.Symbol) for i in indices):
            return "%s_{%s}" % (self.parenthesize(parent, PRECEDENCE["Atom"], strict=True),
                                "".join(self._print(i) for i in indices))
        return super()._print_MatrixElement(expr)


def _norm_of(expr: sp.Pow) -> sp.Basic | None:
    """v for the Euclidean norm ‖v‖ = (vᵀv)^{1/2} (or its reciprocal), else None."""
    base, exp = expr.args
    if isinstance(base, Dot) and base.args[0] == base.args[1] and exp in (sp.S.Half, -sp.S.Half):
        return base.args[0]
    return None


def _raised(body: str, exp: str | None) -> str:
    return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


def plain_echo(expr: sp.Basic, names: Mapping[sp.Basic, str] | None = None) -> str:
    """``expr`` in the plain answer language, with declared symbols under their declared names."""
    return PlainEcho(names).doprint(expr)


def latex_echo(expr: sp.Basic) -> str:
    """``expr`` in LaTeX that the answer language reads back as the same expression."""
    return LatexEcho({"order": "none"}).doprint(expr)

