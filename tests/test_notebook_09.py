"""Notebook 09 (choosing K): the claims its prose makes, asserted in code.

nbval compares the printed tables; here the statements about them (which fits are
degenerate, which K each criterion picks with and without them, why CV moved) are checked
on the same computations, so that a change of numbers that makes the prose false fails.
"""

from pathlib import Path

import numpy as np
import pytest
from notebook_support import code_sources, one_blas_thread  # noqa: F401 (autouse)
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import KFold

import gmm_teach as gt
from gmm_teach import optima, selection

NB09 = Path(__file__).resolve().parent.parent / "notebooks" / "09_choosing_k.ipynb"
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
def data():
    return {"iris": gt.load_iris_sepal().X,
            "synthetic": draw_synthetic(np.random.default_rng(0), 100)}


@pytest.fixture(scope="module")
def criteria(data):
    """The notebook's two tables: proper fits only, and the highest likelihood kept."""
    out = {}
    for name, X in data.items():
        floor = optima.degeneracy_floor(X)
        out[name, "proper"] = selection.criteria_over_k(X, KS, min_variance=floor)
        out[name, "all"] = selection.criteria_over_k(X, KS)
    return out


def test_notebook_draws_the_synthetic_data_as_this_test_does():
    source = "\n".join(code_sources(NB09))
    for line in ("draw_synthetic(np.random.default_rng(0), 100)",
                 "rng, n_repeats, candidate_Ks = np.random.default_rng(1), 20",
                 "selection.criteria_over_k(X, Ks, n_starts=n_starts, n_starts_cv=n_starts_cv,",
                 "min_variance=floors[name]"):
        assert line in source


def test_best_of_by_likelihood_is_degenerate_for_k_5_to_8_on_iris_only(criteria, data):
    X = data["iris"]
    floor = optima.degeneracy_floor(X)
    assert floor == pytest.approx(0.1**2 / 12)
    flags = [optima.is_degenerate(p, floor) for p in criteria["iris", "all"].fits]
    assert flags == [K >= 5 for K in KS]
    for K in (5, 6, 7):
        p = criteria["iris", "all"].fits[K - 1]
        assert 2.5 < gt.e_step(X, p).sum(axis=0).min() < 3.5         # "three flowers"
    p8 = criteria["iris", "all"].fits[7]
    thin = int(np.argmin(optima.thinnest_variances(p8)))
    assert optima.thinnest_variances(p8)[thin] == pytest.approx(1e-6, rel=1e-3)  # reg_covar
    owned = X[gt.predict(X, p8) == thin]
    assert len(owned) == 5 and np.ptp(owned[:, 0]) == 0                # five flowers, one line
    synthetic_floor = optima.degeneracy_floor(data["synthetic"])
    assert not any(optima.is_degenerate(p, synthetic_floor)
                   for p in criteria["synthetic", "all"].fits)


@pytest.mark.parametrize("name", ["iris", "synthetic"])
def test_training_log_likelihood_of_proper_fits_rises_with_k(criteria, data, name):
    c = criteria[name, "proper"]
    assert np.all(np.diff(c.training) > 0)
    assert not any(optima.is_degenerate(p, optima.degeneracy_floor(data[name])) for p in c.fits)


def test_choices_before_and_after_setting_degenerate_fits_aside(criteria):
    assert criteria["synthetic", "proper"].choices() == {"BIC": 4, "AIC": 4, "CV": 4}
    assert criteria["synthetic", "all"].choices() == {"BIC": 4, "AIC": 4, "CV": 4}
    assert criteria["iris", "proper"].choices() == {"BIC": 2, "AIC": 4, "CV": 4}
    assert criteria["iris", "all"].choices() == {"BIC": 2, "AIC": 5, "CV": 3}
    assert criteria["iris", "all"].near_minimum("AIC", 3) == [4, 5, 8]   # "several within 3"
    assert criteria["iris", "proper"].near_minimum("AIC", 3) == [4]      # "clearly lower"


def test_larger_reg_covar_makes_aic_pick_four(data):
    c = selection.criteria_over_k(data["iris"], KS, reg_covar=1e-3)
    assert c.choices()["AIC"] == 4 and c.near_minimum("AIC", 3) == [4]


@pytest.mark.parametrize("name", ["iris", "synthetic"])
def test_aic_picks_at_least_as_many_components_as_bic(criteria, name):
    choice = criteria[name, "proper"].choices()
    assert choice["AIC"] >= choice["BIC"]


def test_cv_moved_because_two_fold_fits_for_k4_were_degenerate(data):
    X = data["iris"]
    floor = optima.degeneracy_floor(X)
    degenerate = 0
    for train, test in KFold(5, shuffle=True, random_state=0).split(X):
        kept = selection.fit_best_of(X[train], 4, 3).final
        proper = selection.fit_best_of(X[train], 4, 3, min_variance=floor).final
        if optima.is_degenerate(kept, floor):
            degenerate += 1
            assert gt.mean_log_likelihood(X[test], kept) < gt.mean_log_likelihood(X[test], proper)
    assert degenerate == 2


def test_cv_error_bars_are_wider_than_the_steps_next_to_the_maximum(criteria):
    c = criteria["iris", "proper"]
    best = int(np.argmax(c.cv))
    for neighbour in (best - 1, best + 1):
        assert abs(c.cv[neighbour] - c.cv[best]) < min(c.cv_se[best], c.cv_se[neighbour])


def test_bic_is_the_most_frugal_on_iris_and_splits_off_setosa(criteria, data):
    c = criteria["iris", "proper"]
    choice = c.choices()
    assert choice["BIC"] == 2 and choice["BIC"] <= min(choice["AIC"], choice["CV"])
    species = gt.load_iris_sepal().species
    owner = gt.predict(data["iris"], c.fits[1])
    setosa_component = np.bincount(owner[species == "setosa"]).argmax()
    assert np.sum(owner[species == "setosa"] == setosa_component) >= 49
    assert np.all(owner[species != "setosa"] != setosa_component)


def test_parameter_count_and_criteria_equal_scikit_learn(data):
    X = data["iris"]
    d = X.shape[1]
    for K in (1, 3, 8):
        params = gt.run_em(X, gt.initial_params(X, K, random_state=0)).final
        gm = GaussianMixture(K, random_state=0).fit(X)
        assert params.n_parameters == (K - 1) + K * d + K * d * (d + 1) // 2
        assert params.n_parameters == gm._n_parameters()
        assert gt.bic(X, params) == pytest.approx(gm.bic(X), abs=1e-9)
        assert gt.aic(X, params) == pytest.approx(gm.aic(X), abs=1e-9)


def test_repeated_samples_aic_misses_more_often_and_by_too_many():
    # the notebook's experiment with 25 points per component (its first 20 samples)
    rng = np.random.default_rng(1)
    candidates = np.arange(3, 7)
    picks = {"BIC": [], "AIC": []}
    for _ in range(20):
        Y = draw_synthetic(rng, 25)
        floor = optima.degeneracy_floor(Y)
        fitted = [selection.fit_best_of(Y, int(K), 3, min_variance=floor).final
                  for K in candidates]
        picks["BIC"].append(candidates[np.argmin([gt.bic(Y, f) for f in fitted])])
        picks["AIC"].append(candidates[np.argmin([gt.aic(Y, f) for f in fitted])])
    bic, aic = np.array(picks["BIC"]), np.array(picks["AIC"])
    assert np.sum(aic == 4) < np.sum(bic == 4)
    assert np.all(bic >= 4) and np.all(aic >= 4)
