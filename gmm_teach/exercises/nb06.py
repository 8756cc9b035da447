"""Notebook 06's exercises: scikit-learn's stopping rule (6.1) and the BIC (6.2).

The model answers below are the notebook's hidden solution cells, character for character
(tests/test_exercises_nb06.py compares them). The stopping rule is judged with exact rational
arithmetic (a change exactly equal to tol is a case); the BIC against 50-digit values.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

import gmm_teach as gt

from ..params import GMMParams
from . import exact as hp
from .engine import EPS, Case, Exercise, Mistake, Output
from .nb03 import random_params

__all__ = ["stopping_rule", "bic", "STOPPING_RULE", "BIC"]


# ============================================================================ model answers
def stopping_rule(mean_log_likelihoods, tol):
    previous = -np.inf                                        # l_0 = -inf
    for iteration, current in enumerate(mean_log_likelihoods, start=1):
        if abs(current - previous) < tol:                     # (6.1): absolute, strict
            return iteration
        previous = current
    return None


def bic(X, params):
    N, d = X.shape
    K = params.n_components
    log_L = np.sum(gt.sample_log_likelihood(X, params))       # total, not the mean
    p = (K - 1) + K * d + K * d * (d + 1) // 2                # weights, means, covariances
    return -2 * log_L + p * np.log(N)


# ============================================================================ stopping rule
def rule(sequence, tol, stops, start=None) -> int | None:
    """The 1-based iteration at which `stops(current, previous, tol)` first holds (exact
    rational arithmetic; previous = start before the first value, None meaning -inf)."""
    previous = start
    for iteration, value in enumerate(sequence, start=1):
        current = Fraction(float(value))
        if previous is not None and stops(current, previous, Fraction(tol)):
            return iteration
        previous = current
    return None


def _exact_rule(current, previous, tol) -> bool:
    return abs(current - previous) < tol


def converging(rng: np.random.Generator, n: int, level: float) -> np.ndarray:
    """Mean log-likelihoods l_i = level - a r^i rising towards `level`, as EM's do."""
    a, r = rng.uniform(0.5, 2.0), rng.uniform(0.3, 0.7)
    return level - a * r ** np.arange(n)


def stopping_case(description: str, sequence, tol: float) -> Case:
    return Case(description, (sequence, tol), (rule(sequence, tol, _exact_rule),), ((),))


def stopping_cases(rng: np.random.Generator) -> list[Case]:
    tol = 1e-3
    cases = [stopping_case("on a sequence converging to a large |l| (near -60)",
                           converging(rng, 30, -rng.uniform(40.0, 80.0)), tol),
             stopping_case("on a sequence converging to l near -2",
                           converging(rng, 30, -rng.uniform(1.0, 3.0)), tol),
             stopping_case("on a sequence that never converges (4 values)",
                           converging(rng, 4, -rng.uniform(1.0, 3.0)), tol)]
    # a change of exactly tol (binary fractions: no rounding), then a smaller one
    tol_exact = 2.0**-7
    steps = [rng.integers(8, 64) / 64, rng.integers(2, 8) / 64, tol_exact, 2.0**-9]
    start = -float(rng.integers(2, 6))
    cases.append(stopping_case("on a sequence whose change is once exactly tol",
                               start + np.cumsum([0.0, *steps]), tol_exact))
    # a dip: the log-likelihood falls once, by more than any rise of these sequences
    sequence = converging(rng, 30, -rng.uniform(1.0, 3.0))
    sequence[3:] -= 1.0
    cases.append(stopping_case("on a sequence that falls once", sequence, tol))
    # l_1 within tol of 0: a rule starting from l_0 = 0 stops at once
    sequence = converging(rng, 30, rng.uniform(0.3, 0.6))
    sequence = sequence - sequence[0] - rng.uniform(1e-4, 9e-4)
    cases.append(stopping_case("on a sequence whose first value is within tol of 0",
                               sequence, tol))
    cases.append(stopping_case("on a Python list", list(converging(
        rng, 30, -rng.uniform(1.0, 3.0))), tol))
    return cases


