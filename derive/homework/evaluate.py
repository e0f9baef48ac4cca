"""Evaluate a SymPy expression, scalars and matrices alike, at one point, without lambdify.

An answer is compiled once into a ``Program`` (a list of small operations, one per distinct
sub-expression) and then run at every point.  The same program runs on three kinds of numbers:

* ``NUMERIC``: mpmath numbers at the working precision (the equivalence search, 50 digits);
* ``EXACT``: SymPy rationals and exact constants (special points, where the difference of two
  answers is an exact constant whose zero-ness can be decided);
* ``SYMBOLIC``: SymPy symbols for every entry (the explicit form a proof works on).

Matrices are ``Mat`` (rows × cols, row-major).  A 1×1 matrix and a scalar are interchangeable,
as in the lecture:  θᵀx + θ₀  is a number.  Matrix sizes come from the point (``Env.sizes``),
so one program serves every size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import mpmath
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from ..numbers import to_sympy
from ..functions import logsumexp, sigmoid, softplus
from ..ops import Diag, Dot, Elementwise, Softmax

__all__ = [
    "Mat", "Env", "Program", "compile_expr", "Backend", "NUMERIC", "EXACT", "SYMBOLIC",
    "Undefined", "Unsupported", "TooBig", "shape_of", "is_matrix", "NON_ANALYTIC",
]

#: Exponents beyond this are refused in exact arithmetic: (2/3)^(10^9) would stall in C code
#: that no time limit can interrupt.
MAX_EXACT_BITS = 200_000


class Undefined(ArithmeticError):
    """The expression has no real value at this point (log of a negative, division by 0, ...)."""


class Unsupported(ValueError):
    """The expression contains something the evaluator does not know how to compute."""


class TooBig(ValueError):
    """An exact computation would produce numbers too large to handle."""


@dataclass(frozen=True)
class Mat:
    """A concrete matrix of backend numbers: ``rows × cols``, ``data`` row-major."""

    rows: int
    cols: int
    data: tuple

    def __getitem__(self, ij: tuple[int, int]) -> Any:
        i, j = ij
        return self.data[i * self.cols + j]

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.cols)

    def map(self, f: Callable[[Any], Any]) -> "Mat":
        return Mat(self.rows, self.cols, tuple(f(v) for v in self.data))

    def T(self) -> "Mat":
        return Mat(self.cols, self.rows, tuple(self.data[i * self.cols + j]
                                              for j in range(self.cols) for i in range(self.rows)))

    def tolist(self) -> list[list[Any]]:
        return [list(self.data[i * self.cols:(i + 1) * self.cols]) for i in range(self.rows)]

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> "Mat":
        return cls(len(rows), len(rows[0]), tuple(v for r in rows for v in r))


@dataclass
class Env:
    """A point: scalar values and matrices by symbol name, and the concrete sizes by name."""

    scalars: dict[str, Any] = field(default_factory=dict)
    mats: dict[str, Mat] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict)

    def copy(self) -> "Env":
        return Env(dict(self.scalars), dict(self.mats), dict(self.sizes), dict(self.index))


def is_matrix(e: sp.Basic) -> bool:
    return isinstance(e, MatrixExpr) or getattr(e, "is_Matrix", False)


def shape_of(e: sp.Basic) -> tuple | None:
    """(rows, cols) of a matrix expression, with 1×1 counted as a scalar (None)."""
    if not is_matrix(e):
        return None
    shape = tuple(to_sympy(n) for n in e.shape)
    return None if shape == (1, 1) else shape


# --- backends --------------------------------------------------------------------------------

class Backend:
    """The arithmetic of one kind of number.  Python's operators do + − × ÷ for all three."""

    name = "abstract"

    def number(self, r: sp.Rational) -> Any:
        raise NotImplementedError

    def constant(self, c: sp.Basic) -> Any:
        raise NotImplementedError

    def func(self, name: str, x: Any) -> Any:
        raise NotImplementedError

    def power(self, b: Any, e: Any, e_int: int | None) -> Any:
        raise NotImplementedError

    def reciprocal(self, x: Any) -> Any:
        return self.power(x, None, -1)

    def zero(self) -> Any:
        return self.number(sp.S.Zero)

    def one(self) -> Any:
        return self.number(sp.S.One)


