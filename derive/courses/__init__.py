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
"""

from .functions import course_function, define_function, defined_functions, forget_function
from .load import ENTRY_POINT_GROUP, Course, load_course, load_installed, loaded_courses, unload_course

__all__ = ["Course", "load_course", "unload_course", "loaded_courses", "load_installed", "ENTRY_POINT_GROUP",
           "define_function", "course_function", "forget_function", "defined_functions"]
