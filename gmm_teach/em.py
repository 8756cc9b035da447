"""EM for Gaussian mixtures, one equation per function, every intermediate state kept.

Equations, numbered as in the notebooks: (n.k) is the k-th numbered equation of notebook n
((1.1), (2.1) and (2.2) are in gmm_teach.density):

(3.1)  p(x) = sum_k pi_k N(x | mu_k, Sigma_k)                           mixture density
(3.2)  gamma_nk = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j)   E-step
(4.6)  l(theta) = (1/N) sum_n log p(x_n)                             mean log-likelihood
(4.7)  N_k = sum_n gamma_nk                                               M-step ...
(4.2)  mu_k = (1/N_k) sum_n gamma_nk x_n
(4.8)  Sigma_k = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T + reg_covar I
(4.5)  pi_k = N_k / N
(6.1)  stop at the first iteration i with |l_i - l_(i-1)| < tol, l_0 = -inf      the loop
(6.2)  BIC = -2 N l(theta) + p log N

Everything is computed in log space: log pi_k + log N(x_n | mu_k, Sigma_k) by eq. (2.2), then
normalised with the log-sum-exp trick, so points far from every component give finite
numbers. The loop, the stopping rule and the initialisations are scikit-learn's
(GaussianMixture), so the numbers agree with it to rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._checks import (
    as_float_array,
    as_samples,
    check_choice,
    check_finite,
    check_log_density_finite,
    check_n_components,
    check_nonnegative_number,
    check_random_state_argument,
    check_whole_number,
)
from ._kmeans_plusplus import kmeans_plusplus_indices
from .density import LOG_2PI
from .params import COVARIANCE_TYPES, GMMParams, check_params

__all__ = [
    "log_gaussian_prob",
    "weighted_log_prob",
    "e_step",
    "m_step",
    "sample_log_likelihood",
    "mean_log_likelihood",
    "predict",
    "initial_params",
    "INIT_METHODS",
    "run_em",
    "EMTrace",
    "HalfStep",
    "bic",
    "aic",
]

INIT_METHODS = ("kmeans", "k-means++", "random", "random_from_data")
EPS = np.finfo(np.float64).eps


# ----------------------------------------------------------------------------- checks
def _check_params(params, X: np.ndarray) -> GMMParams:
    check_params(params)
    if params.n_features != X.shape[1]:
        raise ValueError(f"params describe {params.n_features}-dimensional components but X "
                         f"has {X.shape[1]} feature(s) per sample. Pass X with "
                         f"{params.n_features} columns, the features the parameters were "
                         "fitted to (a 1-D X of shape (N,) is N samples of one feature).")
    return params


# ----------------------------------------------------------------------------- E-step
def _log_gaussian_prob(X: np.ndarray, params: GMMParams) -> np.ndarray:
    # eq. (2.2) with P_k = L_k^-T, so z_nk = P_k^T (x_n - mu_k) and |z_nk|^2 is the
    # squared Mahalanobis distance; log|P_k| = -log|L_k|.
    #
    # Memory layout, for speed only (same values up to rounding): numpy is slow on many short
    # rows of d or K numbers and fast along long contiguous runs. So z holds one sample per
    # column, (d, N), and the (N, K) result is stored column by column (order="F"): the
    # E-step's max, exp and sums over k and the M-step's sums over n then sweep whole
    # columns. About 3x less CPU time per EM iteration at N = 1e6 (benchmarks/bench_em.py).
    n, d = X.shape
    squared_distance = np.empty((n, params.n_components), order="F")
    # A squared distance beyond float64's range (1.8e308) becomes inf, its log-density -inf:
    # that component gets responsibility 0, and _e_step explains it if every component does.
    with np.errstate(over="ignore"):
        for k, (mu, P) in enumerate(zip(params.means, params.precisions_cholesky, strict=True)):
            z = P.T @ X.T - (P.T @ mu)[:, np.newaxis]      # (d, N): column n is z_nk
            squared_distance[:, k] = np.einsum("in,in->n", z, z)
    return -0.5 * (d * LOG_2PI + squared_distance) + params.log_det_precisions_cholesky


def _weighted_log_prob(X: np.ndarray, params: GMMParams) -> np.ndarray:
    with np.errstate(divide="ignore"):  # a weight of exactly 0 gives log 0 = -inf
        return _log_gaussian_prob(X, params) + np.log(params.weights)


def _e_step(X: np.ndarray, params: GMMParams) -> tuple[np.ndarray, np.ndarray]:
    """Responsibilities (N, K), eq. (3.2), and log p(x_n) (N,), eq. (3.1), in one pass."""
    return _e_step_from(_weighted_log_prob(X, params), X, params)


def _e_step_from(a: np.ndarray, X: np.ndarray, params: GMMParams):
    """_e_step from a_nk = log pi_k + log N(x_n | k), (N, K), which it overwrites."""
    a_max = a.max(axis=1, keepdims=True)         # log-sum-exp: subtract the row maximum
    if np.isneginf(a_max).any():                 # every component's density overflowed
        _raise_too_far(X, params, np.flatnonzero(np.isneginf(a_max)))
    np.subtract(a, a_max, out=a)
    np.exp(a, out=a)                             # pi_k N(x_n | k) / exp(a_max), all <= 1
    total = a.sum(axis=1, keepdims=True)         # p(x_n) / exp(a_max), >= 1
    resp = np.divide(a, total, out=a)            # Bayes' rule; the exp(a_max) cancels
    log_p = (a_max + np.log(total))[:, 0]        # log p(x_n) = a_max + log sum_k exp(a - a_max)
    return resp, log_p


def _raise_too_far(X: np.ndarray, params: GMMParams, samples: np.ndarray):
    """ValueError for samples whose log-density overflowed to -inf under every component."""
    shown = ", ".join(str(int(n)) for n in samples[:5]) + (", ..." if len(samples) > 5 else "")
    smallest = float(np.diagonal(params.covariances, axis1=1, axis2=2).min())
    plural = len(samples) > 1
    raise ValueError(
        f"sample{'s' * plural} {shown} of X {'are' if plural else 'is'} so far from every "
        "component, measured in standard deviations, that the squared "
        "distance overflows float64 (beyond about 1.8e308): every log N(x_n | k) is -inf and "
        f"the responsibilities would be 0/0. The smallest variance is {smallest:.3g} and X "
        f"reaches {float(np.abs(X).max()):.3g}. Rescale X (e.g. standardise each feature), "
        "drop such outliers, or use larger variances (reg_covar).")


def log_gaussian_prob(X, params: GMMParams) -> np.ndarray:
    """log N(x_n | mu_k, Sigma_k) for every sample and component, eq. (2.2).

    X: (N, d) or (N,). Returns (N, K). ValueError if a squared distance overflows.
    """
    X = as_samples(X)
    log_prob = _log_gaussian_prob(X, _check_params(params, X))
    check_log_density_finite(log_prob, "log N(x_n | mu_k, Sigma_k)")
    return log_prob


def weighted_log_prob(X, params: GMMParams) -> np.ndarray:
    """log pi_k + log N(x_n | mu_k, Sigma_k), the log of eq. (3.2)'s numerator. Returns (N, K).

    A component of weight 0 gives -inf in its column."""
    with np.errstate(divide="ignore"):
        return log_gaussian_prob(X, params) + np.log(params.weights)


def e_step(X, params: GMMParams) -> np.ndarray:
    """The E-step: responsibilities gamma_nk = p(z_n = k | x_n) by Bayes' rule, eq. (3.2).

    X: (N, d) or (N,); params: a GMMParams with K components. Returns (N, K); every row is a
    probability distribution over the components (non-negative, summing to 1).
    """
    X = as_samples(X)
    return _e_step(X, _check_params(params, X))[0]


def sample_log_likelihood(X, params: GMMParams) -> np.ndarray:
    """log p(x_n) = log sum_k pi_k N(x_n | mu_k, Sigma_k), eq. (3.1), per sample. Returns (N,)."""
    X = as_samples(X)
    return _e_step(X, _check_params(params, X))[1]


def mean_log_likelihood(X, params: GMMParams) -> float:
    """(1/N) sum_n log p(x_n), eq. (4.6): what scikit-learn's GaussianMixture.score returns."""
    return float(np.mean(sample_log_likelihood(X, params)))


