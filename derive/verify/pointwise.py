"""The numeric search at large sizes, with derivatives taken numerically.

Carrying a claim out symbolically (``prepare``) costs seconds at d = 8: a gradient of a
network's loss by an 8×8 weight matrix is 64 symbolic derivatives of a large expression.
Beyond the sizes it is proved at, a claim only needs to be *evaluated*, so here each
derivative (∇, ∂/∂W, ∇², Jacobians, d/dz) is computed by mpmath's high-precision numerical
differentiation of the undifferentiated function, which is compiled once.  The rest of the
claim is carried out as usual (matrix products and the like are cheap).  Only a
disagreement far above the differentiation error refutes (see ``TOLERANCE_DIGITS``).
"""

from __future__ import annotations

import random
from typing import Callable, Sequence

import mpmath
import sympy as sp

from ..assumptions import Assumption, Instance
from ..ops import Grad, GradAt, GradMatrix, Hessian, Jacobian
from ..evaluate import Unsupported
from .prepare import prepare, unlimit
from .prove import entries
from .search import DIGITS, LIMIT_AT, Found, mpmath_function, program_of, real_values, run_program, sampler, violates

__all__ = ["search_pointwise", "TOLERANCE_DIGITS"]

TOLERANCE_DIGITS = 25  # numerical derivatives at 50 digits are good to far more than this
_DIFFERENTIATING = (Grad, GradAt, GradMatrix, Hessian, Jacobian, sp.Derivative)
Point = dict


def _outermost(expr: sp.Basic) -> list[sp.Basic]:
    """The derivative nodes of ``expr`` not inside another derivative node."""
    found: list = []

    def walk(node: sp.Basic) -> None:
        if isinstance(node, _DIFFERENTIATING):
            found.append(node)
            return
        for arg in node.args:
            walk(arg)
    walk(expr)
    return list(dict.fromkeys(found))


class _Compiled:
    """``expr`` as a function of a point, its derivative nodes evaluated numerically.

    The rest is compiled for ``derive.evaluate`` (one walk over the expression, at any size).
    Where the evaluator lacks a rule, SymPy carries it out: with ``by_substitution``, each
    call puts the point's numbers into the expression first (cheap once: with numbers there is
    little left to carry out); otherwise the expression is carried out symbolically once and
    lambdified, for a function that is called many times (the function inside a derivative).
    """

    def __init__(self, expr: sp.Basic, by_substitution: bool = False):
        self.nodes = _outermost(expr)
        self.holders = [_placeholder(n, k) for k, n in enumerate(self.nodes)]
        self.inner = [_node_rule(n) for n in self.nodes]
        self.body = expr.xreplace(dict(zip(self.nodes, self.holders)))
        self.holder_symbols = [s for h in self.holders for s in entries(h)]
        self.by_substitution = by_substitution
        self.symbols = sorted(self.body.free_symbols - set(self.holder_symbols), key=sp.default_sort_key)
        self.program = program_of(self.body)
        if self.program is None:
            self._by_sympy()

    def _by_sympy(self) -> None:
        """Carry the body out by SymPy instead of the evaluator (which lacks a rule for it)."""
        self.program = None
        if self.by_substitution:
            return
        values = entries(prepare(self.body))
        free = set().union(*(v.free_symbols for v in values)) - set(self.holder_symbols)
        self.symbols = sorted(free, key=sp.default_sort_key)
        self.function = mpmath_function(self.symbols + self.holder_symbols, values)

    def __call__(self, point: Point) -> list:
        filled = [v for rule in self.inner for v in rule(point)]
        if self.program is not None:
            # The whole point: a node's definition may hold a symbol that is not among its
            # arguments (|Σ| in a Gaussian density), drawn by an assumption.
            values = {s.name: v for s, v in point.items()}
            values.update((s.name, point[s]) for s in self.symbols)
            values.update((h.name, v) for h, v in zip(self.holder_symbols, filled))
            try:
                return run_program(self.program, values)
            except Unsupported:  # a rule that needs symbolic arguments, say
                self._by_sympy()
        if self.by_substitution:
            numbers = {s: sp.Float(point[s], DIGITS) for s in self.symbols}
            numbers.update({h: sp.Float(v, DIGITS) for h, v in zip(self.holder_symbols, filled)})
            return [sp.N(e, DIGITS) for e in entries(prepare(self.body.xreplace(numbers)))]
        out = self.function(*([point[s] for s in self.symbols] + filled))
        return list(out) if isinstance(out, (list, tuple)) else [out]


def _shape(node: sp.Basic) -> tuple | None:
    """The shape of a matrix-valued derivative node (d/dt of a matrix included), else None."""
    if isinstance(node, sp.Derivative):
        return getattr(node.expr, "shape", None)
    return getattr(node, "shape", None)


def _entry_count(f: sp.Basic) -> int:
    """How many entries f has, read from its shape: no need to carry it out."""
    shape = getattr(f, "shape", None)
    return int(shape[0]) * int(shape[1]) if shape else 1


def _placeholder(node: sp.Basic, k: int) -> sp.Basic:
    # Named apart from every entry symbol: the compiled program looks values up by name.
    if not _shape(node):
        return sp.Dummy(f"_D{k}")
    rows, cols = _shape(node)
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Dummy(f"_D{k}_{i}_{j}"))


