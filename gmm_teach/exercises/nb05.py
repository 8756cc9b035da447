"""Notebook 05's exercises: the evidence lower bound L(q, theta) (5.1) and the divergence
KL(q || p(z | x, theta)) (5.2).

Both take log_joint, the (N, K) table a_nk = log pi_k + log N(x_n | mu_k, Sigma_k)
(``gt.weighted_log_prob(X, params)``), and responsibilities q (N, K), and return totals over
the samples, as in the decomposition l = L + KL (5.3) of the log-likelihood l (4.1):

    L(q, theta)  = sum_n sum_k q_nk [a_nk - log q_nk]                       (5.1)
    KL(q || p)   = sum_n sum_k q_nk [log q_nk - log gamma_nk],             (5.2)
                   log gamma_nk = a_nk - log sum_j exp(a_nj)      (the posterior (3.2), (3.3))

with 0 log 0 = 0. The model answers below are the notebook's hidden solution cells, character
for character (tests/test_exercises_nb05.py compares them). Answers are judged against 50-digit
values; the tolerance is a sum's rounding bound (about N K eps times the sum of the terms'
sizes), so loops, vectorised numpy, einsum, scipy.special (xlogy, entr, rel_entr, logsumexp,
softmax) and KL = l - L from the decomposition (5.3) all pass. The numerical lessons use cases
where the careless route really fails: exact zeros in q (0 * log 0 is NaN in floating point)
and points so far from every component that each a_nk is near -800, where exp(a_nk)
underflows to 0 and the posterior computed without logs is 0/0.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

import gmm_teach as gt

from ..params import GMMParams
from . import exact as hp
from .engine import EPS, Case, Exercise, Mistake, Output, non_finite_on
from .nb02 import random_covariance
from .nb03 import random_params

__all__ = ["lower_bound", "posterior_kl", "LOWER_BOUND", "POSTERIOR_KL"]


# ============================================================================ model answers
def lower_bound(log_joint, q):
    safe_q = np.where(q > 0, q, 1.0)                   # log 1 = 0: a term with q_nk = 0 is 0
    return np.sum(q * (log_joint - np.log(safe_q)))    # over n and k: a total, not a mean


def posterior_kl(log_joint, q):
    a = log_joint - log_joint.max(axis=1, keepdims=True)               # (3.3), row by row
    log_posterior = a - np.log(np.exp(a).sum(axis=1, keepdims=True))   # log gamma_nk
    safe_q = np.where(q > 0, q, 1.0)                                   # 0 log 0 = 0
    return np.sum(q * (np.log(safe_q) - log_posterior))               # over n and k: a total


# ============================================================================ the cases
ORDINARY = [(8, 3, 2), (7, 2, 1), (9, 4, 3)]
TOP_GAP = 600.0      # ordinary rows: every a_nk above -TOP_GAP, and within TOP_GAP of the row's
#                      maximum, so exp(a_nk) and each posterior are normal floats (no underflow)


def _sample(rng: np.random.Generator, params: GMMParams, N: int) -> np.ndarray:
    labels = rng.choice(params.n_components, size=N, p=params.weights)
    return np.array([rng.multivariate_normal(params.means[k], params.covariances[k])
                     for k in labels])


def _spread(log_joint: np.ndarray) -> float:
    return float(np.max(log_joint.max(axis=1) - log_joint.min(axis=1)))


def ordinary_table(rng: np.random.Generator, N: int, K: int, d: int) -> np.ndarray:
    """log_joint of N points drawn from a random mixture, with no row near underflow."""
    while True:
        params = random_params(rng, K, d)
        log_joint = gt.weighted_log_prob(_sample(rng, params, N), params)
        if log_joint.min() > -TOP_GAP and _spread(log_joint) < TOP_GAP:
            return log_joint


def far_table(rng: np.random.Generator) -> tuple[np.ndarray, list[int]]:
    """log_joint of 6 points of a 3-component mixture in d = 2; two of them so far out that
    each row's largest a_nk is near -800 (every exp(a_nk) is 0 in float64), yet the row's
    entries stay within TOP_GAP of each other (the posterior itself does not underflow)."""
    while True:
        shape = random_covariance(rng, 2)
        params = GMMParams(rng.dirichlet(np.full(3, 3.0)), rng.normal(0.0, 1.5, size=(3, 2)),
                           np.array([shape * rng.uniform(0.9, 1.1) for _ in range(3)]))
        X = _sample(rng, params, 6)
        far = sorted(rng.choice(6, size=2, replace=False).tolist())
        for n in far:
            direction = rng.normal(size=2)
            line = params.means.mean(axis=0) + np.outer(np.linspace(0, 200, 8001),
                                                        direction / np.linalg.norm(direction))
            row_max = gt.weighted_log_prob(line, params).max(axis=1)
            X[n] = line[np.argmax(row_max < -rng.uniform(780.0, 820.0))]
        log_joint = gt.weighted_log_prob(X, params)
        if np.all(log_joint[far].max(axis=1) < -760) and _spread(log_joint) < TOP_GAP:
            return log_joint, far


def random_q(rng: np.random.Generator, N: int, K: int) -> np.ndarray:
    """Responsibilities drawn at random (not the posterior): rows from a Dirichlet."""
    return rng.dirichlet(np.full(K, 0.8), size=N)


def q_with_zeros(rng: np.random.Generator, log_joint: np.ndarray) -> np.ndarray:
    """Exact zeros: hard (one-hot) assignments for the first rows, a component ruled out (and
    the rest renormalised) for the others; every row has at least one zero."""
    N, K = log_joint.shape
    q = random_q(rng, N, K)
    hard = N // 2
    q[:hard] = np.eye(K)[np.argmax(log_joint[:hard], axis=1)]
    for n in range(hard, N):
        q[n, rng.integers(K)] = 0.0
        q[n] /= q[n].sum()
    return q


def posterior_q(log_joint: np.ndarray) -> np.ndarray:
    """The E-step's responsibilities (3.2) for this table, in floating point."""
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def _sizes(log_joint: np.ndarray, q: np.ndarray) -> float:
    """sum_nk q_nk (|a_nk| + |log q_nk| + |log p(x_n)|) + N: the size of the terms that any
    route adds up (the last N for the row sums of exponentials), for the rounding bound."""
    used = q > 0
    log_q = np.log(q, where=used, out=np.zeros_like(q))
    log_p = logsumexp(log_joint, axis=1, keepdims=True)
    return float(np.sum(np.where(used, q * (np.abs(log_joint) + np.abs(log_q)
                                            + np.abs(log_p)), 0.0)) + len(q))


