"""Notebook 05's exercises (gmm_teach/exercises/nb05.py): every correct style passes on 200
seeds, every typical mistake gets its own hint, the numerical cases really break the careless
routes, and the model answer is the notebook's."""

import math

import numpy as np
import pytest
from exercise_support import assert_notebook_solution, failures, hint_misses
from scipy import stats
from scipy.special import entr, kl_div, log_softmax, logsumexp, rel_entr, softmax, xlogy

import gmm_teach as gt
from gmm_teach import exercises
from gmm_teach.exercises import nb05


# ============================================================================ correct styles
def bound_loops(log_joint, q):
    total = 0.0
    for n in range(len(q)):
        for k in range(len(q[n])):
            if q[n][k] > 0:
                total += q[n][k] * (log_joint[n][k] - math.log(q[n][k]))
    return total


def bound_xlogy(log_joint, q):
    return np.sum(q * log_joint) - np.sum(xlogy(q, q))


def bound_entr(log_joint, q):
    return np.sum(q * log_joint + entr(q))


def bound_where(log_joint, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * (log_joint - np.log(q)), 0.0)
    return terms.sum()


def bound_einsum_tiny(log_joint, q):
    log_q = np.log(np.maximum(q, np.finfo(float).tiny))      # 0 * log(tiny) = 0
    return np.einsum("nk,nk->", q, log_joint - log_q)


