"""Building a ``Target`` from one ``[[target]]`` table of a problem file.

Every expression (key, binding, mistake) is read by the answer grammar (``derive.answers``),
never by eval or sympify.  The author's expressions may use every declared symbol, hidden ones
included (P ≡ Σ⁻¹); a student's answers may use the visible ones only.

Symbols are matched to the SymPy objects the derivations use, so that a key taken from a
derivation (``key_from``) and an answer typed by a student meet on the same symbols: a declared
name is, in order, the symbol of that name and shape in the key, the lecture's symbol of that
name and shape (``derive/symbols.py``), or a new one (real; positive when assumed positive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .. import symbols as SYM
from ..answers import ParseError, SymbolSpec, parse_answer
from ..answers.names import shape_of
from ..assumptions import (Assumption, Binary, Nonzero, OneHot, Positive, Probability, Real, Simplex,
                           SymmetricPositiveDefinite)
from ..evaluate import shape_of as target_shape_of
from .problem_file import ASSUMPTION_KINDS, EXPECTATIONS, ProblemFile
from .targets import Binding, EmbeddedTest, Mistake, SymbolDecl, Target

__all__ = ["build_target", "DIMENSIONS", "KeyResolver"]

#: The dimension names a shape may use: d features, K classes, m hidden units.
DIMENSIONS: dict[str, sp.Symbol] = {"d": SYM.d, "K": SYM.K, "m": SYM.m}

#: Assumption kind → how to make it (one assumption per kind, over all symbols of that kind).
_ASSUMPTIONS = {
    "real": Real, "positive": Positive, "nonzero": Nonzero, "binary": Binary, "probability": Probability,
    "onehot": OneHot, "simplex": Simplex, "spd": SymmetricPositiveDefinite,
}
_ONE_EACH = {"spd", "onehot"}
_POSITIVE_KINDS = {"positive", "probability", "simplex"}

#: "DERIVATION-NAME:CONSTANT" → (the constant, a label "module.CONSTANT"); raises ValueError.
KeyResolver = Any


def _lecture_symbols() -> dict[tuple[str, tuple | None], sp.Basic]:
    out = {}
    for value in vars(SYM).values():
        if isinstance(value, (sp.Symbol, sp.MatrixSymbol)) and value not in DIMENSIONS.values():
            out[(value.name, shape_of(value))] = value
    return out


_LECTURE = _lecture_symbols()


@dataclass
class _Context:
    pf: ProblemFile
    index: int
    name: str

    def error(self, message: str, *path: str | int) -> ValueError:
        return self.pf.error(f"target {self.name!r}: {message}", self.index, *path)


def _shape(ctx: _Context, sym: str, text: Any, *where: str) -> tuple | None:
    where = where or ("symbols", sym)
    if text is None:
        return None
    if not isinstance(text, str) or not re.fullmatch(r"\s*\w+\s*(,\s*\w+\s*)?", text):
        raise ctx.error(f"{sym}: shape must be \"d\" (a column) or \"K,d\" (a matrix), got {text!r}", *where)
    parts = [p.strip() for p in text.split(",")]
    dims = []
    for part in parts:
        if part.isdigit() and int(part) >= 1:
            dims.append(sp.Integer(int(part)))
        elif part in DIMENSIONS:
            dims.append(DIMENSIONS[part])
        else:
            raise ctx.error(f"{sym}: unknown dimension {part!r}; use {', '.join(DIMENSIONS)} or a number", *where)
    return (dims[0], sp.Integer(1)) if len(dims) == 1 else tuple(dims)


def _kinds(ctx: _Context, t: dict) -> dict[str, list[str]]:
    """symbol name → assumption kinds, checked."""
    out: dict[str, list[str]] = {}
    declared = t.get("symbols", {})
    for sym, value in t.get("assume", {}).items():
        kinds = [value] if isinstance(value, str) else value
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise ctx.error(f"assumption of {sym!r} must be a kind or a list of kinds", "assume", sym)
        for kind in kinds:
            if kind not in ASSUMPTION_KINDS:
                raise ctx.error(f"unknown assumption {kind!r} for {sym!r}; known: {', '.join(ASSUMPTION_KINDS)}",
                                "assume", sym)
        if sym not in declared:
            raise ctx.error(f"[target.assume] names {sym!r}, which [target.symbols] does not declare", "assume", sym)
        out[sym] = kinds
    return out


def _make_symbol(name: str, shape: tuple | None, kinds: list[str], found: dict) -> sp.Basic:
    obj = found.get((name, shape)) or _LECTURE.get((name, shape))
    if obj is not None:
        return obj
    if shape is not None:
        return sp.MatrixSymbol(name, *shape)
    return sp.Symbol(name, positive=True) if set(kinds) & _POSITIVE_KINDS else sp.Symbol(name, real=True)


def _parse(ctx: _Context, text: Any, specs: tuple[SymbolSpec, ...], what: str, *path: str | int) -> sp.Basic:
    if not isinstance(text, str):
        raise ctx.error(f"{what} must be a string (an expression), got {text!r}", *path)
    try:
        return parse_answer(text, specs).expr
    except ParseError as exc:
        raise ctx.error(f"{what} {text!r} does not read: {exc}", *path) from None


def _symbols(ctx: _Context, t: dict, key: sp.Basic | None, kinds: dict) -> dict[str, sp.Basic]:
    found: dict[tuple, sp.Basic] = {}
    if key is not None:
        for atom in _named_atoms(key):
            if atom not in DIMENSIONS.values():
                found[(atom.name, shape_of(atom))] = atom
    objs = {}
    for sym, spec in t.get("symbols", {}).items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", sym):
            raise ctx.error(f"symbol name {sym!r} must be letters, digits and '_'", "symbols", sym)
        objs[sym] = _make_symbol(sym, _shape(ctx, f"symbol {sym!r}", spec.get("shape"), "symbols", sym),
                                 kinds.get(sym, []), found)
    return objs


def _bindings(ctx: _Context, t: dict, objs: dict, specs: tuple) -> tuple[Binding, ...]:
    """The bindings, ordered so that each one's definition only uses symbols bound before it."""
    pending = {}
    for sym, spec in t.get("symbols", {}).items():
        if "bind" in spec:
            definition = _parse(ctx, spec["bind"], specs, f"the binding of {sym!r}", "symbols", sym)
            if shape_of(definition) != shape_of(objs[sym]):
                raise ctx.error(f"symbol {sym!r} has shape {_describe(shape_of(objs[sym]))} but its binding "
                                f"{spec['bind']!r} has shape {_describe(shape_of(definition))}", "symbols", sym)
            pending[objs[sym]] = definition
    ordered: list[Binding] = []
    while pending:
        ready = [s for s, dfn in pending.items() if not (dfn.free_symbols | dfn.atoms(sp.MatrixSymbol)) & set(pending)]
        if not ready:
            names = ", ".join(sorted(str(s) for s in pending))
            raise ctx.error(f"the bindings of {names} depend on each other in a circle", "symbols")
        for s in ready:
            ordered.append(Binding(s, pending.pop(s)))
    return tuple(ordered)


