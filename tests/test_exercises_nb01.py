"""Notebook 01's exercises (gmm_teach/exercises/nb01.py): every correct style passes on 200
seeds, every typical mistake gets its own hint, and the model answer is the notebook's."""

import math
import statistics

import numpy as np
import pytest
from exercise_support import assert_notebook_solution, failures, hint_misses
from scipy import stats

from gmm_teach.exercises import nb01


# ============================================================================ correct styles
def pdf_vectorised_sigma(x, mean, variance):
    sigma = np.sqrt(variance)
    z = (x - mean) / sigma
    return np.exp(-0.5 * z * z) / (sigma * np.sqrt(2 * np.pi))


def pdf_loops(x, mean, variance):
    x, mean, variance = np.broadcast_arrays(x, mean, variance)
    out = np.empty(x.shape)
    for index in np.ndindex(x.shape):
        v = float(variance[index])
        out[index] = math.exp(-(x[index] - mean[index]) ** 2 / (2 * v)) / math.sqrt(
            2 * math.pi * v)
    return out


def pdf_scipy(x, mean, variance):
    return stats.norm.pdf(x, loc=mean, scale=np.sqrt(variance))


def pdf_scipy_logpdf(x, mean, variance):
    return np.exp(stats.norm.logpdf(x, mean, np.sqrt(variance)))


def pdf_log_space(x, mean, variance):
    return np.exp(-0.5 * np.log(2 * np.pi * variance) - (x - mean) ** 2 / (2 * variance))


def mle_numpy(x):
    return np.mean(x), np.var(x)


def mle_loops(x):
    total = 0.0
    for value in x:
        total += value
    mean = total / len(x)
    squares = 0.0
    i = 0
    while i < len(x):
        squares += (x[i] - mean) ** 2
        i += 1
    return mean, squares / len(x)


def mle_cov_bias(x):
    return x.mean(), float(np.cov(x, bias=True))


def mle_scipy_fit(x):
    mean, std = stats.norm.fit(x)
    return mean, std**2


def mle_statistics(x):
    return statistics.fmean(x), statistics.pvariance(x)


def mle_list(x):
    return [sum(x) / len(x), np.mean((x - np.mean(x)) ** 2)]


STYLES = {
    "gaussian_pdf": [nb01.gaussian_pdf, pdf_vectorised_sigma, pdf_loops, pdf_scipy,
                     pdf_scipy_logpdf, pdf_log_space],
    "mle_gaussian": [nb01.mle_gaussian, mle_numpy, mle_loops, mle_cov_bias, mle_scipy_fit,
                     mle_statistics, mle_list],
}


@pytest.mark.parametrize(("name", "style"), [(n, s) for n, ss in STYLES.items() for s in ss],
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_correct_style_passes_on_every_seed(name, style):
    assert failures(name, style) == []


# ============================================================================ mistakes
def pdf_variance_for_sigma(x, mean, variance):
    return np.exp(-(x - mean) ** 2 / (2 * variance**2)) / (np.sqrt(2 * np.pi) * variance)


def pdf_scipy_scale_variance(x, mean, variance):
    return stats.norm.pdf(x, mean, variance)


def pdf_sigma_for_variance(x, mean, variance):
    s = np.sqrt(variance)
    return np.exp(-(x - mean) ** 2 / (2 * s)) / np.sqrt(2 * np.pi * s)


def pdf_no_constant(x, mean, variance):
    return np.exp(-(x - mean) ** 2 / (2 * variance))


def pdf_no_sqrt(x, mean, variance):
    return np.exp(-(x - mean) ** 2 / (2 * variance)) / (2 * np.pi * variance)


def pdf_no_half(x, mean, variance):
    return np.exp(-(x - mean) ** 2 / variance) / np.sqrt(2 * np.pi * variance)


def pdf_positive_exponent(x, mean, variance):
    return np.exp((x - mean) ** 2 / (2 * variance)) / np.sqrt(2 * np.pi * variance)


def pdf_log(x, mean, variance):
    return -(x - mean) ** 2 / (2 * variance) - 0.5 * np.log(2 * np.pi * variance)


def pdf_sum(x, mean, variance):
    return np.sum(nb01.gaussian_pdf(x, mean, variance))


def pdf_math_exp(x, mean, variance):
    return math.exp(-(x - mean) ** 2 / (2 * variance)) / math.sqrt(2 * math.pi * variance)


def mle_unbiased(x):
    return np.mean(x), np.var(x, ddof=1)


def mle_np_cov_default(x):
    return np.mean(x), float(np.cov(x))


def mle_std(x):
    return np.mean(x), np.std(x)


def mle_swapped(x):
    return np.var(x), np.mean(x)


def mle_uncentred(x):
    return np.mean(x), np.mean(x**2)


def mle_one_pass(x):
    return np.mean(x), np.mean(x**2) - np.mean(x) ** 2


def mle_one_number(x):
    return np.var(x)


MISTAKES = [
    ("gaussian_pdf", pdf_variance_for_sigma, "where the standard deviation belongs"),
    ("gaussian_pdf", pdf_scipy_scale_variance, "`scale=np.sqrt(variance)`"),
    ("gaussian_pdf", pdf_sigma_for_variance, "standard deviation where the variance belongs"),
    ("gaussian_pdf", pdf_no_constant, "forgot the normalising constant"),
    ("gaussian_pdf", pdf_no_sqrt, "needs a square root"),
    ("gaussian_pdf", pdf_no_half, "factor 1/2"),
    ("gaussian_pdf", pdf_positive_exponent, "must be negative"),
    ("gaussian_pdf", pdf_log, "log-density"),
    ("gaussian_pdf", pdf_sum, "should have shape"),
    ("gaussian_pdf", pdf_math_exp, "`np.exp`"),
    ("mle_gaussian", mle_unbiased, "N - 1"),
    ("mle_gaussian", mle_np_cov_default, "N - 1"),
    ("mle_gaussian", mle_std, "standard deviation"),
    ("mle_gaussian", mle_swapped, "order is swapped"),
    ("mle_gaussian", mle_uncentred, "not centred"),
    ("mle_gaussian", mle_one_pass, "E[x^2] - E[x]^2"),
    ("mle_gaussian", mle_one_number, "return 2 things"),
]


@pytest.mark.parametrize(("name", "mistake", "fragment"), MISTAKES,
                         ids=lambda v: getattr(v, "__name__", None))
def test_every_mistake_gets_its_own_hint(name, mistake, fragment):
    assert hint_misses(name, mistake, fragment) == []


# ============================================================================ one model answer
@pytest.mark.parametrize("name", ["gaussian_pdf", "mle_gaussian"])
def test_the_notebook_solution_is_the_model_answer_and_passes(name):
    assert_notebook_solution("01", name)