def bound_nansum(log_joint, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(q * log_joint) - np.nansum(q * np.log(q))


def bound_sum_where(log_joint, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(q * log_joint) - np.sum(q * np.log(q), where=q > 0)


def bound_per_row(log_joint, q):
    total = 0.0
    for a_n, q_n in zip(log_joint, q, strict=True):
        used = q_n > 0
        total += np.dot(q_n[used], a_n[used] - np.log(q_n[used]))
    return float(total)


def kl_logsumexp_xlogy(log_joint, q):
    log_posterior = log_joint - logsumexp(log_joint, axis=1, keepdims=True)
    return np.sum(xlogy(q, q)) - np.sum(q * log_posterior)


def kl_softmax_rel_entr(log_joint, q):
    return np.sum(rel_entr(q, softmax(log_joint, axis=1)))


def kl_softmax_kl_div(log_joint, q):
    return np.sum(kl_div(q, softmax(log_joint, axis=1)))     # + p - q adds up to 0 per row


def kl_log_softmax_where(log_joint, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * (np.log(q) - log_softmax(log_joint, axis=1)), 0.0)
    return terms.sum()


def kl_scipy_entropy(log_joint, q):
    return stats.entropy(q, softmax(log_joint, axis=1), axis=1).sum()


def kl_loops(log_joint, q):
    total = 0.0
    for n in range(len(q)):
        top = max(log_joint[n])
        log_p = top + math.log(sum(math.exp(a - top) for a in log_joint[n]))
        for k in range(len(q[n])):
            if q[n][k] > 0:
                total += q[n][k] * (math.log(q[n][k]) - (log_joint[n][k] - log_p))
    return total


def kl_from_the_decomposition(log_joint, q):
    """KL = l - L: the decomposition (5.3) read backwards."""
    return np.sum(logsumexp(log_joint, axis=1)) - nb05.lower_bound(log_joint, q)


def kl_einsum_nansum(log_joint, q):
    log_posterior = log_joint - logsumexp(log_joint, axis=1)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nansum(q * np.log(q)) - np.einsum("nk,nk->", q, log_posterior)


STYLES = {
    "lower_bound": [nb05.lower_bound, bound_loops, bound_xlogy, bound_entr, bound_where,
                    bound_einsum_tiny, bound_nansum, bound_sum_where, bound_per_row],
    "posterior_kl": [nb05.posterior_kl, kl_logsumexp_xlogy, kl_softmax_rel_entr,
                     kl_softmax_kl_div, kl_log_softmax_where, kl_scipy_entropy, kl_loops,
                     kl_from_the_decomposition, kl_einsum_nansum],
}


@pytest.mark.parametrize(("name", "style"), [(n, s) for n, ss in STYLES.items() for s in ss],
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_correct_style_passes_on_every_seed(name, style):
    assert failures(name, style) == []


# ============================================================================ mistakes
def _log_posterior(log_joint):
    return log_joint - logsumexp(log_joint, axis=1, keepdims=True)


def bound_naive_q_log_q(log_joint, q):
    return np.sum(q * log_joint) - np.sum(q * np.log(q))


def bound_no_entropy(log_joint, q):
    return np.sum(q * log_joint)


def bound_entropy_sign(log_joint, q):
    return np.sum(q * log_joint) + np.sum(xlogy(q, q))


def bound_log_posterior(log_joint, q):
    return np.sum(q * (log_joint - _log_posterior(log_joint)))


def bound_mean_over_samples(log_joint, q):
    return nb05.lower_bound(log_joint, q) / len(q)


def bound_np_mean(log_joint, q):
    return np.mean(q * log_joint - xlogy(q, q))


def bound_unweighted_log_q(log_joint, q):
    return np.sum(q * log_joint) - np.sum(np.log(q))


def bound_eps(log_joint, q):
    return np.sum(q * (log_joint - np.log(q + 1e-10)))


def bound_log_where_without_out(log_joint, q):
    log_q = np.log(q, where=q > 0, out=np.full_like(q, np.nan))   # what `out` left unset
    return np.sum(q * log_joint) - np.sum(q * log_q)


def bound_patches_q(log_joint, q):
    q[q == 0] = 1e-300                                      # the caller's array!
    return np.sum(q * (log_joint - np.log(q)))


def bound_per_sample(log_joint, q):
    return np.sum(q * log_joint - xlogy(q, q), axis=1)


def bound_per_component(log_joint, q):
    return np.sum(q * log_joint - xlogy(q, q), axis=0)


def kl_naive_zeros(log_joint, q):
    return np.sum(q * np.log(q / softmax(log_joint, axis=1)))


def kl_naive_exp(log_joint, q):
    p = np.exp(log_joint)
    posterior = p / p.sum(axis=1, keepdims=True)
    return np.sum(rel_entr(q, posterior))


def kl_wrong_direction(log_joint, q):
    return np.sum(rel_entr(softmax(log_joint, axis=1), q))


def kl_unnormalised(log_joint, q):
    return np.sum(xlogy(q, q) - q * log_joint)


def kl_global_logsumexp(log_joint, q):
    return np.sum(xlogy(q, q) - q * (log_joint - logsumexp(log_joint)))


def kl_softmax_no_axis(log_joint, q):
    return np.sum(rel_entr(q, softmax(log_joint)))           # normalised over all N K entries


def kl_unweighted(log_joint, q):
    return np.sum(np.log(q) - _log_posterior(log_joint))


def kl_wrong_axis(log_joint, q):
    return np.sum(xlogy(q, q) - q * (log_joint - logsumexp(log_joint, axis=0, keepdims=True)))


def kl_negative(log_joint, q):
    return np.sum(q * _log_posterior(log_joint) - xlogy(q, q))


def kl_mean_over_samples(log_joint, q):
    return nb05.posterior_kl(log_joint, q) / len(q)


def kl_np_mean(log_joint, q):
    return np.mean(rel_entr(q, softmax(log_joint, axis=1)))


def kl_eps(log_joint, q):
    return np.sum(q * (np.log(q + 1e-8) - _log_posterior(log_joint)))


def kl_patches_q(log_joint, q):
    q += 1e-300                                             # the caller's array!
    return np.sum(q * (np.log(q) - _log_posterior(log_joint)))


def kl_per_sample(log_joint, q):
    return np.sum(rel_entr(q, softmax(log_joint, axis=1)), axis=1)


def kl_clipped_exp(log_joint, q):
    p = np.exp(log_joint) + 1e-300
    return np.sum(rel_entr(q, p / p.sum(axis=1, keepdims=True)))


MISTAKES = [
    ("lower_bound", bound_naive_q_log_q, "0 * log(0) = 0 * -inf is NaN"),
    ("lower_bound", bound_no_entropy, "you left out the -q_nk log q_nk term"),
    ("lower_bound", bound_entropy_sign, "the entropy has the wrong sign"),
    ("lower_bound", bound_log_posterior, "you used the log of the posterior"),
    ("lower_bound", bound_mean_over_samples, "L is a total over the samples, not a mean"),
    ("lower_bound", bound_np_mean, "`np.mean` averages over all N K entries"),
    ("lower_bound", bound_unweighted_log_q, "weigh log q_nk by q_nk too"),
    ("lower_bound", bound_log_where_without_out, "without `out=` leaves those entries"),
    ("lower_bound", bound_eps, "you added a small number inside the log"),
    ("lower_bound", bound_patches_q, "changed its argument `q` in place"),
    ("lower_bound", bound_per_sample, "return one number"),
    ("lower_bound", bound_per_component, "return one number"),
    ("posterior_kl", kl_naive_zeros, "0 * log(0) = 0 * -inf is NaN"),
    ("posterior_kl", kl_naive_exp, "each exp(log_joint) underflows to 0 there"),
    ("posterior_kl", kl_wrong_direction, "that is KL(posterior || q), the other direction"),
    ("posterior_kl", kl_unnormalised, "log_joint is log pi_k N(x_n | k), not the log posterior"),
    ("posterior_kl", kl_global_logsumexp, "you normalised over the whole table"),
    ("posterior_kl", kl_softmax_no_axis, "you normalised over the whole table"),
    ("posterior_kl", kl_unweighted, "weigh each log(q_nk / gamma_nk) by q_nk"),
    ("posterior_kl", kl_wrong_axis, "you normalised over the wrong axis"),
    ("posterior_kl", kl_negative, "the fraction is upside down"),
    ("posterior_kl", kl_mean_over_samples, "KL here is a total over the samples, not a mean"),
    ("posterior_kl", kl_np_mean, "`np.mean` averages over all N K entries"),
    ("posterior_kl", kl_eps, "you added a small number inside the log"),
    ("posterior_kl", kl_patches_q, "changed its argument `q` in place"),
    ("posterior_kl", kl_per_sample, "return one number"),
    ("posterior_kl", kl_clipped_exp, "right for ordinary points, but not for the points far"),
]


@pytest.mark.parametrize(("name", "mistake", "fragment"), MISTAKES,
                         ids=lambda v: getattr(v, "__name__", None))
def test_every_mistake_gets_its_own_hint(name, mistake, fragment):
    assert hint_misses(name, mistake, fragment) == []


def _cases(name: str, kind: str, seeds=range(20)):
    return [case for seed in seeds for case in exercises.cases_of(exercises.EXERCISES[name], seed)
            if case.data["kind"] == kind]


def test_the_far_rows_break_the_naive_posterior_but_not_the_log_space_routes():
    """Near -800 every exp(a_nk) is 0 in float64, so exp-and-normalise gives 0/0; the rows
    stay within 600 of their maximum, so each posterior is a normal float and softmax, like
    log-sum-exp, is exact enough there: the underflow hint is earned by the naive route only."""
    for case in _cases("posterior_kl", "far"):
        log_joint, q = case.args
        far = log_joint.max(axis=1) < -745.2
        assert far.sum() == 2 and np.all(np.exp(log_joint[far]) == 0.0)
        assert np.all(log_joint[far].max(axis=1) > -830)
        assert np.all(softmax(log_joint, axis=1) > np.finfo(float).tiny)
        with np.errstate(all="ignore"):
            assert not np.isfinite(kl_naive_exp(log_joint, q))
        assert abs(kl_softmax_rel_entr(log_joint, q) - case.expected[0]) <= case.tolerance[0]


def test_the_zero_cases_hold_exact_zeros_and_the_ordinary_ones_none():
    for name in ("lower_bound", "posterior_kl"):
        for case in _cases(name, "zeros"):
            q = case.args[1]
            assert np.all((q == 0).sum(axis=1) >= 1) and np.any(q == 1.0)
            with np.errstate(all="ignore"):
                assert np.isnan(np.sum(q * np.log(q)))
        for case in _cases(name, "ordinary"):
            assert np.all(case.args[1] > 0)


def test_the_posterior_case_is_where_the_bound_touches():
    """q = the posterior: L = l (4.1) (to the tolerance) and KL = 0 (to rounding of q)."""
    for case in _cases("lower_bound", "posterior"):
        log_joint, _ = case.args
        assert abs(np.sum(logsumexp(log_joint, axis=1)) - case.expected[0]) <= case.tolerance[0]
    for case in _cases("posterior_kl", "posterior"):
        assert abs(case.expected[0]) <= case.tolerance[0]


def test_the_exact_answers_obey_the_decomposition():
    """L and KL are computed separately in 50 digits; on the same (log_joint, q) they add up
    to l = sum_n log sum_k exp(a_nk), (5.3), within the two tolerances."""
    for seed in range(20):
        bounds = exercises.cases_of(exercises.EXERCISES["lower_bound"], seed)
        kls = exercises.cases_of(exercises.EXERCISES["posterior_kl"], seed)
        assert len(kls) == len(bounds) + 1                     # and the far case
        for bound, kl in zip(bounds, kls, strict=False):
            assert all(np.array_equal(u, v) for u, v in zip(bound.args, kl.args, strict=True))
            total = np.sum(logsumexp(bound.args[0], axis=1))
            assert abs(bound.expected[0] + kl.expected[0] - total) <= (
                bound.tolerance[0] + kl.tolerance[0])
            assert kl.expected[0] >= -kl.tolerance[0]      # Gibbs, for rows of q summing to 1


def test_the_cases_match_the_engine_on_real_mixtures():
    """The exact answers agree with gt.elbo / gt.posterior_kl, which take X and params: the
    exercise is the engine's formula, fed with log_joint = gt.weighted_log_prob(X, params)."""
    rng = np.random.default_rng(5)
    for K, d in [(3, 2), (2, 1)]:
        params = nb05.random_params(rng, K, d)
        X = nb05._sample(rng, params, 10)
        q = nb05.random_q(rng, 10, K)
        log_joint = gt.weighted_log_prob(X, params)
        bound = nb05.bound_case("", log_joint, q, "ordinary")
        kl = nb05.kl_case("", log_joint, q, "ordinary")
        assert abs(gt.elbo(X, params, q) - bound.expected[0]) <= bound.tolerance[0]
        assert abs(gt.posterior_kl(X, params, q) - kl.expected[0]) <= kl.tolerance[0]


# ============================================================================ one model answer
@pytest.mark.parametrize("name", ["lower_bound", "posterior_kl"])
def test_the_notebook_solution_is_the_model_answer_and_passes(name):
    assert_notebook_solution("05", name)
