"""The vocabulary: every function the toolkit knows, each declared once (``Declared``).

    from derive.vocabulary import declare_expression
    u = sp.Symbol("u", real=True)
    softsign = declare_expression("softsign", u, u / (1 + sp.Abs(u)))
    softsign(z)                       # a SymPy function that knows its derivative,
                                      # its LaTeX, its answer spelling and its numeric forms

Readers: the answer grammar and echo (``derive.answers``), the grader's evaluator
(``derive.evaluate``), the verifier (``to_elementary``, ``mpmath_namespace``), the code
generator (``numeric.codegen``) and the reports' printer (``reports.latex``).
"""

from .classes import DeclaredFunction, logsumexp, relu, sigmoid, softplus
from .declaration import Declared, by_name, by_spelling, declaration_of, declare, declared, on_change, undeclare
from .builtin import BUILTIN
from .cases import sign_cases
from .expression import caveats, declare_expression, elementary_classes, mpmath_namespace, to_elementary
from .vector import LogSumExp

__all__ = [
    "Declared", "declare", "undeclare", "declared", "declaration_of", "by_name", "by_spelling", "on_change", "BUILTIN",
    "DeclaredFunction", "sigmoid", "softplus", "logsumexp", "relu", "LogSumExp",
    "sign_cases", "declare_expression", "to_elementary", "elementary_classes", "mpmath_namespace", "caveats",
]
