"""Concrete matrices (``Mat``), points (``Env``) and matrix arithmetic generic over the number kind.

A 1×1 matrix and a scalar are interchangeable, as in the lecture: θᵀx + θ₀ is a number.  Every
operation takes the backend ``B`` (see ``backends.py``) whose numbers it combines; Python's
operators do + − × ÷ for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import mpmath

from .backends import Backend, TooBig, Undefined, Unsupported

__all__ = ["Mat", "Env", "scalar", "add", "scale", "matmul2", "mul", "hadamard", "inverse", "det", "matpow",
           "softmax", "diag", "trace", "apply"]


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


def scalar(v: Any) -> Any:
    if isinstance(v, Mat):
        if v.shape != (1, 1):
            raise Unsupported(f"a {v.rows}×{v.cols} matrix where a number is needed")
        return v.data[0]
    return v


def add(B: Backend, *vals: Any) -> Any:
    mats = [v for v in vals if isinstance(v, Mat) and v.shape != (1, 1)]
    if not mats:
        total = scalar(vals[0])
        for v in vals[1:]:
            total = total + scalar(v)
        return total
    rows, cols = mats[0].shape
    if any(m.shape != (rows, cols) for m in mats):
        raise Unsupported("adding matrices of different shapes")
    data = list(mats[0].data)
    for m in mats[1:]:
        data = [a + b for a, b in zip(data, m.data)]
    scalars = [scalar(v) for v in vals if not (isinstance(v, Mat) and v.shape != (1, 1))]
    if scalars:  # a scalar broadcasts, as in NumPy
        s = scalars[0]
        for v in scalars[1:]:
            s = s + v
        data = [a + s for a in data]
    return Mat(rows, cols, tuple(data))


def scale(s: Any, m: Mat) -> Mat:
    return Mat(m.rows, m.cols, tuple(s * v for v in m.data))


def matmul2(a: Any, b: Any) -> Any:
    if not isinstance(a, Mat) or a.shape == (1, 1):
        return scale(scalar(a), b) if isinstance(b, Mat) else scalar(a) * b
    if not isinstance(b, Mat) or b.shape == (1, 1):
        return scale(scalar(b), a)
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


def mul(B: Backend, *vals: Any) -> Any:
    out = vals[0]
    for v in vals[1:]:
        out = matmul2(out, v)
    return out


def hadamard(B: Backend, *vals: Any) -> Any:
    mats = [v for v in vals if isinstance(v, Mat)]
    out = mats[0]
    for m in mats[1:]:
        if m.shape != out.shape:
            raise Unsupported("an elementwise product of matrices of different shapes")
        out = Mat(out.rows, out.cols, tuple(a * b for a, b in zip(out.data, m.data)))
    for v in vals:
        if not isinstance(v, Mat):
            out = scale(v, out)
    return out


def inverse(B: Backend, m: Any) -> Any:
    """Gauss–Jordan elimination with the largest pivot (numerically) or the first non-zero one."""
    if not isinstance(m, Mat) or m.shape == (1, 1):
        return B.reciprocal(scalar(m))
    if m.rows != m.cols:
        raise Unsupported(f"inverting a non-square {m.rows}×{m.cols} matrix")
    n = m.rows
    a = [list(m.data[i * n:(i + 1) * n]) + [B.one() if i == j else B.zero() for j in range(n)] for i in range(n)]
    for col in range(n):
        candidates = [r for r in range(col, n) if a[r][col] != 0]
        if not candidates:
            raise Undefined("a singular matrix has no inverse")
        pivot = max(candidates, key=lambda r: abs(a[r][col])) if B.name == "numeric" else candidates[0]
        a[col], a[pivot] = a[pivot], a[col]
        inv = B.reciprocal(a[col][col])
        a[col] = [v * inv for v in a[col]]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col]
                a[r] = [v - f * w for v, w in zip(a[r], a[col])]
    return Mat(n, n, tuple(v for row in a for v in row[n:]))


def det(B: Backend, m: Any) -> Any:
    if not isinstance(m, Mat) or m.shape == (1, 1):
        return scalar(m)
    if m.rows != m.cols:
        raise Unsupported(f"the determinant of a non-square {m.rows}×{m.cols} matrix")
    n = m.rows
    if n == 1:
        return m.data[0]
    # Laplace expansion along the first row: sizes here are at most 5.
    total = B.zero()
    for j in range(n):
        minor = Mat(n - 1, n - 1, tuple(m.data[r * n + c] for r in range(1, n) for c in range(n) if c != j))
        term = m.data[j] * det(B, minor)
        total = total + term if j % 2 == 0 else total - term
    return total


def matpow(B: Backend, m: Any, k: int) -> Any:
    if not isinstance(m, Mat) or m.shape == (1, 1):
        return B.power(scalar(m), None, k)
    if m.rows != m.cols:
        raise Unsupported(f"a power of a non-square {m.rows}×{m.cols} matrix")
    if k < 0:
        m, k = inverse(B, m), -k
    if k > 64:
        raise TooBig(f"a matrix power {k} is beyond the language's bounds")
    out = Mat(m.rows, m.cols, tuple(B.one() if i == j else B.zero() for i in range(m.rows) for j in range(m.cols)))
    for _ in range(k):
        out = matmul2(out, m)
    return out


def softmax(B: Backend, v: Any) -> Any:
    if not isinstance(v, Mat):
        return B.one()
    if B.name == "numeric":
        top = max(v.data)  # shift by the maximum so no exponential overflows
        exps = [mpmath.exp(x - top) for x in v.data]
    else:
        exps = [B.func("exp", x) for x in v.data]
    total = exps[0]
    for x in exps[1:]:
        total = total + x
    inv = B.reciprocal(total)
    return Mat(v.rows, v.cols, tuple(x * inv for x in exps))


def diag(B: Backend, v: Any) -> Any:
    if not isinstance(v, Mat):
        return v
    if v.cols != 1 and v.rows != 1:
        raise Unsupported(f"diag of a {v.rows}×{v.cols} matrix (it needs a vector)")
    n = len(v.data)
    return Mat(n, n, tuple(v.data[i] if i == j else B.zero() for i in range(n) for j in range(n)))


def trace(B: Backend, m: Any) -> Any:
    if not isinstance(m, Mat):
        return m
    total = m.data[0]
    for i in range(1, min(m.rows, m.cols)):
        total = total + m[i, i]
    return total


def apply(B: Backend, name: str, *vals: Any) -> Any:
    """A declared function of the values; entry by entry on one array (NumPy's rule)."""
    if len(vals) == 1 and isinstance(vals[0], Mat) and vals[0].shape != (1, 1):
        return vals[0].map(lambda x: B.func(name, x))
    if any(isinstance(v, Mat) and v.shape != (1, 1) for v in vals):
        flat = [x for v in vals for x in (v.data if isinstance(v, Mat) else (v,))]
        return B.func(name, *flat)  # logsumexp(a) of a vector: of its entries
    return B.func(name, *[scalar(v) for v in vals])
