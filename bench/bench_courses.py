"""Courses: loading problem files, grading course targets, building a Gradescope autograder.

Three figures, each next to an anchor measured in the same run:

* loading a course of 50 problem files (read with tomllib, every expression read by the answer
  grammar, every target built and registered); anchor: building the lecture's 17 targets from
  its own 5 files.  Target: at most 1 s.
* grading answers to course targets (examples/course, verdict cache off: every row parsed,
  compared and diagnosed); anchor: the same number of answers to the lecture's targets.
  Target: at least 100 answers/s, and about the rate of the built-in targets.
* ``derive gradescope build`` of the example course's four targets.  Target: at most 60 s.

Usage:
    .venv/bin/python bench/bench_courses.py [--files 50] [--students 60] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.courses import load_course, unload_course  # noqa: E402
from derive.courses.bundle import build_autograder  # noqa: E402
from derive.homework.grade import Submission, grade  # noqa: E402
from derive.homework.problem_build import build_target  # noqa: E402
from derive.homework.problem_file import read_problem_file  # noqa: E402
from derive.homework.targets import LECTURE_PROBLEMS  # noqa: E402
from derive.registry import constant  # noqa: E402

PROBLEM = '''
[[target]]
name = "gen-{n}"
question = "∇_θ L for L = ½(θᵀx + θ₀ − {n} y)² (problem {n})"
key = "(theta^T x + theta_0 - {n} y) x"
[target.symbols]
x = {{ shape = "d", meaning = "the input" }}
theta = {{ shape = "d", meaning = "the weights" }}
theta_0 = {{ meaning = "the bias" }}
y = {{ meaning = "the target" }}
r = {{ meaning = "the residual", bind = "theta^T x + theta_0 - {n} y" }}
[target.assume]
y = "real"
[[target.mistake]]
name = "sign"
answer = "({n} y - theta^T x - theta_0) x"
feedback = "That is the negative gradient."
credit = 0.5
[[target.mistake]]
name = "missing-x"
answer = "theta^T x + theta_0 - {n} y"
feedback = "The chain rule needs ∇_θ r = x."
credit = 0.25
[[target.test]]
answer = "r x"
expect = "correct"
'''

COURSE_POOL = {
    "linreg-gradient": (["(theta^T x + theta_0 - y) x", "r x", r"\left(\theta^\top x + \theta_0 - y\right) x"],
                        ["(y - theta^T x - theta_0) x", "theta^T x + theta_0 - y", "r theta", "r q"]),
    "linreg-gradient-bias": (["r", "theta^T x + theta_0 - y"], ["r x", "y - r - 2 y", "(r"]),
    "linreg-hessian": (["x x^T", "outer(x, x)", r"\mathbf{x}\mathbf{x}^\top"], ["x^T x", "1/2 x x^T", "r x x^T"]),
    "swish-grad-w": (["(v swish(w x + b) + c - y) v (sigma(w x + b) + (w x + b) sigma(w x + b) (1 - sigma(w x + b))) x"],
                     ["(v swish(w x + b) + c - y) v x", "(v swish(w x + b) + c - y) v sigma(w x + b) x"]),
}
LECTURE_POOL = {
    "bce-gradient": (["(p - y) x", "(sigma(theta^T x + theta_0) - y) x", r"(p-y)\mathbf{x}"],
                     ["(y - p) x", "(p - y) x^T", "p - y", "(p - y) q"]),
    "bce-dz": (["p - y", "sigma(z) - y"], ["y - p", "-y/p + (1-y)/(1-p)", "(p"]),
    "bce-hessian": (["p(1-p) x x^T", "sigma(z)(1 - sigma(z)) outer(x, x)"], ["x x^T", "p (1-p) x^T x"]),
    "sigmoid-derivative": (["p(1-p)", "sigma(z)(1-sigma(z))"], ["sigma(z)^2", "1 - sigma(z)^2"]),
}


def _rows(pool: dict, students: int, rng: random.Random) -> list[Submission]:
    rows = []
    for s in range(students):
        for target, (right, wrong) in pool.items():
            answer = rng.choice(right) if rng.random() < 0.5 else rng.choice(wrong)
            rows.append(Submission(len(rows) + 1, f"student{s}", target, answer))
    return rows


def bench_loading(files: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "generated"
        (root / "problems").mkdir(parents=True)
        for n in range(files):
            (root / "problems" / f"p{n:03d}.toml").write_text(PROBLEM.format(n=n + 2), encoding="utf-8")
        start = time.perf_counter()
        course = load_course(root)
        seconds = time.perf_counter() - start
        assert not course.errors and len(course.targets) == files, course.errors[:3]
        unload_course(course)
    start = time.perf_counter()
    for path in sorted(LECTURE_PROBLEMS.glob("*.toml")):
        pf = read_problem_file(path)
        for i in range(len(pf.targets)):
            build_target(pf, i, constant)
    return seconds, time.perf_counter() - start


def bench_grading(students: int, seed: int) -> tuple[float, float, int]:
    course = load_course(ROOT / "examples" / "course")
    rng = random.Random(seed)
    course_rows, lecture_rows = _rows(COURSE_POOL, students, rng), _rows(LECTURE_POOL, students, rng)
    grade(course_rows[:8] + lecture_rows[:8], cache=False)  # first use: keys and checks computed once
    rates = []
    for rows in (course_rows, lecture_rows):
        start = time.perf_counter()
        batch = grade(rows, cache=False)
        rates.append(len(batch.rows) / (time.perf_counter() - start))
    unload_course(course)
    return rates[0], rates[1], len(course_rows)


def bench_build() -> tuple[float, float]:
    course = load_course(ROOT / "examples" / "course")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        out = build_autograder(list(COURSE_POOL), Path(tmp) / "autograder.zip", [course.root])
        seconds = time.perf_counter() - start
        size = out.stat().st_size / 1e6
    unload_course(course)
    return seconds, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    load_s, lecture_s = bench_loading(args.files)
    print(f"load a course of {args.files} problem files: {load_s:.2f} s (target ≤ 1 s: "
          f"{'met' if load_s <= 1 else 'MISSED'}); anchor: the lecture's 17 targets from TOML {lecture_s:.2f} s; "
          f"per target {1000 * load_s / args.files:.1f} ms vs {1000 * lecture_s / 17:.1f} ms")
    course_rate, lecture_rate, n = bench_grading(args.students, args.seed)
    print(f"grade {n} answers to course targets: {course_rate:.0f} answers/s (target ≥ 100: "
          f"{'met' if course_rate >= 100 else 'MISSED'}); anchor: lecture targets {lecture_rate:.0f} answers/s; "
          f"ratio {course_rate / lecture_rate:.2f}")
    build_s, size = bench_build()
    print(f"gradescope build (4 targets, example course): {build_s:.1f} s, {size:.1f} MB (target ≤ 60 s: "
          f"{'met' if build_s <= 60 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
