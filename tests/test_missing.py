"""EM with missing entries (gmm_teach.missing) against brute force: numerical integration of
the mixture density over the missing entries, scipy's Gaussians, the observed-data
log-likelihood evaluated directly; and against run_em when nothing is missing."""

import numpy as np
import pytest
from scipy import integrate, stats

import gmm_teach as gt
from gmm_teach import missing

PARAMS = gt.GMMParams([0.6, 0.4], [[0.0, 1.0], [3.0, -1.0]],
                      [[[1.0, 0.7], [0.7, 1.5]], [[0.6, -0.2], [-0.2, 0.4]]])


def mixture_pdf(x1, x2, params=PARAMS):
    return sum(w * stats.multivariate_normal(mu, s).pdf([x1, x2]) for w, mu, s in
               zip(params.weights, params.means, params.covariances, strict=True))


def with_gaps(X, fraction, seed):
    """X with about `fraction` of its entries set to NaN at random, no row left empty."""
    rng = np.random.default_rng(seed)
    gaps = X.copy()
    gaps[rng.random(X.shape) < fraction] = np.nan
    return gaps[~np.isnan(gaps).all(axis=1)]


def test_observed_likelihood_and_expectations_by_numerical_integration():
    # x_2 missing: p(x_1) = int p(x_1, t) dt, E[x_2 | x_1] = int t p(x_1, t) dt / p(x_1),
    # and E[x_2^2 | x_1], all by quadrature, against (14.3), (14.4), (14.5).
    X = np.array([[-1.0, np.nan], [0.5, np.nan], [2.0, np.nan], [np.nan, 0.3], [1.0, 1.0]])
    resp, log_p, xhat, C = missing.missing_e_step(X, PARAMS)
    filled = missing.impute(X, PARAMS)
    for n, (x1, x2) in enumerate(X):
        if np.isnan(x2):
            joint = [integrate.quad(lambda t, p=p, x1=x1: t**p * mixture_pdf(x1, t), -30, 30,
                                    epsabs=1e-13, epsrel=1e-11)[0] for p in (0, 1, 2)]
            assert log_p[n] == pytest.approx(np.log(joint[0]), rel=1e-9)
            assert filled[n, 1] == pytest.approx(joint[1] / joint[0], rel=1e-8, abs=1e-10)
            # E[x_2^2 | x_1] = sum_k gamma_nk (C_nk + xhat_nk^2) by the law of total variance
            second = np.sum(resp[n] * (C[:, n, 1, 1] + xhat[:, n, 1] ** 2))
            assert second == pytest.approx(joint[2] / joint[0], rel=1e-8)
            assert filled[n, 0] == x1
    x1, x2 = X[3]
    p = integrate.quad(lambda t: mixture_pdf(t, x2), -30, 30, epsabs=1e-13)[0]
    assert log_p[3] == pytest.approx(np.log(p), rel=1e-9)
    assert log_p[4] == pytest.approx(np.log(mixture_pdf(1.0, 1.0)), rel=1e-12)


