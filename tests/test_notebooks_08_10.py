"""The claims the prose of notebooks 08-10 makes, asserted in code.

Functions the notebooks define for the math they teach (hard EM, the fixed-variance EM, the
ARI formula) are taken from the notebooks themselves, so these tests check what students
read, not a copy of it.
"""

import ast
import json
from pathlib import Path

import numpy as np
import pytest
from scipy.special import comb
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

import gmm_teach as gt
from gmm_teach import selection

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    # Hundreds of small fits: on a busy 2-core machine threaded BLAS/OpenMP calls (in
    # scikit-learn's GaussianMixture and KMeans) mostly wait for a core. The notebooks do the
    # same; results do not depend on it.
    with threadpool_limits(limits=1):
        yield


def notebook_functions(name: str, *functions: str) -> dict:
    """The named top-level functions defined in a notebook's code cells, executed with the
    notebook's imports (numpy as np, gmm_teach as gt, scipy's comb)."""
    cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
    namespace = {"np": np, "gt": gt, "comb": comb}
    found = set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                exec(ast.get_source_segment(source, node), namespace)
                found.add(node.name)
    assert found == set(functions), f"{name} no longer defines {set(functions) - found}"
    return namespace


# ----------------------------------------------------------------------------- notebook 08
TRUE_MEANS = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0], [6.0, 6.0]])
TRUE_COVARIANCES = np.array([[[1.0, 0.0], [0.0, 1.0]],
                             [[1.5, 0.6], [0.6, 0.8]],
                             [[0.6, -0.3], [-0.3, 1.2]],
                             [[1.0, 0.0], [0.0, 0.5]]])
KS = np.arange(1, 9)


def draw_synthetic(rng, n_per_component):
    return np.vstack([rng.multivariate_normal(m, c, size=n_per_component)
                      for m, c in zip(TRUE_MEANS, TRUE_COVARIANCES, strict=True)])


@pytest.fixture(scope="module")
def criteria():
    """Notebook 08's table: best of 10 k-means++ starts per K, CV with best of 3 per fold."""
    data = {"iris": gt.load_iris_sepal().X,
            "synthetic": draw_synthetic(np.random.default_rng(0), 100)}
    out = {}
    for name, X in data.items():
        fits = [selection.fit_best_of(X, int(K), 10).final for K in KS]
        cv = np.array([selection.cross_validated_log_likelihood(X, int(K), n_starts=3).mean()
                       for K in KS])
        out[name] = {
            "X": X, "fits": fits,
            "train": np.array([gt.mean_log_likelihood(X, f) for f in fits]),
            "BIC": int(KS[np.argmin([gt.bic(X, f) for f in fits])]),
            "AIC": int(KS[np.argmin([gt.aic(X, f) for f in fits])]),
            "AIC values": np.array([gt.aic(X, f) for f in fits]),
            "CV": int(KS[np.argmax(cv)]),
        }
    return out


@pytest.mark.parametrize("name", ["iris", "synthetic"])
def test_08_training_log_likelihood_rises_with_k(criteria, name):
    assert np.all(np.diff(criteria[name]["train"]) > 0)


def test_08_bic_and_cv_find_the_true_k_on_the_synthetic_data(criteria):
    assert criteria["synthetic"]["BIC"] == 4
    assert criteria["synthetic"]["CV"] == criteria["synthetic"]["BIC"]


@pytest.mark.parametrize("name", ["iris", "synthetic"])
def test_08_aic_picks_at_least_as_many_components_as_bic(criteria, name):
    assert criteria[name]["AIC"] >= criteria[name]["BIC"]


def test_08_bic_is_the_most_frugal_on_iris_and_splits_off_setosa(criteria):
    iris = criteria["iris"]
    assert iris["BIC"] == 2
    assert iris["BIC"] <= min(iris["AIC"], iris["CV"])
    species = gt.load_iris_sepal().species
    owner = gt.predict(iris["X"], iris["fits"][1])
    setosa_component = np.bincount(owner[species == "setosa"]).argmax()
    assert np.sum(owner[species == "setosa"] == setosa_component) >= 49
    # versicolor and virginica all share the other component
    assert np.all(owner[species != "setosa"] != setosa_component)


def test_08_aic_is_flat_near_its_minimum_on_iris(criteria):
    aic = criteria["iris"]["AIC values"]
    assert np.sum(aic - aic.min() < 3) >= 3  # "several K are within 3 units of it"


def test_08_parameter_count_and_criteria_equal_scikit_learn():
    X = gt.load_iris_sepal().X
    d = X.shape[1]
    for K in (1, 3, 8):
        params = gt.run_em(X, gt.initial_params(X, K, random_state=0)).final
        gm = GaussianMixture(K, random_state=0).fit(X)
        assert params.n_parameters == (K - 1) + K * d + K * d * (d + 1) // 2
        assert params.n_parameters == gm._n_parameters()
        assert gt.bic(X, params) == pytest.approx(gm.bic(X), abs=1e-9)
        assert gt.aic(X, params) == pytest.approx(gm.aic(X), abs=1e-9)


def test_08_repeated_samples_aic_misses_more_often_and_by_too_many():
    # the notebook's experiment with 25 points per component (its first 20 samples)
    rng = np.random.default_rng(1)
    candidates = np.arange(3, 7)
    picks = {"BIC": [], "AIC": []}
    for _ in range(20):
        Y = draw_synthetic(rng, 25)
        fitted = [selection.fit_best_of(Y, int(K), 3).final for K in candidates]
        picks["BIC"].append(candidates[np.argmin([gt.bic(Y, f) for f in fitted])])
        picks["AIC"].append(candidates[np.argmin([gt.aic(Y, f) for f in fitted])])
    bic, aic = np.array(picks["BIC"]), np.array(picks["AIC"])
    assert np.sum(aic == 4) < np.sum(bic == 4)
    assert np.all(bic >= 4) and np.all(aic >= 4)


