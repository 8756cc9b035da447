"""gmm_teach.run_variational against scikit-learn's BayesianGaussianMixture, same arguments.

    .venv/bin/python benchmarks/bench_variational.py            # N = 1e3, 1e4, 1e5
    .venv/bin/python benchmarks/bench_variational.py --quick    # N = 1e3, 1e4

Both fit K = 6 components (Dirichlet-process prior, full covariances) to N points in 2-D
drawn with gt.sample from a 3-component mixture, for 20 iterations (tol=0, so neither stops
early) from the same k-means start (random_state=0; the k-means run is timed in both). For each
N it prints the median wall time of each over R runs, the ratio scikit-learn / gmm_teach
(> 1: gmm_teach is faster) and the largest relative difference of the results (lower bound,
weights, means, covariances). A measurement, not a test: nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture

import gmm_teach as gt

SOURCE = gt.GMMParams([0.5, 0.3, 0.2], [[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]],
                      [[[1.0, 0.3], [0.3, 0.5]], [[0.6, -0.2], [-0.2, 1.2]],
                       [[0.8, 0.0], [0.0, 0.8]]])
OPTIONS = dict(tol=0.0, max_iter=20, random_state=0)


def median_time(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def compare(n: int, repeats: int) -> tuple[float, float, float]:
    X, _ = gt.sample(SOURCE, n, random_state=1)
    ours_time, trace = median_time(lambda: gt.run_variational(X, 6, **OPTIONS), repeats)

    def theirs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return BayesianGaussianMixture(n_components=6, **OPTIONS).fit(X)

    their_time, bgm = median_time(theirs, repeats)
    final = trace.final
    difference = max(abs(trace.lower_bound - bgm.lower_bound_) / abs(bgm.lower_bound_),
                     *(np.max(np.abs(a - b)) / np.max(np.abs(b)) for a, b in (
                         (final.weights, bgm.weights_), (final.means, bgm.means_),
                         (final.covariances, bgm.covariances_))))
    return ours_time, their_time, difference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1e3 and 1e4 only")
    sizes = (1_000, 10_000) if parser.parse_args().quick else (1_000, 10_000, 100_000)
    rows = []
    for n in sizes:
        ours, theirs, difference = compare(n, repeats=5 if n < 100_000 else 3)
        rows.append((n, ours, theirs, theirs / ours, difference))
    gt.print_table(rows, {"N": "d", "gmm_teach (s)": ".4f", "scikit-learn (s)": ".4f",
                          "ratio sklearn/ours": ".2f", "largest rel. difference": ".1e"})


if __name__ == "__main__":
    main()