class _Numeric(Backend):
    """mpmath at the current working precision; anything non-real or infinite is Undefined."""

    name = "numeric"

    def number(self, r):
        return mpmath.mpf(int(r.p)) / int(r.q) if r.q != 1 else mpmath.mpf(int(r.p))

    def zero(self):
        return mpmath.mpf(0)

    def one(self):
        return mpmath.mpf(1)

    def constant(self, c):
        if c is sp.E:
            return mpmath.e()
        if c is sp.pi:
            return +mpmath.pi
        raise Unsupported(f"the constant {c} is not real-valued or not known")

    def func(self, name, x):
        try:
            if name == "exp":
                return mpmath.exp(x)
            if name == "log":
                if x <= 0:
                    raise Undefined("log of a number ≤ 0")
                return mpmath.log(x)
            if name == "sqrt":
                if x < 0:
                    raise Undefined("square root of a negative number")
                return mpmath.sqrt(x)
            if name == "tanh":
                return mpmath.tanh(x)
            if name == "sinh":
                return mpmath.sinh(x)
            if name == "cosh":
                return mpmath.cosh(x)
            if name == "abs":
                return abs(x)
            if name == "sign":
                return mpmath.mpf(mpmath.sign(x))
            if name == "sigmoid":
                # 1/(1 + e^{-x}) computed from the side where e^{...} cannot overflow.
                return 1 / (1 + mpmath.exp(-x)) if x >= 0 else mpmath.exp(x) / (1 + mpmath.exp(x))
            if name == "softplus":
                return x + mpmath.log1p(mpmath.exp(-x)) if x > 0 else mpmath.log1p(mpmath.exp(x))
        except ZeroDivisionError:
            raise Undefined(f"{name} is undefined here") from None
        raise Unsupported(f"no numeric rule for the function {name}")

    def power(self, b, e, e_int):
        try:
            if e_int is not None:
                if e_int < 0 and b == 0:
                    raise Undefined("division by zero")
                return b ** e_int
            if b < 0:
                raise Undefined("a negative number raised to a non-integer power")
            if b == 0 and e <= 0:
                raise Undefined("0 raised to a power ≤ 0")
            return mpmath.power(b, e)
        except ZeroDivisionError:
            raise Undefined("division by zero") from None


class _Sympy(Backend):
    """SymPy numbers or symbols.  ``sigmoid_atom`` keeps σ as an unevaluated function (a proof
    can then treat σ(z) as one atom); otherwise σ is written out as 1/(1 + e^{−x})."""

    def __init__(self, name: str, sigmoid_atom: bool):
        self.name = name
        self.sigmoid_atom = sigmoid_atom

    def number(self, r):
        return r

    def constant(self, c):
        if c in (sp.E, sp.pi):
            return c
        raise Unsupported(f"the constant {c} is not real-valued or not known")

    def func(self, name, x):
        if name == "sigmoid":
            return sigmoid(x) if self.sigmoid_atom else 1 / (1 + sp.exp(-x))
        if name == "softplus":
            return softplus(x) if self.sigmoid_atom else sp.log(1 + sp.exp(x))
        table = {"exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "tanh": sp.tanh, "sinh": sp.sinh,
                 "cosh": sp.cosh, "abs": sp.Abs, "sign": sp.sign}
        if name not in table:
            raise Unsupported(f"no exact rule for the function {name}")
        return table[name](x)

    def power(self, b, e, e_int):
        exponent = sp.Integer(e_int) if e_int is not None else e
        if e_int is not None and abs(e_int) > 1 and getattr(b, "is_Rational", False):
            bits = max(int(b.p).bit_length(), int(b.q).bit_length())
            if bits * abs(e_int) > MAX_EXACT_BITS:
                raise TooBig(f"an exact power with about {bits * abs(e_int)} bits")
        if e_int is not None and e_int < 0 and b == 0:
            raise Undefined("division by zero")
        return sp.Pow(b, exponent)


