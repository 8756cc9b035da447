"""Notebook 01's exercises: the 1-D density (1.1) and the maximum-likelihood estimates.

The two model answers below are the notebook's hidden solution cells, character for character
(tests/test_exercises_nb01.py compares them).
"""

from __future__ import annotations

import numpy as np

from . import exact as hp
from .engine import EPS, Case, Exercise, Mistake, Output

__all__ = ["gaussian_pdf", "mle_gaussian", "GAUSSIAN_PDF", "MLE_GAUSSIAN"]


# ============================================================================ model answers
def gaussian_pdf(x, mean, variance):
    return np.exp(-(x - mean) ** 2 / (2 * variance)) / np.sqrt(2 * np.pi * variance)


def mle_gaussian(x):
    mean = np.mean(x)
    variance = np.mean((x - mean) ** 2)  # divide by N: the MLE
    return mean, variance


# ============================================================================ gaussian_pdf
def random_variance(rng: np.random.Generator) -> float:
    """A variance well away from 1, so variance and standard deviation differ clearly."""
    return float(rng.choice([rng.uniform(0.15, 0.5), rng.uniform(2.0, 6.0)]))


@hp.exact
def _pdf_case(description, x, mean, variance) -> Case:
    bx, bm, bv = np.broadcast_arrays(x, mean, variance)
    logs = [hp.log_gaussian_1d(a, m, v) for a, m, v in
            zip(bx.ravel(), bm.ravel(), bv.ravel(), strict=True)]
    expected = hp.to_float([v.exp() for v in logs]).reshape(bx.shape)
    # exp(-u) has relative error |du|; u = (x - m)^2 / (2v) is computed with a relative error
    # of a few eps, plus the rounding of x - m, relative eps (|x| + |m|) / |x - m|
    u = (bx - bm) ** 2 / (2 * bv)
    spread = np.abs(bx - bm) * (np.abs(bx) + np.abs(bm)) / (2 * bv)
    tolerance = 16 * EPS * (1 + u + spread) * expected
    return Case(description, (x, mean, variance), (expected,), (tolerance,))


def pdf_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for shape, words in [((8,), "x of shape (8,)"), ((3, 4), "x of shape (3, 4)")]:
        mean, variance = float(rng.normal(0, 2)), random_variance(rng)
        x = mean + np.sqrt(variance) * rng.uniform(-2.5, 2.5, size=shape)
        cases.append(_pdf_case(f"on {words}, one mean and one variance", x, mean, variance))
    means = rng.normal(0, 2, size=5)
    variances = np.array([random_variance(rng) for _ in range(5)])
    x = means + np.sqrt(variances) * rng.uniform(-2.5, 2.5, size=5)
    cases.append(_pdf_case("on arrays x, mean and variance of shape (5,), elementwise",
                           x, means, variances))
    return cases


def _density(exponent_variance, normaliser):
    def variant(case):
        x, m, v = case.args
        return np.exp(-(x - m) ** 2 / (2 * exponent_variance(v))) / normaliser(v)
    return variant


PDF_MISTAKES = (
    Mistake("you used the variance where the standard deviation belongs (it got squared "
            "again). In (1.1) sigma^2 is `variance` itself: divide the squared distance by "
            "`2 * variance` and normalise by `np.sqrt(2 * np.pi * variance)`. (With "
            "`scipy.stats.norm`, `scale` is the standard deviation: `scale=np.sqrt(variance)`.)",
            _density(lambda v: v**2, lambda v: np.sqrt(2 * np.pi) * v)),
    Mistake("you used the standard deviation where the variance belongs. The argument "
            "`variance` is sigma^2 already: do not take its square root inside the formula.",
            _density(np.sqrt, lambda v: np.sqrt(2 * np.pi * np.sqrt(v)))),
    Mistake("the exponent is wrong: it is -(x - mean)^2 / (2 sigma^2) with sigma^2 = "
            "`variance`; you divided by the variance squared.",
            _density(lambda v: v**2, lambda v: np.sqrt(2 * np.pi * v))),
    Mistake("the exponent is wrong: it is -(x - mean)^2 / (2 sigma^2) with sigma^2 = "
            "`variance`; you divided by its square root.",
            _density(np.sqrt, lambda v: np.sqrt(2 * np.pi * v))),
    Mistake("the normalising constant is wrong: it is 1 / sqrt(2 pi sigma^2) = "
            "1 / (sqrt(2 pi) sigma) with sigma = `np.sqrt(variance)`, not the variance.",
            _density(lambda v: v, lambda v: np.sqrt(2 * np.pi) * v)),
    Mistake("the normalising constant is wrong: it is 1 / sqrt(2 pi sigma^2), and sigma^2 "
            "is `variance` itself (no extra square root).",
            _density(lambda v: v, lambda v: np.sqrt(2 * np.pi * np.sqrt(v)))),
    Mistake("the normalising constant needs a square root: 1 / sqrt(2 pi sigma^2).",
            _density(lambda v: v, lambda v: 2 * np.pi * v)),
    Mistake("you forgot the normalising constant 1 / sqrt(2 pi sigma^2) in front of the "
            "exponential, so the density does not integrate to 1.",
            _density(lambda v: v, lambda v: 1.0)),
    Mistake("the exponent needs the factor 1/2: -(x - mean)^2 / (2 variance).",
            _density(lambda v: v / 2, lambda v: np.sqrt(2 * np.pi * v))),
    Mistake("the exponent must be negative: exp(-(x - mean)^2 / (2 variance)).",
            _density(lambda v: -v, lambda v: np.sqrt(2 * np.pi * v))),
    Mistake("you returned the log-density; (1.1) is the density itself (apply `np.exp`).",
            lambda case: np.log(case.expected[0])),
)

