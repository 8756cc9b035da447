"""Full-run parity with scikit-learn: run_em(X, initial_params(X, K, ...)) against
GaussianMixture(K, ...).fit(X) for every initialisation method, every covariance type,
several data sets and seeds, and the stopping rule, tol, reg_covar, bic/aic, score, predict.

What "the same" means here (issue 2, item 3): identical n_iter_ and converged_, lower_bound_
and lower_bounds_ to 1e-8 relative, weights, means and covariances to 1e-6. The one documented
difference: for "k-means++" and "random_from_data" scikit-learn's initial weights sum to K/N,
so its lower_bounds_[0] is ours minus log(N/K) (see gt.initial_params); that relation is tested
exactly in its own test, and every later entry is compared directly.
"""

import warnings

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from test_em import data_set, full_covariances
from threadpoolctl import threadpool_limits

import gmm_teach as gt

ONE_POINT_STARTS = ("k-means++", "random_from_data")



@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    # Hundreds of fits of 2x2 to 4x4 matrices: on a busy 2-core machine, OpenBLAS's and
    # OpenMP's worker threads (scipy's solve_triangular in scikit-learn's M-step, KMeans)
    # spend most of the time waiting for a core; one thread runs this module about 2x faster.
    # Nothing here is large enough for threads to change the results.
    with threadpool_limits(limits=1):
        yield


# Small data sets (150 to 240 points): iris sepal (2-D), all four iris features, make_blobs
# in d = 1, 2, 3, and a 1-D array of shape (N,). Defined in test_em.data_set.
PARITY_DATA = ["iris sepal", "iris 4 features", "blobs d=1", "blobs d=2", "blobs d=3", "1-D"]


