"""The ``derive`` command line: ``main(argv) -> int``.

Each sub-command lives in its own module under ``derive.cli`` with ``register(subparsers)``,
which adds a parser whose ``handler(args) -> int`` does the work.  Errors that a user can
cause (a bad name, a bad file) are raised as ValueError/TypeError/OSError and printed here
as one line on stderr, never as a traceback.

Courses: ``derive --course DIR COMMAND ...`` (or ``COMMAND --course DIR``, or the environment
variable ``DERIVE_COURSE``, several folders separated by ``:``) loads a course before the
command runs, and so does every installed ``derive.courses`` entry point.  A course's loading
errors are printed one per line; the command still runs on everything else, and then exits 1.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from .. import __version__

__all__ = ["main", "COMMAND_MODULES", "UsageError"]

#: Sub-command modules, in the order ``derive --help`` lists them.
COMMAND_MODULES = (
    "derive.cli.derivations",
    "derive.cli.report",
    "derive.cli.check",
    "derive.cli.train",
    "derive.cli.course",
    "derive.cli.gradescope",
    "derive.cli.serve",
)
#: The environment variable naming course folders to load (separated by os.pathsep).
COURSE_ENV = "DERIVE_COURSE"


class UsageError(ValueError):
    """A mistake in how the command was called; exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derive",
        description="Derive, verify and teach the mathematics of logistic regression and neural networks. "
                    "Every step of every derivation is machine-checked: proved symbolically, "
                    "or refuted with a counterexample.",
        epilog="Run 'derive COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"derive-toolkit {__version__}")
    parser.add_argument("--course", action="append", default=[], metavar="DIR",
                        help=f"load the course in DIR (derivations/*.py, problems/*.toml); repeatable; "
                             f"also ${COURSE_ENV}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for command in sub.choices.values():
        if not any("--course" in a.option_strings for a in command._actions):
            command.add_argument("--course", dest="sub_course", action="append", default=[], metavar="DIR",
                                 help="load the course in DIR first (as 'derive --course DIR')")
    return parser


#: ``derive.courses.ENTRY_POINT_GROUP``, known here without importing the course machinery.
COURSE_GROUP = "derive.courses"


def load_courses(args: argparse.Namespace) -> list[str]:
    """Load the courses named by $DERIVE_COURSE, --course and the installed entry points.

    Returns the loading errors (one line each); a folder that is not a course raises ValueError.
    """
    from importlib.metadata import entry_points

    folders = [f for f in os.environ.get(COURSE_ENV, "").split(os.pathsep) if f.strip()]
    folders += list(getattr(args, "course", []) or []) + list(getattr(args, "sub_course", []) or [])
    if not folders and not entry_points(group=COURSE_GROUP):
        return []  # no course: the course machinery (and the answer parser) is not even imported
    from ..courses import load_course, load_installed

    errors = [e for c in load_installed() for e in c.errors]
    for folder in dict.fromkeys(folders):
        errors += load_course(folder).errors
    return errors


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        load_errors = load_courses(args)
        for line in load_errors:
            print(f"derive: {line}", file=sys.stderr)
        status = int(args.handler(args) or 0)
        return max(status, 1) if load_errors else status
    except BrokenPipeError:
        return 0  # the reader (e.g. `head`) closed the pipe: not an error of ours
    except UsageError as exc:
        print(f"derive {args.command}: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError) as exc:
        print(f"derive {args.command}: {exc}", file=sys.stderr)
        return 1
    except MemoryError as exc:
        print(f"derive {args.command}: out of memory{f': {exc}' if str(exc) else ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"derive {args.command}: interrupted", file=sys.stderr)
        return 130
