"""Calls in answers: functions of the vocabulary, the array operators, bars, and sums over an index.

The ``Calls`` methods are part of ``Builder`` (build.py); they are kept here so that each module
holds one idea.  Bars are read by the operand's shape: |x| of a scalar is abs, |Σ| of a square
matrix its determinant, |θ| of a vector its Euclidean norm (echoed as one, so the reader sees it).
"""

from __future__ import annotations

import sympy as sp
from lark import Tree
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ..ops import Diag, Dot, Elementwise, Softmax
from ..vocabulary import Declared, by_name
from .errors import ParseError
from .names import describe_shape, shape_of

__all__ = ["Calls"]

Value = sp.Expr | MatrixExpr


def _is_zero(v: Value) -> bool:
    return shape_of(v) is None and v.is_zero is True


class Calls:
    """f(x), |x|, ‖x‖ and Σ_j for ``Builder``."""

    def _sumover(self, node: Tree) -> Value:
        """Σ_j body over every entry: j runs over the rows (or columns) of what it indexes."""
        tok, body_node = node.children
        index, lower, upper = tok.obj
        body = self.build(body_node)
        if shape_of(body) is not None:
            raise ParseError("a sum over an index adds entries: its summand must be a scalar such as s_j",
                             kind="unsupported", position=tok.start_pos)
        sizes = {parent.shape[k] for e in body.atoms(MatrixElement)
                 for k, (parent, at) in enumerate(((e.args[0], e.args[1]), (e.args[0], e.args[2]))) if at == index}
        if len(sizes) != 1:
            what = "no entry indexed by it" if not sizes else "entries of different lengths"
            raise ParseError(f"the sum over {index} has {what}, so its range is unknown",
                             kind="unsupported", position=tok.start_pos)
        (size,) = sizes
        allowed = {(None, None), ("1", None), ("0", None), ("1", sp.sstr(size)), ("0", f"{sp.sstr(size)}-1")}
        if (lower, upper) not in allowed:
            raise ParseError(f"a sum over {index} runs over every entry: from 1 to {sp.sstr(size)} (or 0 to "
                             f"{sp.sstr(size)}-1); got {lower} to {upper}", kind="unsupported", position=tok.start_pos)
        self.summed.add(index)
        return sp.Sum(body, (index, 0, size - 1))

    def _abs(self, node: Tree) -> Value:
        """Bars read by the operand's shape: |x| of a scalar is abs, |Σ| of a square matrix its
        determinant, |θ| of a vector its Euclidean norm (echoed as norm(θ), so the reader sees it)."""
        value, pos = self.build(node.children[1]), node.children[0].start_pos
        shape = shape_of(value)
        if shape is None:
            return self.apply("abs", [value], pos, "|…|")
        if shape[0] == shape[1]:
            return sp.Determinant(value)
        if shape[1] == 1 or shape[0] == 1:
            return self.apply("norm", [value], pos, "|…|")
        raise ParseError(f"|…| of a {describe_shape(shape)} matrix is ambiguous (no determinant, no vector norm); "
                         "write abs(…) for each entry's absolute value", kind="unsupported", position=pos)

    def _norm(self, node: Tree) -> Value:
        return self.apply("norm", [self.build(node.children[1])], node.children[0].start_pos, "‖…‖")

    def apply(self, func: str, args: list[Value], pos: int | None, spelled: str) -> Value:
        """func(*args) for a function of the answer language (``f'`` is the derivative of f)."""
        base, primes = func.rstrip("'"), len(func) - len(func.rstrip("'"))
        if base == "log" or (base == "inv" and args and shape_of(args[0]) is None):
            self.guard(args[0])  # the checker looks for a log of 0 or a 1/0 hidden by simplification
        decl = by_name(base)
        if decl is not None:
            result = self._declared(decl, primes, args, pos, spelled)
            if shape_of(result) is None and result.has(sp.zoo, sp.nan):
                raise ParseError(f"{spelled} is undefined at this argument", kind="unsupported", position=pos)
            return result
        want = 2 if func == "outer" else 1
        if len(args) != want:
            raise ParseError(f"{spelled} takes {want} argument{'s' if want > 1 else ''}, got {len(args)}",
                             kind="syntax", position=pos)
        if func == "outer":
            return self._outer(*args, pos=pos, spelled=spelled)
        x = args[0]
        shape = shape_of(x)
        result = self._apply_one(func, x, shape, pos, spelled)
        if shape_of(result) is None and result.has(sp.zoo, sp.nan):
            raise ParseError(f"{spelled} is undefined at this argument", kind="unsupported", position=pos)
        return result

    def _declared(self, decl: Declared, primes: int, args: list[Value], pos: int | None, spelled: str) -> Value:
        """A function of the vocabulary applied to ``args``; with primes, its derivative (σ′(z))."""
        if decl.arity is not None and len(args) != decl.arity:
            raise ParseError(f"{spelled} takes {decl.arity} argument{'s' if decl.arity > 1 else ''}, got {len(args)}",
                             kind="syntax", position=pos)
        if primes and (decl.arity != 1 or primes > 2):
            raise ParseError(f"{spelled}{chr(39) * primes}: only the first or second derivative of a function of one "
                             "argument can be written with primes", kind="unsupported", position=pos)
        shapes = [shape_of(a) for a in args]
        if all(s is None for s in shapes):
            return decl.derivative(args[0], primes) if primes else decl(*args)
        if primes:
            raise ParseError(f"{spelled}{chr(39) * primes} of an array: write the derivative out entry by entry, "
                             f"with ⊙ for products", kind="unsupported", position=pos)
        if decl.entrywise and len(args) == 1:
            return Elementwise(decl.func, args[0])
        raise ParseError(f"{spelled} of an array is ambiguous here (of all its entries, or entry by entry?); "
                         f"write it for scalars", kind="unsupported", position=pos)

    def _apply_one(self, func: str, x: Value, shape: tuple | None, pos: int | None, spelled: str) -> Value:
        square = shape is not None and shape[0] == shape[1]
        column = shape is not None and shape[1] == 1
        if func == "sqrt":
            return sp.sqrt(x) if shape is None else sp.HadamardPower(x, sp.S.Half)
        if func == "softmax" and column:
            return Softmax(x)
        if func == "diag" and column:
            return Diag(x)
        if func == "norm":
            if shape is None:
                return sp.Abs(x)
            if column or shape[0] == 1:
                v = x if column else x.T
                return sp.sqrt(Dot(v, v))
        if func == "inv":
            if shape is None:
                if _is_zero(x):
                    raise ParseError("division by zero", kind="unsupported", position=pos)
                return 1 / x
            if square:
                return sp.Inverse(x)
        if func == "det":
            if shape is None:
                return x
            if square:
                return sp.Determinant(x)
        needs = {"softmax": "a column vector", "diag": "a column vector",
                 "norm": "a vector", "inv": "a square matrix", "det": "a square matrix"}[func]
        raise ParseError(f"{spelled} needs {needs}, got {describe_shape(shape)}", kind="unsupported", position=pos)

    def _outer(self, a: Value, b: Value, *, pos: int | None, spelled: str) -> Value:
        sa, sb = shape_of(a), shape_of(b)
        if sa is None or sb is None or sa[1] != 1 or sb[1] != 1:
            raise ParseError(f"{spelled} needs two column vectors, got {describe_shape(sa)} and {describe_shape(sb)}",
                             kind="unsupported", position=pos)
        return self.matmul(a, b.T)
