"""The lecture's scalar functions as SymPy functions that know their own calculus.

They are declared once, in ``derive.vocabulary`` (definition, derivative, LaTeX, answer
spellings and numeric forms); this module re-exports them under their historical names.
"""

from __future__ import annotations

from .vocabulary import (Declared, declare, declare_expression, elementary_classes, logsumexp, relu, sigmoid,
                         softplus, to_elementary)

__all__ = ["sigmoid", "softplus", "logsumexp", "relu", "ELEMENTARY", "to_elementary", "Declared", "declare",
           "declare_expression"]

#: The built-in functions that ``to_elementary`` writes out (courses may declare more).
ELEMENTARY = elementary_classes()
