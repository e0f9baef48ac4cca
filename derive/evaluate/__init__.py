"""Evaluate a SymPy expression, scalars and matrices alike, at one point, without lambdify.

One idea per module:

* ``program``   compile an expression once into straight-line code (``compile_expr``), dispatched
                on the expression's type through one table; run it at any point
* ``matrices``  concrete matrices (``Mat``), points (``Env``) and matrix arithmetic
* ``backends``  the three kinds of number: mpmath (``NUMERIC``), exact (``EXACT``), symbolic

The checker evaluates answers with it, and the verifier evaluates claims at sizes beyond the
ones it proves them at.
"""

from .backends import EXACT, MAX_EXACT_BITS, NUMERIC, SYMBOLIC, Backend, TooBig, Undefined, Unsupported
from .matrices import Env, Mat
from .program import NON_ANALYTIC, Program, compile_expr, is_matrix, shape_of

__all__ = [
    "Mat", "Env", "Program", "compile_expr", "Backend", "NUMERIC", "EXACT", "SYMBOLIC",
    "Undefined", "Unsupported", "TooBig", "shape_of", "is_matrix", "NON_ANALYTIC", "MAX_EXACT_BITS",
]
