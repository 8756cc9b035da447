"""Exercises with instant feedback, for the "Exercises" sections of notebooks 01-06.

Each ``check_NAME(f, seed=None)`` runs the student's function ``f`` on a few fresh random
cases, compares it with high-precision answers (within the error that each case's
conditioning allows any correct route) and answers with a ``Feedback``: truthy when correct,
shown as one short message, "Correct: ..." or a hint naming the mistake the output matches.
``solution(name)`` is the source of the model answer (the notebook's hidden solution cell),
``reference(name)`` the function itself.

    >>> from gmm_teach import exercises
    >>> exercises.check_gaussian_pdf(exercises.reference("gaussian_pdf"))
    Correct: ...

The package: ``engine`` (running and judging a function), ``exact`` (the high-precision
answers), and one module per notebook declaring its exercises (``nb01`` ... ``nb06``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from . import nb01, nb02, nb03, nb04, nb05, nb06
from .engine import Exercise, Feedback, cases_of, check

__all__ = [
    "Feedback",
    "EXERCISE_NAMES",
    "EXERCISES",
    "check_gaussian_pdf",
    "check_mle_gaussian",
    "check_mvn_logpdf",
    "check_ellipse_axes",
    "check_responsibility_by_hand",
    "check_e_step",
    "check_m_step_means",
    "check_m_step_covariances",
    "check_lower_bound",
    "check_posterior_kl",
    "check_stopping_rule",
    "check_bic",
    "check",
    "cases_of",
    "reference",
    "solution",
]

EXERCISES: dict[str, Exercise] = {exercise.name: exercise for exercise in (
    nb01.GAUSSIAN_PDF, nb01.MLE_GAUSSIAN,
    nb02.MVN_LOGPDF, nb02.ELLIPSE_AXES,
    nb03.RESPONSIBILITY_BY_HAND, nb03.E_STEP,
    nb04.M_STEP_MEANS, nb04.M_STEP_COVARIANCES,
    nb05.LOWER_BOUND, nb05.POSTERIOR_KL,
    nb06.STOPPING_RULE, nb06.BIC,
)}
EXERCISE_NAMES = tuple(EXERCISES)


def _exercise(name: str) -> Exercise:
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; the exercises are {EXERCISE_NAMES}.")
    return EXERCISES[name]


def reference(name: str) -> Callable:
    """The model answer of exercise `name`, e.g. reference("e_step")."""
    return _exercise(name).reference


def solution(name: str) -> str:
    """The source code of the model answer of exercise `name` (the notebook's hidden cell)."""
    return inspect.getsource(reference(name))


def check_gaussian_pdf(f: Callable, seed=None) -> Feedback:
    """Check f(x, mean, variance) -> N(x | mean, variance), (1.1), elementwise."""
    return check(EXERCISES["gaussian_pdf"], f, seed)


def check_mle_gaussian(f: Callable, seed=None) -> Feedback:
    """Check f(x) -> (mean, variance), the maximum-likelihood estimates for 1-D samples x."""
    return check(EXERCISES["mle_gaussian"], f, seed)


def check_mvn_logpdf(f: Callable, seed=None) -> Feedback:
    """Check f(X, mean, cov) -> (N,) log densities log N(x_n | mean, cov), (2.2)."""
    return check(EXERCISES["mvn_logpdf"], f, seed)


def check_ellipse_axes(f: Callable, seed=None) -> Feedback:
    """Check f(cov, n_std) -> (lengths, axes): full axis lengths, largest first, and the unit
    axis directions as the columns of a (d, d) array."""
    return check(EXERCISES["ellipse_axes"], f, seed)


def check_responsibility_by_hand(f: Callable, seed=None) -> Feedback:
    """Check f(x, weights, means, variances) -> (K,) posterior (3.2) of one scalar point x."""
    return check(EXERCISES["responsibility_by_hand"], f, seed)


def check_e_step(f: Callable, seed=None) -> Feedback:
    """Check f(X, params) -> (N, K) responsibilities, (3.2)."""
    return check(EXERCISES["e_step"], f, seed)


def check_m_step_means(f: Callable, seed=None) -> Feedback:
    """Check f(X, resp) -> (K, d) means, (4.7) and (4.2)."""
    return check(EXERCISES["m_step_means"], f, seed)


def check_m_step_covariances(f: Callable, seed=None) -> Feedback:
    """Check f(X, resp, means) -> (K, d, d) covariances, (4.8) without reg_covar."""
    return check(EXERCISES["m_step_covariances"], f, seed)


def check_lower_bound(f: Callable, seed=None) -> Feedback:
    """Check f(log_joint, q) -> the evidence lower bound L(q, theta), a total over the samples:
    log_joint (N, K) holds log pi_k + log N(x_n | mu_k, Sigma_k), q (N, K) responsibilities."""
    return check(EXERCISES["lower_bound"], f, seed)


def check_posterior_kl(f: Callable, seed=None) -> Feedback:
    """Check f(log_joint, q) -> KL(q || p(z | x, theta)), a total over the samples, with the
    posterior (3.2) computed from log_joint in log space (3.3)."""
    return check(EXERCISES["posterior_kl"], f, seed)


def check_stopping_rule(f: Callable, seed=None) -> Feedback:
    """Check f(mean_log_likelihoods, tol) -> the 1-based iteration where EM stops by (6.1),
    or None."""
    return check(EXERCISES["stopping_rule"], f, seed)


def check_bic(f: Callable, seed=None) -> Feedback:
    """Check f(X, params) -> BIC (6.2) as scikit-learn computes it (full covariances)."""
    return check(EXERCISES["bic"], f, seed)