def predict(X, params: GMMParams) -> np.ndarray:
    """The most responsible component for each sample, argmax_k gamma_nk. Returns (N,) ints."""
    return np.argmax(e_step(X, params), axis=1)


# ----------------------------------------------------------------------------- the bound
# The decomposition N l = L + KL, eqs. (5.1)-(5.3), for any responsibilities q: computed here,
# beside the E-step it is made of, so that the trace can give it per half-step;
# gmm_teach.bound checks the arguments and builds the pictures on it.
class HalfStepBound(NamedTuple):
    """The decomposition N l = L + KL at one half-step of an EM trace (EMTrace.bound_table).

    A tuple, so a list of them goes straight into print_table.
    """

    iteration: int
    phase: str
    n_log_likelihood: float    # N l(theta), N times eq. (4.6)
    elbo: float                # L(q, theta)
    posterior_kl: float        # KL(q || p(z | x, theta))


def _bound_terms(X: np.ndarray, params: GMMParams, resp: np.ndarray):
    """(N l, L, KL) for validated arguments, each a float; see the module docstring.

    An entry q_nk equal to the E-step's gamma_nk adds exactly 0 to KL, so q = e_step(X,
    params) gives KL = 0, not a rounding residue. A sample's KL is >= 0 by Gibbs'
    inequality; should rounding leave a q close to the posterior with a sum of about -1e-16,
    that sample's KL is reported as 0.
    """
    a = _weighted_log_prob(X, params)               # log pi_k + log N(x_n | k), (N, K)
    gamma, log_p = _e_step_from(a.copy(), X, params)  # eq. (3.2), and log p(x_n), eq. (3.1)
    log_posterior = a - log_p[:, np.newaxis]        # log gamma_nk, without underflow
    used = resp > 0                                 # 0 log 0 = 0: terms with q_nk = 0 vanish
    log_q = np.log(resp, where=used, out=np.zeros_like(resp))
    elbo_terms = np.multiply(resp, a - log_q, where=used, out=np.zeros_like(resp))
    kl_terms = np.multiply(resp, log_q - log_posterior, where=used & (resp != gamma),
                           out=np.zeros_like(resp))
    kl_per_sample = np.maximum(kl_terms.sum(axis=1), 0.0)
    return float(log_p.sum()), float(elbo_terms.sum()), float(kl_per_sample.sum())


