"""``derive check TARGET ANSWER`` when the answer starts with '-': read as the answer, not an option."""

from __future__ import annotations

import json

import pytest

from derive.cli import main


@pytest.mark.parametrize("answer,code", [("-p(p-1)", 0), ("-p (p - 1)", 0), ("-(p - 1)p", 0), ("-p(p+1)", 1),
                                         ("-2", 1)])
def test_an_answer_may_start_with_a_minus(capsys, answer, code):
    assert main(["check", "sigmoid-derivative", answer, "--json"]) == code
    out = json.loads(capsys.readouterr().out)
    assert out["answer"] == answer
    assert out["verdict"] == ("correct" if code == 0 else "incorrect")


def test_options_are_still_options(capsys):
    assert main(["check", "--json", "sigmoid-derivative", "-p(p-1)"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "correct"
    with pytest.raises(SystemExit) as info:
        main(["check", "sigmoid-derivative", "--bogus"])
    assert info.value.code == 2


def test_a_problem_lists_its_aliases(capsys):
    assert main(["problem", "sgd-update"]) == 0
    assert "eta for epsilon" in capsys.readouterr().out
    assert main(["problem", "bce-loss"]) == 0
    assert "Also written" not in capsys.readouterr().out
