"""Fixtures for the course tests: the example course, small courses written on the spot, and clean-up.

Every course a test loads (directly or through the CLI) is unloaded after it, so the lecture's
tables are exactly the lecture's in every other test.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from derive.courses import load_course, loaded_courses, unload_course

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "course"


@pytest.fixture(autouse=True)
def _unload_new_courses():
    before = {id(c) for c in loaded_courses()}
    yield
    for course in loaded_courses():
        if id(course) not in before:
            unload_course(course)


@pytest.fixture
def example():
    """The example course, loaded (and unloaded after the test)."""
    return load_course(EXAMPLE)


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (text dedented) and return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


#: A sound problem file; tests break one thing in it at a time.
GOOD_PROBLEM = '''
[[target]]
name = "NAME"
question = "∇_θ L for the squared loss L = ½(θᵀx + θ₀ − y)² of one example"
key = "(theta^T x + theta_0 - y) x"
[target.symbols]
x = { shape = "d", meaning = "the input" }
theta = { shape = "d", meaning = "the weights" }
theta_0 = { meaning = "the bias" }
y = { meaning = "the target" }
r = { meaning = "the residual", bind = "theta^T x + theta_0 - y" }
[target.assume]
y = "real"
[[target.mistake]]
name = "sign"
answer = "(y - theta^T x - theta_0) x"
feedback = "That is the negative gradient."
credit = 0.5
[[target.test]]
answer = "r x"
expect = "correct"
[[target.test]]
answer = "(y - theta^T x - theta_0) x"
expect = "sign"
'''
