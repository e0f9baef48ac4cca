"""The lecture's notation as a SymPy ``LatexPrinter``: bold vectors, ᵀ, σ(·), Σ⁻¹, θ_{0,k}.

``latex(expr)`` is the only way the reports turn mathematics into LaTeX.  The printer
changes SymPy's defaults where the lecture writes things differently:

* a matrix symbol is bold: ``\\mathbf{x}`` for a Latin name, ``\\boldsymbol{\\theta}`` for a
  Greek one, with its subscript kept upright outside the bold: ``\\boldsymbol{\\mu}_{0}``;
* the transpose is ``^{\\top}``; the Hadamard product is ``\\odot``;
* the precision matrix ``P`` prints as ``\\boldsymbol{\\Sigma}^{-1}`` (proofs use ``P`` so
  that SymPy never inverts a symbolic Σ, but the reader should see Σ⁻¹);
* several subscripts join with a comma: ``theta_0_k`` → ``\\theta_{0,k}``;
* the operators of ``derive.ops`` print here, through ``_print_<Class>``, so the printer
  decides their look rather than the operator classes.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import LatexPrinter, accepted_latex_functions, translate
from sympy.printing.precedence import PRECEDENCE

from derive import ops
from derive.vocabulary import declaration_of

__all__ = ["LecturePrinter", "latex", "ALIASES"]

#: Matrix symbols that the lecture writes as something else: P is the precision Σ⁻¹.
ALIASES: dict[str, str] = {"P": r"\boldsymbol{\Sigma}^{-1}"}

_GREEK_VARIANTS = {"epsilon": r"\varepsilon"}


def _name_parts(name: str) -> tuple[str, list[str], list[str]]:
    """Base, superscripts and subscripts of a symbol name, each translated (``mu_0`` → ``\\mu``, ``0``)."""
    if "{" in name:
        # An author wrote TeX-style braces, e.g. ``theta_{0,k}``: keep the braces' content.
        base, _, rest = name.partition("_")
        return _translate(base), [], [rest[1:-1] if rest.startswith("{") and rest.endswith("}") else rest]
    base, supers, subs = split_super_sub(name)
    return _translate(base), [_translate(s) for s in supers], [_translate(s) for s in subs]


def _translate(s: str) -> str:
    return _GREEK_VARIANTS.get(s) or translate(s)


def _is_greek(tex: str) -> bool:
    return tex.startswith("\\")


#: Constant matrices that may open a sum like a number: 𝟏 − h ⊙ h.
_CONSTANT_MATRICES = (sp.OneMatrix, sp.Identity)


def _is_fraction(f: sp.Basic) -> bool:
    """1/u or v/u written with a division: a power with a negative exponent, or a product holding one."""
    def reciprocal(g: sp.Basic) -> bool:
        return isinstance(g, sp.Pow) and g.exp.is_negative is True
    return reciprocal(f) or (isinstance(f, sp.Mul) and any(map(reciprocal, f.args)))


def _negative(term: sp.Basic) -> bool:
    """True when the term prints with a leading minus sign (also −c·M for a matrix M)."""
    if isinstance(term, sp.MatMul):
        scalars = [a for a in term.args if not getattr(a, "is_Matrix", False)]
        return bool(scalars) and scalars[0].could_extract_minus_sign()
    return term.could_extract_minus_sign()


def _negate(term: sp.Basic) -> sp.Basic:
    if isinstance(term, sp.MatMul):
        args = list(term.args)
        i = next(i for i, a in enumerate(args) if not getattr(a, "is_Matrix", False))
        args[i] = -args[i]
        return sp.MatMul(*[a for a in args if a != 1], evaluate=False) if len(args) > 1 else args[0]
    return -term


class LecturePrinter(LatexPrinter):
    """SymPy's LaTeX printer in the lecture's notation (see the module docstring)."""

    printmethod = "_latex"

    def __init__(self, settings: dict[str, Any] | None = None):
        # |Σ|^{1/2} as the lecture writes it, not √|Σ|.
        super().__init__({"root_notation": False, "fold_frac_powers": True, **(settings or {})})

    # -- dispatch: this printer's own rules beat an object's ``_latex`` --------------------
    def _print(self, expr: Any, **kwargs: Any) -> str:
        # SymPy asks the object first (``expr._latex``).  The operators in derive.ops carry
        # their own, but the report's notation is decided here: a rule of this printer for
        # the object's class (or a base class) wins, unless a more specific class prints itself.
        # The vocabulary's functions (σ, softplus, ReLU, ...) have no rule here: they print from
        # their one declaration in derive.vocabulary.
        for cls in type(expr).__mro__:
            method = LecturePrinter.__dict__.get("_print_" + cls.__name__)
            if method is not None:
                return method(self, expr, **kwargs)
            if "_latex" in cls.__dict__:
                break
        return super()._print(expr, **kwargs)

    # -- sums ------------------------------------------------------------------------------
    def _as_ordered_terms(self, expr: sp.Basic, order: str | None = None) -> list[sp.Basic]:
        """SymPy's order, adjusted the way a textbook writes a sum: θᵀx + θ₀ and μ₁ − μ₀.

        Terms with vectors or matrices come before plain scalars, and a sum opens with a
        positive term of the same kind, or a positive number, when it has one.
        """
        kind = lambda t: not t.has(sp.MatrixSymbol)  # noqa: E731
        terms = sorted(super()._as_ordered_terms(expr, order=order), key=kind)
        if terms and _negative(terms[0]):
            # Open with a positive term of the same kind (μ₁ − μ₀), else with a positive number
            # (1 − σ(θᵀx)); otherwise leave the minus in front (−½μᵀΣ⁻¹μ + log π).
            same = [i for i, t in enumerate(terms) if not _negative(t) and kind(t) == kind(terms[0])]
            numbers = [i for i, t in enumerate(terms)
                       if (t.is_number or isinstance(t, _CONSTANT_MATRICES)) and not _negative(t)]
            first = (same or numbers or [None])[0]
            if first is not None:
                terms.insert(0, terms.pop(first))
        return terms

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        # SymPy's own _print_Add misses the sign of a matrix product such as (−ε)(p − y)x.
        tex = ""
        for i, term in enumerate(self._as_ordered_terms(expr, order=order)):
            if i and _negative(term):
                tex += " - "
                term = _negate(term)
            elif i:
                tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = r"\left(%s\right)" % term_tex
            tex += term_tex
        return tex

    # -- symbols ---------------------------------------------------------------------------
    def _glue(self, base: str, supers: list[str], subs: list[str]) -> str:
        out = base
        if supers:
            out += "^{%s}" % ",".join(supers)
        if subs:
            out += "_{%s}" % ",".join(subs)
        return out

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        custom = self._settings["symbol_names"].get(expr)
        if custom is not None:
            return custom
        return self._glue(*_name_parts(expr.name))

    def _print_MatrixSymbol(self, expr: sp.MatrixSymbol) -> str:
        if expr.name in ALIASES:
            return ALIASES[expr.name]
        base, supers, subs = _name_parts(expr.name)
        bold = r"\boldsymbol{%s}" % base if _is_greek(base) else r"\mathbf{%s}" % base
        return self._glue(bold, supers, subs)

    # -- matrix algebra --------------------------------------------------------------------
    def _wrap_if_compound(self, m: sp.Basic) -> str:
        s = self._print(m)
        simple = ((isinstance(m, sp.MatrixSymbol) and m.name not in ALIASES)
                  or isinstance(m, (*_CONSTANT_MATRICES, ops.Softmax, ops.Elementwise)))
        return s if simple else r"\left(%s\right)" % s

    def _print_Transpose(self, expr: sp.Transpose) -> str:
        return r"%s^{\top}" % self._wrap_if_compound(expr.arg)

    def _print_Inverse(self, expr: sp.Inverse) -> str:
        return r"%s^{-1}" % self._wrap_if_compound(expr.arg)

    def _print_MatPow(self, expr: sp.MatPow) -> str:
        return r"%s^{%s}" % (self._wrap_if_compound(expr.base), self._print(expr.exp))

    # -- precedence of products: matrix product, ⊙ and ⊘ each get their own brackets ------
    def _print_MatMul(self, expr: sp.MatMul) -> str:
        """A matrix product; a factor that is a Hadamard product goes in square brackets,
        [(W₂ᵀδ) ⊙ (1 − h ⊙ h)] xᵀ, so that neither reading of ⊙ against the product is possible."""
        args = list(expr.args)
        sign = ""
        # (SymPy's could_extract_minus_sign negates the whole product: slow, and the first
        # factor is where a matrix product keeps its sign anyway)
        if args[0].is_Number and args[0] < 0:
            sign = "- "
            args = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
        reciprocals = [a for a in args if isinstance(a, sp.Pow) and a.exp == -1 and not a.base.is_Matrix]
        if reciprocals and len(args) > len(reciprocals):
            # (π ⊙ n)/(πᵀn): a scalar divisor goes under a fraction bar
            top = [a for a in args if a not in reciprocals]
            num = top[0] if len(top) == 1 else sp.MatMul(*top, evaluate=False)
            den = sp.Mul(*[a.base for a in reciprocals])
            return sign + r"\frac{%s}{%s}" % (self._print(num), self._print(den))
        if len(args) == 1:  # −(h ⊙ h) in a sum: the minus binds least, so no brackets
            only = self._print(args[0])
            return sign + (r"\left(%s\right)" % only if isinstance(args[0], (sp.MatAdd, sp.Add)) else only)
        return sign + " ".join(self._product_factor(a) for a in args)

    def _product_factor(self, a: sp.Basic) -> str:
        if isinstance(a, sp.HadamardProduct):
            return r"\left[%s\right]" % self._print(a)
        if a.is_Number or isinstance(a, sp.Mul):  # ½, or a product of scalars: no brackets
            return self._print(a)
        if isinstance(a, (ops.Grad, ops.Hessian, ops.Jacobian)) or type(a).__name__ == "GradAt":
            return r"\left(%s\right)" % self._print(a)   # (∇_b L) hᵀ: the operator ends where the bracket does
        return self.parenthesize(a, PRECEDENCE["Mul"], strict=False)

    def _print_HadamardProduct(self, expr: sp.HadamardProduct) -> str:
        """y ⊙ s^∘(−1) prints as y ⊘ s; any factor that is itself a sum or a product is bracketed."""
        out = ""
        for i, f in enumerate(expr.args):
            if i and isinstance(f, sp.HadamardPower) and f.exp == -1:
                out += r" \oslash " + self._hadamard_factor(f.base)
            else:
                out += (r" \odot " if i else "") + self._hadamard_factor(f)
        return out

    def _hadamard_factor(self, f: sp.Basic) -> str:
        s = self._print(f)
        compound = isinstance(f, (sp.MatAdd, sp.Add, sp.MatMul, sp.Mul, sp.HadamardProduct)) or (
            isinstance(f, sp.HadamardPower) and f.exp == -1)
        return r"\left(%s\right)" % s if compound else s

    def _print_Identity(self, expr: sp.Identity) -> str:
        return r"\mathbf{I}"

    def _print_ZeroMatrix(self, expr: sp.ZeroMatrix) -> str:
        return r"\mathbf{0}"

    def _print_OneMatrix(self, expr: sp.OneMatrix) -> str:
        return r"\mathbf{1}"

    def _print_DiagMatrix(self, expr: Any) -> str:
        return r"\operatorname{diag}\left(%s\right)" % self._print(expr.args[0])

    _print_DiagonalizeVector = _print_DiagMatrix

    def _print_DiagOf(self, expr: Any) -> str:
        """The diagonal of a matrix, as a column: vecdiag(A), never diag(A), which builds a matrix."""
        return r"\operatorname{vecdiag}\left(%s\right)" % self._print(expr.args[0])

    def _print_Determinant(self, expr: sp.Determinant) -> str:
        return r"\left|%s\right|" % self._print(expr.arg)

    # -- the operators of derive.ops -------------------------------------------------------
    def _operand(self, f: sp.Basic) -> str:
        """``f`` bare when it is an atom or an applied function, in parentheses otherwise."""
        s = self._print(f)
        bare = f.is_Atom or isinstance(f, (sp.Function, sp.MatrixSymbol, ops.Softmax, ops.Elementwise))
        return s if bare else r"\left(%s\right)" % s

    def _print_Dot(self, expr: ops.Dot, exp: str | None = None) -> str:
        a, b = expr.args
        right = self._print(b)
        if isinstance(b, (sp.MatAdd, sp.Add)):
            right = r"\left(%s\right)" % right
        body = r"%s^{\top} %s" % (self._wrap_if_compound(a), right)
        return r"\left(%s\right)^{%s}" % (body, exp) if exp is not None else body

    def _print_Grad(self, expr: ops.Grad) -> str:
        f, v = expr.args
        return r"\nabla_{%s} %s" % (self._print(v), self._operand(f))

    def _print_Hessian(self, expr: ops.Hessian) -> str:
        f, v = expr.args
        return r"\nabla^{2}_{%s} %s" % (self._print(v), self._operand(f))

    def _print_Jacobian(self, expr: ops.Jacobian) -> str:
        s, a = expr.args
        return r"\frac{\partial %s}{\partial %s}" % (self._operand(s), self._print(a))

    def _print_Softmax(self, expr: ops.Softmax, exp: str | None = None) -> str:
        body = r"\operatorname{softmax}\left(%s\right)" % self._print(expr.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)

    def _print_Elementwise(self, expr: ops.Elementwise) -> str:
        # A declared function's LaTeX comes from its declaration (``tanh ∘ M`` prints as \tanh(M)).
        func = expr.func_class
        decl = declaration_of(func)
        if decl is not None:
            name = decl.latex
        else:
            known = func.__name__ in accepted_latex_functions
            name = "\\" + func.__name__ if known else r"\operatorname{%s}" % func.__name__
        return r"%s\left(%s\right)" % (name, self._print(expr.args[1]))

    def _print_Pow(self, expr: sp.Pow) -> str:
        base, exp = expr.args
        if isinstance(base, ops.Dot) and base.args[0] == base.args[1] and exp == sp.S.Half:
            return r"\left\lVert %s\right\rVert" % self._print(base.args[0])
        return super()._print_Pow(expr)

    def _print_GradMatrix(self, expr: Any) -> str:
        f, w = expr.args
        if f.is_Atom or isinstance(f, sp.Function):
            return r"\frac{\partial %s}{\partial %s}" % (self._print(f), self._print(w))
        return r"\frac{\partial}{\partial %s} \left(%s\right)" % (self._print(w), self._print(f))

    def _print_GradAt(self, expr: Any) -> str:
        f, v, at = expr.args
        return r"\left.\nabla_{%s} %s\right|_{%s = %s}" % (
            self._print(v), self._operand(f), self._print(v), self._print(at))

    def _print_Diag(self, expr: Any) -> str:
        return r"\operatorname{diag}\left(%s\right)" % self._print(expr.args[0])

    def _print_Mul(self, expr: sp.Mul) -> str:
        # −½ μᵀΣ⁻¹μ rather than −(μᵀΣ⁻¹μ)/2: a fractional coefficient of a product or a
        # quadratic form stays in front (a single symbol keeps z/2).
        if len(expr.args) == 2 and all(map(_is_fraction, expr.args)):
            # a product of two fractions held as written (a step that splits a square) stays two
            return r" \cdot ".join(self._print(f) for f in expr.args)
        coeff, rest = expr.as_coeff_Mul()
        if (coeff.is_Rational and not coeff.is_Integer and not rest.is_Atom and not isinstance(rest, sp.Add)
                and sp.fraction(rest)[1] == 1):
            sign = "- " if coeff < 0 else ""
            return r"%s\frac{%d}{%d} %s" % (sign, abs(coeff.p), coeff.q, self._print(rest))
        return super()._print_Mul(expr)

    def _print_ExpBase(self, expr: sp.Basic, exp: str | None = None) -> str:
        # e^{…} for a short exponent; a long one (a quadratic form) reads better as exp(…).
        arg = expr.args[0]
        if arg.has(sp.MatrixSymbol) or sp.count_ops(arg) > 4:
            return self._do_exponent(r"\exp\left(%s\right)" % self._print(arg), exp)
        return super()._print_ExpBase(expr, exp)


def latex(expr: sp.Basic, **settings: Any) -> str:
    """The LaTeX of ``expr`` in the lecture's notation, e.g. ``σ(θᵀx + θ₀)`` →
    ``\\sigma\\left(\\boldsymbol{\\theta}^{\\top} \\mathbf{x} + \\theta_{0}\\right)``."""
    return LecturePrinter(settings).doprint(expr)
