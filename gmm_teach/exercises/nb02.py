"""Notebook 02's exercises: the log density (2.2) and the principal axes of a covariance.

The model answers below are the notebook's hidden solution cells, character for character
(tests/test_exercises_nb02.py compares them). The log density is judged against 50-digit
values with a tolerance of a small multiple of eps times the condition number of the
covariance: any backward-stable route (Cholesky, solve + slogdet, eigh, scipy.stats) passes.
Log space is taught where the naive route really fails: a point 80 standard deviations away,
whose density underflows to 0, and covariances at the scale 1e-110 or 1e+110, whose
determinant underflows to 0 or overflows to inf.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from . import exact as hp
from .engine import EPS, Case, Exercise, Mistake, Output, non_finite_on

__all__ = ["mvn_logpdf", "ellipse_axes", "MVN_LOGPDF", "ELLIPSE_AXES"]


# ============================================================================ model answers
def mvn_logpdf(X, mean, cov):
    d = len(mean)
    L = np.linalg.cholesky(cov)                               # cov = L L^T
    z = linalg.solve_triangular(L, (X - mean).T, lower=True)  # (d, N), z = L^-1 (x - mu)
    return -0.5 * (d * np.log(2 * np.pi) + np.sum(z ** 2, axis=0)) - np.sum(np.log(np.diag(L)))


def ellipse_axes(cov, n_std):
    eigenvalues, V = np.linalg.eigh(cov)            # ascending; eigenvectors are the COLUMNS
    lengths = 2 * n_std * np.sqrt(eigenvalues[::-1])  # full axis lengths, largest first
    axes = V[:, ::-1]                               # column i: the direction of axis i
    return lengths, axes


# ============================================================================ cases
def random_covariance(rng: np.random.Generator, d: int, ratio: float = 0.0) -> np.ndarray:
    """A random SPD matrix; with ratio > 0, eigenvalues spread over 1 .. 1/ratio."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    if ratio:
        eigenvalues = np.geomspace(1.0, ratio, d) * rng.uniform(1.0, 2.0)
    else:
        eigenvalues = rng.uniform(0.3, 3.0, size=d)
    cov = (Q * eigenvalues) @ Q.T
    return 0.5 * (cov + cov.T)


@hp.exact
def logpdf_case(description: str, X, mean, cov, kind: str = "ordinary") -> Case:
    d = len(mean)
    expected = hp.to_float(hp.log_gaussian(X, mean, cov))
    log_det, distances = hp.log_det_and_mahalanobis(X, mean, cov)
    q = hp.to_float(distances)
    kappa = np.linalg.cond(cov)
    # every term's rounding: d log 2 pi, log|cov| (error about d kappa eps) and the squared
    # distance (relative error about kappa eps), plus the subtraction x - mean
    scale = np.abs(X).max(axis=1) + np.abs(mean).max()
    reach = np.sqrt(q) * scale / np.maximum(np.abs(X - mean).max(axis=1), 1e-300)
    tolerance = 32 * EPS * (d * np.log(2 * np.pi) + abs(float(log_det)) + d * kappa
                            + (q + reach) * kappa)
    return Case(description, (X, mean, cov), (expected,), (tolerance,), {"kind": kind})


def logpdf_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for N, d in [(6, 2), (5, 3), (4, 1)]:
        mean, cov = rng.normal(0, 2, size=d), random_covariance(rng, d)
        X = rng.multivariate_normal(mean, cov, size=N)
        cases.append(logpdf_case(f"on {N} points in d = {d} dimensions", X, mean, cov))
    mean, cov = rng.normal(0, 2, size=2), random_covariance(rng, 2)
    directions = rng.normal(size=(4, 2))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    X = mean + 80 * np.sqrt(np.linalg.eigvalsh(cov).max()) * directions
    cases.append(logpdf_case("on points 80 standard deviations from the mean", X, mean, cov,
                             "far"))
    for scale, words in [(1e-110, "tiny"), (1e110, "huge")]:
        mean = rng.normal(0, 2, size=3) * np.sqrt(scale)
        cov = random_covariance(rng, 3) * scale
        X = rng.multivariate_normal(np.zeros(3), cov / scale, size=4) * np.sqrt(scale) + mean
        cases.append(logpdf_case(f"on a {words} covariance (entries near {scale:.0e}, as data "
                                 "in other units give; its determinant is "
                                 f"{'below' if scale < 1 else 'above'} float64's range)",
                                 X, mean, cov, "scale"))
    mean, cov = rng.normal(0, 2, size=3), random_covariance(rng, 3, ratio=1e-8)
    X = rng.multivariate_normal(mean, cov, size=5)
    cases.append(logpdf_case("on a nearly singular covariance (condition number near 1e8)",
                             X, mean, cov))
    return cases


