"""Choosing K and judging clusters: best-of-n fits, held-out log-likelihood, matching
clusters to known classes.

Equations (local to notebooks 08-10, which state them again):

(11) BIC = -2 N l(theta) + p log N          (gmm_teach.bic; l is eq. (6), p the free parameters)
(12) AIC = -2 N l(theta) + 2 p              (gmm_teach.aic)
(13) CV(K) = (1/F) sum_f l_f(theta_{-f}):   fit on all folds but f, score fold f with eq. (6),
     average over the F folds.
(14) accuracy = max over one-to-one maps m from clusters to classes of
     (1/N) #{n : m(cluster_n) = class_n}    (the best assignment, Hungarian algorithm).
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
from .em import INIT_METHODS, EMTrace, initial_params, mean_log_likelihood, run_em
from .params import COVARIANCE_TYPES

__all__ = ["fit_best_of", "cross_validated_log_likelihood", "ClusterMatch", "match_clusters"]


def _check_options(method, covariance_type, n_starts) -> int:
    check_choice(method, "method", INIT_METHODS)
    check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    return check_whole_number(n_starts, "n_starts", minimum=1)


def fit_best_of(X, n_components: int, n_starts: int = 10, *, method: str = "k-means++",
                covariance_type: str = "full", tol: float = 1e-3, max_iter: int = 100,
                reg_covar: float = 1e-6) -> EMTrace:
    """EM from n_starts starts, initial_params(X, K, method, random_state=s) for
    s = 0, 1, ..., n_starts - 1; returns the trace whose final parameters have the highest
    mean log-likelihood (eq. (6)) on X (the lowest seed wins a tie).

    One start can end in a poor local optimum; the best of several makes curves over K
    reflect K, not luck. X: (N, d) or (N,). Returns an EMTrace (see run_em).
    """
    X = as_samples(X)
    check_n_components(n_components, X.shape[0])
    n_starts = _check_options(method, covariance_type, n_starts)
    best, best_score = None, -np.inf
    for seed in range(n_starts):
        start = initial_params(X, n_components, method, random_state=seed,
                               reg_covar=reg_covar, covariance_type=covariance_type)
        trace = run_em(X, start, tol=tol, max_iter=max_iter, reg_covar=reg_covar)
        score = trace.mean_log_likelihood(-1)
        if best is None or score > best_score:
            best, best_score = trace, score
    return best


def cross_validated_log_likelihood(X, n_components: int, *, n_splits: int = 5,
                                   random_state: int = 0, n_starts: int = 10,
                                   method: str = "k-means++", covariance_type: str = "full",
                                   reg_covar: float = 1e-6) -> np.ndarray:
    """Held-out mean log-likelihood per fold, eq. (13) before the average.

    The samples are split by KFold(n_splits, shuffle=True, random_state=random_state); for
    each fold f, a mixture is fitted with fit_best_of on the other folds and scored with
    mean_log_likelihood (eq. (6)) on fold f, which it never saw. X: (N, d) or (N,).
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
    scores = []
    for train, test in KFold(n_splits, shuffle=True, random_state=random_state).split(X):
        fitted = fit_best_of(X[train], n_components, n_starts, method=method,
                             covariance_type=covariance_type, reg_covar=reg_covar).final
        scores.append(mean_log_likelihood(X[test], fitted))
    return np.array(scores)


class ClusterMatch(NamedTuple):
    """Clusters matched one-to-one to known classes (see match_clusters).

    classes: (C,) the class labels and clusters: (K,) the cluster labels, both in table order:
        the first min(C, K) are the matched pairs (cluster clusters[i] is matched to class
        classes[i], classes in sorted order), then the unmatched ones, sorted.
    table: (C, K) counts, table[i, j] = #{n : true_n = classes[i], cluster_n = clusters[j]},
        so the matched pairs are on its diagonal.
    accuracy: eq. (14), the trace of table over N.
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
    maximises the number of samples on the diagonal), and the accuracy (14) after matching.

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
