"""The printer prints what was proved: every displayed line, read back, is the verified expression.

The independent route back is the answer grammar's LaTeX front end (``derive.answers``), the
reader that grades students.  For each side of each step and each relation of each theorem,
the printed LaTeX is parsed and compared with the expression that was verified, numerically at
random points with distinct sizes (d = 2, K = 3, m = 4, so a transpose cannot hide).  Lines the
grammar cannot read (∇, ∂/∂, ⊘, limits, 𝒩, block vectors) are covered by golden strings below.
"""

from __future__ import annotations

import itertools
import random

import pytest
import sympy as sp

from derive import REGISTRY
from derive.answers import ParseError, SymbolSpec, parse_answer
from derive.ops import Grad, GradAt, GradMatrix, Hessian, Jacobian, explicit
from derive.symbols import K, P, d, m
from reports.document import _Namer
from reports.latex import LecturePrinter, latex
from reports.names import named, names_for

SIZES = {d: 2, K: 3, m: 4}
SIGMA = sp.MatrixSymbol("Sigma", d, d)
#: At least this many displayed lines must be read back: the route does real work.
MIN_READ = 150


def _specs(expr: sp.Basic) -> list[SymbolSpec]:
    """The symbols of ``expr`` as the grammar should know them; Σ⁻¹ is read as the inverse of Σ."""
    specs = [SymbolSpec(a.name, a) for a in expr.atoms(sp.Symbol, sp.MatrixSymbol)
             if a.name != "P" and a not in SIZES]
    return specs + [SymbolSpec("Sigma", SIGMA), *(SymbolSpec(s.name, s) for s in SIZES)]


def _value(expr: sp.Basic, values: dict) -> sp.Basic:
    """``expr`` at explicit sizes with the given entries, evaluated to floats."""
    e = expr.subs(SIZES).xreplace({SIGMA.subs(SIZES): sp.Inverse(P.subs(SIZES))})
    mats = {}
    for a in e.atoms(sp.MatrixSymbol):
        rows, cols = (int(n) for n in a.shape)
        mats[a] = sp.ImmutableMatrix(rows, cols, values.setdefault(
            (a.name, rows, cols), [sp.Float(random.uniform(0.2, 0.9)) for _ in range(rows * cols)]))
    e = e.xreplace(mats)
    scalars = {s: values.setdefault(s.name, sp.Float(random.uniform(0.2, 0.9))) for s in e.free_symbols}
    e = e.xreplace(scalars)
    e = explicit(e) if getattr(e, "is_Matrix", False) else e.doit()
    return sp.N(e, 30)


def _same(a: sp.Basic, b: sp.Basic) -> bool:
    values: dict = {}
    random.seed(7)
    va, vb = _value(a, values), _value(b, values)
    if getattr(va, "shape", None) != getattr(vb, "shape", None):
        return False
    diff = (va - vb) if not getattr(va, "is_Matrix", False) else (va - vb).applyfunc(abs)
    return all(abs(complex(x)) < 1e-9 for x in (list(diff) if getattr(diff, "is_Matrix", False) else [diff]))


#: Operators the grammar has no reading for: a line holding one is not read back (d/dz σ(z)
#: would read as the product (d/(d·z))·σ(z)), and the golden strings cover them instead.
UNREADABLE = (sp.Derivative, sp.Limit, Grad, Hessian, Jacobian, GradMatrix, GradAt)


def _displayed() -> list[tuple[str, sp.Basic, sp.Basic, tuple]]:
    """Every expression the documents display, as verified and as shown (with the section's
    named quantities): both sides of each step and of each theorem relation."""
    out = []
    printer = LecturePrinter()
    for name, dv in REGISTRY.items():
        names = names_for(name)
        namer = _Namer(printer, names)
        for i, step in enumerate(dv.steps, start=1):
            lhs, rhs = namer.step_sides(step.lhs, step.rhs)
            out += [(f"{name} step {i} lhs", step.lhs, lhs, names), (f"{name} step {i} rhs", step.rhs, rhs, names)]
        for k, rel in enumerate(dv.statement, start=1):
            out += [(f"{name} theorem {k} lhs", rel.lhs, named(rel.lhs, names), names),
                    (f"{name} theorem {k} rhs", rel.rhs, named(rel.rhs, names), names)]
    return out


def _read(shown: sp.Basic, names: tuple = ()) -> sp.Basic | None:
    """The printed ``shown`` read back by the answer grammar (None when it cannot read it)."""
    if shown.has(*UNREADABLE):
        return None
    symbols = [n.symbol for n in names if isinstance(n.symbol, (sp.Symbol, sp.MatrixSymbol))]
    specs = _specs(shown)
    specs += [SymbolSpec(s.name, s) for s in dict.fromkeys(symbols) if s.name not in {x.name for x in specs}]
    try:
        return parse_answer(latex(shown), specs).expr
    except ParseError:
        return None