NUMERIC: Backend = _Numeric()
EXACT: Backend = _Sympy("exact", sigmoid_atom=False)
SYMBOLIC: Backend = _Sympy("symbolic", sigmoid_atom=True)


# --- matrix arithmetic, generic over the backend -----------------------------------------------

def _scalar(v: Any) -> Any:
    if isinstance(v, Mat):
        if v.shape != (1, 1):
            raise Unsupported(f"a {v.rows}×{v.cols} matrix where a number is needed")
        return v.data[0]
    return v


def _add(B: Backend, *vals: Any) -> Any:
    mats = [v for v in vals if isinstance(v, Mat) and v.shape != (1, 1)]
    if not mats:
        total = _scalar(vals[0])
        for v in vals[1:]:
            total = total + _scalar(v)
        return total
    rows, cols = mats[0].shape
    if any(m.shape != (rows, cols) for m in mats):
        raise Unsupported("adding matrices of different shapes")
    data = list(mats[0].data)
    for m in mats[1:]:
        data = [a + b for a, b in zip(data, m.data)]
    scalars = [_scalar(v) for v in vals if not (isinstance(v, Mat) and v.shape != (1, 1))]
    if scalars:  # a scalar broadcasts, as in NumPy
        s = scalars[0]
        for v in scalars[1:]:
            s = s + v
        data = [a + s for a in data]
    return Mat(rows, cols, tuple(data))


def _scale(s: Any, m: Mat) -> Mat:
    return Mat(m.rows, m.cols, tuple(s * v for v in m.data))


def _matmul2(a: Any, b: Any) -> Any:
    if not isinstance(a, Mat) or a.shape == (1, 1):
        return _scale(_scalar(a), b) if isinstance(b, Mat) else _scalar(a) * b
    if not isinstance(b, Mat) or b.shape == (1, 1):
        return _scale(_scalar(b), a)
    if a.cols != b.rows:
        raise Unsupported(f"multiplying a {a.rows}×{a.cols} by a {b.rows}×{b.cols} matrix")
    n = a.cols
    out = []
    for i in range(a.rows):
        row = a.data[i * n:(i + 1) * n]
        for j in range(b.cols):
            acc = row[0] * b.data[j]
            for k in range(1, n):
                acc = acc + row[k] * b.data[k * b.cols + j]
            out.append(acc)
    return Mat(a.rows, b.cols, tuple(out))


def _mul(B: Backend, *vals: Any) -> Any:
    out = vals[0]
    for v in vals[1:]:
        out = _matmul2(out, v)
    return out


def _hadamard(B: Backend, *vals: Any) -> Any:
    mats = [v for v in vals if isinstance(v, Mat)]
    out = mats[0]
    for m in mats[1:]:
        if m.shape != out.shape:
            raise Unsupported("an elementwise product of matrices of different shapes")
        out = Mat(out.rows, out.cols, tuple(a * b for a, b in zip(out.data, m.data)))
    for v in vals:
        if not isinstance(v, Mat):
            out = _scale(v, out)
    return out