# ----------------------------------------------------------------------------- M-step
def _m_step(X: np.ndarray, resp: np.ndarray, reg_covar: float,
            covariance_type: str) -> GMMParams:
    n, d = X.shape
    nk = resp.sum(axis=0) + 10 * EPS                      # eq. (4.7), kept away from 0
    means = (resp.T @ X) / nk[:, np.newaxis]              # eq. (4.2)
    if covariance_type == "full":                         # eq. (4.8) without the ridge
        X_columns = np.ascontiguousarray(X.T)             # (d, N), one sample per column
        covariances = np.empty((resp.shape[1], d, d))
        for k, mu in enumerate(means):
            diff = X_columns - mu[:, np.newaxis]          # column n: x_n - mu_k
            covariances[k] = (resp[:, k] * diff) @ diff.T / nk[k]
        covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
    elif covariance_type == "tied":
        # One pooled matrix: sum_k N_k Sigma_k / N = (sum_n x_n x_n^T - sum_k N_k mu_k mu_k^T) / N
        # when every row of resp sums to 1. scikit-learn computes the right-hand side. For the
        # one-point starts ("k-means++", "random_from_data": rows of zeros) that is the scatter
        # about the ORIGIN of the N - K unpicked samples, divided by about K: a very broad
        # start (notebook 10 computes it). So do we, for the same iterations.
        tied = (X.T @ X - (nk * means.T) @ means) / nk.sum()
        covariances = np.broadcast_to(0.5 * (tied + tied.T), (resp.shape[1], d, d)).copy()
    else:
        # Only the variances, as (1/N_k) sum_n gamma_nk x_n^2 - mu_k^2 (scikit-learn's form:
        # the same numbers as eq. (4.8)'s diagonal, up to rounding), averaged for "spherical".
        variances = (resp.T @ (X * X)) / nk[:, np.newaxis] - means**2
        if covariance_type == "spherical":
            variances = np.repeat(variances.mean(axis=1, keepdims=True), d, axis=1)
        covariances = variances[:, :, np.newaxis] * np.eye(d)
    covariances += reg_covar * np.eye(d)                  # eq. (4.8)'s ridge
    weights = nk / nk.sum()                               # eq. (4.5)
    return GMMParams._from_m_step(weights, means, covariances, covariance_type)