def _describe(shape: tuple | None) -> str:
    return "a scalar" if shape is None else f"{sp.sstr(shape[0])}×{sp.sstr(shape[1])}"


def _assumptions(kinds: dict[str, list[str]], objs: dict) -> tuple[Assumption, ...]:
    # One assumption per kind over all its symbols (a simplex needs them together), except that
    # each matrix of a matrix-wide kind gets its own.
    grouped: dict[tuple[str, str], list[sp.Basic]] = {}
    for sym, ks in kinds.items():
        for kind in ks:
            grouped.setdefault((kind, sym if kind in _ONE_EACH else ""), []).append(objs[sym])
    return tuple(_ASSUMPTIONS[kind](*syms) for (kind, _), syms in grouped.items())


def _one_class(ctx: _Context, key: sp.Basic, spec: Any, objs: dict) -> sp.Basic:
    """``key_one_class = { size = "K", columns = { mu = "mu_k", pi = "pi_k" } }``: a formula written for
    all K classes at once, taken for one class (K = 1; the named d×K / K×1 matrices become the
    declared class-k symbols)."""
    if not isinstance(spec, dict) or set(spec) - {"size", "columns"} or spec.get("size") not in DIMENSIONS:
        raise ctx.error("key_one_class must be { size = \"K\", columns = { MATRIX = \"SYMBOL\", ... } }", "key_one_class")
    one = key.subs(DIMENSIONS[spec["size"]], 1)
    columns = spec.get("columns", {})
    swap = {}
    for matrix in one.atoms(sp.MatrixSymbol):
        target_name = columns.get(matrix.name)
        if target_name is None:
            continue
        if target_name not in objs:
            raise ctx.error(f"key_one_class maps {matrix.name!r} to {target_name!r}, which is not declared",
                            "key_one_class")
        obj = objs[target_name]
        swap[matrix] = obj if shape_of(obj) == matrix.shape else sp.ImmutableMatrix([[obj]])
    out = one.xreplace(swap)
    left = sorted({m.name for m in out.atoms(sp.MatrixSymbol)} & set(columns))
    if left:
        raise ctx.error(f"key_one_class: {left} still appear after taking one class", "key_one_class")
    return out


