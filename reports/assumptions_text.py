"""Assumptions in words, with their symbols set by the lecture's printer: "$p \\in (0, 1)$", "$\\boldsymbol{\\Sigma}^{-1}$ symmetric positive-definite"."""

from __future__ import annotations

import re

import sympy as sp

from derive import assumptions as A

from .latex import latex
from .text import prose

__all__ = ["assumption_latex"]


# Each assumption class in words, with its symbols set by the printer.
_ASSUMPTION_FORMS = {
    A.Real: "{} real",
    A.Positive: "${} > 0$",
    A.Binary: r"${} \in \{{0, 1\}}$",
    A.OneHot: "{} one-hot",
    A.Simplex: r"{} positive, summing to $1$",
    A.SymmetricPositiveDefinite: "{} symmetric positive-definite",
}


def assumption_latex(assumption: A.Assumption) -> str:
    """One assumption in words, e.g. ``$p \\in (0, 1)$`` or ``$\\boldsymbol{\\Sigma}^{-1}$ symmetric positive-definite``."""
    names = [latex(s) for s in assumption.symbols]
    if isinstance(assumption, A.Interval):
        return r"$%s \in (%s, %s)$" % (", ".join(names), _g(assumption.low), _g(assumption.high))
    form = _ASSUMPTION_FORMS.get(type(assumption))
    if form is None:
        return _own_words(assumption)
    inline = form.startswith("$")
    joined = ", ".join(names) if inline else ", ".join("$%s$" % n for n in names)
    return form.format(joined)


def _own_words(assumption: A.Assumption) -> str:
    """An assumption this module does not know: its ``describe()``, with its symbols printed."""
    text = assumption.describe()
    printed = {}
    # longest names first, so that "s_a" is not taken for "s"
    for k, sym in enumerate(sorted(assumption.symbols, key=lambda s: -len(sp.sstr(s)))):
        marker = "QQSYMBOL%sQQ" % chr(ord("A") + k)
        text = re.sub(r"(?<![\w])%s(?![\w])" % re.escape(sp.sstr(sym)), marker, text)
        printed[marker] = "$%s$" % latex(sym)
    out = prose(text)
    for marker, tex in printed.items():
        out = out.replace(marker, tex)
    return out


def _g(value: float) -> str:
    return ("%g" % value).replace("inf", r"\infty")