def test_conditional_moments_by_the_precision_matrix():
    # Another route to (14.4), (14.5): with Lambda = Sigma^-1, the conditional covariance is
    # (Lambda^mm)^-1 and the mean mu^m - (Lambda^mm)^-1 Lambda^mo (x^o - mu^o).
    X = with_gaps(gt.load_iris_all()[0], 0.3, 0)
    params = gt.initial_params(gt.load_iris_all()[0], 3, random_state=0)
    resp, log_p, xhat, C = missing.missing_e_step(X, params)
    for n in range(0, len(X), 7):
        o = ~np.isnan(X[n])
        m = ~o
        for k in range(3):
            mu, sigma = params.means[k], params.covariances[k]
            expected = stats.multivariate_normal(mu[o], sigma[np.ix_(o, o)]).logpdf(X[n, o])
            if not m.any():
                assert np.all(C[k, n] == 0) and np.array_equal(xhat[k, n], X[n])
                continue
            precision = np.linalg.inv(sigma)
            cond_cov = np.linalg.inv(precision[np.ix_(m, m)])
            cond_mean = mu[m] - cond_cov @ precision[np.ix_(m, o)] @ (X[n, o] - mu[o])
            np.testing.assert_allclose(xhat[k, n, m], cond_mean, rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(C[k, n][np.ix_(m, m)], cond_cov, rtol=1e-8, atol=1e-10)
            assert np.all(C[k, n][o] == 0)
            log_n = np.log(params.weights[k]) + expected
            assert np.log(resp[n, k]) + log_p[n] == pytest.approx(log_n, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("name, K", [("iris sepal", 3), ("iris 4 features", 3)])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_nothing_missing_is_run_em(name, K, seed):
    X = gt.load_iris_sepal()[0] if name == "iris sepal" else gt.load_iris_all()[0]
    init = gt.initial_params(X, K, "random", random_state=seed)
    ours = missing.run_em_missing(X, init)
    theirs = gt.run_em(X, init)
    assert (ours.n_iter, ours.converged) == (theirs.n_iter, theirs.converged)
    np.testing.assert_allclose(ours.mean_log_likelihoods, theirs.mean_log_likelihoods,
                               rtol=1e-12)
    for a, b in zip(ours.params, theirs.params, strict=True):
        np.testing.assert_allclose(a.means, b.means, rtol=1e-10)
        np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12)


def observed_log_likelihood(X, params):
    """The mean of log (14.3), evaluated directly with scipy's Gaussians, sample by sample."""
    total = 0.0
    for x in X:
        o = ~np.isnan(x)
        total += np.log(sum(w * stats.multivariate_normal(mu[o], s[np.ix_(o, o)]).pdf(x[o])
                            for w, mu, s in zip(params.weights, params.means,
                                                params.covariances, strict=True)))
    return total / len(X)


@pytest.mark.parametrize("seed", [0, 1])
def test_observed_likelihood_rises_and_stops_at_a_maximum(seed):
    full = gt.load_iris_all()[0]
    X = with_gaps(full, 0.25, seed)
    init = gt.initial_params(full, 3, random_state=seed)
    trace = missing.run_em_missing(X, init, tol=1e-9, max_iter=1000, reg_covar=0.0)
    assert trace.converged
    lls = trace.mean_log_likelihoods
    assert np.diff(lls).min() > -1e-12                       # EM never goes down
    for i in (0, len(lls) // 2, len(lls) - 1):
        assert lls[i] == pytest.approx(observed_log_likelihood(X, trace.params[i]), rel=1e-10)
    # at the end, no small change of the means or covariances does better (a local maximum)
    best = observed_log_likelihood(X, trace.final)
    rng = np.random.default_rng(seed)
    final = trace.final
    for _ in range(10):
        a = rng.normal(scale=1e-3, size=final.means.shape)
        b = rng.normal(scale=1e-3, size=final.covariances.shape)
        moved = gt.GMMParams(final.weights, final.means + a,
                             final.covariances + 0.5 * (b + b.transpose(0, 2, 1)))
        assert observed_log_likelihood(X, moved) < best + 1e-9


def test_recovers_the_parameters_from_incomplete_samples():
    full, _ = gt.sample(PARAMS, 4000, random_state=3)
    X = with_gaps(full, 0.3, 3)
    assert np.isnan(X).mean() > 0.2
    init = gt.initial_params(np.where(np.isnan(X), np.nanmean(X, axis=0), X), 2,
                             random_state=0)
    final = missing.run_em_missing(X, init, tol=1e-6, max_iter=500).final
    order = np.argsort(final.means[:, 0])
    np.testing.assert_allclose(final.means[order], PARAMS.means, atol=0.1)
    np.testing.assert_allclose(final.covariances[order], PARAMS.covariances, atol=0.15)
    np.testing.assert_allclose(final.weights[order], PARAMS.weights, atol=0.03)


def test_trace_methods_use_the_observed_likelihood():
    X = with_gaps(gt.load_iris_all()[0], 0.2, 4)
    trace = missing.run_em_missing(X, gt.initial_params(gt.load_iris_all()[0], 3,
                                                        random_state=0))
    assert np.isnan(trace.X).any()
    assert trace.mean_log_likelihood(-1) == pytest.approx(observed_log_likelihood(
        X, trace.final), rel=1e-10)
    resp = trace.responsibilities(0)
    np.testing.assert_allclose(resp, missing.missing_e_step(X, trace.params[0])[0])


@pytest.mark.parametrize("X, params, error, match", [
    (np.array([[1.0, np.inf]]), PARAMS, ValueError, "only NaN may mark"),
    (np.array([[1.0, 2.0], [np.nan, np.nan]]), PARAMS, ValueError, "every entry missing"),
    (np.array([[1.0, 2.0, 3.0]]), PARAMS, ValueError, "3 columns"),
    (np.array([["a", "b"]]), PARAMS, TypeError, "numbers"),
    (np.array([[1.0, 2.0]]), "params", TypeError, "params must be a GMMParams"),
    (np.array([[1.0, 2.0]]), gt.GMMParams([1.0], [[0.0, 0.0]], [np.eye(2)], "diag"),
     ValueError, "covariance_type='full' only"),
])
def test_bad_input(X, params, error, match):
    with pytest.raises(error, match=match):
        missing.run_em_missing(X, params)


def test_bad_m_step_input_and_loop_settings():
    with pytest.raises(ValueError, match="must fit together"):
        missing.missing_m_step(np.ones((3, 2)) / 2, np.zeros((2, 4, 2)), np.zeros((2, 4, 2, 2)))
    xhat = np.zeros((2, 4, 2))
    xhat[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="xhat contains 1 NaN"):
        missing.missing_m_step(np.ones((4, 2)) / 2, xhat, np.zeros((2, 4, 2, 2)))
    X = with_gaps(gt.load_iris_sepal()[0], 0.2, 0)
    with pytest.raises(ValueError, match="tol must be"):
        missing.run_em_missing(X, PARAMS, tol=-1)
    with pytest.raises(TypeError, match="max_iter must be a whole number"):
        missing.run_em_missing(X, PARAMS, max_iter=1.5)


# ----------------------------------------------------------------------------- properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402
from test_properties import PROFILE, data, mixture_params  # noqa: E402


@st.composite
def incomplete_data_and_params(draw):
    d = draw(st.integers(2, 3))
    X = draw(data(min_samples=1, max_samples=25, d=d)).reshape(-1, d)
    gaps = draw(arrays(np.bool_, X.shape))
    gaps[gaps.all(axis=1), 0] = False                      # keep one entry in every row
    return np.where(gaps, np.nan, X), draw(mixture_params(d))


@settings(max_examples=60, **PROFILE)
@given(incomplete_data_and_params())
def test_e_step_properties(case):
    X, params = case
    resp, log_p, xhat, C = missing.missing_e_step(X, params)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-12)
    observed = ~np.isnan(X)
    for n, x in enumerate(X):
        o = observed[n]
        direct = [np.log(w) + stats.multivariate_normal(mu[o], s[np.ix_(o, o)]).logpdf(x[o])
                  for w, mu, s in zip(params.weights, params.means, params.covariances,
                                      strict=True)]
        assert log_p[n] == pytest.approx(np.logaddexp.reduce(direct), rel=1e-9, abs=1e-9)
        for k in range(params.n_components):
            assert np.array_equal(xhat[k, n, o], x[o])      # observed entries kept
            assert np.all(C[k, n][o] == 0) and np.all(C[k, n][:, o] == 0)
            assert np.linalg.eigvalsh(C[k, n]).min() >= -1e-9 * np.abs(params.covariances).max()
    filled = missing.impute(X, params)
    assert np.array_equal(filled[observed], X[observed]) and np.isfinite(filled).all()


def test_a_point_beyond_every_component_is_named():
    tiny = gt.GMMParams([1.0], [[0.0, 0.0]], [1e-200 * np.eye(2)])
    with pytest.raises(ValueError, match="sample 0 of X is so far"):
        missing.run_em_missing(np.array([[1e150, np.nan]]), tiny)
