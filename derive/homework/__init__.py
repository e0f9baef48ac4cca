"""The homework checker: answer keys from the derivations, exact verdicts, feedback that names the mistake.

    from derive.homework import check
    r = check("bce-gradient", "(y - p) x")
    r.verdict, r.score, r.feedback      # incorrect, 0.5, "Incorrect. Sign of (p − y) flipped: ..."

One idea per module (answers are evaluated by ``derive.evaluate``, shared with the verifier):

* ``targets``     the targets: key (a derivation's constant), symbols, bindings, assumptions, mistakes;
                  the lecture's 17 are problem files in ``lecture/*.toml``, and courses add theirs
* ``problem_file`` reading a TOML problem file (``problem_build``: into targets; ``problem_check``:
                  mistakes against the key, embedded tests)
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
* ``submissions`` reading a class file row by row (strict decoding, caps, duplicates)
* ``grade``       batch grading in input order; ``gradescope`` writes the results as they are made
* ``fanout``      checking in this process, in worker processes or on a dask cluster
* ``resume``      the rows of a batch in the gradebook, so that a killed run resumes
* ``isolate``     the same checks in a worker process with a hard limit
* ``safetext``    student text escaped for a terminal and neutralised for a spreadsheet
"""

from .problems import make_variant
from .steps import check_steps
from .targets import Target, get_target, target_names
from .verdict import CheckResult, Verdict, check, check_expr

# Batch grading stays in its module (derive.homework.grade.grade): a function of the same name
# here would hide the module.
__all__ = ["check", "check_expr", "CheckResult", "Verdict", "Target", "get_target", "target_names",
           "make_variant", "check_steps"]
