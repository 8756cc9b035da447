"""gmm_teach.run_em against scikit-learn's GaussianMixture, from the same start, in one run.

    .venv/bin/python benchmarks/bench_em.py            # N = 1e3, 1e5, 1e6 (about a minute)
    .venv/bin/python benchmarks/bench_em.py --quick    # N = 1e3, 1e4 (a few seconds)

Both run 20 EM iterations (tol=0, so neither stops early) on N points in d = 2 from three
Gaussians, K = 3, starting from the same parameters (gt.initial_params, handed to scikit-learn
as weights_init / means_init / precisions_init). For each N it prints the best-of-R wall time of
each, the ratio scikit-learn time / gmm_teach time (> 1: gmm_teach is faster), and the largest
relative difference of the results (lower bound, means, covariances), which must stay below 1e-8.
This is a measurement, not a timed test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import gmm_teach as gt

N_ITER = 20


def make_data(n: int, seed: int = 0) -> np.ndarray:
    """n points in 2-D from three Gaussians with different shapes."""
    rng = np.random.default_rng(seed)
    means = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    covs = np.array([[[1.0, 0.3], [0.3, 0.5]], [[0.6, -0.2], [-0.2, 1.2]],
                     [[0.8, 0.0], [0.0, 0.8]]])
    labels = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    noise = rng.standard_normal((n, 2))
    chol = np.linalg.cholesky(covs)
    return means[labels] + np.einsum("nij,nj->ni", chol[labels], noise)


def best_time(function, repeats: int) -> tuple[float, object]:
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def compare(n: int, repeats: int) -> dict:
    X = make_data(n)
    init = gt.initial_params(X, 3, method="random_from_data", random_state=0)
    init = gt.run_em(X, init, max_iter=2, tol=0).final  # a start that is not degenerate

    def ours():
        return gt.run_em(X, init, tol=0.0, max_iter=N_ITER)

    def theirs():
        gm = GaussianMixture(3, tol=0.0, max_iter=N_ITER, weights_init=init.weights,
                             means_init=init.means,
                             precisions_init=np.linalg.inv(init.covariances))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return gm.fit(X)

    t_ours, trace = best_time(ours, repeats)
    t_sklearn, gm = best_time(theirs, repeats)
    assert trace.n_iter == gm.n_iter_ == N_ITER
    difference = max(
        abs(trace.lower_bound - gm.lower_bound_) / abs(gm.lower_bound_),
        float(np.max(np.abs(trace.final.means - gm.means_) / np.abs(gm.means_).max())),
        float(np.max(np.abs(trace.final.covariances - gm.covariances_)
                     / np.abs(gm.covariances_).max())),
    )
    return {"n": n, "ours": t_ours, "sklearn": t_sklearn, "ratio": t_sklearn / t_ours,
            "difference": difference}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small N only (a smoke run)")
    args = parser.parse_args()
    sizes = [(1_000, 20), (10_000, 5)] if args.quick else [(1_000, 20), (100_000, 5),
                                                          (1_000_000, 3)]
    print(f"{N_ITER} EM iterations, d = 2, K = 3, same start; best of R runs")
    print(f"{'N':>9} {'R':>3} {'gmm_teach s':>12} {'sklearn s':>10} {'sklearn/ours':>13} "
          f"{'max rel diff':>13}")
    for n, repeats in sizes:
        row = compare(n, repeats)
        print(f"{n:>9} {repeats:>3} {row['ours']:>12.4f} {row['sklearn']:>10.4f} "
              f"{row['ratio']:>13.2f} {row['difference']:>13.1e}")
        if row["difference"] > 1e-8:
            raise SystemExit(f"results differ by {row['difference']:.1e} > 1e-8 at N = {n}")


if __name__ == "__main__":
    main()
