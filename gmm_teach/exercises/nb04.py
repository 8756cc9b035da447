"""Notebook 04's exercises: the M-step means (4.7), (4.2) and covariances (4.8) without
reg_covar.

The model answers below are the notebook's hidden solution cells, character for character
(tests/test_exercises_nb04.py compares them). Answers are judged against 50-digit values; the
tolerance is a sum's rounding bound (about N eps times the sum of the terms' sizes), so loops,
matrix products, einsum and np.cov(..., aweights=..., bias=True) all pass.
"""

from __future__ import annotations

import numpy as np

from . import exact as hp
from .engine import EPS, Case, Exercise, Mistake, Output

__all__ = ["m_step_means", "m_step_covariances", "M_STEP_MEANS", "M_STEP_COVARIANCES"]


# ============================================================================ model answers
def m_step_means(X, resp):
    N_k = resp.sum(axis=0)                          # (K,), eq. (4.7)
    return resp.T @ X / N_k[:, np.newaxis]          # (K, d), eq. (4.2)


def m_step_covariances(X, resp, means):
    K, d = means.shape
    N_k = resp.sum(axis=0)                                      # (K,), eq. (4.7)
    covariances = np.empty((K, d, d))
    for k in range(K):
        diff = X - means[k]                                     # (N, d), centred on mu_k
        covariances[k] = (resp[:, k] * diff.T) @ diff / N_k[k]  # eq. (4.8), no reg_covar
    return covariances


# ============================================================================ cases
SIZES = [(12, 3, 2), (9, 2, 3), (10, 4, 1)]


def _data(rng: np.random.Generator) -> list[tuple[str, np.ndarray, np.ndarray]]:
    drawn = []
    for N, K, d in SIZES:
        X = rng.normal(0, 2, size=(N, d)) + rng.normal(0, 3, size=d)
        resp = rng.dirichlet(np.full(K, 0.7), size=N)
        drawn.append((f"on {N} points in d = {d} with K = {K} components", X, resp))
    return drawn


@hp.exact
def means_case(description: str, X, resp) -> Case:
    N, d = X.shape
    K = resp.shape[1]
    N_k = [sum(hp.D(resp[n, k]) for n in range(N)) for k in range(K)]
    expected = hp.to_float([[sum(hp.D(resp[n, k]) * hp.D(X[n, i]) for n in range(N)) / N_k[k]
                             for i in range(d)] for k in range(K)])
    sizes = resp.T @ np.abs(X) / resp.sum(axis=0)[:, np.newaxis]
    return Case(description, (X, resp), (expected,), (8 * (N + 2) * EPS * sizes,))


def means_cases(rng: np.random.Generator) -> list[Case]:
    return [means_case(words, X, resp) for words, X, resp in _data(rng)]


@hp.exact
def covariances_case(description: str, X, resp, means) -> Case:
    N, d = X.shape
    K = resp.shape[1]
    expected = np.empty((K, d, d))
    tolerance = np.empty((K, d, d))
    for k in range(K):
        N_k = sum(hp.D(resp[n, k]) for n in range(N))
        diff = [[hp.D(X[n, i]) - hp.D(means[k, i]) for i in range(d)] for n in range(N)]
        expected[k] = hp.to_float([[sum(hp.D(resp[n, k]) * diff[n][i] * diff[n][j]
                                        for n in range(N)) / N_k for j in range(d)]
                                   for i in range(d)])
        size = np.abs(X) + np.abs(means[k])                      # (N, d)
        tolerance[k] = 8 * (N + 4) * EPS * (resp[:, k] * size.T) @ size / float(N_k)
    return Case(description, (X, resp, means), (expected,), (tolerance,))


def covariances_cases(rng: np.random.Generator) -> list[Case]:
    return [covariances_case(words, X, resp, m_step_means(X, resp))
            for words, X, resp in _data(rng)]


# ============================================================================ mistakes
def _scatter(case: Case, centres=None, weights=None, divisor=None) -> np.ndarray:
    X, resp = case.args[:2]
    K, d = resp.shape[1], X.shape[1]
    centres = case.args[2] if centres is None else centres
    weights = resp if weights is None else weights
    divisor = resp.sum(axis=0) if divisor is None else divisor
    out = np.empty((K, d, d))
    for k in range(K):
        diff = X - centres[k]
        out[k] = (weights[:, k] * diff.T) @ diff / divisor[k]
    return out


def _means(case: Case, divisor) -> np.ndarray:
    X, resp = case.args
    return resp.T @ X / np.asarray(divisor)[:, np.newaxis]


def _hard_means(case: Case) -> np.ndarray:
    X, resp = case.args
    labels = np.eye(resp.shape[1])[np.argmax(resp, axis=1)]
    return labels.T @ X / labels.sum(axis=0)[:, np.newaxis]


_ROW_SUMS = ("`resp.sum(axis=1)` adds each sample's responsibilities, which is 1 for every "
             "sample; N_k = sum_n gamma_nk is the column sum `resp.sum(axis=0)`, eq. (4.7).")

