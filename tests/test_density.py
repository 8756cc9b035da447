"""Densities (eqs. 1-3) against scipy.stats: values, shapes, broadcasting and the numerics
that motivate the log-space Cholesky form (far points, tiny variances)."""

import numpy as np
import pytest
from scipy import stats

import gmm_teach as gt


def random_spd(rng: np.random.Generator, d: int) -> np.ndarray:
    """A random symmetric positive definite (d, d) matrix with condition number <~ 100."""
    A = rng.normal(size=(d, d))
    Q, _ = np.linalg.qr(A)
    eigenvalues = rng.uniform(0.1, 10.0, size=d)
    cov = (Q * eigenvalues) @ Q.T
    return 0.5 * (cov + cov.T)


# ----------------------------------------------------------------------------- eq. (1)
def test_gaussian_pdf_and_logpdf_match_scipy_norm():
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 3.0, size=200)
    for mean, variance in [(0.0, 1.0), (1.5, 0.25), (-3.0, 7.0), (100.0, 1e-3)]:
        expected_pdf = stats.norm.pdf(x, loc=mean, scale=np.sqrt(variance))
        expected_log = stats.norm.logpdf(x, loc=mean, scale=np.sqrt(variance))
        np.testing.assert_allclose(gt.gaussian_pdf(x, mean, variance), expected_pdf,
                                   rtol=1e-12, atol=0)
        np.testing.assert_allclose(gt.gaussian_logpdf(x, mean, variance), expected_log,
                                   rtol=1e-12)


def test_gaussian_pdf_takes_the_variance_not_the_standard_deviation():
    # N(1 | 0, 4): sigma = 2, so the density is exp(-1/8) / sqrt(8 pi).
    assert gt.gaussian_pdf(1.0, 0.0, 4.0) == pytest.approx(np.exp(-1 / 8) / np.sqrt(8 * np.pi),
                                                           rel=1e-15)
    assert gt.gaussian_pdf(1.0, 0.0, 4.0) == pytest.approx(stats.norm.pdf(1.0, scale=2.0))
    assert gt.gaussian_pdf(1.0, 0.0, 4.0) != pytest.approx(stats.norm.pdf(1.0, scale=4.0))


def test_gaussian_defaults_are_the_standard_normal():
    x = np.linspace(-4, 4, 17)
    np.testing.assert_allclose(gt.gaussian_pdf(x), stats.norm.pdf(x), rtol=1e-14)
    np.testing.assert_allclose(gt.gaussian_logpdf(x), stats.norm.logpdf(x), rtol=1e-14)


def test_gaussian_pdf_broadcasts_like_numpy():
    x = np.linspace(-2, 2, 5)[:, np.newaxis]            # (5, 1)
    means = np.array([-1.0, 0.0, 2.0])                  # (3,)
    variances = np.array([0.5, 1.0, 3.0])               # (3,)
    density = gt.gaussian_pdf(x, means, variances)
    assert density.shape == (5, 3)
    expected = stats.norm.pdf(x, loc=means, scale=np.sqrt(variances))
    np.testing.assert_allclose(density, expected, rtol=1e-12)
    assert gt.gaussian_logpdf(x, means, variances).shape == (5, 3)
    assert gt.gaussian_pdf(np.zeros((2, 3, 4)), 0.0, 1.0).shape == (2, 3, 4)
    assert np.ndim(gt.gaussian_pdf(0.5, 0.0, 1.0)) == 0


def test_gaussian_pdf_integrates_to_one():
    x = np.linspace(-12, 14, 200_001)
    assert np.trapezoid(gt.gaussian_pdf(x, 1.0, 2.5), x) == pytest.approx(1.0, abs=1e-10)


def test_gaussian_pdf_rejects_non_broadcasting_shapes_and_bad_variance():
    with pytest.raises(ValueError, match="do not broadcast"):
        gt.gaussian_pdf(np.zeros(3), np.zeros(4), 1.0)
    with pytest.raises(ValueError, match="variance must be > 0"):
        gt.gaussian_pdf(0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="not the standard deviation"):
        gt.gaussian_logpdf(0.0, 0.0, -1.0)


