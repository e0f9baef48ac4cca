"""The short tour that ``make demo`` prints at the end."""

from __future__ import annotations

from .registry import REGISTRY

TOUR = """
What you just saw:
  1. every step of the lecture's {n} derivations checked by machine:
       proved     a symbolic method (expand, cancel, ...) reduced the two sides' difference to 0
       refuted    mpmath found a point, at 50 digits, where the two sides differ
       undecided  neither: numeric agreement alone is never counted as a proof
  2. a class graded against answer keys taken from those derivations, mistakes named
  3. trainers whose gradients were generated from the proofs
  4. the derivations typeset as lecture notes, each step with its verdict

Try next:
  .venv/bin/derive list                                  the derivations
  .venv/bin/derive show bce-gradient                     one derivation, step by step
  .venv/bin/derive check bce-gradient '(y - p) x'        check an answer (this one is wrong)
  .venv/bin/derive problem lda-theta --seed 7            a numeric homework variant
  .venv/bin/derive train softmax --data FILE.csv --target COLUMN
  .venv/bin/derive report bce-gradient                   one handout as PDF
  .venv/bin/derive COMMAND --help                        every option
"""


def main() -> None:
    print(TOUR.format(n=len(REGISTRY)).rstrip())


if __name__ == "__main__":
    main()