def m_step(X, resp, reg_covar: float = 1e-6, covariance_type: str = "full") -> GMMParams:
    """The M-step: the weights, means and covariances that maximise the expected complete-data
    log-likelihood for fixed responsibilities, eqs. (4.7), (4.2), (4.8), (4.5).

    X: (N, d) or (N,). resp: (N, K), rows summing to 1. reg_covar >= 0 is added to every
    covariance's diagonal (as scikit-learn does), which keeps a component that collapses onto
    one point positive definite. covariance_type: "full", "tied", "diag" or "spherical".
    N_k gets 10 machine epsilons added, as in scikit-learn, so an empty component has no
    division by zero. Returns a new GMMParams; raises ValueError if a covariance is singular.
    """
    X = as_samples(X)
    resp = as_float_array(resp, "resp")
    check_finite(resp, "resp")
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    if resp.ndim != 2 or resp.shape[0] != X.shape[0] or resp.shape[1] < 1:
        raise ValueError(f"resp must have shape (N, K) = ({X.shape[0]}, K) with one row per "
                         f"sample of X, got {resp.shape}.")
    if np.any(resp < 0) or np.abs(resp.sum(axis=1) - 1).max() > 1e-6:
        raise ValueError("resp must hold probabilities: non-negative rows that sum to 1 "
                         "(as e_step returns them).")
    return _m_step(X, resp, reg_covar, covariance_type)


# ----------------------------------------------------------------------------- start
def _initial_responsibilities(X: np.ndarray, K: int, method: str, random_state) -> np.ndarray:
    """The (N, K) responsibilities that scikit-learn's start `method` draws, before the first
    M-step (shared by initial_params and gmm_teach.variational)."""
    check_choice(method, "method", INIT_METHODS)
    rng = check_random_state_argument(random_state)
    n = X.shape[0]
    if method == "random":
        resp = rng.uniform(size=(n, K))
        resp /= resp.sum(axis=1)[:, np.newaxis]
    else:
        resp = np.zeros((n, K))
        if method == "kmeans":
            # scikit-learn loads when first needed, not at `import gmm_teach` (~1 s, ~100 MB)
            from sklearn.cluster import KMeans

            labels = KMeans(n_clusters=K, n_init=1, random_state=rng).fit(X).labels_
            resp[np.arange(n), labels] = 1
        elif method == "random_from_data":
            resp[rng.choice(n, size=K, replace=False), np.arange(K)] = 1
        else:  # "k-means++": sklearn.cluster.kmeans_plusplus's points, without its overhead
            resp[kmeans_plusplus_indices(X, K, rng), np.arange(K)] = 1
    return resp


def initial_params(X, n_components: int, method: str = "kmeans", random_state=None, *,
                   reg_covar: float = 1e-6, covariance_type: str = "full") -> GMMParams:
    """Starting parameters: initial responsibilities, then one M-step, as scikit-learn does.

    method:
      "kmeans"           one-hot responsibilities from KMeans(K, n_init=1) labels;
      "k-means++"        the K k-means++ seed points, each a component of its own;
      "random"           uniform random responsibilities, each row normalised;
      "random_from_data" K distinct samples drawn at random, each a component of its own.
    For the same integer random_state this draws exactly the random numbers scikit-learn's
    GaussianMixture(init_params=method, random_state=random_state) draws.

    One difference, on purpose: for "k-means++" and "random_from_data", scikit-learn divides
    the initial N_k (about 1 each) by N, so its initial weights sum to K/N instead of 1 and the
    first entry of its lower_bounds_ is lower by log(N/K) than ours. Here the weights are
    normalised by sum N_k, as in every M-step, so they form a probability distribution. The
    responsibilities, and so every later iteration, are the same.

    X: (N, d) or (N,). Returns a GMMParams with n_components components.
    """
    X = as_samples(X)
    K = check_n_components(n_components, X.shape[0])
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    resp = _initial_responsibilities(X, K, method, random_state)
    return _m_step(X, resp, reg_covar, covariance_type)


