"""Courses: instructors bring their own derivations and problems, without touching the package.

A course is a folder::

    my-course/
      derivations/*.py     each defines DERIVATION, a derive.Derivation (see the README's
                           "Writing a course" for Derivation, Step, chain and the assumptions)
      problems/*.toml      homework targets as data (the format: derive.homework.problem_file)

or an installed distribution that names such a folder under the entry-point group
``derive.courses``.  The lecture itself is the built-in course.

    from derive.courses import load_course
    course = load_course("examples/course")   # its derivations join derive.REGISTRY,
    course.errors                              # its targets derive.homework.target_names()

On the command line: ``derive --course DIR COMMAND ...``, or ``DERIVE_COURSE=DIR``.

Writing a derivation file (``derivations/linreg_gradient.py`` of examples/course is one)::

    import sympy as sp
    from derive import Derivation, Real, chain          # also: Step, sigmoid, softplus, logsumexp
    from derive.ops import Dot, Grad, Hessian           # uᵀv, ∇_v f, ∇²_v f (also Jacobian, Softmax, Diag)
    from derive.symbols import theta, theta0, x, y      # the lecture's symbols (or make your own)

    GRADIENT = (Dot(theta, x) + theta0 - y) * x         # constants: what problem files' key_from names
    DERIVATION = Derivation(
        name="linreg-gradient", title="...", summary="...",
        statement=(sp.Eq(Grad(LOSS, theta), GRADIENT, evaluate=False),),
        assumptions=(Real(y),),                          # derive.assumptions: Real, Positive, Binary, ...
        steps=chain(Grad(LOSS, theta), (..., "chain rule"), (GRADIENT, "∇_θ(θᵀx) = x")),
    )

Each step is verified: proved, refuted with a counterexample, or undecided.  A file may use
another derivation's constants with ``derive.registry.constant("NAME:CONSTANT")`` (files load
in name order) and a course function with ``course_function(NAME)``.

Problem files: see ``derive.homework.problem_file`` for the format and
``derive.courses.validate`` for the checks; functions: ``define_function``.
"""

from .functions import course_function, define_function, defined_functions, forget_function
from .load import ENTRY_POINT_GROUP, Course, load_course, load_installed, loaded_courses, unload_course

__all__ = ["Course", "load_course", "unload_course", "loaded_courses", "load_installed", "ENTRY_POINT_GROUP",
           "define_function", "course_function", "forget_function", "defined_functions"]