def _named_atoms(expr: sp.Basic) -> set[sp.Basic]:
    """The free symbols and matrix symbols of ``expr`` (not summation indices or dummies)."""
    found = {s for s in expr.free_symbols if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy)}
    return found | {m for m in expr.atoms(sp.MatrixSymbol) if not m.name.startswith("_")}


def _undeclared(ctx: _Context, key: sp.Basic, objs: dict) -> None:
    """Every symbol of a key taken from a derivation must be declared (under its own shape)."""
    declared = set(objs.values())
    for atom in sorted(_named_atoms(key), key=str):
        if atom in declared or atom in DIMENSIONS.values():
            continue
        same_name = [n for n, o in objs.items() if n == atom.name]
        if same_name:
            raise ctx.error(f"the key uses {atom.name!r} as {_describe(shape_of(atom))}, but it is declared as "
                            f"{_describe(shape_of(objs[atom.name]))}", "symbols", atom.name)
        raise ctx.error(f"the key uses {atom.name!r}, which [target.symbols] does not declare", "key_from")


def build_target(pf: ProblemFile, index: int, resolve: KeyResolver, *, parse_mistakes: bool = True) -> Target:
    """The Target of table ``index`` of ``pf``; ``ProblemError`` (file and line) if it is not well formed.

    With ``parse_mistakes=False`` the mistakes' answers are not read (the target has none): loading a
    course reads them on a target's first use instead, which keeps loading fast.
    """
    t = pf.targets[index]
    ctx = _Context(pf, index, t["name"])
    kinds = _kinds(ctx, t)
    key, source = None, f"{pf.path}:{pf.line_of(index, 'key')}"
    if "key_from" in t:
        try:
            key, source = resolve(t["key_from"])
        except ValueError as exc:
            raise ctx.error(str(exc), "key_from") from None
    objs = _symbols(ctx, t, key, kinds)
    hidden = {n for n, spec in t.get("symbols", {}).items() if spec.get("hidden")}
    every = tuple(SymbolSpec(n, o) for n, o in objs.items())
    if key is None:
        key = _parse(ctx, t["key"], every, "the key", "key")
    if "key_one_class" in t:
        key = _one_class(ctx, key, t["key_one_class"], objs)
    _undeclared(ctx, key, objs)
    _check_shape(ctx, t, key)
    bindings = _bindings(ctx, t, objs, every)
    mistakes = _mistakes(ctx, t, every) if parse_mistakes else ()
    names = {m.get("name") for m in t.get("mistake", [])}
    tests = tuple(_test(ctx, row, j, names) for j, row in enumerate(t.get("test", [])))
    for spelling, n in t.get("aliases", {}).items():
        if n not in objs:
            raise ctx.error(f"alias {spelling!r} names {n!r}, which is not declared", "aliases")
    modulo = []
    for n in t.get("modulo", []):
        if n not in objs:
            raise ctx.error(f"modulo names {n!r}, which is not declared", "modulo")
        modulo.append(objs[n])
    return Target(
        t["name"], t["question"].strip(), key, source,
        symbols=tuple(SymbolDecl(n, o, t["symbols"][n].get("meaning", n)) for n, o in objs.items() if n not in hidden),
        bindings=bindings, assumptions=_assumptions(kinds, objs), mistakes=mistakes,
        modulo=tuple(modulo), hidden=tuple(objs[n] for n in hidden), notes=tuple(t.get("notes", [])),
        tests=tests, variants=_variants(ctx, t, objs), where=f"{pf.path}:{pf.line_of(index)}",
        aliases=tuple(t.get("aliases", {}).items()),
    )


