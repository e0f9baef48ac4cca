"""`derive report`: options, usage errors, --tex-only, and what happens without TeX."""

from __future__ import annotations

import pytest

from derive import REGISTRY
from derive.cli import main
from derive.cli.report import EXIT_NO_TEX

NAME = "sigmoid-derivative"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("--all", "--tex-only", "-o DIR", "reports/out"):
        assert option in out


@pytest.mark.parametrize("argv, message", [
    ((), "name at least one derivation"),
    (("--all", NAME), "not both"),
    (("no-such-derivation",), "unknown derivation(s) 'no-such-derivation'"),
])
def test_usage_errors_are_one_line_and_status_2(capsys, tmp_path, argv, message):
    code, out, err = run(capsys, "report", *argv, "-o", str(tmp_path))
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_tex_only_writes_tex_and_figures_but_no_pdf(capsys, tmp_path):
    code, out, err = run(capsys, "report", NAME, "-o", str(tmp_path), "--tex-only")
    assert code == 0
    assert out.split() == [str(tmp_path / f"{NAME}.tex")]
    tex = (tmp_path / f"{NAME}.tex").read_text()
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    assert (tmp_path / "figures" / "sigmoid.pdf").is_file()
    assert not list(tmp_path.glob("*.pdf"))
    assert tex.count(r"\stepnote{") == len(REGISTRY[NAME].steps)


def test_without_tex_the_tex_is_written_and_status_is_3(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))   # no latexmk, no pdflatex
    code, out, err = run(capsys, "report", NAME, "-o", str(tmp_path))
    assert code == EXIT_NO_TEX == 3
    assert (tmp_path / f"{NAME}.tex").is_file()
    assert not (tmp_path / f"{NAME}.pdf").exists()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "latexmk -pdf" in lines[0] and "apt-get install" in lines[0]
