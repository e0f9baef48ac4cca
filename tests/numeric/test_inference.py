"""Maximum-likelihood inference: Greene's Spector table, statsmodels' Logit and MNLogit,
the summary table, and refusal where the numbers would mean nothing."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from numeric import LogisticRegression, SoftmaxRegression
from numeric.inference import refusal_reason

sm = pytest.importorskip("statsmodels.api")


def _spector():
    data = sm.datasets.spector.load_pandas()
    return data.exog, data.endog.to_numpy()


def _anes96():
    data = sm.datasets.anes96.load_pandas()
    return data.exog.to_numpy(dtype=float), data.endog.to_numpy()


def test_spector_reproduces_the_published_table() -> None:
    X, y = _spector()
    model = LogisticRegression().fit(X, y)
    # Greene's published values, each at its published number of decimals (GPA, TUCE, PSI, const).
    assert np.round(model.params_, 4).tolist() == [2.8261, 0.0952, 2.3787, -13.0213]
    assert [round(model.bse_[0], 3), round(model.bse_[1], 4), round(model.bse_[2], 3),
            round(model.bse_[3], 3)] == [1.263, 0.1416, 1.065, 4.931]
    assert model.converged_ and model.separable_ == "none"


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_spector_matches_statsmodels_logit(solver: str) -> None:
    X, y = _spector()
    model = LogisticRegression(solver=solver).fit(X, y)
    theirs = sm.Logit(y, sm.add_constant(X.to_numpy(), prepend=False)).fit(disp=0, tol=1e-14)
    assert_allclose(model.params_, theirs.params, atol=1e-8, rtol=1e-8)
    assert_allclose(model.bse_, theirs.bse, atol=1e-8, rtol=1e-8)
    assert_allclose(model.pvalues_, theirs.pvalues, atol=1e-8)
    assert_allclose(model.conf_int(0.1), theirs.conf_int(0.1), atol=1e-8)
    assert model.loglike_ == pytest.approx(theirs.llf, abs=1e-8)
    assert model.aic_ == pytest.approx(theirs.aic, abs=1e-8)
    assert model.bic_ == pytest.approx(theirs.bic, abs=1e-8)


def test_anes96_matches_statsmodels_mnlogit() -> None:
    X, y = _anes96()
    model = SoftmaxRegression().fit(X, y)
    theirs = sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(disp=0, method="newton", maxiter=100)
    assert model.params_.shape == (len(model.classes_) - 1, X.shape[1] + 1)
    assert_allclose(model.params_, np.asarray(theirs.params).T, atol=1e-8)
    assert_allclose(model.bse_, np.asarray(theirs.bse).T, atol=1e-8)
    assert model.loglike_ == pytest.approx(theirs.llf, abs=1e-8)
    assert model.aic_ == pytest.approx(theirs.aic, abs=1e-7)


def test_summary_prints_the_table_and_renders_html() -> None:
    X, y = _spector()
    model = LogisticRegression().fit(X, y)
    text = str(model.summary(yname="GRADE"))
    assert "Logit Regression Results" in text and "Dep. Variable:" in text
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.startswith(("GPA", "const"))}
    assert rows["GPA"][:2] == ["2.8261", "1.263"] and rows["const"][:2] == ["-13.0213", "4.931"]
    assert "Log-Likelihood:" in text and "-12.890" in text
    page = model.summary()._repr_html_()
    assert page.count("<table") == 2 and "<td>2.8261</td>" in page and "TUCE" in page
    softmax = str(SoftmaxRegression().fit(*_anes96()).summary(yname="vote"))
    assert "MNLogit Regression Results" in softmax and "vote=1.0 vs 0.0" in softmax


def test_penalised_and_separated_fits_refuse_inference_with_the_reason() -> None:
    X, y = _spector()
    model = LogisticRegression(l2=0.1).fit(X, y)
    for attribute in ("bse_", "pvalues_", "aic_", "loglike_"):
        with pytest.raises(ValueError, match="l2=0.1.*not the sampling covariance"):
            getattr(model, attribute)
    with pytest.raises(ValueError, match="refit with l2=0"):
        model.summary()
    assert "quasi-complete" in refusal_reason(0.0, "quasi", 4)
    assert refusal_reason(0.0, "none", 4) is None


def test_weighted_inference_equals_repeated_rows() -> None:
    X, y = _spector()
    counts = np.random.default_rng(3).integers(1, 4, len(y))
    weighted = LogisticRegression().fit(X, y, sample_weight=counts)
    repeated = LogisticRegression().fit(np.repeat(X.to_numpy(), counts, axis=0), np.repeat(y, counts))
    assert_allclose(weighted.params_, repeated.params_, rtol=1e-9)
    assert_allclose(weighted.bse_, repeated.bse_, rtol=1e-9)
    assert weighted.bic_ == pytest.approx(repeated.bic_, rel=1e-10)


def test_conf_int_rejects_a_bad_alpha() -> None:
    model = LogisticRegression().fit(*_spector())
    with pytest.raises(ValueError, match="alpha"):
        model.conf_int(1.5)