def _inverse(B: Backend, m: Any) -> Any:
    """Gauss–Jordan elimination with the largest pivot (numerically) or the first non-zero one."""
    if not isinstance(m, Mat) or m.shape == (1, 1):
        return B.reciprocal(_scalar(m))
    if m.rows != m.cols:
        raise Unsupported(f"inverting a non-square {m.rows}×{m.cols} matrix")
    n = m.rows
    a = [list(m.data[i * n:(i + 1) * n]) + [B.one() if i == j else B.zero() for j in range(n)] for i in range(n)]
    for col in range(n):
        candidates = [r for r in range(col, n) if a[r][col] != 0]
        if not candidates:
            raise Undefined("a singular matrix has no inverse")
        pivot = max(candidates, key=lambda r: abs(a[r][col])) if B is NUMERIC else candidates[0]
        a[col], a[pivot] = a[pivot], a[col]
        inv = B.reciprocal(a[col][col])
        a[col] = [v * inv for v in a[col]]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col]
                a[r] = [v - f * w for v, w in zip(a[r], a[col])]
    return Mat(n, n, tuple(v for row in a for v in row[n:]))


def _det(B: Backend, m: Any) -> Any:
    if not isinstance(m, Mat) or m.shape == (1, 1):
        return _scalar(m)
    if m.rows != m.cols:
        raise Unsupported(f"the determinant of a non-square {m.rows}×{m.cols} matrix")
    n = m.rows
    if n == 1:
        return m.data[0]
    # Laplace expansion along the first row: sizes here are at most 5.
    total = B.zero()
    for j in range(n):
        minor = Mat(n - 1, n - 1, tuple(m.data[r * n + c] for r in range(1, n) for c in range(n) if c != j))
        term = m.data[j] * _det(B, minor)
        total = total + term if j % 2 == 0 else total - term
    return total


def _matpow(B: Backend, m: Any, k: int) -> Any:
    if not isinstance(m, Mat) or m.shape == (1, 1):
        return B.power(_scalar(m), None, k)
    if m.rows != m.cols:
        raise Unsupported(f"a power of a non-square {m.rows}×{m.cols} matrix")
    if k < 0:
        m, k = _inverse(B, m), -k
    if k > 64:
        raise TooBig(f"a matrix power {k} is beyond the language's bounds")
    out = Mat(m.rows, m.cols, tuple(B.one() if i == j else B.zero() for i in range(m.rows) for j in range(m.cols)))
    for _ in range(k):
        out = _matmul2(out, m)
    return out


def _apply(B: Backend, name: str, v: Any) -> Any:
    if isinstance(v, Mat) and v.shape != (1, 1):
        return v.map(lambda x: B.func(name, x))  # NumPy semantics: entry by entry
    return B.func(name, _scalar(v))


def _softmax(B: Backend, v: Any) -> Any:
    if not isinstance(v, Mat):
        return B.one()
    if B is NUMERIC:
        top = max(v.data)  # shift by the maximum so no exponential overflows
        exps = [mpmath.exp(x - top) for x in v.data]
    else:
        exps = [B.func("exp", x) for x in v.data]
    total = exps[0]
    for x in exps[1:]:
        total = total + x
    inv = B.reciprocal(total)
    return Mat(v.rows, v.cols, tuple(x * inv for x in exps))


def _logsumexp(B: Backend, *vals: Any) -> Any:
    xs = [x for v in vals for x in (v.data if isinstance(v, Mat) else (v,))]
    if B is NUMERIC:
        top = max(xs)
        return top + mpmath.log(mpmath.fsum(mpmath.exp(x - top) for x in xs))
    return sp.log(sp.Add(*[sp.exp(x) for x in xs]))


def _diag(B: Backend, v: Any) -> Any:
    if not isinstance(v, Mat):
        return v
    if v.cols != 1 and v.rows != 1:
        raise Unsupported(f"diag of a {v.rows}×{v.cols} matrix (it needs a vector)")
    n = len(v.data)
    return Mat(n, n, tuple(v.data[i] if i == j else B.zero() for i in range(n) for j in range(n)))


def _trace(B: Backend, m: Any) -> Any:
    if not isinstance(m, Mat):
        return m
    total = m.data[0]
    for i in range(1, min(m.rows, m.cols)):
        total = total + m[i, i]
    return total


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
    return Mat(rows, cols, tuple(_scalar(v) for v in vals))


