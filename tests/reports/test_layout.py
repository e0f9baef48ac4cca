"""Width estimates and line breaks of displayed mathematics."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.functions import sigmoid
from derive.ops import Softmax
from reports.latex import LecturePrinter
from reports.layout import SAFETY, break_terms, width_em


def test_width_counts_the_wider_part_of_a_fraction():
    assert width_em(r"\frac{a}{b + c + d}") == pytest.approx(width_em("b + c + d") + 0.3 * SAFETY)
    assert width_em(r"\frac{a}{b + c}") > width_em(r"\frac{a}{b}")


def test_scripts_are_smaller_and_bold_is_wider():
    assert width_em("x^{abc}") == pytest.approx(SAFETY * (0.5 + 0.7 * 1.5))
    assert width_em(r"\mathbf{x}") > width_em("x")
    assert width_em(r"\left(x\right)") == width_em("(x)")


def test_width_grows_with_terms():
    widths = [width_em(" + ".join(["x"] * n)) for n in range(1, 8)]
    assert widths == sorted(widths) and len(set(widths)) == len(widths)


@pytest.mark.parametrize("budget", [6.0, 12.0, 25.0])
def test_breaking_keeps_every_term_once_and_each_line_within_budget(budget):
    printer = LecturePrinter()
    expr = sp.Add(*[sp.Symbol(f"a_{i}") * sigmoid(sp.Symbol(f"z_{i}")) for i in range(9)]) - sp.Symbol("b")
    lines = break_terms(expr, budget, printer)
    # Joined back, the lines are exactly the expression as printed on one line.
    assert " ".join(lines) == printer.doprint(expr)
    assert all(width_em(line) <= budget for line in lines if "+" in line[1:] or "-" in line[1:])
    assert len(lines) > 1


def test_short_or_unbreakable_expressions_stay_whole():
    printer = LecturePrinter()
    z = sp.Symbol("z")
    assert break_terms(z + 1, 10.0, printer) == [printer.doprint(z + 1)]
    product = sp.Mul(*[sigmoid(sp.Symbol(f"z_{i}")) for i in range(12)])
    assert break_terms(product, 5.0, printer) == [printer.doprint(product)]


def test_a_long_sum_inside_softmax_breaks_between_paired_parentheses():
    printer = LecturePrinter()
    a = sp.MatrixSymbol("a", 3, 1)
    inner = sp.MatAdd(*[sp.MatMul(sp.Symbol(f"c_{i}") * sigmoid(sp.Symbol(f"z_{i}")), a) for i in range(8)])
    lines = break_terms(Softmax(inner), 14.0, printer)
    assert len(lines) > 1
    assert lines[0].startswith(r"\operatorname{softmax}\biggl(") and lines[-1].endswith(r"\biggr)")
    assert sum(line.count(r"\biggl(") for line in lines) == sum(line.count(r"\biggr)") for line in lines) == 1
    assert all(line.startswith(("+ ", "- ")) for line in lines[1:])


def test_a_matrix_is_as_wide_as_its_widest_row():
    one_row = width_em(r"\begin{matrix}a & b\end{matrix}")
    assert width_em(r"\begin{matrix}a & b\\\\c & d\end{matrix}") == pytest.approx(one_row)
    assert width_em(r"\begin{matrix}a & b & c\end{matrix}") > one_row
