"""Why EM climbs: the evidence lower bound, the posterior KL divergence, and the landscape.

For any responsibilities q (N, K) (rows non-negative, summing to 1) and parameters theta,

    L(q, theta)  = sum_n sum_k q_nk [log pi_k + log N(x_n | mu_k, Sigma_k) - log q_nk]
    KL(q || p)   = sum_n sum_k q_nk [log q_nk - log p(z_n = k | x_n, theta)]

(with 0 log 0 = 0) add up to the total log-likelihood: the decomposition N l = L + KL, with
l(theta) the mean log-likelihood (4.6). KL >= 0 (Gibbs' inequality), so L <= N l for every q;
the E-step (3.2) sets q to the posterior, KL = 0 and the bound touches; the M-step (4.7),
(4.2), (4.8), (4.5) (with reg_covar = 0) maximises L(q, .) for that q, so N l rises at least
as much as L does. Both sums run over the samples (totals, not means).

Also here: the computations behind the pictures of that argument. bound_along_path evaluates
l and L(q_old, .) / N along a path from theta_old to theta_new; log_likelihood_grid and
em_means_path give the landscape l(mu_1, mu_2) of a two-component 1-D mixture and EM's path
on it. Everything is in log space, through the engine's weighted log-densities (gmm_teach.em).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import (
    as_float_array,
    as_samples,
    check_finite,
    check_nonnegative_number,
    check_whole_number,
)
from .density import gaussian_logpdf
from .em import _check_params, _e_step, _weighted_log_prob
from .params import GMMParams

__all__ = [
    "elbo",
    "posterior_kl",
    "HalfStepBound",
    "interpolate_params",
    "bound_along_path",
    "log_likelihood_grid",
    "em_means_path",
]

# Rows of q must sum to 1 this closely: the decomposition N l = L + KL is off by
# sum_n (1 - sum_k q_nk) log p(x_n) otherwise.
ROW_SUM_TOLERANCE = 1e-9
# The path theta(t) is offered for t in this range: 0 is theta_old, 1 theta_new, and a little
# beyond on either side for the picture.
PATH_RANGE = (-1.0, 2.0)


class HalfStepBound(NamedTuple):
    """The decomposition N l = L + KL at one half-step of an EM trace (EMTrace.bound_table).

    A tuple, so a list of them goes straight into print_table.
    """

    iteration: int
    phase: str
    n_log_likelihood: float    # N l(theta), N times eq. (4.6)
    elbo: float                # L(q, theta)
    posterior_kl: float        # KL(q || p(z | x, theta))


# ----------------------------------------------------------------------------- checks
def _check_responsibilities(resp, n_samples: int, n_components: int,
                           name: str = "resp") -> np.ndarray:
    """resp as a float (N, K) array of probabilities, or a ValueError/TypeError naming the fix."""
    resp = as_float_array(resp, name)
    if resp.ndim != 2 or resp.shape != (n_samples, n_components):
        raise ValueError(f"{name} must have shape (N, K) = ({n_samples}, {n_components}): one "
                         "row per sample of X, one column per component of params; got shape "
                         f"{resp.shape}. Responsibilities from e_step(X, params) have it.")
    check_finite(resp, name)
    if np.any(resp < 0):
        where = tuple(int(i) for i in np.argwhere(resp < 0)[0])
        raise ValueError(f"{name} must be non-negative (probabilities), but {name}{list(where)} "
                         f"= {resp[where]:.3g}.")
    deviation = np.abs(resp.sum(axis=1) - 1.0)
    if deviation.max() > ROW_SUM_TOLERANCE:
        row = int(np.argmax(deviation > ROW_SUM_TOLERANCE))     # the first such row
        raise ValueError(f"every row of {name} must sum to 1 (a distribution over the "
                         f"components), but row {row} sums to {resp[row].sum():.12g}. Divide "
                         f"by the row sums: {name} / {name}.sum(axis=1, keepdims=True).")
    return resp


def _checked(X, params, resp):
    X = as_samples(X)
    params = _check_params(params, X)
    resp = _check_responsibilities(resp, X.shape[0], params.n_components)
    return X, params, resp


# ----------------------------------------------------------------------------- the bound
def _bound_terms(X: np.ndarray, params: GMMParams, resp: np.ndarray):
    """(N l, L, KL) for validated arguments, each a float; see the module docstring.

    An entry q_nk equal to the E-step's gamma_nk adds exactly 0 to KL, so q = e_step(X,
    params) gives KL = 0, not a rounding residue. A sample's KL is >= 0 by Gibbs'
    inequality; should rounding leave a q close to the posterior with a sum of about -1e-16,
    that sample's KL is reported as 0.
    """
    a = _weighted_log_prob(X, params)               # log pi_k + log N(x_n | k), (N, K)
    gamma, log_p = _e_step(X, params)               # eq. (3.2), and log p(x_n) (N,), eq. (3.1)
    log_posterior = a - log_p[:, np.newaxis]        # log gamma_nk, without underflow
    used = resp > 0                                 # 0 log 0 = 0: terms with q_nk = 0 vanish
    log_q = np.log(resp, where=used, out=np.zeros_like(resp))
    elbo_terms = np.multiply(resp, a - log_q, where=used, out=np.zeros_like(resp))
    kl_terms = np.multiply(resp, log_q - log_posterior, where=used & (resp != gamma),
                           out=np.zeros_like(resp))
    kl_per_sample = np.maximum(kl_terms.sum(axis=1), 0.0)
    return float(log_p.sum()), float(elbo_terms.sum()), float(kl_per_sample.sum())


def elbo(X, params: GMMParams, resp) -> float:
    """The evidence lower bound L(q, theta) = sum_n sum_k q_nk [log pi_k + log N(x_n | mu_k,
    Sigma_k) - log q_nk], a sum over the samples (0 log 0 = 0).

    X: (N, d) or (N,); params: a GMMParams with K components (any covariance type); resp: the
    (N, K) responsibilities q, non-negative rows summing to 1 (within 1e-9), not necessarily
    the posterior. L <= N l(theta), with equality when resp = e_step(X, params): the
    decomposition N l = L + KL. -inf if q puts mass on a component of weight 0.
    """
    return _bound_terms(*_checked(X, params, resp))[1]


def posterior_kl(X, params: GMMParams, resp) -> float:
    """KL(q || p(z | x, theta)) = sum_n sum_k q_nk [log q_nk - log gamma_nk], a sum over the
    samples, gamma the posterior (3.2) of params.

    Arguments as in elbo. Returns a number >= 0: exactly 0 when resp is e_step(X, params)
    (the E-step makes q the posterior); N l(theta) = elbo + posterior_kl to rounding, the
    decomposition N l = L + KL. +inf if q puts mass where the posterior has none (a component
    of weight 0). Each sample's KL is >= 0 (Gibbs' inequality); a sum that rounding leaves
    at about -1e-16 (q within rounding of the posterior) counts as 0.
    """
    return _bound_terms(*_checked(X, params, resp))[2]


# ----------------------------------------------------------------------------- the path
def _log_diagonal_path(old: np.ndarray, new: np.ndarray, t: float) -> np.ndarray:
    return np.exp((1 - t) * np.log(old) + t * np.log(new))


def _symmetric_function(matrix: np.ndarray, function) -> np.ndarray:
    eigenvalues, V = np.linalg.eigh(matrix)
    result = (V * function(eigenvalues)) @ V.T
    return 0.5 * (result + result.T)


def _covariance_path(old: GMMParams, new: GMMParams, t: float) -> np.ndarray:
    """Log-Euclidean interpolation exp((1 - t) log Sigma_old + t log Sigma_new), (K, d, d)."""
    d = old.n_features
    if old.covariance_type in ("diag", "spherical"):     # stays diagonal exactly
        diagonals = _log_diagonal_path(np.diagonal(old.covariances, axis1=1, axis2=2),
                                       np.diagonal(new.covariances, axis1=1, axis2=2), t)
        return diagonals[:, :, np.newaxis] * np.eye(d)
    matrices = old.covariances[:1] if old.covariance_type == "tied" else old.covariances
    covariances = np.stack([
        _symmetric_function((1 - t) * _symmetric_function(S_old, np.log)
                            + t * _symmetric_function(S_new, np.log), np.exp)
        for S_old, S_new in zip(matrices, new.covariances, strict=False)])
    return np.broadcast_to(covariances, old.covariances.shape).copy()


def _check_path_ends(params_old, params_new) -> tuple[GMMParams, GMMParams]:
    for params, name in ((params_old, "params_old"), (params_new, "params_new")):
        if not isinstance(params, GMMParams):
            raise TypeError(f"{name} must be a GMMParams, got {type(params).__name__}.")
        if np.any(params.weights <= 0):
            raise ValueError(f"{name} has a weight of 0; the path interpolates log-weights, so "
                             "every weight must be > 0 (as every M-step's are).")
    if (params_old.n_components, params_old.n_features, params_old.covariance_type) != (
            params_new.n_components, params_new.n_features, params_new.covariance_type):
        raise ValueError("params_old and params_new must have the same K, d and covariance "
                         f"type; got K={params_old.n_components}, d={params_old.n_features}, "
                         f"{params_old.covariance_type!r} and K={params_new.n_components}, "
                         f"d={params_new.n_features}, {params_new.covariance_type!r}.")
    return params_old, params_new


def _check_t(t, name: str = "t") -> np.ndarray:
    ts = as_float_array(t, name)
    check_finite(ts, name)
    lo, hi = PATH_RANGE
    if ts.size and (ts.min() < lo or ts.max() > hi):
        raise ValueError(f"{name} must lie in [{lo:g}, {hi:g}] (0 is params_old, 1 params_new, "
                         f"a little beyond on either side); got values from {ts.min():g} to "
                         f"{ts.max():g}.")
    return ts


def _interpolate(old: GMMParams, new: GMMParams, t: float) -> GMMParams:
    if t in (0.0, 1.0):                      # the ends themselves, not a rounded copy
        return old if t == 0.0 else new
    logits = (1 - t) * np.log(old.weights) + t * np.log(new.weights)
    weights = np.exp(logits - logits.max())
    return GMMParams(weights / weights.sum(), (1 - t) * old.means + t * new.means,
                     _covariance_path(old, new, t), old.covariance_type)


def interpolate_params(params_old: GMMParams, params_new: GMMParams, t: float) -> GMMParams:
    """theta(t) on a path with theta(0) = params_old and theta(1) = params_new.

    Means: (1 - t) mu_old + t mu_new. Weights: log-linear, pi(t) proportional to
    pi_old^(1 - t) pi_new^t, on the simplex for every t. Covariances: log-Euclidean,
    exp((1 - t) log Sigma_old + t log Sigma_new) with the matrix log and exp of symmetric
    matrices (through eigh); the exp of a symmetric matrix has eigenvalues exp(lambda) > 0, so
    Sigma(t) is positive definite for every t, also beyond [0, 1], where straight lines
    between covariances or Cholesky factors can turn singular. The path keeps the covariance
    type (diag and spherical: the log of each variance is linear; tied: one matrix for all).
    t: a number in [-1, 2]. Both ends: same K, d, covariance type; weights > 0.
    """
    params_old, params_new = _check_path_ends(params_old, params_new)
    ts = _check_t(t)
    if ts.ndim != 0:
        raise ValueError(f"t must be one number, got shape {ts.shape}; use bound_along_path "
                         "for many.")
    return _interpolate(params_old, params_new, float(ts))


def bound_along_path(X, params_old: GMMParams, params_new: GMMParams, ts):
    """l(theta(t)) and L(q_old, theta(t)) / N along interpolate_params's path, for the picture
    of why EM climbs.

    q_old = e_step(X, params_old), the posterior at t = 0, so the bound touches l there (the
    decomposition N l = L + KL with KL = 0) and stays below it everywhere. When params_new is
    m_step(X, q_old, reg_covar=0) of the same covariance type, the bound peaks at t = 1.
    X: (N, d) or (N,); ts: values in [-1, 2] (e.g. np.linspace(-0.2, 1.3, 151)).
    Returns (mean_log_likelihoods, bounds), both of ts's shape, bounds = L / N.
    """
    X = as_samples(X)
    params_old, params_new = _check_path_ends(params_old, params_new)
    _check_params(params_old, X)
    ts = _check_t(ts, "ts")
    q_old = _e_step(X, params_old)[0]
    lls, bounds = np.empty(ts.shape), np.empty(ts.shape)
    for index, t in np.ndenumerate(ts):
        n_ll, L, _ = _bound_terms(X, _interpolate(params_old, params_new, float(t)), q_old)
        lls[index], bounds[index] = n_ll / X.shape[0], L / X.shape[0]
    return lls, bounds


# ----------------------------------------------------------------------------- the landscape
def _check_two(value, name: str, *, simplex: bool = False) -> np.ndarray:
    array = as_float_array(value, name)
    if array.shape != (2,):
        raise ValueError(f"{name} must be two numbers, one per component, got shape "
                         f"{array.shape}.")
    check_finite(array, name)
    if np.any(array <= 0):
        raise ValueError(f"{name} must be > 0, got {array.tolist()}.")
    if simplex and abs(array.sum() - 1) > 1e-6:
        raise ValueError(f"{name} must sum to 1, got {array.tolist()}. Divide them by their sum.")
    return array


def _one_feature(x) -> np.ndarray:
    x = as_samples(x, "x")
    if x.shape[1] != 1:
        raise ValueError(f"x must be a 1-D sample, shape (N,) or (N, 1), got {x.shape}. Project "
                         "it first, e.g. x = X[:, 0].")
    return x[:, 0]


def _grid_axis(values, name: str) -> np.ndarray:
    values = as_float_array(values, name)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of means, got shape "
                         f"{values.shape}; e.g. np.linspace(4, 8, 101).")
    check_finite(values, name)
    return values


def log_likelihood_grid(x, mu1_values, mu2_values, *, weights, variances) -> np.ndarray:
    """The mean log-likelihood (4.6) of a two-component 1-D mixture over a grid of means,
    l(mu_1, mu_2) = (1/N) sum_n log(pi_1 N(x_n | mu_1, s_1) + pi_2 N(x_n | mu_2, s_2)), eq. (1.1)
    and (3.1), with the weights pi and variances s fixed.

    x: (N,) or (N, 1); mu1_values (G1,), mu2_values (G2,); weights: 2 positive numbers summing
    to 1; variances: 2 positive numbers. Returns (G2, G1): row j, column i is
    l(mu1_values[i], mu2_values[j]), the layout of plt.contour(mu1_values, mu2_values, grid).
    With equal weights and variances, l(mu_1, mu_2) = l(mu_2, mu_1): label switching.
    """
    x = _one_feature(x)
    mu1_values = _grid_axis(mu1_values, "mu1_values")
    mu2_values = _grid_axis(mu2_values, "mu2_values")
    weights = _check_two(weights, "weights", simplex=True)
    variances = _check_two(variances, "variances")
    # a_k[n, i] = log pi_k + log N(x_n | mu_k = values[i], s_k), (N, G)
    a1 = np.log(weights[0]) + gaussian_logpdf(x[:, np.newaxis], mu1_values, variances[0])
    a2 = np.log(weights[1]) + gaussian_logpdf(x[:, np.newaxis], mu2_values, variances[1])
    grid = np.empty((mu2_values.size, mu1_values.size))
    rows = max(1, 2_000_000 // (x.size * mu1_values.size))   # bounded memory per block
    for start in range(0, mu2_values.size, rows):
        block = np.logaddexp(a1[:, np.newaxis, :], a2[:, start:start + rows, np.newaxis])
        grid[start:start + rows] = block.mean(axis=0)
    return grid


def em_means_path(x, start, *, weights, variances, max_iter: int = 100,
                  tol: float = 1e-10) -> np.ndarray:
    """EM on a two-component 1-D mixture that updates only the means, weights and variances
    fixed: the E-step (3.2), then mu_k = sum_n gamma_nk x_n / sum_n gamma_nk, eq. (4.2).

    Each step maximises L(q, .) over the means, so l(mu_1, mu_2) never decreases along the
    path. With equal weights and variances a start on the diagonal mu_1 = mu_2 stays on it
    (both responsibilities are 1/2): the saddle where symmetric starts stop (notebook 07).
    x: (N,) or (N, 1); start: (mu_1, mu_2); weights, variances as in log_likelihood_grid.
    Stops after max_iter steps or when no mean moves by more than tol times the spread of x.
    Returns (n_steps + 1, 2): row 0 is start, row i the means after step i.
    """
    x = _one_feature(x)
    means = as_float_array(start, "start")
    if means.shape != (2,):
        raise ValueError(f"start must be two means (mu_1, mu_2), got shape {means.shape}.")
    check_finite(means, "start")
    weights = _check_two(weights, "weights", simplex=True)
    variances = _check_two(variances, "variances")
    max_iter = check_whole_number(max_iter, "max_iter")
    step = check_nonnegative_number(tol, "tol") * max(float(np.ptp(x)), np.finfo(float).tiny)
    path = [means]
    for _ in range(max_iter):
        params = GMMParams(weights, means, variances)
        resp = _e_step(x[:, np.newaxis], params)[0]                  # eq. (3.2)
        nk = resp.sum(axis=0)
        # a component with no responsibility left (underflow) keeps its mean: L does not
        # depend on it, so keeping it is as good a maximiser as any
        means = np.where(nk > 0, (resp.T @ x) / np.where(nk > 0, nk, 1.0), means)  # eq. (4.2)
        path.append(means)
        if np.abs(path[-1] - path[-2]).max() <= step:
            break
    return np.array(path)
