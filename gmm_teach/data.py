"""The data sets the notebooks use, loaded from files scikit-learn ships (no network)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = ["IrisSepal", "load_iris_sepal", "load_iris_all"]

IRIS_FEATURES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)",
                 "petal width (cm)")


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
    X, species, _ = load_iris_all()
    return IrisSepal(np.ascontiguousarray(X[:, :2]), species)


def load_iris_all() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """All four iris features: X (150, 4) in cm, species (150,) names, feature names."""
    X, target, names = _read_iris_csv()
    return X, np.asarray(names)[target], IRIS_FEATURES


def _read_iris_csv() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """scikit-learn's iris.csv, read as sklearn.datasets.load_iris reads it, without importing
    scikit-learn (that takes about a second and 100 MB; tests/test_import_time.py checks the
    data equal load_iris's). Returns X (150, 4), target (150,) ints and the species names."""
    spec = importlib.util.find_spec("sklearn")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("scikit-learn is not installed; run `python3 run.py lab` once.")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "iris.csv"
    with path.open(encoding="utf-8") as lines:
        header = next(lines).strip().split(",")
        table = np.loadtxt(lines, delimiter=",", dtype=np.float64)
    n_samples, n_features, names = int(header[0]), int(header[1]), tuple(header[2:])
    if table.shape != (n_samples, n_features + 1):
        raise ValueError(f"{path} does not hold {n_samples} rows of {n_features} features")
    return np.ascontiguousarray(table[:, :n_features]), table[:, -1].astype(int), names
