"""Shared data for the numeric tests: scikit-learn's bundled data sets, standardised."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from sklearn import datasets
from sklearn.preprocessing import StandardScaler


@lru_cache(maxsize=None)
def standardised(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of sklearn.datasets.load_<name>, each feature scaled to mean 0 and variance 1."""
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    X = np.ascontiguousarray(StandardScaler().fit_transform(X))
    X.setflags(write=False)
    return X, y


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240919)