# ============================================================================ mistakes
def _terms(case: Case):
    X, mean, cov = case.args
    diff = X - mean
    quad = np.einsum("ij,ij->i", diff, np.linalg.solve(cov, diff.T).T)
    return len(mean), quad, np.linalg.slogdet(cov)[1], np.log(2 * np.pi)


def _logpdf(combine):
    def variant(case):
        d, quad, log_det, log2pi = _terms(case)
        return combine(d, quad, log_det, log2pi)
    return variant


def _all_pairs(case: Case):
    X, mean, cov = case.args
    diff = X - mean
    d, _, log_det, log2pi = _terms(case)
    return -0.5 * (d * log2pi + log_det + diff @ np.linalg.solve(cov, diff.T))


LOGPDF_MISTAKES = (
    Mistake("the log density of a far point is a finite (very negative) number, but you "
            "return -inf or NaN: its density exp(-|z|^2 / 2) underflows to 0 and log(0) = "
            "-inf. Never compute the density and take its log: stay in log space, (2.2).",
            test=non_finite_on("far"), early=True),
    Mistake("the determinant of this covariance is below (or above) the range of float64: "
            "`np.linalg.det` returns 0 (or inf) and its log is -inf (or inf), although "
            "log|Sigma| itself is an ordinary number. Get log|Sigma| without the determinant: "
            "2 sum_i log L_ii with the Cholesky factor L, as in (2.2), or `np.linalg.slogdet`.",
            test=non_finite_on("scale"), early=True),
    Mistake("you returned an (N, N) matrix of all pairs (x_n - mu)^T Sigma^-1 (x_m - mu); "
            "only its diagonal is needed. Sum over the features instead, e.g. "
            "`np.sum(z**2, axis=0)` with z = L^-1 (X - mean)^T.", _all_pairs),
    Mistake("the values are right but return a flat array of shape (N,), one number per row "
            "of X (not a column).", lambda case: case.expected[0].reshape(-1, 1)),
    Mistake("the exponent must use the precision Sigma^-1, not the covariance Sigma: "
            "(x - mu)^T Sigma^-1 (x - mu) = |z|^2 with z = L^-1 (x - mu).",
            lambda case: -0.5 * (_terms(case)[0] * _terms(case)[3] + _terms(case)[2]
                                 + np.einsum("ij,jk,ik->i", case.args[0] - case.args[1],
                                             case.args[2], case.args[0] - case.args[1]))),
    Mistake("the squared distance needs the factor -1/2: -1/2 (x - mu)^T Sigma^-1 (x - mu).",
            _logpdf(lambda d, q, ld, c: -0.5 * (d * c + ld) - q)),
    Mistake("the sign of the squared-distance term is wrong: it is -1/2 (x - mu)^T "
            "Sigma^-1 (x - mu), so points far from the mean get lower values.",
            _logpdf(lambda d, q, ld, c: -0.5 * (d * c + ld) + 0.5 * q)),
    Mistake("you forgot the log-determinant term -1/2 log|Sigma| = -sum_i log L_ii.",
            _logpdf(lambda d, q, ld, c: -0.5 * (d * c + q))),
    Mistake("the log-determinant term is -1/2 log|Sigma| = -sum_i log L_ii; you have the "
            "whole log|Sigma| (forgot the 1/2, or summed log L_ii twice).",
            _logpdf(lambda d, q, ld, c: -0.5 * (d * c + q) - ld)),
    Mistake("the log-determinant term has the wrong sign: it is -1/2 log|Sigma| = "
            "-sum_i log L_ii.", _logpdf(lambda d, q, ld, c: -0.5 * (d * c + q) + 0.5 * ld)),
    Mistake("the normalising constant is -d/2 log(2 pi): one log(2 pi) per dimension.",
            _logpdf(lambda d, q, ld, c: -0.5 * (c + ld + q))),
    Mistake("you forgot the normalising constant -d/2 log(2 pi) (and so the density does not "
            "integrate to 1).", _logpdf(lambda d, q, ld, c: -0.5 * (ld + q))),
    Mistake("you forgot the normalising terms -d/2 log(2 pi) - 1/2 log|Sigma|; only the "
            "squared distance is left.", _logpdf(lambda d, q, ld, c: -0.5 * q)),
    Mistake("you returned the density; return its log, (2.2), which stays finite for far "
            "points.", lambda case: np.exp(case.expected[0])),
)

