"""Notebook 03's exercises: one posterior by hand, and the E-step (3.2), in log space (3.3).

The model answers below are the notebook's hidden solution cells, character for character
(tests/test_exercises_nb03.py compares them). Answers are judged against 50-digit values.
Log space is taught where the naive route really fails: a point far from every component,
where every pi_k N(x | k) underflows to 0 and 0/0 is NaN; and one global maximum instead of
each row's is caught on a mixture at a tiny scale, where the naive route still works but a row
far below the global maximum underflows.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

import gmm_teach as gt

from ..params import GMMParams
from . import exact as hp
from .engine import EPS, Case, Exercise, Mistake, Output, non_finite_on
from .nb01 import random_variance
from .nb02 import random_covariance

__all__ = ["responsibility_by_hand", "e_step", "RESPONSIBILITY_BY_HAND", "E_STEP"]


# ============================================================================ model answers
def responsibility_by_hand(x, weights, means, variances):
    a = np.log(weights) - 0.5 * np.log(2 * np.pi * variances) - (x - means) ** 2 / (2 * variances)
    a = a - np.max(a)                  # (3.3): the largest term becomes exp(0) = 1
    return np.exp(a) / np.sum(np.exp(a))


def e_step(X, params):
    a = np.column_stack([np.log(params.weights[k])
                         + gt.mvn_logpdf(X, params.means[k], params.covariances[k])
                         for k in range(params.n_components)])   # (N, K): log pi_k + log N(x_n | k)
    a = a - a.max(axis=1, keepdims=True)                          # (3.3), row by row
    return np.exp(a) / np.exp(a).sum(axis=1, keepdims=True)


# ============================================================================ one point by hand
@hp.exact
def by_hand_case(description: str, x, weights, means, variances, kind: str) -> Case:
    a = [hp.D(w).ln() + hp.log_gaussian_1d(x, m, v)
         for w, m, v in zip(weights, means, variances, strict=True)]
    expected = hp.to_float(hp.softmax(a))
    u = (x - means) ** 2 / (2 * variances)
    spread = np.abs(x - means) * (abs(x) + np.abs(means)) / (2 * variances)
    error = 16 * EPS * np.max(np.abs(np.log(weights)) + np.abs(np.log(2 * np.pi * variances))
                              + u + spread)
    tolerance = 4 * error * expected + 4 * EPS
    return Case(description, (x, weights, means, variances), (expected,), (tolerance,),
                {"kind": kind})


def by_hand_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for K in (2, 3, 4):
        weights = rng.dirichlet(np.full(K, 3.0))
        means = np.sort(rng.normal(0, 3, size=K))
        variances = np.array([random_variance(rng) for _ in range(K)])
        x = float(rng.uniform(means.min() - 1, means.max() + 1))
        cases.append(by_hand_case(f"on a point among K = {K} components", x, weights, means,
                                  variances, "ordinary"))
    weights = rng.dirichlet(np.full(3, 3.0))
    means = rng.normal(0, 3, size=3)
    variances = np.array([random_variance(rng) for _ in range(3)])
    x = float(means.max() + 60 * np.sqrt(variances.max()) + rng.uniform(0, 5))
    cases.append(by_hand_case("on a point 60 standard deviations from every component", x,
                              weights, means, variances, "far"))
    return cases


def _log_terms(x, weights, means, variances):
    """log pi_k + log N(x | mu_k, var_k) in float."""
    return np.log(weights) - 0.5 * np.log(2 * np.pi * variances) - (x - means) ** 2 / (
        2 * variances)


def _by_hand(transform):
    def variant(case):
        x, w, m, v = case.args
        return transform(x, w, m, v)
    return variant


def _posterior(x, w, m, v):
    a = _log_terms(x, w, m, v)
    return np.exp(a - logsumexp(a))


BY_HAND_MISTAKES = (
    Mistake("for a point far from every component you get NaN or inf: every pi_k N(x | k) "
            "underflows to 0, and 0/0 is NaN. Work with logs, a_k = log pi_k + log N(x | k), "
            "subtract their maximum before `np.exp` (the log-sum-exp trick, (3.3)), then "
            "normalise.",
            test=non_finite_on("far"), early=True),
    Mistake("you passed the standard deviation where the density needs the variance: "
            "`variances` already holds sigma_k^2.",
            _by_hand(lambda x, w, m, v: _posterior(x, w, m, np.sqrt(v)))),
    Mistake("you squared the variances: `variances` already holds sigma_k^2 (with "
            "`scipy.stats.norm`, pass `scale=np.sqrt(variances)`).",
            _by_hand(lambda x, w, m, v: _posterior(x, w, m, v**2))),
    Mistake("you forgot to normalise: divide pi_k N(x | k) by its sum over the components k, "
            "so that the responsibilities sum to 1 (Bayes' rule, (3.2)).",
            _by_hand(lambda x, w, m, v: np.exp(_log_terms(x, w, m, v)))),
    Mistake("you subtracted the maximum but forgot to normalise: divide exp(a_k - max) by its "
            "sum over k, (3.3).",
            _by_hand(lambda x, w, m, v: np.exp(_log_terms(x, w, m, v)
                                               - _log_terms(x, w, m, v).max()))),
    Mistake("you forgot the weights: the numerator of (3.2) is pi_k N(x | k), not N(x | k).",
            _by_hand(lambda x, w, m, v: _posterior(x, np.ones_like(w), m, v))),
    Mistake("you returned the log responsibilities; apply `np.exp`.",
            _by_hand(lambda x, w, m, v: np.log(_posterior(x, w, m, v)))),
    Mistake("return all K probabilities p(z = k | x), an array of shape (K,), not the number "
            "of the most likely component.",
            test=lambda values, case: values[0].shape == ()),
    Mistake("you returned a hard 0/1 assignment; Bayes' rule gives soft probabilities, "
            "pi_k N(x | k) normalised over k.",
            _by_hand(lambda x, w, m, v: np.eye(len(w))[np.argmax(_log_terms(x, w, m, v))])),
    Mistake("right for ordinary points, but not for a point far from every component: the "
            "densities underflow there. Work with logs, a_k = log pi_k + log N(x | k), "
            "subtract their maximum before `np.exp` (the log-sum-exp trick, (3.3)), then "
            "normalise.", test=lambda values, case: case.data["kind"] == "far"),
)

RESPONSIBILITY_BY_HAND = Exercise(
    name="responsibility_by_hand", reference=responsibility_by_hand,
    argument_names=("x", "weights", "means", "variances"), cases=by_hand_cases,
    output=Output(("the responsibilities",), "return the K responsibilities"),
    mistakes=BY_HAND_MISTAKES,
    task="return p(z = k | x) for the components k = 1..K by Bayes' rule (3.2).",
    correct="your posteriors equal (3.2) on 4 fresh random mixtures (K = 2, 3 and 4, and a "
            "point 60 standard deviations from every component).",
    general_hint="your responsibilities differ from (3.2): pi_k N(x | mu_k, sigma_k^2) "
                 "normalised over k. Check the density (variance, not standard deviation), the "
                 "weights and the normalisation.")


# ============================================================================ the E-step
def random_params(rng: np.random.Generator, K: int, d: int, scale: float = 1.0) -> GMMParams:
    weights = rng.dirichlet(np.full(K, 3.0))
    means = rng.normal(0.0, 3.0, size=(K, d)) * scale
    covariances = np.array([random_covariance(rng, d) for _ in range(K)]) * scale**2
    return GMMParams(weights, means, covariances)


@hp.exact
def e_step_case(description: str, X, params: GMMParams, kind: str) -> Case:
    K, d = params.n_components, params.means.shape[1]
    columns, error = [], np.zeros(len(X))
    for k in range(K):
        mean, cov = params.means[k], params.covariances[k]
        logs = hp.log_gaussian(X, mean, cov)
        columns.append([hp.D(params.weights[k]).ln() + v for v in logs])
        log_det, distances = hp.log_det_and_mahalanobis(X, mean, cov)
        q, kappa = hp.to_float(distances), np.linalg.cond(cov)
        error = np.maximum(error, 32 * EPS * (d * np.log(2 * np.pi) + abs(float(log_det))
                                              + d * kappa + 2 * q * kappa
                                              + abs(np.log(params.weights[k]))))
    expected = hp.to_float([hp.softmax([column[n] for column in columns])
                            for n in range(len(X))])
    tolerance = 4 * error[:, np.newaxis] * expected + 4 * EPS
    return Case(description, (X, params), (expected,), (tolerance,), {"kind": kind})


def _sample(rng, params: GMMParams, N: int) -> np.ndarray:
    labels = rng.integers(params.n_components, size=N)
    return np.array([rng.multivariate_normal(params.means[k], params.covariances[k])
                     for k in labels])


def e_step_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for N, K, d in [(8, 3, 2), (7, 2, 1), (9, 4, 3)]:
        params = random_params(rng, K, d)
        cases.append(e_step_case(f"on {N} points, K = {K} components in d = {d}",
                                 _sample(rng, params, N), params, "ordinary"))
    # tiny scale: log densities near +320 at the centres; one point placed where its largest
    # a_nk is 800 below the table's largest (near -480: fine for exp, not after subtracting
    # the global maximum)
    params = random_params(rng, 2, 2, 1e-70)
    X = _sample(rng, params, 5)
    top = gt.weighted_log_prob(X, params).max()
    direction = rng.normal(size=2)
    sigma = np.sqrt(np.linalg.eigvalsh(params.covariances).max())
    steps = params.means[0] + np.outer(np.linspace(0, 200, 4001), direction) * sigma
    row_max = gt.weighted_log_prob(steps, params).max(axis=1)
    X[2] = steps[np.argmax(row_max < top - 800)]
    cases.append(e_step_case("on a mixture at a tiny scale (standard deviations near 1e-70, "
                             "densities near 1e+139) with one point far out", X, params,
                             "tiny"))
    params = random_params(rng, 3, 2)
    X = rng.multivariate_normal(params.means[0], params.covariances[0], size=5)
    X[2] = params.means.max(axis=0) + 200 * np.sqrt(params.covariances.max())
    cases.append(e_step_case("on data with one point 200 standard deviations from every "
                             "component", X, params, "far"))
    return cases


def _log_table(case: Case) -> np.ndarray:
    X, params = case.args
    return np.column_stack([np.log(params.weights[k]) + gt.mvn_logpdf(
        X, params.means[k], params.covariances[k]) for k in range(params.n_components)])


def _e_variant(transform):
    return lambda case: transform(_log_table(case), case)


def _rows(a):
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


E_STEP_MISTAKES = (
    Mistake("subtract each ROW's maximum, `a.max(axis=1, keepdims=True)`, not one maximum "
            "of the whole table: a row far below the largest value (here a point far out, on a "
            "mixture whose densities are huge) underflows to 0/0 = NaN "
            "after subtracting the global maximum. The log-sum-exp trick (3.3) works row by "
            "row.", test=non_finite_on("tiny"), early=True),
    Mistake("for a point far from every component you get NaN or inf: every pi_k N(x_n | k) "
            "underflows to 0, and 0/0 is NaN. Work with logs, a_nk = log pi_k + log "
            "N(x_n | k) (`gt.mvn_logpdf`), subtract each row's maximum before `np.exp` (the "
            "log-sum-exp trick, (3.3)), then normalise each row.",
            test=non_finite_on("far"), early=True),
    Mistake("your matrix is transposed: (K, N); the responsibilities are (N, K), one row per "
            "sample.", _e_variant(lambda a, case: _rows(a).T)),
    Mistake("you normalised over the wrong axis: each ROW (one sample, all components) must "
            "sum to 1, so sum over axis=1 with keepdims=True.",
            _e_variant(lambda a, case: np.exp(a) / np.exp(a).sum(axis=0, keepdims=True))),
    Mistake("you forgot to normalise: divide each row pi_k N(x_n | k) by its sum over k "
            "(Bayes' rule, (3.2)).", _e_variant(lambda a, case: np.exp(a))),
    Mistake("you subtracted each row's maximum but forgot to normalise: divide each row of "
            "exp(a - max) by its sum, (3.3).",
            _e_variant(lambda a, case: np.exp(a - a.max(axis=1, keepdims=True)))),
    Mistake("you forgot the weights: the numerator of (3.2) is pi_k N(x_n | k), not "
            "N(x_n | k).",
            _e_variant(lambda a, case: _rows(a - np.log(case.args[1].weights)))),
    Mistake("you returned the log responsibilities; apply `np.exp`.",
            _e_variant(lambda a, case: np.log(_rows(a)))),
    Mistake("you returned hard 0/1 assignments; the E-step gives soft probabilities, "
            "pi_k N(x_n | k) normalised over k.",
            _e_variant(lambda a, case: np.eye(a.shape[1])[np.argmax(a, axis=1)])),
    Mistake("you returned one number per sample; return the whole (N, K) matrix of "
            "probabilities (no argmax, no sum over k).",
            test=lambda values, case: values[0].shape == case.expected[0].shape[:1]),
    Mistake("right for ordinary points, but not for the point far from every component: "
            "the densities underflow there. Work in log space with the log-sum-exp trick "
            "(3.3), row by row.", test=lambda values, case: case.data["kind"] == "far"),
)

E_STEP = Exercise(
    name="e_step", reference=e_step, argument_names=("X", "params"), cases=e_step_cases,
    output=Output(("the responsibilities",), "return the (N, K) responsibilities"),
    mistakes=E_STEP_MISTAKES,
    task="return the (N, K) responsibilities of (3.2).",
    correct="your responsibilities equal (3.2) on 5 fresh random mixtures (d = 1, 2 and 3, "
            "K = 2, 3 and 4, a mixture at a tiny scale, and a point far from every component).",
    general_hint="your responsibilities differ from (3.2): row n is pi_k N(x_n | k) "
                 "normalised over k. Check the weights, the densities and the axis of the sum.")