def test_1d_far_points_and_tiny_variances_stay_finite():
    # 1e3 standard deviations away: the density underflows to 0, its log does not.
    logp = gt.gaussian_logpdf(1e3, 0.0, 1.0)
    assert np.isfinite(logp)
    assert logp == pytest.approx(stats.norm.logpdf(1e3), rel=1e-14)
    assert gt.gaussian_pdf(1e3, 0.0, 1.0) == 0.0
    # A variance of 1e-12: a peak of 1/sqrt(2 pi 1e-12) ~ 4e5, still finite.
    peak = gt.gaussian_pdf(0.0, 0.0, 1e-12)
    assert np.isfinite(peak)
    assert peak == pytest.approx(1 / np.sqrt(2 * np.pi * 1e-12), rel=1e-14)
    x = np.array([0.0, 1e-6, 1.0])
    assert np.all(np.isfinite(gt.gaussian_logpdf(x, 0.0, 1e-12)))
    np.testing.assert_allclose(gt.gaussian_logpdf(x, 0.0, 1e-12),
                               stats.norm.logpdf(x, scale=1e-6), rtol=1e-12)


# ----------------------------------------------------------------------------- eqs. (2), (3)
@pytest.mark.parametrize("d", [1, 2, 3, 5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mvn_logpdf_matches_scipy_multivariate_normal(d, seed):
    rng = np.random.default_rng(100 * d + seed)
    mean = rng.normal(0.0, 5.0, size=d)
    cov = random_spd(rng, d)
    X = rng.multivariate_normal(mean, cov, size=60)
    X[:5] += 10.0  # a few points in the tails too
    expected = stats.multivariate_normal(mean, cov).logpdf(X)
    logp = gt.mvn_logpdf(X, mean, cov)
    assert logp.shape == (60,)
    np.testing.assert_allclose(logp, expected, rtol=1e-12)
    np.testing.assert_allclose(gt.mvn_pdf(X, mean, cov),
                               stats.multivariate_normal(mean, cov).pdf(X), rtol=1e-11)


def test_mvn_logpdf_is_the_cholesky_formula_of_eq_3():
    rng = np.random.default_rng(7)
    cov = random_spd(rng, 3)
    mean = rng.normal(size=3)
    X = rng.normal(size=(10, 3))
    L = np.linalg.cholesky(cov)
    z = np.linalg.solve(L, (X - mean).T)
    by_hand = -0.5 * (3 * np.log(2 * np.pi) + (z * z).sum(axis=0)) - np.log(np.diag(L)).sum()
    np.testing.assert_allclose(gt.mvn_logpdf(X, mean, cov), by_hand, rtol=1e-13)
    # eq. (2) written out with the inverse and the determinant
    diff = X - mean
    mahalanobis = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)
    eq2 = np.exp(-0.5 * mahalanobis) / np.sqrt((2 * np.pi) ** 3 * np.linalg.det(cov))
    np.testing.assert_allclose(gt.mvn_pdf(X, mean, cov), eq2, rtol=1e-12)


def test_mvn_logpdf_single_point_and_diagonal_cov_factorise():
    # With a diagonal covariance the d-variate density is the product of 1-D densities.
    mean = np.array([1.0, -2.0, 0.5])
    variances = np.array([0.5, 2.0, 4.0])
    x = np.array([[0.3, -1.0, 2.0]])
    expected = gt.gaussian_logpdf(x[0], mean, variances).sum()
    result = gt.mvn_logpdf(x, mean, np.diag(variances))
    assert result.shape == (1,)
    assert result[0] == pytest.approx(expected, rel=1e-14)


def test_one_dimensional_X_is_n_samples_of_one_feature():
    x = np.linspace(-3, 3, 7)
    for cov in (2.0, [2.0], [[2.0]]):
        logp = gt.mvn_logpdf(x, [0.5], cov)
        assert logp.shape == (7,)
        np.testing.assert_allclose(logp, stats.norm.logpdf(x, 0.5, np.sqrt(2.0)), rtol=1e-13)
    np.testing.assert_allclose(gt.mvn_logpdf(x, 0.5, 2.0), gt.mvn_logpdf(x[:, None], [0.5],
                                                                         [[2.0]]), rtol=0)
    np.testing.assert_allclose(gt.mvn_pdf(x, 0.5, 2.0), gt.gaussian_pdf(x, 0.5, 2.0),
                               rtol=1e-13)
    # a single d-dimensional point must be passed as one row, not as d samples
    with pytest.raises(ValueError, match="reshape"):
        gt.mvn_logpdf(np.array([1.0, 2.0]), np.zeros(2), np.eye(2))
    assert gt.mvn_logpdf(np.array([1.0, 2.0]).reshape(1, -1), np.zeros(2),
                         np.eye(2)).shape == (1,)


@pytest.mark.parametrize("d", [1, 2, 5])
def test_mvn_far_points_give_finite_logpdf(d):
    rng = np.random.default_rng(d)
    cov = random_spd(rng, d)
    mean = rng.normal(size=d)
    # 1e3 standard deviations along the direction of least variance
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    far = mean + 1e3 * np.sqrt(eigenvalues[0]) * eigenvectors[:, 0]
    logp = gt.mvn_logpdf(far[np.newaxis], mean, cov)[0]
    assert np.isfinite(logp)
    expected = -0.5 * (d * np.log(2 * np.pi) + 1e6) - 0.5 * np.log(eigenvalues).sum()
    assert logp == pytest.approx(expected, rel=1e-9)
    assert logp == pytest.approx(stats.multivariate_normal(mean, cov).logpdf(far), rel=1e-9)
    assert gt.mvn_pdf(far[np.newaxis], mean, cov)[0] == 0.0  # underflow, not NaN


@pytest.mark.parametrize("d", [1, 2, 3])
def test_mvn_tiny_variances_give_finite_values(d):
    cov = 1e-12 * np.eye(d)
    mean = np.full(d, 3.0)
    X = mean + np.array([[0.0] * d, [1e-6] * d, [1e-3] * d])
    logp = gt.mvn_logpdf(X, mean, cov)
    assert np.all(np.isfinite(logp))
    np.testing.assert_allclose(logp, stats.multivariate_normal(mean, cov).logpdf(X),
                               rtol=1e-12)
    density = gt.mvn_pdf(X[:1], mean, cov)
    assert np.isfinite(density[0]) and density[0] == pytest.approx(
        (2 * np.pi * 1e-12) ** (-d / 2), rel=1e-12)


def test_mvn_pdf_integrates_to_one_in_2d():
    cov = np.array([[1.0, 0.6], [0.6, 2.0]])
    grid = np.linspace(-9, 9, 601)
    gx, gy = np.meshgrid(grid, grid)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    density = gt.mvn_pdf(points, [0.0, 0.0], cov).reshape(gx.shape)
    step = grid[1] - grid[0]
    assert density.sum() * step * step == pytest.approx(1.0, abs=1e-8)


# ----------------------------------------------------------------------------- Cholesky
def test_cholesky_factor_is_lower_triangular_and_reconstructs_cov():
    rng = np.random.default_rng(3)
    for d in (1, 2, 4):
        cov = random_spd(rng, d)
        L = gt.cholesky_factor(cov)
        assert np.allclose(np.triu(L, 1), 0.0)
        assert np.all(np.diag(L) > 0)
        np.testing.assert_allclose(L @ L.T, cov, rtol=1e-12, atol=1e-14)


def test_cholesky_factor_explains_each_failure():
    with pytest.raises(ValueError, match=r"square \(d, d\)"):
        gt.cholesky_factor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="symmetric"):
        gt.cholesky_factor(np.array([[1.0, 0.5], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="not positive definite.*reg_covar"):
        gt.cholesky_factor(np.array([[1.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="smallest eigenvalue -1"):
        gt.cholesky_factor(np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="NaN"):
        gt.cholesky_factor(np.array([[1.0, np.nan], [np.nan, 1.0]]))


def test_mvn_logpdf_rejects_mismatched_mean_and_cov():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="mean has 3 entries but X has 2 feature"):
        gt.mvn_logpdf(X, np.zeros(3), np.eye(2))
    with pytest.raises(ValueError, match=r"cov must have shape \(2, 2\)"):
        gt.mvn_logpdf(X, np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match="positive definite"):
        gt.mvn_logpdf(X, np.zeros(2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        gt.mvn_logpdf(X, np.array([0.0, np.nan]), np.eye(2))
