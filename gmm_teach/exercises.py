"""Exercises with instant feedback, for the "Exercises" section of notebooks 01-05.

Each ``check_*`` function runs the student's function on a few fresh random cases, compares
it with the reference solution (a model answer, printed by ``solution(name)``) and answers
with a ``Feedback``: truthy when correct, shown as one short message, "Correct: ..." or a hint
for the mistake the output matches. The hints are found by computing the usual wrong variants
(forgot the weights, variance for standard deviation, divided by N instead of N_k, ...) on the
same case and seeing which one the student's output equals. Messages never contain random
numbers, so a notebook that shows them is the same on every run.

    >>> from gmm_teach import exercises
    >>> exercises.check_gaussian_pdf(exercises.reference("gaussian_pdf"))
    Correct: ...
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy import linalg

import gmm_teach as gt

from .params import GMMParams

__all__ = [
    "Feedback",
    "EXERCISE_NAMES",
    "check_gaussian_pdf",
    "check_mle_gaussian",
    "check_mvn_logpdf",
    "check_ellipse_axes",
    "check_responsibility_by_hand",
    "check_e_step",
    "check_m_step_means",
    "check_m_step_covariances",
    "check_stopping_rule",
    "check_bic",
    "reference",
    "solution",
]


# ============================================================================ reference solutions
# The model answers: short, one equation per line, as a student could write them.

def gaussian_pdf(x, mean, variance):
    """N(x | mean, variance), eq. (1), elementwise: x, mean and variance broadcast together."""
    return np.exp(-((x - mean) ** 2) / (2 * variance)) / np.sqrt(2 * np.pi * variance)


def mle_gaussian(x):
    """Maximum-likelihood (mean, variance) of the samples x, shape (N,).

    The ML variance divides by N (not N - 1): it is the biased estimate.
    """
    N = len(x)
    mean = np.sum(x) / N
    variance = np.sum((x - mean) ** 2) / N
    return mean, variance


def mvn_logpdf(X, mean, cov):
    """log N(x_n | mean, cov) for each row of X (N, d), by eq. (3). Returns (N,).

    With cov = L L^T (Cholesky) and z_n = L^-1 (x_n - mean):
    log N = -1/2 (d log 2 pi + |z_n|^2) - sum_i log L_ii.
    No inverse and no determinant: accurate even when cov is nearly singular.
    """
    d = len(mean)
    L = np.linalg.cholesky(cov)                                    # cov = L @ L.T
    z = linalg.solve_triangular(L, (X - mean).T, lower=True)       # (d, N)
    squared_distance = np.sum(z**2, axis=0)                        # (N,) Mahalanobis^2
    half_log_det = np.sum(np.log(np.diag(L)))                      # 1/2 log |cov|
    return -0.5 * (d * np.log(2 * np.pi) + squared_distance) - half_log_det


def ellipse_axes(cov, n_std):
    """(width, height, angle) of the n_std-sigma ellipse of a 2 x 2 covariance.

    cov = V diag(lambda) V^T with the eigenvectors as the COLUMNS of V (np.linalg.eigh,
    eigenvalues ascending). Full axis lengths 2 n_std sqrt(lambda_i); width along the largest
    eigenvalue; angle of that eigenvector from the x axis in degrees, in [-90, 90).
    """
    eigenvalues, V = np.linalg.eigh(cov)                           # ascending
    width = 2 * n_std * np.sqrt(eigenvalues[1])                    # major axis, full length
    height = 2 * n_std * np.sqrt(eigenvalues[0])                   # minor axis
    major = V[:, 1]                                                # a column, not a row
    angle = np.degrees(np.arctan2(major[1], major[0]))
    return width, height, (angle + 90) % 180 - 90                  # an axis has no direction


def responsibility_by_hand(x, weights, means, variances):
    """Posterior p(z = k | x) of ONE scalar point x under a 1-D mixture, eq. (5). Returns (K,).

    weights, means, variances: (K,). Computed in log space with the log-sum-exp trick, so a
    point far from every component still gets finite probabilities.
    """
    log_weighted = (np.log(weights)                                # log pi_k
                    - 0.5 * np.log(2 * np.pi * variances)          # + log N(x | mu_k, var_k)
                    - (x - means) ** 2 / (2 * variances))
    log_weighted = log_weighted - np.max(log_weighted)             # largest term -> exp(0) = 1
    weighted = np.exp(log_weighted)
    return weighted / np.sum(weighted)                             # Bayes' rule


def e_step(X, params):
    """Responsibilities gamma_nk, eq. (5), for X (N, d) and a GMMParams. Returns (N, K).

    Row n is p(z_n = k | x_n): pi_k N(x_n | k) normalised over k, computed in log space.
    """
    N, K = len(X), params.n_components
    log_weighted = np.empty((N, K))
    for k in range(K):
        log_weighted[:, k] = (np.log(params.weights[k])
                              + gt.mvn_logpdf(X, params.means[k], params.covariances[k]))
    log_weighted -= log_weighted.max(axis=1, keepdims=True)       # log-sum-exp, row by row
    weighted = np.exp(log_weighted)
    return weighted / weighted.sum(axis=1, keepdims=True)          # each row sums to 1


def m_step_means(X, resp):
    """New means mu_k = (1/N_k) sum_n gamma_nk x_n, eqs. (7) and (8).

    X: (N, d); resp: (N, K). Returns (K, d).
    """
    N_k = resp.sum(axis=0)                                         # (K,), eq. (7)
    return (resp.T @ X) / N_k[:, np.newaxis]                       # (K, d), eq. (8)


def m_step_covariances(X, resp, means):
    """New covariances Sigma_k = (1/N_k) sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T, eq. (9)
    without reg_covar.

    X: (N, d); resp: (N, K); means: (K, d), the new means from eq. (8). Returns (K, d, d).
    """
    K, d = means.shape
    N_k = resp.sum(axis=0)
    covariances = np.empty((K, d, d))
    for k in range(K):
        diff = X - means[k]                                        # (N, d), centred on mu_k
        covariances[k] = (resp[:, k] * diff.T) @ diff / N_k[k]     # weighted outer products
    return covariances


def stopping_rule(mean_log_likelihoods, tol):
    """The 1-based iteration at which scikit-learn's EM stops, or None if it never does.

    It stops at the first iteration i whose mean log-likelihood l_i differs from the previous
    one by less than tol in absolute value; before the first iteration l_0 = -inf.
    """
    previous = -np.inf
    for iteration, current in enumerate(mean_log_likelihoods, start=1):
        if abs(current - previous) < tol:
            return iteration
        previous = current
    return None


def bic(X, params):
    """Bayesian information criterion -2 log L + p log N, as scikit-learn computes it.

    log L is the TOTAL log-likelihood (N times eq. (6)); p counts the free parameters of a
    mixture with full covariances: K - 1 weights, K d means, K d (d + 1) / 2 covariances.
    """
    N, d = X.shape
    K = params.n_components
    log_likelihood = np.sum(gt.sample_log_likelihood(X, params))
    n_parameters = (K - 1) + K * d + K * d * (d + 1) // 2
    return -2 * log_likelihood + n_parameters * np.log(N)


_REFERENCES: dict[str, Callable] = {
    "gaussian_pdf": gaussian_pdf,
    "mle_gaussian": mle_gaussian,
    "mvn_logpdf": mvn_logpdf,
    "ellipse_axes": ellipse_axes,
    "responsibility_by_hand": responsibility_by_hand,
    "e_step": e_step,
    "m_step_means": m_step_means,
    "m_step_covariances": m_step_covariances,
    "stopping_rule": stopping_rule,
    "bic": bic,
}
EXERCISE_NAMES = tuple(_REFERENCES)


def reference(name: str) -> Callable:
    """The reference (model answer) function of exercise `name`, e.g. reference("e_step")."""
    if name not in _REFERENCES:
        raise ValueError(f"unknown exercise {name!r}; the exercises are {EXERCISE_NAMES}.")
    return _REFERENCES[name]


def solution(name: str) -> str:
    """The source code of the reference solution of exercise `name`, for display."""
    return inspect.getsource(reference(name))


# ============================================================================ feedback
def _markdown_escape(text: str) -> str:
    """Escape markdown in the text outside `code spans`."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"([\\*_\[\]<>#|])", r"\\\1", parts[i])
    return "`".join(parts)


@dataclass(frozen=True)
class Feedback:
    """The answer of a check: `correct` and one short `message`. Truthy when correct."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        head, _, rest = self.message.partition(":")
        return f"**{head}:**{_markdown_escape(rest)}"


def _correct(what: str) -> Feedback:
    return Feedback(True, f"Correct: {what}")


def _hint(text: str) -> Feedback:
    return Feedback(False, f"Not yet: {text}")


# ============================================================================ machinery
_FLOAT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?")


def _exception_feedback(error: Exception, extra_hints: Iterable[tuple[str, str]] = ()) -> Feedback:
    """A hint naming the exception type and message (decimals removed: they vary by run)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = _FLOAT.sub("...", text)
    if len(text) > 160:
        text = text[:157] + "..."
    name = type(error).__name__
    advice = "read the message, then test your function on a small example"
    lowered = f"{name}: {text}".lower()
    for pattern, hint in (*extra_hints, *_COMMON_ERROR_HINTS):
        if pattern in lowered:
            advice = hint
            break
    said = f"{name}: {text}" if text else name
    return Feedback(False, f"Error: your function raised {said}. Hint: {advice}.")


_COMMON_ERROR_HINTS = (
    ("can be converted to python scalars",
     "use numpy's functions (`np.exp`, `np.sqrt`, `np.log`), which work elementwise on "
     "arrays; `math.exp` and friends accept only single numbers"),
    ("could not be broadcast", "two arrays have shapes that do not fit together; print the "
     "`.shape` of each intermediate array and compare with the shapes in the docstring"),
    ("matmul", "the shapes in a matrix product `A @ B` do not fit: A's last axis must match "
     "B's first; print the `.shape` of both"),
    ("not aligned", "the shapes in a matrix product do not fit; print the `.shape` of both"),
    ("nonetype", "some variable is None; did a helper function forget its `return`?"),
)


def _copy_args(args: tuple) -> tuple:
    """Fresh copies of the array arguments, so the student's function cannot change ours."""
    return tuple(np.array(a) if isinstance(a, np.ndarray) else a for a in args)


def _run(f: Callable, args: tuple):
    """Call f(*args) quietly: numpy's overflow/invalid warnings become part of the hint."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return f(*_copy_args(args))


def _quiet(function: Callable, *args):
    """A variant computed without warnings (they may divide 0 by 0 on purpose)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*args)


RTOL = 1e-9


def _close(output: np.ndarray, expected) -> bool:
    """Same shape and equal to RTOL (relative to the largest expected entry)."""
    expected = np.asarray(expected, dtype=float)
    if output.shape != expected.shape:
        return False
    scale = max(1e-300, float(np.max(np.abs(expected), initial=0.0)))
    with np.errstate(all="ignore"):
        return bool(np.allclose(output, expected, rtol=RTOL, atol=RTOL * scale))


def _as_numbers(output, what: str):
    """The output as a float array, or a Feedback saying why it is not one."""
    if output is None:
        return _hint(f"your function returned None. Did you forget the `return` line ({what})?")
    try:
        return np.asarray(output, dtype=float)
    except (TypeError, ValueError):
        return _hint(f"your function returned a {type(output).__name__}, which is not an "
                     f"array of numbers; return {what}.")


def _numbers_returned(output, count: str, statement: str):
    """The output as a 1-D float array of `count` ("two", "three") numbers, or a Feedback
    saying how to return them with `statement` (e.g. "return mean, variance")."""
    size = {"two": 2, "three": 3}[count]
    if output is None:
        return _hint(f"your function returned None. Did you forget `{statement}`?")
    try:
        values = np.asarray(output, dtype=float)
    except (TypeError, ValueError):
        values = None
    if values is None or values.shape != (size,):
        returned = (f"a {type(output).__name__}" if values is None
                    else f"something of shape {_shape_text(values.shape)}")
        return _hint(f"return {count} numbers, `{statement}` (a tuple), not {returned}.")
    return values


def _first_match(output: np.ndarray, variants: Iterable[tuple[Callable, str]]) -> str | None:
    """The hint of the first wrong variant (a function of no arguments) the output equals."""
    for variant, hint in variants:
        try:
            value = np.asarray(_quiet(variant), dtype=float)
        except (ValueError, FloatingPointError, ZeroDivisionError, linalg.LinAlgError):
            continue
        if _close(output, value):
            return hint
    return None


def _check(f: Callable, cases: list, expected_of: Callable, diagnose: Callable,
           not_attempted: str, correct: str, extra_error_hints=()) -> Feedback:
    """Run f on every case, diagnose the first wrong one, or say "Correct"."""
    if not callable(f):
        return _hint(f"pass your function itself (its name, without parentheses), not a "
                     f"{type(f).__name__}.")
    for case in cases:
        try:
            output = _run(f, case["args"])
        except NotImplementedError:
            return Feedback(False, f"Not attempted yet: {not_attempted} Replace the line "
                                   "`raise NotImplementedError(...)` with your code and run "
                                   "the cell again.")
        except Exception as error:  # noqa: BLE001 - every student error becomes a hint
            return _exception_feedback(error, extra_error_hints)
        feedback = diagnose(output, expected_of(*case["args"]), case)
        if feedback is not None:
            return feedback
    return _correct(correct)


def _random_variance(rng: np.random.Generator) -> float:
    """A variance well away from 1, so variance and standard deviation differ clearly."""
    return float(rng.choice([rng.uniform(0.15, 0.5), rng.uniform(2.0, 6.0)]))


def _random_covariance(rng: np.random.Generator, d: int) -> np.ndarray:
    A = rng.normal(size=(d, d))
    return A @ A.T + rng.uniform(0.3, 1.0) * np.eye(d)


def _random_params(rng: np.random.Generator, K: int, d: int) -> GMMParams:
    weights = rng.dirichlet(np.full(K, 3.0))
    means = rng.normal(0.0, 3.0, size=(K, d))
    covariances = np.array([_random_covariance(rng, d) for _ in range(K)])
    return GMMParams(weights, means, covariances)


def _random_resp(rng: np.random.Generator, N: int, K: int) -> np.ndarray:
    return rng.dirichlet(np.full(K, 0.7), size=N)


def _shape_text(shape: tuple) -> str:
    return str(tuple(int(n) for n in shape))


# ============================================================================ 01: 1-D density
def check_gaussian_pdf(f: Callable, *, seed=None) -> Feedback:
    """Check f(x, mean, variance) -> N(x | mean, variance), eq. (1), elementwise."""
    rng = np.random.default_rng(seed)
    cases = []
    for shape in [(8,), (3, 4)]:
        mean, variance = rng.normal(0, 2), _random_variance(rng)
        x = mean + np.sqrt(variance) * rng.uniform(-2.5, 2.5, size=shape)
        cases.append({"args": (x, mean, variance)})
    means = rng.normal(0, 2, size=5)
    variances = np.array([_random_variance(rng) for _ in range(5)])
    x = means + np.sqrt(variances) * rng.uniform(-2.5, 2.5, size=5)
    cases.append({"args": (x, means, variances)})

    def diagnose(output, expected, case):
        output = _as_numbers(output, "the densities, an array shaped like x")
        if isinstance(output, Feedback):
            return output
        if output.shape != expected.shape:
            return _hint(f"for x of shape {_shape_text(expected.shape)} your function returned "
                         f"shape {_shape_text(output.shape)}. Eq. (1) is elementwise: use "
                         "array arithmetic on x, no sums, means or loops that collect values.")
        if _close(output, expected):
            return None
        x, m, v = case["args"]
        sq = (x - m) ** 2

        def density(exponent_variance, normaliser):
            return np.exp(-sq / (2 * exponent_variance)) / normaliser

        good_norm = np.sqrt(2 * np.pi * v)
        variants = [
            (lambda: density(v**2, np.sqrt(2 * np.pi) * v),
             "you used the variance where the standard deviation belongs (it got squared "
             "again). In eq. (1) sigma^2 is `variance` itself: divide the squared distance by "
             "`2 * variance` and normalise by `np.sqrt(2 * np.pi * variance)`."),
            (lambda: density(np.sqrt(v), np.sqrt(2 * np.pi * np.sqrt(v))),
             "you used the standard deviation where the variance belongs. The argument "
             "`variance` is sigma^2 already: do not take its square root inside the formula."),
            (lambda: density(v**2, good_norm),
             "the exponent is wrong: it is -(x - mean)^2 / (2 sigma^2) with sigma^2 = "
             "`variance`; you divided by the variance squared."),
            (lambda: density(np.sqrt(v), good_norm),
             "the exponent is wrong: it is -(x - mean)^2 / (2 sigma^2) with sigma^2 = "
             "`variance`; you divided by its square root."),
            (lambda: density(v, np.sqrt(2 * np.pi) * v),
             "the normalising constant is wrong: it is 1 / sqrt(2 pi sigma^2) = "
             "1 / (sqrt(2 pi) sigma) with sigma = `np.sqrt(variance)`, not the variance."),
            (lambda: density(v, np.sqrt(2 * np.pi * np.sqrt(v))),
             "the normalising constant is wrong: it is 1 / sqrt(2 pi sigma^2), and sigma^2 "
             "is `variance` itself (no extra square root)."),
            (lambda: density(v, 2 * np.pi * v),
             "the normalising constant needs a square root: 1 / sqrt(2 pi sigma^2)."),
            (lambda: density(v, 1.0),
             "you forgot the normalising constant 1 / sqrt(2 pi sigma^2) in front of the "
             "exponential, so the density does not integrate to 1."),
            (lambda: np.exp(-sq / v) / good_norm,
             "the exponent needs the factor 1/2: -(x - mean)^2 / (2 variance)."),
            (lambda: np.exp(sq / (2 * v)) / good_norm,
             "the exponent must be negative: exp(-(x - mean)^2 / (2 variance))."),
            (lambda: np.log(expected),
             "you returned the log-density; eq. (1) is the density itself (apply `np.exp`)."),
        ]
        hint = _first_match(output, variants)
        return _hint(hint or "your densities differ from eq. (1). Check each part: the "
                     "squared distance (x - mean)^2, the 2 variance below it, the minus sign, "
                     "and the constant 1 / sqrt(2 pi variance).")

    return _check(f, cases, gaussian_pdf, diagnose,
                  "write the density of eq. (1).",
                  "your function equals eq. (1) on 3 fresh random cases (x of shapes (8,) and "
                  "(3, 4), and arrays of means and variances elementwise).")


def check_mle_gaussian(f: Callable, *, seed=None) -> Feedback:
    """Check f(x) -> (mean, variance), the maximum-likelihood estimates for 1-D samples x."""
    rng = np.random.default_rng(seed)
    cases = [{"args": (rng.normal(rng.normal(0, 5), np.sqrt(_random_variance(rng)), size=n),)}
             for n in (6, 11, 25)]

    def diagnose(output, expected, case):
        values = _numbers_returned(output, "two", "return mean, variance")
        if isinstance(values, Feedback):
            return values
        if _close(values, expected):
            return None
        (x,) = case["args"]
        mean, variance = expected
        N = len(x)
        variants = [
            (lambda: (mean, variance * N / (N - 1)),
             "your variance divides by N - 1 (`ddof=1`, the unbiased estimate). The maximum "
             "likelihood estimate divides by N: `np.var(x)` or `np.mean((x - mean)**2)`."),
            (lambda: (mean, np.sqrt(variance)),
             "you returned the standard deviation; the exercise asks for the variance (its "
             "square)."),
            (lambda: (mean, np.sqrt(variance * N / (N - 1))),
             "you returned the unbiased standard deviation; return the maximum-likelihood "
             "variance, dividing by N."),
            (lambda: (variance, mean),
             "the order is swapped: return `mean, variance`."),
            (lambda: (mean, np.mean(x**2)),
             "your variance is not centred: it is the mean of (x - mean)^2, not of x^2."),
        ]
        if np.isclose(values[0], mean, rtol=RTOL, atol=RTOL):
            hint = _first_match(values, variants)
            return _hint(hint or "your mean is right but the variance is not: the "
                         "maximum-likelihood variance is (1/N) sum_n (x_n - mean)^2.")
        hint = _first_match(values, variants)
        return _hint(hint or "your mean is wrong: the maximum-likelihood mean is the sample "
                     "average (1/N) sum_n x_n.")

    return _check(f, cases, mle_gaussian, diagnose,
                  "return the maximum-likelihood mean and variance of x.",
                  "your estimates equal the maximum-likelihood mean and (biased, divided by N) "
                  "variance on 3 fresh random samples of sizes 6, 11 and 25.")


# ============================================================================ 02: d-variate density
def _ill_conditioned_covariance(rng: np.random.Generator) -> np.ndarray:
    """A 2 x 2 covariance with eigenvalues s and 1e-12 s: a component collapsing onto a line.

    The line is tilted (22.5 to 67.5 degrees), so that inv/det must cancel large terms; they
    then err by 1e-8 relative or more, while eq. (3) stays within 1e-10.
    """
    angle = rng.uniform(np.pi / 8, 3 * np.pi / 8) * rng.choice([-1.0, 1.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    cov = rotation @ np.diag([1.0, 1e-12]) @ rotation.T * rng.uniform(1.0, 3.0)
    return 0.5 * (cov + cov.T)


def check_mvn_logpdf(f: Callable, *, seed=None) -> Feedback:
    """Check f(X, mean, cov) -> (N,) log densities log N(x_n | mean, cov), eq. (3)."""
    rng = np.random.default_rng(seed)
    cases = []
    for N, d in [(6, 2), (5, 3), (4, 1)]:
        mean, cov = rng.normal(0, 2, size=d), _random_covariance(rng, d)
        X = rng.multivariate_normal(mean, cov, size=N)
        cases.append({"args": (X, mean, cov), "kind": "ordinary"})
    mean, cov = rng.normal(0, 2, size=2), _random_covariance(rng, 2)
    directions = rng.normal(size=(4, 2))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    X = mean + 80 * np.sqrt(np.linalg.eigvalsh(cov).max()) * directions
    cases.append({"args": (X, mean, cov), "kind": "far"})
    cov = _ill_conditioned_covariance(rng)
    mean = rng.normal(0, 2, size=2)
    values, vectors = np.linalg.eigh(cov)
    X = mean + rng.normal(size=(5, 2)) * np.sqrt(values) @ vectors.T
    cases.append({"args": (X, mean, cov), "kind": "ill-conditioned"})

    def diagnose(output, expected, case):
        output = _as_numbers(output, "an array of N log densities")
        if isinstance(output, Feedback):
            return output
        X, mean, cov = case["args"]
        N, d = X.shape
        if output.shape == (N, N) and _close(np.diag(output), expected):
            return _hint("you returned an (N, N) matrix of all pairs (x_n - mu)^T Sigma^-1 "
                         "(x_m - mu); only its diagonal is needed. Compute the squared "
                         "distances row by row, e.g. `np.sum(z**2, axis=0)` with z = "
                         "L^-1 (X - mean)^T.")
        if output.shape != expected.shape:
            if output.size == N and _close(output.reshape(N), expected):
                return _hint(f"the values are right but the shape is {_shape_text(output.shape)}"
                             f"; return a flat array of shape ({N},) (one number per row of X).")
            return _hint(f"for X of shape {_shape_text(X.shape)} return shape ({N},), one log "
                         f"density per row; you returned shape {_shape_text(output.shape)}.")
        if _close(output, expected):
            return None
        if not np.all(np.isfinite(output)):
            if case["kind"] == "far":
                return _hint("for points far from the mean you return -inf or NaN, but the log "
                             "density is a finite (very negative) number. Do not compute the "
                             "density and take its log (exp underflows to 0): stay in log "
                             "space with eq. (3).")
            return _hint("your output contains NaN or infinite values; the log density of "
                         "every point is finite. Stay in log space with eq. (3).")
        if case["kind"] == "ill-conditioned":
            return _hint("right for ordinary covariances, but inaccurate for a nearly "
                         "singular one (as EM meets when a component collapses onto a line). "
                         "`np.linalg.inv`, `det` and `solve` lose digits there; use the "
                         "Cholesky factor L (`np.linalg.cholesky`), z = L^-1 (x - mu) with "
                         "`scipy.linalg.solve_triangular`, and sum_i log L_ii, as in eq. (3).")
        diff = X - mean
        quad = np.einsum("ij,ij->i", diff, np.linalg.solve(cov, diff.T).T)
        log_det = np.linalg.slogdet(cov)[1]
        log2pi = np.log(2 * np.pi)
        variants = [
            (lambda: -0.5 * (d * log2pi + log_det + np.einsum("ij,jk,ik->i", diff, cov, diff)),
             "the exponent must use the precision Sigma^-1, not the covariance Sigma: "
             "(x - mu)^T Sigma^-1 (x - mu) = |z|^2 with z = L^-1 (x - mu)."),
            (lambda: -0.5 * (d * log2pi + log_det) - quad,
             "the squared distance needs the factor -1/2: -1/2 (x - mu)^T Sigma^-1 (x - mu)."),
            (lambda: -0.5 * (d * log2pi + log_det) + 0.5 * quad,
             "the sign of the squared-distance term is wrong: it is -1/2 (x - mu)^T "
             "Sigma^-1 (x - mu), so points far from the mean get lower values."),
            (lambda: -0.5 * (d * log2pi + quad),
             "you forgot the log-determinant term -1/2 log|Sigma| = -sum_i log L_ii."),
            (lambda: -0.5 * (d * log2pi + quad) - log_det,
             "the log-determinant term is -1/2 log|Sigma| = -sum_i log L_ii; you have the "
             "whole log|Sigma| (forgot the 1/2)."),
            (lambda: -0.5 * (d * log2pi + quad) + 0.5 * log_det,
             "the log-determinant term has the wrong sign: it is -1/2 log|Sigma| = "
             "-sum_i log L_ii."),
            (lambda: -0.5 * (log2pi + log_det + quad),
             "the constant is -d/2 log(2 pi): one log(2 pi) per dimension."),
            (lambda: -0.5 * (log_det + quad),
             "you forgot the constant -d/2 log(2 pi)."),
            (lambda: np.exp(expected),
             "you returned the density; return its log (eq. (3)), which stays finite for "
             "far points."),
        ]
        hint = _first_match(output, variants)
        return _hint(hint or "your log densities differ from eq. (3). Check each term: "
                     "-d/2 log(2 pi), -1/2 log|Sigma| and -1/2 (x - mu)^T Sigma^-1 (x - mu).")

    return _check(f, cases, mvn_logpdf, diagnose,
                  "write the log density of eq. (3), one value per row of X.",
                  "your log densities equal eq. (3) on 5 fresh random cases: d = 1, 2 and 3, "
                  "points far from the mean, and a nearly singular covariance.",
                  extra_error_hints=[("singular", "one test covariance is nearly singular (as "
                                      "when an EM component collapses onto a line); the "
                                      "Cholesky route of eq. (3) handles it")])


def _covariance_with_axes(rng: np.random.Generator) -> np.ndarray:
    """A 2 x 2 covariance whose axes are tilted 20 to 70 degrees (either way) and whose
    eigenvalues differ by a factor 2 to 6, so that every typical slip changes the answer."""
    angle = rng.uniform(np.radians(20), np.radians(70)) * rng.choice([-1.0, 1.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    small = rng.uniform(0.2, 1.5)
    cov = rotation @ np.diag([small * rng.uniform(2.0, 6.0), small]) @ rotation.T
    return 0.5 * (cov + cov.T)


def check_ellipse_axes(f: Callable, *, seed=None) -> Feedback:
    """Check f(cov, n_std) -> (width, height, angle in degrees) of the n_std-sigma ellipse.

    Angles are compared as axes: a and a + 180 degrees are the same answer.
    """
    rng = np.random.default_rng(seed)
    # n_std = 3 first: there forgetting n_std (x 1) and halving the axes (x 1.5) differ
    cases = [{"args": (_covariance_with_axes(rng), n_std)} for n_std in (3, 1.5, 2)]

    def diagnose(output, expected, case):
        values = _numbers_returned(output, "three", "return width, height, angle")
        if isinstance(values, Feedback):
            return values
        cov, n_std = case["args"]
        eigenvalues, V = np.linalg.eigh(cov)

        def same_axes(size):
            return _close(values[:2], np.asarray(size, dtype=float))

        def same_angle(angle):
            difference = (values[2] - angle + 90.0) % 180.0 - 90.0
            return abs(difference) < 1e-7

        width, height, angle = expected
        if same_axes((width, height)) and same_angle(angle):
            return None
        if not same_axes((width, height)):
            sizes = [
                ((width / 2, height / 2), "those are the semi-axes. The ellipse's full axis "
                 "lengths are 2 n_std sqrt(lambda_i): `width` and `height` are diameters."),
                ((2 * n_std * eigenvalues[1], 2 * n_std * eigenvalues[0]),
                 "you used the eigenvalues (variances) where their square roots (standard "
                 "deviations) belong: 2 n_std sqrt(lambda_i)."),
                ((height, width), "width and height are swapped: np.linalg.eigh returns the "
                 "eigenvalues in ascending order, so the largest is the LAST one."),
                ((2 * np.sqrt(n_std * eigenvalues[1]), 2 * np.sqrt(n_std * eigenvalues[0])),
                 "n_std multiplies the standard deviation: 2 n_std sqrt(lambda_i), not "
                 "2 sqrt(n_std lambda_i)."),
                ((2 * np.sqrt(eigenvalues[1]), 2 * np.sqrt(eigenvalues[0])),
                 "you forgot n_std: the n_std-sigma ellipse has axes 2 n_std sqrt(lambda_i)."),
                ((2 * n_std * np.sqrt(cov[0, 0]), 2 * n_std * np.sqrt(cov[1, 1])),
                 "you used the diagonal of the covariance; a tilted ellipse's axes come from "
                 "its eigenvalues (np.linalg.eigh), not from Sigma_11 and Sigma_22."),
            ]
            for size, hint in sizes:
                if same_axes(size):
                    return _hint(hint)
            return _hint("your width and height are not 2 n_std sqrt(lambda) for the largest "
                         "and the smallest eigenvalue of cov.")
        angles = [
            (same_angle(angle + 90.0), "that is the angle of the MINOR axis: take the "
             "eigenvector of the largest eigenvalue, the last column V[:, 1]."),
            (same_angle(np.degrees(np.arctan2(V[0, 1], V[1, 1]))), "arctan2 takes (y, x): "
             "np.arctan2(v[1], v[0]) for the vector v = (v[0], v[1])."),
            (abs((np.degrees(values[2]) - angle + 90.0) % 180.0 - 90.0) < 1e-7,
             "the angle must be in degrees (matplotlib's Ellipse takes degrees): use "
             "np.degrees."),
        ]
        for matches, hint in angles:
            if matches:
                return _hint(hint)
        return _hint("your axes are right but the angle is not: it is the direction of the "
                     "eigenvector of the largest eigenvalue, np.degrees(np.arctan2(v[1], v[0])).")

    return _check(f, cases, ellipse_axes, diagnose,
                  "return the width, height and angle of the n_std-sigma ellipse.",
                  "your ellipses equal the eigen-decomposition's on 3 fresh tilted "
                  "covariances (n_std = 3, 1.5 and 2).")


# ============================================================================ 03: responsibilities
def _responsibility_hints(output, expected, weighted, densities, log_space_case: bool,
                          axis: int):
    """Shared diagnosis for responsibilities; weighted = pi_k N(x|k), densities = N(x|k)."""
    if not np.all(np.isfinite(output)) and np.all(np.isfinite(expected)):
        if log_space_case:
            return ("for a point far from every component you get NaN or inf: every "
                    "pi_k N(x | k) underflows to 0 and 0/0 is NaN. Work with logs, "
                    "log pi_k + log N(x | k), subtract their maximum before `np.exp` "
                    "(the log-sum-exp trick), then normalise.")
        return "your output contains NaN or infinite values; responsibilities are probabilities."
    if log_space_case:
        return ("right for ordinary points, but not for a point far from every component: "
                "the densities underflow to 0 there. Work with logs, log pi_k + log N(x | k), "
                "subtract their maximum before `np.exp` (the log-sum-exp trick), then normalise.")
    variants = [
        (lambda: weighted,
         "you forgot to normalise: divide pi_k N(x | k) by its sum over the components k, so "
         "that the responsibilities of each point sum to 1 (Bayes' rule, eq. (5))."),
        (lambda: densities / densities.sum(axis=axis, keepdims=True),
         "you forgot the weights: the numerator of eq. (5) is pi_k N(x | k), not N(x | k)."),
        (lambda: np.log(expected),
         "you returned the log responsibilities; apply `np.exp`."),
    ]
    if axis == 1:
        variants.append((lambda: weighted / weighted.sum(axis=0, keepdims=True),
                         "you normalised over the wrong axis: each ROW (one sample, all "
                         "components) must sum to 1, so sum over axis=1 with keepdims=True."))
        variants.append((lambda: np.eye(expected.shape[1])[np.argmax(expected, axis=1)],
                         "you returned hard 0/1 assignments; the E-step gives soft "
                         "probabilities, pi_k N(x_n | k) normalised over k."))
    hint = _first_match(output, variants)
    if hint:
        return hint
    if not np.allclose(output.sum(axis=axis), 1.0, rtol=0, atol=1e-6):
        return ("your responsibilities do not sum to 1 over the components; normalise "
                "pi_k N(x | k) by its sum over k.")
    return ("your responsibilities sum to 1 but have the wrong values. The numerator of "
            "eq. (5) is pi_k N(x | mu_k, sigma_k^2); check the density (variance, not "
            "standard deviation) and the weights.")


def check_responsibility_by_hand(f: Callable, *, seed=None) -> Feedback:
    """Check f(x, weights, means, variances) -> (K,) posterior of one scalar point x."""
    rng = np.random.default_rng(seed)
    cases = []
    for K in (2, 3, 4):
        weights = rng.dirichlet(np.full(K, 3.0))
        means = np.sort(rng.normal(0, 3, size=K))
        variances = np.array([_random_variance(rng) for _ in range(K)])
        x = float(rng.uniform(means.min() - 1, means.max() + 1))
        cases.append({"args": (x, weights, means, variances), "far": False})
    weights = rng.dirichlet(np.full(3, 3.0))
    means = rng.normal(0, 3, size=3)
    variances = np.array([_random_variance(rng) for _ in range(3)])
    x = float(means.max() + 60 * np.sqrt(variances.max()) + rng.uniform(0, 5))
    cases.append({"args": (x, weights, means, variances), "far": True})

    def diagnose(output, expected, case):
        output = _as_numbers(output, "the K responsibilities")
        if isinstance(output, Feedback):
            return output
        K = expected.shape[0]
        if output.shape != expected.shape:
            if output.shape == ():
                return _hint(f"you returned one number; return all K = {K} probabilities "
                             "p(z = k | x), an array of shape (K,), not the most likely k.")
            return _hint(f"return an array of shape ({K},), one probability per component; "
                         f"you returned shape {_shape_text(output.shape)}.")
        if _close(output, expected):
            return None
        x, w, m, v = case["args"]
        densities = np.exp(-((x - m) ** 2) / (2 * v)) / np.sqrt(2 * np.pi * v)
        variants = [
            (lambda: _normalised(w * gaussian_pdf(x, m, np.sqrt(v))),
             "you passed the standard deviation where the density needs the variance: "
             "`variances` already holds sigma_k^2."),
            (lambda: _normalised(w * gaussian_pdf(x, m, v**2)),
             "you squared the variances: `variances` already holds sigma_k^2."),
        ]
        hint = None if case["far"] else _first_match(output, variants)
        return _hint(hint or _responsibility_hints(output, expected, w * densities, densities,
                                                   case["far"], axis=0))

    return _check(f, cases, responsibility_by_hand, diagnose,
                  "return p(z = k | x) for k = 1..K by Bayes' rule (eq. (5)).",
                  "your posteriors equal eq. (5) on 4 fresh random mixtures (K = 2, 3 and 4, "
                  "and a point far from every component).")


def _normalised(values: np.ndarray) -> np.ndarray:
    return values / values.sum()


def check_e_step(f: Callable, *, seed=None) -> Feedback:
    """Check f(X, params) -> (N, K) responsibilities, eq. (5)."""
    rng = np.random.default_rng(seed)
    cases = []
    for N, K, d in [(8, 3, 2), (7, 2, 1), (9, 4, 3)]:
        params = _random_params(rng, K, d)
        labels = rng.integers(K, size=N)
        X = np.array([rng.multivariate_normal(params.means[k], params.covariances[k])
                      for k in labels])
        cases.append({"args": (X, params), "far": False})
    params = _random_params(rng, 3, 2)
    X = rng.multivariate_normal(params.means[0], params.covariances[0], size=5)
    X[2] = params.means.max(axis=0) + 200 * np.sqrt(params.covariances.max())
    cases.append({"args": (X, params), "far": True})

    def diagnose(output, expected, case):
        output = _as_numbers(output, "the (N, K) matrix of responsibilities")
        if isinstance(output, Feedback):
            return output
        N, K = expected.shape
        if output.shape != expected.shape:
            if output.shape == (K, N) and _close(output.T, expected):
                return _hint(f"your matrix is transposed: shape ({K}, {N}) = (K, N), but the "
                             f"responsibilities are (N, K) = ({N}, {K}), one row per sample.")
            if output.shape == (N,):
                return _hint(f"you returned one number per sample, shape ({N},); return the "
                             f"whole (N, K) = ({N}, {K}) matrix of probabilities (no argmax, "
                             "no sum over k).")
            return _hint(f"return shape (N, K) = ({N}, {K}); you returned shape "
                         f"{_shape_text(output.shape)}.")
        if _close(output, expected):
            return None
        X, params = case["args"]
        densities = np.exp(np.column_stack([gt.mvn_logpdf(X, mu, cov) for mu, cov
                                            in zip(params.means, params.covariances,
                                                   strict=True)]))
        weighted = densities * params.weights
        return _hint(_responsibility_hints(output, expected, weighted, densities, case["far"],
                                           axis=1))

    return _check(f, cases, e_step, diagnose,
                  "return the (N, K) responsibilities of eq. (5).",
                  "your responsibilities equal eq. (5) on 4 fresh random mixtures (d = 1, 2 and "
                  "3, K = 2, 3 and 4, and a point far from every component).")


# ============================================================================ 04: M-step
def _m_step_cases(rng: np.random.Generator) -> list:
    cases = []
    for N, K, d in [(12, 3, 2), (9, 2, 3), (10, 4, 1)]:
        X = rng.normal(0, 2, size=(N, d)) + rng.normal(0, 3, size=d)
        cases.append({"args": (X, _random_resp(rng, N, K))})
    return cases


def check_m_step_means(f: Callable, *, seed=None) -> Feedback:
    """Check f(X, resp) -> (K, d) means, eq. (8)."""
    cases = _m_step_cases(np.random.default_rng(seed))

    def diagnose(output, expected, case):
        output = _as_numbers(output, "the (K, d) array of means")
        if isinstance(output, Feedback):
            return output
        K, d = expected.shape
        X, resp = case["args"]
        N = len(X)
        if output.shape != expected.shape:
            if output.shape == (d, K) and _close(output.T, expected):
                return _hint(f"your result is transposed: shape ({d}, {K}) = (d, K); the means "
                             f"are (K, d) = ({K}, {d}), one row per component (`resp.T @ X`).")
            return _hint(f"return shape (K, d) = ({K}, {d}), one mean per row; you returned "
                         f"shape {_shape_text(output.shape)}.")
        if _close(output, expected):
            return None
        labels = np.eye(K)[np.argmax(resp, axis=1)]
        variants = [
            (lambda: resp.T @ X / N,
             "you divided by N, the number of samples; divide component k's weighted sum by "
             "its own N_k = sum_n gamma_nk (eq. (7))."),
            (lambda: resp.T @ X,
             "you forgot to divide by N_k = sum_n gamma_nk (eq. (7)): eq. (8) is a weighted "
             "average."),
            (lambda: labels.T @ X / labels.sum(axis=0)[:, np.newaxis],
             "you used hard labels (argmax of the responsibilities); EM weighs every sample "
             "by its responsibility gamma_nk."),
            (lambda: np.tile(X.mean(axis=0), (K, 1)),
             "every component got the plain average of X; weigh sample n by gamma_nk."),
        ]
        hint = _first_match(output, variants)
        return _hint(hint or "your means differ from eq. (8), mu_k = (1/N_k) sum_n gamma_nk x_n "
                     "with N_k = sum_n gamma_nk.")

    return _check(f, cases, m_step_means, diagnose,
                  "return the (K, d) means of eq. (8).",
                  "your means equal eq. (8) on 3 fresh random cases (K, d = 3, 2 and 2, 3 and "
                  "4, 1).")


def check_m_step_covariances(f: Callable, *, seed=None) -> Feedback:
    """Check f(X, resp, means) -> (K, d, d) covariances, eq. (9) without reg_covar."""
    cases = [{"args": (X, resp, m_step_means(X, resp))}
             for X, resp in (case["args"] for case in _m_step_cases(np.random.default_rng(seed)))]

    def diagnose(output, expected, case):
        output = _as_numbers(output, "the (K, d, d) array of covariances")
        if isinstance(output, Feedback):
            return output
        K, d, _ = expected.shape
        X, resp, means = case["args"]
        N = len(X)
        if output.shape != expected.shape:
            if output.shape == (d, d, K) and _close(np.moveaxis(output, 2, 0), expected):
                return _hint(f"put the component axis first: shape (K, d, d) = ({K}, {d}, {d}), "
                             f"not (d, d, K); `covariances[k]` is component k's matrix.")
            return _hint(f"return shape (K, d, d) = ({K}, {d}, {d}), one d x d matrix per "
                         f"component; you returned shape {_shape_text(output.shape)}.")
        if _close(output, expected):
            return None
        N_k = resp.sum(axis=0)

        def scatter(centres, weights, divisor):
            out = np.empty((K, d, d))
            for k in range(K):
                diff = X - centres[k]
                out[k] = (weights[:, k] * diff.T) @ diff / divisor[k]
            return out

        ones = np.ones_like(resp)
        variants = [
            (lambda: scatter(means, resp, np.full(K, N)),
             "you divided by N; divide component k's weighted sum by its own N_k = "
             "sum_n gamma_nk."),
            (lambda: scatter(np.tile(X.mean(axis=0), (K, 1)), resp, N_k),
             "you centred on the mean of all the data; centre each component on its own new "
             "mean mu_k: (x_n - mu_k)(x_n - mu_k)^T."),
            (lambda: scatter(np.zeros((K, d)), resp, N_k),
             "you forgot to centre: use (x_n - mu_k)(x_n - mu_k)^T with the new mean mu_k, "
             "not x_n x_n^T."),
            (lambda: scatter(means, ones, N_k),
             "you forgot the weights: each outer product (x_n - mu_k)(x_n - mu_k)^T is "
             "multiplied by gamma_nk."),
            (lambda: scatter(means, ones, np.full(K, N)),
             "you forgot the weights: each outer product (x_n - mu_k)(x_n - mu_k)^T is "
             "multiplied by gamma_nk, and the sum divided by N_k."),
            (lambda: scatter(means, resp**2, N_k),
             "you multiplied by gamma_nk twice (once on each side of the outer product); "
             "weigh each outer product by gamma_nk once."),
        ]
        hint = _first_match(output, variants)
        if hint:
            return _hint(hint)
        extra = output - expected
        c = extra[0, 0, 0]
        if c > 0 and _close(output, expected + c * np.eye(d)):
            return _hint("you added something to the diagonal (reg_covar?). This exercise is "
                         "eq. (9) without the ridge: leave reg_covar out.")
        return _hint("your covariances differ from eq. (9): Sigma_k = (1/N_k) sum_n gamma_nk "
                     "(x_n - mu_k)(x_n - mu_k)^T.")

    return _check(f, cases, m_step_covariances, diagnose,
                  "return the (K, d, d) covariances of eq. (9), without reg_covar.",
                  "your covariances equal eq. (9) on 3 fresh random cases (K, d = 3, 2 and "
                  "2, 3 and 4, 1).")


# ============================================================================ 05: stopping, BIC
def _converging_sequence(rng: np.random.Generator, n: int, level: float) -> np.ndarray:
    """Mean log-likelihoods l_i = level - a r^i rising towards `level`, as EM's do."""
    a, r = rng.uniform(0.5, 2.0), rng.uniform(0.3, 0.7)
    return level - a * r ** np.arange(n)


def _stopping_cases(rng: np.random.Generator) -> list:
    tol = 1e-3
    # Large |l| first: there a relative rule (tol * |l| = 0.04 .. 0.08) stops several
    # iterations early, so it cannot be mistaken for an off-by-one in the diagnosis.
    cases = [{"args": (_converging_sequence(rng, 30, -rng.uniform(40.0, 80.0)), tol)}]
    cases.append({"args": (_converging_sequence(rng, 30, -rng.uniform(1.0, 3.0)), tol)})
    cases.append({"args": (_converging_sequence(rng, 4, -rng.uniform(1.0, 3.0)), tol)})
    # a change of exactly tol (binary fractions: no rounding), then a smaller one
    tol_exact = 2.0**-7
    steps = [rng.integers(8, 64) / 64, rng.integers(2, 8) / 64, tol_exact, 2.0**-9]
    start = -float(rng.integers(2, 6))
    cases.append({"args": (start + np.cumsum([0.0, *steps]), tol_exact)})
    # a dip: the log-likelihood falls once, by more than any rise of these sequences
    # (at most 2 * 4/27 = 0.3), so a rule without abs() stops there
    sequence = _converging_sequence(rng, 30, -rng.uniform(1.0, 3.0))
    sequence[3:] -= 1.0
    cases.append({"args": (sequence, tol)})
    cases.append({"args": (list(_converging_sequence(rng, 30, -rng.uniform(1.0, 3.0))), tol)})
    return cases


def check_stopping_rule(f: Callable, *, seed=None) -> Feedback:
    """Check f(mean_log_likelihoods, tol) -> the 1-based iteration where EM stops, or None."""
    cases = _stopping_cases(np.random.default_rng(seed))

    def variant_rule(sequence, tol, test, start=-np.inf):
        previous = start
        for i, current in enumerate(sequence, start=1):
            if test(current, previous, tol):
                return i
            previous = current
        return None

    def diagnose(output, expected, case):
        if isinstance(output, bool | np.bool_):
            return _hint("return the iteration number (an int) or None, not True/False.")
        if output is not None:
            try:
                as_int = int(output)
            except (TypeError, ValueError):
                return _hint(f"return the iteration number (an int) or None, not a "
                             f"{type(output).__name__}.")
            if as_int != output:
                return _hint("return a whole iteration number (an int) or None.")
            output = as_int
        if output == expected:
            return None
        sequence, tol = case["args"]
        if expected is None:
            return _hint("this sequence never changes by less than tol, so the rule never "
                         "stops: return None (careful: `np.argmax` of an all-False array is 0).")
        relative = ("scikit-learn's rule uses the absolute change |l_i - l_(i-1)| < tol, not "
                    "the change relative to l.")
        if output is None:
            return _hint("your rule never stopped, but scikit-learn's does: stop at the first "
                         "iteration i with |l_i - l_(i-1)| < tol, where l_0 = -inf (so the "
                         "first change is infinite and never stops the loop).")
        variants = [
            (lambda c, p, t: abs(c - p) <= t,
             "compare with `<`, not `<=`: scikit-learn stops only when the change is strictly "
             "smaller than tol."),
            (lambda c, p, t: abs(c - p) < t * abs(c), relative),
            (lambda c, p, t: abs(c - p) < t * abs(p), relative),
            (lambda c, p, t: c - p < t,
             "use the absolute value of the change: |l_i - l_(i-1)| < tol. A fall in the "
             "log-likelihood (possible with rounding or reg_covar) must not stop EM."),
            (lambda c, p, t: p - c < t,
             "the change is l_i - l_(i-1) (new minus old), and the rule compares its absolute "
             "value with tol."),
        ]
        for test, hint in variants:
            if output == variant_rule(sequence, tol, test):
                return _hint(hint)
        if output == expected - 1:
            return _hint("off by one: iterations are counted from 1, and iteration i is the "
                         "one whose l_i differs from l_(i-1) by less than tol (`enumerate(..., "
                         "start=1)`).")
        if output == expected + 1:
            return _hint("off by one: you stop one iteration late. Iteration i is the one "
                         "whose l_i differs from l_(i-1) by less than tol.")
        return _hint("your iteration differs from scikit-learn's rule: stop at the first i "
                     "with |l_i - l_(i-1)| < tol, counting from 1, with l_0 = -inf.")

    return _check(f, cases, stopping_rule, diagnose,
                  "return the 1-based iteration at which EM stops, or None.",
                  "your rule stops where scikit-learn's does on 6 sequences (converging, never "
                  "converging, large |l|, a change exactly equal to tol, a dip, a list).")


def check_bic(f: Callable, *, seed=None) -> Feedback:
    """Check f(X, params) -> BIC as scikit-learn computes it (full covariances)."""
    rng = np.random.default_rng(seed)
    cases = []
    for N, K, d in [(40, 3, 2), (60, 2, 3), (50, 4, 2)]:
        params = _random_params(rng, K, d)
        labels = rng.choice(K, size=N, p=params.weights)
        X = np.array([rng.multivariate_normal(params.means[k], params.covariances[k])
                      for k in labels])
        cases.append({"args": (X, params)})

    def diagnose(output, expected, case):
        output = _as_numbers(output, "one number, the BIC")
        if isinstance(output, Feedback):
            return output
        if output.size != 1:
            return _hint(f"return one number; you returned shape {_shape_text(output.shape)}.")
        output = output.reshape(())
        if _close(output, expected):
            return None
        X, params = case["args"]
        N, d = X.shape
        K = params.n_components
        total = np.sum(gt.sample_log_likelihood(X, params))
        p = (K - 1) + K * d + K * d * (d + 1) // 2

        def criterion(log_likelihood, n_parameters, log=np.log):
            return -2 * log_likelihood + n_parameters * log(N)

        variants = [
            (lambda: criterion(total / N, p),
             "use the TOTAL log-likelihood, sum_n log p(x_n) = N times the mean of eq. (6)."),
            (lambda: criterion(total, p - (K - 1)),
             "the parameter count is missing the K - 1 free weights."),
            (lambda: criterion(total, p + 1),
             "count K - 1 free weights, not K: they sum to 1, so one is determined by the "
             "others."),
            (lambda: criterion(total, (K - 1) + K * d + K * d * d),
             "a symmetric d x d covariance has d(d+1)/2 free entries, not d*d."),
            (lambda: criterion(total, p, np.log10),
             "use the natural logarithm of N (`np.log`), not `np.log10`."),
            (lambda: criterion(total, (K - 1) + K * d),
             "the parameter count is missing the covariances, K d(d+1)/2 free entries."),
            (lambda: 2 * total - p * np.log(N),
             "the sign is flipped: BIC = -2 log L + p log N (lower is better)."),
            (lambda: -total + 0.5 * p * np.log(N),
             "scikit-learn's BIC is -2 log L + p log N, twice what you computed."),
            (lambda: -2 * total + 2 * p,
             "that is the AIC (penalty 2p); the BIC's penalty is p log N."),
        ]
        hint = _first_match(output, variants)
        return _hint(hint or "your BIC differs from -2 log L + p log N, with log L the total "
                     "log-likelihood and p = (K - 1) + K d + K d(d+1)/2.")

    return _check(f, cases, bic, diagnose,
                  "return -2 log L + p log N.",
                  "your BIC equals scikit-learn's on 3 fresh random mixtures with full "
                  "covariances (K, d = 3, 2 and 2, 3 and 4, 2).")
