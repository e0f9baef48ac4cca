"""The derive command line: help, version, list, show, verify, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from derive import REGISTRY, __version__
from derive.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("list", "show", "verify"):
        assert command in out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert __version__ in capsys.readouterr().out


def test_list_names_every_derivation(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(REGISTRY)


def test_verify_json(capsys):
    name = next(iter(REGISTRY))
    code, out, _ = run(capsys, "verify", name, "--json")
    data = json.loads(out)
    assert code == 0 and data[0]["name"] == name and data[0]["verdict"] == "proved"
    assert len(data[0]["steps"]) == len(REGISTRY[name].steps)
    assert {"index", "verdict", "method", "seconds"} <= set(data[0]["steps"][0])


def test_show_prints_every_justification(capsys):
    d = REGISTRY["sigmoid-derivative"]
    code, out, _ = run(capsys, "show", d.name)
    assert code == 0 and d.title in out
    for step in d.steps:
        assert step.justification in out
    assert out.count("[proved") == len(d.steps)


@pytest.mark.parametrize("argv", [["verify", "no-such-thing"], ["show", "no-such-thing"], ["verify"],
                                  ["verify", "--all", "sigmoid-derivative"]])
def test_usage_errors_are_one_line_and_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    if "no-such-thing" in argv:
        assert "sigmoid-derivative" in err  # the known names are listed


def test_python_dash_m_and_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "derive", "verify", "nope"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "unknown derivation 'nope'" in proc.stderr