MVN_LOGPDF = Exercise(
    name="mvn_logpdf", reference=mvn_logpdf, argument_names=("X", "mean", "cov"),
    cases=logpdf_cases, output=Output(("the log densities",), "return the log densities"),
    mistakes=LOGPDF_MISTAKES,
    task="write the log density (2.2), one value per row of X.",
    correct="your log densities equal (2.2) on 7 fresh random cases: d = 1, 2 and 3, points "
            "80 standard deviations away, covariances at the scales 1e-110 and 1e+110, and a "
            "nearly singular covariance (judged against 50-digit values, allowing the error "
            "its condition number implies for any method).",
    general_hint="your log densities differ from (2.2). Check each term: -d/2 log(2 pi), "
                 "-1/2 log|Sigma| and -1/2 (x - mu)^T Sigma^-1 (x - mu).",
    error_hints=(("matrix is not positive definite", "the covariance is positive definite "
                  "here; did you pass something else to `np.linalg.cholesky`?"),))


# ============================================================================ ellipse_axes
def axes_case(description: str, rng: np.random.Generator, d: int, n_std: float) -> Case:
    """A d x d covariance with eigenvalues at least a factor 2 apart and tilted axes."""
    ratios = np.cumprod(rng.uniform(2.0, 5.0, size=d - 1))
    eigenvalues = rng.uniform(0.2, 1.5) * np.concatenate([[1.0], ratios])
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    cov = (Q * eigenvalues) @ Q.T
    cov = 0.5 * (cov + cov.T)
    # the eigen-decomposition of the float matrix is backward stable: eigenvalues within
    # d eps |cov|, eigenvectors within d eps |cov| / gap
    values, V = np.linalg.eigh(cov)
    values, V = values[::-1], V[:, ::-1]
    top, gap = values[0], np.min(-np.diff(values))
    tol_lengths = 16 * d * EPS * n_std * top / np.sqrt(values) + 8 * EPS * 2 * n_std * np.sqrt(
        values)
    tol_axes = np.full((d, d), 64 * d * EPS * top / gap)
    return Case(description, (cov, n_std), (2 * n_std * np.sqrt(values), V),
                (tol_lengths, tol_axes), {"eigenvalues": values, "V": V})


def axes_cases(rng: np.random.Generator) -> list[Case]:
    return [axes_case("on a tilted 2 x 2 covariance with n_std = 3", rng, 2, 3.0),
            axes_case("on a 3 x 3 covariance with n_std = 2.5", rng, 3, 2.5),
            axes_case("on a 3 x 3 covariance with n_std = 1.5", rng, 3, 1.5)]


def _signs_fixed(values: tuple, case: Case) -> tuple:
    """Each direction (a column) turned to point like the answer's: an axis has no sign."""
    lengths, axes = values
    target = case.expected[1]
    if axes.shape != target.shape:
        return values
    signs = np.where(np.sum(axes * target, axis=0) < 0, -1.0, 1.0)
    return lengths, axes * signs


def _lengths(scale_of):
    def test(values, case):
        lengths = values[0]
        target = scale_of(case.data["eigenvalues"], case.args[1])
        return lengths.shape == target.shape and np.allclose(lengths, target, rtol=1e-9)
    return test


def _parallel(axes: np.ndarray, target: np.ndarray) -> bool:
    """The same columns up to sign (an axis has no direction)."""
    if axes.shape != target.shape:
        return False
    signs = np.where(np.sum(axes * target, axis=0) < 0, -1.0, 1.0)
    return bool(np.allclose(axes * signs, target, atol=1e-9))


