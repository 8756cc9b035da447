"""Variational Bayes (gmm_teach.variational) against scikit-learn's BayesianGaussianMixture.

The parity standard of test_parity.py: the same n_iter_ and converged_, lower_bound_ and
lower_bounds_ to 1e-8 relative, weights, means and covariances to 1e-6 (relative; means and
covariances also absolute relative to their largest entry). The same start (the same random
numbers) gives the same component order, so components are compared index by index.
"""

import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.special import digamma
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture
from test_em import data_set, full_covariances
from threadpoolctl import threadpool_limits

import gmm_teach as gt
from gmm_teach import variational as vb


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    with threadpool_limits(limits=1):  # small matrices: one thread is faster on 2 shared cores
        yield


def fit_both(X, K, seed, **options):
    """Our trace and scikit-learn's fitted BayesianGaussianMixture, same arguments."""
    trace = gt.run_variational(X, K, random_state=seed, **options)
    bgm = BayesianGaussianMixture(n_components=K, random_state=seed, **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        bgm.fit(X.reshape(len(X), -1))
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return trace, bgm, warned


def assert_same_fit(trace, bgm, *, rel=1e-8, params_rtol=1e-6):
    assert trace.n_iter == bgm.n_iter_
    assert trace.converged == bgm.converged_
    # scikit-learn's bound is a (1,) array for "tied"
    assert trace.lower_bound == pytest.approx(float(np.ravel(bgm.lower_bound_)[0]), rel=rel)
    np.testing.assert_allclose(trace.lower_bounds, np.ravel(bgm.lower_bounds_), rtol=rel)
    final = trace.final
    K, d = bgm.means_.shape
    np.testing.assert_allclose(final.weights, bgm.weights_, rtol=params_rtol)
    np.testing.assert_allclose(final.means, bgm.means_, rtol=params_rtol,
                               atol=params_rtol * np.abs(bgm.means_).max())
    theirs = full_covariances(bgm.covariances_, bgm.covariance_type, K, d)
    np.testing.assert_allclose(final.covariances, theirs, rtol=params_rtol,
                               atol=params_rtol * np.abs(theirs).max())
    np.testing.assert_allclose(final.mean_precision, bgm.mean_precision_, rtol=params_rtol)
    np.testing.assert_allclose(final.degrees_of_freedom,
                               np.broadcast_to(bgm.degrees_of_freedom_, (K,)), rtol=params_rtol)
    np.testing.assert_allclose(final.weight_concentration,
                               np.asarray(bgm.weight_concentration_), rtol=params_rtol)


DATA = ["iris sepal", "iris 4 features", "blobs d=1", "blobs d=2", "blobs d=3", "1-D"]


# ----------------------------------------------------------------------------- the grid
@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("prior_type", vb.PRIOR_TYPES)
@pytest.mark.parametrize("name", DATA)
def test_full_run_matches_scikit_learn(name, prior_type, covariance_type):
    X, K = data_set(name)
    for n_components in (K, 6):  # the true number and more than needed (some switch off)
        for seed in (0, 1, 7):
            trace, bgm, warned = fit_both(X, n_components, seed, covariance_type=covariance_type,
                                          weight_concentration_prior_type=prior_type)
            assert_same_fit(trace, bgm)
            assert warned == (not bgm.converged_)


@pytest.mark.parametrize("init_params", gt.INIT_METHODS)
@pytest.mark.parametrize("prior_type", vb.PRIOR_TYPES)
def test_every_start_matches(init_params, prior_type):
    X, _ = data_set("iris 4 features")
    for seed in (0, 3):
        assert_same_fit(*fit_both(X, 5, seed, init_params=init_params,
                                  weight_concentration_prior_type=prior_type)[:2])


PRIORS = [
    dict(weight_concentration_prior=1e-3),
    dict(weight_concentration_prior=1e3),
    dict(mean_precision_prior=0.01, mean_prior=[5.0, 3.0]),
    dict(degrees_of_freedom_prior=7.5, covariance_prior=[[0.5, 0.1], [0.1, 0.3]]),
    dict(tol=1e-6, max_iter=300, reg_covar=1e-3),
    dict(tol=0.0, max_iter=7),
]


@pytest.mark.parametrize("options", PRIORS)
@pytest.mark.parametrize("prior_type", vb.PRIOR_TYPES)
def test_given_priors_and_loop_settings_match(options, prior_type):
    X = gt.load_iris_sepal()[0]
    for seed in (0, 1):
        assert_same_fit(*fit_both(X, 5, seed, weight_concentration_prior_type=prior_type,
                                  **options)[:2])


@pytest.mark.parametrize("covariance_type, prior", [("diag", [0.4, 0.2]), ("spherical", 0.3)])
def test_given_diagonal_and_spherical_covariance_priors_match(covariance_type, prior):
    X = gt.load_iris_sepal()[0]
    assert_same_fit(*fit_both(X, 4, 2, covariance_type=covariance_type,
                              covariance_prior=prior)[:2])


@pytest.mark.parametrize("prior_type", vb.PRIOR_TYPES)
@pytest.mark.parametrize("shift, scale", [(1e4, 1.0), (0.0, 1e-4), (0.0, 1e4)])
def test_data_at_other_scales(shift, scale, prior_type):
    X = gt.load_iris_all()[0] * scale + shift
    for seed in (0, 1):
        assert_same_fit(*fit_both(X, 4, seed, weight_concentration_prior_type=prior_type)[:2])


def test_max_iter_zero_keeps_the_start():
    X = gt.load_iris_sepal()[0]
    trace, bgm, warned = fit_both(X, 3, 0, max_iter=0)
    assert trace.n_iter == 0 and not trace.converged and trace.lower_bound == -np.inf
    assert len(trace.states) == 1 and trace.lower_bounds.shape == (0,) and not warned
    np.testing.assert_allclose(trace.final.means, bgm.means_, rtol=1e-12)


# ----------------------------------------------------------------------------- the updates
def test_expected_log_weights_by_monte_carlo():
    rng = np.random.default_rng(0)
    alpha = np.array([0.5, 3.0, 10.0])
    draws = rng.dirichlet(alpha, size=400_000)
    np.testing.assert_allclose(vb.expected_log_weights(alpha, "dirichlet_distribution"),
                               np.log(draws).mean(axis=0), atol=0.02)
    a, b = np.array([2.0, 5.0, 1.5]), np.array([4.0, 0.7, 3.0])
    v = rng.beta(a, b, size=(400_000, 3))                      # the sticks of (13.2)
    pi = v * np.hstack((np.ones((len(v), 1)), np.cumprod(1 - v, axis=1)[:, :-1]))
    np.testing.assert_allclose(vb.expected_log_weights(np.vstack((a, b)), "dirichlet_process"),
                               np.log(pi).mean(axis=0), atol=0.02)
    np.testing.assert_allclose(vb.expected_weights(np.vstack((a, b)), "dirichlet_process"),
                               pi.mean(axis=0) / pi.mean(axis=0).sum(), atol=0.005)


def test_expected_log_gaussian_by_monte_carlo():
    # (13.9)-(13.10): average log N(x | mu, Lambda^-1) over Lambda ~ Wishart(W, nu),
    # mu | Lambda ~ N(m, (beta Lambda)^-1), against expected_log_gaussian's closed form.
    rng = np.random.default_rng(1)
    nu, beta, m = 6.0, 4.0, np.array([1.0, -1.0])
    covariance = np.array([[0.8, 0.3], [0.3, 0.5]])            # W^-1 / nu
    W = np.linalg.inv(covariance * nu)
    state = vb.VariationalState(np.array([1.0]), np.array([beta]), np.array([nu]),
                                gt.GMMParams([1.0], [m], [covariance]))
    x = np.array([[1.5, -0.2], [0.0, 0.0]])
    precisions = stats.wishart(df=nu, scale=W).rvs(200_000, random_state=rng)
    means = np.array([rng.multivariate_normal(m, np.linalg.inv(beta * P)) for P in
                      precisions[:20_000]])
    log_n = [np.mean([stats.multivariate_normal(mu, np.linalg.inv(P)).logpdf(xn)
                      for mu, P in zip(means, precisions[:20_000], strict=True)]) for xn in x]
    np.testing.assert_allclose(vb.expected_log_gaussian(x, state)[:, 0], log_n, atol=0.03)
    log_det = np.linalg.slogdet(precisions)[1].mean()          # (13.9) alone, more draws
    d = 2
    closed = (d * np.log(2) + sum(digamma((nu - i) / 2) for i in range(d))
              + np.linalg.slogdet(W)[1])
    assert closed == pytest.approx(log_det, abs=0.01)


def test_lower_bound_rises_every_iteration():
    for prior_type in vb.PRIOR_TYPES:
        X = gt.load_iris_all()[0]
        trace = gt.run_variational(X, 6, weight_concentration_prior_type=prior_type,
                                   random_state=0, reg_covar=0.0, tol=1e-8, max_iter=300)
        steps = np.diff(trace.lower_bounds)
        assert steps.min() > -1e-9 * np.abs(trace.lower_bounds).max()


def test_a_small_concentration_switches_components_off():
    X = gt.load_iris_all()[0]
    used = {alpha: int((gt.run_variational(X, 8, weight_concentration_prior=alpha,
                                           random_state=0).final.weights > 0.01).sum())
            for alpha in (1e-3, 1e3)}
    assert used[1e-3] < used[1e3]


def test_trace_keeps_every_state_and_recomputes_responsibilities():
    X = gt.load_iris_sepal()[0]
    trace = gt.run_variational(X, 4, random_state=0)
    assert len(trace.states) == trace.n_iter + 1
    resp = trace.responsibilities(-1)
    assert resp.shape == (150, 4)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)
    with pytest.raises(IndexError, match="states\\[0\\] .. states"):
        trace.responsibilities(len(trace.states))


