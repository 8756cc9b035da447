"""E-step, M-step, the EM trace and the numerics of a collapsing component.

Reference values come from scikit-learn's GaussianMixture (fitted, then its parameters copied
into a GMMParams) and its private _estimate_gaussian_parameters (the M-step)."""

import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

import gmm_teach as gt


def full_covariances(covariances, covariance_type, K, d):
    """scikit-learn's covariances_ (full (K,d,d), tied (d,d), diag (K,d), spherical (K,)) as
    K full (d, d) matrices."""
    covariances = np.asarray(covariances)
    if covariance_type == "full":
        return covariances
    if covariance_type == "tied":
        return np.broadcast_to(covariances, (K, d, d)).copy()
    if covariance_type == "diag":
        return covariances[:, :, np.newaxis] * np.eye(d)
    return covariances[:, np.newaxis, np.newaxis] * np.eye(d)


def params_of(gm: GaussianMixture) -> gt.GMMParams:
    K, d = gm.means_.shape
    return gt.GMMParams(gm.weights_, gm.means_,
                        full_covariances(gm.covariances_, gm.covariance_type, K, d),
                        gm.covariance_type)


def one_dimensional_data():
    rng = np.random.default_rng(5)
    return np.concatenate([rng.normal(-2.0, 0.7, 120), rng.normal(3.0, 1.5, 80)])


def data_set(name):
    """(X, K) for the named data set; a 1-D X has shape (N,)."""
    if name == "iris sepal":
        return gt.load_iris_sepal()[0], 3
    if name == "iris 4 features":
        return gt.load_iris_all()[0], 3
    if name.startswith("blobs d="):
        d = int(name[-1])
        X, _ = make_blobs(240, n_features=d, centers=3, cluster_std=[1.0, 1.5, 0.6],
                          random_state=d)
        return X, 3
    if name == "1-D":
        return one_dimensional_data(), 2
    if name == "iris sepal + 1e4":
        return gt.load_iris_sepal()[0] + 1e4, 3
    raise ValueError(name)


DATA_SETS = ["iris sepal", "iris 4 features", "blobs d=1", "blobs d=2", "blobs d=3", "1-D",
             "iris sepal + 1e4"]


# ----------------------------------------------------------------------------- E-step
@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("name", DATA_SETS)
def test_e_step_and_likelihoods_match_a_fitted_scikit_learn_model(name, covariance_type):
    X, K = data_set(name)
    X2 = X.reshape(len(X), -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm = GaussianMixture(K, covariance_type=covariance_type, random_state=0).fit(X2)
    params = params_of(gm)
    # scikit-learn's diag/spherical log-density expands |x - mu|^2 into x^2 - 2 x mu + mu^2,
    # which loses digits when the data sit far from the origin; ours does not.
    far = name.endswith("1e4") and covariance_type in ("diag", "spherical")
    atol = 1e-6 if far else 1e-10

    log_prob = gt.log_gaussian_prob(X, params)
    assert log_prob.shape == (len(X), K)
    np.testing.assert_allclose(log_prob, gm._estimate_log_prob(X2), rtol=1e-10, atol=atol)
    np.testing.assert_allclose(gt.weighted_log_prob(X, params),
                               gm._estimate_weighted_log_prob(X2), rtol=1e-10, atol=atol)

    resp = gt.e_step(X, params)
    assert resp.shape == (len(X), K)
    np.testing.assert_allclose(resp, gm.predict_proba(X2), rtol=0, atol=max(atol, 1e-12))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-14)

    log_p = gt.sample_log_likelihood(X, params)
    assert log_p.shape == (len(X),)
    np.testing.assert_allclose(log_p, gm.score_samples(X2), rtol=1e-10, atol=atol)
    assert gt.mean_log_likelihood(X, params) == pytest.approx(gm.score(X2), rel=1e-10,
                                                              abs=atol)
    assert isinstance(gt.mean_log_likelihood(X, params), float)
    np.testing.assert_array_equal(gt.predict(X, params), gm.predict(X2))


