"""The EM loop shared by the variants of notebook 14 (labels, gaps): scikit-learn's loop and
stopping rule (6.1) around any E-step and M-step, every iteration's parameters kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .em import EMTrace
from .params import GMMParams


def iterate(e_step: Callable, m_step: Callable, init: GMMParams, tol: float, max_iter: int):
    """Run EM from init: e_step(params) -> (statistics, log_p (N,)), m_step(statistics) ->
    GMMParams. Returns (params tuple, mean log-likelihoods (n_iter,), lower_bound, converged),
    as run_em computes them: entry i-1 belongs to params[i-1]; stop when it changes by < tol."""
    params, mean_lls = [init], []
    lower_bound, converged = -np.inf, False
    for _ in range(max_iter):
        previous = lower_bound
        statistics, log_p = e_step(params[-1])
        lower_bound = float(np.mean(log_p))
        mean_lls.append(lower_bound)
        params.append(m_step(statistics))
        if abs(lower_bound - previous) < tol:
            converged = True
            break
    return tuple(params), np.array(mean_lls), lower_bound, converged


@dataclass(frozen=True, eq=False)
class VariantTrace(EMTrace):
    """An EMTrace of a variant of EM whose E-step is not eq. (3.2) on X alone: subclasses
    give _e_step_of(params) -> (responsibilities (N, K), log_p (N,)); responsibilities(i),
    mean_log_likelihood(i) and half_step then use it."""

    def _e_step_of(self, params: GMMParams):
        raise NotImplementedError

    def responsibilities(self, i: int) -> np.ndarray:
        """The variant's responsibilities from params[i]. Returns (N, K)."""
        return self._e_step_of(self.params[self._index(i)])[0]

    def mean_log_likelihood(self, i: int) -> float:
        """The variant's mean log-likelihood for params[i]."""
        i = self._index(i)
        if i < len(self.mean_log_likelihoods):
            return float(self.mean_log_likelihoods[i])
        return float(np.mean(self._e_step_of(self.params[i])[1]))