def _axes_are(columns_of):
    """The lengths are right and the directions are columns_of(V), a wrong arrangement."""
    def test(values, case):
        lengths, axes = values
        target = columns_of(case.data["V"][:, ::-1])        # V as eigh returns it
        return (np.allclose(lengths, case.expected[0], rtol=1e-9)
                and not _parallel(target, case.expected[1]) and _parallel(axes, target))
    return test


AXES_MISTAKES = (
    Mistake("your directions are the ROWS of V, but `np.linalg.eigh` returns the eigenvectors "
            "as the COLUMNS: axis i's direction is `V[:, i]` (with the order reversed, "
            "`V[:, ::-1]`). In 2 x 2 the two can agree by chance; in 3 x 3 they do not.",
            test=_axes_are(lambda V: V[::-1].T)),
    Mistake("your directions are the ROWS of V (reversed), but `np.linalg.eigh` returns the "
            "eigenvectors as the COLUMNS: axis i's direction is `V[:, ::-1][:, i]`.",
            test=_axes_are(lambda V: V[:, ::-1].T)),
    Mistake("your directions are the reversed rows; `np.linalg.eigh` returns the eigenvectors "
            "as the COLUMNS of V, so reverse the columns: `V[:, ::-1]`, not `V[::-1]`.",
            test=_axes_are(lambda V: V[::-1])),
    Mistake("the lengths are in ascending order: `np.linalg.eigh` sorts the eigenvalues "
            "smallest first; reverse them (`[::-1]`), and the columns of V with them.",
            test=lambda values, case: _lengths(lambda lam, s: 2 * s * np.sqrt(lam[::-1]))(
                values, case) and _parallel(values[1], case.data["V"][:, ::-1])),
    Mistake("the lengths are largest first, but the directions are not: reorder the columns "
            "of V the same way, `V[:, ::-1]`.", test=_axes_are(lambda V: V)),
    Mistake("those are the semi-axes. The full axis lengths are 2 n_std sqrt(lambda_i).",
            test=_lengths(lambda lam, s: s * np.sqrt(lam))),
    Mistake("you used the eigenvalues (variances) where their square roots (standard "
            "deviations) belong: 2 n_std sqrt(lambda_i).",
            test=_lengths(lambda lam, s: 2 * s * lam)),
    Mistake("n_std multiplies the standard deviation: 2 n_std sqrt(lambda_i), not "
            "2 sqrt(n_std lambda_i).", test=_lengths(lambda lam, s: 2 * np.sqrt(s * lam))),
    Mistake("you forgot n_std: the n_std-sigma ellipse has axes 2 n_std sqrt(lambda_i).",
            test=_lengths(lambda lam, s: 2 * np.sqrt(lam))),
    Mistake("the lengths come from the diagonal of the covariance; a tilted ellipse's axes "
            "come from its eigenvalues (`np.linalg.eigh`), not from Sigma_11, Sigma_22, ...",
            test=lambda values, case: values[0].shape == (len(case.args[0]),) and np.allclose(
                np.sort(values[0]), np.sort(2 * case.args[1] * np.sqrt(np.diag(case.args[0]))),
                rtol=1e-9)),
    Mistake("sort the axes largest first: `np.linalg.eig` returns the eigenvalues in no "
            "particular order (use `np.linalg.eigh` for a symmetric matrix: ascending, then "
            "reverse).",
            test=lambda values, case: values[0].shape == case.expected[0].shape and np.allclose(
                np.sort(values[0]), np.sort(case.expected[0]), rtol=1e-9)
            and not np.allclose(values[0], case.expected[0][::-1], rtol=1e-9)),
)

ELLIPSE_AXES = Exercise(
    name="ellipse_axes", reference=ellipse_axes, argument_names=("cov", "n_std"),
    cases=axes_cases, output=Output(("lengths", "axes"), "return lengths, axes"),
    mistakes=AXES_MISTAKES, normalise=_signs_fixed,
    task="return the full axis lengths (largest first) and the axis directions (columns).",
    correct="your axes equal the eigen-decomposition's on 3 fresh random covariances (2 x 2 "
            "with n_std = 3, 3 x 3 with n_std = 2.5 and 1.5); directions are compared up to "
            "sign, since an axis has no direction.",
    general_hint="the lengths are 2 n_std sqrt(lambda_i) for the eigenvalues lambda_i of cov, "
                 "largest first, and column i of `axes` is the unit eigenvector of lambda_i.")