GAUSSIAN_PDF = Exercise(
    name="gaussian_pdf", reference=gaussian_pdf, argument_names=("x", "mean", "variance"),
    cases=pdf_cases, output=Output(("the densities",), "return the densities"),
    mistakes=PDF_MISTAKES,
    task="write the density (1.1).",
    correct="your function equals (1.1) on 3 fresh random cases (x of shapes (8,) and (3, 4), "
            "and arrays of means and variances elementwise).",
    general_hint="your densities differ from (1.1). Check each part: the squared distance "
                 "(x - mean)^2, the 2 variance below it, the minus sign, and the constant "
                 "1 / sqrt(2 pi variance).")


# ============================================================================ mle_gaussian
@hp.exact
def _mle_case(description: str, x: np.ndarray) -> Case:
    values = [hp.D(v) for v in x]
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    # a sum of N terms: error about N eps times the sum of their sizes
    N = len(x)
    tol_mean = 4 * (N + 2) * EPS * float(np.mean(np.abs(x)))
    # the variance's condition: rounding each x_n (relative eps) moves it by about
    # 2 eps mean(|x_n - mean| |x_n|); the sums add about N eps times the variance
    conditioning = float(np.mean(np.abs(x - float(mean)) * np.abs(x)))
    tol_variance = 8 * (N + 4) * EPS * (float(variance) + conditioning)
    return Case(description, (x,), (np.array(float(mean)), np.array(float(variance))),
                (np.array(tol_mean), np.array(tol_variance)))


def mle_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n in (6, 11, 25):
        x = rng.normal(rng.normal(0, 5), np.sqrt(random_variance(rng)), size=n)
        cases.append(_mle_case(f"on a sample of {n} numbers", x))
    x = 1e6 + rng.normal(0, 1, size=20)
    cases.append(_mle_case("on 20 numbers near one million (spread about 1)", x))
    return cases


def _mle(mean_of, variance_of):
    def variant(case):
        (x,) = case.args
        return mean_of(x), variance_of(x)
    return variant


def _var(x):
    return np.mean((x - np.mean(x)) ** 2)


MLE_MISTAKES = (
    Mistake("your variance divides by N - 1 (`ddof=1`, the unbiased estimate, or `np.cov`'s "
            "default). The maximum-likelihood estimate divides by N: `np.var(x)` or "
            "`np.mean((x - mean)**2)`.",
            _mle(np.mean, lambda x: _var(x) * len(x) / (len(x) - 1))),
    Mistake("you returned the standard deviation; the exercise asks for the variance (its "
            "square).", _mle(np.mean, lambda x: np.sqrt(_var(x)))),
    Mistake("you returned the unbiased standard deviation; return the maximum-likelihood "
            "variance, dividing by N.",
            _mle(np.mean, lambda x: np.sqrt(_var(x) * len(x) / (len(x) - 1)))),
    Mistake("the order is swapped: return `mean, variance`.", _mle(_var, np.mean)),
    Mistake("your variance is not centred: it is the mean of (x - mean)^2, not of x^2.",
            _mle(np.mean, lambda x: np.mean(x**2))),
    Mistake("your variance is the mean of x^2 minus the squared mean, E[x^2] - E[x]^2: right "
            "on paper, but it subtracts two large, nearly equal numbers and loses every digit "
            "when the data sit far from 0 (here, near one million). Centre first: "
            "`np.mean((x - mean)**2)`.",
            test=lambda values, case: (np.abs(case.args[0]).min() > 1e5
                                       and abs(values[0] - case.expected[0]) <= case.tolerance[0]
                                       and abs(values[1] - case.expected[1])
                                       < 1e-2 * case.expected[1])),
)

MLE_GAUSSIAN = Exercise(
    name="mle_gaussian", reference=mle_gaussian, argument_names=("x",), cases=mle_cases,
    output=Output(("mean", "variance"), "return mean, variance"), mistakes=MLE_MISTAKES,
    task="return the maximum-likelihood mean and variance of x.",
    correct="your estimates equal the maximum-likelihood mean and (biased, divided by N) "
            "variance on 4 fresh random samples (sizes 6, 11 and 25, and 20 numbers near one "
            "million).",
    general_hint="the maximum-likelihood mean is the sample average (1/N) sum_n x_n, and the "
                 "variance (1/N) sum_n (x_n - mean)^2.")