# ----------------------------------------------------------------------------- the loop
@dataclass(frozen=True, eq=False)
class HalfStep:
    """What the picture shows half-way through EM.

    phase "E": the E-step of `iteration` has computed `responsibilities` from the parameters
    of the previous iteration, which are still `params`.
    phase "M": the M-step of `iteration` has turned those responsibilities into new `params`.
    `mean_log_likelihood` is eq. (4.6) for `params`.
    """

    iteration: int
    phase: str
    params: GMMParams
    responsibilities: np.ndarray
    mean_log_likelihood: float


@dataclass(frozen=True, eq=False)
class EMTrace:
    """Everything run_em computed, as data.

    params: params[0] is the start, params[i] the result of the i-th M-step (n_iter + 1 of
        them). Only parameters are kept: a few hundred bytes per iteration, whatever N is.
    mean_log_likelihoods: (n_iter,); entry i-1 is eq. (4.6) for params[i-1], computed by the
        E-step of iteration i (scikit-learn's lower_bounds_).
    n_iter, converged: iterations run; whether |change| < tol stopped them.
    lower_bound: the last entry of mean_log_likelihoods (scikit-learn's lower_bound_; -inf
        when max_iter=0). It belongs to params[n_iter - 1], the parameters before the last
        M-step; the final params[-1] score at least as high (see mean_log_likelihood(i)), as
        EM guarantees for reg_covar = 0. The ridge reg_covar can cost a little: about
        (reg_covar / s)^2 / 4 per sample for covariance eigenvalues s, more only when a
        component sits on repeated points (s near 0).
    X: the validated data (shared with the caller when it was already a float64 array).
    """

    X: np.ndarray = field(repr=False)
    params: tuple[GMMParams, ...]
    mean_log_likelihoods: np.ndarray
    n_iter: int
    converged: bool
    lower_bound: float
    tol: float
    reg_covar: float

    @property
    def final(self) -> GMMParams:
        """params[-1], the parameters after the last M-step."""
        return self.params[-1]

    def _index(self, i: int) -> int:
        n = len(self.params)
        i = check_whole_number(i, "i", minimum=-(2**63))  # an int; the range is checked next
        if not -n <= i < n:
            raise IndexError(f"this trace has params[0] .. params[{n - 1}] (or -{n} .. -1 "
                             f"from the end); got i={i}.")
        return i % n

    def responsibilities(self, i: int) -> np.ndarray:
        """gamma computed from params[i] (eq. (3.2)), recomputed on demand. Returns (N, K).

        responsibilities(i - 1) are what the M-step of iteration i used to make params[i].
        """
        return _e_step(self.X, self.params[self._index(i)])[0]

    def mean_log_likelihood(self, i: int) -> float:
        """Eq. (4.6) for params[i]; also for the final params, which the loop never scores."""
        i = self._index(i)
        if i < len(self.mean_log_likelihoods):
            return float(self.mean_log_likelihoods[i])
        return float(np.mean(_e_step(self.X, self.params[i])[1]))

    def half_step(self, iteration: int, phase: str) -> HalfStep:
        """The state after the E-step ("E") or the M-step ("M") of iteration 1..n_iter."""
        iteration = check_whole_number(iteration, "iteration", minimum=1)
        if iteration > self.n_iter:
            raise ValueError(f"iteration must be 1..{self.n_iter}, got {iteration}.")
        if phase not in ("E", "M"):
            raise ValueError(f"phase must be 'E' or 'M', got {phase!r}.")
        resp = self.responsibilities(iteration - 1)
        shown = iteration - 1 if phase == "E" else iteration
        return HalfStep(iteration, phase, self.params[shown], resp,
                        self.mean_log_likelihood(shown))

    # The decomposition N l = L + KL per half-step (gmm_teach.bound): after the E-step of
    # iteration i, q = responsibilities(i - 1) and theta = params[i - 1] (KL = 0); after its
    # M-step, the same q and theta = params[i].
    def bound(self, iteration: int, phase: str):
        """N l, L(q, theta) and KL(q || posterior) after the E-step ("E") or the M-step ("M")
        of iteration 1..n_iter, as a HalfStepBound (sums over the samples)."""
        if type(self).responsibilities is not EMTrace.responsibilities:
            raise TypeError(f"{type(self).__name__} has its own E-step, whose bound is not "
                            "the one computed here; bound, elbo and posterior_kl are for "
                            "run_em's EMTrace.")
        state = self.half_step(iteration, phase)
        return HalfStepBound(state.iteration, state.phase,
                             *_bound_terms(self.X, state.params, state.responsibilities))

    def elbo(self, iteration: int, phase: str) -> float:
        """L(q, theta) at the half-step (see bound): gmm_teach.bound.elbo of its q and theta."""
        return self.bound(iteration, phase).elbo

    def posterior_kl(self, iteration: int, phase: str) -> float:
        """KL(q || p(z | x, theta)) at the half-step (see bound); 0 after every E-step."""
        return self.bound(iteration, phase).posterior_kl

    def bound_table(self) -> list:
        """bound(i, phase) for every half-step, in the order (1, "E"), (1, "M"), (2, "E"), ...
        A list of HalfStepBound tuples (iteration, phase, N l, L, KL) for print_table."""
        return [self.bound(i, phase) for i in range(1, self.n_iter + 1) for phase in "EM"]


