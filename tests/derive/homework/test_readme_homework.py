"""The README's homework examples run as shown, and their numbers come from the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import mpmath

from derive.cli import main
from derive.homework.problems import make_variant

ROOT = Path(__file__).parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def homework_commands() -> list[list[str]]:
    section = README[README.index("## Homework checking"):README.index("Answers are typed in plain math")]
    out = []
    for line in section.splitlines():
        if line.startswith(".venv/bin/derive "):
            command = line[len(".venv/bin/derive "):].split("  #")[0]
            out.append(shlex.split(command))
    return out


def test_the_homework_examples_run_as_shown(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    commands = homework_commands()
    assert {c[0] for c in commands} >= {"check", "grade", "check-steps", "problem"}
    for argv in commands:
        argv = [str(tmp_path / "gs") if a == "gs/" else a for a in argv]
        expected = 1 if argv[:3] == ["check", "bce-gradient", "(y - p) x"] else 0   # the wrong-sign example
        assert main(argv) == expected, argv
        out, err = capsys.readouterr()
        assert "Traceback" not in err


def test_the_numeric_variant_example_matches_its_key_for_seed_7():
    (line,) = [ln for ln in README.splitlines() if "derive check lda-theta@7" in ln]
    numbers = [float(x) for x in re.search(r"'\[([^\]]*)\]'", line).group(1).split(",")]
    key = make_variant("lda-theta", 7).key_numbers()
    flat = [float(v) for v in mpmath.matrix(key)]
    assert len(flat) == len(numbers)
    for got, want in zip(numbers, flat):
        assert abs(got - want) <= 1e-3 * abs(want)


def test_the_check_steps_example_file_is_shipped_and_example_output_is_ignored():
    assert "examples/my-derivation.txt" in README and (ROOT / "examples" / "my-derivation.txt").is_file()
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "/gs/" in ignored
