"""time_limit stops pure-Python work, even work that catches the first interruption."""

from __future__ import annotations

import time

import pytest

from derive.timelimit import TimeLimitExceeded, time_limit


def test_a_block_is_interrupted_after_its_limit():
    start = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.2):
            while True:
                pass
    assert time.monotonic() - start < 5


def test_a_block_that_swallows_the_first_interruption_is_interrupted_again():
    swallowed = 0
    start = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.2):
            while True:
                try:
                    while True:
                        pass
                except TimeLimitExceeded:  # as a library's broad ``except`` might
                    swallowed += 1
                    if swallowed > 2:
                        raise
    assert swallowed == 3 and time.monotonic() - start < 5


def test_an_inner_limit_leaves_the_outer_one_in_force():
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.3):
            with time_limit(10):
                pass
            while True:
                pass


def test_nothing_fires_after_the_block():
    with time_limit(0.05):
        pass
    time.sleep(0.2)  # a stray alarm would raise here
