"""Turn a parse tree into SymPy objects, with NumPy's rules for arrays.

Scalars are SymPy expressions; vectors and matrices are SymPy matrix expressions built from
the declared MatrixSymbols, with shapes checked as they are combined.

The rules for arrays (``A``, ``B`` matrices or vectors, ``c`` a scalar):

* ``A + B`` and ``A - B`` need equal shapes; ``c + A`` broadcasts c to every entry.
* ``A @ B`` is the matrix product.
* ``A * B`` and juxtaposition ``A B``: in plain text the elementwise product when the shapes are
  equal (NumPy), otherwise the matrix product when they fit; in LaTeX the matrix product when
  the shapes fit, otherwise the elementwise product of equal shapes.  ``A ⊙ B``, ``A \\odot B``
  and ``A \\circ B`` are always elementwise.
* ``A / B`` and ``c / A`` are elementwise; ``A / c`` scales.
* ``A^n`` is elementwise, except that ``A^-1`` of a square A is its inverse, and in LaTeX a
  square A to an integer power is the matrix power (``A^{\\circ n}`` stays elementwise).
* ``f(A)`` applies exp, log, sqrt, σ, tanh, cosh, sinh and abs to each entry.
* A 1×1 result counts as a scalar: ``uᵀv`` becomes ``Dot(u, v)``.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp
from lark import Token, Tree
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..ops import Dot, Elementwise
from .calls import Calls
from .errors import ParseError
from .names import describe_shape, shape_of
from .tokens import MAX_EXPONENT, MAX_POWER_BITS, MAX_TREE_DEPTH

__all__ = ["Builder", "check_depth", "shape_of", "describe_shape"]

Value = sp.Expr | MatrixExpr

def check_depth(tree: Tree) -> None:
    """Refuse trees deeper than MAX_TREE_DEPTH, before anything recurses over them."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise ParseError(f"the expression is nested more than {MAX_TREE_DEPTH} levels deep",
                             kind="too-big", position=first_position(node))
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def first_position(node: Tree | Token) -> int | None:
    """The column of the first token under ``node``."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Token):
            return n.start_pos
        stack.extend(reversed(n.children))
    return None


def _is_zero(v: Value) -> bool:
    return shape_of(v) is None and v.is_zero is True


class Builder(Calls):
    """Builds one answer; ``latex`` selects LaTeX's reading of products of matrices."""

    def __init__(self, latex: bool):
        self.latex = latex
        self.index: set[sp.Symbol] = set()
        self.summed: set[sp.Symbol] = set()
        # What the answer divides by or takes the log of, as written:
        # SymPy turns 0/(σ(z) − σ(z)) into 0 and u − u into 0 as they are built, so the
        # checker needs these to see a 0/0 or ∞ − ∞ form that the expression no longer shows.
        self.guards: list[Value] = []

    def guard(self, v: Value) -> None:
        if getattr(v, "free_symbols", None) and v not in self.guards:
            self.guards.append(v)

    # --- dispatch ------------------------------------------------------------------------------

    def build(self, node: Tree | Token) -> Value:
        if isinstance(node, Token):
            raise ParseError(f"unexpected {node!s}", kind="syntax", position=node.start_pos)
        handler: Callable = getattr(self, f"_{node.data}")
        return handler(node)

    def _start(self, node: Tree) -> Value:
        return self.build(node.children[0])

    def _number(self, node: Tree) -> Value:
        return node.children[0].obj

    def _name(self, node: Tree) -> Value:
        resolved = node.children[0].obj
        self.index.update(resolved.index)
        return resolved.value

    def _sum(self, node: Tree) -> Value:
        # Built in one go rather than pairwise: SymPy re-flattens a sum at every step, which
        # made a long answer quadratic.  Broadcasting left to right gives the same result.
        kids = node.children
        terms = [(1, self.build(kids[0]), first_position(kids[0]))]
        terms += [(-1 if op.type == "MINUS" else 1, self.build(t), op.start_pos) for op, t in zip(kids[1::2], kids[2::2])]
        arrays = [(v, pos) for _, v, pos in terms if shape_of(v) is not None]
        for (v, _), (w, pos) in zip(arrays, arrays[1:]):
            if shape_of(v) != shape_of(w):
                raise self._shape_error("add", v, w, pos)
        scalar = sp.Add(*[sign * v for sign, v, _ in terms if shape_of(v) is None])
        if not arrays:
            return scalar
        parts = [v if sign > 0 else scale(-1, v) for sign, v, _ in terms if shape_of(v) is not None]
        ones = self.broadcast(scalar, shape_of(arrays[0][0]))
        return sp.MatAdd(*parts, *([ones] if ones is not None else [])).doit(deep=False)

    def _term(self, node: Tree) -> Value:
        kids = node.children
        factors: list[tuple[str, Value, int | None]] = [("JUXTAPOSE", self.build(kids[0]), first_position(kids[0]))]
        i = 1
        while i < len(kids):
            if isinstance(kids[i], Token):
                op, operand = kids[i], kids[i + 1]
                i += 2
            else:
                op, operand = None, kids[i]
                i += 1
            pos = op.start_pos if op is not None else first_position(operand)
            factors.append((op.type if op is not None else "JUXTAPOSE", self.build(operand), pos))
        if all(shape_of(v) is None for _, v, _ in factors) and all(op != "AT" for op, _, _ in factors[1:]):
            return self._scalar_product(factors)
        value, run = factors[0][1], []
        for op, operand, pos in factors[1:]:
            if run and not self._continues_run(run[-1], operand, op):
                value, run = hadamard(value, *run), []
            if self._continues_run(value, operand, op):
                run.append(operand)  # built once at the end: a ∘ b ∘ … pairwise is quadratic
            else:
                value = self.multiply(value, operand, op, pos)
        return hadamard(value, *run) if run else value

    def _continues_run(self, a: Value, b: Value, op: str) -> bool:
        """Whether a·b (by ``op``) is an elementwise product that needs no other check."""
        sa, sb = shape_of(a), shape_of(b)
        if sa is None or sb is None or sa != sb or op in ("AT", "SLASH"):
            return False
        return op == "HADAMARD" or not (self.latex and sa[1] == sb[0])

    def _scalar_product(self, factors: list[tuple[str, sp.Expr, int | None]]) -> sp.Expr:
        """A product of scalars in one Mul (pairwise Muls made long products quadratic)."""
        out = []
        for op, v, pos in factors:
            if op == "SLASH":
                if _is_zero(v):
                    raise ParseError("division by zero", kind="unsupported", position=pos)
                self.guard(v)
                v = sp.Pow(v, -1)
            out.append(v)
        return sp.Mul(*out)

    def _neg(self, node: Tree) -> Value:
        value = self.build(node.children[1])
        return -value if shape_of(value) is None else scale(-1, value)

    def _pos(self, node: Tree) -> Value:
        return self.build(node.children[1])

    def _pow(self, node: Tree) -> Value:
        base, op, exponent = node.children
        return self.power(self.build(base), self.build(exponent), op.start_pos)

    def _epow(self, node: Tree) -> Value:
        base, op, exponent = node.children
        return self.power(self.build(base), self.build(exponent), op.start_pos, entrywise=True)

    def _transpose(self, node: Tree) -> Value:
        value, mark = self.build(node.children[0]), node.children[1]
        if shape_of(value) is not None:
            return value.T
        if str(mark) == "'":
            # After a scalar, ' is no transpose; it would be a derivative, which needs a function.
            raise ParseError("' after a scalar: a prime means a transpose only after a vector or matrix, and a "
                             "derivative only after a function name (σ'(z)); write the derivative out",
                             kind="unsupported", position=mark.start_pos)
        return value

    def _call(self, node: Tree) -> Value:
        func, arg = node.children
        args = self._args(arg)
        return self.apply(func.obj, args, func.start_pos, str(func))

    def _powcall(self, node: Tree) -> Value:
        func, op, exponent, arg = node.children
        value = self.apply(func.obj, self._args(arg), func.start_pos, str(func))
        return self.power(value, self.build(exponent), op.start_pos)

    def _args(self, node: Tree) -> list[Value]:
        if isinstance(node, Tree) and node.data == "args":
            return [self.build(child) for child in node.children]
        return [self.build(node)]

    def _frac(self, node: Tree) -> Value:
        frac, numerator, denominator = node.children
        return self.divide(self.build(numerator), self.build(denominator), frac.start_pos)

    # --- arithmetic ----------------------------------------------------------------------------

    def _shape_error(self, what: str, a: Value, b: Value, pos: int | None) -> ParseError:
        sa, sb = shape_of(a), shape_of(b)
        return ParseError(f"cannot {what} {describe_shape(sa)} and {describe_shape(sb)}: their shapes do not fit",
                          kind="shape", position=pos, shapes=(sa, sb))

    def add(self, a: Value, b: Value, sign: int, pos: int | None) -> Value:
        """a + sign·b, broadcasting a scalar over an array."""
        sa, sb = shape_of(a), shape_of(b)
        if sa is None and sb is None:
            return a + sign * b
        if sa is not None and sb is not None and sa != sb:
            raise self._shape_error("add" if sign > 0 else "subtract", a, b, pos)
        if sa is None:
            a = self.broadcast(a, sb)
        if sb is None:
            b = self.broadcast(b, sa)
        if a is None:
            return b if sign > 0 else -b
        if b is None:
            return a
        return a + b if sign > 0 else a - b

    @staticmethod
    def broadcast(c: sp.Expr, shape: tuple) -> MatrixExpr | None:
        """The scalar c as an array of the given shape (None for 0, which adds nothing)."""
        if c.is_zero is True:
            return None
        return scale(c, sp.OneMatrix(*shape))

    def multiply(self, a: Value, b: Value, op: str, pos: int | None) -> Value:
        """a ∘ b for ∘ one of * / @ ⊙ or juxtaposition, under the rules in the module docstring."""
        if op == "SLASH":
            return self.divide(a, b, pos)
        sa, sb = shape_of(a), shape_of(b)
        if sa is None or sb is None:
            if op == "AT":
                raise ParseError(f"@ needs two arrays, got {describe_shape(sa)} and {describe_shape(sb)}; use * "
                                 "to scale", kind="shape", position=pos, shapes=(sa, sb))
            if sa is None and sb is None:
                return a * b
            return scale(a, b) if sa is None else scale(b, a)
        fits, same = sa[1] == sb[0], sa == sb
        if op == "AT":
            if fits:
                return self.matmul(a, b)
            raise self._shape_error("matrix-multiply", a, b, pos)
        if op == "HADAMARD":
            if same:
                return hadamard(a, b)
            raise self._shape_error("multiply elementwise", a, b, pos)
        if same and not (self.latex and fits):
            return hadamard(a, b)
        if fits:
            return self.matmul(a, b)
        raise self._shape_error("multiply", a, b, pos)

    @staticmethod
    def matmul(a: MatrixExpr, b: MatrixExpr) -> Value:
        """The matrix product; a 1×1 product uᵀv is the scalar Dot(u, v)."""
        if a.shape[0] == 1 and b.shape[1] == 1:
            ca, ma = _coeff_matrix(a)
            cb, mb = _coeff_matrix(b)
            return ca * cb * Dot(ma.T, mb)
        return sp.MatMul(a, b).doit(deep=False)

    def divide(self, a: Value, b: Value, pos: int | None) -> Value:
        """a / b: scaling when b is a scalar, elementwise when b is an array."""
        sa, sb = shape_of(a), shape_of(b)
        self.guard(b)
        if sb is None:
            if _is_zero(b):
                raise ParseError("division by zero", kind="unsupported", position=pos)
            return a / b if sa is None else scale(1 / b, a)
        reciprocal = sp.HadamardPower(b, -1)
        if sa is None:
            return scale(a, reciprocal)
        if sa == sb:
            return hadamard(a, reciprocal)
        raise self._shape_error("divide", a, b, pos)

    def power(self, base: Value, exponent: Value, pos: int | None, *, entrywise: bool = False) -> Value:
        """base^exponent, with the exponent's size bounded before anything is evaluated."""
        if base == sp.E and shape_of(exponent) is not None:
            return Elementwise(sp.exp, exponent)  # e^a of an array a is exp(a), entry by entry
        if shape_of(exponent) is not None:
            raise ParseError(f"an exponent must be a scalar, got {describe_shape(shape_of(exponent))}",
                             kind="unsupported", position=pos)
        shape = shape_of(base)
        if shape is None and base == sp.E:
            return sp.exp(exponent)  # exp(n) is cheap to keep exact, so it needs no bound
        _check_power(base, exponent, pos)
        if exponent.is_negative:  # a division (x^0 is 1, even at 0, as in NumPy)
            self.guard(base)
        if shape is None:
            result = sp.Pow(base, exponent)
            if result.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                raise ParseError("division by zero", kind="unsupported", position=pos)
            return result
        square = shape[0] == shape[1]
        if not entrywise and square and exponent == -1:
            return sp.Inverse(base)
        if not entrywise and square and self.latex and exponent.is_Integer:
            return sp.MatPow(base, exponent)
        return sp.HadamardPower(base, exponent)

    # --- functions -----------------------------------------------------------------------------


