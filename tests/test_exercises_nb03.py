"""Notebook 03's exercises (gmm_teach/exercises/nb03.py): every correct style passes on 200
seeds, every typical mistake gets its own hint, and the model answer is the notebook's."""

import math

import numpy as np
import pytest
from exercise_support import assert_notebook_solution, failures, hint_misses
from scipy import stats
from scipy.special import logsumexp, softmax

import gmm_teach as gt
from gmm_teach import exercises
from gmm_teach.exercises import nb03


# ============================================================================ correct styles
def by_hand_math_loop(x, weights, means, variances):
    logs = [math.log(w) - 0.5 * math.log(2 * math.pi * v) - (x - m) ** 2 / (2 * v)
            for w, m, v in zip(weights, means, variances, strict=True)]
    top = max(logs)
    terms = [math.exp(a - top) for a in logs]
    return [t / sum(terms) for t in terms]


def by_hand_scipy_logsumexp(x, weights, means, variances):
    a = np.log(weights) + stats.norm.logpdf(x, means, np.sqrt(variances))
    return np.exp(a - logsumexp(a))


def by_hand_softmax(x, weights, means, variances):
    return softmax(np.log(weights) + stats.norm.logpdf(x, means, np.sqrt(variances)))


def by_hand_while(x, weights, means, variances):
    a = np.log(weights) - 0.5 * np.log(2 * np.pi * variances) - (x - means) ** 2 / (2 * variances)
    out, k = np.empty(len(a)), 0
    while k < len(a):
        out[k] = 1.0 / np.sum(np.exp(a - a[k]))
        k += 1
    return out


def e_step_logsumexp(X, params):
    a = gt.weighted_log_prob(X, params)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def e_step_softmax_scipy(X, params):
    a = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X).reshape(len(X))
                         for w, m, c in zip(params.weights, params.means, params.covariances,
                                            strict=True)])
    return softmax(a, axis=1)


def e_step_loops(X, params):
    N, K = len(X), params.n_components
    resp = np.empty((N, K))
    for n in range(N):
        a = [math.log(params.weights[k]) + gt.mvn_logpdf(X[n:n + 1], params.means[k],
                                                         params.covariances[k])[0]
             for k in range(K)]
        top = max(a)
        total = sum(math.exp(v - top) for v in a)
        for k in range(K):
            resp[n, k] = math.exp(a[k] - top) / total
    return resp


def e_step_cholesky_einsum(X, params):
    N, K = len(X), params.n_components
    a = np.empty((N, K))
    for k in range(K):
        L = np.linalg.cholesky(params.covariances[k])
        z = np.linalg.solve(L, (X - params.means[k]).T)
        a[:, k] = (np.log(params.weights[k]) - 0.5 * X.shape[1] * np.log(2 * np.pi)
                   - np.log(np.diag(L)).sum() - 0.5 * np.einsum("dn,dn->n", z, z))
    return np.exp(a - logsumexp(a, axis=1)[:, None])


STYLES = {
    "responsibility_by_hand": [nb03.responsibility_by_hand, by_hand_math_loop,
                               by_hand_scipy_logsumexp, by_hand_softmax, by_hand_while],
    "e_step": [nb03.e_step, e_step_logsumexp, e_step_softmax_scipy, e_step_loops,
               e_step_cholesky_einsum],
}


