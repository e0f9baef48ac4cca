"""An answer (or a key) ready to evaluate at many points: its program, and for index notation
(an entry (i, j) written with the indices i and j) the grid of entries to fill."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..answers.names import INDEX_I, INDEX_J
from ..numbers import to_sympy
from ..evaluate import Env, Mat, Program, Unsupported, compile_expr

__all__ = ["Compiled", "index_symbols"]


def index_symbols(expr: sp.Basic) -> tuple[sp.Symbol, ...]:
    """The free indices (i, j) of an answer written in index notation."""
    return tuple(s for s in (INDEX_I, INDEX_J) if s in expr.free_symbols)  # not an index summed over


def _size(env: Env, n: Any) -> int:
    """A size (3, or d, or d + 1) at the point's concrete sizes."""
    if isinstance(n, (int, sp.Integer)):
        return int(n)
    n = to_sympy(n)
    value = n.xreplace({s: sp.Integer(env.sizes[s.name]) for s in n.free_symbols if s.name in env.sizes})
    if not value.is_Integer:
        raise Unsupported(f"a size {n} that the point does not fix")
    return int(value)


class Compiled:
    """An expression ready to run: a program, and for index notation the entry grid to fill."""

    def __init__(self, expr: sp.Basic, shape: tuple | None):
        self.expr = expr
        self.program: Program = compile_expr(expr)
        self.indices = index_symbols(expr)
        self.shape = shape

    def run(self, env: Env, backend) -> Any:
        if not self.indices:
            return self.program.run(env, backend)
        rows, cols = self._grid(env)
        data = []
        for i in range(rows):
            for j in range(cols):
                e = Env(env.scalars, env.mats, env.sizes, {"i": i, "j": j})
                value = self.program.run(e, backend)
                data.append(value.data[0] if isinstance(value, Mat) else value)
        return Mat(rows, cols, tuple(data))

    def _grid(self, env: Env) -> tuple[int, int]:
        if self.shape is None:
            raise Unsupported("index notation needs a vector- or matrix-valued target")
        rows, cols = (_size(env, n) for n in self.shape)
        if INDEX_J in self.indices and cols == 1:
            raise Unsupported("the index j in an answer that is a column vector (use i)")
        return rows, cols