# ----------------------------------------------------------------------------- bad input
IRIS = gt.load_iris_sepal()[0]


@pytest.mark.parametrize("options, error, match", [
    (dict(weight_concentration_prior_type="dirichlet"), ValueError,
     "weight_concentration_prior_type must be one of"),
    (dict(weight_concentration_prior=0), ValueError, "weight_concentration_prior must be"),
    (dict(weight_concentration_prior="a"), TypeError, "weight_concentration_prior must be"),
    (dict(mean_precision_prior=-1.0), ValueError, "mean_precision_prior must be"),
    (dict(mean_prior=[1.0, 2.0, 3.0]), ValueError, "mean_prior must have shape"),
    (dict(mean_prior=[1.0, np.nan]), ValueError, "mean_prior contains"),
    (dict(degrees_of_freedom_prior=0.5), ValueError, "greater than d - 1 = 1"),
    (dict(covariance_prior=[[1.0, 2.0], [2.0, 1.0]]), ValueError, "positive definite"),
    (dict(covariance_prior=np.eye(3)), ValueError, "covariance_prior must be a \\(2, 2\\)"),
    (dict(covariance_type="diag", covariance_prior=[1.0, -1.0]), ValueError,
     "positive variances"),
    (dict(covariance_type="spherical", covariance_prior=-1.0), ValueError,
     "covariance_prior must be"),
    (dict(covariance_type="block"), ValueError, "covariance_type must be one of"),
    (dict(init_params="best"), ValueError, "init_params must be one of"),
    (dict(tol=-1.0), ValueError, "tol must be"),
    (dict(max_iter=2.5), TypeError, "max_iter must be a whole number"),
    (dict(reg_covar=np.inf), ValueError, "reg_covar must be"),
    (dict(random_state="0"), ValueError, "random_state must be"),
])
def test_bad_arguments(options, error, match):
    with pytest.raises(error, match=match):
        gt.run_variational(IRIS, 3, **options)


