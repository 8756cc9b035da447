"""The k-means++ seed points that scikit-learn's kmeans_plusplus picks, without its overhead.

GaussianMixture(init_params="k-means++") starts from the K points sklearn.cluster.
kmeans_plusplus(X, K, random_state=rng) returns. That function validates its arguments on
every call and goes through scikit-learn's array-API layer; on 150 points this costs some
0.5 ms a start, and notebooks 07 and 09 draw over a thousand starts. Here is the same
algorithm with the same numpy operations in the same order, so the same random numbers are
drawn and the same indices come out (tests/test_kmeans_plusplus.py compares them with
scikit-learn's on many data sets and seeds):

1. the first point uniformly at random (rng.choice with equal probabilities);
2. then K - 1 times: draw 2 + floor(log K) candidates with probability proportional to the
   squared distance D(x)^2 to the nearest point chosen so far, and keep the candidate that
   makes sum_n D(x_n)^2 smallest.

Squared distances are computed as scikit-learn computes them, |x|^2 - 2 x.c + |c|^2
clipped at 0, not as |x - c|^2: the last bits decide ties between candidates.
"""

from __future__ import annotations

import numpy as np

__all__ = ["kmeans_plusplus_indices"]


def _squared_distances(centers: np.ndarray, X: np.ndarray, x_squared_norms: np.ndarray
                       ) -> np.ndarray:
    """|x_n - c_j|^2 (J, N) as sklearn.metrics.pairwise._euclidean_distances(centers, X,
    Y_norm_squared=x_squared_norms, squared=True) computes it for float64 arrays."""
    distances = -2 * (centers @ X.T)
    distances += np.einsum("ij,ij->i", centers, centers)[:, None]
    distances += x_squared_norms.reshape(1, -1)
    return np.maximum(distances, 0, out=distances)


def kmeans_plusplus_indices(X: np.ndarray, n_clusters: int, random_state: np.random.RandomState
                            ) -> np.ndarray:
    """The indices (n_clusters,) of the rows of X (N, d), float64, N >= n_clusters, that
    sklearn.cluster.kmeans_plusplus(X, n_clusters, random_state=random_state) returns,
    drawing the same random numbers from random_state (a np.random.RandomState)."""
    n_samples = X.shape[0]
    sample_weight = np.ones(n_samples, dtype=X.dtype)
    x_squared_norms = np.einsum("ij,ij->i", X, X)
    n_local_trials = 2 + int(np.log(n_clusters))
    center_id = random_state.choice(n_samples, p=sample_weight / sample_weight.sum())
    indices = np.full(n_clusters, -1, dtype=int)
    indices[0] = center_id
    closest_dist_sq = _squared_distances(X[center_id][np.newaxis], X, x_squared_norms)
    current_pot = closest_dist_sq @ sample_weight
    for c in range(1, n_clusters):
        rand_vals = random_state.uniform(size=n_local_trials) * current_pot
        candidate_ids = np.searchsorted(np.cumsum(sample_weight * closest_dist_sq), rand_vals)
        np.clip(candidate_ids, None, closest_dist_sq.size - 1, out=candidate_ids)
        distance_to_candidates = _squared_distances(X[candidate_ids], X, x_squared_norms)
        np.minimum(closest_dist_sq, distance_to_candidates, out=distance_to_candidates)
        candidates_pot = distance_to_candidates @ sample_weight.reshape(-1, 1)
        best_candidate = np.argmin(candidates_pot)
        current_pot = candidates_pot[best_candidate]
        closest_dist_sq = distance_to_candidates[best_candidate]
        indices[c] = candidate_ids[best_candidate]
    return indices
