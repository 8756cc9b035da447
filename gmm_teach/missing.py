"""EM when some entries of X are missing (NaN), full covariances (notebook 14).

Split each sample into its observed part x_n^o and missing part x_n^m (which entries are
missing may differ from sample to sample), and each mean and covariance the same way.
(14.3)  p(x_n^o) = sum_k pi_k N(x_n^o | mu_k^o, Sigma_k^oo)     the likelihood of what is seen
The E-step computes the responsibilities from (14.3) by Bayes' rule, as (3.2), and, for each
component, what the missing entries are expected to be and how uncertain they remain:
(14.4)  xhat_nk^m = mu_k^m + Sigma_k^mo (Sigma_k^oo)^-1 (x_n^o - mu_k^o),   xhat_nk^o = x_n^o
(14.5)  C_nk^mm = Sigma_k^mm - Sigma_k^mo (Sigma_k^oo)^-1 Sigma_k^om,       C_nk zero elsewhere
The M-step is (4.7), (4.2), (4.8), (4.5) with x_n replaced by xhat_nk, plus the uncertainty:
(14.6)  mu_k = (1/N_k) sum_n gamma_nk xhat_nk,
        Sigma_k = (1/N_k) sum_n gamma_nk [(xhat_nk - mu_k)(xhat_nk - mu_k)^T + C_nk] + reg_covar I
EM never decreases the mean of log (14.3) (for reg_covar = 0). Nothing missing: run_em.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from ._checks import (
    MAX_ABS_DATA,
    as_float_array,
    check_finite,
    check_n_components,
    check_nonnegative_number,
    check_whole_number,
)
from ._em_loop import VariantTrace, iterate
from .density import LOG_2PI
from .em import EPS
from .params import GMMParams, check_params

__all__ = ["as_incomplete_samples", "missing_e_step", "missing_m_step", "impute",
           "run_em_missing", "MissingDataTrace"]


def as_incomplete_samples(X, name: str = "X") -> np.ndarray:
    """X as a float64 (N, d) array in which NaN marks a missing entry. Infinite entries, rows
    with nothing observed, and too large values are ValueErrors naming the fix."""
    array = as_float_array(X, name)
    if array.ndim == 1:
        array = array[:, np.newaxis]
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"{name} must have shape (n_samples, n_features) with at least one of "
                         f"each, got shape {array.shape}.")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinite values; only NaN may mark a missing entry. "
                         "Replace the infinities by NaN or by finite numbers.")
    empty = np.isnan(array).all(axis=1)
    if empty.any():
        raise ValueError(f"{name} has {int(empty.sum())} row(s) with every entry missing (the "
                         f"first is row {int(np.flatnonzero(empty)[0])}); they carry no "
                         f"information. Drop them, e.g. {name}[~np.isnan({name}).all(axis=1)].")
    if np.nanmax(np.abs(array)) > MAX_ABS_DATA:
        raise ValueError(f"{name} has values beyond {MAX_ABS_DATA:g} in absolute value, whose "
                         f"squares overflow float64. Rescale {name} first.")
    return array


def _check(X: np.ndarray, params) -> GMMParams:
    params = check_params(params)
    if params.n_features != X.shape[1]:
        raise ValueError(f"params describe {params.n_features}-dimensional components but X has "
                         f"{X.shape[1]} columns. Pass X with {params.n_features} columns.")
    if params.covariance_type != "full":
        raise ValueError("EM with missing entries is implemented for covariance_type='full' "
                         f"only, got {params.covariance_type!r}. Start from initial_params(..., "
                         "covariance_type='full').")
    return params


def _e_step(X: np.ndarray, params: GMMParams):
    """resp (N, K), log p(x_n^o) (N,), xhat (K, N, d) and C (K, N, d, d): (14.3)-(14.5)."""
    n, d = X.shape
    K = params.n_components
    observed = ~np.isnan(X)
    log_prob = np.empty((n, K))
    xhat = np.repeat(np.nan_to_num(X)[np.newaxis], K, axis=0)
    C = np.zeros((K, n, d, d))
    patterns, which = np.unique(observed, axis=0, return_inverse=True)
    for p, o in enumerate(patterns):                        # samples missing the same entries
        rows, m = np.flatnonzero(which.ravel() == p), ~o
        for k in range(K):
            mu, sigma = params.means[k], params.covariances[k]
            L = linalg.cholesky(sigma[np.ix_(o, o)], lower=True)           # Sigma^oo = L L^T
            # L^-1 by LAPACK's triangular inverse: OpenBLAS's threaded triangular solve can
            # stall for milliseconds per call on a busy machine (see GMMParams._store)
            L_inverse, _ = linalg.lapack.dtrtri(L, lower=1)
            diff = X[np.ix_(rows, o)] - mu[o]                               # x^o - mu^o
            z = L_inverse @ diff.T                                          # L^-1 (x^o - mu^o)
            with np.errstate(over="ignore"):  # beyond float64: -inf, named below
                squared = np.sum(z * z, axis=0)
            log_prob[rows, k] = (-0.5 * (o.sum() * LOG_2PI + squared)
                                 - np.log(np.diag(L)).sum())                # (14.3)'s terms
            if m.any():
                B = L_inverse @ sigma[np.ix_(o, m)]                         # L^-1 Sigma^om
                xhat[k][np.ix_(rows, m)] = mu[m] + z.T @ B                  # (14.4)
                C[np.ix_([k], rows, m, m)] = sigma[np.ix_(m, m)] - B.T @ B  # (14.5)
    with np.errstate(divide="ignore"):
        log_prob += np.log(params.weights)
    a_max = log_prob.max(axis=1, keepdims=True)            # log-sum-exp, as in (3.3)
    if np.isneginf(a_max).any():
        n = int(np.flatnonzero(np.isneginf(a_max))[0])
        raise ValueError(f"sample {n} of X is so far from every component that its "
                         "observed log-density is -inf under each. Rescale X or use larger "
                         "variances (reg_covar).")
    resp = np.exp(log_prob - a_max)
    total = resp.sum(axis=1, keepdims=True)
    resp /= total
    return resp, (a_max + np.log(total))[:, 0], xhat, C


def missing_e_step(X, params: GMMParams):
    """The E-step with missing entries (NaN in X, shape (N, d)), eqs. (14.3)-(14.5).

    Returns resp (N, K), log p(x_n^o) (N,), xhat (K, N, d) (eq. (14.4): observed entries as
    they are, missing ones filled per component) and C (K, N, d, d) (eq. (14.5)). Memory:
    K N d^2 numbers for C, meant for teaching-sized data."""
    X = as_incomplete_samples(X)
    return _e_step(X, _check(X, params))


def _m_step(resp, xhat, C, reg_covar: float) -> GMMParams:
    K, n, d = xhat.shape
    nk = resp.sum(axis=0) + 10 * EPS                                        # (4.7)
    means = np.einsum("nk,kni->ki", resp, xhat) / nk[:, np.newaxis]         # (14.6)
    covariances = np.empty((K, d, d))
    for k in range(K):
        diff = xhat[k] - means[k]
        scatter = (resp[:, k] * diff.T) @ diff + np.einsum("n,nij->ij", resp[:, k], C[k])
        covariances[k] = scatter / nk[k]
    covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1)) + reg_covar * np.eye(d)
    return GMMParams._from_m_step(nk / nk.sum(), means, covariances, "full")  # (4.5)


def missing_m_step(resp, xhat, C, reg_covar: float = 1e-6) -> GMMParams:
    """The M-step with missing entries, eq. (14.6) with (4.7) and (4.5): resp (N, K), xhat
    (K, N, d), C (K, N, d, d) as missing_e_step returns them. Returns a GMMParams."""
    resp, xhat, C = (as_float_array(a, name) for a, name in
                     ((resp, "resp"), (xhat, "xhat"), (C, "C")))
    for array, name in ((resp, "resp"), (xhat, "xhat"), (C, "C")):
        check_finite(array, name)
    if xhat.ndim != 3 or resp.shape != xhat.shape[1::-1] or C.shape != xhat.shape + (
            xhat.shape[2],):
        raise ValueError("resp (N, K), xhat (K, N, d) and C (K, N, d, d) must fit together, "
                         f"got {resp.shape}, {xhat.shape}, {C.shape}: pass what "
                         "missing_e_step returns.")
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    return _m_step(resp, xhat, C, reg_covar)


def impute(X, params: GMMParams) -> np.ndarray:
    """E[x_n | x_n^o] = sum_k gamma_nk xhat_nk: X (N, d) with each NaN replaced by its
    conditional expectation under the mixture; observed entries unchanged. Returns (N, d)."""
    resp, _, xhat, _ = missing_e_step(X, params)
    X = as_incomplete_samples(X)
    gaps = np.isnan(X)
    return np.where(gaps, np.einsum("nk,kni->ni", resp, xhat), X)


@dataclass(frozen=True, eq=False)
class MissingDataTrace(VariantTrace):
    """An EMTrace for data with missing entries: X keeps its NaN; mean_log_likelihoods are
    the mean of log (14.3); responsibilities(i) come from (14.3) by Bayes' rule."""

    def _e_step_of(self, params: GMMParams):
        return _e_step(self.X, params)[:2]


