"""Notebook 10 (covariance types and k-means): the claims its prose makes, asserted in code.

The functions the notebook defines for the math it teaches (equal_spherical, hard_em,
fixed_variance_em) are taken from the notebook itself, so these tests check what students
read, not a copy of it.
"""

from pathlib import Path

import numpy as np
import pytest
from notebook_support import notebook_functions, one_blas_thread  # noqa: F401 (autouse)
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.mixture import GaussianMixture

import gmm_teach as gt
from gmm_teach import selection

NB10 = Path(__file__).resolve().parent.parent / "notebooks" / "10_covariance_types_kmeans.ipynb"



@pytest.fixture(scope="module")
def sepal():
    return gt.load_iris_sepal().X


def test_m_step_equations_11_to_13(sepal):
    rng = np.random.default_rng(0)
    resp = rng.dirichlet(np.ones(3), size=len(sepal))
    N, d = sepal.shape
    Nk = resp.sum(axis=0)
    means = resp.T @ sepal / Nk[:, None]
    diff = sepal[:, None, :] - means[None]
    tied = np.einsum("nk,nki,nkj->ij", resp, diff, diff) / N + 1e-6 * np.eye(d)
    variances = np.einsum("nk,nkj->kj", resp, diff**2) / Nk[:, None]
    expected = {"tied": np.broadcast_to(tied, (3, d, d)),
                "diag": (variances + 1e-6)[:, :, None] * np.eye(d),
                "spherical": (variances.mean(axis=1) + 1e-6)[:, None, None] * np.eye(d)}
    for covariance_type, covariances in expected.items():
        got = gt.m_step(sepal, resp, covariance_type=covariance_type).covariances
        np.testing.assert_allclose(got, covariances, rtol=0, atol=1e-12)


def test_four_types_match_scikit_learn_and_tied_has_the_lowest_bic(sepal):
    bics = {}
    for covariance_type in gt.COVARIANCE_TYPES:
        trace = gt.run_em(sepal, gt.initial_params(sepal, 3, random_state=0,
                                                   covariance_type=covariance_type))
        gm = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(sepal)
        assert trace.n_iter == gm.n_iter_
        assert abs(trace.lower_bound - gm.lower_bound_) < 1e-12
        assert trace.final.n_parameters == gm._n_parameters()
        bics[covariance_type] = gt.bic(sepal, trace.final)
    assert min(bics, key=bics.get) == "tied"


def test_bic_table_over_types_and_k(sepal):
    table = {t: np.array([gt.bic(sepal, selection.fit_best_of(sepal, K, 3, method="kmeans",
                                                                covariance_type=t).final)
                          for K in range(1, 7)])
             for t in gt.COVARIANCE_TYPES}
    ranking = sorted((b, t, K) for t, row in table.items() for K, b in enumerate(row, 1))
    assert ranking[0][1:] == ("full", 2)
    assert ranking[1][1:] == ("tied", 4)
    assert table["diag"].min() - table["full"].min() > 25
    assert np.argmin(table["spherical"]) > np.argmin(table["full"])


def test_tied_from_one_point_starts_is_enormous_and_stops_at_the_one_gaussian_value(sepal):
    """The trap section of 10: with "k-means++" / "random_from_data" and "tied", eq. (17)
    gives the scatter about the origin of the other N - K points over K; EM then stops at
    the one-Gaussian value, exactly as scikit-learn does."""
    N, d = sepal.shape
    one = gt.GMMParams([1.0], [sepal.mean(axis=0)], [np.cov(sepal.T, bias=True) + 1e-6 * np.eye(d)])
    kmeans_fit = gt.run_em(sepal, gt.initial_params(sepal, 3, random_state=0,
                                                    covariance_type="tied"))
    assert kmeans_fit.mean_log_likelihood(-1) > gt.mean_log_likelihood(sepal, one) + 0.2
    for method in ("k-means++", "random_from_data"):
        start = gt.initial_params(sepal, 3, method=method, random_state=0,
                                  covariance_type="tied")
        expected = (sepal.T @ sepal - start.means.T @ start.means) / 3 + 1e-6 * np.eye(d)
        np.testing.assert_allclose(start.covariances[0], expected, rtol=1e-9)
        assert np.sqrt(np.diag(start.covariances[0])).min() > 20 * sepal.std(axis=0).max()
        # eq. (11) term by term would give reg_covar * I for these responsibilities
        gamma = gt.e_step(sepal, start)
        assert np.abs(gamma - 1 / 3).max() < 0.05  # almost symmetric: the saddle
        trace = gt.run_em(sepal, start)
        gm = GaussianMixture(3, covariance_type="tied", init_params=method,
                             random_state=0).fit(sepal)
        assert trace.n_iter == gm.n_iter_ <= 5
        assert abs(trace.lower_bound - gm.lower_bound_) < 1e-12
        assert trace.mean_log_likelihood(-1) == pytest.approx(
            gt.mean_log_likelihood(sepal, one), abs=1e-3)
        assert np.ptp(trace.final.means, axis=0).max() < 0.1


