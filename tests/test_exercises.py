"""gmm_teach.exercises: every checker accepts the reference and a differently written correct
solution, says "Not attempted yet" for a skeleton, and recognises each typical mistake (the
mistaken functions below are what students write) with its specific hint."""

import math
import re

import numpy as np
import pytest
from scipy import linalg
from sklearn.mixture import GaussianMixture

import gmm_teach as gt
from gmm_teach import exercises as ex


def skeleton(*args):
    raise NotImplementedError("your code here")


# ============================================================================ correct solutions
def gaussian_pdf_scipy_style(x, mean, variance):
    sigma = np.sqrt(variance)
    z = (x - mean) / sigma
    return np.exp(-0.5 * z * z) / (sigma * np.sqrt(2 * np.pi))


def mle_gaussian_numpy(x):
    return np.mean(x), np.var(x)


def mvn_logpdf_inverse_cholesky(X, mean, cov):
    L = np.linalg.cholesky(cov)
    z = np.linalg.solve(L, (X - mean).T)
    return (-0.5 * X.shape[1] * np.log(2 * np.pi) - np.log(np.diag(L)).sum()
            - 0.5 * np.einsum("ij,ij->j", z, z))


def responsibility_loop(x, weights, means, variances):
    logs = [math.log(w) - 0.5 * math.log(2 * math.pi * v) - (x - m) ** 2 / (2 * v)
            for w, m, v in zip(weights, means, variances, strict=True)]
    top = max(logs)
    terms = [math.exp(a - top) for a in logs]
    return [t / sum(terms) for t in terms]


def e_step_logsumexp_scipy(X, params):
    from scipy.special import logsumexp
    a = gt.weighted_log_prob(X, params)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def m_step_means_loop(X, resp):
    K = resp.shape[1]
    means = []
    for k in range(K):
        total = np.zeros(X.shape[1])
        for n in range(len(X)):
            total += resp[n, k] * X[n]
        means.append(total / resp[:, k].sum())
    return np.array(means)


def m_step_covariances_loop(X, resp, means):
    K, d = means.shape
    covs = np.zeros((K, d, d))
    for k in range(K):
        for n in range(len(X)):
            diff = X[n] - means[k]
            covs[k] += resp[n, k] * np.outer(diff, diff)
        covs[k] /= resp[:, k].sum()
    return covs


def stopping_rule_numpy(mean_log_likelihoods, tol):
    changes = np.abs(np.diff(np.concatenate([[-np.inf], mean_log_likelihoods])))
    below = np.flatnonzero(changes < tol)
    return int(below[0]) + 1 if below.size else None


def bic_from_library(X, params):
    return -2 * len(X) * gt.mean_log_likelihood(X, params) + params.n_parameters * np.log(len(X))


def ellipse_axes_via_library(cov, n_std):
    return gt.ellipse_axes(cov, n_std)


def ellipse_axes_opposite_direction(cov, n_std):
    eigenvalues, V = np.linalg.eigh(cov)
    angle = np.degrees(np.arctan2(-V[1, 1], -V[0, 1]))  # the same axis, pointing the other way
    return 2 * n_std * np.sqrt(eigenvalues[1]), 2 * n_std * np.sqrt(eigenvalues[0]), angle


CORRECT = [
    ("ellipse_axes", ellipse_axes_via_library),
    ("ellipse_axes", ellipse_axes_opposite_direction),
    ("gaussian_pdf", gaussian_pdf_scipy_style),
    ("mle_gaussian", mle_gaussian_numpy),
    ("mvn_logpdf", mvn_logpdf_inverse_cholesky),
    ("mvn_logpdf", gt.mvn_logpdf),
    ("responsibility_by_hand", responsibility_loop),
    ("e_step", e_step_logsumexp_scipy),
    ("e_step", gt.e_step),
    ("m_step_means", m_step_means_loop),
    ("m_step_covariances", m_step_covariances_loop),
    ("stopping_rule", stopping_rule_numpy),
    ("bic", bic_from_library),
    ("bic", gt.bic),
]


