"""The JSON API: the same objects as the CLI, and a 4xx JSON error (never a 500) for every bad request."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import zipfile

import pytest

from derive.cli import main
from derive.gradebook import Gradebook
from derive.serve.app import ServeConfig

from .conftest import client_for

HOSTILE = "<img src=x onerror=alert(1)>"


def cli_json(*argv: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(list(argv))
    return json.loads(out.getvalue())


def test_targets_list_questions_and_symbol_shapes(served):
    client, _ = served
    targets = client.get("/api/targets").json()
    by_name = {t["name"]: t for t in targets}
    assert "bce-gradient" in by_name
    symbols = {s["name"]: s for s in by_name["bce-gradient"]["symbols"]}
    assert symbols["x"]["shape"] == "a d×1 column vector" and symbols["y"]["shape"] == "a scalar"
    assert by_name["bce-gradient"]["question"]


def test_preview_reads_answer_as_mathml(served):
    client, _ = served
    r = client.post("/api/preview", json={"target": "bce-gradient", "answer": "(p - y) x"}).json()
    assert set(r) == {"ok", "interpreted_as", "latex", "mathml", "error"}
    assert r["ok"] and r["interpreted_as"] == "(p - y)*x" and r["error"] is None
    assert r["mathml"].startswith("<math") and "<mi>p</mi>" in r["mathml"]


def test_preview_reports_error_with_caret(served):
    client, _ = served
    r = client.post("/api/preview", json={"target": "bce-gradient", "answer": "(p - y x"}).json()
    assert not r["ok"] and r["mathml"] is None
    assert r["error"].splitlines()[-1].strip() == "^" and "(p - y x" in r["error"]


def test_preview_of_hostile_answer_holds_no_markup(served):
    client, _ = served
    r = client.post("/api/preview", json={"target": "bce-gradient", "answer": HOSTILE}).json()
    assert not r["ok"] and r["mathml"] is None      # the error echoes the text; the page shows it as text


def test_check_is_exactly_the_cli_json(served):
    client, _ = served
    for answer in ("(p - y) x", "(y - p) x", "p - y", "(p-y x"):
        web = client.post("/api/check", json={"target": "bce-gradient", "answer": answer}).json()
        cli = cli_json("check", "bce-gradient", answer, "--json")
        web.pop("seconds"), cli.pop("seconds")
        if "points_seed" in cli:         # the server's points seed is its secret (the gradebook keeps it)
            assert web["points_seed"] is None and isinstance(cli["points_seed"], int)
            web.pop("points_seed"), cli.pop("points_seed")
        assert web == cli
    wrong = client.post("/api/check", json={"target": "bce-gradient", "answer": "(y - p) x"}).json()
    assert wrong["verdict"] == "incorrect" and wrong["score"] == 0.5 and wrong["counterexample"]


def test_check_of_a_variant(served):
    client, _ = served
    web = client.post("/api/check", json={"target": "bce-gradient@3", "answer": "(p - y) x"}).json()
    cli = cli_json("check", "bce-gradient@3", "(p - y) x", "--json")
    for key in ("seconds", "points_seed"):
        web.pop(key, None), cli.pop(key, None)
    assert web == cli and web["verdict"] == "correct"


def test_every_check_is_in_the_gradebook(served):
    client, db = served
    client.post("/api/check", json={"target": "sgd-update", "answer": "theta", "student": "zoe"})
    with Gradebook(db) as gb:
        latest = gb.recent(1)[0]
    assert (latest.student, latest.target, latest.answer, latest.source) == ("zoe", "sgd-update", "theta", "web")
    assert latest.verdict == "incorrect"
    assert isinstance(latest.result.get("points_seed", 0), int)    # kept for the instructor to reproduce


@pytest.mark.parametrize("body, status, words", [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (b'{"target": "bce-gradient"}', 400, "'answer'"),
    (b'{"target": 3, "answer": "x"}', 400, "'target'"),
    (b'{"target": "no-such-target", "answer": "x"}', 404, "no-such-target"),
    (b'{"target": "bce-gradient@x", "answer": "x"}', 404, "TARGET@SEED"),
    (json.dumps({"target": "bce-gradient", "answer": "x" * 2001}).encode(), 413, "2000"),
    (b'{"target": "bce-gradient", "answer": "\\ud800"}', 400, "not valid Unicode"),
    (b'{"target": "bce-gradient", "answer": "x", "student": "\\udfff"}', 400, "not valid Unicode"),
    (b"[" * 100_000 + b"]" * 100_000, 413, "limit"),
    ("[" * 30_000 + "]" * 30_000, 400, "not valid JSON"),   # deep nesting under the byte limit
])
def test_bad_requests_get_4xx_json(served, body, status, words):
    client, _ = served
    for path in ("/api/check", "/api/preview"):
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == status, (path, r.text)
        assert words in r.json()["error"]


def test_check_refuses_a_student_that_is_not_a_short_string(served):
    client, _ = served
    for student in (["a"], "s" * 201):
        r = client.post("/api/check", json={"target": "bce-gradient", "answer": "x", "student": student})
        assert r.status_code == 400 and "student" in r.json()["error"]


def test_streamed_body_over_the_limit_is_cut_off(served):
    client, _ = served

    def chunks():
        for _ in range(100):
            yield b" " * 4096      # no Content-Length: the cap must hold while the body streams

    r = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit" in r.json()["error"]


def test_unknown_paths_and_methods_are_json(served):
    client, _ = served
    assert client.get("/api/nothing").json() == {"error": "Not Found"}
    r = client.get("/api/check")
    assert r.status_code == 405 and "error" in r.json()
    r = client.get("/api/variant?target=bce-gradient&seed=-1")
    assert r.status_code == 400
    r = client.get("/api/variant?target=bce-gradient&seed=4")
    assert r.status_code == 200 and r.json()["name"] == "bce-gradient@4" and "answer" not in r.json()


CSV = ("student,target,answer\n"
       "ana,bce-gradient,(p - y) x\n"
       "bo,bce-gradient,(y - p) x\n"
       f"\"{HOSTILE}\",\"{HOSTILE}\",\"{HOSTILE}\"\n"
       "cy,sgd-update,theta - epsilon (p - y) x\n")


def test_grade_upload_results_gradebook_and_zip(served):
    client, db = served
    r = client.post("/api/grade", files={"file": ("class.csv", CSV.encode())})
    assert r.status_code == 200, r.text
    data = r.json()
    assert [row["verdict"] for row in data["rows"]] == ["correct", "incorrect", "invalid", "correct"]
    assert data["summary"]["rows"] == 4 and data["summary"]["correct"] == 2
    with Gradebook(db) as gb:
        stored = gb.batch_rows(data["batch_id"])
        assert sorted(stored) == [0, 1, 2, 3] and stored[1]["verdict"] == "incorrect"   # by position
        before = gb.count()
        client.post("/api/grade", files={"file": ("class.csv", CSV.encode())})   # the same file again
        assert gb.count() == before
    z = client.get(data["zip"])
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert "summary.csv" in names and "ana/results.json" in names
    assert all(".." not in n and not n.startswith("/") for n in names)
    results = json.loads(zipfile.ZipFile(io.BytesIO(z.content)).read("bo/results.json"))
    assert results["score"] == 0.5


def test_grade_jsonl_and_bad_uploads(served):
    client, _ = served
    lines = b'{"student": "a", "target": "bce-dz", "answer": "p - y"}\n{broken\n'
    r = client.post("/api/grade", files={"file": ("s.jsonl", lines)}).json()
    assert [row["verdict"] for row in r["rows"]] == ["correct", "invalid"]
    r = client.post("/api/grade", files={"file": ("s.csv", b"name,answer\nx,y\n")})
    assert r.status_code == 422 and "student,target,answer" in r.json()["error"]
    assert "/tmp" not in r.json()["error"]
    r = client.post("/api/grade", data={"file": "not a file"})
    assert r.status_code == 400 and "'file'" in r.json()["error"]
    r = client.post("/api/grade", files={"file": ("big.csv", b"x" * (20 * 1024 * 1024 + 1))})
    assert r.status_code == 413
    assert client.get("/api/grade/zz/results.zip").status_code == 404
    assert client.get("/api/grade/abcdef/results.zip").json()["error"].startswith("no graded batch")


def test_class_page_shows_the_class_escaped(served):
    client, _ = served
    client.post("/api/grade", files={"file": ("class2.csv", CSV.encode())})
    client.post("/api/check", json={"target": "bce-gradient", "answer": HOSTILE, "student": HOSTILE})
    page = client.get("/class").text
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<svg" in page and "Verdicts per target" not in page.split("<svg")[0]
    assert "sign" in page    # the named mistake of (y - p) x
    row = page[page.index("<td>bce-gradient</td>"):].split("</tr>")[0]
    assert "%" in row


def test_student_page_has_the_stable_ids(served):
    client, _ = served
    page = client.get("/").text
    for element_id in ("target", "answer", "preview", "check", "verdict", "feedback"):
        assert f'id="{element_id}"' in page
    assert 'aria-live' in page and "cdn" not in page.lower() and "https://" not in page


def test_token_guards_class_and_grade(tmp_path):
    with client_for(ServeConfig(db=tmp_path / "g.sqlite3", token="s3cret", workers=1)) as client:
        assert client.get("/class").status_code == 401
        assert client.get("/class?token=wrong").status_code == 401
        assert client.get("/class?token=s3cret").status_code == 200
        upload = {"file": ("c.csv", b"student,target,answer\na,bce-dz,p - y\n")}
        assert client.post("/api/grade", files=upload).status_code == 401
        r = client.post("/api/grade", files=upload, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200
        assert client.get(r.json()["zip"]).status_code == 401
        assert client.post("/api/check", json={"target": "bce-dz", "answer": "p - y"}).status_code == 200


def test_concurrent_checks(served):
    client, _ = served
    answers = ["(p - y) x", "(y - p) x", "p x", "(p - y) x^T", "x", "(p-y", "y x", "(p - y) * x"] * 3
    out: dict[int, int] = {}

    def post(i: int, answer: str) -> None:
        out[i] = client.post("/api/check", json={"target": "bce-gradient", "answer": answer}).status_code

    threads = [threading.Thread(target=post, args=(i, a)) for i, a in enumerate(answers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {i: 200 for i in range(len(answers))}


def test_default_gradebook_is_under_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with client_for(ServeConfig(workers=1)) as client:
        client.post("/api/check", json={"target": "bce-dz", "answer": "p - y"})
    with Gradebook(tmp_path / "derive-toolkit" / "gradebook.sqlite3") as gb:
        assert gb.count() == 1
