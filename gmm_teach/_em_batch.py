"""run_em from many starts on the same data at once: the same numbers, one numpy call for all.

Notebooks 07 and 09 run EM from hundreds of starts on 150 points. One EM iteration there is
some sixty numpy calls on arrays of a few hundred numbers, so Python's per-call overhead, not
arithmetic, sets the pace (about 0.1 ms per iteration). run_em_batch stacks the R runs along a
leading axis and does every step of every run in the same calls, runs leaving the stack as
they stop (6.1).

The numbers are run_em's to the last bit, not merely to rounding: every product is the same
BLAS call on a slice laid out as run_em lays out its array (numpy's stacked matmul calls BLAS
once per slice), every sum adds the same numbers in the same order (a (K, N) slice here is
run_em's (N, K) array in Fortran order), and the Cholesky factors are LAPACK's dpotrf through
numpy's stacked cholesky; for d <= 2 the triangular inverse is dtrti2's own formula, else
dtrtri per matrix. tests/test_em_batch.py compares every array with run_em's.
Only covariance_type "full" is batched; anything unusual (a start of another type, a
covariance that is not positive definite, a point beyond every component's reach) goes to
run_em one start at a time, which raises run_em's own errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import linalg

from .density import LOG_2PI
from .em import EPS, EMTrace, run_em
from .params import GMMParams

__all__ = ["run_em_batch"]


class _Unusual(Exception):
    """A batched step met something run_em handles (or reports) on its own."""


def _stack(params: Sequence[GMMParams]):
    """(weights (R, K), means (R, K, d), covariances, precisions_cholesky (R, K, d, d),
    log_det_precisions_cholesky (R, K)) of R starts."""
    return tuple(np.stack([getattr(p, name) for p in params])
                 for name in ("weights", "means", "covariances", "precisions_cholesky",
                              "log_det_precisions_cholesky"))


class _Data(NamedTuple):
    """The data in the layouts run_em uses: rows (N, d) for resp @ X, X.T (d, N) (a view,
    Fortran order) and its contiguous copy; shared by all runs, or one per run (a leading
    axis R, and an axis of 1 for the components where they broadcast)."""

    rows: np.ndarray
    transposed: np.ndarray
    columns: np.ndarray

    @classmethod
    def of(cls, X: np.ndarray) -> _Data:
        transposed = X.swapaxes(-1, -2)
        columns = np.ascontiguousarray(transposed)
        if X.ndim == 3:
            return cls(X, transposed[:, np.newaxis], columns[:, np.newaxis])
        return cls(X, transposed, columns)


def _e_step(data: _Data, weights, means, precisions_cholesky, log_det):
    """em._e_step for R runs: responsibilities (R, K, N) (run_em's (N, K), transposed) and
    log p(x_n) (R, N), eqs. (3.2), (3.1). Called under np.errstate(over="ignore",
    divide="ignore"), as em._e_step computes the squared distances and log pi_k."""
    d = data.rows.shape[-1]
    P_T = precisions_cholesky.transpose(0, 1, 3, 2)              # (R, K, d, d): P_k^T
    z = P_T @ data.transposed - (P_T @ means[..., np.newaxis])   # (R, K, d, N): z_nk
    squared_distance = np.einsum("rkin,rkin->rkn", z, z)         # (R, K, N)
    a = -0.5 * (d * LOG_2PI + squared_distance) + log_det[..., np.newaxis]
    a += np.log(weights)[..., np.newaxis]
    a_max = a.max(axis=1, keepdims=True)                         # (R, 1, N)
    if np.isneginf(a_max).any():
        raise _Unusual
    np.subtract(a, a_max, out=a)
    np.exp(a, out=a)
    total = a.sum(axis=1, keepdims=True)
    resp = np.divide(a, total, out=a)
    return resp, (a_max + np.log(total))[:, 0, :]


def _m_step(data: _Data, resp: np.ndarray, reg_covar: float):
    """em._m_step (covariance_type "full") for R runs; resp (R, K, N). Returns (weights,
    means, covariances, precisions_cholesky, log_det_precisions_cholesky)."""
    d = data.rows.shape[-1]
    nk = resp.sum(axis=2) + 10 * EPS                              # (4.7), (R, K)
    means = (resp @ data.rows) / nk[..., np.newaxis]              # (4.2), (R, K, d)
    diff = data.columns - means[..., np.newaxis]                  # (R, K, d, N)
    covariances = (resp[:, :, np.newaxis, :] * diff) @ diff.transpose(0, 1, 3, 2)
    covariances /= nk[..., np.newaxis, np.newaxis]
    covariances = 0.5 * (covariances + covariances.transpose(0, 1, 3, 2))
    covariances += reg_covar * np.eye(d)                          # (4.8)
    weights = nk / nk.sum(axis=1, keepdims=True)                  # (4.5)
    if not np.isfinite(covariances).all():
        raise _Unusual
    try:
        L = np.linalg.cholesky(covariances)                      # dpotrf, as params.py
    except np.linalg.LinAlgError:
        raise _Unusual from None
    precisions_cholesky = _inverse_transposed(L)
    log_det = np.log(np.diagonal(precisions_cholesky, axis1=2, axis2=3)).sum(axis=2)
    return weights, means, covariances, precisions_cholesky, log_det


def _inverse_transposed(L: np.ndarray) -> np.ndarray:
    """L^-T for lower-triangular L (..., d, d), as LAPACK's dtrtri computes L^-1."""
    d = L.shape[-1]
    inverse = np.zeros_like(L)
    if d <= 2:  # dtrti2: a_jj = 1 / l_jj, then a_21 = (a_22 l_21) (-a_11)
        inverse[..., 0, 0] = 1 / L[..., 0, 0]
        if d == 2:
            inverse[..., 1, 1] = 1 / L[..., 1, 1]
            inverse[..., 1, 0] = (inverse[..., 1, 1] * L[..., 1, 0]) * -inverse[..., 0, 0]
    else:
        for index in np.ndindex(L.shape[:-2]):
            inverse[index] = linalg.lapack.dtrtri(L[index], lower=1)[0]
    return np.ascontiguousarray(inverse.swapaxes(-1, -2))  # stored as params.py stores P_k


_FIELDS = ("weights", "means", "covariances", "precisions_cholesky",
           "log_det_precisions_cholesky")


def _params_of_each(state: tuple) -> list[GMMParams]:
    """One GMMParams per run of a stacked M-step result, as GMMParams._from_m_step stores
    them: read-only views (the stacked arrays are made read-only), not copies."""
    for array in state:
        array.flags.writeable = False
    made = []
    for arrays in zip(*state, strict=True):
        params = object.__new__(GMMParams)
        params.__dict__.update(zip(_FIELDS, arrays, strict=True), covariance_type="full")
        made.append(params)
    return made


def run_em_batch(X, inits: Sequence[GMMParams], *, tol: float, max_iter: int,
                 reg_covar: float) -> list[EMTrace]:
    """[run_em(X, init, tol=tol, max_iter=max_iter, reg_covar=reg_covar) for init in inits],
    computed together. X: (N, d) float64 from as_samples, or a list of such arrays, one per
    start (run_em(X[r], inits[r], ...)); the other arguments checked by the caller (as run_em
    checks them). Returns one EMTrace per start, in order."""
    if not inits:
        return []
    each = list(X) if isinstance(X, list) else [X] * len(inits)
    if any(p.covariance_type != "full" or p.n_features != x.shape[1]
           for p, x in zip(inits, each, strict=True)) \
            or len({p.n_components for p in inits}) > 1 or len({x.shape for x in each}) > 1:
        return [run_em(x, p, tol=tol, max_iter=max_iter, reg_covar=reg_covar)
                for p, x in zip(inits, each, strict=True)]
    K, (n, d) = inits[0].n_components, each[0].shape
    size = max(1, _MAX_BATCH_ELEMENTS // (K * d * n))  # runs per batch
    if len(inits) > size:
        return [trace for start in range(0, len(inits), size)
                for trace in run_em_batch(X[start:start + size] if isinstance(X, list) else X,
                                          inits[start:start + size], tol=tol,
                                          max_iter=max_iter, reg_covar=reg_covar)]
    try:
        with np.errstate(over="ignore", divide="ignore"):
            return _run_together(each, X if not isinstance(X, list) else np.stack(each),
                                 inits, tol, max_iter, reg_covar)
    except _Unusual:
        return [run_em(x, p, tol=tol, max_iter=max_iter, reg_covar=reg_covar)
                for p, x in zip(inits, each, strict=True)]


#: The largest (R, K, d, N) array a batch makes (0.5 MB): more runs are split into batches, so
#: the memory a batch needs stays small (a notebook's kernel stays under 250 MB).
_MAX_BATCH_ELEMENTS = 2**16


def _run_together(each: list, X: np.ndarray, inits, tol, max_iter, reg_covar) -> list[EMTrace]:
    """The batched loop; X (N, d) shared, or (R, N, d) one per run; each: run r's own X."""
    R = len(inits)
    data = _Data.of(X)
    state = _stack(inits)
    params = [[p] for p in inits]
    mean_lls: list[list[float]] = [[] for _ in range(R)]
    lower_bound = np.full(R, -np.inf)
    converged = np.zeros(R, dtype=bool)
    active = np.arange(R)                                         # runs still iterating
    for _ in range(max_iter):
        if active.size == 0:
            break
        previous = lower_bound[active]
        resp, log_p = _e_step(data, state[0], state[1], state[3], state[4])  # (3.2)
        bound = log_p.mean(axis=1)                                           # (4.6)
        state = _m_step(data, resp, reg_covar)
        lower_bound[active] = bound
        stopping = np.abs(bound - previous) < tol                           # (6.1)
        for r, value, new in zip(active.tolist(), bound.tolist(), _params_of_each(state),
                                 strict=True):
            mean_lls[r].append(value)
            params[r].append(new)
        converged[active[stopping]] = True
        if stopping.any():
            keep = ~stopping
            active = active[keep]
            state = tuple(array[keep] for array in state)
            if X.ndim == 3:
                X = X[keep]
                data = _Data.of(X)
    return [EMTrace(X=each[r], params=tuple(params[r]), mean_log_likelihoods=np.array(mean_lls[r]),
                    n_iter=len(mean_lls[r]), converged=bool(converged[r]),
                    lower_bound=float(lower_bound[r]), tol=tol, reg_covar=reg_covar)
            for r in range(R)]
