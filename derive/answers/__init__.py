r"""The answer language: read a student's answer, typed in plain math or LaTeX, into SymPy.

    from derive.answers import parse_answer, ParseError, SymbolSpec
    parsed = parse_answer("(p - y) x", [SymbolSpec("p", p), SymbolSpec("y", y), SymbolSpec("x", x)])
    parsed.expr      # (p - y)*x, a SymPy matrix expression of shape (d, 1)
    parsed.plain     # "(p - y)*x"             how it was read, in plain text
    parsed.latex     # "\left(p - y\right) x"  and in LaTeX (both parse back to the same)

No input ever reaches eval, exec, sympify or parse_expr: a lark grammar parses it and the
builder makes SymPy objects itself.  Bad input raises ``ParseError`` (a ValueError) with a
``kind``, a ``position`` and, for unknown names, the ``known`` ones.

The language in brief (the module docstrings hold the details):

* **Notation**: LaTeX when the text holds a backslash, plain otherwise (``$…$`` is stripped).
* **Numbers**: ``2``, ``0.5``, ``1e-12`` (plain), all exact rationals.
* **Operators**: ``+ - * / ^ ** @``, brackets, ``|x|``, ``||v||``; juxtaposition multiplies,
  left to right like ``*`` (``1/2 x`` is x/2; ``p(1-p)`` is a product since p is a symbol);
  ``log p`` applies log to p.  Transpose: ``^T``, ``.T``, ``ᵀ``, ``^\top``.  Unicode ``−``,
  ``·``, ``×``, ``⊙``, ``²``, ``⁻¹`` work.
* **Functions**: every function of the vocabulary (``derive.vocabulary``: exp log ln sigma
  sigmoid softplus logsumexp relu max tanh cosh sinh sech abs, and any a course declares),
  with ``f'(x)`` its derivative; and the operators sqrt softmax diag outer norm inv det.
* **Bars**: ``|z|`` abs of a scalar, ``|Σ|`` determinant of a square matrix, ``|θ|`` the norm of
  a vector (echoed as one), ``||θ||`` the norm; ``|A|`` of a non-square matrix is refused.
* **Sums**: ``\sum_j``, ``\sum_{j=1}^{K}``, ``sum_j(…)`` over the index letters i and j.
* **Names**: the target's symbols under any spelling (``theta_0``, ``theta0``, ``θ₀``,
  ``\theta_{0}``, ``\boldsymbol\theta``; ``eps``/``ε``); ``e`` and ``pi`` unless declared.
* **Arrays**: NumPy semantics in plain text (``*`` of equal shapes is elementwise), matrix
  products by juxtaposition and ``\cdot`` in LaTeX, ``@`` always; a scalar broadcasts in
  sums; ``A^-1`` of a square matrix is its inverse; a 1×1 product uᵀv is a scalar.
* **Index notation**: ``s_i (delta_ij - s_j)`` is entry (i, j); ``Parsed.index`` holds the
  index symbols used (``INDEX_I``, ``INDEX_J``, counted from 0), entries are ``s[i, 0]``.
* **Bounds**: at most ``MAX_CHARS`` characters, 30-digit literals, exponents and nesting
  bounded, so ``9**9**9**9`` is refused at once.
"""

from .define import declare_definition
from .errors import KINDS, ParseError
from .names import FUNCTIONS, INDEX_I, INDEX_J, SymbolSpec
from .parse import Parsed, clear_cache, parse_answer
from .tokens import MAX_CHARS

__all__ = ["declare_definition", "parse_answer", "Parsed", "ParseError", "SymbolSpec", "KINDS", "FUNCTIONS", "INDEX_I", "INDEX_J",
           "MAX_CHARS", "clear_cache"]