def fit_both(X, K, method, seed, covariance_type="full", **options):
    """Our trace and scikit-learn's fitted model from the same method and seed.

    options: tol, max_iter, reg_covar, passed to both. Also returns whether scikit-learn
    warned that it did not converge (recorded, so the caller can check when it does)."""
    reg_covar = options.get("reg_covar", 1e-6)
    init = gt.initial_params(X, K, method=method, random_state=seed, reg_covar=reg_covar,
                             covariance_type=covariance_type)
    trace = gt.run_em(X, init, **options)
    gm = GaussianMixture(K, covariance_type=covariance_type, init_params=method,
                         random_state=seed, **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        gm.fit(X.reshape(len(X), -1))
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return trace, gm, warned


def matching_order(ours, theirs):
    """Index array `order` with theirs[order[k]] the component matching our component k.

    Components are matched by their means (Hungarian assignment on the distances), not by
    sorting, and the match must be unambiguous: each of our means has its partner clearly
    nearer than any other of scikit-learn's means."""
    distance = np.linalg.norm(ours[:, np.newaxis, :] - theirs[np.newaxis, :, :], axis=2)
    rows, order = linear_sum_assignment(distance)
    assert np.array_equal(rows, np.arange(len(ours)))
    matched = distance[rows, order]
    scale = np.abs(theirs).max()
    assert np.all(matched <= 1e-6 * scale), f"no component matches: distances {matched}"
    return order


def assert_same_fit(trace, gm, X, method, *, rel=1e-8, params_rtol=1e-6):
    """Everything a fit produces agrees (see the module docstring)."""
    assert trace.n_iter == gm.n_iter_
    assert trace.converged == gm.converged_
    assert trace.lower_bound == pytest.approx(gm.lower_bound_, rel=rel)
    ours = np.asarray(trace.mean_log_likelihoods)
    theirs = np.asarray(gm.lower_bounds_)
    assert ours.shape == theirs.shape == (gm.n_iter_,)
    first = 1 if method in ONE_POINT_STARTS else 0  # entry 0 tested in its own test
    np.testing.assert_allclose(ours[first:], theirs[first:], rtol=rel)

    final = trace.final
    K, d = gm.means_.shape
    order = matching_order(final.means, gm.means_)
    np.testing.assert_allclose(final.weights, gm.weights_[order], rtol=params_rtol)
    scale = np.abs(gm.means_).max()
    np.testing.assert_allclose(final.means, gm.means_[order], rtol=params_rtol,
                               atol=params_rtol * scale)
    theirs_cov = full_covariances(gm.covariances_, gm.covariance_type, K, d)[order]
    np.testing.assert_allclose(final.covariances, theirs_cov, rtol=params_rtol,
                               atol=params_rtol * np.abs(theirs_cov).max())


# ----------------------------------------------------------------------------- the grid
@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("method", gt.INIT_METHODS)
@pytest.mark.parametrize("name", PARITY_DATA)
def test_full_run_matches_scikit_learn(name, method, covariance_type):
    X, K = data_set(name)
    for seed in (0, 1, 7):
        trace, gm, warned = fit_both(X, K, method, seed, covariance_type)
        assert_same_fit(trace, gm, X, method)
        assert warned == (not gm.converged_)  # scikit-learn warns exactly when not converged
        assert trace.final.covariance_type == covariance_type


def test_the_iris_example_of_the_issue():
    # issue 2: scikit-learn gives 8 iterations and lower_bound_ -1.4987505566 for
    # random_state=0 with the default "kmeans" start and full covariances.
    X = gt.load_iris_sepal()[0]
    trace, gm, warned = fit_both(X, 3, "kmeans", 0, "full")
    assert gm.n_iter_ == 8 and gm.lower_bound_ == pytest.approx(-1.4987505566, abs=1e-10)
    assert trace.n_iter == 8 and trace.converged and not warned
    assert trace.lower_bound == pytest.approx(-1.4987505566, abs=1e-10)
    assert trace.lower_bound == pytest.approx(gm.lower_bound_, rel=1e-12)
    assert_same_fit(trace, gm, X, "kmeans")


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("method", ONE_POINT_STARTS)
@pytest.mark.parametrize("name", ["iris sepal", "blobs d=3", "1-D"])
def test_one_point_starts_first_lower_bound_is_off_by_log_n_over_k(name, method,
                                                                    covariance_type):
    # scikit-learn's initial weights are N_k / N with N_k = 1 (+ 10 eps): they sum to K/N,
    # so every log pi_k, and with them its first mean log-likelihood, is lower by log(N/K).
    X, K = data_set(name)
    N = len(X)
    trace, gm, _ = fit_both(X, K, method, 3, covariance_type)
    init = trace.params[0]
    np.testing.assert_allclose(init.weights, 1 / K, rtol=1e-12)
    assert gm.lower_bounds_[0] == pytest.approx(
        trace.mean_log_likelihoods[0] - np.log(N / K), rel=1e-12)
    # the difference itself, not only relative to a first entry that can be -2e5 (k-means++
    # components start with covariance reg_covar I, 1e-6)
    assert trace.mean_log_likelihoods[0] - gm.lower_bounds_[0] == pytest.approx(
        np.log(N / K), abs=1e-8)
    # the responsibilities of that first E-step do not see the common factor, so from the
    # second entry on the traces agree as usual
    np.testing.assert_allclose(trace.mean_log_likelihoods[1:], gm.lower_bounds_[1:],
                               rtol=1e-8)


# ----------------------------------------------------------------------------- stopping rule
@pytest.mark.parametrize("method", gt.INIT_METHODS)
def test_max_iter_reached_is_not_converged_and_scikit_learn_warns(method):
    X, K = data_set("iris 4 features")
    options = dict(tol=1e-10, max_iter=4)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        gm = GaussianMixture(K, init_params=method, random_state=2, **options).fit(X)
    trace = gt.run_em(X, gt.initial_params(X, K, method, random_state=2), **options)
    assert gm.n_iter_ == trace.n_iter == 4
    assert not gm.converged_ and not trace.converged
    assert_same_fit(trace, gm, X, method)


@pytest.mark.parametrize("tol", [0.5, 1e-2, 1e-5, 1e-7, 0.0])
@pytest.mark.parametrize("name", ["iris sepal", "blobs d=2", "1-D"])
def test_tol_variations(name, tol):
    X, K = data_set(name)
    trace, gm, warned = fit_both(X, K, "kmeans", 5, "full", tol=tol, max_iter=60)
    assert_same_fit(trace, gm, X, "kmeans")
    assert warned == (not trace.converged)
    if tol == 0.0:  # |change| < 0 never holds: the loop runs to max_iter
        assert trace.n_iter == 60 and not trace.converged


def test_a_larger_tol_stops_no_later():
    X, K = data_set("iris 4 features")
    iterations = [fit_both(X, K, "random", 1, "full", tol=tol)[0].n_iter
                  for tol in (1e-1, 1e-3, 1e-5)]
    assert iterations == sorted(iterations) and iterations[0] < iterations[-1]


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("reg_covar", [1e-9, 1e-3, 0.1, 1.0])
@pytest.mark.parametrize("method", ["kmeans", "random_from_data"])
def test_reg_covar_variations(method, reg_covar, covariance_type):
    X, K = data_set("iris sepal")
    trace, gm, _ = fit_both(X, K, method, 4, covariance_type, reg_covar=reg_covar)
    assert_same_fit(trace, gm, X, method)
    variances = np.diagonal(trace.final.covariances, axis1=1, axis2=2)
    assert variances.min() >= reg_covar


@pytest.mark.parametrize("method", ONE_POINT_STARTS)
def test_no_reg_covar_with_a_one_point_start_fails_in_both(method):
    # A component made of one sample has covariance 0: without the ridge neither library can
    # start. scikit-learn raises a ValueError; ours says the same and names the fix.
    X = gt.load_iris_sepal()[0]
    with pytest.raises(ValueError, match="reg_covar"):
        GaussianMixture(3, init_params=method, reg_covar=0.0, random_state=0).fit(X)
    with pytest.raises(ValueError, match="not positive definite.*reg_covar"):
        gt.initial_params(X, 3, method, random_state=0, reg_covar=0.0)


# ----------------------------------------------------------------------------- scores
@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("name", ["iris sepal", "iris 4 features", "blobs d=3", "1-D"])
def test_bic_aic_score_and_predict_equal_scikit_learn(name, covariance_type):
    X, K = data_set(name)
    X2 = X.reshape(len(X), -1)
    trace, gm, _ = fit_both(X, K, "kmeans", 0, covariance_type)
    final = trace.final
    order = matching_order(final.means, gm.means_)
    assert np.array_equal(order, np.arange(K))  # same start, same labels: no relabelling
    assert gt.bic(X, final) == pytest.approx(gm.bic(X2), rel=1e-10)
    assert gt.aic(X, final) == pytest.approx(gm.aic(X2), rel=1e-10)
    assert gt.mean_log_likelihood(X, final) == pytest.approx(gm.score(X2), rel=1e-10)
    np.testing.assert_allclose(gt.sample_log_likelihood(X, final), gm.score_samples(X2),
                               rtol=1e-9)
    np.testing.assert_array_equal(gt.predict(X, final), gm.predict(X2))
    np.testing.assert_allclose(gt.e_step(X, final), gm.predict_proba(X2), atol=1e-9)
    # and on data the model was not fitted to
    Y = np.random.default_rng(0).normal(X2.mean(axis=0), 2 * X2.std(axis=0), size=(50, X2.shape[1]))
    assert gt.mean_log_likelihood(Y, final) == pytest.approx(gm.score(Y), rel=1e-10)
    np.testing.assert_array_equal(gt.predict(Y, final), gm.predict(Y))


def test_bic_and_aic_by_their_formulas():
    X, K = data_set("iris sepal")
    final = fit_both(X, K, "kmeans", 0)[0].final
    N, p = len(X), final.n_parameters
    log_likelihood = N * gt.mean_log_likelihood(X, final)
    assert gt.bic(X, final) == pytest.approx(-2 * log_likelihood + p * np.log(N), rel=1e-14)
    assert gt.aic(X, final) == pytest.approx(-2 * log_likelihood + 2 * p, rel=1e-14)
    assert p == 17
