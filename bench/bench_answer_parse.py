"""Parse speed of the answer language: answers per second, and the ratio to SymPy's parse_expr.

Three timings, each the least CPU time of REPEAT passes in one process (the grammar is built
first):

* a mixed set of answers as students type them: plain and LaTeX, vectors and matrices, index
  notation, and a fifth malformed or hostile (each must raise ParseError), first with the
  cache of readings cleared before each pass, then again with it (identical answers recur);
* scalar answers, parsed by ``parse_answer`` and, as Python text, by SymPy's ``parse_expr``
  (which evaluates its input with ``eval`` and so is never used on answers; it is timed here
  only on these fixed strings, as the baseline any text-to-SymPy reader is measured against);
* the pathological answers of the tests (long sums, deep nesting), worst case per answer.

Target (issue 5, for the whole checker): ≥ 100 answers/s, no answer over 5 s; parsing should
take a small share of that.  Usage:
    .venv/bin/python bench/bench_answer_parse.py [--repeat R]
"""

from __future__ import annotations

import argparse
import time

import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

from derive import symbols as S
from derive.answers import ParseError, SymbolSpec, parse_answer
from derive.answers.grammar import parser
from derive.answers.parse import clear_cache

SPECS = tuple(SymbolSpec(n, o) for n, o in {
    "z": S.z, "p": S.p, "y": S.y, "theta_0": S.theta0, "epsilon": S.eps, "pi_0": S.pi0, "pi_1": S.pi1,
    "x": S.x, "theta": S.theta, "mu_0": S.mu0, "mu_1": S.mu1, "Sigma": S.Sigma,
}.items())
SOFTMAX = tuple(SymbolSpec(n, o) for n, o in {
    "a": S.a, "s": S.s, "y": S.Y, "x": S.x, "h": S.h, "W_1": S.W1, "W_2": S.W2, "b_1": S.b1, "b_2": S.b2,
}.items())

MIXED = [
    (SPECS, "sigma(z)(1-sigma(z))"), (SPECS, "p(1-p)"), (SPECS, r"\frac{e^{-z}}{(1+e^{-z})^2}"),
    (SPECS, "-y log p - (1-y) log(1-p)"), (SPECS, r"-y\log p-(1-y)\log(1-p)"), (SPECS, "p - y"),
    (SPECS, "(p - y) x"), (SPECS, "(sigma(theta^T x + theta_0) - y) x"), (SPECS, r"(p-y)\mathbf{x}"),
    (SPECS, "theta - eps (p - y) x"), (SPECS, "p(1-p) x x^T"), (SPECS, r"p(1-p)\,\mathbf{x}\mathbf{x}^\top"),
    (SPECS, "Sigma^-1 (mu_1 - mu_0)"), (SPECS, r"\Sigma^{-1}(\mu_1 - \mu_0)"),
    (SPECS, "-1/2 mu_1^T Sigma^-1 mu_1 + 1/2 mu_0^T Sigma^-1 mu_0 + log(pi_1/pi_0)"),
    (SPECS, r"-\frac{\theta_0}{\|\theta\|}"), (SPECS, "-theta_0/norm(theta)"),
    (SOFTMAX, "diag(s) - s s^T"), (SOFTMAX, "s_i (delta_ij - s_j)"), (SOFTMAX, r"s_i\delta_{ij} - s_i s_j"),
    (SOFTMAX, "s - y"), (SOFTMAX, "(s - y) h^T"), (SOFTMAX, "((W_2.T @ (s - y)) * (1 - h**2)) @ x.T"),
    (SOFTMAX, r"\left(W_2^\top (s-y) \odot (1-h^{\circ 2})\right) x^\top"),
    # malformed and hostile: a fifth of the mix
    (SPECS, "(p - y"), (SPECS, "q + p"), (SPECS, "__import__('os').system('ls')"), (SPECS, r"\input{/etc/passwd}"),
    (SPECS, "9**9**9**9"), (SPECS, "x + s"),
]

# (answer as typed, the same in Python syntax for parse_expr)
SCALAR = [
    ("sigma(z)(1-sigma(z))", "sigma(z)*(1-sigma(z))"), ("p(1-p)", "p*(1-p)"), ("p - y", "p - y"),
    ("-y log p - (1-y) log(1-p)", "-y*log(p) - (1-y)*log(1-p)"), ("1/(1+exp(-z))", "1/(1+exp(-z))"),
    ("exp(-z)/(1+exp(-z))^2", "exp(-z)/(1+exp(-z))**2"), ("log(pi_1/pi_0) - theta_0", "log(pi_1/pi_0) - theta_0"),
    ("-theta_0 + 2.5 z^3", "-theta_0 + 2.5*z**3"),
]

PATHOLOGICAL = [
    "+".join(["p"] * 1000), " ".join(["p"] * 1000), "*".join(["x"] * 1000), "exp(" * 38 + "p" + ")" * 38,
    r"\frac{1}{" * 38 + "p" + "}" * 38, "p^" * 60 + "p", "+".join(["(p+1)^100"] * 150),
]


def best_of(repeat: int, work) -> float:
    """The least CPU time of ``repeat`` runs: CPU rather than wall time, since other work
    sharing the machine's two cores would otherwise dominate the figure."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def parse_all(items, *, cached: bool = False) -> None:
    if not cached:
        clear_cache()
    for specs, text in items:
        try:
            parse_answer(text, specs)
        except ParseError:
            pass


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--repeat", type=int, default=7)
    repeat = args.parse_args().repeat
    parser()

    mixed = best_of(repeat, lambda: parse_all(MIXED))
    print(f"mixed answers ({len(MIXED)}): {mixed / len(MIXED) * 1e6:8.0f} µs each, "
          f"{len(MIXED) / mixed:7.0f} answers/s")
    parse_all(MIXED)
    again = best_of(repeat, lambda: parse_all(MIXED, cached=True))
    print(f"the same answers again (a class repeats itself; readings are cached): "
          f"{again / len(MIXED) * 1e6:6.1f} µs each, {mixed / again:.0f}× faster")

    ours = best_of(repeat, lambda: parse_all([(SPECS, t) for t, _ in SCALAR]))
    local = {"sigma": sp.Function("sigma"), **{spec.name: spec.obj for spec in SPECS if spec.obj.is_Symbol}}
    theirs = best_of(repeat, lambda: [parse_expr(py, local_dict=local) for _, py in SCALAR])
    print(f"scalar answers ({len(SCALAR)}): parse_answer {ours / len(SCALAR) * 1e6:6.0f} µs, "
          f"parse_expr {theirs / len(SCALAR) * 1e6:6.0f} µs each; ratio {ours / theirs:.2f}× "
          f"(< 1 is faster than parse_expr)")

    worst, worst_text = 0.0, ""
    for text in PATHOLOGICAL:
        took = best_of(1, lambda: parse_all([(SPECS, text)]))
        if took > worst:
            worst, worst_text = took, text
    print(f"pathological answers ({len(PATHOLOGICAL)}, ≤ 2000 characters): worst {worst * 1e3:.0f} ms "
          f"({worst_text[:24]}…), {worst / 5.0:.3f} of the 5 s limit")


if __name__ == "__main__":
    main()
