"""EM when some labels are known (notebook 14).

A labelled sample n (label y_n = k, 0-based in code, component k + 1 in the notebooks) is known
to come from component k, so its responsibilities are not estimated but fixed:
(14.1)  gamma_nk = 1 if k = y_n, else 0               (labelled n; unlabelled n: eq. (3.2))
and EM maximises the log-likelihood of what is observed, labels included:
(14.2)  l(theta) = (1/N) [ sum_{n labelled} log pi_{y_n} N(x_n | mu_{y_n}, Sigma_{y_n})
                          + sum_{n unlabelled} log sum_k pi_k N(x_n | mu_k, Sigma_k) ]
The M-step is the usual one, (4.7), (4.2), (4.8), (4.5), with those responsibilities. With no
labels this is run_em, number for number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_float_array,
    as_samples,
    check_n_components,
    check_nonnegative_number,
    check_whole_number,
)
from ._em_loop import VariantTrace, iterate
from .em import _check_params, _e_step, _m_step, _weighted_log_prob
from .params import GMMParams

__all__ = ["UNLABELLED", "check_labels", "labelled_start", "semisupervised_e_step",
           "run_semisupervised_em", "SemiSupervisedTrace"]

UNLABELLED = -1


def check_labels(labels, n_samples: int, n_components: int) -> np.ndarray:
    """labels as an (N,) int array with entries in -1..K-1 (-1: unlabelled, as in
    scikit-learn's semi-supervised estimators), or ValueError/TypeError naming the fix."""
    array = as_float_array(labels, "labels")
    if array.shape != (n_samples,):
        raise ValueError(f"labels must have shape (N,) = ({n_samples},), one entry per sample "
                         f"of X, got {array.shape}.")
    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
        raise ValueError("labels must be whole numbers: a component index 0..K-1 (component "
                         "k + 1 is index k), or -1 for an unlabelled sample (use -1, not NaN).")
    array = array.astype(np.int64)
    bad = (array < UNLABELLED) | (array >= n_components)
    if bad.any():
        raise ValueError(f"labels must be -1 (unlabelled) or a component index "
                         f"0..{n_components - 1} (component k + 1 is index k), got "
                         f"{int(array[bad][0])} at index {int(np.flatnonzero(bad)[0])}.")
    return array


def _e_step_with_labels(X: np.ndarray, params: GMMParams, labels: np.ndarray):
    resp, log_p = _e_step(X, params)
    known = labels != UNLABELLED
    if known.any():
        rows = np.flatnonzero(known)
        log_p = log_p.copy()
        with np.errstate(divide="ignore"):
            log_p[rows] = _weighted_log_prob(X[rows], params)[np.arange(len(rows)),
                                                               labels[rows]]
        resp[rows] = 0.0
        resp[rows, labels[rows]] = 1.0                       # eq. (14.1)
    return resp, log_p


def semisupervised_e_step(X, params: GMMParams, labels) -> np.ndarray:
    """Responsibilities (N, K): one-hot rows for labelled samples, eq. (14.1), Bayes' rule
    (3.2) for the unlabelled (labels -1). X: (N, d) or (N,); labels: (N,) in -1..K-1."""
    X = as_samples(X)
    params = _check_params(params, X)
    labels = check_labels(labels, X.shape[0], params.n_components)
    return _e_step_with_labels(X, params, labels)[0]


def labelled_start(X, labels, n_components: int, *, reg_covar: float = 1e-6) -> GMMParams:
    """A start that uses the labels: mu_k the mean of the samples labelled k, every Sigma_k
    the covariance of all of X (np.cov, ddof=0) plus reg_covar I, equal weights 1/K.

    X: (N, d) or (N,); labels: (N,), -1 for unlabelled; every component needs at least one
    label (for components without any, start from initial_params instead)."""
    X = as_samples(X)
    K = check_n_components(n_components, X.shape[0])
    labels = check_labels(labels, X.shape[0], K)
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    counts = np.bincount(labels[labels != UNLABELLED], minlength=K)
    if counts.min() == 0:
        raise ValueError(f"labelled_start needs at least one labelled sample of every "
                         f"component; component(s) {(np.flatnonzero(counts == 0) + 1).tolist()}"
                         " (numbered from 1) have none. Label some, or start from "
                         "initial_params(X, K).")
    means = np.array([X[labels == k].mean(axis=0) for k in range(K)])
    d = X.shape[1]
    spread = np.atleast_2d(np.cov(X.T, bias=True)) + reg_covar * np.eye(d)
    return GMMParams(np.full(K, 1.0 / K), means, np.repeat(spread[np.newaxis], K, axis=0))


@dataclass(frozen=True, eq=False)
class SemiSupervisedTrace(VariantTrace):
    """An EMTrace whose mean_log_likelihoods are eq. (14.2) and whose responsibilities keep
    the labelled samples' one-hot rows; labels: the (N,) labels used (-1: unlabelled)."""

    labels: np.ndarray = None

    def _e_step_of(self, params: GMMParams):
        return _e_step_with_labels(self.X, params, self.labels)


def run_semisupervised_em(X, labels, init: GMMParams, *, tol: float = 1e-3,
                          max_iter: int = 100, reg_covar: float = 1e-6) -> SemiSupervisedTrace:
    """EM with some labels known: E-step (14.1)/(3.2), M-step (4.7), (4.2), (4.8), (4.5),
    stopping when eq. (14.2) changes by less than tol (the stopping rule (6.1)).

    X: (N, d) or (N,); labels: (N,) ints, -1 for unlabelled, else the component index 0..K-1;
    init: a GMMParams (e.g. from initial_params). All labels -1: the same numbers as run_em.
    Returns a SemiSupervisedTrace.
    """
    X = as_samples(X)
    init = _check_params(init, X)
    check_n_components(init.n_components, X.shape[0])
    labels = check_labels(labels, X.shape[0], init.n_components)
    tol = check_nonnegative_number(tol, "tol")
    max_iter = check_whole_number(max_iter, "max_iter")
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    params, mean_lls, lower_bound, converged = iterate(
        lambda theta: _e_step_with_labels(X, theta, labels),
        lambda resp: _m_step(X, resp, reg_covar, init.covariance_type), init, tol, max_iter)
    return SemiSupervisedTrace(X=X, params=params, mean_log_likelihoods=mean_lls,
                               n_iter=len(mean_lls), converged=converged,
                               lower_bound=lower_bound, tol=tol, reg_covar=reg_covar,
                               labels=labels)
