"""run_variational for several weight concentrations alpha_0 at once: the same numbers.

Notebook 13 fits the iris data with 7 values of alpha_0 for each prior type. One iteration
(13.4)-(13.13) on 150 points is some hundred numpy calls on arrays of a few hundred numbers,
so call overhead sets the pace. run_variational_batch stacks the R fits along a leading
axis, like gmm_teach._em_batch does for EM, and runs them in lock-step, each fit leaving the
stack when its bound stops changing. Every operation is run_variational's on a slice laid
out as run_variational lays out its array (the same BLAS call per slice, the same order of
every sum, LAPACK's Cholesky), so the traces are run_variational's to the last bit
(tests/test_variational_batch.py compares every array). Only covariance_type "full" with
priors that differ in alpha_0 alone is batched; anything else runs one fit at a time.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, gammaln

from ._em_batch import _inverse_transposed, _Unusual
from .density import LOG_2PI
from .em import EPS
from .params import GMMParams
from .variational import (
    VariationalState,
    VariationalTrace,
    _Start,
    _start,
    run_variational,
)

__all__ = ["run_variational_batch"]


def run_variational_batch(X, n_components: int, concentrations: list[float], **options
                          ) -> list[VariationalTrace]:
    """[run_variational(X, n_components, weight_concentration_prior=a, **options) for a in
    concentrations], computed together. Returns the traces in that order."""
    starts = [_start(X, n_components, weight_concentration_prior=a,
                     **{**_DEFAULTS, **options}) for a in concentrations]
    first = starts[0]
    same = all(s.priors.covariance_type == "full"
               and s.priors.weight_concentration_prior_type
               == first.priors.weight_concentration_prior_type
               and s.priors.mean_precision == first.priors.mean_precision
               and s.priors.degrees_of_freedom == first.priors.degrees_of_freedom
               and np.array_equal(s.priors.mean, first.priors.mean)
               and np.array_equal(s.priors.covariance, first.priors.covariance)
               and (s.tol, s.reg_covar, s.max_iter) == (first.tol, first.reg_covar,
                                                       first.max_iter) for s in starts)
    if same:
        try:
            with np.errstate(over="ignore", divide="ignore", under="ignore"):
                return _run_together(starts)
        except _Unusual:
            pass
    return [run_variational(X, n_components, weight_concentration_prior=a, **options)
            for a in concentrations]


_DEFAULTS = {"weight_concentration_prior_type": "dirichlet_process",
             "mean_precision_prior": None, "mean_prior": None,
             "degrees_of_freedom_prior": None, "covariance_prior": None,
             "covariance_type": "full", "tol": 1e-3, "reg_covar": 1e-6, "max_iter": 100,
             "init_params": "kmeans", "random_state": None}


class _Stacked:
    """The states of the R fits still running: concentration (R, K) or (R, 2, K), beta,
    nu (R, K), params' arrays (R, K, ...), and alpha_0 (R, 1)."""

    def __init__(self, concentration, beta, nu, weights, means, covariances,
                 precisions_cholesky, log_det):
        self.concentration, self.beta, self.nu = concentration, beta, nu
        self.params = (weights, means, covariances, precisions_cholesky, log_det)

    def take(self, keep: np.ndarray) -> _Stacked:
        return _Stacked(self.concentration[keep], self.beta[keep], self.nu[keep],
                        *(array[keep] for array in self.params))

    def states(self) -> list[VariationalState]:
        """One VariationalState per fit, its arrays read-only views (no copies)."""
        arrays = (self.concentration, self.beta, self.nu, *self.params)
        for array in arrays:
            array.flags.writeable = False
        made = []
        for c, b, n, w, m, cov, p, ld in zip(*arrays, strict=True):
            params = object.__new__(GMMParams)
            params.__dict__.update(weights=w, means=m, covariances=cov, precisions_cholesky=p,
                                   log_det_precisions_cholesky=ld, covariance_type="full")
            state = object.__new__(VariationalState)
            state.__dict__.update(weight_concentration=c, mean_precision=b,
                                  degrees_of_freedom=n, params=params)
            made.append(state)
        return made