@pytest.fixture(scope="module")
def kmeans_setup(sepal):
    centres_0, _ = kmeans_plusplus(sepal, 3, random_state=0)
    kmeans = KMeans(n_clusters=3, init=centres_0, n_init=1, tol=0).fit(sepal)
    functions = notebook_functions(NB10, ("equal_spherical", "hard_em", "fixed_variance_em"),
                                   {"np": np, "gt": gt})
    return centres_0, kmeans, functions


def test_responsibilities_become_one_hot_as_the_variance_shrinks(sepal, kmeans_setup):
    centres_0, _, f = kmeans_setup
    nearest = np.argmin(((sepal[:, None] - centres_0[None]) ** 2).sum(axis=2), axis=1)
    one_hot = np.eye(3)[nearest]
    deviations = [np.abs(gt.e_step(sepal, f["equal_spherical"](centres_0, s2)) - one_hot).max()
                  for s2 in (1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.0003)]
    assert np.all(np.diff(deviations) < 0)
    assert deviations[0] > 0.5 and deviations[-1] < 1e-6
    # eq. (14) in numpy is the E-step with equal weights and sigma^2 I
    squared = ((sepal[:, None] - centres_0[None]) ** 2).sum(axis=2)
    numerator = np.exp(-squared / 0.2)
    np.testing.assert_allclose(gt.e_step(sepal, f["equal_spherical"](centres_0, 0.1)),
                               numerator / numerator.sum(axis=1, keepdims=True), atol=1e-12)


def test_the_limit_is_computed_where_the_densities_underflow(sepal, kmeans_setup):
    centres_0, _, f = kmeans_setup
    squared = ((sepal[:, None] - centres_0[None]) ** 2).sum(axis=2)
    with np.errstate(under="ignore"):
        densities = np.exp(-squared / (2 * 0.0003)) / (2 * np.pi * 0.0003)
    all_zero = np.all(densities == 0, axis=1)
    assert all_zero.sum() > 0
    gamma = gt.e_step(sepal, f["equal_spherical"](centres_0, 0.0003))
    assert np.all(np.isfinite(gamma))
    np.testing.assert_allclose(gamma[all_zero].max(axis=1), 1.0, atol=1e-6)


def test_hard_em_is_kmeans(sepal, kmeans_setup):
    centres_0, kmeans, f = kmeans_setup
    labels, centres, _ = f["hard_em"](sepal, centres_0)
    np.testing.assert_array_equal(labels, kmeans.labels_)
    np.testing.assert_allclose(centres, kmeans.cluster_centers_, rtol=0, atol=1e-12)
    assert np.sum((sepal - centres[labels]) ** 2) == pytest.approx(kmeans.inertia_, rel=1e-12)


def test_hard_em_can_fail_loudly_on_an_empty_cluster(kmeans_setup):
    _, _, f = kmeans_setup
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    with pytest.raises(ValueError, match="lost all its points"):
        f["hard_em"](X, np.array([[0.0, 0.0], [5.0, 5.0], [100.0, 100.0]]))


def test_fixed_variance_em_approaches_kmeans_as_the_variance_shrinks(sepal, kmeans_setup):
    centres_0, kmeans, f = kmeans_setup
    gaps = [np.abs(f["fixed_variance_em"](sepal, centres_0, s2)[0]
                   - kmeans.cluster_centers_).max() for s2 in (0.3, 0.1, 0.03, 0.01, 0.003)]
    assert np.all(np.diff(gaps) < 0)
    assert gaps[-1] < 1e-3
