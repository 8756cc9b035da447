"""Notebook 11 (all four iris features): the claims its prose makes, asserted in code."""

from pathlib import Path

import numpy as np
import pytest
from notebook_support import notebook_functions, one_blas_thread  # noqa: F401 (autouse)
from scipy.special import comb
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture

import gmm_teach as gt
from gmm_teach import selection

NB11 = Path(__file__).resolve().parent.parent / "notebooks" / "11_iris_four_features.ipynb"



@pytest.fixture(scope="module")
def iris_fits():
    X4, species, _ = gt.load_iris_all()
    X2 = X4[:, :2]
    return {"X4": X4, "X2": X2, "species": species,
            "params4": gt.run_em(X4, gt.initial_params(X4, 3, random_state=0)).final,
            "params2": gt.run_em(X2, gt.initial_params(X2, 3, random_state=0)).final}


def test_four_d_fit_matches_scikit_learn(iris_fits):
    X4 = iris_fits["X4"]
    trace = gt.run_em(X4, gt.initial_params(X4, 3, random_state=0))
    gm = GaussianMixture(3, random_state=0).fit(X4)
    assert trace.n_iter == gm.n_iter_
    assert abs(trace.lower_bound - gm.lower_bound_) < 1e-12
    np.testing.assert_allclose(trace.final.means, gm.means_, atol=1e-12)
    np.testing.assert_allclose(trace.final.covariances, gm.covariances_, atol=1e-12)


def test_four_features_separate_the_species_far_better(iris_fits):
    species = iris_fits["species"]
    owner4 = gt.predict(iris_fits["X4"], iris_fits["params4"])
    owner2 = gt.predict(iris_fits["X2"], iris_fits["params2"])
    match4 = selection.match_clusters(species, owner4)
    match2 = selection.match_clusters(species, owner2)
    ari4 = adjusted_rand_score(species, owner4)
    ari2 = adjusted_rand_score(species, owner2)
    assert match4.accuracy > match2.accuracy + 0.1
    assert ari4 > ari2 + 0.25
    # setosa (the first matched row) is recovered almost perfectly by both
    assert match4.classes[0] == match2.classes[0] == "setosa"
    assert match4.table[0, 0] >= 49 and match2.table[0, 0] >= 49
    # the 4-D fit's mistakes (circled in the petal plane) are versicolor given to virginica
    wrong = match4.relabel(owner4) != species
    assert set(species[wrong]) == {"versicolor"}
    assert set(match4.relabel(owner4)[wrong]) == {"virginica"}


def test_ari_formula_equals_scikit_learn(iris_fits):
    ari_from_table = notebook_functions(NB11, ("ari_from_table",),
                                        {"np": np, "comb": comb})["ari_from_table"]
    species = iris_fits["species"]
    rng = np.random.default_rng(0)
    for owner in (gt.predict(iris_fits["X4"], iris_fits["params4"]),
                  gt.predict(iris_fits["X2"], iris_fits["params2"]),
                  rng.integers(0, 4, size=len(species))):
        table = selection.match_clusters(species, owner).table
        assert ari_from_table(table) == pytest.approx(adjusted_rand_score(species, owner),
                                                      abs=1e-12)


def test_projection_of_a_gaussian_is_exact(iris_fits):
    params = iris_fits["params4"]
    P = np.linalg.qr(np.random.default_rng(0).normal(size=(4, 2)))[0].T  # any 2 x 4 map
    projected = np.einsum("ij,kjl,ml->kim", P, params.covariances, P)
    for k in range(3):
        np.testing.assert_allclose(projected[k], P @ params.covariances[k] @ P.T, atol=1e-14)
    # a coordinate projection is the marginal that draw_gmm(dims=(2, 3)) draws
    E = np.eye(4)[[2, 3]]
    np.testing.assert_array_equal(np.einsum("ij,kjl,ml->kim", E, params.covariances, E),
                                  params.covariances[:, 2:, 2:])
    # and the projected density agrees with samples of the 4-D component
    rng = np.random.default_rng(1)
    samples = rng.multivariate_normal(params.means[0], params.covariances[0], 100_000) @ P.T
    se = np.sqrt(np.diag(projected[0]) / len(samples))
    assert np.all(np.abs(samples.mean(axis=0) - P @ params.means[0]) < 5 * se)
    np.testing.assert_allclose(np.cov(samples, rowvar=False), projected[0], atol=0.01)
