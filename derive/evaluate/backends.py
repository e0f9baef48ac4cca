"""The three kinds of number an answer is evaluated in, and the evaluator's errors.

* ``NUMERIC``: mpmath numbers at the working precision (the equivalence search, 50 digits);
* ``EXACT``: SymPy rationals and exact constants (special points, where the difference of two
  answers is an exact constant whose zero-ness can be decided);
* ``SYMBOLIC``: SymPy symbols for every entry (the explicit form a proof works on).

Functions are evaluated from their declarations in ``derive.vocabulary``: the mpmath form
numerically, the definition exactly, the function itself symbolically.
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp

from ..vocabulary import by_name

__all__ = ["Backend", "NUMERIC", "EXACT", "SYMBOLIC", "Undefined", "Unsupported", "TooBig", "MAX_EXACT_BITS"]

#: Exponents beyond this are refused in exact arithmetic: (2/3)^(10^9) would stall in C code
#: that no time limit can interrupt.
MAX_EXACT_BITS = 200_000


class Undefined(ArithmeticError):
    """The expression has no real value at this point (log of a negative, division by 0, ...)."""


class Unsupported(ValueError):
    """The expression contains something the evaluator does not know how to compute."""


class TooBig(ValueError):
    """An exact computation would produce numbers too large to handle."""


class Backend:
    """The arithmetic of one kind of number.  Python's operators do + − × ÷ for all three."""

    name = "abstract"

    def number(self, r: sp.Rational) -> Any:
        raise NotImplementedError

    def constant(self, c: sp.Basic) -> Any:
        raise NotImplementedError

    def func(self, name: str, *xs: Any) -> Any:
        raise NotImplementedError

    def power(self, b: Any, e: Any, e_int: int | None) -> Any:
        raise NotImplementedError

    def reciprocal(self, x: Any) -> Any:
        return self.power(x, None, -1)

    def zero(self) -> Any:
        return self.number(sp.S.Zero)

    def one(self) -> Any:
        return self.number(sp.S.One)


def _declared(name: str):
    decl = by_name(name)
    if decl is None:
        raise Unsupported(f"no rule for the function {name}")
    return decl


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

    def func(self, name, *xs):
        if name == "sqrt":
            if xs[0] < 0:
                raise Undefined("square root of a negative number")
            return mpmath.sqrt(xs[0])
        decl = _declared(name)
        if decl.mpmath is None:
            raise Unsupported(f"no numeric form for the function {name}")
        try:
            value = decl.mpmath(*xs)
        except (ZeroDivisionError, ValueError):
            raise Undefined(f"{name} is undefined here") from None
        # log of a negative is complex in mpmath, log 0 is −∞: neither is a real value.
        if isinstance(value, mpmath.mpc) or not mpmath.isfinite(value):
            raise Undefined(f"{name} has no real value here")
        return value

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
    """SymPy numbers or symbols.  ``keep_functions`` keeps σ and the like as unevaluated functions
    (a proof can then treat σ(z) as one atom); otherwise each is written out by its definition."""

    def __init__(self, name: str, keep_functions: bool):
        self.name = name
        self.keep_functions = keep_functions

    def number(self, r):
        return r

    def constant(self, c):
        if c in (sp.E, sp.pi):
            return c
        raise Unsupported(f"the constant {c} is not real-valued or not known")

    def func(self, name, *xs):
        if name == "sqrt":
            return sp.sqrt(xs[0])
        decl = _declared(name)
        return decl(*xs) if self.keep_functions else decl.elementary(*xs)

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
EXACT: Backend = _Sympy("exact", keep_functions=False)
SYMBOLIC: Backend = _Sympy("symbolic", keep_functions=True)