# ----------------------------------------------------------------------------- notebook 09
@pytest.fixture(scope="module")
def sepal():
    return gt.load_iris_sepal().X


def test_09_m_step_equations_11_to_13(sepal):
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


def test_09_four_types_match_scikit_learn_and_tied_has_the_lowest_bic(sepal):
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


def test_09_bic_table_over_types_and_k(sepal):
    table = {t: np.array([gt.bic(sepal, selection.fit_best_of(sepal, K, 3, method="kmeans",
                                                                covariance_type=t).final)
                          for K in range(1, 7)])
             for t in gt.COVARIANCE_TYPES}
    ranking = sorted((b, t, K) for t, row in table.items() for K, b in enumerate(row, 1))
    assert ranking[0][1:] == ("full", 2)
    assert ranking[1][1:] == ("tied", 4)
    assert table["diag"].min() - table["full"].min() > 25
    assert np.argmin(table["spherical"]) > np.argmin(table["full"])


def test_09_tied_from_one_point_starts_is_enormous_and_stops_at_the_one_gaussian_value(sepal):
    """The trap section of 09: with "k-means++" / "random_from_data" and "tied", eq. (17)
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
    functions = notebook_functions("09_covariance_types_kmeans.ipynb", "equal_spherical",
                                   "hard_em", "fixed_variance_em")
    return centres_0, kmeans, functions


def test_09_responsibilities_become_one_hot_as_the_variance_shrinks(sepal, kmeans_setup):
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


def test_09_the_limit_is_computed_where_the_densities_underflow(sepal, kmeans_setup):
    centres_0, _, f = kmeans_setup
    squared = ((sepal[:, None] - centres_0[None]) ** 2).sum(axis=2)
    with np.errstate(under="ignore"):
        densities = np.exp(-squared / (2 * 0.0003)) / (2 * np.pi * 0.0003)
    all_zero = np.all(densities == 0, axis=1)
    assert all_zero.sum() > 0
    gamma = gt.e_step(sepal, f["equal_spherical"](centres_0, 0.0003))
    assert np.all(np.isfinite(gamma))
    np.testing.assert_allclose(gamma[all_zero].max(axis=1), 1.0, atol=1e-6)


def test_09_hard_em_is_kmeans(sepal, kmeans_setup):
    centres_0, kmeans, f = kmeans_setup
    labels, centres, _ = f["hard_em"](sepal, centres_0)
    np.testing.assert_array_equal(labels, kmeans.labels_)
    np.testing.assert_allclose(centres, kmeans.cluster_centers_, rtol=0, atol=1e-12)
    assert np.sum((sepal - centres[labels]) ** 2) == pytest.approx(kmeans.inertia_, rel=1e-12)


def test_09_hard_em_can_fail_loudly_on_an_empty_cluster(kmeans_setup):
    _, _, f = kmeans_setup
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    with pytest.raises(ValueError, match="lost all its points"):
        f["hard_em"](X, np.array([[0.0, 0.0], [5.0, 5.0], [100.0, 100.0]]))


def test_09_fixed_variance_em_approaches_kmeans_as_the_variance_shrinks(sepal, kmeans_setup):
    centres_0, kmeans, f = kmeans_setup
    gaps = [np.abs(f["fixed_variance_em"](sepal, centres_0, s2)[0]
                   - kmeans.cluster_centers_).max() for s2 in (0.3, 0.1, 0.03, 0.01, 0.003)]
    assert np.all(np.diff(gaps) < 0)
    assert gaps[-1] < 1e-3


# ----------------------------------------------------------------------------- notebook 10
@pytest.fixture(scope="module")
def iris_fits():
    X4, species, _ = gt.load_iris_all()
    X2 = X4[:, :2]
    return {"X4": X4, "X2": X2, "species": species,
            "params4": gt.run_em(X4, gt.initial_params(X4, 3, random_state=0)).final,
            "params2": gt.run_em(X2, gt.initial_params(X2, 3, random_state=0)).final}


def test_10_four_d_fit_matches_scikit_learn(iris_fits):
    X4 = iris_fits["X4"]
    trace = gt.run_em(X4, gt.initial_params(X4, 3, random_state=0))
    gm = GaussianMixture(3, random_state=0).fit(X4)
    assert trace.n_iter == gm.n_iter_
    assert abs(trace.lower_bound - gm.lower_bound_) < 1e-12
    np.testing.assert_allclose(trace.final.means, gm.means_, atol=1e-12)
    np.testing.assert_allclose(trace.final.covariances, gm.covariances_, atol=1e-12)


def test_10_four_features_separate_the_species_far_better(iris_fits):
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


def test_10_ari_formula_equals_scikit_learn(iris_fits):
    ari_from_table = notebook_functions("10_iris_four_features.ipynb",
                                        "ari_from_table")["ari_from_table"]
    species = iris_fits["species"]
    rng = np.random.default_rng(0)
    for owner in (gt.predict(iris_fits["X4"], iris_fits["params4"]),
                  gt.predict(iris_fits["X2"], iris_fits["params2"]),
                  rng.integers(0, 4, size=len(species))):
        table = selection.match_clusters(species, owner).table
        assert ari_from_table(table) == pytest.approx(adjusted_rand_score(species, owner),
                                                      abs=1e-12)


def test_10_projection_of_a_gaussian_is_exact(iris_fits):
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