def _rule_is(stops, start=None):
    return lambda output, case: output == rule(*case.args, stops, start)


STOPPING_MISTAKES = (
    Mistake("before the first iteration l_0 = -inf, not 0: with l_0 = 0 a first "
            "log-likelihood within tol of 0 stops EM at once. Start with "
            "`previous = -np.inf`.", test=_rule_is(_exact_rule, Fraction(0))),
    Mistake("compare with `<`, not `<=`: scikit-learn stops only when the change is strictly "
            "smaller than tol.", test=_rule_is(lambda c, p, t: abs(c - p) <= t)),
    Mistake("scikit-learn's rule uses the absolute change |l_i - l_(i-1)| < tol, not the "
            "change relative to l.", test=_rule_is(lambda c, p, t: abs(c - p) < t * abs(c))),
    Mistake("scikit-learn's rule uses the absolute change |l_i - l_(i-1)| < tol, not the "
            "change relative to l.", test=_rule_is(lambda c, p, t: abs(c - p) < t * abs(p))),
    Mistake("use the absolute value of the change: |l_i - l_(i-1)| < tol. A fall in the "
            "log-likelihood (possible with rounding or reg_covar) must not stop EM.",
            test=_rule_is(lambda c, p, t: c - p < t)),
    Mistake("the change is l_i - l_(i-1) (new minus old), and the rule compares its absolute "
            "value with tol.", test=_rule_is(lambda c, p, t: p - c < t)),
    Mistake("this sequence never changes by less than tol, so the rule never stops: return "
            "None (careful: `np.argmax` of an all-False array is 0).",
            test=lambda output, case: case.expected[0] is None and output in (0, 1)),
    Mistake("the change is l_i - l_(i-1) (new minus old): with l_0 = -inf the first change "
            "is +inf, which never stops the loop; you stopped at the first iteration.",
            test=lambda output, case: output == 1 and case.expected[0] != 1),
    Mistake("your rule never stopped, but scikit-learn's does: stop at the first iteration i "
            "with |l_i - l_(i-1)| < tol, where l_0 = -inf.",
            test=lambda output, case: output is None),
    Mistake("off by one: iterations are counted from 1, and iteration i is the one whose "
            "l_i differs from l_(i-1) by less than tol (`enumerate(..., start=1)`).",
            test=lambda output, case: case.expected[0] is not None
            and output == case.expected[0] - 1),
    Mistake("off by one: you stop one iteration late. Iteration i is the one whose l_i "
            "differs from l_(i-1) by less than tol.",
            test=lambda output, case: case.expected[0] is not None
            and output == case.expected[0] + 1),
)

STOPPING_RULE = Exercise(
    name="stopping_rule", reference=stopping_rule, argument_names=("mean_log_likelihoods",
                                                                   "tol"),
    cases=stopping_cases, output=Output(("the iteration",), "return iteration", "iteration"),
    mistakes=STOPPING_MISTAKES,
    task="return the 1-based iteration at which EM stops by (6.1), or None.",
    correct="your rule stops where scikit-learn's does on 7 sequences (converging to a large "
            "and a small |l|, never converging, a change exactly equal to tol, a fall, a first "
            "value near 0, a list).",
    general_hint="your iteration differs from scikit-learn's rule (6.1): stop at the first i "
                 "with |l_i - l_(i-1)| < tol, counting from 1, with l_0 = -inf.")


# ============================================================================ BIC
def n_parameters(K: int, d: int) -> int:
    return (K - 1) + K * d + K * d * (d + 1) // 2


