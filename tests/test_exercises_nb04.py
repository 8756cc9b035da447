"""Notebook 04's exercises (gmm_teach/exercises/nb04.py): every correct style passes on 200
seeds, every typical mistake gets its own hint, and the model answer is the notebook's."""


import numpy as np
import pytest
from exercise_support import assert_notebook_solution, failures, hint_misses

from gmm_teach.exercises import nb04


# ============================================================================ correct styles
def means_loops(X, resp):
    K = resp.shape[1]
    means = []
    for k in range(K):
        total = np.zeros(X.shape[1])
        for n in range(len(X)):
            total += resp[n, k] * X[n]
        means.append(total / resp[:, k].sum())
    return np.array(means)


def means_einsum(X, resp):
    return np.einsum("nk,nd->kd", resp, X) / np.einsum("nk->k", resp)[:, None]


def means_average(X, resp):
    return np.array([np.average(X, axis=0, weights=resp[:, k]) for k in range(resp.shape[1])])


def means_while(X, resp):
    out, k = [], 0
    while k < resp.shape[1]:
        out.append((resp[:, k:k + 1] * X).sum(axis=0) / resp[:, k].sum())
        k += 1
    return np.vstack(out)


def covariances_loops(X, resp, means):
    K, d = means.shape
    covs = np.zeros((K, d, d))
    for k in range(K):
        for n in range(len(X)):
            diff = X[n] - means[k]
            covs[k] += resp[n, k] * np.outer(diff, diff)
        covs[k] /= resp[:, k].sum()
    return covs


def covariances_einsum(X, resp, means):
    diff = X[None, :, :] - means[:, None, :]                       # (K, N, d)
    return np.einsum("nk,kni,knj->kij", resp, diff, diff) / resp.sum(axis=0)[:, None, None]


def covariances_np_cov(X, resp, means):
    return np.array([np.atleast_2d(np.cov(X.T, aweights=resp[:, k], bias=True))
                     for k in range(resp.shape[1])])


def covariances_sqrt_weights(X, resp, means):
    out = []
    for k in range(resp.shape[1]):
        A = np.sqrt(resp[:, k])[:, None] * (X - means[k])
        out.append(A.T @ A / resp[:, k].sum())
    return np.stack(out)


STYLES = {
    "m_step_means": [nb04.m_step_means, means_loops, means_einsum, means_average, means_while],
    "m_step_covariances": [nb04.m_step_covariances, covariances_loops, covariances_einsum,
                           covariances_np_cov, covariances_sqrt_weights],
}


@pytest.mark.parametrize(("name", "style"), [(n, s) for n, ss in STYLES.items() for s in ss],
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_correct_style_passes_on_every_seed(name, style):
    assert failures(name, style) == []


# ============================================================================ mistakes
def means_transposed(X, resp):
    return (resp.T @ X / resp.sum(axis=0)[:, None]).T


def means_over_n(X, resp):
    return resp.T @ X / len(X)


def means_undivided(X, resp):
    return resp.T @ X


def means_row_sums_loop(X, resp):
    N_k = resp.sum(axis=1)                        # the slip: row sums, all 1
    return np.array([resp[:, k] @ X / N_k[k] for k in range(resp.shape[1])])


def means_row_sums_vector(X, resp):
    return resp.T @ X / resp.sum(axis=1)[:, None]


def means_hard(X, resp):
    labels = np.eye(resp.shape[1])[resp.argmax(axis=1)]
    return labels.T @ X / labels.sum(axis=0)[:, None]


def means_plain(X, resp):
    return np.tile(X.mean(axis=0), (resp.shape[1], 1))


def _scatter(X, resp, means, weights=None, divisor=None, centres=None):
    weights = resp if weights is None else weights
    divisor = resp.sum(axis=0) if divisor is None else divisor
    centres = means if centres is None else centres
    return np.array([(weights[:, k] * (X - centres[k]).T) @ (X - centres[k]) / divisor[k]
                     for k in range(resp.shape[1])])


def cov_last_axis(X, resp, means):
    return np.moveaxis(_scatter(X, resp, means), 0, 2)


def cov_over_n(X, resp, means):
    return _scatter(X, resp, means, divisor=np.full(resp.shape[1], len(X)))


def cov_n_k_minus_1(X, resp, means):
    return _scatter(X, resp, means, divisor=resp.sum(axis=0) - 1)


def cov_np_cov_default(X, resp, means):
    return np.array([np.atleast_2d(np.cov(X.T, aweights=resp[:, k]))
                     for k in range(resp.shape[1])])


def cov_row_sums(X, resp, means):
    return _scatter(X, resp, means, divisor=resp.sum(axis=1))


def cov_global_centre(X, resp, means):
    return _scatter(X, resp, means, centres=np.tile(X.mean(axis=0), (len(means), 1)))


def cov_uncentred(X, resp, means):
    return _scatter(X, resp, means, centres=np.zeros_like(means))


def cov_no_weights(X, resp, means):
    return _scatter(X, resp, means, weights=np.ones_like(resp))


def cov_weights_squared(X, resp, means):
    return _scatter(X, resp, means, weights=resp**2)


def cov_reg_covar(X, resp, means):
    return _scatter(X, resp, means) + 1e-6 * np.eye(X.shape[1])


MISTAKES = [
    ("m_step_means", means_transposed, "transposed"),
    ("m_step_means", means_over_n, "divided by N,"),
    ("m_step_means", means_undivided, "did not divide by N_k"),
    ("m_step_means", means_row_sums_loop, "`resp.sum(axis=1)` adds each sample's"),
    ("m_step_means", means_row_sums_vector, "`resp.sum(axis=1)`"),
    ("m_step_means", means_hard, "hard labels"),
    ("m_step_means", means_plain, "plain average"),
    ("m_step_covariances", cov_last_axis, "component axis first"),
    ("m_step_covariances", cov_over_n, "divided by N;"),
    ("m_step_covariances", cov_n_k_minus_1, "N_k - 1"),
    ("m_step_covariances", cov_np_cov_default, "`bias=True`"),
    ("m_step_covariances", cov_row_sums, "`resp.sum(axis=1)` adds each sample's"),
    ("m_step_covariances", cov_global_centre, "mean of all the data"),
    ("m_step_covariances", cov_uncentred, "forgot to centre"),
    ("m_step_covariances", cov_no_weights, "forgot the weights"),
    ("m_step_covariances", cov_weights_squared, "gamma_nk twice"),
    ("m_step_covariances", cov_reg_covar, "reg_covar"),
]


@pytest.mark.parametrize(("name", "mistake", "fragment"), MISTAKES,
                         ids=lambda v: getattr(v, "__name__", None))
def test_every_mistake_gets_its_own_hint(name, mistake, fragment):
    assert hint_misses(name, mistake, fragment) == []


# ============================================================================ one model answer
@pytest.mark.parametrize("name", ["m_step_means", "m_step_covariances"])
def test_the_notebook_solution_is_the_model_answer_and_passes(name):
    assert_notebook_solution("04", name)