def test_bad_data():
    with pytest.raises(ValueError, match="at least 2"):
        gt.run_variational(IRIS[:1], 1)
    with pytest.raises(ValueError, match="n_components=200"):
        gt.run_variational(IRIS, 200)
    with pytest.raises(ValueError, match="NaN"):
        gt.run_variational(np.where(IRIS == IRIS[3, 0], np.nan, IRIS), 3)


# ----------------------------------------------------------------------------- properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402
from test_properties import PROFILE  # noqa: E402

concentrations = arrays(np.float64, st.integers(1, 8), elements=st.floats(1e-3, 1e3))


@settings(max_examples=100, **PROFILE)
@given(concentrations, concentrations)
def test_expected_weights_and_jensen(alpha, other):
    b = np.resize(other, alpha.shape)
    for concentration, kind in ((alpha, "dirichlet_distribution"),
                                (np.vstack((alpha, b)), "dirichlet_process")):
        weights = vb.expected_weights(concentration, kind)
        assert weights.sum() == pytest.approx(1.0, rel=1e-12) and np.all(weights >= 0)
        # exp E[log pi_k] < E[pi_k] (Jensen), before scikit-learn's normalisation of (13.12)
        penalised = np.exp(vb.expected_log_weights(concentration, kind))
        if kind == "dirichlet_distribution":
            assert np.all(penalised < weights * (1 + 1e-12))
        assert penalised.sum() < 1 + 1e-12