def scale(c: sp.Expr, m: MatrixExpr) -> MatrixExpr:
    """c·m for a scalar c, canonicalised one level deep only: SymPy's ``c * m`` re-simplifies the
    whole of m every time, which made building an answer quadratic in its depth."""
    return m if c == 1 else sp.MatMul(c, m).doit(deep=False)


def hadamard(*factors: MatrixExpr) -> MatrixExpr:
    """The elementwise product, kept flat: a ∘ b ∘ c is one node, not a nest of them."""
    args = [arg for f in factors for arg in (f.args if isinstance(f, sp.HadamardProduct) else (f,))]
    return sp.HadamardProduct(*args)


def _coeff_matrix(m: MatrixExpr) -> tuple[sp.Expr, MatrixExpr]:
    """A matrix expression as (scalar coefficient, matrix part)."""
    if isinstance(m, sp.MatMul):
        coeff, mats = m.as_coeff_matrices()
        return coeff, (mats[0] if len(mats) == 1 else sp.MatMul(*mats))
    return sp.S.One, m


def _check_power(base: Value, exponent: sp.Expr, pos: int | None) -> None:
    """Refuse powers whose exact value would be huge, before SymPy computes it (9**9**9**9)."""
    if not exponent.is_Rational:
        return
    n, q = int(exponent.p), int(exponent.q)
    if q > MAX_EXPONENT:
        raise ParseError(f"the exponent {exponent} has a denominator beyond {MAX_EXPONENT}",
                         kind="too-big", position=pos)
    if shape_of(base) is None and base.is_Rational:
        if base in (0, 1, -1):
            return
        bits = abs(n) * max(abs(int(base.p)).bit_length(), int(base.q).bit_length())
        if bits > MAX_POWER_BITS:
            raise ParseError(f"{_short(base)}^{_short(exponent)} is too big to work with exactly "
                             f"(over {MAX_POWER_BITS} bits)", kind="too-big", position=pos)
    elif abs(n) > MAX_EXPONENT:
        raise ParseError(f"the exponent {_short(exponent)} is beyond ±{MAX_EXPONENT}", kind="too-big", position=pos)


def _short(v: sp.Basic) -> str:
    text = sp.sstr(v)
    return text if len(text) <= 24 else text[:20] + "…"
