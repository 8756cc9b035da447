"""Choosing K and judging clusters: best-of-n fits, held-out log-likelihood, matching
clusters to known classes.

Equations (numbered as in the notebooks that state them):

(6.2) BIC = -2 N l(theta) + p log N         (gmm_teach.bic; l is eq. (4.6), p the free parameters)
(9.1) AIC = -2 N l(theta) + 2 p             (gmm_teach.aic)
(9.2) CV(K) = (1/F) sum_f l_f(theta_{-f}):  fit on all folds but f, score fold f with eq. (4.6),
      average over the F folds.
(11.1) accuracy = max over one-to-one maps m from clusters to classes of
       (1/N) #{n : m(cluster_n) = class_n}  (the best assignment, Hungarian algorithm).

Best-of-n fits can keep only proper runs: with min_variance (gmm_teach.optima.degeneracy_floor),
a run with a component thinner than that is set aside, because the highest likelihood
otherwise goes to degenerate spikes (notebooks 07, 08).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.model_selection import KFold

from ._checks import (
    as_samples,
    check_choice,
    check_n_components,
    check_nonnegative_number,
    check_whole_number,
)
from ._em_batch import run_em_batch
from .em import INIT_METHODS, EMTrace, aic, bic, initial_params, mean_log_likelihood
from .optima import is_degenerate
from .params import COVARIANCE_TYPES

__all__ = ["fit_best_of", "fit_best_of_each", "cross_validated_log_likelihood", "Criteria",
           "criteria_over_k", "ClusterMatch", "match_clusters"]


def _check_options(method, covariance_type, n_starts) -> int:
    check_choice(method, "method", INIT_METHODS)
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    return check_whole_number(n_starts, "n_starts", minimum=1)


_RUNS: dict[tuple, EMTrace] = {}  # EM from a seeded start, by its inputs (_runs_from_seeds)
_MAX_RUNS = 5000


def _runs_from_seeds(datasets: list, n_components: int, seeds: range, **options) -> list:
    """For each X in datasets: [run_em(X, initial_params(X, K, method, random_state=s, ...),
    ...) for s in seeds], remembered.

    EM from a seeded start is deterministic, and a notebook asks for the same runs again and
    again (the best-of-n fits with and without min_variance, then criteria_over_k, which
    refits every K and every fold): each is computed once, and the new ones together, all
    data sets of one shape in one batch (run_em_batch: the same numbers). EMTrace holds
    read-only arrays, so sharing one is safe. The memory is bounded (_MAX_RUNS traces, then
    it starts afresh).
    """
    keys = [[(X.shape, X.tobytes(), n_components, seed, *sorted(options.items()))
             for seed in seeds] for X in datasets]
    if len(_RUNS) + sum(map(len, keys)) > _MAX_RUNS:
        _RUNS.clear()
    todo: dict[tuple, list] = {}  # shape -> [(key, X, start)] of the runs not made yet
    for X, row in zip(datasets, keys, strict=True):
        private = None
        for seed, key in zip(seeds, row, strict=True):
            if key in _RUNS or any(key == k for k, _, _ in todo.get(X.shape, [])):
                continue
            if private is None:  # the traces keep their X: a private read-only copy,
                private = X.copy()  # whatever the caller does with the array later
                private.flags.writeable = False
            start = initial_params(private, n_components, options["method"], random_state=seed,
                                   reg_covar=options["reg_covar"],
                                   covariance_type=options["covariance_type"])
            todo.setdefault(X.shape, []).append((key, private, start))
    for group in todo.values():
        traces = run_em_batch([X for _, X, _ in group], [start for _, _, start in group],
                              tol=options["tol"], max_iter=options["max_iter"],
                              reg_covar=options["reg_covar"])
        _RUNS.update(zip([key for key, _, _ in group], traces, strict=True))
    return [[_RUNS[key] for key in row] for row in keys]


def _best(traces: list, min_variance: float | None, n_components: int) -> EMTrace:
    """The trace with the highest final mean log-likelihood (4.6), the first of equals;
    with min_variance, among the proper ones only (ValueError if there is none)."""
    best, best_score = None, -np.inf
    for trace in traces:
        if min_variance is not None and is_degenerate(trace.final, min_variance):
            continue
        score = trace.mean_log_likelihood(-1)
        if best is None or score > best_score:
            best, best_score = trace, score
    if best is None:
        raise ValueError(f"all {len(traces)} runs with n_components={n_components} are "
                         f"degenerate (a covariance eigenvalue below min_variance="
                         f"{min_variance:g}); use more n_starts, fewer n_components, or "
                         "min_variance=None to keep them.")
    return best


def _check_run_options(method, covariance_type, n_starts, tol, max_iter, reg_covar) -> dict:
    """The options of fit_best_of, checked, as _runs_from_seeds takes them."""
    _check_options(method, covariance_type, n_starts)
    return {"method": method, "covariance_type": covariance_type,
            "tol": check_nonnegative_number(tol, "tol"),
            "max_iter": check_whole_number(max_iter, "max_iter"),
            "reg_covar": check_nonnegative_number(reg_covar, "reg_covar")}


def fit_best_of(X, n_components: int, n_starts: int = 10, *, method: str = "k-means++",
                covariance_type: str = "full", tol: float = 1e-3, max_iter: int = 100,
                reg_covar: float = 1e-6, min_variance: float | None = None) -> EMTrace:
    """EM from n_starts starts, initial_params(X, K, method, random_state=s) for
    s = 0, 1, ..., n_starts - 1; returns the trace whose final parameters have the highest
    mean log-likelihood (eq. (4.6)) on X (the lowest seed wins a tie).

    One start can end in a poor local optimum; the best of several makes curves over K
    reflect K, not luck. But the highest likelihood favours degenerate runs (a component on
    a few points on one line). min_variance: None keeps every run; a number (e.g.
    gmm_teach.optima.degeneracy_floor(X, reg_covar)) keeps only runs whose every covariance
    eigenvalue is at least min_variance, and raises ValueError if no run is proper.
    X: (N, d) or (N,). Returns an EMTrace (see run_em).
    """
    return fit_best_of_each([X], n_components, n_starts, method=method,
                            covariance_type=covariance_type, tol=tol, max_iter=max_iter,
                            reg_covar=reg_covar, min_variance=min_variance)[0]


def fit_best_of_each(samples, n_components: int, n_starts: int = 10, *,
                     method: str = "k-means++", covariance_type: str = "full",
                     tol: float = 1e-3, max_iter: int = 100, reg_covar: float = 1e-6,
                     min_variance=None) -> list[EMTrace]:
    """[fit_best_of(X, n_components, n_starts, ..., min_variance=v) for X, v in samples and
    min_variance], with the EM runs of all samples of one shape computed together (the same
    traces, in a fraction of the time: a repeated experiment on fresh samples).

    samples: a list of data sets, each (N, d) or (N,). min_variance: None, one number for
    all, or a list with one number (or None) per sample. Returns one EMTrace per sample.
    """
    if isinstance(samples, np.ndarray) or not isinstance(samples, list | tuple) or not samples:
        raise TypeError("samples must be a non-empty list of data sets, e.g. [X1, X2]; for "
                        "one data set use fit_best_of(X, ...).")
    samples = [as_samples(X, f"samples[{i}]") for i, X in enumerate(samples)]
    for X in samples:
        check_n_components(n_components, X.shape[0])
    floors = (list(min_variance) if isinstance(min_variance, list | tuple | np.ndarray)
              else [min_variance] * len(samples))
    if len(floors) != len(samples):
        raise ValueError(f"min_variance must be None, a number or one value per sample "
                         f"({len(samples)}), got {len(floors)} values.")
    floors = [None if v is None else check_nonnegative_number(v, "min_variance")
              for v in floors]
    options = _check_run_options(method, covariance_type, n_starts, tol, max_iter, reg_covar)
    runs = _runs_from_seeds(samples, n_components, range(n_starts), **options)
    return [_best(traces, floor, n_components)
            for traces, floor in zip(runs, floors, strict=True)]


def cross_validated_log_likelihood(X, n_components: int, *, n_splits: int = 5,
                                   random_state: int = 0, n_starts: int = 10,
                                   method: str = "k-means++", covariance_type: str = "full",
                                   reg_covar: float = 1e-6,
                                   min_variance: float | None = None) -> np.ndarray:
    """Held-out mean log-likelihood per fold, eq. (9.2) before the average.

    The samples are split by KFold(n_splits, shuffle=True, random_state=random_state); for
    each fold f, a mixture is fitted with fit_best_of on the other folds and scored with
    mean_log_likelihood (eq. (4.6)) on fold f, which it never saw (min_variance as in
    fit_best_of: only proper fits). X: (N, d) or (N,).
    Returns (n_splits,); its mean is CV(K). Unlike the training log-likelihood it does not
    rise for ever with K: components that fit noise in the training folds explain the held-out
    fold badly.
    """
    X = as_samples(X)
    n_splits = check_whole_number(n_splits, "n_splits", minimum=2)
    if n_splits > X.shape[0]:
        raise ValueError(f"n_splits must be between 2 and the number of samples "
                         f"({X.shape[0]}), got {n_splits}.")
    smallest_training_set = X.shape[0] - -(-X.shape[0] // n_splits)
    check_n_components(n_components, smallest_training_set)
    _check_options(method, covariance_type, n_starts)
    check_nonnegative_number(reg_covar, "reg_covar")
    folds = list(KFold(n_splits, shuffle=True, random_state=random_state).split(X))
    fitted = fit_best_of_each([X[train] for train, _ in folds], n_components, n_starts,
                              method=method, covariance_type=covariance_type,
                              reg_covar=reg_covar, min_variance=min_variance)  # all folds at once
    scores = [mean_log_likelihood(X[test], trace.final)
              for trace, (_, test) in zip(fitted, folds, strict=True)]
    return np.array(scores)


class Criteria(NamedTuple):
    """BIC, AIC and CV for every K (see criteria_over_k); arrays of shape (len(Ks),).

    Ks: the candidates. fits: the best-of-n final GMMParams per K. training: eq. (4.6) of
    each fit on X. bic, aic: eqs. (6.2), (9.1). cv, cv_se: eq. (9.2) and its standard error
    over the folds. n_parameters: p per K.
    """

    Ks: np.ndarray
    fits: tuple
    training: np.ndarray
    bic: np.ndarray
    aic: np.ndarray
    cv: np.ndarray
    cv_se: np.ndarray
    n_parameters: np.ndarray

    def choices(self) -> dict:
        """{"BIC": K, "AIC": K, "CV": K}: the lowest BIC and AIC, the highest CV."""
        return {"BIC": int(self.Ks[np.argmin(self.bic)]), "AIC": int(self.Ks[np.argmin(self.aic)]),
                "CV": int(self.Ks[np.argmax(self.cv)])}

    def near_minimum(self, criterion: str, within: float) -> list[int]:
        """The K whose BIC or AIC is less than `within` above its minimum."""
        check_choice(criterion, "criterion", ("BIC", "AIC"))
        within = check_nonnegative_number(within, "within")
        values = self.bic if criterion == "BIC" else self.aic
        return [int(K) for K in self.Ks[values - values.min() < within]]


def criteria_over_k(X, Ks, *, n_starts: int = 10, n_starts_cv: int = 3, n_splits: int = 5,
                    reg_covar: float = 1e-6, min_variance: float | None = None) -> Criteria:
    """For every K in Ks: fit_best_of(X, K, n_starts) (only proper runs if min_variance is
    given), its BIC (6.2) and AIC (9.1), and the held-out CV(K) (9.2) from
    cross_validated_log_likelihood with n_starts_cv starts per fold. X: (N, d) or (N,);
    Ks: whole numbers >= 1. Returns a Criteria."""
    X = as_samples(X)
    Ks = np.array([check_whole_number(K, "Ks", minimum=1) for K in np.atleast_1d(Ks)])
    if Ks.size == 0:
        raise ValueError("Ks must hold at least one number of components, e.g. range(1, 9).")
    options = {"reg_covar": reg_covar, "min_variance": min_variance}
    fits = tuple(fit_best_of(X, int(K), n_starts, **options).final for K in Ks)
    folds = np.array([cross_validated_log_likelihood(X, int(K), n_splits=n_splits,
                                                     n_starts=n_starts_cv, **options)
                      for K in Ks])  # (len(Ks), n_splits)
    return Criteria(Ks, fits, np.array([mean_log_likelihood(X, f) for f in fits]),
                    np.array([bic(X, f) for f in fits]), np.array([aic(X, f) for f in fits]),
                    folds.mean(axis=1), folds.std(axis=1, ddof=1) / np.sqrt(n_splits),
                    np.array([f.n_parameters for f in fits]))


class ClusterMatch(NamedTuple):
    """Clusters matched one-to-one to known classes (see match_clusters).

    classes: (C,) the class labels and clusters: (K,) the cluster labels, both in table order:
        the first min(C, K) are the matched pairs (cluster clusters[i] is matched to class
        classes[i], classes in sorted order), then the unmatched ones, sorted.
    table: (C, K) counts, table[i, j] = #{n : true_n = classes[i], cluster_n = clusters[j]},
        so the matched pairs are on its diagonal.
    accuracy: eq. (11.1), the trace of table over N.
    """

    classes: np.ndarray
    clusters: np.ndarray
    table: np.ndarray
    accuracy: float

    def relabel(self, labels) -> np.ndarray:
        """Cluster labels (N,) turned into the classes they are matched to; samples of an
        unmatched cluster get None (object array then)."""
        lookup = {c: cls for c, cls in zip(self.clusters.tolist(), self.classes.tolist(),
                                           strict=False)}
        out = [lookup.get(label) for label in np.asarray(labels).tolist()]
        return np.array(out, dtype=object if None in out else None)


def match_clusters(labels_true, labels_pred) -> ClusterMatch:
    """Confusion table of true classes against clusters, with the clusters matched to the
    classes by the best one-to-one assignment (scipy.optimize.linear_sum_assignment, which
    maximises the number of samples on the diagonal), and the accuracy (11.1) after matching.

    labels_true, labels_pred: (N,) labels of any sortable kind (strings, ints). Cluster
    numbers are arbitrary, so a plain "fraction equal" would be meaningless; the matching
    makes it the best agreement any renaming of the clusters can reach.
    """
    true = np.asarray(labels_true)
    pred = np.asarray(labels_pred)
    for array, name in ((true, "labels_true"), (pred, "labels_pred")):
        if array.ndim != 1:
            raise ValueError(f"{name} must be a 1-D array of N labels, got shape "
                             f"{array.shape}. Pass e.g. gt.predict(X, params) or the species.")
    if true.shape != pred.shape:
        raise ValueError(f"labels_true and labels_pred must have the same length, got "
                         f"{true.size} and {pred.size}.")
    if true.size == 0:
        raise ValueError("labels_true and labels_pred are empty; at least one sample is needed.")
    classes, true_index = np.unique(true, return_inverse=True)
    clusters, pred_index = np.unique(pred, return_inverse=True)
    table = np.zeros((classes.size, clusters.size), dtype=np.int64)
    np.add.at(table, (true_index, pred_index), 1)
    rows, columns = linear_sum_assignment(table, maximize=True)  # rows come out sorted
    # matched pairs first, on the diagonal; then unmatched classes (C > K) or clusters (K > C)
    row_order = np.concatenate([rows, np.setdiff1d(np.arange(classes.size), rows)])
    column_order = np.concatenate([columns, np.setdiff1d(np.arange(clusters.size), columns)])
    table = table[np.ix_(row_order, column_order)]
    accuracy = float(np.trace(table) / true.size)
    return ClusterMatch(classes[row_order], clusters[column_order], table, accuracy)