def test_bad_input_to_the_updates():
    X = IRIS
    priors = vb.variational_priors(X, 3)
    resp = np.full((150, 3), 1 / 3)
    nk, xk, sk = vb.gaussian_statistics(X, resp, 1e-6, "full")
    beta, _ = vb.estimate_means(nk, xk, priors)
    state = gt.run_variational(X, 3, random_state=0).final
    cases = [
        (lambda: vb.gaussian_statistics(X, resp[:10], 1e-6, "full"), ValueError,
         r"resp must have shape \(150, K\)"),
        (lambda: vb.gaussian_statistics(X, -resp, 1e-6, "full"), ValueError, "non-negative"),
        (lambda: vb.gaussian_statistics(X, resp, 1e-6, "block"), ValueError, "covariance_type"),
        (lambda: vb.estimate_weights(nk, "priors"), TypeError, "variational_priors"),
        (lambda: vb.estimate_weights(-nk, priors), ValueError, "nk must be >= 0"),
        (lambda: vb.estimate_means(nk, xk[:, :1], priors), ValueError, r"xk must have shape"),
        (lambda: vb.estimate_wishart(nk, xk, sk[:2], beta, priors), ValueError,
         "sk must have shape"),
        (lambda: vb.expected_weights(np.ones(3), "dirichlet_process"), ValueError,
         r"concentration must have shape \(2, K\)"),
        (lambda: vb.expected_log_weights(np.zeros(3), "dirichlet_distribution"), ValueError,
         "concentration must be positive"),
        (lambda: vb.expected_log_weights(np.ones(3), "dirichlet"), ValueError, "prior_type"),
        (lambda: vb.expected_log_gaussian(X[:, :1], state), ValueError,
         "2-dimensional components but X has 1"),
        (lambda: vb.variational_e_step(X, state.params, "dirichlet_process"), TypeError,
         "VariationalState"),
        (lambda: vb.lower_bound(state, np.zeros((150, 2)), priors), ValueError,
         "log_resp must be"),
        (lambda: vb.variational_m_step(X, resp, None, 1e-6), TypeError, "VariationalPriors"),
    ]
    for call, error, match in cases:
        with pytest.raises(error, match=match):
            call()
