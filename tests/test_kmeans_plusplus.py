"""kmeans_plusplus_indices picks the points scikit-learn's kmeans_plusplus picks."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import kmeans_plusplus

import gmm_teach as gt
from gmm_teach._kmeans_plusplus import kmeans_plusplus_indices


def data_sets():
    X4, _, _ = gt.load_iris_all()
    rng = np.random.default_rng(3)
    return {
        "iris sepal": gt.load_iris_sepal().X,  # rounded to 0.1 cm: many repeated points
        "iris, 4 features": X4,
        "iris petal length": X4[:, 2:3],
        "far from the origin": rng.normal(size=(200, 2)) * [1e-3, 1e3] + 1e6,
        "few points": rng.normal(size=(6, 3)),
        "one repeated point": np.ones((10, 2)),
    }


@pytest.mark.parametrize("name", list(data_sets()))
def test_the_same_indices_as_scikit_learn(name):
    X = data_sets()[name]
    for K in sorted({1, 2, 3, 5, 9, X.shape[0]} & set(range(1, X.shape[0] + 1))):
        for seed in range(15):
            _, expected = kmeans_plusplus(X, K, random_state=seed)
            ours = kmeans_plusplus_indices(X, K, np.random.RandomState(seed))
            np.testing.assert_array_equal(ours, expected, err_msg=f"K={K}, seed={seed}")


def test_the_generator_is_left_as_scikit_learn_leaves_it():
    X = gt.load_iris_sepal().X
    ours, theirs = np.random.RandomState(7), np.random.RandomState(7)
    kmeans_plusplus_indices(X, 4, ours)
    kmeans_plusplus(X, 4, random_state=theirs)
    assert ours.uniform() == theirs.uniform()


def test_initial_params_k_means_plus_plus_is_scikit_learns_start():
    X = gt.load_iris_sepal().X
    for seed in range(5):
        _, indices = kmeans_plusplus(X, 3, random_state=seed)
        start = gt.initial_params(X, 3, "k-means++", random_state=seed)
        # each component is one point: its mean is that point (N_k = 1 + 10 eps)
        np.testing.assert_allclose(start.means, X[indices], rtol=1e-14, atol=0)
