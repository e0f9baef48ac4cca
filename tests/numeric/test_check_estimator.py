"""scikit-learn's own estimator checks, all of them, on every estimator: none is excluded.

(scikit-learn itself skips its array-API and pandas checks where those libraries are absent.)
"""

from __future__ import annotations

import warnings

from sklearn.utils.estimator_checks import parametrize_with_checks

from numeric import GaussianLDA, LogisticRegression, MLPClassifier, SoftmaxRegression


@parametrize_with_checks([LogisticRegression(), SoftmaxRegression(), GaussianLDA(), MLPClassifier()])
def test_scikit_learn_estimator_checks(estimator, check) -> None:
    with warnings.catch_warnings():
        # The checks fit tiny, often separable, data sets: the warnings there are expected.
        warnings.simplefilter("ignore")
        check(estimator)
