"""The lecture's scalar functions as SymPy functions that know their own calculus.

Each function keeps its closed form one ``rewrite(exp)`` away, so the verifier can
always prove things from the definition instead of trusting the derivative rule written
here; ``derivations/sigmoid_derivative.py`` proves the rule, and the tests check that
``fdiff`` agrees with it.  The numeric printers map them to stable SciPy forms.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["sigmoid", "softplus", "logsumexp", "ELEMENTARY", "to_elementary"]


class sigmoid(sp.Function):
    r"""The logistic function  σ(z) = 1 / (1 + e^{−z}),  with  σ′(z) = σ(z)(1 − σ(z))."""

    nargs = 1

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_zero:
            return sp.S.Half
        if z is sp.oo:
            return sp.S.One
        if z is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs) -> sp.Expr:
        return 1 / (1 + sp.exp(-z))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_finite(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer, exp=None) -> str:
        body = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)

    def _sympystr(self, printer) -> str:
        return "sigma(%s)" % printer._print(self.args[0])

    def _pretty(self, printer):
        return printer._print_Function(self, func_name="σ")


class softplus(sp.Function):
    r"""softplus(z) = log(1 + e^{z}),  with  softplus′(z) = σ(z)  and  −log σ(z) = softplus(−z)."""

    nargs = 1

    @classmethod
    def eval(cls, z: sp.Expr) -> sp.Expr | None:
        if z.is_zero:
            return sp.log(2)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, z: sp.Expr, **kwargs) -> sp.Expr:
        return sp.log(1 + sp.exp(z))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer, exp=None) -> str:
        body = r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)


class logsumexp(sp.Function):
    r"""logsumexp(a_1, …, a_K) = log Σ_j e^{a_j},  with  ∂/∂a_k = e^{a_k} / Σ_j e^{a_j}  (softmax)."""

    @classmethod
    def eval(cls, *args: sp.Expr) -> sp.Expr | None:
        if len(args) == 0:
            raise TypeError("logsumexp needs at least one argument")
        if len(args) == 1:
            return args[0]
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        total = sp.Add(*[sp.exp(a) for a in self.args])
        return sp.exp(self.args[argindex - 1]) / total

    def _eval_rewrite_as_exp(self, *args: sp.Expr, **kwargs) -> sp.Expr:
        return sp.log(sp.Add(*[sp.exp(a) for a in args]))

    def _eval_is_real(self) -> bool | None:
        return all(a.is_real for a in self.args) or None

    def _latex(self, printer, exp=None) -> str:
        inner = ", ".join(printer._print(a) for a in self.args)
        body = r"\operatorname{logsumexp}\left(%s\right)" % inner
        return body if exp is None else r"%s^{%s}" % (body, exp)


#: The custom functions, each of which ``rewrite(sp.exp)`` turns into elementary functions.
ELEMENTARY = (sigmoid, softplus, logsumexp)


def to_elementary(expr: sp.Basic) -> sp.Basic:
    """Replace σ, softplus and logsumexp by their definitions in terms of exp and log."""
    # Not ``rewrite(exp)``, which would also expand tanh, cosh, ...; and ``xreplace`` on the
    # few applications found, which is several times faster than a pattern ``replace``.
    # Inner applications first, so nested ones (σ(σ(z))) are rewritten all the way down.
    while True:
        found = [f for f in expr.atoms(sp.Function) if isinstance(f, ELEMENTARY)]
        if not found:
            return expr
        innermost = [f for f in found if not any(g.has(*ELEMENTARY) for g in f.args)]
        expr = expr.xreplace({f: f._eval_rewrite_as_exp(*f.args) for f in innermost})