MEANS_MISTAKES = (
    Mistake("your result is transposed: (d, K); the means are (K, d), one row per component "
            "(`resp.T @ X`).", lambda case: m_step_means(*case.args).T),
    Mistake("you divided by N, the number of samples; divide component k's weighted sum by "
            "its own N_k = sum_n gamma_nk, eq. (4.7).",
            lambda case: _means(case, np.full(case.args[1].shape[1], len(case.args[0])))),
    Mistake("you did not divide by N_k, or divided by a row sum: " + _ROW_SUMS + " (4.2) is "
            "a weighted average.", lambda case: case.args[1].T @ case.args[0]),
    Mistake("you used hard labels (argmax of the responsibilities); EM weighs every sample "
            "by its responsibility gamma_nk.",
            _hard_means),
    Mistake("every component got the plain average of X; weigh sample n by gamma_nk, (4.2).",
            lambda case: np.tile(case.args[0].mean(axis=0), (case.args[1].shape[1], 1))),
)

M_STEP_MEANS = Exercise(
    name="m_step_means", reference=m_step_means, argument_names=("X", "resp"),
    cases=means_cases, output=Output(("the means",), "return the (K, d) means"),
    mistakes=MEANS_MISTAKES,
    task="return the (K, d) means of (4.2), with N_k from (4.7).",
    correct="your means equal (4.2) on 3 fresh random cases (K, d = 3, 2 and 2, 3 and 4, 1).",
    general_hint="your means differ from (4.2), mu_k = (1/N_k) sum_n gamma_nk x_n with "
                 "N_k = sum_n gamma_nk (4.7).",
    error_hints=(("could not be broadcast", "if you computed N_k with `resp.sum(axis=1)`: "
                  "that gives N numbers, one per sample; N_k = sum_n gamma_nk is the column "
                  "sum `resp.sum(axis=0)`, K numbers (4.7)"),))


def _unbiased_weights(case: Case) -> np.ndarray:
    """np.cov(..., aweights=gamma)'s default divisor N_k - sum gamma^2 / N_k."""
    resp = case.args[1]
    N_k = resp.sum(axis=0)
    return N_k - (resp**2).sum(axis=0) / N_k


COVARIANCES_MISTAKES = (
    Mistake("put the component axis first: (K, d, d), not (d, d, K); `covariances[k]` is "
            "component k's matrix.", lambda case: np.moveaxis(_scatter(case), 0, 2)),
    Mistake("you divided by N; divide component k's weighted sum by its own N_k = "
            "sum_n gamma_nk, eq. (4.7).",
            lambda case: _scatter(case, divisor=np.full(case.args[1].shape[1],
                                                        float(len(case.args[0]))))),
    Mistake("you divided by N_k - 1 (the unbiased correction); the M-step (4.8) is a "
            "maximum-likelihood estimate and divides by N_k itself.",
            lambda case: _scatter(case, divisor=case.args[1].sum(axis=0) - 1)),
    Mistake("`np.cov` divides by default by the unbiased N_k - sum gamma^2 / N_k; the M-step "
            "(4.8) divides by N_k: pass `bias=True` (with `aweights=resp[:, k]`).",
            lambda case: _scatter(case, divisor=_unbiased_weights(case))),
    Mistake("you did not divide by N_k, or divided by a row sum: " + _ROW_SUMS,
            lambda case: _scatter(case, divisor=np.ones(case.args[1].shape[1]))),
    Mistake("you centred on the mean of all the data; centre each component on its own new "
            "mean mu_k: (x_n - mu_k)(x_n - mu_k)^T.",
            lambda case: _scatter(case, centres=np.tile(case.args[0].mean(axis=0),
                                                        (case.args[1].shape[1], 1)))),
    Mistake("you forgot to centre: use (x_n - mu_k)(x_n - mu_k)^T with the new mean mu_k, "
            "not x_n x_n^T.",
            lambda case: _scatter(case, centres=np.zeros_like(case.args[2]))),
    Mistake("you forgot the weights: each outer product (x_n - mu_k)(x_n - mu_k)^T is "
            "multiplied by gamma_nk.",
            lambda case: _scatter(case, weights=np.ones_like(case.args[1]))),
    Mistake("you forgot the weights: each outer product (x_n - mu_k)(x_n - mu_k)^T is "
            "multiplied by gamma_nk, and the sum divided by N_k.",
            lambda case: _scatter(case, weights=np.ones_like(case.args[1]),
                                  divisor=np.full(case.args[1].shape[1],
                                                  float(len(case.args[0]))))),
    Mistake("you multiplied by gamma_nk twice (once on each side of the outer product); "
            "weigh each outer product by gamma_nk once.",
            lambda case: _scatter(case, weights=case.args[1] ** 2)),
    Mistake("you added something to the diagonal (reg_covar?). This exercise is (4.8) "
            "without the ridge: leave reg_covar out.",
            test=lambda values, case: values[0].shape == case.expected[0].shape and np.allclose(
                values[0] - case.expected[0],
                (values[0] - case.expected[0])[0, 0, 0] * np.eye(case.expected[0].shape[1]),
                rtol=0, atol=1e-12) and (values[0] - case.expected[0])[0, 0, 0] > 0),
)

M_STEP_COVARIANCES = Exercise(
    name="m_step_covariances", reference=m_step_covariances,
    argument_names=("X", "resp", "means"), cases=covariances_cases,
    output=Output(("the covariances",), "return the (K, d, d) covariances"),
    mistakes=COVARIANCES_MISTAKES,
    task="return the (K, d, d) covariances of (4.8), without reg_covar.",
    correct="your covariances equal (4.8) on 3 fresh random cases (K, d = 3, 2 and 2, 3 and "
            "4, 1).",
    general_hint="your covariances differ from (4.8): Sigma_k = (1/N_k) sum_n gamma_nk "
                 "(x_n - mu_k)(x_n - mu_k)^T, without reg_covar.",
    error_hints=M_STEP_MEANS.error_hints)
