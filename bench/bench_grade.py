"""Grading throughput: answers per second over a mixed class file, against the 100/s target.

A class of STUDENTS students answers every target once; each answer is drawn (seeded) from
that target's pool: correct forms in plain and LaTeX notation (about half), known mistakes
(about a third), and malformed or hostile input.  Identical answers recur, as in a real class.
Three timings, each in one process:

* ``derive grade FILE`` run as a fresh process (imports and answer-key setup included);
* the same rows graded in this process with the verdict cache on (identical answers reuse a verdict);
* the same rows with the verdict cache off: every row parsed, compared and diagnosed;
* every row as if new: also SymPy's cache and the checkers' caches emptied before each row.

It also reports the slowest single answer (the limit is 5 s) and runs a few pathological
answers to show each ends within the limit.  Targets (issue 5): ≥ 100 answers/s over the file,
no answer over 5 s.  Usage:
    .venv/bin/python bench/bench_grade.py [--students N] [--seed S]
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sympy.core.cache import clear_cache as clear_sympy_cache

from derive.homework.equivalence import forget_checkers
from derive.homework.grade import grade, read_submissions
from derive.homework.reading import read
from derive.homework.targets import get_target, target_names
from derive.homework.verdict import check, clear_cache


def forget_everything() -> None:
    """Empty every cache an earlier, identical answer could have filled (keys stay computed)."""
    clear_cache()
    clear_sympy_cache()
    forget_checkers(keep_points=True)

TARGET_RATE = 100.0
LIMIT_SECONDS = 5.0

POOL: dict[str, tuple[list[str], list[str]]] = {  # target: (correct forms, wrong forms)
    "sigmoid-derivative": (["sigma(z)(1-sigma(z))", "p(1-p)", r"\frac{e^{-z}}{(1+e^{-z})^2}", "p - p^2"],
                           ["sigma(z)^2", "1 - sigma(z)^2", "2p(1-p)"]),
    "bce-loss": (["-y log p - (1-y) log(1-p)", "-log(p^y (1-p)^(1-y))", r"-y\log p-(1-y)\log(1-p)"],
                 ["y log p + (1-y) log(1-p)", "-y log p"]),
    "bce-dz": (["p - y", "sigma(z) - y", r"\sigma(z)-y", "-y(1-p) + (1-y)p"], ["y - p", "-y/p + (1-y)/(1-p)"]),
    "bce-gradient": (["(p - y) x", "(sigma(theta^T x + theta_0) - y) x", r"(p-y)\mathbf{x}", "p x - y x"],
                     ["(y - p) x", "(p - y) x^T", "(sigma(theta^T x) - y) x", "p - y"]),
    "bce-gradient-bias": (["p - y", "sigma(theta^T x + theta_0) - y"], ["y - p", "(p - y) x"]),
    "sgd-update": (["theta - eps (p - y) x", r"\theta - \epsilon (p - y) x"], ["theta + eps (p - y) x", "theta - (p - y) x"]),
    "bce-hessian": (["p(1-p) x x^T", r"p(1-p)\,\mathbf{x}\mathbf{x}^\top", "sigma(z)(1-sigma(z)) outer(x, x)"],
                    ["p^2 x x^T", "p(1-p) x^T x"]),
    "lda-theta": (["Sigma^-1 (mu_1 - mu_0)", r"\Sigma^{-1}(\mu_1 - \mu_0)", "inv(Sigma) mu_1 - inv(Sigma) mu_0"],
                  ["Sigma (mu_1 - mu_0)", "mu_1 - mu_0"]),
    "lda-theta0": (["-1/2 mu_1^T Sigma^-1 mu_1 + 1/2 mu_0^T Sigma^-1 mu_0 + log(pi_1/pi_0)",
                    "-(mu_1 - mu_0)^T Sigma^-1 (mu_1 + mu_0)/2 + log(pi_1) - log(pi_0)"],
                   ["-1/2 mu_1^T Sigma^-1 mu_1 + 1/2 mu_0^T Sigma^-1 mu_0"]),
    "lda-softmax-theta": (["Sigma^-1 mu_k", r"\Sigma^{-1}\mu_k"], ["Sigma mu_k", "mu_k"]),
    "lda-softmax-theta0": (["-1/2 mu_k^T Sigma^-1 mu_k + log(pi_k)", "log pi_k - mu_k^T inv(Sigma) mu_k / 2"],
                           ["-1/2 mu_k^T Sigma^-1 mu_k"]),
    "softmax-jacobian": (["diag(s) - s s^T", "s_i (delta_ij - s_j)", r"\mathrm{diag}(s) - s s^\top"], ["-s s^T", "diag(s)"]),
    "softmax-ce-gradient": (["s - y", "softmax(a) - y", r"\mathbf{s} - \mathbf{y}"], ["y - s", "s"]),
    "softmax-two-class": (["sigma(a_1 - a_0)", r"\frac{e^{a_1}}{e^{a_0}+e^{a_1}}"], ["sigma(a_0 - a_1)"]),
    "boundary-distance": (["-theta_0/norm(theta)", r"-\frac{\theta_0}{\|\theta\|}"], ["theta_0/norm(theta)", "-theta_0"]),
    "mlp-grad-W2": (["(s - y) h^T", "outer(s - y, h)"], ["(y - s) h^T", "h (s - y)^T", "(s - y) x^T"]),
    "mlp-grad-W1": (["((W_2^T (s - y)) * (1 - h^2)) x^T", "diag(1 - h^2) W_2^T (s - y) x^T"],
                    ["((W_2^T (s - y)) * h * (1 - h)) x^T", "W_2^T (s - y) x^T"]),
}
INVALID = ["(p - y", "foo(x)", "__import__('os').system('ls')", r"\input{/etc/passwd}", "9**9**9**9", "q + 1"]
PATHOLOGICAL = [
    ("sigmoid-derivative", "p(1-p) + exp(-1000000 (z - 0.3)^2)"),
    ("sigmoid-derivative", "p(1-p) + (1e-40 - (z-0.3)^2 + abs(1e-40 - (z-0.3)^2))/2"),
    ("bce-gradient", "(p - y) x" + " + 0 x" * 150),
    ("sigmoid-derivative", "((((((z+1)^9)^9)^9)^9)^9)"),
    ("lda-theta0", "log(pi_1/pi_0) - (mu_1^T Sigma^-1 mu_1 - mu_0^T Sigma^-1 mu_0)/2" + " + 0" * 100),
]


def make_file(path: Path, students: int, seed: int) -> int:
    rng = random.Random(seed)
    rows = []
    for k in range(students):
        for target in target_names():
            correct, wrong = POOL[target]
            roll = rng.random()
            answer = rng.choice(correct) if roll < 0.5 else rng.choice(wrong) if roll < 0.85 else rng.choice(INVALID)
            rows.append((f"s{k:03d}", target, answer))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "target", "answer"])
        writer.writerows(rows)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "class.csv"
        n = make_file(path, args.students, args.seed)
        derive = Path(sys.executable).with_name("derive")
        start = time.perf_counter()
        proc = subprocess.run([str(derive), "grade", str(path)], capture_output=True, text=True)
        fresh = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stderr)
            sys.exit(1)
        print(f"mixed file: {n} answers ({args.students} students × {len(target_names())} targets)")
        print(f"  derive grade, fresh process:      {fresh:6.2f} s  {n / fresh:7.0f} answers/s  "
              f"ratio to the {TARGET_RATE:.0f}/s target: {n / fresh / TARGET_RATE:5.2f}×")
        print("   " + proc.stdout.strip().splitlines()[-1])

        rows = list(read_submissions(path))
        clear_cache()
        cached = grade(rows)
        print(f"  in process, cache on (warm keys): {cached.seconds:6.2f} s  {cached.rate:7.0f} answers/s  "
              f"ratio: {cached.rate / TARGET_RATE:5.2f}×")
        clear_cache()
        cold = grade(rows, cache=False)
        print(f"  in process, verdict cache off:    {cold.seconds:6.2f} s  {cold.rate:7.0f} answers/s  "
              f"ratio: {cold.rate / TARGET_RATE:5.2f}×  slowest answer {cold.slowest():.2f} s "
              f"(limit {LIMIT_SECONDS:g} s)")
        # As if every answer were new: SymPy's own cache and the checkers' caches emptied before
        # each row (outside the timing).  A pessimistic bound: distinct answers still share work.
        spent, slowest, by_verdict = 0.0, 0.0, {}
        for sub in rows:
            forget_everything()
            start = time.perf_counter()
            r = check(sub.target, sub.answer, cache=False) if sub.problem is None else None
            took = time.perf_counter() - start
            spent, slowest = spent + took, max(slowest, took)
            if r is not None:
                by_verdict.setdefault(r.verdict.value, []).append(took)
        print(f"  in process, every answer as new:  {spent:6.2f} s  {n / spent:7.0f} answers/s  "
              f"ratio: {n / spent / TARGET_RATE:5.2f}×  slowest answer {slowest:.2f} s")
        print("    mean per answer by verdict: " + ", ".join(
            f"{v} {sum(t) / len(t) * 1000:.1f} ms (n={len(t)})" for v, t in sorted(by_verdict.items())))
        parse_time = 0.0
        for sub in rows:
            forget_everything()
            start = time.perf_counter()
            try:
                read(sub.answer, get_target(sub.target))
            except (ValueError, TypeError):
                pass
            parse_time += time.perf_counter() - start
        print(f"    of which reading the answers (derive.answers, echo included): {parse_time:.2f} s "
              f"({parse_time / spent:.0%})")

    print("pathological answers (each must end within the limit):")
    worst = 0.0
    for target, answer in PATHOLOGICAL:
        r = check(target, answer, cache=False)
        worst = max(worst, r.seconds)
        print(f"  {r.seconds:5.2f} s  {r.verdict.value:<9}  {target}: {answer[:60]}")
    ok = n / fresh >= TARGET_RATE and max(cold.slowest(), slowest, worst) <= LIMIT_SECONDS
    print("targets met" if ok else "TARGETS NOT MET")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
