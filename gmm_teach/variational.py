"""Variational Bayes for Gaussian mixtures, one update per function, every state kept
(notebook 13). The same numbers as scikit-learn's BayesianGaussianMixture.

The model puts priors on the parameters (notebook 13 explains them):
(13.1)  pi ~ Dirichlet(alpha_0, ..., alpha_0)                         "dirichlet_distribution"
(13.2)  v_k ~ Beta(1, alpha_0), pi_k = v_k prod_{j<k} (1 - v_j)      "dirichlet_process"
(13.3)  Lambda_k ~ Wishart(W_0, nu_0), mu_k | Lambda_k ~ N(m_0, (beta_0 Lambda_k)^-1)
and the variational posterior keeps that form. Its updates, from responsibilities r_nk:
(13.4)  N_k = sum_n r_nk, xbar_k = sum_n r_nk x_n / N_k,
        S_k = sum_n r_nk (x_n - xbar_k)(x_n - xbar_k)^T / N_k + reg_covar I
(13.5)  alpha_k = alpha_0 + N_k; stick-breaking: a_k = 1 + N_k, b_k = alpha_0 + sum_{j>k} N_j
(13.6)  beta_k = beta_0 + N_k, m_k = (beta_0 m_0 + N_k xbar_k) / beta_k
(13.7)  nu_k = nu_0 + N_k,
        W_k^-1 = W_0^-1 + N_k S_k + (beta_0 N_k / beta_k)(xbar_k - m_0)(xbar_k - m_0)^T
and the variational E-step, with psi the digamma function:
(13.8)  E[log pi_k] = psi(alpha_k) - psi(sum_j alpha_j), or for stick-breaking
        psi(a_k) - psi(a_k + b_k) + sum_{j<k} [psi(b_j) - psi(a_j + b_j)]
(13.9)  E[log |Lambda_k|] = sum_{i=1}^d psi((nu_k + 1 - i) / 2) + d log 2 + log |W_k|
(13.10) E[(x_n - mu_k)^T Lambda_k (x_n - mu_k)] = d / beta_k + nu_k (x_n - m_k)^T W_k (x_n - m_k)
(13.11) log rho_nk = E[log pi_k] + E[log |Lambda_k|] / 2 - (d/2) log 2 pi - (13.10) / 2,
        r_nk = rho_nk / sum_j rho_nk
(13.12) E[pi_k] = alpha_k / sum_j alpha_j, or a_k/(a_k + b_k) prod_{j<k} b_j/(a_j + b_j)
        (normalised): scikit-learn's weights_.
(13.13) the evidence lower bound, as scikit-learn computes it (constants dropped):
        - sum_nk r_nk log r_nk - sum_k log B(W_k, nu_k) - log C(alpha) - (d/2) sum_k log beta_k
The "covariances" reported are W_k^-1 / nu_k, the inverse of E[Lambda_k] (scikit-learn's
covariances_). The loop is scikit-learn's: start from its responsibilities (k-means for the
same random_state), then M-step (13.4)-(13.7), E-step (13.8)-(13.11), bound (13.13), until the
bound changes by less than tol (in total, not per sample, as in scikit-learn).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy.special import betaln, digamma, gammaln

from ._checks import (
    as_float_array,
    as_samples,
    check_choice,
    check_finite,
    check_n_components,
    check_nonnegative_number,
    check_whole_number,
)
from .em import EPS, INIT_METHODS, _initial_responsibilities, _log_gaussian_prob
from .params import COVARIANCE_TYPES, GMMParams

__all__ = [
    "PRIOR_TYPES",
    "VariationalPriors",
    "VariationalState",
    "VariationalTrace",
    "variational_priors",
    "gaussian_statistics",
    "estimate_weights",
    "estimate_means",
    "estimate_wishart",
    "variational_m_step",
    "expected_log_weights",
    "expected_log_gaussian",
    "variational_e_step",
    "lower_bound",
    "expected_weights",
    "run_variational",
]

PRIOR_TYPES = ("dirichlet_process", "dirichlet_distribution")


# ----------------------------------------------------------------------------- priors
@dataclass(frozen=True, eq=False)
class VariationalPriors:
    """The hyperparameters of (13.1)-(13.3), with scikit-learn's defaults filled in.

    weight_concentration_prior_type: "dirichlet_process" (13.2) or "dirichlet_distribution"
    (13.1). weight_concentration: alpha_0 (default 1/K). mean_precision: beta_0 (default 1).
    mean: m_0 (d,) (default the data mean). degrees_of_freedom: nu_0 (default d).
    covariance: W_0^-1 as a (d, d) matrix (default the data covariance, np.cov; for "diag"
    its diagonal, for "spherical" the mean variance times I). covariance_type as in GMMParams.
    """

    weight_concentration_prior_type: str
    weight_concentration: float
    mean_precision: float
    mean: np.ndarray
    degrees_of_freedom: float
    covariance: np.ndarray
    covariance_type: str


def _positive_or_none(value, name: str):
    if value is None:
        return None
    return check_nonnegative_number(value, name, strictly_positive=True)


def variational_priors(X, n_components: int, *,
                       weight_concentration_prior_type: str = "dirichlet_process",
                       weight_concentration_prior=None, mean_precision_prior=None,
                       mean_prior=None, degrees_of_freedom_prior=None, covariance_prior=None,
                       covariance_type: str = "full") -> VariationalPriors:
    """The priors of (13.1)-(13.3) for data X (N, d), validated, defaults as scikit-learn's
    BayesianGaussianMixture (which names them the same way). Returns VariationalPriors."""
    X = as_samples(X, min_samples=2)
    K = check_n_components(n_components, X.shape[0])
    d = X.shape[1]
    check_choice(weight_concentration_prior_type, "weight_concentration_prior_type",
                 PRIOR_TYPES)
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    alpha = _positive_or_none(weight_concentration_prior, "weight_concentration_prior")
    beta = _positive_or_none(mean_precision_prior, "mean_precision_prior")
    if mean_prior is None:
        mean = X.mean(axis=0)
    else:
        mean = as_float_array(mean_prior, "mean_prior").reshape(-1)
        check_finite(mean, "mean_prior")
        if mean.shape != (d,):
            raise ValueError(f"mean_prior must have shape (d,) = ({d},), one number per "
                             f"feature of X, got {np.shape(mean_prior)}.")
    if degrees_of_freedom_prior is None:
        nu = float(d)
    else:
        nu = check_nonnegative_number(degrees_of_freedom_prior, "degrees_of_freedom_prior")
        if nu <= d - 1:
            raise ValueError(f"degrees_of_freedom_prior must be greater than d - 1 = {d - 1} "
                             f"for a Wishart prior on {d}x{d} precisions, got {nu}.")
    covariance = _covariance_prior(X, covariance_prior, covariance_type)
    return VariationalPriors(weight_concentration_prior_type,
                             1.0 / K if alpha is None else alpha, 1.0 if beta is None else beta,
                             mean, nu, covariance, covariance_type)


def _covariance_prior(X: np.ndarray, covariance_prior, covariance_type: str) -> np.ndarray:
    """W_0^-1 as a (d, d) matrix: scikit-learn's default, or the caller's, checked."""
    d = X.shape[1]
    if covariance_prior is None:
        if covariance_type in ("full", "tied"):
            return np.atleast_2d(np.cov(X.T))
        variances = np.var(X, axis=0, ddof=1)
        if covariance_type == "spherical":
            variances = np.full(d, variances.mean())
        return np.diag(variances)
    if covariance_type == "spherical":
        value = check_nonnegative_number(covariance_prior, "covariance_prior",
                                         strictly_positive=True)
        return value * np.eye(d)
    prior = as_float_array(covariance_prior, "covariance_prior")
    check_finite(prior, "covariance_prior")
    if covariance_type == "diag":
        if prior.shape != (d,) or np.any(prior <= 0):
            raise ValueError(f"covariance_prior for covariance_type='diag' must be {d} "
                             f"positive variances, shape ({d},), got {prior.tolist()}.")
        return np.diag(prior)
    if prior.shape != (d, d):
        raise ValueError(f"covariance_prior must be a ({d}, {d}) matrix for "
                         f"covariance_type={covariance_type!r}, got shape {prior.shape}.")
    GMMParams([1.0], np.zeros((1, d)), prior[np.newaxis])  # symmetric positive definite?
    return prior.copy()


# ----------------------------------------------------------------------------- the state
@dataclass(frozen=True, eq=False)
class VariationalState:
    """The variational posterior after one M-step, (13.5)-(13.7), and what it implies.

    weight_concentration: (K,) alpha_k, or (2, K) rows a_k, b_k for stick-breaking.
    mean_precision: (K,) beta_k. degrees_of_freedom: (K,) nu_k (all equal for "tied").
    params: a GMMParams with weights E[pi_k] (13.12), means m_k and covariances W_k^-1 / nu_k:
    scikit-learn's weights_, means_, covariances_. weights / means / covariances are
    shortcuts to those arrays.
    """

    weight_concentration: np.ndarray
    mean_precision: np.ndarray
    degrees_of_freedom: np.ndarray
    params: GMMParams

    @property
    def weights(self) -> np.ndarray:
        """E[pi_k], (K,), eq. (13.12)."""
        return self.params.weights

    @property
    def means(self) -> np.ndarray:
        """m_k, (K, d), eq. (13.6)."""
        return self.params.means

    @property
    def covariances(self) -> np.ndarray:
        """W_k^-1 / nu_k, (K, d, d), eq. (13.7)."""
        return self.params.covariances


# ----------------------------------------------------------------------------- checks
def _check_priors(priors) -> VariationalPriors:
    if not isinstance(priors, VariationalPriors):
        raise TypeError(f"priors must be a VariationalPriors, got {type(priors).__name__}. "
                        "Build one with variational_priors(X, n_components).")
    return priors


def _check_state(state, n_features: int | None = None) -> VariationalState:
    if not isinstance(state, VariationalState):
        raise TypeError(f"state must be a VariationalState (e.g. trace.states[i]), got "
                        f"{type(state).__name__}.")
    if n_features is not None and state.means.shape[1] != n_features:
        raise ValueError(f"state describes {state.means.shape[1]}-dimensional components but "
                         f"X has {n_features} feature(s). Pass the X the state was fitted to.")
    return state


def _array(value, name: str, shape: tuple, *, minimum: float | None = None) -> np.ndarray:
    """value as a finite float array of the given shape (None: any length), >= minimum."""
    array = as_float_array(value, name)
    check_finite(array, name)
    if array.ndim != len(shape) or any(n is not None and n != m
                                       for n, m in zip(shape, array.shape, strict=True)):
        wanted = "(" + ", ".join("K" if n is None else str(n) for n in shape) + ")"
        raise ValueError(f"{name} must have shape {wanted}, got {array.shape}.")
    if minimum is not None and np.any(array < minimum):
        raise ValueError(f"{name} must be >= {minimum:g} everywhere, got a minimum of "
                         f"{array.min():.3g}.")
    return array


def _check_concentration(concentration, prior_type: str) -> np.ndarray:
    check_choice(prior_type, "prior_type", PRIOR_TYPES)
    shape = (2, None) if prior_type == "dirichlet_process" else (None,)
    array = _array(concentration, "concentration", shape)
    if np.any(array <= 0):
        raise ValueError("concentration must be positive (alpha_k, or a_k and b_k, from "
                         "estimate_weights).")
    return array


def _check_statistics(nk, xk, priors: VariationalPriors):
    nk = _array(nk, "nk", (None,), minimum=0.0)
    xk = _array(xk, "xk", (len(nk), priors.mean.shape[0]))
    return nk, xk


def _check_resp(resp, n: int, name: str = "resp") -> np.ndarray:
    resp = _array(resp, name, (n, None))
    if resp.shape[1] < 1:
        raise ValueError(f"{name} must have at least one column (component).")
    return resp


# ----------------------------------------------------------------------------- M-step
def gaussian_statistics(X: np.ndarray, resp: np.ndarray, reg_covar: float,
                        covariance_type: str):
    """N_k (K,), xbar_k (K, d) and S_k (K, d, d) of eq. (13.4), with scikit-learn's 10 eps
    in N_k and reg_covar on S_k's diagonal; S_k pooled ("tied"), diagonal ("diag") or a
    multiple of I ("spherical") as covariance_type says. X (N, d), resp (N, K)."""
    X = as_samples(X)
    resp = _check_resp(resp, X.shape[0])
    if np.any(resp < 0):
        raise ValueError("resp must hold non-negative responsibilities (as the E-step gives).")
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    return _gaussian_statistics(X, resp, reg_covar, covariance_type)


def _gaussian_statistics(X: np.ndarray, resp: np.ndarray, reg_covar: float,
                         covariance_type: str):
    """gaussian_statistics for checked arguments (the loop's own calls)."""
    n, d = X.shape
    nk = resp.sum(axis=0) + 10 * EPS
    xk = (resp.T @ X) / nk[:, np.newaxis]
    if covariance_type == "full":
        sk = np.empty((resp.shape[1], d, d))
        for k in range(resp.shape[1]):
            diff = X - xk[k]
            sk[k] = (resp[:, k] * diff.T) @ diff / nk[k]
    elif covariance_type == "tied":
        tied = (X.T @ X - (nk * xk.T) @ xk) / nk.sum()
        sk = np.broadcast_to(tied, (resp.shape[1], d, d)).copy()
    else:
        variances = (resp.T @ (X * X)) / nk[:, np.newaxis] - xk**2
        if covariance_type == "spherical":
            variances = np.repeat(variances.mean(axis=1, keepdims=True), d, axis=1)
        sk = variances[:, :, np.newaxis] * np.eye(d)
    return nk, xk, sk + reg_covar * np.eye(d)


def estimate_weights(nk: np.ndarray, priors: VariationalPriors) -> np.ndarray:
    """The weights' posterior, eq. (13.5): alpha_0 + N_k (K,) for the Dirichlet
    distribution; for stick-breaking (2, K): a_k = 1 + N_k, b_k = alpha_0 + sum_{j>k} N_j."""
    return _estimate_weights(_array(nk, "nk", (None,), minimum=0.0), _check_priors(priors))


def _estimate_weights(nk: np.ndarray, priors: VariationalPriors) -> np.ndarray:
    alpha0 = priors.weight_concentration
    if priors.weight_concentration_prior_type == "dirichlet_process":
        later = np.hstack((np.cumsum(nk[::-1])[-2::-1], 0))  # sum_{j>k} N_j
        return np.vstack((1.0 + nk, alpha0 + later))
    return alpha0 + nk


def estimate_means(nk: np.ndarray, xk: np.ndarray, priors: VariationalPriors):
    """beta_k (K,) and m_k (K, d), eq. (13.6), from N_k (K,) and xbar_k (K, d)."""
    nk, xk = _check_statistics(nk, xk, _check_priors(priors))
    return _estimate_means(nk, xk, priors)


def _estimate_means(nk: np.ndarray, xk: np.ndarray, priors: VariationalPriors):
    beta = priors.mean_precision + nk
    means = (priors.mean_precision * priors.mean + nk[:, np.newaxis] * xk) / beta[:, np.newaxis]
    return beta, means


def estimate_wishart(nk: np.ndarray, xk: np.ndarray, sk: np.ndarray, beta: np.ndarray,
                     priors: VariationalPriors):
    """nu_k (K,) and W_k^-1 / nu_k (K, d, d), eq. (13.7).

    "tied" shares one Wishart: nu = nu_0 + N/K and the average of the K terms of (13.7)
    (scikit-learn's form). "diag" and "spherical" keep only the diagonal, or its mean.
    nk (K,), xk (K, d), sk (K, d, d), beta (K,) as gaussian_statistics / estimate_means."""
    nk, xk = _check_statistics(nk, xk, _check_priors(priors))
    sk = _array(sk, "sk", (len(nk), xk.shape[1], xk.shape[1]))
    beta = _array(beta, "beta", (len(nk),))
    return _estimate_wishart(nk, xk, sk, beta, priors)


def _estimate_wishart(nk, xk, sk, beta, priors: VariationalPriors):
    K, d = xk.shape
    diff = xk - priors.mean                                    # xbar_k - m_0, (K, d)
    shrink = priors.mean_precision * nk / beta                 # beta_0 N_k / beta_k
    if priors.covariance_type == "tied":
        nu = np.full(K, priors.degrees_of_freedom + nk.sum() / K)
        scatter = (priors.covariance + sk[0] * nk.sum() / K
                   + (shrink * diff.T) @ diff / K)
        return nu, np.broadcast_to(scatter / nu[0], (K, d, d)).copy()
    nu = priors.degrees_of_freedom + nk
    outer = np.einsum("ki,kj->kij", diff, diff)
    if priors.covariance_type == "diag":
        outer = np.diagonal(outer, axis1=1, axis2=2)[:, :, np.newaxis] * np.eye(d)
    elif priors.covariance_type == "spherical":
        outer = np.mean(diff**2, axis=1)[:, np.newaxis, np.newaxis] * np.eye(d)
    scatter = (priors.covariance + nk[:, np.newaxis, np.newaxis] * sk
               + shrink[:, np.newaxis, np.newaxis] * outer)
    return nu, scatter / nu[:, np.newaxis, np.newaxis]


def expected_weights(concentration: np.ndarray, prior_type: str) -> np.ndarray:
    """E[pi_k], eq. (13.12), normalised to sum to 1 as scikit-learn does, from the
    concentration (K,) or (2, K) of estimate_weights. Returns (K,)."""
    return _expected_weights(_check_concentration(concentration, prior_type), prior_type)


def _expected_weights(concentration: np.ndarray, prior_type: str) -> np.ndarray:
    if prior_type == "dirichlet_process":
        a, b = concentration
        weights = a / (a + b) * np.hstack((1, np.cumprod(b / (a + b))[:-1]))
        return weights / weights.sum()
    return concentration / concentration.sum()


def variational_m_step(X: np.ndarray, resp: np.ndarray, priors: VariationalPriors,
                       reg_covar: float) -> VariationalState:
    """Eqs. (13.4)-(13.7) and (13.12): the posterior for fixed responsibilities (N, K).
    X (N, d); returns a VariationalState."""
    priors = _check_priors(priors)
    X = as_samples(X)
    resp = _check_resp(resp, X.shape[0])
    if np.any(resp < 0):
        raise ValueError("resp must hold non-negative responsibilities (as the E-step gives).")
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    return _variational_m_step(X, resp, priors, reg_covar)


def _variational_m_step(X: np.ndarray, resp: np.ndarray, priors: VariationalPriors,
                        reg_covar: float) -> VariationalState:
    """variational_m_step for checked arguments (the loop's own calls)."""
    nk, xk, sk = _gaussian_statistics(X, resp, reg_covar, priors.covariance_type)
    concentration = _estimate_weights(nk, priors)
    beta, means = _estimate_means(nk, xk, priors)
    nu, covariances = _estimate_wishart(nk, xk, sk, beta, priors)
    covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
    params = GMMParams._from_m_step(
        _expected_weights(concentration, priors.weight_concentration_prior_type), means,
        covariances, priors.covariance_type)
    return VariationalState(concentration, beta, nu, params)


# ----------------------------------------------------------------------------- E-step
def expected_log_weights(concentration: np.ndarray, prior_type: str) -> np.ndarray:
    """E[log pi_k] under the weights' posterior, eq. (13.8), from the concentration (K,) or
    (2, K) of estimate_weights. Returns (K,)."""
    return _expected_log_weights(_check_concentration(concentration, prior_type), prior_type)


def _expected_log_weights(concentration: np.ndarray, prior_type: str) -> np.ndarray:
    if prior_type == "dirichlet_process":
        a, b = concentration
        digamma_sum = digamma(a + b)
        earlier = np.hstack((0, np.cumsum(digamma(b) - digamma_sum)[:-1]))  # sum_{j<k}
        return digamma(a) - digamma_sum + earlier
    return digamma(concentration) - digamma(concentration.sum())


def expected_log_gaussian(X: np.ndarray, state: VariationalState) -> np.ndarray:
    """E[log N(x_n | mu_k, Lambda_k^-1)] = (13.9) / 2 - (d/2) log 2 pi - (13.10) / 2, (N, K).

    state.params holds W_k^-1 / nu_k, so its Gaussian log-density (2.2) is
    -(d/2) log 2 pi + (1/2) log |nu_k W_k| - (nu_k/2) (x - m_k)^T W_k (x - m_k).
    X: (N, d) or (N,)."""
    X = as_samples(X)
    return _expected_log_gaussian(X, _check_state(state, X.shape[1]))


def _expected_log_gaussian(X: np.ndarray, state: VariationalState) -> np.ndarray:
    d = X.shape[1]
    nu = state.degrees_of_freedom
    log_gauss = _log_gaussian_prob(X, state.params) - 0.5 * d * np.log(nu)
    e_log_det = d * np.log(2.0) + digamma(0.5 * (nu - np.arange(d)[:, np.newaxis])).sum(axis=0)
    return log_gauss + 0.5 * (e_log_det - d / state.mean_precision)


def variational_e_step(X: np.ndarray, state: VariationalState, prior_type: str):
    """log r_nk (N, K) and log sum_k rho_nk (N,), eqs. (13.8)-(13.11). X: (N, d) or (N,)."""
    X = as_samples(X)
    state = _check_state(state, X.shape[1])
    _check_concentration(state.weight_concentration, prior_type)
    return _variational_e_step(X, state, prior_type)


def _variational_e_step(X: np.ndarray, state: VariationalState, prior_type: str):
    log_rho = _expected_log_gaussian(X, state) + _expected_log_weights(
        state.weight_concentration, prior_type)
    log_norm = _log_sum_exp_rows(log_rho)
    with np.errstate(under="ignore"):
        return log_rho - log_norm[:, np.newaxis], log_norm


def _log_sum_exp_rows(a: np.ndarray) -> np.ndarray:
    """log sum_k exp a_nk per row, (N,), shifted by the row's maximum (scipy's logsumexp
    along axis 1, without its per-call overhead: it runs once per iteration)."""
    shift = a.max(axis=1)
    shift[~np.isfinite(shift)] = 0.0
    with np.errstate(under="ignore", divide="ignore"):
        return np.log(np.exp(a - shift[:, np.newaxis]).sum(axis=1)) + shift


def _log_wishart_norm(nu: np.ndarray, log_det_w_half: np.ndarray, d: int) -> np.ndarray:
    """log B(W, nu) of the Wishart, without the pi term (as scikit-learn), (K,);
    log_det_w_half is (1/2) log |W_k|."""
    return -(nu * log_det_w_half + nu * d * 0.5 * np.log(2.0)
             + gammaln(0.5 * (nu - np.arange(d)[:, np.newaxis])).sum(axis=0))


def lower_bound(state: VariationalState, log_resp: np.ndarray, priors: VariationalPriors
                ) -> float:
    """The evidence lower bound, eq. (13.13), as scikit-learn's _compute_lower_bound:
    responsibilities log r_nk (N, K) from the E-step and the posterior after the M-step."""
    state, priors = _check_state(state), _check_priors(priors)
    log_resp = as_float_array(log_resp, "log_resp")
    if log_resp.ndim != 2 or log_resp.shape[1] != len(state.weights) or np.any(log_resp > 0):
        raise ValueError(f"log_resp must be log-responsibilities (N, K) with K = "
                         f"{len(state.weights)}, all <= 0, as variational_e_step returns.")
    return _lower_bound(state, log_resp, priors)


def _lower_bound(state: VariationalState, log_resp: np.ndarray, priors: VariationalPriors
                 ) -> float:
    d = state.means.shape[1]
    nu = state.degrees_of_freedom
    log_det_w_half = (state.params.log_det_precisions_cholesky - 0.5 * d * np.log(nu))
    log_wishart = np.sum(_log_wishart_norm(nu, log_det_w_half, d))
    if priors.weight_concentration_prior_type == "dirichlet_process":
        log_norm_weight = -np.sum(betaln(*state.weight_concentration))
    else:
        alpha = state.weight_concentration
        log_norm_weight = gammaln(alpha.sum()) - gammaln(alpha).sum()
    entropy = -np.sum(np.exp(log_resp) * log_resp)
    return float(entropy - log_wishart - log_norm_weight
                 - 0.5 * d * np.sum(np.log(state.mean_precision)))


# ----------------------------------------------------------------------------- the loop
@dataclass(frozen=True, eq=False)
class VariationalTrace:
    """Everything run_variational computed, as data.

    states: states[0] from the start's responsibilities, states[i] after the M-step of
        iteration i (n_iter + 1 of them).
    lower_bounds: (n_iter,), eq. (13.13) after iteration i (scikit-learn's lower_bounds_).
    n_iter, converged, lower_bound (the last bound, -inf for max_iter=0): scikit-learn's
        n_iter_, converged_, lower_bound_.
    priors: the VariationalPriors used. X: the validated data.
    """

    X: np.ndarray = field(repr=False)
    priors: VariationalPriors
    states: tuple[VariationalState, ...]
    lower_bounds: np.ndarray
    n_iter: int
    converged: bool
    lower_bound: float

    @property
    def final(self) -> VariationalState:
        """states[-1]: .weights, .means, .covariances are scikit-learn's weights_, means_,
        covariances_ (in full (K, d, d) form)."""
        return self.states[-1]

    def responsibilities(self, i: int) -> np.ndarray:
        """r_nk (N, K) computed from states[i] by the E-step (13.8)-(13.11)."""
        n = len(self.states)
        i = check_whole_number(i, "i", minimum=-n)
        if i >= n:
            raise IndexError(f"this trace has states[0] .. states[{n - 1}]; got i={i}.")
        log_resp, _ = variational_e_step(self.X, self.states[i],
                                         self.priors.weight_concentration_prior_type)
        return np.exp(log_resp)


def run_variational(X, n_components: int, *,
                    weight_concentration_prior_type: str = "dirichlet_process",
                    weight_concentration_prior=None, mean_precision_prior=None,
                    mean_prior=None, degrees_of_freedom_prior=None, covariance_prior=None,
                    covariance_type: str = "full", tol: float = 1e-3, reg_covar: float = 1e-6,
                    max_iter: int = 100, init_params: str = "kmeans",
                    random_state=None) -> VariationalTrace:
    """Variational inference for a Bayesian Gaussian mixture, eqs. (13.1)-(13.13).

    Arguments and defaults are scikit-learn's BayesianGaussianMixture's (n_init=1): for the
    same arguments and integer random_state the trace's n_iter, converged, lower_bound and
    lower_bounds, and trace.final's weights, means and covariances, are its n_iter_,
    converged_, lower_bound_, lower_bounds_, weights_, means_ and covariances_.
    X: (N, d) or (N,) with N >= 2. Returns a VariationalTrace.
    """
    start = _start(X, n_components, weight_concentration_prior_type=weight_concentration_prior_type,
                   weight_concentration_prior=weight_concentration_prior,
                   mean_precision_prior=mean_precision_prior, mean_prior=mean_prior,
                   degrees_of_freedom_prior=degrees_of_freedom_prior,
                   covariance_prior=covariance_prior, covariance_type=covariance_type, tol=tol,
                   reg_covar=reg_covar, max_iter=max_iter, init_params=init_params,
                   random_state=random_state)
    X, priors, reg_covar = start.X, start.priors, start.reg_covar
    states = [start.state]
    bounds: list[float] = []
    bound, converged = -np.inf, False
    for _ in range(start.max_iter):
        previous = bound
        # the private steps: every argument was checked above or is the loop's own result
        log_resp, _ = _variational_e_step(X, states[-1], priors.weight_concentration_prior_type)
        states.append(_variational_m_step(X, np.exp(log_resp), priors, reg_covar))
        bound = _lower_bound(states[-1], log_resp, priors)
        bounds.append(bound)
        if abs(bound - previous) < start.tol:
            converged = True
            break
    return VariationalTrace(X, priors, tuple(states), np.array(bounds), len(bounds),
                            converged, bound)


class _Start(NamedTuple):
    """run_variational's checked arguments and its states[0] (gmm_teach._variational_batch
    starts from these too)."""

    X: np.ndarray
    priors: VariationalPriors
    tol: float
    reg_covar: float
    max_iter: int
    state: VariationalState


def _start(X, n_components: int, *, tol, reg_covar, max_iter, init_params, random_state,
           **prior_options) -> _Start:
    """Check run_variational's arguments, draw the start's responsibilities and make
    states[0] by the M-step (13.4)-(13.7)."""
    X = as_samples(X, min_samples=2)
    priors = variational_priors(X, n_components, **prior_options)
    tol = check_nonnegative_number(tol, "tol")
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    max_iter = check_whole_number(max_iter, "max_iter")
    check_choice(init_params, "init_params", INIT_METHODS)
    resp = _initial_responsibilities(X, n_components, init_params, random_state)
    return _Start(X, priors, tol, reg_covar, max_iter,
                  _variational_m_step(X, resp, priors, reg_covar))
