"""The JSON API: targets, preview, check, grade, and the Gradescope zip of a graded batch.

Each action calls the one function every surface shares: ``preview`` for the preview,
``check`` (through the worker pool) with ``CheckResult.as_dict`` for a check — the very object
``derive check --json`` prints — and the batch grader's row function for an upload.
"""

from __future__ import annotations

import io
import re
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..gradebook import content_id
from ..homework.grade import Batch, Graded, Submission, read_submissions, summary_line
from ..homework.mistakes import describe_shape
from ..homework.targets import get_target, target_names
from ..homework.verdict import CheckResult, Verdict
from .limits import UPLOAD_LIMIT, HTTPError, json_object, require_token
from .preview import target_of

__all__ = ["targets", "variant", "preview", "check", "grade", "grade_zip", "target_list"]

_MAX_STUDENT = 200   # characters of a student's name as given to /api/check


def target_list() -> list[dict[str, Any]]:
    """``[{name, question, symbols: [{name, shape, meaning}]}]`` for every target that can be checked."""
    out = []
    for name in target_names():
        try:
            t = get_target(name)
        except ValueError:
            continue  # a target whose key is unavailable here cannot be offered
        symbols = [{"name": d.name, "shape": describe_shape(d.shape), "meaning": d.meaning} for d in t.symbols]
        out.append({"name": t.name, "question": t.question, "symbols": symbols})
    return out


def public(result: CheckResult | Graded) -> dict[str, Any]:
    """``as_dict()`` with the run's points seed withheld: on a server it is the server's secret
    (knowing it, one could compute the check points in advance).  The gradebook keeps it."""
    data = result.as_dict()
    if "points_seed" in data:
        data["points_seed"] = None
    return data


def _known_target(name: str) -> str:
    try:
        target_of(name)
    except ValueError as exc:
        raise HTTPError(404, str(exc)) from None
    return name


async def targets(request: Request) -> JSONResponse:
    return JSONResponse(request.app.state.targets)


async def variant(request: Request) -> JSONResponse:
    """``GET /api/variant?target=T&seed=N``: the numeric variant T@N, without its answer key."""
    from ..homework.problems import make_variant
    name, seed = request.query_params.get("target", ""), request.query_params.get("seed", "")
    if not seed.isdigit() or len(seed) > 9:
        raise HTTPError(400, f"seed must be a non-negative integer of up to 9 digits, got {seed!r}")
    _known_target(name)
    v = await run_in_threadpool(make_variant, name, int(seed))
    return JSONResponse(v.as_dict(with_key=False))


async def preview(request: Request) -> JSONResponse:
    """``POST /api/preview {target, answer}`` → ``{ok, interpreted_as, latex, mathml, error}``."""
    data = await json_object(request, "target", "answer")
    _known_target(data["target"])
    return JSONResponse(await run_in_threadpool(request.app.state.pool.preview, data["target"], data["answer"]))


async def check(request: Request) -> JSONResponse:
    """``POST /api/check {target, answer, student?}`` → the object ``derive check --json`` prints
    (its ``points_seed`` withheld, see ``public``)."""
    data = await json_object(request, "target", "answer")
    student = data.get("student", "")
    if not isinstance(student, str) or len(student) > _MAX_STUDENT:
        raise HTTPError(400, f"the field 'student' must be a string of at most {_MAX_STUDENT} characters")
    _known_target(data["target"])
    state = request.app.state

    def work() -> dict[str, Any]:
        result = state.pool.check(data["target"], data["answer"])
        state.gradebook.record(result, student=student, source="web")
        return public(result)

    return JSONResponse(await run_in_threadpool(work))


async def _upload(request: Request) -> tuple[str, bytes]:
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise HTTPError(400, "send the submissions as a multipart file field named 'file'")
    data = await upload.read(UPLOAD_LIMIT + 1)
    if len(data) > UPLOAD_LIMIT:
        raise HTTPError(413, f"the upload is over the limit of {UPLOAD_LIMIT} bytes")
    return upload.filename or "upload.csv", data


def _read_rows(filename: str, data: bytes) -> list[Submission]:
    suffix = ".jsonl" if Path(filename).suffix.lower() in (".jsonl", ".ndjson", ".json") else ".csv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return list(read_submissions(path))
        except ValueError as exc:
            raise HTTPError(422, str(exc).replace(str(path), filename)) from None


def _grade_row(sub: Submission, pool: Any) -> CheckResult:
    """One row's verdict: an unreadable row is invalid; the pool turns any failure into undecided."""
    if sub.problem is not None:
        return CheckResult(sub.target, sub.answer, Verdict.INVALID, 0.0, f"Invalid: {sub.problem}.",
                           method="unreadable row")
    return pool.check(sub.target, sub.answer)


def _grade_rows(state: Any, rows: list[Submission], batch_id: str) -> Batch:
    """Every row checked in the worker pool, several at once, then stored as one transaction.

    A row is keyed in the gradebook by its position in the file, as ``derive grade --db`` keys
    it, so the same file graded here and there is stored once.
    """
    start = time.perf_counter()
    # One worker is left to the students' checks and previews while a file is graded.
    with ThreadPoolExecutor(max_workers=max(1, state.pool.size - 1)) as ex:
        results = list(ex.map(lambda sub: _grade_row(sub, state.pool), rows))
    batch = Batch([Graded(sub, r) for sub, r in zip(rows, results)], time.perf_counter() - start)
    state.gradebook.record_batch(batch_id, [(i, g.submission.student, g.result) for i, g in enumerate(batch.rows)],
                                 source="web-grade")
    return batch


async def grade(request: Request) -> JSONResponse:
    """``POST /api/grade`` (multipart ``file``: CSV or JSON Lines) → ``{batch_id, rows, summary, zip}``."""
    state = request.app.state
    require_token(request, state.config.token)
    filename, data = await _upload(request)
    rows = _read_rows(filename, data)
    batch_id = content_id(data)
    batch = await run_in_threadpool(_grade_rows, state, rows, batch_id)
    return JSONResponse({
        "batch_id": batch_id,
        "rows": [{"row": g.submission.row, **public(g)} for g in batch.rows],
        "summary": {"rows": len(batch.rows), **batch.counts(), "line": summary_line(batch)},
        "zip": f"/api/grade/{batch_id}/results.zip",
    })


def _batch_from_book(stored: dict[int, dict[str, Any]]) -> Batch:
    rows = []
    for index, d in sorted(stored.items()):
        result = CheckResult(d["target"], d["answer"], Verdict(d["verdict"]), float(d["score"]), d["feedback"],
                             d.get("interpreted_as"), d.get("counterexample"), float(d.get("seconds") or 0.0))
        rows.append(Graded(Submission(index + 1, d["student"], d["target"], d["answer"]), result))
    return Batch(rows)


async def grade_zip(request: Request) -> Response:
    """``GET /api/grade/{batch_id}/results.zip``: summary.csv and every student's Gradescope results.json."""
    from ..homework.gradescope import write_gradescope
    state = request.app.state
    require_token(request, state.config.token)
    batch_id = request.path_params["batch_id"]
    if not re.fullmatch(r"[0-9a-f]{1,64}", batch_id):
        raise HTTPError(404, "a batch id is hexadecimal")
    stored = await run_in_threadpool(state.gradebook.batch_rows, batch_id)
    if not stored:
        raise HTTPError(404, f"no graded batch {batch_id!r} in the gradebook")
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        write_gradescope(_batch_from_book(stored), tmp)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(tmp).rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(tmp).as_posix())
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="results-{batch_id}.zip"'})