def check(name):
    return getattr(ex, f"check_{name}")


@pytest.mark.parametrize("name", ex.EXERCISE_NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_is_correct(name, seed):
    feedback = check(name)(ex.reference(name), seed=seed)
    assert feedback.correct and bool(feedback)
    assert feedback.message.startswith("Correct: ")


@pytest.mark.parametrize(("name", "function"), CORRECT, ids=lambda v: getattr(v, "__name__", v))
def test_other_correct_solutions_are_correct(name, function):
    for seed in range(5):
        feedback = check(name)(function, seed=seed)
        assert feedback.correct, feedback.message


@pytest.mark.parametrize("name", ex.EXERCISE_NAMES)
def test_skeleton_is_not_attempted(name):
    feedback = check(name)(skeleton)
    assert not feedback
    assert feedback.message.startswith("Not attempted yet: ")
    assert "NotImplementedError" in feedback.message


def test_unseeded_checks_draw_fresh_cases():
    seen = []
    ex.check_mle_gaussian(lambda x: seen.append(np.array(x)) or ex.mle_gaussian(x))
    ex.check_mle_gaussian(lambda x: seen.append(np.array(x)) or ex.mle_gaussian(x))
    assert len(seen) == 6
    assert not np.array_equal(seen[0], seen[3])


def test_seed_makes_cases_reproducible():
    seen = []
    for _ in range(2):
        ex.check_mle_gaussian(lambda x: seen.append(np.array(x)) or ex.mle_gaussian(x), seed=7)
    assert np.array_equal(seen[0], seen[3])


# ============================================================================ references
def test_references_agree_with_the_library():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    params = gt.initial_params(X, 3, random_state=0)
    resp = gt.e_step(X, params)
    np.testing.assert_allclose(ex.reference("gaussian_pdf")(X[:, 0], 0.3, 2.0),
                               gt.gaussian_pdf(X[:, 0], 0.3, 2.0), rtol=1e-12)
    np.testing.assert_allclose(ex.mle_gaussian(X[:, 0]), (X[:, 0].mean(), X[:, 0].var()))
    np.testing.assert_allclose(ex.mvn_logpdf(X, params.means[0], params.covariances[0]),
                               gt.mvn_logpdf(X, params.means[0], params.covariances[0]))
    np.testing.assert_allclose(ex.e_step(X, params), resp, rtol=1e-12, atol=1e-15)
    new = gt.m_step(X, resp, reg_covar=0.0)
    np.testing.assert_allclose(ex.m_step_means(X, resp), new.means, rtol=1e-10)
    np.testing.assert_allclose(ex.m_step_covariances(X, resp, new.means), new.covariances,
                               rtol=1e-10)
    gm = GaussianMixture(3, random_state=0).fit(X)
    fitted = gt.GMMParams(gm.weights_, gm.means_, gm.covariances_)
    assert ex.bic(X, fitted) == pytest.approx(gm.bic(X), rel=1e-12)
    responsibility = ex.responsibility_by_hand(0.4, np.array([0.2, 0.8]), np.array([0.0, 1.0]),
                                               np.array([1.0, 2.0]))
    one_d = gt.GMMParams([0.2, 0.8], [0.0, 1.0], [1.0, 2.0])
    np.testing.assert_allclose(responsibility, gt.e_step(np.array([0.4]), one_d)[0])


def test_stopping_rule_reference_matches_scikit_learn():
    X, _ = gt.load_iris_sepal()
    gm = GaussianMixture(3, random_state=0, tol=1e-3).fit(X)
    assert ex.stopping_rule(gm.lower_bounds_, 1e-3) == gm.n_iter_
    assert ex.stopping_rule(gm.lower_bounds_[:-1], 1e-3) is None
    assert ex.stopping_rule([-1.0], 1e-3) is None


def test_solution_returns_the_source():
    source = ex.solution("e_step")
    assert source.startswith("def e_step(X, params):")
    assert "log_weighted" in source
    with pytest.raises(ValueError, match="unknown exercise"):
        ex.reference("estep")


# ============================================================================ feedback object
def test_feedback_displays_as_one_message():
    feedback = ex.check_gaussian_pdf(ex.gaussian_pdf, seed=0)
    assert repr(feedback) == str(feedback) == feedback.message
    assert feedback._repr_markdown_().startswith("**Correct:**")
    hint = ex.check_m_step_covariances(lambda X, resp, means: ex.m_step_covariances(
        X, resp, means) * 2, seed=0)
    assert not hint
    markdown = hint._repr_markdown_()
    assert markdown.startswith("**Not yet:**")
    assert "N\\_k" in markdown and "_" not in markdown.replace("\\_", "")


def test_not_a_function():
    feedback = ex.check_e_step(ex.e_step(np.zeros((2, 1)), gt.GMMParams([1.0], [0.0], [1.0])))
    assert not feedback and "pass your function itself" in feedback.message


def test_exception_becomes_a_hint_without_a_traceback():
    def broken(x, mean, variance):
        return math.exp(-((x - mean) ** 2) / (2 * variance))

    feedback = ex.check_gaussian_pdf(broken, seed=0)
    assert not feedback
    assert feedback.message.startswith("Error: your function raised TypeError")
    assert "np.exp" in feedback.message and "Traceback" not in feedback.message

    def divides(x, mean, variance):
        return x / np.zeros((2, 2))

    feedback = ex.check_gaussian_pdf(divides, seed=0)
    assert "ValueError" in feedback.message and "shape" in feedback.message


def test_exception_message_loses_its_random_numbers():
    def raises(x):
        raise ValueError(f"bad value {x[0]} and {x[1]:.3e}")

    messages = {ex.check_mle_gaussian(raises, seed=s).message for s in range(3)}
    assert len(messages) == 1
    assert "ValueError: bad value ... and ..." in messages.pop()


def test_no_runtime_warning_reaches_the_notebook():
    def naive(X, params):
        w = np.column_stack([p * gt.mvn_pdf(X, m, c) for p, m, c in
                             zip(params.weights, params.means, params.covariances, strict=True)])
        return w / w.sum(axis=1, keepdims=True)

    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("error")
        feedback = ex.check_e_step(naive, seed=0)
    assert "log-sum-exp" in feedback.message


# ============================================================================ typical mistakes
def pdf_variance_as_sd(x, mean, variance):
    sigma = variance
    return np.exp(-((x - mean) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)


def pdf_sd_as_variance(x, mean, variance):
    return np.exp(-((x - mean) ** 2) / (2 * np.sqrt(variance))) / np.sqrt(
        2 * np.pi * np.sqrt(variance))


def pdf_normaliser_variance(x, mean, variance):
    return np.exp(-((x - mean) ** 2) / (2 * variance)) / (np.sqrt(2 * np.pi) * variance)


def pdf_no_sqrt(x, mean, variance):
    return np.exp(-((x - mean) ** 2) / (2 * variance)) / (2 * np.pi * variance)


def pdf_no_normaliser(x, mean, variance):
    return np.exp(-((x - mean) ** 2) / (2 * variance))


def pdf_no_half(x, mean, variance):
    return np.exp(-((x - mean) ** 2) / variance) / np.sqrt(2 * np.pi * variance)


def pdf_plus_sign(x, mean, variance):
    return np.exp((x - mean) ** 2 / (2 * variance)) / np.sqrt(2 * np.pi * variance)


def pdf_log(x, mean, variance):
    return -0.5 * np.log(2 * np.pi * variance) - (x - mean) ** 2 / (2 * variance)


def pdf_mean_of(x, mean, variance):
    return np.mean(ex.gaussian_pdf(x, mean, variance))


def mle_ddof1(x):
    return np.mean(x), np.var(x, ddof=1)


def mle_std(x):
    return np.mean(x), np.std(x)


def mle_swapped(x):
    return np.var(x), np.mean(x)


def mle_uncentred(x):
    return np.mean(x), np.mean(x**2)


def mle_only_variance(x):
    return np.var(x)


def mle_no_return(x):
    np.var(x)


def _quad(X, mean, M):
    diff = X - mean
    return np.einsum("ij,jk,ik->i", diff, M, diff)


def mvn_covariance_in_exponent(X, mean, cov):
    d = X.shape[1]
    return -0.5 * (d * np.log(2 * np.pi) + np.log(np.linalg.det(cov)) + _quad(X, mean, cov))


def mvn_no_half(X, mean, cov):
    d = X.shape[1]
    return (-0.5 * (d * np.log(2 * np.pi) + np.log(np.linalg.det(cov)))
            - _quad(X, mean, np.linalg.inv(cov)))


def mvn_no_log_det(X, mean, cov):
    d = X.shape[1]
    return -0.5 * (d * np.log(2 * np.pi) + _quad(X, mean, np.linalg.inv(cov)))


def mvn_whole_log_det(X, mean, cov):
    d = X.shape[1]
    return (-0.5 * (d * np.log(2 * np.pi) + _quad(X, mean, np.linalg.inv(cov)))
            - np.log(np.linalg.det(cov)))


def mvn_no_d(X, mean, cov):
    return -0.5 * (np.log(2 * np.pi) + np.log(np.linalg.det(cov))
                   + _quad(X, mean, np.linalg.inv(cov)))


def mvn_inv_det(X, mean, cov):
    d = X.shape[1]
    return -0.5 * (d * np.log(2 * np.pi) + np.log(np.linalg.det(cov))
                   + _quad(X, mean, np.linalg.inv(cov)))


def mvn_log_of_density(X, mean, cov):
    return np.log(gt.mvn_pdf(X, mean, cov))


def mvn_density(X, mean, cov):
    return gt.mvn_pdf(X, mean, cov)


def mvn_all_pairs(X, mean, cov):
    d = X.shape[1]
    diff = X - mean
    return -0.5 * (d * np.log(2 * np.pi) + np.linalg.slogdet(cov)[1]
                   + diff @ np.linalg.solve(cov, diff.T))


def mvn_column(X, mean, cov):
    return gt.mvn_logpdf(X, mean, cov)[:, np.newaxis]



def _axes(cov, n_std, size=np.sqrt, pick=lambda V: V[:, 1], degrees=np.degrees, two=2):
    eigenvalues, V = np.linalg.eigh(cov)
    v = pick(V)
    return (two * n_std * size(eigenvalues[1]), two * n_std * size(eigenvalues[0]),
            degrees(np.arctan2(v[1], v[0])))


def ell_semi(cov, n_std):
    return _axes(cov, n_std, two=1)


def ell_variance(cov, n_std):
    return _axes(cov, n_std, size=lambda value: value)


def ell_swapped(cov, n_std):
    width, height, angle = _axes(cov, n_std)
    return height, width, angle


def ell_sqrt_n(cov, n_std):
    eigenvalues, V = np.linalg.eigh(cov)
    return (2 * np.sqrt(n_std * eigenvalues[1]), 2 * np.sqrt(n_std * eigenvalues[0]),
            np.degrees(np.arctan2(V[1, 1], V[0, 1])))


def ell_no_n(cov, n_std):
    return _axes(cov, 1)


def ell_diagonal(cov, n_std):
    return 2 * n_std * np.sqrt(cov[0, 0]), 2 * n_std * np.sqrt(cov[1, 1]), 0.0


def ell_radians(cov, n_std):
    return _axes(cov, n_std, degrees=lambda a: a)


def ell_minor(cov, n_std):
    return _axes(cov, n_std, pick=lambda V: V[:, 0])


def ell_arctan2_xy(cov, n_std):
    eigenvalues, V = np.linalg.eigh(cov)
    return (2 * n_std * np.sqrt(eigenvalues[1]), 2 * n_std * np.sqrt(eigenvalues[0]),
            np.degrees(np.arctan2(V[0, 1], V[1, 1])))


def ell_two_numbers(cov, n_std):
    return _axes(cov, n_std)[:2]


def _pdf(x, m, v):
    return np.exp(-((x - m) ** 2) / (2 * v)) / np.sqrt(2 * np.pi * v)


def resp_no_weights(x, weights, means, variances):
    p = _pdf(x, means, variances)
    return p / p.sum()


def resp_not_normalised(x, weights, means, variances):
    return weights * _pdf(x, means, variances)


def resp_sd(x, weights, means, variances):
    p = weights * _pdf(x, means, np.sqrt(variances))
    return p / p.sum()


def resp_squared(x, weights, means, variances):
    p = weights * _pdf(x, means, variances**2)
    return p / p.sum()


def resp_naive(x, weights, means, variances):
    p = weights * _pdf(x, means, variances)
    return p / p.sum()


def resp_naive_eps(x, weights, means, variances):
    p = weights * _pdf(x, means, variances)
    return p / (p.sum() + 1e-300)


def resp_argmax(x, weights, means, variances):
    return int(np.argmax(weights * _pdf(x, means, variances)))


def resp_log(x, weights, means, variances):
    return np.log(ex.responsibility_by_hand(x, weights, means, variances))


def _weighted(X, params, with_weights=True):
    dens = np.column_stack([gt.mvn_pdf(X, m, c) for m, c in
                            zip(params.means, params.covariances, strict=True)])
    return dens * params.weights if with_weights else dens


def e_naive(X, params):
    w = _weighted(X, params)
    return w / w.sum(axis=1, keepdims=True)


def e_transposed(X, params):
    return gt.e_step(X, params).T


def e_not_normalised(X, params):
    return _weighted(X, params)


def e_no_weights(X, params):
    w = _weighted(X, params, with_weights=False)
    return w / w.sum(axis=1, keepdims=True)


def e_wrong_axis(X, params):
    w = _weighted(X, params)
    return w / w.sum(axis=0, keepdims=True)


def e_log(X, params):
    return np.log(gt.e_step(X, params))


def e_hard(X, params):
    return np.eye(params.n_components)[gt.predict(X, params)]


def e_labels(X, params):
    return gt.predict(X, params)


def e_other(X, params):
    resp = gt.e_step(X, params)
    return np.roll(resp, 1, axis=1)


def means_by_n(X, resp):
    return resp.T @ X / len(X)


def means_not_divided(X, resp):
    return resp.T @ X


def means_hard(X, resp):
    labels = np.argmax(resp, axis=1)
    return np.array([X[labels == k].mean(axis=0) for k in range(resp.shape[1])])


def means_transposed(X, resp):
    return X.T @ resp / resp.sum(axis=0)


def means_plain(X, resp):
    return np.array([X.mean(axis=0)] * resp.shape[1])


def _covs(X, resp, centres, weights, divisor):
    K, d = centres.shape
    out = np.zeros((K, d, d))
    for k in range(K):
        diff = X - centres[k]
        out[k] = (weights[:, k, None] * diff).T @ diff / divisor[k]
    return out


def covs_global_mean(X, resp, means):
    centres = np.array([X.mean(axis=0)] * len(means))
    return _covs(X, resp, centres, resp, resp.sum(axis=0))


def covs_not_centred(X, resp, means):
    return _covs(X, resp, np.zeros_like(means), resp, resp.sum(axis=0))


def covs_by_n(X, resp, means):
    return _covs(X, resp, means, resp, [len(X)] * len(means))


def covs_no_weights(X, resp, means):
    return _covs(X, resp, means, np.ones_like(resp), resp.sum(axis=0))


def covs_no_weights_by_n(X, resp, means):
    return _covs(X, resp, means, np.ones_like(resp), [len(X)] * len(means))


def covs_weights_twice(X, resp, means):
    return _covs(X, resp, means, resp**2, resp.sum(axis=0))


def covs_with_reg(X, resp, means):
    return ex.m_step_covariances(X, resp, means) + 1e-6 * np.eye(X.shape[1])


def covs_last_axis(X, resp, means):
    return np.moveaxis(ex.m_step_covariances(X, resp, means), 0, -1)


def covs_library(X, resp, means):
    return gt.m_step(X, resp).covariances  # reg_covar=1e-6 by default


def stop_le(lls, tol):
    previous = -np.inf
    for i, current in enumerate(lls, start=1):
        if abs(current - previous) <= tol:
            return i
        previous = current
    return None


def stop_relative(lls, tol):
    previous = -np.inf
    for i, current in enumerate(lls, start=1):
        if abs((current - previous) / current) < tol:
            return i
        previous = current
    return None


def stop_zero_based(lls, tol):
    for i in range(1, len(lls)):
        if abs(lls[i] - lls[i - 1]) < tol:
            return i
    return None


def stop_late(lls, tol):
    for i in range(1, len(lls)):
        if abs(lls[i] - lls[i - 1]) < tol:
            return i + 2
    return None


def stop_no_abs(lls, tol):
    previous = -np.inf
    for i, current in enumerate(lls, start=1):
        if current - previous < tol:
            return i
        previous = current
    return None


def stop_argmax(lls, tol):
    changes = np.abs(np.diff(lls, prepend=-np.inf))
    return int(np.argmax(changes < tol)) + 1


def stop_never(lls, tol):
    previous = None
    for i, current in enumerate(lls, start=1):
        if previous is not None and abs(current - previous) < tol and i < 0:
            return i
        previous = current
    return None


def stop_none_start(lls, tol):
    previous = None
    for i, current in enumerate(lls, start=1):
        if abs(current - previous) < tol:
            return i
        previous = current
    return None


def stop_bool(lls, tol):
    return stop_zero_based(lls, tol) is not None


def _bic_parts(X, params):
    N, d = X.shape
    K = params.n_components
    return N, d, K, np.sum(gt.sample_log_likelihood(X, params))


def bic_mean_ll(X, params):
    N, d, K, total = _bic_parts(X, params)
    return -2 * total / N + params.n_parameters * np.log(N)


def bic_no_weights(X, params):
    N, d, K, total = _bic_parts(X, params)
    return -2 * total + (K * d + K * d * (d + 1) / 2) * np.log(N)


def bic_k_weights(X, params):
    N, d, K, total = _bic_parts(X, params)
    return -2 * total + (K + K * d + K * d * (d + 1) / 2) * np.log(N)


def bic_d_squared(X, params):
    N, d, K, total = _bic_parts(X, params)
    return -2 * total + (K - 1 + K * d + K * d * d) * np.log(N)


def bic_log10(X, params):
    N, d, K, total = _bic_parts(X, params)
    return -2 * total + params.n_parameters * np.log10(N)


def bic_aic(X, params):
    return gt.aic(X, params)


def bic_sign(X, params):
    return -gt.bic(X, params)


def bic_half(X, params):
    return gt.bic(X, params) / 2


def bic_array(X, params):
    return np.array([gt.bic(X, params)] * 2)


MISTAKES = [
    ("gaussian_pdf", pdf_variance_as_sd, "used the variance where the standard deviation"),
    ("gaussian_pdf", pdf_sd_as_variance, "used the standard deviation where the variance"),
    ("gaussian_pdf", pdf_normaliser_variance, "with sigma = `np.sqrt(variance)`"),
    ("gaussian_pdf", pdf_no_sqrt, "needs a square root"),
    ("gaussian_pdf", pdf_no_normaliser, "forgot the normalising constant"),
    ("gaussian_pdf", pdf_no_half, "needs the factor 1/2"),
    ("gaussian_pdf", pdf_plus_sign, "must be negative"),
    ("gaussian_pdf", pdf_log, "returned the log-density"),
    ("gaussian_pdf", pdf_mean_of, "Eq. (1) is elementwise"),
    ("mle_gaussian", mle_ddof1, "divides by N - 1"),
    ("mle_gaussian", mle_std, "returned the standard deviation"),
    ("mle_gaussian", mle_swapped, "order is swapped"),
    ("mle_gaussian", mle_uncentred, "not centred"),
    ("mle_gaussian", mle_only_variance, "return two numbers"),
    ("mle_gaussian", mle_no_return, "returned None"),
    ("mvn_logpdf", mvn_covariance_in_exponent, "precision Sigma^-1, not the covariance"),
    ("mvn_logpdf", mvn_no_half, "needs the factor -1/2"),
    ("mvn_logpdf", mvn_no_log_det, "forgot the log-determinant"),
    ("mvn_logpdf", mvn_whole_log_det, "(forgot the 1/2)"),
    ("mvn_logpdf", mvn_no_d, "one log(2 pi) per dimension"),
    ("mvn_logpdf", mvn_inv_det, "inaccurate for a nearly singular one"),
    ("mvn_logpdf", mvn_log_of_density, "points far from the mean you return -inf"),
    ("mvn_logpdf", mvn_density, "you returned the density"),
    ("mvn_logpdf", mvn_all_pairs, "(N, N) matrix of all pairs"),
    ("mvn_logpdf", mvn_column, "return a flat array"),
    ("responsibility_by_hand", resp_no_weights, "you forgot the weights"),
    ("responsibility_by_hand", resp_not_normalised, "you forgot to normalise"),
    ("responsibility_by_hand", resp_sd, "passed the standard deviation"),
    ("responsibility_by_hand", resp_squared, "squared the variances"),
    ("responsibility_by_hand", resp_naive, "log-sum-exp"),
    ("responsibility_by_hand", resp_naive_eps, "log-sum-exp"),
    ("responsibility_by_hand", resp_argmax, "not the most likely k"),
    ("responsibility_by_hand", resp_log, "log responsibilities"),
    ("e_step", e_naive, "log-sum-exp"),
    ("e_step", e_transposed, "transposed"),
    ("e_step", e_not_normalised, "you forgot to normalise"),
    ("e_step", e_no_weights, "you forgot the weights"),
    ("e_step", e_wrong_axis, "wrong axis"),
    ("e_step", e_log, "log responsibilities"),
    ("e_step", e_hard, "hard 0/1 assignments"),
    ("e_step", e_labels, "one number per sample"),
    ("e_step", e_other, "sum to 1 but have the wrong values"),
    ("m_step_means", means_by_n, "you divided by N,"),
    ("m_step_means", means_not_divided, "forgot to divide by N_k"),
    ("m_step_means", means_hard, "hard labels"),
    ("m_step_means", means_transposed, "transposed"),
    ("m_step_means", means_plain, "plain average"),
    ("m_step_covariances", covs_global_mean, "centred on the mean of all the data"),
    ("m_step_covariances", covs_not_centred, "forgot to centre"),
    ("m_step_covariances", covs_by_n, "you divided by N;"),
    ("m_step_covariances", covs_no_weights, "you forgot the weights"),
    ("m_step_covariances", covs_no_weights_by_n, "and the sum divided by N_k"),
    ("m_step_covariances", covs_weights_twice, "gamma_nk twice"),
    ("m_step_covariances", covs_with_reg, "added something to the diagonal"),
    ("m_step_covariances", covs_library, "added something to the diagonal"),
    ("m_step_covariances", covs_last_axis, "component axis first"),
    ("ellipse_axes", ell_semi, "semi-axes"),
    ("ellipse_axes", ell_variance, "square roots (standard deviations)"),
    ("ellipse_axes", ell_swapped, "swapped"),
    ("ellipse_axes", ell_sqrt_n, "not 2 sqrt(n_std lambda_i)"),
    ("ellipse_axes", ell_no_n, "you forgot n_std"),
    ("ellipse_axes", ell_diagonal, "diagonal of the covariance"),
    ("ellipse_axes", ell_radians, "in degrees"),
    ("ellipse_axes", ell_minor, "MINOR axis"),
    ("ellipse_axes", ell_arctan2_xy, "arctan2 takes (y, x)"),
    ("ellipse_axes", ell_two_numbers, "return three numbers"),
    ("stopping_rule", stop_le, "not `<=`"),
    ("stopping_rule", stop_relative, "not the change relative to l"),
    ("stopping_rule", stop_zero_based, "counted from 1"),
    ("stopping_rule", stop_late, "one iteration late"),
    ("stopping_rule", stop_no_abs, "absolute value of the change"),
    ("stopping_rule", stop_argmax, "return None (careful: `np.argmax`"),
    ("stopping_rule", stop_never, "never stopped"),
    ("stopping_rule", stop_none_start, "TypeError"),
    ("stopping_rule", stop_bool, "not True/False"),
    ("bic", bic_mean_ll, "TOTAL log-likelihood"),
    ("bic", bic_no_weights, "missing the K - 1 free weights"),
    ("bic", bic_k_weights, "K - 1 free weights, not K"),
    ("bic", bic_d_squared, "d(d+1)/2 free entries, not d*d"),
    ("bic", bic_log10, "not `np.log10`"),
    ("bic", bic_aic, "that is the AIC"),
    ("bic", bic_sign, "sign is flipped"),
    ("bic", bic_half, "twice what you computed"),
    ("bic", bic_array, "return one number"),
]


@pytest.mark.parametrize(("name", "mistake", "hint"), MISTAKES,
                         ids=[m[1].__name__ for m in MISTAKES])
def test_typical_mistake_gets_its_hint(name, mistake, hint):
    messages = set()
    for seed in (0, 1, 2, 3):
        feedback = check(name)(mistake, seed=seed)
        assert not feedback
        assert hint in feedback.message, feedback.message
        messages.add(feedback.message)
    assert len(messages) == 1  # the same words whatever the random cases


@pytest.mark.parametrize(("name", "mistake"), [(m[0], m[1]) for m in MISTAKES[::7]])
def test_messages_have_no_random_digits_unseeded(name, mistake):
    first, second = check(name)(mistake), check(name)(mistake)
    assert first.message == second.message
    digits = set(re.findall(r"\d+(?:\.\d+)?", first.message))
    assert all(len(d) <= 3 for d in digits), digits


def test_mvn_ill_conditioned_case_separates_inverse_from_cholesky():
    """The nearly singular covariance really is where inv/det lose digits and eq. (3) not."""
    rng = np.random.default_rng(0)
    for _ in range(20):
        cov = ex._ill_conditioned_covariance(rng)
        values, vectors = np.linalg.eigh(cov)
        X = rng.normal(size=(5, 2)) * np.sqrt(values) @ vectors.T
        mean = np.zeros(2)
        exact = ex.mvn_logpdf(X, mean, cov)
        L = np.linalg.cholesky(cov)
        z = linalg.solve_triangular(L, X.T, lower=True)
        assert np.allclose(-np.log(np.diag(L)).sum() - 0.5 * (2 * np.log(2 * np.pi)
                           + (z * z).sum(0)), exact, rtol=1e-12)
        assert not np.allclose(mvn_inv_det(X, mean, cov), exact, rtol=ex.RTOL, atol=0)
