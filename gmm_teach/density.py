"""Gaussian densities in one and d dimensions.

Equations (numbered as in the notebooks):

(1.1)  N(x | mu, sigma^2) = exp(-(x - mu)^2 / (2 sigma^2)) / sqrt(2 pi sigma^2)
(2.1)  N(x | mu, Sigma)   = (2 pi)^(-d/2) |Sigma|^(-1/2) exp(-1/2 (x - mu)^T Sigma^(-1) (x - mu))
(2.2)  with Sigma = L L^T (Cholesky) and z = L^(-1) (x - mu):
     log N(x | mu, Sigma) = -1/2 (d log(2 pi) + z^T z) - sum_i log L_ii

(2.2) never forms Sigma^(-1) or |Sigma|: the triangular solve and the log of L's diagonal stay
accurate when Sigma is nearly singular, and the log keeps far points finite (a density of
1e-400 underflows to 0, its log -921 does not).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ._checks import (
    as_float_array,
    as_samples,
    check_finite,
    check_log_density_finite,
    check_symmetric,
)

LOG_2PI = float(np.log(2.0 * np.pi))

__all__ = [
    "gaussian_pdf",
    "gaussian_logpdf",
    "mvn_logpdf",
    "mvn_pdf",
    "cholesky_factor",
    "LOG_2PI",
]


def _check_1d_arguments(x, mean, variance):
    x = as_float_array(x, "x")
    mean = as_float_array(mean, "mean")
    variance = as_float_array(variance, "variance")
    for array, name in ((x, "x"), (mean, "mean"), (variance, "variance")):
        check_finite(array, name)
    if np.any(variance <= 0):
        raise ValueError(f"variance must be > 0, got {variance.min():g}. Pass the variance "
                         "sigma**2, not the standard deviation, and make it positive.")
    try:
        np.broadcast_shapes(x.shape, mean.shape, variance.shape)
    except ValueError:
        raise ValueError(f"x {x.shape}, mean {mean.shape} and variance {variance.shape} do "
                         "not broadcast together; use scalars or arrays of one shape.") from None
    return x, mean, variance


def gaussian_logpdf(x, mean=0.0, variance=1.0) -> np.ndarray:
    """log N(x | mean, variance), elementwise (the log of equation (1.1)).

    x, mean, variance: scalars or arrays that broadcast together; variance > 0 is the
    variance sigma^2 (not the standard deviation). Returns an array of the broadcast shape.
    """
    x, mean, variance = _check_1d_arguments(x, mean, variance)
    with np.errstate(over="ignore"):  # (x - mean)^2 / variance beyond 1.8e308: see below
        log_density = -0.5 * (LOG_2PI + np.log(variance) + (x - mean) ** 2 / variance)
    check_log_density_finite(log_density, "log N(x | mean, variance)")
    return log_density


def gaussian_pdf(x, mean=0.0, variance=1.0) -> np.ndarray:
    """N(x | mean, variance) = exp(-(x - mean)^2 / (2 variance)) / sqrt(2 pi variance), eq. (1.1).

    Elementwise over x (any shape); mean and variance broadcast against it.
    """
    x, mean, variance = _check_1d_arguments(x, mean, variance)
    with np.errstate(over="ignore"):  # a squared distance beyond 1.8e308 is inf: density 0
        return np.exp(-((x - mean) ** 2) / (2.0 * variance)) / np.sqrt(2.0 * np.pi * variance)


def cholesky_factor(cov, name: str = "cov") -> np.ndarray:
    """Lower-triangular L with L L^T = cov, for a symmetric positive definite (d, d) matrix.

    Raises ValueError saying which property fails (shape, symmetry, positive definiteness)
    and how to fix it.
    """
    cov = as_float_array(cov, name)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or cov.shape[0] == 0:
        raise ValueError(f"{name} must be a square (d, d) matrix with d >= 1, got shape "
                         f"{cov.shape}.")
    check_finite(cov, name)
    check_symmetric(cov, name)
    return _cholesky(cov, name)


def _cholesky(cov: np.ndarray, name: str) -> np.ndarray:
    """L for a finite, symmetric (d, d) float64 cov, or the ValueError naming `name` if cov is
    not positive definite. The LAPACK call scipy.linalg.cholesky(cov, lower=True) makes
    (dpotrf, so the same numbers), without repeating the checks cholesky_factor has done:
    scipy's own take 5 of the 6 microseconds of a 2x2 factorisation."""
    L, info = linalg.lapack.dpotrf(cov, lower=1, clean=1)
    if info == 0:
        return L
    # info > 0: the leading minor of order info is not positive (info < 0, an illegal
    # argument, cannot happen for a square float64 array)
    smallest = float(np.linalg.eigvalsh(cov).min())
    raise ValueError(
        f"{name} is not positive definite (smallest eigenvalue {smallest:.3g}), so it is "
        "not a covariance matrix of a proper Gaussian. If it is singular because the data "
        "lie on a line or a component sits on a single point, add a small ridge to its "
        "diagonal (reg_covar > 0 in m_step/run_em, default 1e-6), use fewer components, "
        "or rescale the data.")


def mvn_logpdf(X, mean, cov) -> np.ndarray:
    """log N(x_n | mean, cov) for each row x_n of X, by equation (2.2).

    X: (N, d), or (N,) for N samples of one feature. mean: (d,). cov: (d, d), symmetric
    positive definite (a scalar variance is accepted when d = 1). Returns shape (N,).
    A point whose squared Mahalanobis distance exceeds float64's range (log-density below
    -1e308) raises ValueError rather than returning -inf.
    """
    log_density = _mvn_logpdf(X, mean, cov)
    check_log_density_finite(log_density, "log N(x_n | mean, cov)")
    return log_density


def _mvn_logpdf(X, mean, cov) -> np.ndarray:
    """mvn_logpdf, with -inf where the squared distance overflows."""
    X = as_samples(X, "X")
    d = X.shape[1]
    mean = as_float_array(mean, "mean").reshape(-1)
    check_finite(mean, "mean")
    if mean.shape != (d,):
        raise ValueError(
            f"mean has {mean.size} entries but X has {d} feature(s) per sample "
            "(a 1-D X of shape (N,) is read as N samples of one feature; pass a single "
            "d-dimensional point as X.reshape(1, -1)).")
    cov = as_float_array(cov, "cov")
    if d == 1 and cov.size == 1:
        cov = cov.reshape(1, 1)
    if cov.shape != (d, d):
        raise ValueError(f"cov must have shape ({d}, {d}) to match X's {d} feature(s), "
                         f"got {cov.shape}.")
    L = cholesky_factor(cov, "cov")
    with np.errstate(over="ignore"):  # |z_n|^2 beyond 1.8e308 becomes inf, the log -inf
        z = linalg.solve_triangular(L, (X - mean).T, lower=True)  # (d, N): z_n = L^-1 (x_n - mu)
        return -0.5 * (d * LOG_2PI + np.sum(z * z, axis=0)) - np.sum(np.log(np.diag(L)))


def mvn_pdf(X, mean, cov) -> np.ndarray:
    """N(x_n | mean, cov) for each row x_n of X, equation (2.1), computed as exp of eq. (2.2).

    Shapes as in mvn_logpdf; returns (N,). For far points the density underflows to 0;
    use mvn_logpdf when you need to compare or multiply such values.
    """
    return np.exp(_mvn_logpdf(X, mean, cov))