def _stack_states(states: list[VariationalState]) -> _Stacked:
    return _Stacked(*(np.stack([getattr(s, name) for s in states])
                      for name in ("weight_concentration", "mean_precision",
                                   "degrees_of_freedom")),
                    *(np.stack([getattr(s.params, name) for s in states])
                      for name in ("weights", "means", "covariances", "precisions_cholesky",
                                   "log_det_precisions_cholesky")))


def _e_step(X: np.ndarray, stacked: _Stacked, prior_type: str) -> np.ndarray:
    """log r_nk (R, K, N) (run_variational's (N, K), transposed), eqs. (13.8)-(13.11)."""
    d = X.shape[1]
    weights, means, _, precisions_cholesky, log_det = stacked.params
    P_T = precisions_cholesky.transpose(0, 1, 3, 2)
    z = P_T @ X.T - (P_T @ means[..., np.newaxis])
    squared_distance = np.einsum("rkin,rkin->rkn", z, z)
    log_gauss = -0.5 * (d * LOG_2PI + squared_distance) + log_det[..., np.newaxis]
    nu = stacked.nu
    log_gauss = log_gauss - (0.5 * d * np.log(nu))[..., np.newaxis]
    e_log_det = d * np.log(2.0) + digamma(0.5 * (nu[:, np.newaxis, :]
                                                 - np.arange(d)[:, np.newaxis])).sum(axis=1)
    log_rho = log_gauss + (0.5 * (e_log_det - d / stacked.beta))[..., np.newaxis]
    log_rho = log_rho + _expected_log_weights(stacked.concentration, prior_type)[..., np.newaxis]
    shift = log_rho.max(axis=1)                                   # (R, N)
    shift[~np.isfinite(shift)] = 0.0
    log_norm = np.log(np.exp(log_rho - shift[:, np.newaxis]).sum(axis=1)) + shift
    return log_rho - log_norm[:, np.newaxis]


def _expected_log_weights(concentration: np.ndarray, prior_type: str) -> np.ndarray:
    if prior_type == "dirichlet_process":
        a, b = concentration[:, 0], concentration[:, 1]
        digamma_sum = digamma(a + b)
        earlier = np.cumsum(digamma(b) - digamma_sum, axis=1)[:, :-1]
        earlier = np.concatenate([np.zeros((len(a), 1)), earlier], axis=1)
        return digamma(a) - digamma_sum + earlier
    return digamma(concentration) - digamma(concentration.sum(axis=1, keepdims=True))


def _m_step(X: np.ndarray, resp: np.ndarray, start: _Start, alpha0: np.ndarray) -> _Stacked:
    """Eqs. (13.4)-(13.7), (13.12) for R fits; resp (R, K, N); alpha0 (R, 1)."""
    priors, reg_covar = start.priors, start.reg_covar
    R, K, n = resp.shape
    d = X.shape[1]
    nk = resp.sum(axis=2) + 10 * EPS                                       # (13.4)
    xk = (resp @ X) / nk[..., np.newaxis]
    diff = X - xk[:, :, np.newaxis, :]                                     # (R, K, N, d)
    weighted = np.empty((R, K, n, d)).swapaxes(-1, -2)   # (R, K, d, N), Fortran-order slices
    np.multiply(resp[:, :, np.newaxis, :], diff.swapaxes(-1, -2), out=weighted)
    sk = (weighted @ diff) / nk[..., np.newaxis, np.newaxis] + reg_covar * np.eye(d)
    if priors.weight_concentration_prior_type == "dirichlet_process":         # (13.5)
        later = np.concatenate([np.cumsum(nk[:, ::-1], axis=1)[:, -2::-1],
                                np.zeros((R, 1))], axis=1)
        concentration = np.stack([1.0 + nk, alpha0 + later], axis=1)
    else:
        concentration = alpha0 + nk
    beta = priors.mean_precision + nk                                      # (13.6)
    means = (priors.mean_precision * priors.mean + nk[..., np.newaxis] * xk) \
        / beta[..., np.newaxis]
    d_mean = xk - priors.mean                                              # (13.7)
    shrink = priors.mean_precision * nk / beta
    nu = priors.degrees_of_freedom + nk
    outer = np.einsum("rki,rkj->rkij", d_mean, d_mean)
    scatter = (priors.covariance + nk[..., np.newaxis, np.newaxis] * sk
               + shrink[..., np.newaxis, np.newaxis] * outer)
    covariances = scatter / nu[..., np.newaxis, np.newaxis]
    covariances = 0.5 * (covariances + covariances.transpose(0, 1, 3, 2))
    weights = _expected_weights(concentration, priors.weight_concentration_prior_type)
    if not np.isfinite(covariances).all():
        raise _Unusual
    try:
        L = np.linalg.cholesky(covariances)
    except np.linalg.LinAlgError:
        raise _Unusual from None
    precisions_cholesky = _inverse_transposed(L)
    log_det = np.log(np.diagonal(precisions_cholesky, axis1=2, axis2=3)).sum(axis=2)
    return _Stacked(concentration, beta, nu, weights, means, covariances, precisions_cholesky,
                    log_det)


