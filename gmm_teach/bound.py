"""Why EM climbs: the evidence lower bound, the posterior KL divergence, and the landscape.

For any responsibilities q (N, K) (rows non-negative, summing to 1) and parameters theta,

    L(q, theta)  = sum_n sum_k q_nk [log pi_k + log N(x_n | mu_k, Sigma_k) - log q_nk]   (5.1)
    KL(q || p)   = sum_n sum_k q_nk [log q_nk - log p(z_n = k | x_n, theta)]           (5.2)

(with 0 log 0 = 0) add up to the total log-likelihood (4.1): the decomposition N l = L + KL
(5.3), with l(theta) the mean log-likelihood (4.6), so N l is the total that notebook 05
writes as ell. KL >= 0 (Gibbs' inequality), so L <= N l for every q;
the E-step (3.2) sets q to the posterior, KL = 0 and the bound touches; the M-step (4.7),
(4.2), (4.8), (4.5) (with reg_covar = 0) maximises L(q, .) for that q, so N l rises at least
as much as L does. Both sums run over the samples (totals, not means).

Also here: the computations behind the pictures of that argument. bound_along_path evaluates
l and L(q_old, .) / N along a path from theta_old to theta_new; log_likelihood_grid and
em_means_path give the landscape l(mu_1, mu_2) of a two-component 1-D mixture and EM's path
on it; log_likelihood_gradient and log_likelihood_hessian its derivatives over the means;
stationary_point, landscape_maxima and diagonal_saddle its maxima and saddle; spike the
height of l where a component of shrinking variance sits on a sample (gmm_teach.landscape
draws them). Everything is in log space, through the engine's weighted log-densities
(gmm_teach.em).
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
from .em import HalfStepBound, _bound_terms, _check_params, _e_step
from .params import GMMParams

__all__ = [
    "elbo",
    "posterior_kl",
    "HalfStepBound",
    "interpolate_params",
    "bound_along_path",
    "log_likelihood_grid",
    "em_means_path",
    "log_likelihood_gradient",
    "log_likelihood_hessian",
    "StationaryPoint",
    "stationary_point",
    "landscape_maxima",
    "diagonal_saddle",
    "Spike",
    "spike",
]

# Rows of q must sum to 1 this closely: the decomposition N l = L + KL is off by
# sum_n (1 - sum_k q_nk) log p(x_n) otherwise.
ROW_SUM_TOLERANCE = 1e-9
# The path theta(t) is offered for t in this range: 0 is theta_old, 1 theta_new, and a little
# beyond on either side for the picture.
PATH_RANGE = (-1.0, 2.0)


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


def _landscape_model(x, weights, variances):
    """(x (N,), weights (2,), variances (2,)) of a two-component 1-D mixture, checked."""
    return (_one_feature(x), _check_two(weights, "weights", simplex=True),
            _check_two(variances, "variances"))


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
    x, weights, variances = _landscape_model(x, weights, variances)
    mu1_values = _grid_axis(mu1_values, "mu1_values")
    mu2_values = _grid_axis(mu2_values, "mu2_values")
    # each distinct value once, weighted by its count c_u (iris has 43 petal lengths in 150)
    values, counts = np.unique(x, return_counts=True)
    # a_k[u, i] = log pi_k + log N(x_u | mu_k = values[i], s_k), (U, G)
    a1 = np.log(weights[0]) + gaussian_logpdf(values[:, np.newaxis], mu1_values, variances[0])
    a2 = np.log(weights[1]) + gaussian_logpdf(values[:, np.newaxis], mu2_values, variances[1])
    grid = np.empty((mu2_values.size, mu1_values.size))
    rows = max(1, 2_000_000 // (values.size * mu1_values.size))   # bounded memory per block
    for start in range(0, mu2_values.size, rows):
        block = np.logaddexp(a1[:, np.newaxis, :], a2[:, start:start + rows, np.newaxis])
        grid[start:start + rows] = np.tensordot(counts / x.size, block, axes=1)
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
    x, weights, variances = _landscape_model(x, weights, variances)
    means = as_float_array(start, "start")
    if means.shape != (2,):
        raise ValueError(f"start must be two means (mu_1, mu_2), got shape {means.shape}.")
    check_finite(means, "start")
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


# ----------------------------------------------------------------------------- its points
class StationaryPoint(NamedTuple):
    """A point of the landscape l(mu_1, mu_2) where the gradient vanishes.

    kind: "maximum" (both Hessian eigenvalues < 0), "saddle" (one < 0, one > 0) or
    "degenerate" (an eigenvalue that is 0 to rounding: l is flat in some direction there).
    """

    means: np.ndarray                  # (mu_1, mu_2), shape (2,)
    mean_log_likelihood: float         # l there, eq. (4.6)
    hessian_eigenvalues: np.ndarray    # ascending, shape (2,)
    kind: str


class Spike(NamedTuple):
    """l at the spike (mu_1, mu_2) = (x_m, mean of the samples other than x_m) and its
    asymptote as the variance s_1 of component 1 goes to 0 (see spike)."""

    at: float                  # x_m, a value of the sample
    count: int                 # c, how many samples equal x_m
    mu_2: float                # the mean of the N - c other samples
    height: float              # l(x_m, mu_2) at the given variances
    intercept: float           # A: the asymptote is A - c log(s_1) / (2N)
    slope: float               # -c / (2N), per unit of log s_1 (natural log)

    def asymptote(self, variance_1) -> np.ndarray:
        """A - c log(s_1) / (2N) for variance(s) s_1 > 0."""
        return self.intercept + self.slope * np.log(variance_1)

    def log_variance_reaching(self, level: float) -> float:
        """log s_1 (natural log) at which the asymptote reaches l = level: the variance below
        which the spike is higher than a fit with mean log-likelihood `level`."""
        return float((level - self.intercept) / self.slope)


def _responsibilities_1d(x: np.ndarray, means: np.ndarray, weights: np.ndarray,
                         variances: np.ndarray) -> np.ndarray:
    """gamma (N, 2), eq. (3.2), for validated 1-D arguments."""
    a = np.log(weights) + gaussian_logpdf(x[:, np.newaxis], means, variances)
    return np.exp(a - np.logaddexp(a[:, :1], a[:, 1:]))


def _check_means(means, name: str) -> np.ndarray:
    means = as_float_array(means, name)
    if means.shape != (2,):
        raise ValueError(f"{name} must be two means (mu_1, mu_2), got shape {means.shape}.")
    check_finite(means, name)
    return means


def _gradient_and_hessian(x, means, weights, variances):
    gamma = _responsibilities_1d(x, means, weights, variances)
    u = (x[:, np.newaxis] - means) / variances              # (x_n - mu_k) / s_k, (N, 2)
    gradient = (gamma * u).mean(axis=0)
    gu = gamma * u
    hessian = -(gu.T @ gu) / x.size                          # - E[gamma_k u_k gamma_j u_j]
    hessian[np.diag_indices(2)] += (gu * u).mean(axis=0) - gamma.mean(axis=0) / variances
    return gradient, hessian


def log_likelihood_gradient(x, means, *, weights, variances) -> np.ndarray:
    """The gradient of l(mu_1, mu_2) (log_likelihood_grid) over the two means, shape (2,):

        d l / d mu_k = (1/N) sum_n gamma_nk (x_n - mu_k) / s_k,

    gamma the responsibilities (3.2). The EM step (4.2) for the means moves mu_k by
    (N / N_k) s_k times this, so EM's fixed points are exactly the zeros of the gradient.
    x: (N,) or (N, 1); means: (mu_1, mu_2); weights, variances as in log_likelihood_grid.
    """
    x, weights, variances = _landscape_model(x, weights, variances)
    means = _check_means(means, "means")
    return _gradient_and_hessian(x, means, weights, variances)[0]


def log_likelihood_hessian(x, means, *, weights, variances) -> np.ndarray:
    """The Hessian of l(mu_1, mu_2) over the two means, shape (2, 2), symmetric:

        d2 l / d mu_k d mu_j = (1/N) sum_n [gamma_nk (delta_kj - gamma_nj) u_nk u_nj
                                            - delta_kj gamma_nk / s_k],

    with u_nk = (x_n - mu_k) / s_k (differentiate the gradient; d gamma_nk / d mu_j =
    gamma_nk (delta_kj - gamma_nj) u_nj). Two negative eigenvalues: a maximum; one of each
    sign: a saddle. Arguments as in log_likelihood_gradient.
    """
    x, weights, variances = _landscape_model(x, weights, variances)
    means = _check_means(means, "means")
    return _gradient_and_hessian(x, means, weights, variances)[1]


def _classify(hessian: np.ndarray, variances: np.ndarray) -> tuple[np.ndarray, str]:
    """(eigenvalues of the Hessian, kind). The signs are read from the dimensionless
    D H D, D = diag(sqrt(s_k)) (same signs, Sylvester's law of inertia), so that "0 to
    rounding" means the same for a wide and a thin component."""
    root = np.sqrt(variances)
    scaled = np.linalg.eigvalsh(hessian * np.outer(root, root))
    if np.any(np.abs(scaled) <= 1e-9):
        kind = "degenerate"
    else:
        kind = "maximum" if scaled[1] < 0 else "saddle" if scaled[0] < 0 else "minimum"
    return np.linalg.eigvalsh(hessian), kind


def _mean_log_likelihood_1d(x, means, weights, variances) -> float:
    a = np.log(weights) + gaussian_logpdf(x[:, np.newaxis], means, variances)
    return float(np.logaddexp(a[:, 0], a[:, 1]).mean())


def stationary_point(x, start, *, weights, variances, max_iter: int = 50) -> StationaryPoint:
    """Newton's method on the gradient of l(mu_1, mu_2) from start, to the stationary point
    nearby (a maximum, or a saddle EM would never reach); classified by its Hessian.

    Stops when |d l / d mu_k| <= 1e-12 (spread of x) / s_k for both k; a ValueError if that
    takes more than max_iter steps or a Hessian is singular (no stationary point near start:
    start at an EM end point, em_means_path(...)[-1]). Arguments as in em_means_path.
    """
    x, weights, variances = _landscape_model(x, weights, variances)
    means = _check_means(start, "start")
    max_iter = check_whole_number(max_iter, "max_iter", minimum=1)
    tolerance = 1e-12 * max(float(np.ptp(x)), np.finfo(float).tiny) / variances
    for _ in range(max_iter + 1):
        gradient, hessian = _gradient_and_hessian(x, means, weights, variances)
        if np.all(np.abs(gradient) <= tolerance):
            eigenvalues, kind = _classify(hessian, variances)
            return StationaryPoint(means, _mean_log_likelihood_1d(x, means, weights, variances),
                                   eigenvalues, kind)
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        means = means - step
    raise ValueError(f"no stationary point found from start {np.asarray(start).tolist()} "
                     f"within max_iter={max_iter} Newton steps (the Hessian is singular or "
                     "the steps do not settle). Start at an EM end point, "
                     "em_means_path(x, start, ...)[-1].")


def landscape_maxima(x, starts, *, weights, variances,
                     max_iter: int = 1000) -> list[StationaryPoint]:
    """The maxima EM reaches from the starts: em_means_path from each start (up to
    max_iter steps), then stationary_point from its end; the distinct maxima, in the
    order of the starts. End points that are not maxima (a saddle reached from a start on
    the diagonal, a flat direction) are left out. starts: (S, 2) pairs (mu_1, mu_2)."""
    starts = as_float_array(starts, "starts")
    if starts.ndim != 2 or starts.shape[1] != 2 or len(starts) == 0:
        raise ValueError(f"starts must be pairs (mu_1, mu_2), shape (S, 2), got shape "
                         f"{starts.shape}; e.g. [(1.0, 6.0), (6.0, 1.0)].")
    found: list[StationaryPoint] = []
    for start in starts:
        end = em_means_path(x, start, weights=weights, variances=variances,
                            max_iter=max_iter, tol=1e-12)[-1]
        try:
            point = stationary_point(x, end, weights=weights, variances=variances)
        except ValueError:
            continue
        if point.kind == "maximum" and not any(
                np.allclose(point.means, other.means, rtol=0, atol=1e-8) for other in found):
            found.append(point)
    return found


def diagonal_saddle(x, *, weights=(0.5, 0.5), variances) -> StationaryPoint:
    """The stationary point on the diagonal mu_1 = mu_2 for two interchangeable components
    (equal weights, equal variances): both means at the sample mean, where the mixture is
    one Gaussian N(x_bar, s) written twice and every responsibility is 1/2.

    The Hessian there has the eigenvalue -1/(2s) along the diagonal, direction (1, 1), and
    (var(x) / s - 1) / (2s) across it, direction (1, -1) (var(x) the variance of the sample,
    divided by N): a saddle when var(x) > s, which EM never leaves from a start on the
    diagonal (em_means_path).
    """
    x, weights, variances = _landscape_model(x, weights, variances)
    if weights[0] != weights[1] or variances[0] != variances[1]:
        raise ValueError("diagonal_saddle needs interchangeable components: equal weights "
                         f"and equal variances, got weights {weights.tolist()} and variances "
                         f"{variances.tolist()}. For others use stationary_point.")
    means = np.full(2, x.mean())
    eigenvalues, kind = _classify(_gradient_and_hessian(x, means, weights, variances)[1],
                                  variances)
    ll = float(gaussian_logpdf(x, means[0], variances[0]).mean())
    return StationaryPoint(means, ll, eigenvalues, kind)


def spike(x, at, *, weights, variances) -> Spike:
    """l at (mu_1, mu_2) = (x_m, mean of the other samples) and its asymptote as s_1 -> 0.

    With component 1 on the sample value x_m (shared by c samples), as its variance s_1
    shrinks each of those c terms of l contains log N(x_m | x_m, s_1) = -log(2 pi s_1) / 2,
    which grows without bound, while every other sample is left to component 2 alone:

        l(x_m, mu_2)  ->  A - c log(s_1) / (2N),
        A = (1/N) [c (log pi_1 - log(2 pi) / 2) + sum_{x_n != x_m} log(pi_2 N(x_n | mu_2, s_2))],

    A largest for mu_2 the mean of the other samples. So the likelihood has no maximum:
    the spike beats any fit once s_1 is small enough (notebook 08). x: (N,) or (N, 1);
    at: a value of x; weights: 2 numbers summing to 1; variances: (s_1, s_2).
    """
    x, weights, variances = _landscape_model(x, weights, variances)
    at_array = as_float_array(at, "at")
    if at_array.ndim != 0:
        raise ValueError(f"at must be one number (a value of x), got shape {at_array.shape}.")
    check_finite(at_array, "at")
    at = float(at_array)
    on = x == at
    count = int(on.sum())
    if count == 0:
        nearest = x[np.argmin(np.abs(x - at))]
        raise ValueError(f"at must be a value of the sample x (a spike sits on a sample), got "
                         f"{at:g}; the nearest sample is {nearest:g}.")
    if count == x.size:
        raise ValueError("every sample equals at: there are no other samples for component 2.")
    mu_2 = float(x[~on].mean())
    height = float(log_likelihood_grid(x, [at], [mu_2], weights=weights,
                                       variances=variances)[0, 0])
    others = np.log(weights[1]) + gaussian_logpdf(x[~on], mu_2, variances[1])
    intercept = (count * (np.log(weights[0]) - 0.5 * np.log(2 * np.pi)) + others.sum()) / x.size
    return Spike(float(at), count, mu_2, height, float(intercept), -count / (2 * x.size))
