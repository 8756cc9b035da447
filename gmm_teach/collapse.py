"""Singularities of the Gaussian-mixture likelihood: a component collapsing onto one point.

The mixture likelihood has no maximum: put a component's mean on a sample x_m and let its
covariance shrink to sigma^2 I. The term of x_m in the mean log-likelihood (4.6) grows like
-(d / 2N) log sigma^2, without bound, while every other term stays finite. EM can walk into
such a spike by itself, most easily onto repeated samples. These helpers build the examples
notebook 08 shows, so that the notebook and its tests run the very same numbers:

  spike_params(X, index, variance)    a broad component over the data plus a spike on X[index];
  duplicated_point_example()          data (cm) with one row repeated, and a start that
                                      collapses onto it within a few EM iterations;
  run_em_until_singular(X, init)      run_em with reg_covar = 0 up to the last iteration whose
                                      covariances are still positive definite, plus the
                                      engine's error message;
  smallest_variances(trace)           the smallest eigenvalue of every covariance, per iteration.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import as_samples, check_nonnegative_number, check_whole_number
from .em import EMTrace, run_em
from .params import GMMParams

__all__ = [
    "spike_params",
    "duplicated_point_example",
    "run_em_until_singular",
    "smallest_variances",
]

#: Where the repeated row of duplicated_point_example lies (cm), and where component 2
#: (params index 1) starts.
REPEATED_POINT = (7.5, 4.6)
SPIKE_START = (7.2, 4.3)


def spike_params(X, index: int, variance: float, *, weight: float = 0.5) -> GMMParams:
    """Two components: N(x_bar, S) with weight 1 - weight, where x_bar and S are the mean and
    (biased) covariance of all of X, and a spike N(X[index], variance I) with `weight`.

    X: (N, d). index: which sample the spike sits on. variance > 0: sigma^2 of the spike.
    As variance -> 0 the mean log-likelihood of X under these parameters grows without bound.
    """
    X = as_samples(X)
    n, d = X.shape
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError(f"index must be a whole number (a row of X), not {index!r}.")
    if not -n <= index < n:
        raise ValueError(f"index must pick a row of X (0..{n - 1}), got {index}.")
    variance = check_nonnegative_number(variance, "variance", strictly_positive=True)
    weight = check_nonnegative_number(weight, "weight")
    if not 0 < weight < 1:
        raise ValueError(f"weight must lie strictly between 0 and 1 (the spike's share), "
                         f"got {weight}.")
    if n < d + 1:
        raise ValueError(f"X needs more samples than features for its covariance S to be "
                         f"positive definite; it has {n} samples of {d} features.")
    covariance = np.atleast_2d(np.cov(X.T, bias=True))
    return GMMParams([1 - weight, weight], [X.mean(axis=0), X[index]],
                     [covariance, variance * np.eye(d)])


def duplicated_point_example(n_copies: int = 3, *, n_cloud: int = 60,
                             random_state: int = 0) -> tuple[np.ndarray, GMMParams]:
    """Data that make EM collapse, and the start that does it. Returns (X, init).

    X: (n_cloud + n_copies, 2), lengths and widths in cm: n_cloud points drawn from one
    Gaussian around (5.0, 3.0) cm (np.random.default_rng(random_state)), then the single point
    REPEATED_POINT = (7.5, 4.6) cm written n_copies times (a row pasted repeatedly into a
    file). init: component 1 (index 0) covers the cloud (its mean, the covariance of all of
    X), weight 1/2; component 2 (index 1) starts near the repeated point, at
    SPIKE_START = (7.2, 4.3) cm with covariance 0.4 I cm^2, weight 1/2. With n_copies = 3
    (the default) and reg_covar = 0, component 2 shrinks onto the repeated point within a
    few iterations.
    """
    n_copies = check_whole_number(n_copies, "n_copies", minimum=1)
    n_cloud = check_whole_number(n_cloud, "n_cloud", minimum=3)
    rng = np.random.default_rng(random_state)
    cloud = rng.multivariate_normal([5.0, 3.0], [[0.30, 0.10], [0.10, 0.15]], size=n_cloud)
    X = np.vstack([cloud, np.repeat([REPEATED_POINT], n_copies, axis=0)])
    init = GMMParams([0.5, 0.5], [cloud.mean(axis=0), SPIKE_START],
                     [np.cov(X.T, bias=True), 0.4 * np.eye(2)])
    return X, init


def run_em_until_singular(X, init: GMMParams, *, reg_covar: float = 0.0, tol: float = 1e-3,
                          max_iter: int = 100) -> tuple[EMTrace, str | None]:
    """run_em, stopped before the M-step that would make a covariance singular.

    Returns (trace, message). If run_em(X, init, ...) finishes, that is (its trace, None).
    If it raises ValueError because an M-step produced a covariance that is not positive
    definite (possible only with a small reg_covar, typically 0), trace is run_em with
    max_iter set to the last iteration that still worked, and message is the engine's
    error text for the one after it. Every number comes from run_em itself (the failing
    iteration is found by bisection on max_iter). If already the first iteration fails,
    the engine's ValueError is raised: there is nothing to show.
    """
    max_iter = check_whole_number(max_iter, "max_iter", minimum=1)
    run_em(X, init, tol=tol, max_iter=0, reg_covar=reg_covar)  # bad arguments raise here
    try:
        return run_em(X, init, tol=tol, max_iter=max_iter, reg_covar=reg_covar), None
    except ValueError as error:
        failing, message = max_iter, str(error)
    working = 0  # run_em(max_iter=working) succeeds, run_em(max_iter=failing) raises
    while failing - working > 1:
        middle = (working + failing) // 2
        try:
            run_em(X, init, tol=tol, max_iter=middle, reg_covar=reg_covar)
            working = middle
        except ValueError as error:
            failing, message = middle, str(error)
    if working == 0:
        raise ValueError(f"EM fails in its first iteration: {message}")
    return run_em(X, init, tol=tol, max_iter=working, reg_covar=reg_covar), message


def smallest_variances(trace: EMTrace) -> np.ndarray:
    """The smallest eigenvalue of each component's covariance in params[0..n_iter]:
    the variance along the component's thinnest direction. Returns (n_iter + 1, K)."""
    if not isinstance(trace, EMTrace):
        raise TypeError(f"trace must be an EMTrace from run_em, got {type(trace).__name__}.")
    return np.array([np.linalg.eigvalsh(params.covariances)[:, 0] for params in trace.params])