def _expected_weights(concentration: np.ndarray, prior_type: str) -> np.ndarray:
    if prior_type == "dirichlet_process":                                  # (13.12)
        a, b = concentration[:, 0], concentration[:, 1]
        earlier = np.cumprod(b / (a + b), axis=1)[:, :-1]
        weights = a / (a + b) * np.concatenate([np.ones((len(a), 1)), earlier], axis=1)
        return weights / weights.sum(axis=1, keepdims=True)
    return concentration / concentration.sum(axis=1, keepdims=True)


def _lower_bound(stacked: _Stacked, log_resp: np.ndarray, prior_type: str, d: int
                 ) -> np.ndarray:
    """Eq. (13.13) for R fits, (R,)."""
    nu = stacked.nu
    log_det_w_half = stacked.params[4] - 0.5 * d * np.log(nu)
    log_wishart = np.sum(-(nu * log_det_w_half + nu * d * 0.5 * np.log(2.0)
                           + gammaln(0.5 * (nu[:, np.newaxis, :]
                                            - np.arange(d)[:, np.newaxis])).sum(axis=1)),
                         axis=1)
    if prior_type == "dirichlet_process":
        log_norm_weight = -np.sum(betaln(stacked.concentration[:, 0],
                                         stacked.concentration[:, 1]), axis=1)
    else:
        alpha = stacked.concentration
        log_norm_weight = gammaln(alpha.sum(axis=1)) - gammaln(alpha).sum(axis=1)
    entropy = -np.sum(np.exp(log_resp) * log_resp, axis=(1, 2))
    return (entropy - log_wishart - log_norm_weight
            - 0.5 * d * np.sum(np.log(stacked.beta), axis=1))


def _run_together(starts: list[_Start]) -> list[VariationalTrace]:
    first = starts[0]
    X, prior_type, d = first.X, first.priors.weight_concentration_prior_type, first.X.shape[1]
    R = len(starts)
    alpha0 = np.array([[s.priors.weight_concentration] for s in starts])
    stacked = _stack_states([s.state for s in starts])
    states = [[s.state] for s in starts]
    bounds: list[list[float]] = [[] for _ in range(R)]
    bound = np.full(R, -np.inf)
    converged = np.zeros(R, dtype=bool)
    active = np.arange(R)
    for _ in range(first.max_iter):
        if active.size == 0:
            break
        previous = bound[active]
        log_resp = _e_step(X, stacked, prior_type)
        stacked = _m_step(X, np.exp(log_resp), first, alpha0[active])
        new = _lower_bound(stacked, log_resp, prior_type, d)
        bound[active] = new
        for r, value, state in zip(active.tolist(), new.tolist(), stacked.states(),
                                   strict=True):
            bounds[r].append(value)
            states[r].append(state)
        stopping = np.abs(new - previous) < first.tol
        converged[active[stopping]] = True
        if stopping.any():
            keep = ~stopping
            active = active[keep]
            stacked = stacked.take(keep)
    return [VariationalTrace(s.X, s.priors, tuple(states[r]), np.array(bounds[r]),
                             len(bounds[r]), bool(converged[r]), float(bound[r]))
            for r, s in enumerate(starts)]
