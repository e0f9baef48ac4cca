"""Evaluate a SymPy expression, scalars and matrices alike, at one point, without lambdify.

An answer is compiled once into a ``Program`` (a list of small operations, one per distinct
sub-expression) and then run at every point, in any of the three number kinds of
``backends.py`` (NUMERIC, EXACT, SYMBOLIC).  The compiler dispatches on the expression's type
through one table, ``_RULES``; functions are looked up in the vocabulary (``derive.vocabulary``),
so a newly declared function is evaluated without a line here.

Matrices are ``Mat`` (rows × cols, row-major).  A 1×1 matrix and a scalar are interchangeable,
as in the lecture:  θᵀx + θ₀  is a number.  Matrix sizes come from the point (``Env.sizes``),
so one program serves every size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import mpmath
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ..numbers import to_sympy
from ..ops import Diag, Dot, Elementwise, Softmax
from ..vocabulary import declaration_of, declared
from .backends import EXACT, MAX_EXACT_BITS, NUMERIC, SYMBOLIC, Backend, TooBig, Undefined, Unsupported
from .matrices import (Env, Mat, add, apply, det, diag, hadamard, inverse, matmul2, matpow, mul, scalar,
                       softmax, trace)

__all__ = [
    "Mat", "Env", "Program", "compile_expr", "Backend", "NUMERIC", "EXACT", "SYMBOLIC",
    "Undefined", "Unsupported", "TooBig", "shape_of", "is_matrix", "NON_ANALYTIC", "MAX_EXACT_BITS",
]


def is_matrix(e: sp.Basic) -> bool:
    return isinstance(e, MatrixExpr) or getattr(e, "is_Matrix", False)


def shape_of(e: sp.Basic) -> tuple | None:
    """(rows, cols) of a matrix expression, with 1×1 counted as a scalar (None)."""
    if not is_matrix(e):
        return None
    shape = tuple(to_sympy(n) for n in e.shape)
    return None if shape == (1, 1) else shape


#: Functions whose presence means a difference may hide in a region no point lands in: the
#: vocabulary's piecewise ones (abs, max, ReLU, sign) and SymPy's other kinks and steps.
NON_ANALYTIC = tuple(d.func for d in declared() if d.piecewise) + (sp.Piecewise, sp.Min, sp.Heaviside, sp.floor,
                                                                 sp.ceiling)


# --- compilation ------------------------------------------------------------------------------

@dataclass
class Program:
    """Straight-line code: ``steps[k] = (op, argument slots, static data)``; the value is slot ``result``."""

    steps: list[tuple[Callable, tuple[int, ...], Any]]
    result: int

    def run(self, env: Env, backend: Backend) -> Any:
        vals: list[Any] = []
        for op, args, static in self.steps:
            vals.append(op(backend, env, static, *[vals[a] for a in args]))
        return vals[self.result]


def _size(env: Env, n: sp.Basic) -> int:
    if isinstance(n, (int, sp.Integer)):
        return int(n)
    value = to_sympy(n).xreplace({s: sp.Integer(env.sizes[s.name]) for s in n.free_symbols if s.name in env.sizes})
    if not value.is_Integer:
        raise Unsupported(f"a size {n} that the point does not fix")
    return int(value)


def _leaf_scalar(B, env, name):
    try:
        return env.scalars[name]
    except KeyError:
        raise Unsupported(f"no value for the symbol {name}") from None


def _leaf_matrix(B, env, name):
    try:
        return env.mats[name]
    except KeyError:
        raise Unsupported(f"no value for the matrix {name}") from None


def _leaf_index(B, env, name):
    try:
        return env.index[name]
    except KeyError:
        raise Unsupported(f"the index {name} is not bound here") from None


def _const_matrix(B, env, static):
    kind, rows, cols = static
    r, c = _size(env, rows), _size(env, cols)
    if kind == "identity":
        return Mat(r, c, tuple(B.one() if i == j else B.zero() for i in range(r) for j in range(c)))
    fill = B.one() if kind == "ones" else B.zero()
    return Mat(r, c, (fill,) * (r * c))


def _entry(B, env, static, m, i, j):
    i, j = int(i), int(j)
    if not isinstance(m, Mat):
        if (i, j) != (0, 0):
            raise Unsupported("an entry of a scalar other than (0, 0)")
        return m
    if not (0 <= i < m.rows and 0 <= j < m.cols):
        raise Undefined(f"entry ({i}, {j}) is outside a {m.rows}×{m.cols} matrix")
    return m[i, j]


def _delta(B, env, static, i, j):
    return B.one() if int(i) == int(j) else B.zero()


def _build(B, env, static, *vals):
    rows, cols = static
    return Mat(rows, cols, tuple(scalar(v) for v in vals))


def _blocks(B, env, static, *vals):
    """A block matrix from its blocks, row of blocks by row of blocks (a scalar is a 1×1 block)."""
    block_rows, block_cols = static
    grid = [[v if isinstance(v, Mat) else Mat(1, 1, (v,)) for v in vals[r * block_cols:(r + 1) * block_cols]]
            for r in range(block_rows)]
    rows: list[list] = []
    for blocks in grid:
        if len({b.rows for b in blocks}) != 1:
            raise Unsupported("blocks of one row of a block matrix differ in height")
        rows.extend([v for b in blocks for v in b.tolist()[i]] for i in range(blocks[0].rows))
    if len({len(r) for r in rows}) != 1:
        raise Unsupported("the rows of a block matrix differ in width")
    return Mat.from_rows(rows)


def _sum(B, env, static):
    body, var, lo, hi = static
    total = None
    for k in range(_size(env, lo), _size(env, hi) + 1):
        inner = Env(env.scalars, env.mats, env.sizes, {**env.index, var: k})
        value = body.run(inner, B)
        total = value if total is None else add(B, total, value)
    return B.zero() if total is None else total


def _to_sympy(B: Backend, v: Any) -> sp.Basic:
    conv = (lambda x: sp.Float(x, mpmath.mp.dps)) if B is NUMERIC else (lambda x: x)
    if isinstance(v, Mat):
        return sp.ImmutableMatrix(v.rows, v.cols, [conv(x) for x in v.data])
    return conv(v)


def _from_sympy(B: Backend, v: sp.Basic) -> Any:
    conv = (lambda x: mpmath.mpf(sp.Float(x, mpmath.mp.dps))) if B is NUMERIC else (lambda x: x)
    if getattr(v, "is_Matrix", False):
        v = sp.ImmutableMatrix(v.as_explicit() if isinstance(v, MatrixExpr) else v)
        return Mat(v.rows, v.cols, tuple(conv(x) for x in v))
    return conv(v)


def _generic(B: Backend, env: Env, cls: type, *vals: Any) -> Any:
    try:
        return _from_sympy(B, cls(*[_to_sympy(B, v) for v in vals]).doit())
    except (TypeError, ValueError, AttributeError) as exc:
        raise Unsupported(f"cannot carry out {cls.__name__} here: {exc}") from None


def _function_name(f: Any) -> str | None:
    """The declared name of a function class, or of a Lambda that only applies one."""
    if isinstance(f, sp.Lambda):
        body, var = f.expr, f.variables[0]
        if len(f.variables) == 1 and isinstance(body, sp.Function) and body.args == (var,):
            f = body.func
        else:
            return None
    decl = declaration_of(f) if isinstance(f, type) else None
    return decl.name if decl is not None else None


class _Compiler:
    def __init__(self, index_names: frozenset[str] = frozenset()) -> None:
        self.steps: list[tuple[Callable, tuple[int, ...], Any]] = []
        self.slots: dict[sp.Basic, int] = {}
        self.index_names = index_names

    def emit(self, op: Callable, args: Sequence[int], static: Any = None) -> int:
        self.steps.append((op, tuple(args), static))
        return len(self.steps) - 1

    def compile(self, e: sp.Basic) -> int:
        slot = self.slots.get(e)
        if slot is None:
            slot = self._compile(e)
            self.slots[e] = slot
        return slot

    def many(self, args: Sequence[sp.Basic]) -> list[int]:
        return [self.compile(a) for a in args]

    def _compile(self, e: sp.Basic) -> int:
        if isinstance(e, (int, float)):
            e = sp.Rational(e)
        decl = declaration_of(e)
        if decl is not None:
            return self._function(e, decl)
        for cls in type(e).__mro__:
            rule = _RULES.get(cls)
            if rule is not None:
                return rule(self, e)
        written_out = getattr(e, "definition", None)
        if callable(written_out) and (form := written_out()) is not None:
            # One of the project's own nodes that can say what it is in nodes known here
            # (a Gaussian density): far cheaper than carrying it out at every point.
            return self.compile(form)
        if isinstance(e, MatrixExpr) and type(e).__module__.startswith("derive."):
            # One of the project's own operators (e.g. the diagonal of a matrix): carried out by
            # its doit() once its arguments are explicit.  Slower, but keys may use any of them.
            parts = [a for a in e.args if isinstance(a, (sp.Expr, MatrixExpr)) and not isinstance(a, sp.Lambda)]
            if len(parts) == len(e.args):
                return self.emit(_generic, self.many(parts), type(e))
        raise Unsupported(f"cannot evaluate {type(e).__name__}: {e}")

    def _function(self, e: sp.Basic, decl) -> int:
        if decl.mpmath is None and decl.definition is not None:
            # A function declared from an expression is evaluated by its definition.
            return self.compile(decl.elementary(*e.args))
        return self.emit(lambda B, env, name, *v: apply(B, name, *v), self.many(e.args), decl.name)

    def symbol(self, e: sp.Symbol) -> int:
        if e.name in self.index_names or (e.name in ("i", "j") and e.is_integer):
            return self.emit(_leaf_index, (), e.name)
        return self.emit(_leaf_scalar, (), e.name)

    def elementwise(self, func: Any, arg: sp.Basic) -> int:
        name = _function_name(func)
        if name is None:
            raise Unsupported(f"an elementwise function {func}")
        return self.emit(lambda B, env, name, v: apply(B, name, v), [self.compile(arg)], name)

    def sum(self, e: sp.Sum) -> int:
        # Σ_i Σ_j f  is run as nested single sums, innermost limit first.
        (var, lo, hi), rest = e.limits[-1], e.limits[:-1]
        inner_expr = sp.Sum(e.function, *rest) if rest else e.function
        inner = _Compiler(self.index_names | {v.name for v, *_ in e.limits})
        body = Program(inner.steps, inner.compile(inner_expr))
        return self.emit(_sum, (), (body, var.name, lo, hi))

    def pow(self, e: sp.Pow) -> int:
        base, k = e.args
        b = self.compile(base)
        if k.is_Integer:
            return self.emit(lambda B, env, k, x: B.power(scalar(x), None, k) if not _is_big(x) else matpow(B, x, k),
                             [b], int(k))
        if k == sp.S.Half:
            return self.emit(lambda B, env, s, x: apply(B, "sqrt", x), [b])
        return self.emit(lambda B, env, s, x, p: _power_value(B, scalar(x), p), [b, self.compile(k)])

    def matpow(self, e: sp.MatPow) -> int:
        k = e.args[1]
        if not k.is_Integer:
            raise Unsupported(f"a matrix raised to the non-integer power {k}")
        return self.emit(lambda B, env, k, m: matpow(B, m, k), [self.compile(e.args[0])], int(k))


def _on_args(op: Callable, first: int | None = None) -> Callable[[_Compiler, sp.Basic], int]:
    """A rule that evaluates the node's arguments (the first ``first`` of them) and applies ``op``."""
    return lambda c, e: c.emit(lambda B, env, s, *v: op(B, *v), c.many(e.args if first is None else e.args[:first]))


