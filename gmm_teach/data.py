"""The data sets the notebooks use, loaded from files scikit-learn ships (no network)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.datasets import load_iris

__all__ = ["IrisSepal", "load_iris_sepal", "load_iris_all"]


class IrisSepal(NamedTuple):
    """X: (150, 2) sepal length and sepal width in cm; species: (150,) names as strings."""

    X: np.ndarray
    species: np.ndarray

    feature_names = ("sepal length (cm)", "sepal width (cm)")
    species_names = ("setosa", "versicolor", "virginica")


def load_iris_sepal() -> IrisSepal:
    """Fisher's iris data, first two columns: ``X, species = load_iris_sepal()``.

    X has shape (150, 2): sepal length and sepal width in cm. species has shape (150,):
    "setosa", "versicolor" or "virginica" (50 each). A fresh copy on every call.
    """
    iris = load_iris()
    species = np.asarray(iris.target_names)[iris.target]
    return IrisSepal(np.array(iris.data[:, :2], dtype=np.float64), species)


def load_iris_all() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """All four iris features: X (150, 4) in cm, species (150,) names, feature names."""
    iris = load_iris()
    species = np.asarray(iris.target_names)[iris.target]
    return np.array(iris.data, dtype=np.float64), species, tuple(iris.feature_names)
