"""Property tests (hypothesis): what must hold for any data and any valid parameters.

Data: finite floats in [-100, 100], N samples, d = 1..3 features (sometimes as a 1-D array of
shape (N,)), K = 1..4 components. Parameters: weights from positive draws normalised to sum 1,
means anywhere in the data range, covariances A A^T + diag(v) with v >= 0.05 (symmetric
positive definite, condition number below about 1e3).

The profile is derandomized and small (max_examples per test below), with no per-example
deadline (the first call of a test pays for imports and BLAS warm-up). Derandomized means the
same examples for the same code, not for every run: Hypothesis also draws numbers that appear
as literals in the loaded local modules (gmm_teach and the test files collected with this
one), so running another selection of test files, or editing a constant anywhere, changes the
examples. Each property must therefore hold for every valid input, not just for today's
examples; all of them passed 1000 non-derandomized examples each when this was written.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats
from sklearn.exceptions import ConvergenceWarning

import gmm_teach as gt

PROFILE = dict(deadline=None, derandomize=True, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

coordinates = st.floats(-100.0, 100.0, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def data(draw, min_samples=1, max_samples=40, d=None):
    """X of shape (N, d), or (N,) when d = 1 half of the time."""
    d = draw(st.integers(1, 3)) if d is None else d
    n = draw(st.integers(min_samples, max_samples))
    X = draw(arrays(np.float64, (n, d), elements=coordinates))
    if d == 1 and draw(st.booleans()):
        X = X[:, 0]
    return X


@st.composite
def spd_matrix(draw, d):
    A = draw(arrays(np.float64, (d, d), elements=st.floats(-3.0, 3.0, width=64)))
    v = draw(arrays(np.float64, (d,), elements=st.floats(0.05, 20.0, width=64)))
    cov = A @ A.T + np.diag(v)
    return 0.5 * (cov + cov.T)


@st.composite
def mixture_params(draw, d, K=None, covariance_type="full"):
    """A valid GMMParams with K components (drawn if None) in d dimensions."""
    K = draw(st.integers(1, 4)) if K is None else K
    raw = draw(arrays(np.float64, (K,), elements=st.floats(0.01, 1.0, width=64)))
    means = draw(arrays(np.float64, (K, d), elements=coordinates))
    covariances = np.stack([draw(spd_matrix(d)) for _ in range(K)])
    return gt.GMMParams(raw / raw.sum(), means, covariances, covariance_type)


@st.composite
def data_and_params(draw, min_samples=1):
    X = draw(data(min_samples=min_samples))
    d = 1 if X.ndim == 1 else X.shape[1]
    return X, draw(mixture_params(d))


def two_d(X):
    return X.reshape(len(X), -1)


# ----------------------------------------------------------------------------- E-step
@settings(max_examples=60, **PROFILE)
@given(data_and_params())
def test_responsibilities_are_probabilities_summing_to_one(problem):
    X, params = problem
    resp = gt.e_step(X, params)
    assert resp.shape == (len(X), params.n_components)
    assert np.all(np.isfinite(resp))
    assert np.all((resp >= 0) & (resp <= 1))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.all(np.isfinite(gt.sample_log_likelihood(X, params)))


@settings(max_examples=40, **PROFILE)
@given(data_and_params(), st.randoms(use_true_random=False))
def test_e_step_is_invariant_to_permuting_the_components(problem, random):
    X, params = problem
    order = list(range(params.n_components))
    random.shuffle(order)
    permuted = gt.GMMParams(params.weights[order], params.means[order],
                            params.covariances[order])
    resp = gt.e_step(X, params)
    np.testing.assert_allclose(gt.e_step(X, permuted), resp[:, order], rtol=0, atol=1e-12)
    # the mixture density does not depend on how the components are numbered
    np.testing.assert_allclose(gt.sample_log_likelihood(X, permuted),
                               gt.sample_log_likelihood(X, params), rtol=1e-12)


# ----------------------------------------------------------------------------- densities
@settings(max_examples=60, **PROFILE)
@given(st.integers(1, 3).flatmap(lambda d: st.tuples(data(d=d), mixture_params(d, K=1))))
def test_mvn_logpdf_equals_scipy(problem):
    X, params = problem
    mean, cov = params.means[0], params.covariances[0]
    expected = np.atleast_1d(stats.multivariate_normal(mean, cov).logpdf(two_d(X)))
    logp = gt.mvn_logpdf(X, mean, cov)
    assert logp.shape == (len(X),)
    # scipy goes through an eigendecomposition, we through Cholesky: both accurate to a few
    # ulp times the condition number (< 1e3 here) of log-densities down to about -1e6
    np.testing.assert_allclose(logp, expected, rtol=1e-9, atol=1e-9)


# ----------------------------------------------------------------------------- M-step
@settings(max_examples=50, **PROFILE)
@given(st.data())
def test_m_step_on_one_hot_responsibilities_gives_sample_statistics(draw):
    X = draw.draw(data(min_samples=2))
    X2 = two_d(X)
    n, d = X2.shape
    K = draw.draw(st.integers(1, min(4, n)))
    # every cluster gets at least one sample: a permutation of labels 0..K-1 padded at random
    labels = np.array(draw.draw(st.permutations(
        list(range(K)) + draw.draw(st.lists(st.integers(0, K - 1), min_size=n - K,
                                            max_size=n - K)))))
    reg_covar = draw.draw(st.sampled_from([1e-6, 1e-3, 0.5]))
    params = gt.m_step(X, np.eye(K)[labels], reg_covar=reg_covar)
    scale = max(1.0, float(np.abs(X2).max()))
    for k in range(K):
        members = X2[labels == k]
        mean = members.mean(axis=0)
        biased = (members - mean).T @ (members - mean) / len(members)
        assert params.weights[k] == pytest.approx(len(members) / n, rel=1e-12)
        np.testing.assert_allclose(params.means[k], mean, rtol=1e-12, atol=1e-12 * scale)
        np.testing.assert_allclose(params.covariances[k], biased + reg_covar * np.eye(d),
                                   rtol=1e-10, atol=1e-12 * scale**2)


# ----------------------------------------------------------------------------- the trace
@settings(max_examples=40, **PROFILE)
@given(st.data())
def test_mean_log_likelihood_never_decreases_along_a_trace(draw):
    X = draw.draw(data(min_samples=4))
    X2 = two_d(X)
    K = draw.draw(st.integers(1, min(3, len(X2))))
    start = draw.draw(st.sampled_from(["kmeans", "random", "given params"]))
    if start == "given params":
        init = draw.draw(mixture_params(X2.shape[1], K=K))
    else:
        with warnings.catch_warnings():  # KMeans on data with fewer distinct points than K
            warnings.simplefilter("ignore", ConvergenceWarning)
            init = gt.initial_params(X, K, method=start, random_state=0)
    trace = gt.run_em(X, init, tol=0.0, max_iter=15, reg_covar=REG_COVAR)
    lls = np.append(trace.mean_log_likelihoods, trace.mean_log_likelihood(-1))
    assert np.all(np.isfinite(lls))
    # EM's guarantee: each iteration's l(theta) is at least the previous one, in exact
    # arithmetic and with reg_covar = 0. Two things allow a decrease here. Rounding: a
    # converged run moves by about 1e-16 times the terms summed into l, hence 1e-10 per unit
    # of |l|. And reg_covar, added to every covariance: the M-step then returns S_k + lambda I
    # instead of the maximiser S_k of the expected complete-data log-likelihood Q, which
    # loses (see reg_covar_loss) at most that much of the guaranteed increase. The loss is
    # about (lambda / s)^2 / 4 per eigenvalue s of S_k, negligible for spread-out data, but
    # unbounded when a component sits on repeated points (s -> 0). A real error in either
    # step gives decreases of the order of the change of l itself (an unbiased covariance,
    # shifted means or a wrong weight all fail here).
    slack = (1e-10 * np.maximum(1.0, np.abs(lls[:-1]))
             + np.array([reg_covar_loss(params) for params in trace.params[1:]]))
    assert np.all(np.diff(lls) >= -slack), np.diff(lls)


REG_COVAR = 1e-6


def reg_covar_loss(params):
    """Q(exact maximiser) - Q(params) per sample, for params from a full M-step with ridge
    REG_COVAR: sum_k pi_k / 2 sum_i [log(1 + lambda / s_ki) - lambda / (s_ki + lambda)],
    s_ki the eigenvalues of S_k = Sigma_k - lambda I (Q's loss when Sigma_k moves from S_k to
    S_k + lambda I; infinite when S_k is singular, e.g. a component on one repeated point)."""
    s = np.linalg.eigvalsh(params.covariances - REG_COVAR * np.eye(params.n_features))
    with np.errstate(divide="ignore", over="ignore"):  # s = 0 or subnormal: an infinite loss
        per_eigenvalue = (np.log1p(REG_COVAR / np.maximum(s, 0.0))
                          - REG_COVAR / (np.maximum(s, 0.0) + REG_COVAR))
    return float(np.sum(params.weights / 2 * per_eigenvalue.sum(axis=1)))


# ----------------------------------------------------------------------------- inputs
def assert_unchanged(arrays_before, arrays_after):
    for before, after in zip(arrays_before, arrays_after, strict=True):
        np.testing.assert_array_equal(after, before)


def read_only(array):
    array = np.array(array)
    array.flags.writeable = False
    return array


LAYOUTS = ["C", "F", "strided", "read-only"]


def in_layout(array, layout):
    """The same values in another memory layout (all with the same .shape)."""
    array = np.asarray(array, dtype=np.float64)
    if layout == "F":
        return np.asfortranarray(array)
    if layout == "strided":  # every second element of a larger array: not contiguous
        doubled = np.repeat(array[..., np.newaxis], 2, axis=-1)
        return doubled[..., 0]
    if layout == "read-only":
        return read_only(array)
    return np.ascontiguousarray(array)


@settings(max_examples=25, **PROFILE)
@given(data_and_params(min_samples=4), st.sampled_from(LAYOUTS))
def test_functions_never_modify_their_inputs_and_accept_any_layout(problem, layout):
    X, params = problem
    X_in = in_layout(X, layout)
    assert layout != "strided" or not X_in.flags.c_contiguous
    X_copy = X_in.copy()
    K = params.n_components

    resp = gt.e_step(X_in, params)
    np.testing.assert_allclose(resp, gt.e_step(np.ascontiguousarray(X), params), rtol=1e-12,
                               atol=1e-13)
    resp_in = in_layout(resp, layout)
    resp_copy = resp_in.copy()
    new = gt.m_step(X_in, resp_in, covariance_type="full")
    reference = gt.m_step(np.ascontiguousarray(X), np.ascontiguousarray(resp))
    np.testing.assert_allclose(new.means, reference.means, rtol=1e-10, atol=1e-10)

    mean = in_layout(params.means[0], layout)
    cov = in_layout(params.covariances[0], layout)
    mean_copy, cov_copy = mean.copy(), cov.copy()
    np.testing.assert_allclose(gt.mvn_logpdf(X_in, mean, cov),
                               gt.mvn_logpdf(X, params.means[0], params.covariances[0]),
                               rtol=1e-12)

    trace = gt.run_em(X_in, params, max_iter=3)
    assert trace.n_iter >= 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for method in gt.INIT_METHODS:
            gt.initial_params(X_in, min(K, len(X)), method=method, random_state=0)
    gt.mean_log_likelihood(X_in, params)
    gt.predict(X_in, params)

    assert_unchanged([X_copy, resp_copy, mean_copy, cov_copy], [X_in, resp_in, mean, cov])
    # params built from the caller's arrays are copies: changing them afterwards is harmless
    weights, means, covariances = (np.array(a) for a in (params.weights, params.means,
                                                         params.covariances))
    copy = gt.GMMParams(weights, means, covariances)
    means += 1.0
    np.testing.assert_array_equal(copy.means, params.means)


@settings(max_examples=25, **PROFILE)
@given(st.data())
def test_gaussian_pdf_never_modifies_its_inputs(draw):
    x = draw.draw(arrays(np.float64, st.integers(1, 20), elements=coordinates))
    mean = draw.draw(coordinates)
    variance = draw.draw(st.floats(1e-3, 1e3))
    x_in = read_only(x)
    density = gt.gaussian_pdf(x_in, mean, variance)
    np.testing.assert_array_equal(x_in, x)
    np.testing.assert_allclose(density, stats.norm.pdf(x, mean, np.sqrt(variance)),
                               rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(gt.gaussian_logpdf(x_in, mean, variance),
                               stats.norm.logpdf(x, mean, np.sqrt(variance)), rtol=1e-12)