def _constant(kind: str) -> Callable[[_Compiler, sp.Basic], int]:
    return lambda c, e: c.emit(_const_matrix, (), (kind, e.rows, e.cols))


def _hadamard_power(B: Backend, m: Any, p: Any) -> Any:
    return m.map(lambda x: _power_value(B, x, p)) if isinstance(m, Mat) else _power_value(B, m, p)


def _dot(B: Backend, a: Any, b: Any) -> Any:
    return scalar(matmul2(a.T() if isinstance(a, Mat) else a, b))


#: How each kind of node is compiled, by type; a subclass uses its nearest base's rule.
_RULES: dict[type, Callable[[_Compiler, sp.Basic], int]] = {
    sp.Rational: lambda c, e: c.emit(lambda B, env, r: B.number(r), (), e),
    # A float is the decimal as typed, read exactly.
    sp.Float: lambda c, e: c.emit(lambda B, env, r: B.number(r), (), sp.Rational(str(e))),
    sp.core.numbers.Exp1: lambda c, e: c.emit(lambda B, env, k: B.constant(k), (), e),
    sp.core.numbers.Pi: lambda c, e: c.emit(lambda B, env, k: B.constant(k), (), e),
    sp.Symbol: _Compiler.symbol,
    sp.MatrixSymbol: lambda c, e: c.emit(_leaf_matrix, (), e.name),
    sp.Identity: _constant("identity"),
    sp.ZeroMatrix: _constant("zeros"),
    sp.OneMatrix: _constant("ones"),
    sp.Add: _on_args(add),
    sp.MatAdd: _on_args(add),
    sp.Mul: _on_args(mul),
    sp.MatMul: _on_args(mul),
    sp.Pow: _Compiler.pow,
    sp.Transpose: _on_args(lambda B, m: m.T() if isinstance(m, Mat) else m),
    sp.Inverse: _on_args(inverse, 1),
    sp.MatPow: _Compiler.matpow,
    sp.HadamardProduct: _on_args(hadamard),
    sp.HadamardPower: _on_args(_hadamard_power),
    MatrixElement: lambda c, e: c.emit(_entry, c.many(e.args)),
    sp.KroneckerDelta: lambda c, e: c.emit(_delta, c.many(e.args[:2])),
    sp.Trace: _on_args(trace, 1),
    sp.Determinant: _on_args(det, 1),
    sp.DiagMatrix: _on_args(diag, 1),
    Diag: _on_args(diag, 1),
    Dot: _on_args(_dot),
    Softmax: _on_args(softmax),
    Elementwise: lambda c, e: c.elementwise(e.args[0], e.args[1]),
    ElementwiseApplyFunction: lambda c, e: c.elementwise(e.function, e.expr),
    sp.Sum: _Compiler.sum,
    sp.MatrixBase: lambda c, e: c.emit(_build, c.many(list(e)), e.shape),
    sp.BlockMatrix: lambda c, e: c.emit(_blocks, c.many(list(e.blocks)), e.blocks.shape),
}


def _is_big(x: Any) -> bool:
    return isinstance(x, Mat) and x.shape != (1, 1)


def _power_value(B: Backend, x: Any, p: Any) -> Any:
    p_sym = to_sympy(p) if B is not NUMERIC else None
    if B is NUMERIC:
        if mpmath.isint(p) and abs(p) < 10 ** 6:
            return B.power(x, None, int(p))
        return B.power(x, p, None)
    if p_sym.is_Integer:
        return B.power(x, None, int(p_sym))
    return B.power(x, p_sym, None)


def compile_expr(expr: sp.Basic) -> Program:
    """Compile ``expr`` once; raise ``Unsupported`` naming the first node it cannot evaluate."""
    c = _Compiler()
    result = c.compile(to_sympy(expr) if not isinstance(expr, sp.Basic) else expr)
    return Program(c.steps, result)

