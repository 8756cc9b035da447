"""High-precision answers for the checkers: the same formulas in 50-digit decimal arithmetic.

Every float64 input is converted exactly (``Decimal(float)`` is exact), so these values are the
true answers for the very numbers the student's function receives, to about 45 digits. The
checkers compare with them, never with one floating-point route, and allow an error that
follows from each case's conditioning.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np

__all__ = ["exact", "log_gaussian_1d", "log_gaussian", "log_sum_exp", "softmax",
           "log_det_and_mahalanobis", "to_float"]

DIGITS = 50
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")


def exact(function):
    """Decorator: run `function` with DIGITS-digit decimal arithmetic."""
    def wrapper(*args, **kwargs):
        with localcontext() as context:
            context.prec = DIGITS
            return function(*args, **kwargs)
    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper


def D(value) -> Decimal:                                             # noqa: N802 - math name
    return Decimal(float(value))


def to_float(values) -> np.ndarray:
    """Nested lists of Decimals -> float64 array (correctly rounded)."""
    return np.array(values, dtype=object).astype(float)


def log_gaussian_1d(x, mean, variance) -> Decimal:
    """log N(x | mean, variance), eq. (1.1), for float inputs."""
    x, mean, variance = D(x), D(mean), D(variance)
    return -((x - mean) ** 2) / (2 * variance) - (2 * PI * variance).ln() / 2


def _cholesky(A: list[list[Decimal]]) -> list[list[Decimal]]:
    d = len(A)
    L = [[Decimal(0)] * d for _ in range(d)]
    for i in range(d):
        for j in range(i + 1):
            s = A[i][j] - sum(L[i][k] * L[j][k] for k in range(j))
            L[i][j] = s.sqrt() if i == j else s / L[j][j]
    return L


def log_det_and_mahalanobis(X, mean, cov) -> tuple[Decimal, list[Decimal]]:
    """log |cov| and the squared Mahalanobis distances of the rows of X (floats in)."""
    A = [[D(v) for v in row] for row in np.asarray(cov)]
    L = _cholesky(A)
    d = len(A)
    log_det = 2 * sum(L[i][i].ln() for i in range(d))
    distances = []
    for x in np.asarray(X):
        r = [D(x[i]) - D(mean[i]) for i in range(d)]
        z = []
        for i in range(d):                                           # z = L^-1 (x - mean)
            z.append((r[i] - sum(L[i][k] * z[k] for k in range(i))) / L[i][i])
        distances.append(sum(v * v for v in z))
    return log_det, distances


def log_gaussian(X, mean, cov) -> list[Decimal]:
    """log N(x_n | mean, cov), eq. (2.2), for each row of X (floats in)."""
    d = len(mean)
    log_det, distances = log_det_and_mahalanobis(X, mean, cov)
    return [-(d * (2 * PI).ln() + log_det + q) / 2 for q in distances]


def log_sum_exp(values: list[Decimal]) -> Decimal:
    top = max(values)
    return top + sum((v - top).exp() for v in values).ln()


def softmax(values: list[Decimal]) -> list[Decimal]:
    total = log_sum_exp(values)
    return [(v - total).exp() for v in values]