def _check_shape(ctx: _Context, t: dict, key: sp.Basic) -> None:
    """``shape = "d"`` (or "K,d", or "scalar") states the answer's shape: the key must have it."""
    if "shape" not in t:
        return
    stated = None if t["shape"] == "scalar" else _shape(ctx, "the answer", t["shape"], "shape")
    actual = target_shape_of(key)  # as Target.shape reads it (a 1×1 explicit matrix is a scalar)
    if stated != actual:
        raise ctx.error(f"shape = {t['shape']!r} says the answer is {_describe(stated)}, but the key is "
                        f"{_describe(actual)}", "shape")


def _mistakes(ctx: _Context, t: dict, specs: tuple) -> tuple[Mistake, ...]:
    out: list[Mistake] = []
    for j, row in enumerate(t.get("mistake", [])):
        mistake = _mistake(ctx, row, j, specs)
        if any(m.name == mistake.name for m in out):
            raise ctx.error(f"two mistakes are named {mistake.name!r}", "mistake", j)
        out.append(mistake)
    return tuple(out)


def _mistake(ctx: _Context, m: dict, j: int, specs: tuple) -> Mistake:
    name = m.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ctx.error(f"mistake {j + 1} needs a name", "mistake", j)
    if not isinstance(m.get("feedback"), str) or not m["feedback"].strip():
        raise ctx.error(f"mistake {name!r} needs feedback (a string)", "mistake", j)
    credit = m.get("credit", 0.0)
    if isinstance(credit, bool) or not isinstance(credit, (int, float)) or not 0.0 <= credit < 1.0:
        raise ctx.error(f"mistake {name!r}: credit must be a number in [0, 1), got {credit!r}", "mistake", j, "credit")
    expr = _parse(ctx, m.get("answer"), specs, f"mistake {name!r}:", "mistake", j, "answer")
    return Mistake(name, expr, " ".join(m["feedback"].split()), float(credit))


def _test(ctx: _Context, row: dict, j: int, mistakes: set[str]) -> EmbeddedTest:
    answer, expect = row.get("answer"), row.get("expect")
    if not isinstance(answer, str):
        raise ctx.error(f"test {j + 1} needs an answer (a string)", "test", j)
    if expect not in EXPECTATIONS and expect not in mistakes:
        raise ctx.error(f"test {j + 1} expects {expect!r}; expect one of {', '.join(EXPECTATIONS)} or a mistake's "
                        "name", "test", j, "expect")
    return EmbeddedTest(answer, expect, ctx.pf.line_of(ctx.index, "test", j))


def _variants(ctx: _Context, t: dict, objs: dict) -> tuple[tuple[str, float, float], ...]:
    out = []
    for sym, spec in t.get("variants", {}).items():
        ok = isinstance(spec, dict) and set(spec) == {"low", "high"} and all(
            isinstance(spec[k], (int, float)) and not isinstance(spec[k], bool) for k in spec)
        if sym not in objs or not ok or spec["low"] >= spec["high"]:
            raise ctx.error(f"variants: {sym!r} needs a declared symbol and {{ low = L, high = H }} with L < H",
                            "variants", sym)
        out.append((sym, float(spec["low"]), float(spec["high"])))
    return tuple(out)
