"""Notebook 06's exercises (gmm_teach/exercises/nb06.py): every correct style passes on 200
seeds, every typical mistake gets its own hint, and the model answer is the notebook's."""


import numpy as np
import pytest
from exercise_support import assert_notebook_solution, failures, hint_misses
from scipy import stats
from scipy.special import logsumexp
from sklearn.mixture import GaussianMixture

import gmm_teach as gt
from gmm_teach.exercises import nb06


# ============================================================================ correct styles
def stop_numpy(mean_log_likelihoods, tol):
    changes = np.abs(np.diff(np.concatenate([[-np.inf], mean_log_likelihoods])))
    below = np.flatnonzero(changes < tol)
    return int(below[0]) + 1 if below.size else None


def stop_while(mean_log_likelihoods, tol):
    i = 0
    while i < len(mean_log_likelihoods):
        if i > 0 and abs(mean_log_likelihoods[i] - mean_log_likelihoods[i - 1]) < tol:
            return i + 1
        i += 1
    return None


def stop_none_start(mean_log_likelihoods, tol):
    previous = None
    for i, value in enumerate(mean_log_likelihoods):
        if previous is not None and abs(value - previous) < tol:
            return i + 1
        previous = value
    return None


def bic_scipy(X, params):
    N, d = X.shape
    K = params.n_components
    a = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
                         for w, m, c in zip(params.weights, params.means, params.covariances,
                                            strict=True)])
    p = K - 1 + K * d + K * d * (d + 1) / 2
    return -2 * logsumexp(a, axis=1).sum() + p * np.log(N)


def bic_sklearn(X, params):
    K = params.n_components
    gm = GaussianMixture(K, covariance_type="full")
    gm.weights_, gm.means_, gm.covariances_ = params.weights, params.means, params.covariances
    gm.precisions_cholesky_ = np.linalg.inv(np.linalg.cholesky(params.covariances)).transpose(
        0, 2, 1)
    return gm.bic(X)


def bic_mean_times_n(X, params):
    N, d = X.shape
    K = params.n_components
    p = K - 1 + K * d + K * d * (d + 1) // 2
    return -2 * N * gt.mean_log_likelihood(X, params) + p * np.log(N)


STYLES = {
    "stopping_rule": [nb06.stopping_rule, stop_numpy, stop_while, stop_none_start],
    "bic": [nb06.bic, bic_scipy, bic_sklearn, bic_mean_times_n],
}


@pytest.mark.parametrize(("name", "style"), [(n, s) for n, ss in STYLES.items() for s in ss],
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_correct_style_passes_on_every_seed(name, style):
    assert failures(name, style) == []


# ============================================================================ mistakes
def _rule(test, start=-np.inf):
    def stopping_rule(mean_log_likelihoods, tol):
        previous = start
        for i, current in enumerate(mean_log_likelihoods, start=1):
            if test(current, previous, tol):
                return i
            previous = current
        return None
    return stopping_rule


def stop_argmax(mean_log_likelihoods, tol):
    changes = np.abs(np.diff(np.concatenate([[-np.inf], mean_log_likelihoods])))
    return int(np.argmax(changes < tol)) + 1


def stop_from_zero(mean_log_likelihoods, tol):
    for i in range(1, len(mean_log_likelihoods)):
        if abs(mean_log_likelihoods[i] - mean_log_likelihoods[i - 1]) < tol:
            return i
    return None


def stop_never(mean_log_likelihoods, tol):
    return None


def _bic(total_of, count, combine=None):
    def bic(X, params):
        N, d = X.shape
        K = params.n_components
        total = total_of(np.sum(gt.sample_log_likelihood(X, params)), N)
        p = count(K, d)
        return -2 * total + p * np.log(N) if combine is None else combine(total, p, N)
    return bic


def full(K, d):
    return (K - 1) + K * d + K * d * (d + 1) // 2


def same(total, N):
    return total


def bic_per_sample(X, params):
    N, d = X.shape
    return -2 * gt.sample_log_likelihood(X, params) + full(params.n_components, d) * np.log(N)


MISTAKES = [
    ("stopping_rule", _rule(lambda c, p, t: abs(c - p) < t, start=0.0), "l_0 = -inf, not 0"),
    ("stopping_rule", _rule(lambda c, p, t: abs(c - p) <= t), "not `<=`"),
    ("stopping_rule", _rule(lambda c, p, t: abs(c - p) < t * abs(c)), "relative to l"),
    ("stopping_rule", _rule(lambda c, p, t: abs(c - p) < t * abs(p)), "relative to l"),
    ("stopping_rule", _rule(lambda c, p, t: c - p < t), "use the absolute value"),
    ("stopping_rule", _rule(lambda c, p, t: p - c < t), "new minus old"),
    ("stopping_rule", stop_argmax, "`np.argmax` of an all-False array"),
    ("stopping_rule", stop_from_zero, "off by one: iterations are counted from 1"),
    ("stopping_rule", stop_never, "your rule never stopped"),
    ("bic", _bic(lambda total, N: total / N, full), "TOTAL log-likelihood"),
    ("bic", _bic(same, lambda K, d: full(K, d) - (K - 1)), "missing the K - 1 free weights"),
    ("bic", _bic(same, lambda K, d: full(K, d) + 1), "not K"),
    ("bic", _bic(same, lambda K, d: (K - 1) + K * d + K * d * d), "not d*d"),
    ("bic", _bic(same, lambda K, d: (K - 1) + K * d), "missing the covariances"),
    ("bic", _bic(same, lambda K, d: (K - 1) + K * d * (d + 1) // 2), "missing the means"),
    ("bic", _bic(same, full, lambda t, p, N: -2 * t + p * np.log10(N)), "`np.log10`"),
    ("bic", _bic(same, full, lambda t, p, N: 2 * t - p * np.log(N)), "sign is flipped"),
    ("bic", _bic(same, full, lambda t, p, N: -t + p * np.log(N) / 2), "twice what you"),
    ("bic", _bic(same, full, lambda t, p, N: -2 * t + 2 * p), "AIC"),
    ("bic", bic_per_sample, "return one number"),
]


@pytest.mark.parametrize(("name", "mistake", "fragment"), MISTAKES,
                         ids=lambda v: getattr(v, "__name__", None))
def test_every_mistake_gets_its_own_hint(name, mistake, fragment):
    assert hint_misses(name, mistake, fragment) == []


# ============================================================================ one model answer
@pytest.mark.parametrize("name", ["stopping_rule", "bic"])
def test_the_notebook_solution_is_the_model_answer_and_passes(name):
    assert_notebook_solution("06", name)
