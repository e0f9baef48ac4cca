"""The homework checker: answer keys from the derivations, exact verdicts, feedback that names the mistake.

    from derive.homework import check
    r = check("bce-gradient", "(y - p) x")
    r.verdict, r.score, r.feedback      # incorrect, 0.5, "Incorrect. Sign of (p − y) flipped: ..."

One idea per module:

* ``targets``     the 17 targets: key (a derivation's constant), symbols, bindings, assumptions, mistakes
* ``evaluate``    a compiled evaluator for scalar and matrix expressions (mpmath, exact, symbolic)
* ``layout``      a target made explicit at concrete sizes; a point's values with the bindings computed
* ``sources``     special values and secret random rationals (asked for by the assumptions)
* ``seed``        the run's secret points seed (recorded in every verdict, reproducible)
* ``sizes``       the sizes answers are checked at: main, second and larger secret ones
* ``points``      points that respect a target's assumptions and bindings (random, special, exact)
* ``compiled``    an answer ready to evaluate (index notation included)
* ``proofs``      symbolic proof at the main sizes; ``exactness`` deciding that a constant is 0
* ``equivalence`` numeric search at 50 digits, symbolic proof, exact evaluation → equal or not
* ``mistakes``    naming a wrong answer's mistake (known ones, transpose, sign, factor, shape)
* ``results``     the verdict and result types (a leaf: nothing of the engine imported)
* ``verdict``     correct / incorrect / invalid / undecided, with feedback, score and a time limit
* ``problems``    numeric variants (TARGET@SEED) and numeric answers
* ``steps``       check-steps: the first line of a derivation that does not follow
* ``grade``       batch grading from CSV or JSON Lines; ``gradescope`` writes the results
* ``isolate``     the same checks in a worker process with a hard limit
"""

from .problems import make_variant
from .steps import check_steps
from .targets import Target, get_target, target_names
from .verdict import CheckResult, Verdict, check, check_expr

# Batch grading stays in its module (derive.homework.grade.grade): a function of the same name
# here would hide the module.
__all__ = ["check", "check_expr", "CheckResult", "Verdict", "Target", "get_target", "target_names",
           "make_variant", "check_steps"]
