"""One module per result of the lecture; each defines ``DERIVATION`` and its final formulas."""
