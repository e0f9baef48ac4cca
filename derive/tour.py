"""The short tour that ``make demo`` prints after verifying everything."""

from __future__ import annotations

from .registry import REGISTRY

TOUR = """
What you just saw: every step of every derivation of the lecture, checked by machine.
  proved     a symbolic method (expand, cancel, ...) reduced the two sides' difference to 0
  refuted    mpmath found a point, at 50 digits, where the two sides differ
  undecided  neither: numeric agreement alone is never counted as a proof

Try next:
  .venv/bin/derive list                      the {n} derivations
  .venv/bin/derive show bce-gradient         one derivation, step by step
  .venv/bin/derive verify --all --json       the same table, machine-readable
"""


def main() -> None:
    print(TOUR.format(n=len(REGISTRY)).rstrip())


if __name__ == "__main__":
    main()