def run_em(X, init: GMMParams, *, tol: float = 1e-3, max_iter: int = 100,
           reg_covar: float = 1e-6) -> EMTrace:
    """Run EM from `init` and keep every iteration.

    Each iteration i = 1, 2, ... runs the E-step on params[i-1] (which also gives its mean
    log-likelihood, eq. (4.6)), then the M-step, giving params[i]; it stops when the mean
    log-likelihood changed by less than `tol`, eq. (6.1) (absolute, per sample, so the
    threshold does not depend on N) or after max_iter iterations. This is scikit-learn's loop:
    the same n_iter_, converged_, lower_bound_ and lower_bounds_ for the same start.

    X: (N, d) or (N,). init: a GMMParams (e.g. from initial_params); its covariance_type is
    kept in every M-step. Returns an EMTrace.
    """
    X = as_samples(X)
    init = _check_params(init, X)
    check_n_components(init.n_components, X.shape[0])
    tol = check_nonnegative_number(tol, "tol")
    max_iter = check_whole_number(max_iter, "max_iter")
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")

    params = [init]
    mean_lls: list[float] = []
    lower_bound = -np.inf
    converged = False
    for _ in range(max_iter):
        previous = lower_bound
        resp, log_p = _e_step(X, params[-1])                        # E-step, eq. (3.2)
        lower_bound = float(np.mean(log_p))                         # eq. (4.6) of params[-1]
        mean_lls.append(lower_bound)
        params.append(_m_step(X, resp, reg_covar, init.covariance_type))  # M-step
        if abs(lower_bound - previous) < tol:                       # eq. (6.1)
            converged = True
            break
    return EMTrace(X=X, params=tuple(params), mean_log_likelihoods=np.array(mean_lls),
                   n_iter=len(mean_lls), converged=converged, lower_bound=lower_bound,
                   tol=tol, reg_covar=reg_covar)


# ----------------------------------------------------------------------------- choosing K
def bic(X, params: GMMParams) -> float:
    """Bayesian information criterion, eq. (6.2): -2 N l(theta) + p log N (lower is better); l is
    eq. (4.6) and p = params.n_parameters. X: (N, d) or (N,). Equal to scikit-learn's
    GaussianMixture.bic."""
    X = as_samples(X)
    n = X.shape[0]
    return -2 * mean_log_likelihood(X, params) * n + params.n_parameters * np.log(n)


def aic(X, params: GMMParams) -> float:
    """Akaike information criterion, -2 N l(theta) + 2 p (lower is better), X: (N, d) or (N,);
    equal to scikit-learn's GaussianMixture.aic."""
    X = as_samples(X)
    return -2 * mean_log_likelihood(X, params) * X.shape[0] + 2 * params.n_parameters