@hp.exact
def bic_case(description: str, X, params: GMMParams) -> Case:
    N, d = X.shape
    K = params.n_components
    columns, error = [], np.zeros(N)
    for k in range(K):
        mean, cov = params.means[k], params.covariances[k]
        log_det, distances = hp.log_det_and_mahalanobis(X, mean, cov)
        columns.append([hp.D(params.weights[k]).ln() + v
                        for v in hp.log_gaussian(X, mean, cov)])
        q, kappa = hp.to_float(distances), np.linalg.cond(cov)
        error = np.maximum(error, 32 * EPS * (d * np.log(2 * np.pi) + abs(float(log_det))
                                              + d * kappa + 2 * q * kappa
                                              + abs(np.log(params.weights[k]))))
    rows = [hp.log_sum_exp([column[n] for column in columns]) for n in range(N)]
    total = sum(rows)
    p = n_parameters(K, d)
    value = -2 * total + p * hp.D(N).ln()
    tolerance = 2 * np.sum(error) + 8 * N * EPS * float(abs(total)) + 8 * EPS * p * np.log(N)
    return Case(description, (X, params), (np.array(float(value)),), (np.array(tolerance),))


def bic_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for N, K, d in [(40, 3, 2), (60, 2, 3), (50, 4, 2)]:
        params = random_params(rng, K, d)
        labels = rng.choice(K, size=N, p=params.weights)
        X = np.array([rng.multivariate_normal(params.means[k], params.covariances[k])
                      for k in labels])
        cases.append(bic_case(f"on {N} points, K = {K} components in d = {d}", X, params))
    return cases


def _criterion(log_likelihood, count, penalty=None):
    def variant(case):
        X, params = case.args
        N, d = X.shape
        K = params.n_components
        total = np.sum(gt.sample_log_likelihood(X, params))
        p = count(K, d)
        return (-2 * log_likelihood(total, N) + p * np.log(N) if penalty is None
                else penalty(total, p, N))
    return variant


def _total(total, N):
    return total


BIC_MISTAKES = (
    Mistake("use the TOTAL log-likelihood, sum_n log p(x_n) = N times the mean (4.6); you "
            "used the mean.", _criterion(lambda total, N: total / N, n_parameters)),
    Mistake("the parameter count is missing the K - 1 free weights.",
            _criterion(_total, lambda K, d: K * d + K * d * (d + 1) // 2)),
    Mistake("count K - 1 free weights, not K: they sum to 1, so one is determined by the "
            "others.", _criterion(_total, lambda K, d: n_parameters(K, d) + 1)),
    Mistake("a symmetric d x d covariance has d(d+1)/2 free entries, not d*d.",
            _criterion(_total, lambda K, d: (K - 1) + K * d + K * d * d)),
    Mistake("the parameter count is missing the covariances, K d(d+1)/2 free entries.",
            _criterion(_total, lambda K, d: (K - 1) + K * d)),
    Mistake("the parameter count is missing the means, K d numbers.",
            _criterion(_total, lambda K, d: (K - 1) + K * d * (d + 1) // 2)),
    Mistake("use the natural logarithm of N (`np.log`), not `np.log10`.",
            _criterion(_total, n_parameters, lambda total, p, N: -2 * total + p * np.log10(N))),
    Mistake("the sign is flipped: BIC = -2 log L + p log N (lower is better).",
            _criterion(_total, n_parameters, lambda total, p, N: 2 * total - p * np.log(N))),
    Mistake("scikit-learn's BIC is -2 log L + p log N, twice what you computed.",
            _criterion(_total, n_parameters, lambda total, p, N: -total + 0.5 * p * np.log(N))),
    Mistake("that is the AIC (penalty 2p); the BIC's penalty is p log N.",
            _criterion(_total, n_parameters, lambda total, p, N: -2 * total + 2 * p)),
    Mistake("return one number, the BIC (a sum over the samples, not one value per sample).",
            test=lambda values, case: values[0].shape != ()),
)

BIC = Exercise(
    name="bic", reference=bic, argument_names=("X", "params"), cases=bic_cases,
    output=Output(("the BIC",), "return the BIC"), mistakes=BIC_MISTAKES,
    task="return -2 log L + p log N, (6.2).",
    correct="your BIC equals scikit-learn's (6.2) on 3 fresh random mixtures with full "
            "covariances (K, d = 3, 2 and 2, 3 and 4, 2).",
    general_hint="your BIC differs from (6.2), -2 log L + p log N, with log L the total "
                 "log-likelihood and p = (K - 1) + K d + K d(d+1)/2.")
