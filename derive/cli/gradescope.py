"""``derive gradescope build TARGET... -o autograder.zip`` and ``derive gradescope selftest ZIP SUBMISSION``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gradescope", help="build a Gradescope autograder, or test one locally",
                       description="'build' writes a ready autograder zip for some targets (the lecture's or a "
                                   "course's); 'selftest' runs a zip on one student's answers file, as Gradescope "
                                   "would, in a temporary folder.")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    b = actions.add_parser("build", help="write autograder.zip for TARGET...",
                           description="Write a Gradescope autograder: setup.sh and run_autograder at the zip's "
                                       "root, the checker and the course bundled, one test per target. Students "
                                       "submit a CSV (target,answer) or JSON Lines file.")
    b.add_argument("targets", nargs="+", metavar="TARGET", help="the assignment's targets")
    b.add_argument("-o", "--output", default="autograder.zip", help="the zip to write (default: autograder.zip)")
    b.add_argument("--course", dest="sub_course", action="append", default=[], metavar="DIR",
                   help="load the course in DIR and bundle it (repeatable)")
    b.set_defaults(handler=run_build)
    s = actions.add_parser("selftest", help="run an autograder zip on a submission",
                           description="Unpack the zip into a temporary fake /autograder root, put SUBMISSION in "
                                       "its submission/ folder, run run_autograder and print results.json.")
    s.add_argument("zip", help="the autograder zip")
    s.add_argument("submission", nargs="?", help="the student's answers file (none: an empty submission)")
    s.add_argument("--json", action="store_true", help="print results.json as it is")
    s.set_defaults(handler=run_selftest)
    p.set_defaults(handler=lambda args: (_ for _ in ()).throw(UsageError("choose an action: build or selftest")))


def run_build(args: argparse.Namespace) -> int:
    from ..courses import loaded_courses
    from ..courses.bundle import build_autograder

    start = time.perf_counter()
    courses = [c.root for c in loaded_courses() if c.targets or c.derivations]
    out = build_autograder(args.targets, args.output, courses)
    size = out.stat().st_size / 1e6
    print(out)
    print(f"{len(args.targets)} target(s), {len(courses)} course(s), {size:.1f} MB in "
          f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


def run_selftest(args: argparse.Namespace) -> int:
    from ..courses.selftest import selftest

    results = selftest(Path(args.zip), args.submission)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    for test in results.get("tests", []):
        first = next((line for line in test["output"].splitlines() if line.strip()), "")
        print(f"{test['name']:<24}  {test['score']:g}/{test['max_score']:g}  {first}")
    total = sum(t["max_score"] for t in results.get("tests", []))
    print(f"score {results['score']:g}/{total:g}: {results.get('output', '')}")
    return 0