@pytest.mark.parametrize(("name", "style"), [(n, s) for n, ss in STYLES.items() for s in ss],
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_correct_style_passes_on_every_seed(name, style):
    assert failures(name, style) == []


# ============================================================================ mistakes
def _terms(x, w, m, v):
    return np.log(w) - 0.5 * np.log(2 * np.pi * v) - (x - m) ** 2 / (2 * v)


def by_hand_naive(x, weights, means, variances):
    p = weights * stats.norm.pdf(x, means, np.sqrt(variances))
    return p / p.sum()


def by_hand_std(x, weights, means, variances):
    return softmax(_terms(x, weights, means, np.sqrt(variances)))


def by_hand_scipy_scale_variance(x, weights, means, variances):
    return softmax(np.log(weights) + stats.norm.logpdf(x, means, variances))


def by_hand_unnormalised(x, weights, means, variances):
    return np.exp(_terms(x, weights, means, variances))


def by_hand_max_not_normalised(x, weights, means, variances):
    a = _terms(x, weights, means, variances)
    return np.exp(a - a.max())


def by_hand_no_weights(x, weights, means, variances):
    return softmax(_terms(x, np.ones_like(weights), means, variances))


def by_hand_log(x, weights, means, variances):
    a = _terms(x, weights, means, variances)
    return a - logsumexp(a)


def by_hand_argmax(x, weights, means, variances):
    return int(np.argmax(_terms(x, weights, means, variances)))


def by_hand_one_hot(x, weights, means, variances):
    return np.eye(len(weights))[np.argmax(_terms(x, weights, means, variances))]


def by_hand_clipped(x, weights, means, variances):
    p = weights * stats.norm.pdf(x, means, np.sqrt(variances)) + 1e-300
    return p / p.sum()


def e_naive(X, params):
    p = np.column_stack([w * stats.multivariate_normal(m, c).pdf(X).reshape(len(X))
                         for w, m, c in zip(params.weights, params.means, params.covariances,
                                            strict=True)])
    return p / p.sum(axis=1, keepdims=True)


def e_global_max(X, params):
    a = gt.weighted_log_prob(X, params)
    a = a - a.max()
    return np.exp(a) / np.exp(a).sum(axis=1, keepdims=True)


def e_transposed(X, params):
    return nb03.e_step(X, params).T


def e_wrong_axis(X, params):
    a = gt.weighted_log_prob(X, params)
    return np.exp(a) / np.exp(a).sum(axis=0, keepdims=True)


def e_unnormalised(X, params):
    return np.exp(gt.weighted_log_prob(X, params))


def e_max_not_normalised(X, params):
    a = gt.weighted_log_prob(X, params)
    return np.exp(a - a.max(axis=1, keepdims=True))


def e_no_weights(X, params):
    a = gt.weighted_log_prob(X, params) - np.log(params.weights)
    return softmax(a, axis=1)


def e_log(X, params):
    a = gt.weighted_log_prob(X, params)
    return a - logsumexp(a, axis=1, keepdims=True)


def e_hard(X, params):
    a = gt.weighted_log_prob(X, params)
    return np.eye(params.n_components)[a.argmax(axis=1)]


def e_labels(X, params):
    return gt.weighted_log_prob(X, params).argmax(axis=1)


MISTAKES = [
    ("responsibility_by_hand", by_hand_naive, "underflows to 0, and 0/0 is NaN"),
    ("responsibility_by_hand", by_hand_std, "standard deviation where the density needs"),
    ("responsibility_by_hand", by_hand_scipy_scale_variance, "you squared the variances"),
    ("responsibility_by_hand", by_hand_unnormalised, "forgot to normalise"),
    ("responsibility_by_hand", by_hand_max_not_normalised, "subtracted the maximum but forgot"),
    ("responsibility_by_hand", by_hand_no_weights, "forgot the weights"),
    ("responsibility_by_hand", by_hand_log, "log responsibilities"),
    ("responsibility_by_hand", by_hand_argmax, "not the number of the most likely"),
    ("responsibility_by_hand", by_hand_one_hot, "hard 0/1"),
    ("responsibility_by_hand", by_hand_clipped, "right for ordinary points"),
    ("e_step", e_naive, "you get NaN or inf"),
    ("e_step", e_global_max, "subtract each ROW's maximum"),
    ("e_step", e_transposed, "transposed"),
    ("e_step", e_wrong_axis, "wrong axis"),
    ("e_step", e_unnormalised, "forgot to normalise"),
    ("e_step", e_max_not_normalised, "subtracted each row's maximum but forgot"),
    ("e_step", e_no_weights, "forgot the weights"),
    ("e_step", e_log, "log responsibilities"),
    ("e_step", e_hard, "hard 0/1"),
    ("e_step", e_labels, "one number per sample"),
]


@pytest.mark.parametrize(("name", "mistake", "fragment"), MISTAKES,
                         ids=lambda v: getattr(v, "__name__", None))
def test_every_mistake_gets_its_own_hint(name, mistake, fragment):
    assert hint_misses(name, mistake, fragment) == []


def test_the_tiny_scale_case_separates_the_global_max_from_the_naive_route():
    """The naive route (densities, no logs) is right on the tiny-scale case, so the global
    maximum's hint is earned there, not by the far point that breaks both."""
    for seed in range(20):
        (case,) = [c for c in exercises.cases_of(exercises.EXERCISES["e_step"], seed)
                   if c.data["kind"] == "tiny"]
        with np.errstate(all="ignore"):
            naive, global_max = e_naive(*case.args), e_global_max(*case.args)
        assert np.all(np.abs(naive - case.expected[0]) <= case.tolerance[0])
        assert not np.all(np.isfinite(global_max))


# ============================================================================ one model answer
@pytest.mark.parametrize("name", ["responsibility_by_hand", "e_step"])
def test_the_notebook_solution_is_the_model_answer_and_passes(name):
    assert_notebook_solution("03", name)
