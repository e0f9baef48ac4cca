"""``derive new-course DIR`` and ``derive problem validate FILE|DIR``: authoring a course."""

from __future__ import annotations

import argparse
import sys

from . import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new-course", help="write a small starting course into DIR",
                       description="Write a starting course (a derivation, a problem file with a target, its "
                                   "mistakes and tests, and sample submissions) that verifies, validates and "
                                   "grades as it is. Then: derive --course DIR verify --all; derive problem "
                                   "validate DIR; derive --course DIR grade DIR/submissions.csv.")
    p.add_argument("dir", help="the new course's folder (must not exist, or be empty)")
    p.set_defaults(handler=run_new_course)


def run_new_course(args: argparse.Namespace) -> int:
    from ..courses.template import new_course

    written = new_course(args.dir)
    for path in written:
        print(path)
    print(f"next: derive --course {args.dir} verify --all && derive problem validate {args.dir} && "
          f"derive --course {args.dir} grade {args.dir}/submissions.csv", file=sys.stderr)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """``derive problem validate PATH...``: errors as FILE:LINE: message on stderr; exit 1 on any."""
    from ..courses.validate import validate

    if args.target != "validate":
        raise UsageError(f"unexpected arguments after {args.target!r}: {' '.join(args.paths)}")
    if not args.paths:
        raise UsageError("name the problem files, folders or courses to validate")
    report = validate(args.paths)
    for line in report.errors:
        print(line, file=sys.stderr)
    print(report.summary())
    return 1 if report.errors else 0