_FUNCTION_NAMES: dict[type, str] = {
    sp.exp: "exp", sp.log: "log", sp.tanh: "tanh", sp.sinh: "sinh", sp.cosh: "cosh",
    sp.Abs: "abs", sp.sign: "sign", sigmoid: "sigmoid", softplus: "softplus",
}

#: Functions whose presence means a difference may hide in a region no point lands in.
NON_ANALYTIC = (sp.Abs, sp.sign, sp.Piecewise, sp.Max, sp.Min, sp.Heaviside, sp.floor, sp.ceiling)


def _function_name(f: Any) -> str | None:
    if isinstance(f, sp.Lambda):
        body, var = f.expr, f.variables[0]
        if len(f.variables) == 1 and isinstance(body, sp.Function) and body.args == (var,):
            return _FUNCTION_NAMES.get(body.func)
        return None
    return _FUNCTION_NAMES.get(f)


def _sum(B, env, static):
    body, var, lo, hi = static
    total = None
    for k in range(_size(env, lo), _size(env, hi) + 1):
        inner = Env(env.scalars, env.mats, env.sizes, {**env.index, var: k})
        value = body.run(inner, B)
        total = value if total is None else _add(B, total, value)
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

    def _many(self, args: Sequence[sp.Basic]) -> list[int]:
        return [self.compile(a) for a in args]

    def _compile(self, e: sp.Basic) -> int:  # noqa: C901 - one branch per node type is the point
        if isinstance(e, (int, float)):
            e = sp.Rational(e)
        if e.is_Rational:
            return self.emit(lambda B, env, r: B.number(r), (), e)
        if e.is_Float:
            r = sp.Rational(str(e))  # the decimal as typed, read exactly
            return self.emit(lambda B, env, r: B.number(r), (), r)
        if e in (sp.E, sp.pi):
            return self.emit(lambda B, env, c: B.constant(c), (), e)
        if isinstance(e, sp.Symbol):
            if e.name in self.index_names or (e.name in ("i", "j") and e.is_integer):
                return self.emit(_leaf_index, (), e.name)
            return self.emit(_leaf_scalar, (), e.name)
        if isinstance(e, sp.MatrixSymbol):
            return self.emit(_leaf_matrix, (), e.name)
        if isinstance(e, sp.Identity):
            return self.emit(_const_matrix, (), ("identity", e.rows, e.cols))
        if isinstance(e, sp.ZeroMatrix):
            return self.emit(_const_matrix, (), ("zeros", e.rows, e.cols))
        if isinstance(e, sp.OneMatrix):
            return self.emit(_const_matrix, (), ("ones", e.rows, e.cols))
        if isinstance(e, (sp.Add, sp.MatAdd)):
            return self.emit(lambda B, env, s, *v: _add(B, *v), self._many(e.args))
        if isinstance(e, sp.Mul):
            return self.emit(lambda B, env, s, *v: _mul(B, *v), self._many(e.args))
        if isinstance(e, sp.MatMul):
            return self.emit(lambda B, env, s, *v: _mul(B, *v), self._many(e.args))
        if isinstance(e, sp.Pow):
            return self._pow(e)
        if isinstance(e, sp.Transpose):
            return self.emit(lambda B, env, s, m: m.T() if isinstance(m, Mat) else m, self._many(e.args))
        if isinstance(e, sp.Inverse):
            return self.emit(lambda B, env, s, m: _inverse(B, m), self._many(e.args[:1]))
        if isinstance(e, sp.MatPow):
            k = e.args[1]
            if not k.is_Integer:
                raise Unsupported(f"a matrix raised to the non-integer power {k}")
            return self.emit(lambda B, env, k, m: _matpow(B, m, k), [self.compile(e.args[0])], int(k))
        if isinstance(e, sp.HadamardProduct):
            return self.emit(lambda B, env, s, *v: _hadamard(B, *v), self._many(e.args))
        if isinstance(e, sp.HadamardPower):
            base, k = e.args
            return self.emit(
                lambda B, env, s, m, p: m.map(lambda x: _power_value(B, x, p)) if isinstance(m, Mat)
                else _power_value(B, m, p), self._many([base, k]))
        if isinstance(e, MatrixElement):
            return self.emit(_entry, self._many(e.args))
        if isinstance(e, sp.KroneckerDelta):
            return self.emit(_delta, self._many(e.args[:2]))
        if isinstance(e, sp.Trace):
            return self.emit(lambda B, env, s, m: _trace(B, m), self._many(e.args[:1]))
        if isinstance(e, sp.Determinant):
            return self.emit(lambda B, env, s, m: _det(B, m), self._many(e.args[:1]))
        if isinstance(e, (Diag, sp.DiagMatrix)):
            return self.emit(lambda B, env, s, v: _diag(B, v), self._many(e.args[:1]))
        if isinstance(e, Dot):
            return self.emit(lambda B, env, s, a, b: _scalar(_matmul2(a.T() if isinstance(a, Mat) else a, b)),
                             self._many(e.args))
        if isinstance(e, Softmax):
            return self.emit(lambda B, env, s, v: _softmax(B, v), self._many(e.args))
        if isinstance(e, Elementwise):
            name = _function_name(e.args[0])
            if name is None:
                raise Unsupported(f"an elementwise function {e.args[0]}")
            return self.emit(lambda B, env, name, v: _apply(B, name, v), [self.compile(e.args[1])], name)
        if isinstance(e, ElementwiseApplyFunction):
            name = _function_name(e.function)
            if name is None:
                raise Unsupported(f"an elementwise function {e.function}")
            return self.emit(lambda B, env, name, v: _apply(B, name, v), [self.compile(e.expr)], name)
        if isinstance(e, logsumexp):
            return self.emit(lambda B, env, s, *v: _logsumexp(B, *v), self._many(e.args))
        if isinstance(e, sp.Function) and type(e) in _FUNCTION_NAMES and len(e.args) == 1:
            return self.emit(lambda B, env, name, v: _apply(B, name, v), self._many(e.args), _FUNCTION_NAMES[type(e)])
        if isinstance(e, sp.Sum):
            # Σ_i Σ_j f  is run as nested single sums, innermost limit first.
            (var, lo, hi), rest = e.limits[-1], e.limits[:-1]
            inner_expr = sp.Sum(e.function, *rest) if rest else e.function
            inner = _Compiler(self.index_names | {v.name for v, *_ in e.limits})
            body = Program(inner.steps, inner.compile(inner_expr))
            return self.emit(_sum, (), (body, var.name, lo, hi))
        if isinstance(e, sp.MatrixBase):
            return self.emit(_build, self._many(list(e)), e.shape)
        if isinstance(e, MatrixExpr) and type(e).__module__.startswith("derive."):
            # One of the project's own operators (e.g. the diagonal of a matrix): carried out by
            # its doit() once its arguments are explicit.  Slower, but keys may use any of them.
            parts = [a for a in e.args if isinstance(a, (sp.Expr, MatrixExpr)) and not isinstance(a, sp.Lambda)]
            if len(parts) == len(e.args):
                return self.emit(_generic, self._many(parts), type(e))
        raise Unsupported(f"cannot evaluate {type(e).__name__}: {e}")

    def _pow(self, e: sp.Pow) -> int:
        base, k = e.args
        b = self.compile(base)
        if k.is_Integer:
            return self.emit(lambda B, env, k, x: B.power(_scalar(x), None, k) if not _is_big(x) else _matpow(B, x, k),
                             [b], int(k))
        if k == sp.S.Half:
            return self.emit(lambda B, env, s, x: _apply(B, "sqrt", x), [b])
        return self.emit(lambda B, env, s, x, p: _power_value(B, _scalar(x), p), [b, self.compile(k)])


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

