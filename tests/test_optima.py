"""gmm_teach.optima: the degeneracy criterion, duplicated components and the seed study."""

import numpy as np
import pytest

import gmm_teach as gt
from gmm_teach import optima


@pytest.fixture(scope="module")
def iris():
    return gt.load_iris_sepal().X


def test_thinnest_variances_are_the_smallest_eigenvalues():
    covariances = np.array([np.diag([4.0, 0.25]), [[2.0, 1.0], [1.0, 2.0]]])
    params = gt.GMMParams([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], covariances)
    assert np.allclose(optima.thinnest_variances(params), [0.25, 1.0])
    assert optima.is_degenerate(params, 0.3) and not optima.is_degenerate(params, 0.25)


def test_rounding_variance_finds_the_measurement_step(iris):
    assert optima.rounding_variance(iris) == pytest.approx(0.1**2 / 12)
    assert optima.rounding_variance(np.round(iris * 10) * 2.5) == pytest.approx(2.5**2 / 12)
    assert optima.rounding_variance(np.ones((5, 2))) == 0.0
    noisy = iris.copy()
    noisy[0, 0] += 4e-16 * noisy[0, 0]            # the same value after other arithmetic
    assert optima.rounding_variance(noisy) == pytest.approx(0.1**2 / 12)


def test_degeneracy_floor_is_the_larger_of_rounding_and_twice_reg_covar(iris):
    assert optima.degeneracy_floor(iris) == pytest.approx(0.1**2 / 12)
    assert optima.degeneracy_floor(iris, reg_covar=1e-2) == pytest.approx(2e-2)
    X = np.random.default_rng(0).normal(size=(200, 2))     # not rounded
    assert optima.degeneracy_floor(X) == pytest.approx(2e-6)


def test_a_spike_on_points_on_a_line_is_degenerate(iris):
    # the long "random" run of notebook 07 ends with a component of variance reg_covar
    start = gt.initial_params(iris, 3, "random", random_state=0)
    final = gt.run_em(iris, start, tol=1e-8, max_iter=2000).final
    assert optima.is_degenerate(final, optima.degeneracy_floor(iris))
    assert optima.thinnest_variances(final).min() == pytest.approx(1e-6, rel=1e-3)


def test_duplicated_components_found_and_kept_by_em(iris):
    # random_from_data, seed 18, starts two components on two equal rows of iris
    start = gt.initial_params(iris, 3, "random_from_data", random_state=18)
    assert optima.duplicated_components(start) == [(0, 2)]
    trace = gt.run_em(iris, start, tol=1e-6, max_iter=1000)
    assert optima.duplicated_components(trace.final) == [(0, 2)]
    two = gt.run_em(iris, gt.initial_params(iris, 2, random_state=0), tol=1e-6,
                    max_iter=1000).mean_log_likelihood(-1)
    assert trace.mean_log_likelihood(-1) == pytest.approx(two, abs=1e-4)  # the K = 2 fit
    distinct = gt.initial_params(iris, 3, random_state=0)
    assert optima.duplicated_components(distinct) == []


def test_seed_study_runs_each_method_and_continues_the_default_runs(iris):
    study = optima.seed_study(iris, 3, range(3), methods=("kmeans", "random"))
    assert study.methods == ("kmeans", "random") and study.seeds == (0, 1, 2)
    for m in study.methods:
        for s, (default, tight) in enumerate(zip(study.default[m], study.tight[m], strict=True)):
            single = gt.run_em(iris, gt.initial_params(iris, 3, m, random_state=s))
            assert default.mean_log_likelihood(-1) == single.mean_log_likelihood(-1)
            assert tight.params[0] is default.final or np.array_equal(
                tight.params[0].means, default.final.means)
            assert tight.converged
    scores = study.scores("tight")
    assert set(scores) == {"kmeans", "random"} and scores["kmeans"].shape == (3,)
    assert np.all(scores["random"] >= study.scores("default")["random"] - 1e-3)


def test_optima_table_groups_runs_and_counts_per_method(iris):
    study = optima.seed_study(iris, 3, range(20), methods=("kmeans", "random_from_data"))
    floor = optima.degeneracy_floor(iris)
    rows = optima.optima_table(study, floor)
    assert sum(sum(r[4:]) for r in rows) == 2 * 20
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    duplicated = [r for r in rows if r[2] == "yes"]
    assert len(duplicated) == 1 and duplicated[0][5] == 1            # random_from_data, seed 18
    assert all((r[1] == "yes") == (r[3] < floor) for r in rows if r[4] + r[5] == 1)


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda: optima.thinnest_variances(np.eye(2)), TypeError, "params must be a GMMParams"),
    (lambda: optima.is_degenerate(gt.GMMParams([1.0], [[0.0]], [[[1.0]]]), -1), ValueError,
     "min_variance"),
    (lambda: optima.degeneracy_floor(np.ones((3, 2)), reg_covar=-1), ValueError, "reg_covar"),
    (lambda: optima.duplicated_components("x"), TypeError, "params"),
    (lambda: optima.seed_study(np.ones((10, 2)), 2, []), ValueError, "seeds"),
    (lambda: optima.seed_study(np.ones((10, 2)), 2, [1.5]), TypeError, "seed"),
    (lambda: optima.seed_study(np.ones((10, 2)), 2, 5), TypeError, "range"),
    (lambda: optima.seed_study(np.ones((10, 2)), 2, [-1]), ValueError, "seed"),
    (lambda: optima.seed_study(np.ones((10, 2)), 2, [0], methods=("best",)), ValueError, "methods"),
    (lambda: optima.seed_study(np.ones((10, 2)), 2, [0], tight_tol=1e-2), ValueError, "tight_tol"),
    (lambda: optima.seed_study(np.ones((10, 2)), 20, [0]), ValueError, "n_components"),
    (lambda: optima.optima_table({}, 1e-3), TypeError, "SeedStudy"),
])
def test_bad_input_names_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_seed_study_with_a_larger_reg_covar_has_no_spikes(iris):
    """07's things to try: with reg_covar about the rounding variance no component gets
    thinner than the data resolve."""
    study = optima.seed_study(iris, 3, range(10), methods=("random_from_data",), reg_covar=1e-3)
    assert np.all(study.thinnest()["random_from_data"] >= 1e-3)
    assert study.tight["random_from_data"][0].reg_covar == 1e-3
    assert study.starts["random_from_data"][0].covariances[0] == pytest.approx(1e-3 * np.eye(2))
