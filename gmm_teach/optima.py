"""Local optima of EM and how to tell a proper fit from a degenerate one (notebooks 07, 09).

EM stops at a stationary point of the mean log-likelihood (4.6); which one depends on the
start. Some of those points are not clusterings at all:

- a **degenerate** fit has a component thinner than the data can resolve. Measurements
  rounded to a step h spread a value uniformly over an interval of width h, a variance of
  h^2 / 12; a component whose smallest covariance eigenvalue is below that floor sits on a
  few points on one line (often exactly, with variance reg_covar), and its density on that
  line, not a better clustering, buys the high likelihood (notebook 08's singularity).
  The criterion, used by notebooks 07 and 09 alike:

      degenerate  <=>  min_k lambda_min(Sigma_k) < degeneracy_floor(X, reg_covar)
                       = max(h^2 / 12, 2 reg_covar),

  with h the smallest gap between two distinct values of one feature of X (0.1 cm for iris);
  the 2 reg_covar part catches spikes (variance reg_covar plus a little) on data that are
  not rounded.
- a **duplicated-component** fit has two components with identical parameters. They got
  identical responsibilities (3.2) from the start (two starting points that are equal rows of
  X), so the M-step (4.7), (4.2), (4.8), (4.5) keeps them identical for ever: a K-component
  run that is really the (K-1)-component fit, a fixed point EM cannot leave.

seed_study runs EM from many starts per method, the way notebook 07 collects its optima.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ._checks import (
    as_samples,
    check_choice,
    check_n_components,
    check_nonnegative_number,
    check_whole_number,
)
from ._em_batch import run_em_batch
from .em import INIT_METHODS, initial_params
from .params import GMMParams

__all__ = [
    "thinnest_variances",
    "rounding_variance",
    "degeneracy_floor",
    "is_degenerate",
    "duplicated_components",
    "SeedStudy",
    "seed_study",
    "optima_table",
]


def _check_params(params) -> GMMParams:
    if not isinstance(params, GMMParams):
        raise TypeError(f"params must be a GMMParams (e.g. trace.final), not "
                        f"{type(params).__name__}.")
    return params


def thinnest_variances(params: GMMParams) -> np.ndarray:
    """The smallest eigenvalue of each component's covariance: the variance along its
    thinnest direction. params: a GMMParams with K components. Returns (K,)."""
    return np.linalg.eigvalsh(_check_params(params).covariances)[:, 0]


def rounding_variance(X) -> float:
    """h^2 / 12 for the rounding step h of the data: the variance of a uniform error over
    one step. h is the smallest gap between two distinct values of one feature of X (0.1 cm
    for the iris data); gaps below 1e-9 of the feature's range count as floating-point noise
    (3.0 and 3.0000000000000004 are one value). X: (N, d) or (N,). Returns 0.0 if no
    feature has two distinct values.
    """
    X = as_samples(X)
    gaps = []
    for column in X.T:
        steps = np.diff(np.unique(column))
        gaps.append(steps[steps > 1e-9 * np.ptp(column)])
    gaps = np.concatenate(gaps)
    if gaps.size == 0:
        return 0.0
    return float(gaps.min() ** 2 / 12)


def degeneracy_floor(X, reg_covar: float = 1e-6) -> float:
    """max(rounding_variance(X), 2 reg_covar): a component with a covariance eigenvalue
    below this is thinner than the data resolve (see the module docstring). X: (N, d) or
    (N,); reg_covar >= 0, the ridge of the M-step (4.8). Returns a float (cm^2 for iris)."""
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    return max(rounding_variance(X), 2 * reg_covar)


def is_degenerate(params: GMMParams, min_variance: float) -> bool:
    """True when some component's smallest covariance eigenvalue is below min_variance
    (use degeneracy_floor(X, reg_covar))."""
    min_variance = check_nonnegative_number(min_variance, "min_variance")
    return bool(thinnest_variances(params).min() < min_variance)


def duplicated_components(params: GMMParams, *, atol: float = 1e-10) -> list[tuple[int, int]]:
    """Pairs (j, k), j < k, 0-based, of components whose weights, means and covariances agree
    within atol: the same Gaussian counted twice. Empty list when there are none."""
    params = _check_params(params)
    atol = check_nonnegative_number(atol, "atol")
    K = params.n_components
    return [(j, k) for j in range(K) for k in range(j + 1, K)
            if abs(params.weights[j] - params.weights[k]) <= atol
            and np.allclose(params.means[j], params.means[k], rtol=0, atol=atol)
            and np.allclose(params.covariances[j], params.covariances[k], rtol=0, atol=atol)]


class SeedStudy(NamedTuple):
    """EM from many starts (see seed_study). Every dict is keyed by method, with one entry per
    seed in seed order: starts (GMMParams), default (EMTrace with the default tol) and tight
    (the default run continued from where it stopped until |change| < tight_tol)."""

    methods: tuple[str, ...]
    seeds: tuple[int, ...]
    starts: dict
    default: dict
    tight: dict

    def scores(self, which: str = "tight") -> dict:
        """method -> (n_seeds,) the mean log-likelihood (4.6) of each run's final parameters;
        which: "default" or "tight"."""
        check_choice(which, "which", ("default", "tight"))
        runs = self.default if which == "default" else self.tight
        return {m: np.array([t.mean_log_likelihood(-1) for t in runs[m]]) for m in self.methods}

    def thinnest(self) -> dict:
        """method -> (n_seeds,) the smallest covariance eigenvalue of any component, tight runs."""
        return {m: np.array([thinnest_variances(t.final).min() for t in self.tight[m]])
                for m in self.methods}

    def duplicated(self) -> dict:
        """method -> (n_seeds,) bool: the tight run ends with two identical components."""
        return {m: np.array([bool(duplicated_components(t.final)) for t in self.tight[m]])
                for m in self.methods}


def seed_study(X, n_components: int, seeds: Sequence[int], *,
               methods: Sequence[str] = INIT_METHODS, tol: float = 1e-3,
               tight_tol: float = 1e-6, max_iter: int = 1000,
               reg_covar: float = 1e-6) -> SeedStudy:
    """EM on X from initial_params(X, K, method, random_state=s) for every method and seed:
    once with the default tol (what GaussianMixture gives), and continued from there until
    the mean log-likelihood changes by less than tight_tol (so runs heading for one optimum
    end at one value). EM is deterministic: a start met before is not run again. reg_covar is
    the ridge of every M-step (4.8), the starts' included.

    X: (N, d) or (N,). seeds: whole numbers. Returns a SeedStudy.
    """
    X = as_samples(X)
    K = check_n_components(n_components, X.shape[0])
    methods = tuple(check_choice(m, "methods", INIT_METHODS) for m in methods)
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Sequence | range):
        raise TypeError(f"seeds must be a sequence of whole numbers, e.g. range(50), "
                        f"not {seeds!r}.")
    seeds = tuple(check_whole_number(s, "each seed") for s in seeds)
    if not seeds or not methods:
        raise ValueError("seeds and methods must not be empty; e.g. seeds=range(50).")
    tol = check_nonnegative_number(tol, "tol", strictly_positive=True)
    tight_tol = check_nonnegative_number(tight_tol, "tight_tol", strictly_positive=True)
    reg_covar = check_nonnegative_number(reg_covar, "reg_covar")
    max_iter = check_whole_number(max_iter, "max_iter")
    if tight_tol > tol:
        raise ValueError(f"tight_tol ({tight_tol}) must not exceed tol ({tol}): the tight runs "
                         "continue the default ones.")
    starts = {m: [initial_params(X, K, m, random_state=s, reg_covar=reg_covar) for s in seeds]
              for m in methods}
    default = _run_each(X, starts, tol=tol, max_iter=max_iter, reg_covar=reg_covar)
    finals = {m: [t.final for t in default[m]] for m in methods}
    tight = _run_each(X, finals, tol=tight_tol, max_iter=max_iter, reg_covar=reg_covar)
    return SeedStudy(methods, seeds, starts, default, tight)


def _start_key(p: GMMParams) -> bytes:
    return np.concatenate([p.weights, p.means.ravel(), p.covariances.ravel()]).tobytes()


def _run_each(X: np.ndarray, inits: dict, **options) -> dict:
    """method -> [run_em(X, p, **options) for p in inits[method]]: each distinct start run
    once (EM is deterministic), all of them together by run_em_batch (the same numbers)."""
    distinct: dict[bytes, GMMParams] = {}
    for p in (p for m in inits for p in inits[m]):
        distinct.setdefault(_start_key(p), p)
    traces = dict(zip(distinct, run_em_batch(X, list(distinct.values()), **options),
                      strict=True))
    return {m: [traces[_start_key(p)] for p in inits[m]] for m in inits}


def optima_table(study: SeedStudy, min_variance: float, *, decimals: int = 3) -> list[tuple]:
    """The distinct optima of the tight runs, highest first, for gt.print_table: one row
    (score rounded to `decimals`, "yes"/"no" degenerate, "yes"/"no" duplicated components,
    median thinnest variance, then the number of runs of each method that end there).
    Runs are grouped by (rounded score, degenerate, duplicated)."""
    if not isinstance(study, SeedStudy):
        raise TypeError(f"study must be a SeedStudy from seed_study, not {type(study).__name__}.")
    min_variance = check_nonnegative_number(min_variance, "min_variance")
    decimals = check_whole_number(decimals, "decimals")
    score, thin, dup = study.scores("tight"), study.thinnest(), study.duplicated()
    keys = {m: [(round(float(v), decimals), bool(t < min_variance), bool(d))
                for v, t, d in zip(score[m], thin[m], dup[m], strict=True)] for m in study.methods}
    rows = []
    for key in sorted({k for m in study.methods for k in keys[m]}, reverse=True):
        here = np.concatenate([thin[m][[k == key for k in keys[m]]] for m in study.methods])
        counts = [sum(k == key for k in keys[m]) for m in study.methods]
        rows.append((key[0], "yes" if key[1] else "no", "yes" if key[2] else "no",
                     float(np.median(here)), *counts))
    return rows