def _statistics_and_log_p(X: np.ndarray, params: GMMParams):
    """What the M-step needs, (resp, xhat, C), and log p(x_n^o), for the shared loop."""
    resp, log_p, xhat, C = _e_step(X, params)
    return (resp, xhat, C), log_p


def run_em_missing(X, init: GMMParams, *, tol: float = 1e-3, max_iter: int = 100,
                   reg_covar: float = 1e-6) -> MissingDataTrace:
    """EM for a full-covariance mixture on X with NaN for missing entries: E-step
    (14.3)-(14.5), M-step (14.6), stopping rule (6.1) on the mean of log (14.3).

    X: (N, d), rows with at least one observed entry. init: a "full" GMMParams, e.g.
    initial_params on the rows without gaps or on X with column means filled in.
    With nothing missing, the same iterations as run_em. Returns a MissingDataTrace.
    """
    X = as_incomplete_samples(X)
    init = _check(X, init)
    check_n_components(init.n_components, X.shape[0])
    tol = check_nonnegative_number(tol, "tol")
    max_iter = check_whole_number(max_iter, "max_iter")
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    params, mean_lls, lower_bound, converged = iterate(
        lambda theta: _statistics_and_log_p(X, theta),
        lambda statistics: _m_step(*statistics, reg_covar), init, tol, max_iter)
    return MissingDataTrace(X=X, params=params, mean_log_likelihoods=mean_lls,
                            n_iter=len(mean_lls), converged=converged, lower_bound=lower_bound,
                            tol=tol, reg_covar=reg_covar)