def _unnamed(parsed: sp.Basic, names: tuple, verified: sp.Basic) -> list[sp.Basic]:
    """Each reading of ``parsed`` with its names replaced by what they stand for (L has several
    forms, one per variable it is a function of: each is tried).  A symbol the verified
    expression itself holds (z in ∂L/∂z = σ(z) − y) stays a symbol."""
    own = verified.free_symbols | verified.atoms(sp.MatrixSymbol)
    meanings: dict = {}
    for n in names:
        if n.substitute and isinstance(n.symbol, (sp.Symbol, sp.MatrixSymbol)) and n.symbol not in own:
            meanings.setdefault(n.symbol, []).append(n.meaning)
    used = [s for s in meanings if parsed.has(s)]
    readings = []
    for choice in itertools.product(*(meanings[s] for s in used)):
        e = parsed.xreplace(dict(zip(used, choice)))
        for _ in range(3):   # p → σ(z) → σ(θᵀx + θ₀)
            e = e.xreplace({s: m[0] for s, m in meanings.items()})
        readings.append(e)
    return readings or [parsed]


def test_every_line_the_grammar_reads_is_the_verified_expression():
    read, wrong = 0, []
    for where, verified, shown, names in _displayed():
        parsed = _read(shown, names)
        if parsed is None:
            continue
        read += 1
        if not any(_same(r, verified) for r in _unnamed(parsed, names, verified)):
            wrong.append(f"{where}: {latex(shown)}")
    assert not wrong, "printed LaTeX that reads back as something else:\n" + "\n".join(wrong)
    assert read >= MIN_READ, f"only {read} displayed lines could be read back"


def test_the_unbracketed_hadamard_reads_as_something_else():
    # What the printer used to write for ∂L/∂W₁ reads back as W₂ᵀ(s − y) ⊙ ((1 − h ⊙ h)xᵀ),
    # which does not even have the right shape: the check above would catch it.
    stmt = REGISTRY["mlp-backprop"].statement[3]
    tex = latex(stmt.rhs)
    old = tex.replace(r"\left[\left(", "").replace(r"\right)\right)\right] \mathbf{x}^{\top}",
                                                   r"\right)\right) \mathbf{x}^{\top}")
    old = old.replace(r"\right)\right) \odot", r"\right) \odot", 1)
    assert old != tex
    try:
        parsed = parse_answer(old, _specs(stmt.rhs)).expr
    except ParseError:
        return  # refused outright: not read as the theorem either
    assert not _same(parsed, stmt.rhs)


def test_a_wrong_reading_is_detected():
    # _same must be able to fail: y ⊙ s against s ⊙ s.
    y, s = sp.MatrixSymbol("y", K, 1), sp.MatrixSymbol("s", K, 1)
    assert not _same(sp.HadamardProduct(y, s), sp.HadamardProduct(s, s))
    assert _same(sp.HadamardProduct(y, s), sp.HadamardProduct(s, y))


# -- what the grammar cannot read: golden strings ---------------------------------------

def _step(name: str, i: int) -> sp.Basic:
    return REGISTRY[name].steps[i - 1].rhs


GOLDEN = [
    # −Jᵀ(y ⊘ s): the quotient is bracketed against the matrix product
    (lambda: _step("softmax-ce-gradient", 4),
     r"- \left(\frac{\partial \operatorname{softmax}\left(\mathbf{a}\right)}{\partial \mathbf{a}}\right)^{\top} "
     r"\left[\mathbf{y} \oslash \operatorname{softmax}\left(\mathbf{a}\right)\right]"),
    # diag(·) builds a matrix, vecdiag(·) extracts a diagonal
    (lambda: REGISTRY["softmax-ce-gradient"].statement[0].rhs,
     r"\operatorname{diag}\left(\operatorname{softmax}\left(\mathbf{a}\right)\right) - "
     r"\operatorname{softmax}\left(\mathbf{a}\right) \operatorname{softmax}\left(\mathbf{a}\right)^{\top}"),
    (lambda: _step("lda-softmax", 4),
     r"\operatorname{softmax}\left(\log\left(\boldsymbol{\pi}\right) - \frac{1}{2} \operatorname{vecdiag}\left("
     r"\boldsymbol{\mu}^{\top} \boldsymbol{\Sigma}^{-1} \boldsymbol{\mu}\right) + \boldsymbol{\mu}^{\top} "
     r"\boldsymbol{\Sigma}^{-1} \mathbf{x}\right)"),
]


@pytest.mark.parametrize("make, expected", GOLDEN, ids=[str(i) for i in range(len(GOLDEN))])
def test_golden_lines_the_grammar_cannot_read(make, expected):
    assert latex(make()) == expected


def test_no_step_prints_as_a_step_that_changes_nothing():
    same = [f"{name} step {i}" for name, dv in REGISTRY.items() for i, step in enumerate(dv.steps, start=1)
            if latex(step.lhs) == latex(step.rhs)]
    assert not same, f"steps whose two sides print alike: {same}"
