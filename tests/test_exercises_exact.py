"""The 50-digit answers (gmm_teach/exercises/exact.py) agree with scipy and with closed forms,
so the checkers judge students against the truth."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
from scipy import stats
from scipy.special import logsumexp

from gmm_teach.exercises import exact as hp


def test_the_1d_log_density_matches_scipy():
    rng = np.random.default_rng(0)
    for x, mean, variance in zip(rng.normal(0, 3, 50), rng.normal(0, 3, 50),
                                 rng.uniform(0.1, 5, 50), strict=True):
        value = hp.exact(hp.log_gaussian_1d)(x, mean, variance)
        assert abs(float(value) - stats.norm.logpdf(x, mean, np.sqrt(variance))) < 1e-13


def test_the_d_variate_log_density_matches_scipy_and_a_rational_quadratic_form():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 3))
    cov = A @ A.T + np.eye(3)
    mean = rng.normal(size=3)
    X = rng.normal(size=(6, 3))
    values = hp.to_float(hp.exact(hp.log_gaussian)(X, mean, cov))
    np.testing.assert_allclose(values, stats.multivariate_normal(mean, cov).logpdf(X),
                               rtol=1e-13)
    # the squared distance, exactly: solve cov y = x - mean in rationals
    F = [[Fraction(v) for v in row] for row in cov]
    r = [Fraction(X[0, i]) - Fraction(mean[i]) for i in range(3)]
    M = [row[:] + [b] for row, b in zip(F, r, strict=True)]
    for i in range(3):                                       # Gauss-Jordan, exact
        M[i] = [v / M[i][i] for v in M[i]]
        for j in range(3):
            if j != i:
                M[j] = [a - M[j][i] * b for a, b in zip(M[j], M[i], strict=True)]
    exact_q = sum(r[i] * M[i][3] for i in range(3))
    q = hp.exact(hp.log_det_and_mahalanobis)(X[:1], mean, cov)[1][0]
    exact_decimal = hp.exact(lambda: Decimal(exact_q.numerator) / exact_q.denominator)()
    assert abs(q - exact_decimal) < Decimal("1e-40")


def test_log_sum_exp_and_softmax():
    values = [Decimal(v) for v in (-1000.5, -1001.25, -999.0)]
    total = hp.exact(hp.log_sum_exp)(values)
    assert abs(float(total) - logsumexp([-1000.5, -1001.25, -999.0])) < 1e-12
    weights = hp.exact(hp.softmax)(values)
    assert abs(sum(weights) - 1) < Decimal("1e-45")
