"""End to end in a real browser: Debian's Chromium driven by Playwright against ``derive serve``.

Skipped (with the reason) where Chromium or Playwright is missing, except under ``CI=true``,
where they must run.  Each test saves a screenshot of its page in its temporary directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import STALL, LiveServer, ThreadServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
HOSTILE = "<img src=x onerror=alert(1)>"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (make test installs Debian's chromium where it can)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = LiveServer(tmp_path_factory.mktemp("browser") / "gradebook.sqlite3")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def stalling_server(tmp_path_factory):
    s = ThreadServer(tmp_path_factory.mktemp("stall") / "gradebook.sqlite3", seconds=2.0)
    yield s
    s.stop()


@pytest.fixture
def page(browser, server):
    p = browser.new_page()
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.dialogs = dialogs
    p.goto(server.url + "/")
    yield p
    p.close()


def test_typing_shows_a_mathml_preview(page, tmp_path):
    page.select_option("#target", "bce-gradient")
    page.click("#answer")
    page.keyboard.type("(p - y) x")
    page.wait_for_selector("#preview math")
    assert page.eval_on_selector_all("#preview math mi", "els => els.map(e => e.textContent)") == ["p", "y", "x"]
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    page.fill("#answer", "(p - y x")
    page.wait_for_selector("#preview.error pre")
    assert page.inner_text("#preview").rstrip().endswith("^")
    page.screenshot(path=str(tmp_path / "preview-error.png"), full_page=True)


def test_check_correct_wrong_and_variant(page, tmp_path):
    page.select_option("#target", "bce-gradient")
    page.fill("#answer", "(p - y) x")
    page.click("#check")
    page.wait_for_function("document.querySelector('#verdict').textContent === 'correct'")
    page.fill("#answer", "(y - p) x")
    page.focus("#answer")
    page.keyboard.press("Enter")                       # the keyboard checks too
    page.wait_for_function("document.querySelector('#verdict').textContent === 'incorrect'")
    assert "Sign" in page.inner_text("#feedback")
    assert page.get_attribute("#verdict", "aria-live") == "assertive"
    page.wait_for_selector("#preview math")
    page.screenshot(path=str(tmp_path / "check.png"), full_page=True)
    page.click("#variant")
    page.wait_for_function("document.querySelector('#target').value.includes('@')")
    assert not page.is_hidden("#given-box") and "x" in page.inner_text("#given")
    assert "d = " in page.inner_text("#given")
    page.fill("#answer", "[0.5, -1.25]")                # a variant takes numbers too
    page.wait_for_selector("#preview math mn")
    page.click("#check")
    page.wait_for_function("['correct', 'incorrect'].includes(document.querySelector('#verdict').textContent)")
    page.screenshot(path=str(tmp_path / "variant.png"), full_page=True)


def test_hostile_answers_are_answered_and_the_page_stays_usable(browser, stalling_server, tmp_path):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(stalling_server.url + "/")
        page.fill("#answer", HOSTILE)
        page.click("#check")
        page.wait_for_function("document.querySelector('#verdict').textContent === 'invalid'")
        assert page.query_selector("img") is None and dialogs == []
        assert HOSTILE in page.inner_text("#feedback")            # shown as text, not as markup

        page.select_option("#target", "bce-dz")
        page.fill("#answer", STALL)                   # holds its worker until the worker is killed
        with page.expect_response(re.compile(r"/api/check$"), timeout=30_000) as response:
            page.click("#check")
            page.fill("#answer", "p - y")               # meanwhile the preview still works
            page.wait_for_selector("#preview math")
            assert page.inner_text("#verdict") == ""    # the stalled check is still running
        result = response.value.json()
        assert result["verdict"] == "undecided" and "2 s limit" in result["feedback"]
        page.wait_for_function("document.querySelector('#verdict').textContent === 'undecided'")
        page.click("#check")                            # a fresh worker serves the next check
        page.wait_for_function("document.querySelector('#verdict').textContent === 'correct'")
        page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    finally:
        page.close()


def test_upload_updates_the_class_page(browser, server, tmp_path):
    csv = tmp_path / "class.csv"
    csv.write_text("student,target,answer\numa,bce-hessian,p (1 - p) x x^T\nvic,bce-hessian,p x x^T\n"
                   f"wes,bce-hessian,\"{HOSTILE}\"\n", encoding="utf-8")
    p = browser.new_page()
    try:
        p.goto(server.url + "/class")
        assert "bce-hessian" not in p.inner_text("#targets")
        p.set_input_files("#file", str(csv))
        with p.expect_navigation():
            p.click("#grade")
        p.wait_for_selector("#targets td:text('bce-hessian')")
        assert "3 answers" in p.inner_text("#grade-status")
        recent = p.inner_text("#recent")
        assert "uma" in recent and "vic" in recent and HOSTILE in recent
        assert p.query_selector("#recent img") is None and p.query_selector("#plot svg") is not None
        assert not p.is_hidden("#zip")
        p.screenshot(path=str(tmp_path / "class.png"), full_page=True)
    finally:
        p.close()