def _tolerance(log_joint: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.array(4 * (q.size + 8) * EPS * _sizes(log_joint, q))


@hp.exact
def bound_case(description: str, log_joint, q, kind: str) -> Case:
    N, K = q.shape
    value = sum(hp.D(q[n, k]) * (hp.D(log_joint[n, k]) - hp.D(q[n, k]).ln())
                for n in range(N) for k in range(K) if q[n, k] > 0)
    return Case(description, (log_joint, q), (np.array(float(value)),),
                (_tolerance(log_joint, q),), {"kind": kind})


@hp.exact
def kl_case(description: str, log_joint, q, kind: str) -> Case:
    N, K = q.shape
    value = hp.D(0)
    for n in range(N):
        row = [hp.D(v) for v in log_joint[n]]
        log_p = hp.log_sum_exp(row)
        value += sum(hp.D(q[n, k]) * (hp.D(q[n, k]).ln() - (row[k] - log_p))
                     for k in range(K) if q[n, k] > 0)
    return Case(description, (log_joint, q), (np.array(float(value)),),
                (_tolerance(log_joint, q),), {"kind": kind})


def _ordinary(rng: np.random.Generator, make) -> list[Case]:
    cases = []
    for N, K, d in ORDINARY[:2]:
        log_joint = ordinary_table(rng, N, K, d)
        cases.append(make(f"on {N} points, K = {K} components in d = {d}, with q drawn at "
                          "random", log_joint, random_q(rng, N, K), "ordinary"))
    N, K, d = ORDINARY[2]
    log_joint = ordinary_table(rng, N, K, d)
    cases.append(make(f"on {N} points, K = {K} components in d = {d}, with exact zeros in q "
                      "(hard assignments, and a component ruled out)", log_joint,
                      q_with_zeros(rng, log_joint), "zeros"))
    log_joint = ordinary_table(rng, 6, 3, 2)
    cases.append(make("on 6 points, K = 3 components in d = 2, with q the posterior (right "
                      "after an E-step)", log_joint, posterior_q(log_joint), "posterior"))
    return cases


def bound_cases(rng: np.random.Generator) -> list[Case]:
    return _ordinary(rng, bound_case)


def kl_cases(rng: np.random.Generator) -> list[Case]:
    cases = _ordinary(rng, kl_case)
    log_joint, _ = far_table(rng)
    cases.append(kl_case("on 6 points, two of them so far from every component that "
                         "log_joint is near -800 in their rows (exp underflows to 0 there)",
                         log_joint, random_q(rng, 6, 3), "far"))
    return cases


# ============================================================================ mistakes
def _xlogy(q, values):
    """q * values with the terms of q = 0 counted as 0."""
    return np.where(q > 0, q * np.where(q > 0, values, 0.0), 0.0)


def _log_q(q):
    return np.log(np.where(q > 0, q, 1.0))


def _log_posterior(log_joint, axis=1):
    return log_joint - logsumexp(log_joint, axis=axis, keepdims=axis is not None)


def _variant(formula):
    return lambda case: formula(*case.args)


def _bound(a, q):
    return np.sum(_xlogy(q, a - _log_q(q)))


def _kl(a, q):
    return np.sum(_xlogy(q, _log_q(q) - _log_posterior(a)))


_SMALL = (1e-6, 1e-8, 1e-10, 1e-12)     # what students add inside a log "to be safe"
_SMALL_HINT = ("you added a small number inside the log, log(q + eps): that changes every "
               "term q_nk log q_nk by about eps q_nk / q_nk = eps, so the sum is off by about "
               "N K eps. Use the convention 0 log 0 = 0 exactly instead: `np.where(q > 0, q, "
               "1.0)` inside the log, or `scipy.special.xlogy(q, q)`.")
ONE_NUMBER = Mistake("return one number: sum over the samples n AND the components k "
                     "(`np.sum` without an axis), not one value per sample or component.",
                     test=lambda values, case: values[0].shape != ())


BOUND_MISTAKES = (
    Mistake("where q_nk = 0 the term q_nk log q_nk is 0 (the limit of q log q; the convention "
            "0 log 0 = 0), but in floating point 0 * log(0) = 0 * -inf is NaN. Leave those "
            "terms out: `np.where(q > 0, q, 1.0)` inside the log (log 1 = 0), or "
            "`scipy.special.xlogy(q, q)`, or `scipy.special.entr(q)` = -q log q. (Careful: "
            "`np.log(q, where=q > 0)` without `out=` leaves those entries uninitialised.)",
            test=non_finite_on("zeros"), early=True),
    Mistake("you left out the -q_nk log q_nk term (the entropy of q): L = sum_n sum_k q_nk "
            "[log pi_k + log N(x_n | k) - log q_nk]. Without it you have only the expected "
            "log joint, sum q_nk a_nk.", _variant(lambda a, q: np.sum(q * a))),
    Mistake("the entropy has the wrong sign: L = sum q_nk (a_nk - log q_nk) = sum q_nk a_nk + "
            "H(q), and H(q) = -sum q_nk log q_nk is >= 0. You added q_nk log q_nk.",
            _variant(lambda a, q: np.sum(_xlogy(q, a + _log_q(q))))),
    Mistake("you used the log of the posterior, log gamma_nk, where the bound has log q_nk: "
            "that gives sum_n log p(x_n) = l (4.1) whatever q is. (5.1) is the bound for "
            "the q it is given; the gap l - L is the KL (5.2).",
            _variant(lambda a, q: np.sum(_xlogy(q, a - _log_posterior(a))))),
    Mistake("L is a total over the samples, not a mean: the decomposition l = L + KL (5.3) "
            "adds sums. Drop the division by N (`np.sum`, not `np.mean` over the samples).",
            _variant(lambda a, q: _bound(a, q) / len(q))),
    Mistake("`np.mean` averages over all N K entries; L is their sum (`np.sum`).",
            _variant(lambda a, q: _bound(a, q) / q.size)),
    Mistake("weigh log q_nk by q_nk too: the entropy term is -sum q_nk log q_nk, not "
            "-sum log q_nk.",
            _variant(lambda a, q: np.sum(q * a) - np.sum(np.log(q)))),
    *[Mistake(_SMALL_HINT, _variant(lambda a, q, eps=eps: np.sum(q * (a - np.log(q + eps)))))
      for eps in _SMALL],
    ONE_NUMBER,
)

LOWER_BOUND = Exercise(
    name="lower_bound", reference=lower_bound, argument_names=("log_joint", "q"),
    cases=bound_cases, output=Output(("the lower bound",), "return the lower bound"),
    mistakes=BOUND_MISTAKES,
    task="return the lower bound (5.1), sum_n sum_k q_nk (log_joint[n, k] - log q_nk), with "
         "0 log 0 = 0.",
    correct="your lower bound equals (5.1) on 4 fresh random cases (K, d = 3, 2 and 2, 1 and "
            "4, 3 with exact zeros in q, and q the posterior, where L = l).",
    general_hint="your value differs from (5.1), L = sum_n sum_k q_nk (a_nk - log q_nk), "
                 "a_nk = log_joint[n, k], summed over both n and k, with 0 log 0 = 0.")


KL_MISTAKES = (
    Mistake("where q_nk = 0 the term q_nk log(q_nk / gamma_nk) is 0 (the convention "
            "0 log 0 = 0), but in floating point 0 * log(0) = 0 * -inf is NaN. Leave those "
            "terms out: `np.where(q > 0, q, 1.0)` inside the log, or "
            "`scipy.special.rel_entr(q, posterior)`. (Careful: `np.log(q, where=q > 0)` "
            "without `out=` leaves those entries uninitialised.)",
            test=non_finite_on("zeros"), early=True),
    Mistake("for points far from every component you get NaN or inf: each exp(log_joint) "
            "underflows to 0 there, and 0/0 is NaN. Stay in log space: log gamma_nk = a_nk - "
            "log sum_j exp(a_nj), with each row's maximum subtracted first (the log-sum-exp "
            "trick, (3.3); `scipy.special.logsumexp(log_joint, axis=1, keepdims=True)`).",
            test=non_finite_on("far"), early=True),
    Mistake("that is KL(posterior || q), the other direction: the decomposition (5.3) has "
            "KL(q || p(z | x)) = sum q_nk log(q_nk / gamma_nk), (5.2), weighted by q, not by "
            "gamma. (KL is not symmetric.)",
            _variant(lambda a, q: np.sum(_xlogy(np.exp(_log_posterior(a)),
                                                _log_posterior(a) - np.log(q))))),
    Mistake("log_joint is log pi_k N(x_n | k), not the log posterior: subtract each row's "
            "log-sum-exp, log gamma_nk = a_nk - log sum_j exp(a_nj), (3.2) and (3.3). "
            "(Without it you get -L.)",
            _variant(lambda a, q: np.sum(_xlogy(q, _log_q(q) - a)))),
    Mistake("you normalised over the whole table: `logsumexp(log_joint)` without an axis "
            "adds up all N K entries. The posterior of each sample is normalised over its own "
            "row: `logsumexp(log_joint, axis=1, keepdims=True)`.",
            _variant(lambda a, q: np.sum(_xlogy(q, _log_q(q) - _log_posterior(a, None))))),
    Mistake("you normalised over the wrong axis: each ROW (one sample, all components) of the "
            "posterior sums to 1, so take the log-sum-exp over axis=1 with keepdims=True.",
            _variant(lambda a, q: np.sum(_xlogy(q, _log_q(q) - _log_posterior(a, 0))))),
    Mistake("the fraction is upside down: KL(q || p) = sum q_nk log(q_nk / gamma_nk) >= 0 "
            "(Gibbs' inequality); you computed its negative.",
            _variant(lambda a, q: -_kl(a, q))),
    Mistake("weigh each log(q_nk / gamma_nk) by q_nk: (5.2) is sum q_nk log(q_nk / gamma_nk), "
            "an average of the log ratio under q, not a plain sum of log ratios.",
            _variant(lambda a, q: np.sum(np.log(q) - _log_posterior(a)))),
    Mistake("KL here is a total over the samples, not a mean: the decomposition l = L + KL "
            "(5.3) adds sums. Drop the division by N (`np.sum`, not `np.mean` over the samples).",
            _variant(lambda a, q: _kl(a, q) / len(q))),
    Mistake("`np.mean` averages over all N K entries; KL is their sum (`np.sum`).",
            _variant(lambda a, q: _kl(a, q) / q.size)),
    *[Mistake(_SMALL_HINT, _variant(lambda a, q, eps=eps: np.sum(
        q * (np.log(q + eps) - _log_posterior(a))))) for eps in _SMALL],
    ONE_NUMBER,
    Mistake("right for ordinary points, but not for the points far from every component: "
            "exp(log_joint) underflows there. Work in log space, log gamma_nk = a_nk - "
            "log sum_j exp(a_nj) with each row's maximum subtracted (3.3).",
            test=lambda values, case: case.data["kind"] == "far"),
)

POSTERIOR_KL = Exercise(
    name="posterior_kl", reference=posterior_kl, argument_names=("log_joint", "q"),
    cases=kl_cases, output=Output(("the KL divergence",), "return the KL divergence"),
    mistakes=KL_MISTAKES,
    task="return KL(q || p(z | x, theta)) of (5.2), sum_n sum_k q_nk (log q_nk - log "
         "gamma_nk), with 0 log 0 = 0.",
    correct="your KL divergence equals (5.2) on 5 fresh random cases (K, "
            "d = 3, 2 and 2, 1 and 4, 3 with exact zeros in q, q the posterior, where KL = 0, "
            "and points far from every component, where exp(log_joint) underflows).",
    general_hint="your value differs from (5.2), KL = sum_n sum_k q_nk "
                 "(log q_nk - log gamma_nk), with log gamma_nk = a_nk - log sum_j exp(a_nj) "
                 "row by row, summed over both n and k, with 0 log 0 = 0.")