def test_log_gaussian_prob_is_mvn_logpdf_per_component():
    X = gt.load_iris_all()[0]
    rng = np.random.default_rng(1)
    covariances = np.stack([np.cov(X[i::3].T) + 0.1 * np.eye(4) for i in range(3)])
    params = gt.GMMParams([0.2, 0.3, 0.5], X[rng.choice(150, 3)], covariances)
    log_prob = gt.log_gaussian_prob(X, params)
    for k in range(3):
        np.testing.assert_allclose(log_prob[:, k],
                                   gt.mvn_logpdf(X, params.means[k], params.covariances[k]),
                                   rtol=1e-12)
    np.testing.assert_allclose(gt.weighted_log_prob(X, params),
                               log_prob + np.log(params.weights), rtol=1e-14)
    # eq. (5) by Bayes' rule in linear space (safe here: no underflow)
    numerator = params.weights * np.exp(log_prob)
    np.testing.assert_allclose(gt.e_step(X, params),
                               numerator / numerator.sum(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(gt.sample_log_likelihood(X, params),
                               np.log(numerator.sum(axis=1)), rtol=1e-12)


def test_e_step_with_a_zero_weight_gives_that_component_nothing():
    X = one_dimensional_data()
    params = gt.GMMParams([0.0, 1.0], [-2.0, 3.0], [1.0, 2.0])
    resp = gt.e_step(X, params)
    np.testing.assert_array_equal(resp[:, 0], 0.0)
    np.testing.assert_array_equal(resp[:, 1], 1.0)
    np.testing.assert_allclose(gt.sample_log_likelihood(X, params),
                               gt.gaussian_logpdf(X, 3.0, 2.0), rtol=1e-13)


# ----------------------------------------------------------------------------- M-step
def random_responsibilities(rng, n, K):
    return rng.dirichlet(np.full(K, 0.7), size=n)


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("name", ["iris sepal", "iris 4 features", "blobs d=3", "1-D",
                                  "iris sepal + 1e4"])
@pytest.mark.parametrize("reg_covar", [0.0, 1e-6, 0.1])
def test_m_step_matches_scikit_learn(name, covariance_type, reg_covar):
    X, K = data_set(name)
    X2 = X.reshape(len(X), -1)
    d = X2.shape[1]
    resp = random_responsibilities(np.random.default_rng(len(name)), len(X), K + 1)
    params = gt.m_step(X, resp, reg_covar=reg_covar, covariance_type=covariance_type)
    nk, means, covariances = _estimate_gaussian_parameters(X2, resp, reg_covar,
                                                           covariance_type)
    assert params.covariance_type == covariance_type
    np.testing.assert_allclose(params.weights, nk / nk.sum(), rtol=1e-13)
    np.testing.assert_allclose(params.means, means, rtol=1e-13)
    # the far data set loses digits in sklearn's x^2 - mu^2 form for diag/spherical (and we
    # use the same form for parity), so compare there against the variances' own size
    np.testing.assert_allclose(params.covariances,
                               full_covariances(covariances, covariance_type, K + 1, d),
                               rtol=1e-10, atol=1e-8 if name.endswith("1e4") else 1e-13)


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
def test_m_step_on_one_hot_responsibilities_gives_each_clusters_sample_statistics(
        covariance_type):
    X, species = gt.load_iris_sepal()
    names, labels = np.unique(species, return_inverse=True)
    resp = np.eye(3)[labels]
    reg_covar = 1e-3
    params = gt.m_step(X, resp, reg_covar=reg_covar, covariance_type=covariance_type)
    biased = [np.cov(X[labels == k].T, bias=True) for k in range(3)]
    counts = np.bincount(labels)
    np.testing.assert_allclose(params.weights, counts / 150, rtol=1e-14)
    for k in range(3):
        np.testing.assert_allclose(params.means[k], X[labels == k].mean(axis=0), rtol=1e-14)
    expected = {
        "full": biased,
        "tied": [sum(n * c for n, c in zip(counts, biased, strict=True)) / 150] * 3,
        "diag": [np.diag(np.diag(c)) for c in biased],
        "spherical": [np.mean(np.diag(c)) * np.eye(2) for c in biased],
    }[covariance_type]
    np.testing.assert_allclose(params.covariances, np.array(expected) + reg_covar * np.eye(2),
                               rtol=1e-12)


def test_m_step_reg_covar_is_added_to_the_diagonal_only():
    X = gt.load_iris_sepal()[0]
    resp = random_responsibilities(np.random.default_rng(0), 150, 3)
    without = gt.m_step(X, resp, reg_covar=0.0)
    with_ridge = gt.m_step(X, resp, reg_covar=0.25)
    np.testing.assert_allclose(with_ridge.covariances - without.covariances,
                               np.broadcast_to(0.25 * np.eye(2), (3, 2, 2)), atol=1e-14)
    np.testing.assert_array_equal(with_ridge.means, without.means)


def test_m_step_then_e_step_fixed_point_for_one_component():
    # K = 1: the M-step gives the sample mean and biased sample covariance of all the data.
    X = gt.load_iris_all()[0]
    params = gt.m_step(X, np.ones((150, 1)), reg_covar=0.0)
    np.testing.assert_allclose(params.means[0], X.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(params.covariances[0], np.cov(X.T, bias=True), rtol=1e-12)
    assert params.weights[0] == pytest.approx(1.0, rel=1e-14)
    np.testing.assert_array_equal(gt.e_step(X, params), 1.0)


# ----------------------------------------------------------------------------- initial_params
@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
def test_initial_params_kmeans_is_one_m_step_on_kmeans_labels(covariance_type):
    from sklearn.cluster import KMeans
    from sklearn.utils import check_random_state

    X = gt.load_iris_sepal()[0]
    init = gt.initial_params(X, 3, "kmeans", random_state=4, covariance_type=covariance_type)
    labels = KMeans(3, n_init=1, random_state=check_random_state(4)).fit(X).labels_
    expected = gt.m_step(X, np.eye(3)[labels], covariance_type=covariance_type)
    assert init.covariance_type == covariance_type
    np.testing.assert_array_equal(init.means, expected.means)
    np.testing.assert_array_equal(init.covariances, expected.covariances)
    np.testing.assert_array_equal(init.weights, expected.weights)


@pytest.mark.parametrize("method", gt.INIT_METHODS)
def test_initial_params_is_reproducible_and_a_distribution(method):
    X = gt.load_iris_all()[0]
    a = gt.initial_params(X, 4, method, random_state=11)
    b = gt.initial_params(X, 4, method, random_state=11)
    c = gt.initial_params(X, 4, method, random_state=12)
    np.testing.assert_array_equal(a.means, b.means)
    np.testing.assert_array_equal(a.covariances, b.covariances)
    assert not np.array_equal(a.means, c.means)
    assert a.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert a.n_components == 4 and a.n_features == 4


@pytest.mark.parametrize("method", ["k-means++", "random_from_data"])
def test_one_point_starts_centre_each_component_on_a_distinct_sample(method):
    X = gt.load_iris_all()[0]
    init = gt.initial_params(X, 3, method, random_state=2)
    # (N_k = 1 + 10 eps, so the mean is the sample up to rounding)
    distances = np.abs(X[:, np.newaxis, :] - init.means).max(axis=2)  # (N, K)
    assert np.all(distances.min(axis=0) < 1e-12)
    assert len({tuple(np.round(mean, 8)) for mean in init.means}) == 3
    # each component is one point: covariance reg_covar I, weights 1/K after normalising
    np.testing.assert_allclose(init.covariances, np.broadcast_to(1e-6 * np.eye(4), (3, 4, 4)),
                               rtol=1e-6, atol=1e-20)
    np.testing.assert_allclose(init.weights, 1 / 3, rtol=1e-12)


# ----------------------------------------------------------------------------- the trace
@pytest.fixture(scope="module")
def iris_trace():
    X = gt.load_iris_sepal()[0]
    return X, gt.run_em(X, gt.initial_params(X, 3, "kmeans", random_state=0))


def test_trace_bookkeeping(iris_trace):
    X, trace = iris_trace
    assert trace.n_iter == len(trace.mean_log_likelihoods) == len(trace.params) - 1
    assert trace.final is trace.params[-1]
    assert trace.lower_bound == trace.mean_log_likelihoods[-1]
    for i in range(trace.n_iter):
        assert trace.mean_log_likelihoods[i] == pytest.approx(
            gt.mean_log_likelihood(X, trace.params[i]), rel=1e-14)
        assert trace.mean_log_likelihood(i) == trace.mean_log_likelihoods[i]
    assert trace.mean_log_likelihood(-1) == pytest.approx(
        gt.mean_log_likelihood(X, trace.final), rel=1e-14)
    assert trace.mean_log_likelihood(trace.n_iter) == trace.mean_log_likelihood(-1)
    # converged: the last change is below tol, the one before is not
    changes = np.diff(trace.mean_log_likelihoods)
    assert trace.converged and abs(changes[-1]) < trace.tol <= abs(changes[-2])


def test_each_params_is_the_m_step_of_the_previous_responsibilities(iris_trace):
    X, trace = iris_trace
    for i in range(1, trace.n_iter + 1):
        resp = trace.responsibilities(i - 1)
        np.testing.assert_array_equal(resp, gt.e_step(X, trace.params[i - 1]))
        again = gt.m_step(X, resp, reg_covar=trace.reg_covar)
        np.testing.assert_array_equal(again.means, trace.params[i].means)
        np.testing.assert_array_equal(again.covariances, trace.params[i].covariances)
        np.testing.assert_array_equal(again.weights, trace.params[i].weights)


def test_half_steps(iris_trace):
    X, trace = iris_trace
    for iteration in (1, 4, trace.n_iter):
        e = trace.half_step(iteration, "E")
        m = trace.half_step(iteration, "M")
        assert (e.iteration, e.phase, m.iteration, m.phase) == (iteration, "E", iteration, "M")
        assert e.params is trace.params[iteration - 1]
        assert m.params is trace.params[iteration]
        np.testing.assert_array_equal(e.responsibilities, m.responsibilities)
        np.testing.assert_array_equal(e.responsibilities, gt.e_step(X, e.params))
        assert e.mean_log_likelihood == trace.mean_log_likelihood(iteration - 1)
        assert m.mean_log_likelihood == pytest.approx(gt.mean_log_likelihood(X, m.params),
                                                      rel=1e-14)
        assert m.mean_log_likelihood >= e.mean_log_likelihood  # an EM step never loses
    with pytest.raises(ValueError, match=f"iteration must be 1..{trace.n_iter}"):
        trace.half_step(trace.n_iter + 1, "E")
    with pytest.raises(ValueError, match="iteration must be at least 1"):
        trace.half_step(0, "M")
    with pytest.raises(ValueError, match="phase must be 'E' or 'M'"):
        trace.half_step(1, "e")
    with pytest.raises(IndexError, match=r"params\[0\] .. params\[8\]"):
        trace.responsibilities(9)
    # too far from the end is the same IndexError (it was a ValueError 'at least -9')
    with pytest.raises(IndexError, match=r"params\[0\] .. params\[8\] \(or -9 .. -1 from "
                                         r"the end\); got i=-10"):
        trace.mean_log_likelihood(-10)
    with pytest.raises(TypeError, match="i must be a whole number"):
        trace.responsibilities(1.0)


def test_half_steps_compare_and_hash_like_the_other_results(iris_trace):
    """HalfStep holds an array: like GMMParams and EMTrace it compares by identity, so ==,
    `in` and sets work (a generated __eq__ compared the arrays and raised numpy's
    'truth value of an array is ambiguous')."""
    _, trace = iris_trace
    first, again = trace.half_step(1, "E"), trace.half_step(1, "E")
    assert first == first and first != again and first not in [again]
    assert len({first, again, first}) == 2


def test_tol_zero_runs_max_iter_and_max_iter_zero_runs_nothing():
    X = gt.load_iris_sepal()[0]
    init = gt.initial_params(X, 3, "random", random_state=1)
    trace = gt.run_em(X, init, tol=0.0, max_iter=7)
    assert trace.n_iter == 7 and not trace.converged and len(trace.params) == 8
    nothing = gt.run_em(X, init, max_iter=0)
    assert nothing.n_iter == 0 and not nothing.converged
    assert nothing.params == (init,) and nothing.final is init
    assert nothing.mean_log_likelihood(0) == pytest.approx(gt.mean_log_likelihood(X, init))


def test_run_em_keeps_covariance_type_and_reg_covar():
    X = gt.load_iris_all()[0]
    for covariance_type in gt.COVARIANCE_TYPES:
        init = gt.initial_params(X, 2, random_state=0, covariance_type=covariance_type)
        trace = gt.run_em(X, init, reg_covar=0.01, max_iter=5)
        assert {p.covariance_type for p in trace.params} == {covariance_type}
        assert trace.reg_covar == 0.01
        # the ridge is in the covariances: every variance is at least reg_covar
        variances = np.diagonal(trace.final.covariances, axis1=1, axis2=2)
        assert variances.min() >= 0.01


# ----------------------------------------------------------------------------- numerics
def test_far_points_give_finite_responsibilities_and_likelihoods():
    X = gt.load_iris_sepal()[0]
    params = gt.run_em(X, gt.initial_params(X, 3, random_state=0)).final
    far = np.array([[1e4, -1e4], [-3e3, 5e3], [6.0, 3.0]])  # ~1e4 standard deviations away
    resp = gt.e_step(far, params)
    assert np.all(np.isfinite(resp))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-14)
    log_p = gt.sample_log_likelihood(far, params)
    assert np.all(np.isfinite(log_p))
    assert log_p[0] < -1e6
    # a far point belongs to the component with the smallest Mahalanobis distance
    squared = [np.linalg.solve(c, far[0] - m) @ (far[0] - m)
               for m, c in zip(params.means, params.covariances, strict=True)]
    assert gt.predict(far[:1], params)[0] == int(np.argmin(squared))


def test_tiny_variances_give_finite_e_step():
    X = np.array([[0.0, 0.0], [1e-6, 0.0], [1.0, 1.0], [1.0 + 1e-6, 1.0]])
    params = gt.GMMParams([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]],
                          np.stack([1e-12 * np.eye(2)] * 2))
    resp = gt.e_step(X, params)
    np.testing.assert_array_equal(resp, [[1, 0], [1, 0], [0, 1], [0, 1]])
    assert np.all(np.isfinite(gt.sample_log_likelihood(X, params)))


def collapsing_case():
    """A blob of 40 points and one point repeated twice far away, with a start that puts
    component 1 on the repeated point: its responsibilities are exactly one-hot there, so
    its covariance estimate is exactly 0 without the ridge."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, size=(40, 2)), [[12.0, 12.0], [12.0, 12.0]]])
    init = gt.GMMParams([0.9, 0.1], [[0.0, 0.0], [12.0, 12.0]],
                        [np.eye(2), 0.01 * np.eye(2)])
    return X, init


def test_collapsing_component_stays_finite_with_the_default_reg_covar():
    X, init = collapsing_case()
    trace = gt.run_em(X, init)
    final = trace.final
    assert np.all(np.isfinite(trace.mean_log_likelihoods))
    assert np.isfinite(trace.mean_log_likelihood(-1))
    np.testing.assert_allclose(final.covariances[1], 1e-6 * np.eye(2), rtol=1e-6, atol=1e-20)
    np.testing.assert_allclose(final.means[1], [12.0, 12.0], rtol=1e-12)
    assert final.weights[1] == pytest.approx(2 / 42, rel=1e-9)
    assert np.all(np.isfinite(trace.responsibilities(-1)))


def test_collapsing_component_without_reg_covar_explains_the_singularity():
    X, init = collapsing_case()
    with pytest.raises(ValueError, match=r"component 2\) is not positive definite") as error:
        gt.run_em(X, init, reg_covar=0.0)
    assert "reg_covar" in str(error.value)
    resp = gt.e_step(X, init)
    with pytest.raises(ValueError, match="not positive definite.*reg_covar"):
        gt.m_step(X, resp, reg_covar=0.0)


# ----------------------------------------------------------------------------- memory
def retained_bytes(n_samples: int, n_iter: int = 100) -> tuple[int, int]:
    """Bytes that a run_em trace keeps beyond the data (measured with tracemalloc), and the
    sum of the nbytes of every array the trace holds except X."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 1.0, size=(n_samples // 3, 2)) for c in (-4.0, 0.0, 4.0)])
    init = gt.initial_params(X, 3, "random_from_data", random_state=0)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        trace = gt.run_em(X, init, tol=0.0, max_iter=n_iter)
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert trace.n_iter == n_iter and trace.X is X  # X is shared, not copied
    held = trace.mean_log_likelihoods.nbytes + sum(
        p.weights.nbytes + p.means.nbytes + p.covariances.nbytes + p.precisions_cholesky.nbytes
        + p.log_det_precisions_cholesky.nbytes for p in trace.params)
    return retained, held


@pytest.mark.slow
def test_trace_keeps_parameters_not_responsibilities():
    # 100 iterations on 200 000 x 2 points with K = 3: one set of responsibilities alone
    # would be 200_000 * 3 * 8 = 4.8 MB; the whole trace costs kilobytes.
    small_retained, small_held = retained_bytes(20_001)
    large_retained, large_held = retained_bytes(200_001)
    assert small_held == large_held < 40_000
    assert large_retained < 200_000  # arrays plus Python object overhead of 101 GMMParams
    assert abs(large_retained - small_retained) < 20_000  # does not grow with N
    assert large_retained < 200_001 * 3 * 8 / 20
