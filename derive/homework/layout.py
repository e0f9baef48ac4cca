"""A target made explicit at concrete sizes, and the values of every symbol at one point.

``layout(target, {"d": 3, "K": 4, "m": 5})`` writes each matrix symbol as a matrix of scalar
entry symbols (θ → [θ_1, θ_2, θ_3]) and compiles each binding (p ≡ σ(z), P ≡ Σ⁻¹, ...).
``env_from(lay, values, backend)`` turns values of the free scalar entries into an ``Env``
with the bindings computed in ``backend``'s numbers, so every point satisfies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import sympy as sp

from ..assumptions import ExactSource, instantiate
from ..evaluate import SYMBOLIC, Backend, Env, Mat, Program, compile_expr
from .targets import Target

__all__ = ["Layout", "layout", "env_from", "free_env", "exact_values", "values_of", "symbolic_env"]


@dataclass
class Layout:
    """A target made explicit at one set of sizes: each symbol's entries and the bindings' programs."""

    target: Target
    sizes: dict[sp.Symbol, int]
    # Keyed by the symbols as declared (shapes in d, K, m): each one's explicit matrix at these
    # sizes, or the scalar symbol itself.  Assumptions are asked with these entries, which
    # spares a substitution per symbol per point.
    entries: dict[sp.Basic, Any]
    bindings: list[tuple[sp.Basic, Program]]
    size_names: dict[str, int] = field(default_factory=dict)
    _scalars: dict[tuple, list[sp.Symbol]] = field(default_factory=dict)

    def scalars_of(self, symbols: Iterable[sp.Basic]) -> list[sp.Symbol]:
        """The scalar entries of ``symbols`` at these sizes, in order, each once."""
        symbols = tuple(symbols)
        if symbols not in self._scalars:
            out = []
            for s in symbols:
                value = self.entries.get(s, s)
                out += list(value) if getattr(value, "is_Matrix", False) else [value]
            self._scalars[symbols] = list(dict.fromkeys(out))
        return self._scalars[symbols]


_LAYOUTS: dict[tuple, Layout] = {}


def layout(target: Target, sizes: Mapping[str, int]) -> Layout:
    """The target at concrete sizes (only the dimensions it uses are fixed); cached."""
    dims = {d: sizes[d.name] for d in target.dimensions()}
    cache_key = (target.name, target.symbols, target.hidden, target.bindings, target.assumptions,
                 tuple(sorted((d.name, n) for d, n in dims.items())))
    if cache_key not in _LAYOUTS:
        inst = instantiate(sp.Tuple(*target.all_symbols()), target.assumptions, dims)
        entries: dict[sp.Basic, Any] = {}
        for s in target.all_symbols():
            entries[s] = inst.entries[s.subs(dims)] if isinstance(s, sp.MatrixSymbol) else s
        bindings = [(b.symbol, compile_expr(b.definition)) for b in target.bindings]
        if len(_LAYOUTS) > 512:  # throw-away targets (tests, courses) must not pile up
            _LAYOUTS.clear()
        _LAYOUTS[cache_key] = Layout(target, dims, entries, bindings, {d.name: n for d, n in dims.items()})
    return _LAYOUTS[cache_key]


def exact_values(lay: Layout, source: ExactSource) -> dict[sp.Symbol, sp.Rational]:
    """Exact values for every scalar entry: each assumption asks ``source`` for the numbers it
    needs (the first assumption naming an entry decides it); entries no assumption names are real."""
    values: dict[sp.Symbol, sp.Rational] = {}
    for a in lay.target.assumptions:
        for e, v in a.exact(lay.entries, source).items():
            values.setdefault(e, v)
    # With ``consume_all`` every entry asks the source, used or not, so that a seeded source (a
    # numeric variant's) draws the same sequence, and gives the same inputs, as it always did.
    for i, e in enumerate(lay.scalars_of(lay.target.all_symbols())):
        if e not in values:
            values[e] = source.real(i)
        elif source.consume_all:
            source.real(i)
    return values


def env_from(lay: Layout, values: Mapping[sp.Symbol, Any], backend: Backend) -> Env:
    """An Env from scalar entry values, with the bindings evaluated in ``backend``'s numbers."""
    env = Env(sizes=dict(lay.size_names))
    for sym in lay.target.all_symbols():
        explicit = lay.entries[sym]
        if isinstance(sym, sp.MatrixSymbol):
            env.mats[sym.name] = Mat(explicit.rows, explicit.cols, tuple(values.get(e, 0) for e in explicit))
        else:
            env.scalars[sym.name] = values.get(sym, 0)
    for sym, prog in lay.bindings:
        value = prog.run(env, backend)
        if isinstance(sym, sp.MatrixSymbol):
            env.mats[sym.name] = value if isinstance(value, Mat) else Mat(1, 1, (value,))
        else:
            env.scalars[sym.name] = value.data[0] if isinstance(value, Mat) else value
    _add_entry_names(lay, env)
    return env


def _add_entry_names(lay: Layout, env: Env) -> None:
    # Entry symbols (x_1, P_12, ...) by name too, for keys that had to be made explicit first.
    for sym in lay.target.all_symbols():
        if isinstance(sym, sp.MatrixSymbol):
            explicit = lay.entries[sym]
            mat = env.mats[sym.name]
            for e, v in zip(explicit, mat.data):
                if isinstance(e, sp.Symbol):
                    env.scalars.setdefault(e.name, v)


def values_of(lay: Layout, env: Env) -> dict[sp.Symbol, Any]:
    """The values of the free (not bound) scalar entries held by ``env``."""
    values = {}
    for sym in lay.target.all_symbols():
        if sym in lay.target.bound:
            continue
        if isinstance(sym, sp.MatrixSymbol):
            values.update(dict(zip(lay.entries[sym], env.mats[sym.name].data)))
        else:
            values[sym] = env.scalars[sym.name]
    return values


def free_env(lay: Layout, values: Mapping[sp.Basic, Any]) -> Env:
    """An Env in which bound symbols too take the given values (their definitions ignored)."""
    env = Env(sizes=dict(lay.size_names))
    for sym in lay.target.all_symbols():
        explicit = lay.entries[sym]
        if isinstance(sym, sp.MatrixSymbol):
            env.mats[sym.name] = Mat(explicit.rows, explicit.cols, tuple(values.get(e, e) for e in explicit))
        else:
            env.scalars[sym.name] = values.get(explicit, explicit)
    _add_entry_names(lay, env)
    return env


def symbolic_env(lay: Layout, *, bind: bool, backend: Backend = SYMBOLIC) -> Env:
    """Every entry as its own symbol.  ``bind=False`` leaves bound symbols as free symbols too
    (a proof there holds for every value of them); ``bind=True`` computes them from their
    definitions."""
    values = {e: e for e in lay.scalars_of(lay.target.all_symbols())}
    return env_from(lay, values, backend) if bind else free_env(lay, values)