def _variables(v: sp.Basic) -> list[sp.Symbol]:
    found = entries(prepare(v))
    if not all(isinstance(s, sp.Symbol) for s in found):
        raise ValueError(f"cannot differentiate numerically by {v}: not a matrix of symbols")
    return found


def _partial(f: _Compiled, point: Point, variables: list, orders: tuple, entry: int = 0):
    """∂^{orders} f[entry] / ∂variables at the point, by mpmath.diff."""
    def g(*values):
        return f({**point, **dict(zip(variables, values))})[entry]
    return mpmath.diff(g, tuple(point[v] for v in variables), orders)


def _partials(f: _Compiled, point: Point, variable: sp.Symbol, order: int, rows: int) -> list:
    """∂^order f[i]/∂variable^order for every entry i: each evaluation of f serves all entries
    (a Jacobian by an 8×8 matrix would otherwise evaluate f 64 times as often)."""
    values: dict = {}

    def column(t):
        key = (t, mpmath.mp.prec)  # mpmath.diff evaluates at a raised precision
        if key not in values:
            values[key] = f({**point, variable: t})
        return values[key]
    return [mpmath.diff(lambda t, i=i: column(t)[i], point[variable], order) for i in range(rows)]


def _node_rule(node: sp.Basic) -> Callable[[Point], list]:
    """A function from a point to the entries of the derivative ``node`` there."""
    if isinstance(node, sp.Derivative):
        f, pairs = _Compiled(node.expr), list(node.variable_count)
        variables, orders = [v for v, _ in pairs], tuple(int(n) for _, n in pairs)
        # d/dt of a matrix, entry by entry, in the placeholder's (row-major) order.
        n = _entry_count(node.expr)
        if len(variables) == 1:
            return lambda point: _partials(f, point, variables[0], orders[0], n)
        return lambda point: [_partial(f, point, variables, orders, i) for i in range(n)]
    f_expr, v = node.args[0], node.args[1]
    f, variables = _Compiled(f_expr), _variables(v)
    if isinstance(node, Hessian):
        def hessian(point):
            return [_partial(f, point, [a, b] if a != b else [a], (1, 1) if a != b else (2,))
                    for a in variables for b in variables]
        return hessian
    if isinstance(node, Jacobian):
        rows = _entry_count(f_expr)

        def jacobian(point):
            columns = [_partials(f, point, b, 1, rows) for b in variables]
            return [column[i] for i in range(rows) for column in columns]
        return jacobian
    if isinstance(node, GradAt):
        at = _Compiled(node.args[2])

        def gradient_at(point):
            moved = {**point, **dict(zip(variables, at(point)))}
            return [_partial(f, moved, [b], (1,)) for b in variables]
        return gradient_at
    # Grad and GradMatrix: one partial derivative per entry of the variable, in its order.
    return lambda point: [_partial(f, point, [b], (1,)) for b in variables]


def _real(values: list) -> list | None:
    """Like ``search.real_values``, SymPy numbers (from carrying out with numbers) included."""
    numbers = []
    for v in values:
        if isinstance(v, sp.Basic):
            if not v.is_number or v.has(sp.nan, sp.zoo):
                return None
            v = complex(v) if not v.is_real else sp.Float(v, DIGITS)._mpf_
            v = mpmath.mpc(v) if isinstance(v, complex) else mpmath.mpf(v)
        numbers.append(v)
    return real_values(numbers, TOLERANCE_DIGITS)


def search_pointwise(instance: Instance, rel: type, assumptions: Sequence[Assumption], seed: int,
                     limit_var: sp.Symbol | None, n_points: int) -> Found:
    """Like ``search.search`` on the instance, with derivatives taken numerically."""
    lhs, rhs = (_Compiled(unlimit(side), by_substitution=True) for side in (instance.expr.lhs, instance.expr.rhs))
    symbols = sorted(set(lhs.symbols) | set(rhs.symbols) | {s for c in (lhs, rhs) for r in c.nodes
                                                            for s in r.free_symbols} - {limit_var},
                     key=sp.default_sort_key)
    draw = sampler(instance, assumptions, symbols)
    rng = random.Random(seed)
    result = Found()
    with mpmath.workdps(DIGITS):
        for _ in range(n_points * 3):
            if result.points >= n_points:
                break
            point = draw(rng)
            if limit_var is not None:
                point[limit_var] = LIMIT_AT
            try:
                left, right = _real(lhs(point)), _real(rhs(point))
            except (ArithmeticError, ValueError, TypeError):  # undefined here: try another point
                continue
            if left is None or right is None:
                continue
            left, right = (left * len(right), right) if len(left) == 1 < len(right) else (left, right)
            right = right * len(left) if len(right) == 1 < len(left) else right
            if len(left) != len(right):
                raise ValueError(f"shape mismatch: {len(left)} entries against {len(right)}")
            diffs = [a - b for a, b in zip(left, right)]
            scale = max([1] + [abs(v) for v in left + right])
            bound = mpmath.mpf(10) ** -4 if limit_var is not None else mpmath.mpf(10) ** (-TOLERANCE_DIGITS) * scale
            result.points += 1
            result.residual = max(result.residual, float(max((abs(v) for v in diffs), default=0)))
            if violates(diffs, rel, bound):
                result.counterexample = {str(s): mpmath.nstr(point[s], 12) for s in symbols}
                break
    return result
