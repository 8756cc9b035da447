"""gmm_teach.selection: best-of-n fits, cross-validated log-likelihood, cluster matching."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.model_selection import KFold

import gmm_teach as gt
from gmm_teach import optima, selection


@pytest.fixture(scope="module")
def iris():
    return gt.load_iris_sepal().X


# ----------------------------------------------------------------------------- fit_best_of
def test_fit_best_of_is_the_best_of_the_seeded_starts(iris):
    scores = [gt.run_em(iris, gt.initial_params(iris, 3, "k-means++", random_state=s))
              .mean_log_likelihood(-1) for s in range(6)]
    best = selection.fit_best_of(iris, 3, 6)
    assert best.mean_log_likelihood(-1) == max(scores)
    # one start is the start with random_state=0
    single = selection.fit_best_of(iris, 3, 1)
    assert single.mean_log_likelihood(-1) == scores[0]


def test_fit_best_of_each_is_fit_best_of_on_every_sample(iris):
    rng = np.random.default_rng(0)
    samples = [iris[rng.choice(150, size=100, replace=False)] for _ in range(4)] + [iris]
    floors = [optima.degeneracy_floor(Y) for Y in samples]
    selection._RUNS.clear()
    together = selection.fit_best_of_each(samples, 4, 3, min_variance=floors)
    selection._RUNS.clear()
    alone = [selection.fit_best_of(Y, 4, 3, min_variance=f)
             for Y, f in zip(samples, floors, strict=True)]
    for a, b in zip(together, alone, strict=True):
        assert a is not b and a.n_iter == b.n_iter
        np.testing.assert_array_equal(a.mean_log_likelihoods, b.mean_log_likelihoods)
        np.testing.assert_array_equal(a.final.covariances, b.final.covariances)
    # one number for every sample, or None
    assert selection.fit_best_of_each(samples, 4, 3, min_variance=floors[0])[-1] is \
        selection.fit_best_of(iris, 4, 3, min_variance=floors[0])


@pytest.mark.parametrize("samples, options, error", [
    ("not a list", {}, TypeError),
    (np.zeros((3, 10, 2)), {}, TypeError),
    ([], {}, TypeError),
    ([np.ones((10, 2)), np.ones((10, 2))], {"min_variance": [0.1]}, ValueError),
    ([np.ones((10, 2))], {"min_variance": [-1.0]}, ValueError),
])
def test_fit_best_of_each_rejects_bad_input(samples, options, error):
    with pytest.raises(error, match="samples|min_variance"):
        selection.fit_best_of_each(samples, 2, 2, **options)


def test_fit_best_of_computes_each_seeded_run_once(iris, monkeypatch):
    calls = []
    real_run_em_batch = selection.run_em_batch

    def counted_run_em_batch(X, inits, **kwargs):
        calls.extend([1] * len(inits))  # one EM run per start
        return real_run_em_batch(X, inits, **kwargs)

    monkeypatch.setattr(selection, "run_em_batch", counted_run_em_batch)
    selection._RUNS.clear()
    first = selection.fit_best_of(iris, 3, 4)
    assert len(calls) == 4
    # the same runs again (with min_variance, inside cross-validation's folds too): no new EM
    proper = selection.fit_best_of(iris, 3, 4, min_variance=optima.degeneracy_floor(iris))
    assert len(calls) == 4 and proper is first
    # any other data, option or seed is a new run, with its own result
    moved = iris + 1.0
    assert selection.fit_best_of(moved, 3, 4).final.means == pytest.approx(first.final.means + 1)
    selection.fit_best_of(iris, 3, 5)
    selection.fit_best_of(iris, 3, 4, reg_covar=1e-3)
    assert len(calls) == 4 + 4 + 1 + 4


def test_fit_best_of_keeps_no_link_to_the_callers_array(iris):
    X = iris.copy()
    trace = selection.fit_best_of(X, 2, 2)
    X[:] = 0.0  # the caller reuses the array
    assert trace.X is not X and np.array_equal(trace.X, iris)
    assert selection.fit_best_of(iris.copy(), 2, 2) is trace


def test_fit_best_of_passes_method_and_covariance_type(iris):
    trace = selection.fit_best_of(iris, 2, 2, method="kmeans", covariance_type="diag")
    assert trace.final.covariance_type == "diag"
    reference = max((gt.run_em(iris, gt.initial_params(iris, 2, "kmeans", random_state=s,
                                                       covariance_type="diag"))
                     for s in range(2)), key=lambda t: t.mean_log_likelihood(-1))
    np.testing.assert_array_equal(trace.final.means, reference.final.means)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_starts": 0}, ValueError, "n_starts"),
    ({"n_starts": 2.5}, TypeError, "n_starts"),
    ({"method": "kmeans+"}, ValueError, "method"),
    ({"covariance_type": "ful"}, ValueError, "covariance_type"),
])
def test_fit_best_of_rejects_bad_options(iris, kwargs, error, match):
    with pytest.raises(error, match=match):
        selection.fit_best_of(iris, 2, **kwargs)


def test_fit_best_of_rejects_bad_k_and_data(iris):
    with pytest.raises(ValueError, match="n_components"):
        selection.fit_best_of(iris[:3], 4)
    with pytest.raises(ValueError, match="NaN"):
        selection.fit_best_of(np.array([[0.0, 1.0], [np.nan, 2.0]]), 1)


# ----------------------------------------------------------------------------- cross-validation
def test_cross_validated_log_likelihood_scores_each_held_out_fold(iris):
    scores = selection.cross_validated_log_likelihood(iris, 2, n_splits=4, random_state=3,
                                                      n_starts=2)
    assert scores.shape == (4,)
    folds = KFold(4, shuffle=True, random_state=3).split(iris)
    for score, (train, test) in zip(scores, folds, strict=True):
        fitted = selection.fit_best_of(iris[train], 2, 2).final
        assert score == gt.mean_log_likelihood(iris[test], fitted)


def test_held_out_is_below_training_log_likelihood(iris):
    # the fit is scored on data it never saw: on average it must do worse than on its own
    training = selection.fit_best_of(iris, 5, 3).mean_log_likelihood(-1)
    held_out = selection.cross_validated_log_likelihood(iris, 5, n_starts=3).mean()
    assert held_out < training


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_splits": 1}, ValueError, "n_splits"),
    ({"n_splits": 151}, ValueError, "n_splits"),
    ({"n_splits": 5.0}, TypeError, "n_splits"),
    ({"n_starts": 0}, ValueError, "n_starts"),
    ({"covariance_type": "round"}, ValueError, "covariance_type"),
    ({"reg_covar": -1.0}, ValueError, "reg_covar"),
])
def test_cross_validation_rejects_bad_options(iris, kwargs, error, match):
    with pytest.raises(error, match=match):
        selection.cross_validated_log_likelihood(iris, 2, **kwargs)


def test_cross_validation_needs_enough_training_samples():
    X = np.arange(10.0).reshape(5, 2)
    # 5 samples, 5 folds: 4 training samples per fold, so K = 5 cannot be fitted
    with pytest.raises(ValueError, match="n_components"):
        selection.cross_validated_log_likelihood(X, 5, n_splits=5)


# ----------------------------------------------------------------------------- matching
def test_match_clusters_undoes_a_renaming():
    rng = np.random.default_rng(0)
    truth = rng.choice(["a", "b", "c"], size=60)
    renamed = np.select([truth == "a", truth == "b"], [2, 0], 1)
    match = selection.match_clusters(truth, renamed)
    assert match.accuracy == 1.0
    assert match.classes.tolist() == ["a", "b", "c"]
    assert match.clusters.tolist() == [2, 0, 1]
    np.testing.assert_array_equal(match.table, np.diag(np.diag(match.table)))
    np.testing.assert_array_equal(match.relabel(renamed), truth)


def test_match_clusters_against_brute_force_and_numpy_counts():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, size=200)
    pred = np.where(rng.random(200) < 0.7, (truth + 1) % 3, rng.integers(0, 3, size=200))
    match = selection.match_clusters(truth, pred)
    counts = np.array([[np.sum((truth == i) & (pred == k)) for k in range(3)] for i in range(3)])
    rows, cols = linear_sum_assignment(-counts)
    assert match.accuracy == counts[rows, cols].sum() / 200
    assert match.table.sum() == 200
    assert sorted(match.table.ravel().tolist()) == sorted(counts.ravel().tolist())
    assert np.trace(match.table) == counts[rows, cols].sum()


def test_match_clusters_with_more_clusters_than_classes():
    truth = np.array([0, 0, 0, 1, 1, 1])
    pred = np.array([5, 5, 7, 6, 6, 6])
    match = selection.match_clusters(truth, pred)
    assert match.clusters.tolist() == [5, 6, 7]      # the unmatched cluster comes last
    np.testing.assert_array_equal(match.table, [[2, 0, 1], [0, 3, 0]])
    assert match.accuracy == 5 / 6
    assert match.relabel(pred).tolist() == [0, 0, None, 1, 1, 1]


def test_match_clusters_with_fewer_clusters_than_classes():
    truth = np.array(["x", "y", "y", "z", "z", "z"])
    pred = np.array([0, 0, 0, 1, 1, 1])
    match = selection.match_clusters(truth, pred)
    # matched classes first (y <-> 0, z <-> 1), then the unmatched class x
    assert match.classes.tolist() == ["y", "z", "x"]
    np.testing.assert_array_equal(match.table, [[2, 0], [0, 3], [1, 0]])
    assert match.accuracy == 5 / 6


@pytest.mark.parametrize("true, pred, match", [
    ([0, 1], [0, 1, 1], "same length"),
    ([[0, 1]], [[0, 1]], "1-D"),
    ([], [], "empty"),
])
def test_match_clusters_rejects_bad_labels(true, pred, match):
    with pytest.raises(ValueError, match=match):
        selection.match_clusters(np.array(true), np.array(pred))


# ------------------------------------------------ proper fits only, and the criteria over K
def test_fit_best_of_with_min_variance_keeps_the_best_proper_run():
    X = gt.load_iris_sepal().X
    floor = optima.degeneracy_floor(X)
    runs = [gt.run_em(X, gt.initial_params(X, 5, "k-means++", random_state=s)) for s in range(10)]
    proper = [t for t in runs if not optima.is_degenerate(t.final, floor)]
    assert 0 < len(proper) < len(runs)
    kept = selection.fit_best_of(X, 5, 10, min_variance=floor)
    assert kept.mean_log_likelihood(-1) == max(t.mean_log_likelihood(-1) for t in proper)
    best = selection.fit_best_of(X, 5, 10)
    assert best.mean_log_likelihood(-1) == max(t.mean_log_likelihood(-1) for t in runs)
    assert optima.is_degenerate(best.final, floor)


def test_fit_best_of_raises_when_every_run_is_degenerate():
    X = gt.load_iris_sepal().X
    with pytest.raises(ValueError, match="all 2 runs .* degenerate.*min_variance"):
        selection.fit_best_of(X, 8, 2, min_variance=1.0)
    with pytest.raises(ValueError, match="min_variance"):
        selection.fit_best_of(X, 2, 2, min_variance=-1.0)


def test_criteria_over_k_equals_the_loops_it_replaces():
    X = gt.load_iris_sepal().X
    c = selection.criteria_over_k(X, [1, 2, 3], n_starts=4, n_starts_cv=2)
    for i, K in enumerate((1, 2, 3)):
        fit = selection.fit_best_of(X, K, 4).final
        assert c.bic[i] == gt.bic(X, fit) and c.aic[i] == gt.aic(X, fit)
        assert c.training[i] == gt.mean_log_likelihood(X, fit)
        folds = selection.cross_validated_log_likelihood(X, K, n_starts=2)
        assert c.cv[i] == folds.mean()
        assert c.cv_se[i] == pytest.approx(folds.std(ddof=1) / np.sqrt(5))
    assert c.n_parameters.tolist() == [5, 11, 17]
    assert c.choices() == {"BIC": int(np.argmin(c.bic)) + 1, "AIC": int(np.argmin(c.aic)) + 1,
                           "CV": int(np.argmax(c.cv)) + 1}
    assert c.near_minimum("BIC", 0) == []
    assert c.near_minimum("BIC", 1e-9) == [c.choices()["BIC"]]


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"Ks": []}, ValueError, "Ks"),
    ({"Ks": [0, 1]}, ValueError, "Ks"),
    ({"Ks": [1.5]}, TypeError, "Ks"),
])
def test_criteria_over_k_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        selection.criteria_over_k(gt.load_iris_sepal().X, **kwargs)


def test_near_minimum_bad_input():
    c = selection.criteria_over_k(gt.load_iris_sepal().X, [1], n_starts=1, n_starts_cv=1)
    with pytest.raises(ValueError, match="criterion"):
        c.near_minimum("CV", 3)
