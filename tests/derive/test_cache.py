"""The proof cache: content-addressed, shared across processes, never trusted blindly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
import sympy as sp

from derive import Positive, Verdict, cache, verify_claim
from derive.ops import Dot, Grad
from derive.step import Derivation, chain
from derive.symbols import theta, x
from derive.verify import clear_cache

Eq = lambda l, r: sp.Eq(l, r, evaluate=False)  # noqa: E731
z = sp.Symbol("z", real=True)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache directory, the cache switched on, and nothing remembered in memory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("DERIVE_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "_warned", False)
    clear_cache()
    yield tmp_path / "derive-toolkit"
    clear_cache()


def _entries(root):
    return sorted(p for p in root.rglob("*.json"))


def test_a_result_is_stored_and_read_back(fresh_cache):
    claim = Eq(Grad(Dot(theta, x), theta), x)
    first = verify_claim(claim)
    assert first.verdict is Verdict.PROVED and not first.cached
    assert len(_entries(fresh_cache)) == 1
    clear_cache()
    second = verify_claim(claim)
    assert second.cached and second.verdict is first.verdict and second.method == first.method
    assert second.scope == first.scope


def test_refutations_are_stored_with_their_counterexample(fresh_cache):
    first = verify_claim(Eq(sp.exp(z), 1 + z))
    clear_cache()
    second = verify_claim(Eq(sp.exp(z), 1 + z))
    assert second.cached and second.verdict is Verdict.REFUTED and second.counterexample == first.counterexample


def test_undecided_is_never_stored(fresh_cache):
    claim = Eq(1 / (1 + sp.exp(-z)), sp.exp(z) / (1 + sp.exp(z)))
    assert verify_claim(claim, methods=["expand"]).verdict is Verdict.UNDECIDED
    assert _entries(fresh_cache) == []


def test_the_key_depends_on_everything_that_decides_the_result(fresh_cache):
    d = cache.digest(Eq(z + z, 2 * z))
    base = cache.result_key(d, (), ["expand"], 0, [{}])
    assert cache.result_key(d, (), ["expand"], 0, [{}]) == base
    assert cache.result_key(cache.digest(Eq(z + z, 3 * z)), (), ["expand"], 0, [{}]) != base
    assert cache.result_key(d, (Positive(z),), ["expand"], 0, [{}]) != base
    assert cache.result_key(d, (), ["cancel"], 0, [{}]) != base
    assert cache.result_key(d, (), ["expand"], 1, [{}]) != base
    assert cache.result_key(d, (), ["expand"], 0, [{sp.Symbol("d"): 2}]) != base


def test_keys_are_the_same_in_every_process():
    # Python's hash() is randomised per process; the key must not be.
    code = ("import sympy as sp; from derive import cache; from derive.ops import Dot, Grad, Elementwise;"
            "from derive.symbols import theta, x;"
            "c = sp.Eq(Grad(Dot(theta, x), theta), Elementwise(sp.tanh, x), evaluate=False);"
            "print(cache.result_key(cache.digest(c), (), ['expand'], 0, [{}]))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2)}
    assert len(keys) == 1


def test_another_verifier_version_never_reads_the_entry(fresh_cache, monkeypatch):
    claim = Eq(z * (z + 1), z ** 2 + z)
    verify_claim(claim)
    clear_cache()
    monkeypatch.setattr(cache, "verifier_version", lambda: "0.0.0-other")
    assert not verify_claim(claim).cached


def test_a_corrupt_entry_is_ignored_with_one_warning_and_recomputed(fresh_cache, capsys):
    claims = [Eq(z * (z + k), z ** 2 + k * z) for k in (1, 2)]
    for c in claims:
        verify_claim(c)
    for path in _entries(fresh_cache):
        path.write_text("{ not json")
    clear_cache()
    again = [verify_claim(c) for c in claims]
    assert all(r.verdict is Verdict.PROVED and not r.cached for r in again)
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "corrupt proof cache entry" in err
    for path in _entries(fresh_cache):  # rewritten, readable again
        assert json.loads(path.read_text())["result"]["verdict"] == "proved"


def test_a_forged_entry_for_another_key_is_not_believed(fresh_cache):
    true_claim, false_claim = Eq(z + z, 2 * z), Eq(z + z, 3 * z)
    verify_claim(true_claim)
    verify_claim(false_claim)
    good, bad = sorted(_entries(fresh_cache), key=lambda p: json.loads(p.read_text())["result"]["verdict"])
    bad.write_text(good.read_text())  # a "proved" copied over the refutation's file
    clear_cache()
    assert verify_claim(false_claim).verdict is Verdict.REFUTED


def test_no_cache_reads_and_writes_nothing(fresh_cache, monkeypatch):
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")
    verify_claim(Eq(z * 2, z + z))
    assert not fresh_cache.exists() or _entries(fresh_cache) == []


def test_concurrent_writers_never_leave_a_broken_entry(fresh_cache):
    result = verify_claim(Eq(z * 3, z + 2 * z))
    key = "ab" * 32

    def write():
        for _ in range(50):
            cache.store(key, result)
    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.load(key).verdict is Verdict.PROVED
    assert not [p for p in fresh_cache.rglob(".tmp-*")]  # temp files are renamed into place


def test_after_an_edit_only_the_changed_step_is_recomputed(fresh_cache):
    def derivation(last):
        steps = chain(z * (z + 1), (z ** 2 + z, "expand"), (z * z + z, "write z² as z·z"), (last, "factor"))
        return Derivation("edit-me", "t", (Eq(z * (z + 1), last),), steps)
    before = derivation(z * (z + 1))
    assert all(r.proved for r in before.verify())
    clear_cache()
    after = derivation((z + sp.Rational(1, 2)) ** 2 - sp.Rational(1, 4))
    cached = after.cached()
    assert [r is not None for r in cached] == [True, True, False]
    assert after.verify()[2].proved


def test_the_cli_reads_the_cache_and_no_cache_skips_it(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("DERIVE_NO_CACHE", None)

    def run(*extra):
        out = subprocess.run([sys.executable, "-m", "derive", "verify", "sigmoid-derivative", "--json", *extra],
                             capture_output=True, text=True, env=env, check=True).stdout
        return [s["cached"] for s in json.loads(out)[0]["steps"]]
    assert not any(run("--no-cache"))
    assert not (tmp_path / "derive-toolkit").exists()
    assert not any(run())
    assert all(run())
