"""Notebook 07 (initialisation and local optima): the claims its prose makes, in code."""

from pathlib import Path

import numpy as np
import pytest
from notebook_support import code_sources, notebook_functions
from sklearn.mixture import GaussianMixture

import gmm_teach as gt
from gmm_teach import optima

NB07 = Path(__file__).resolve().parent.parent / "notebooks" / "07_initialisation.ipynb"


@pytest.fixture(scope="module")
def iris():
    return gt.load_iris_sepal().X


@pytest.fixture(scope="module")
def random_start(iris):
    return gt.initial_params(iris, 3, method="random", random_state=0)


def test_random_stops_after_two_iterations_at_the_saddle(iris, random_start):
    trace = gt.run_em(iris, random_start)
    assert trace.n_iter == 2 and trace.converged
    change = trace.mean_log_likelihoods[1] - trace.mean_log_likelihoods[0]
    assert 0 < change < trace.tol
    # all three components start almost equal, close to the one-Gaussian fit
    assert np.ptp(random_start.means, axis=0).max() < 0.05
    assert np.ptp(random_start.weights) < 0.05
    one = gt.GMMParams([1.0], [iris.mean(axis=0)], [np.cov(iris.T, bias=True)])
    assert trace.lower_bound == pytest.approx(gt.mean_log_likelihood(iris, one), abs=0.01)
    # every other start ends higher
    for method in ("kmeans", "k-means++", "random_from_data"):
        other = gt.run_em(iris, gt.initial_params(iris, 3, method=method, random_state=0))
        assert other.mean_log_likelihood(-1) > trace.mean_log_likelihood(-1) + 0.2


def test_symmetric_point_is_a_fixed_point_of_em(iris):
    S = np.cov(iris.T, bias=True) + 1e-6 * np.eye(2)
    symmetric = gt.GMMParams(np.full(3, 1 / 3), np.tile(iris.mean(axis=0), (3, 1)),
                             np.tile(S, (3, 1, 1)))
    after = gt.m_step(iris, gt.e_step(iris, symmetric))
    assert np.abs(after.means - symmetric.means).max() < 1e-12
    assert np.abs(after.covariances - symmetric.covariances).max() < 1e-12


def test_small_tol_breaks_the_symmetry_into_a_degenerate_component(iris, random_start):
    long = gt.run_em(iris, random_start, tol=1e-8, max_iter=2000)
    assert long.converged and long.n_iter > 20
    apart = [np.ptp(p.means, axis=0).max() for p in long.params]
    assert apart[0] < 0.05 and apart[-1] > 1.0
    assert np.all(np.diff(apart[:15]) > 0)  # the saddle repels: the means drift apart
    smallest = np.linalg.eigvalsh(long.final.covariances)[:, 0]
    thin = int(np.argmin(smallest))
    assert smallest[thin] == pytest.approx(1e-6, rel=1e-6)  # reg_covar and nothing else
    owned = gt.predict(iris, long.final) == thin
    _, vectors = np.linalg.eigh(long.final.covariances[thin])
    off_line = (iris[owned] - long.final.means[thin]) @ vectors[:, 0]
    assert owned.sum() >= 3 and np.abs(off_line).max() < 1e-9  # exactly on one line
    assert long.mean_log_likelihood(-1) > -1.4  # above every proper optimum of notebook 07


def test_every_trace_rises_at_every_step(iris):
    for method in gt.INIT_METHODS:
        t = gt.run_em(iris, gt.initial_params(iris, 3, method=method, random_state=0))
        ll = [t.mean_log_likelihood(i) for i in range(t.n_iter + 1)]
        assert np.all(np.diff(ll) > 0), method


def test_kmeans_starts_all_reach_one_optimum(iris):
    scores = [gt.run_em(iris, gt.run_em(iris, gt.initial_params(iris, 3, random_state=s)).final,
                        tol=1e-6, max_iter=1000).mean_log_likelihood(-1) for s in range(0, 50, 7)]
    assert np.ptp(scores) < 1e-3


def test_n_init_keeps_the_best_of_the_same_starts(iris):
    """Notebook 07: GaussianMixture(n_init=n) = the highest lower bound of n starts drawn from
    one random generator."""
    n = 4
    sk = GaussianMixture(3, init_params="random_from_data", n_init=n, random_state=1).fit(iris)
    rng = np.random.RandomState(1)
    ours = [gt.run_em(iris, gt.initial_params(iris, 3, method="random_from_data",
                                              random_state=rng)) for _ in range(n)]
    best = max(ours, key=lambda t: t.lower_bound)
    assert sk.lower_bound_ == pytest.approx(best.lower_bound, abs=1e-10)
    assert sk.n_iter_ == best.n_iter


# ------------------------------------------------------------------ the seed study (50 seeds)
@pytest.fixture(scope="module")
def study(iris):
    return optima.seed_study(iris, 3, range(50))


def test_notebook_runs_the_seed_study_tested_here():
    source = "\n".join(code_sources(NB07))
    assert "study = optima.seed_study(X, K, range(50))" in source
    assert "floor = optima.degeneracy_floor(X)" in source


def test_default_tol_random_stops_at_the_saddle_and_kmeans_has_few_starts(iris, study):
    one = gt.GMMParams([1.0], [iris.mean(axis=0)], [np.cov(iris.T, bias=True) + 1e-6 * np.eye(2)])
    single = gt.mean_log_likelihood(iris, one)
    stuck = {m: int(np.sum(s < single + 0.01)) for m, s in study.scores("default").items()}
    assert stuck["random"] > 25
    assert all(stuck[m] == 0 for m in ("kmeans", "k-means++", "random_from_data"))
    distinct = {m: len({p.means.tobytes() + p.covariances.tobytes() for p in study.starts[m]})
                for m in study.methods}
    assert distinct["kmeans"] < 25
    assert all(distinct[m] == 50 for m in ("k-means++", "random", "random_from_data"))
    clusterings = {tuple(sorted(map(tuple, p.means.round(10)))) for p in study.starts["kmeans"]}
    assert len(clusterings) < distinct["kmeans"]


def test_optima_table_claims(iris, study):
    floor = optima.degeneracy_floor(iris)
    rows = optima.optima_table(study, floor)
    values = np.array([r[0] for r in rows])
    degenerate = np.array([r[1] == "yes" for r in rows])
    duplicated = np.array([r[2] == "yes" for r in rows])
    counts = np.array([r[4:] for r in rows])                 # kmeans, ++, random, rfd
    assert counts.sum(axis=0).tolist() == [50, 50, 50, 50]
    # the highest optima are degenerate, the very highest on a line (variance reg_covar)
    assert degenerate[np.argmax(values)] and rows[0][3] == pytest.approx(1e-6, rel=1e-3)
    proper = ~degenerate & ~duplicated
    best = np.flatnonzero(proper)[np.argmax(values[proper])]
    assert counts[best, 2] > 0 and counts[best, [0, 1, 3]].sum() == 0   # only "random"
    assert np.count_nonzero(counts[:, 0]) == 1          # "kmeans": one optimum from 50 seeds
    # exactly one duplicated-component row, and it is the K = 2 fit
    assert duplicated.sum() == 1 and counts[duplicated].sum() == 1
    two = gt.run_em(iris, gt.initial_params(iris, 2, random_state=0), tol=1e-6, max_iter=1000)
    assert values[duplicated][0] == round(two.mean_log_likelihood(-1), 3)


def test_n_init_curve_rises_then_falls_for_random(iris, study):
    floor = optima.degeneracy_floor(iris)
    score, thin, dup = study.scores("tight"), study.thinnest(), study.duplicated()
    proper = {m: (thin[m] >= floor) & ~dup[m] for m in study.methods}
    best = max(score[m][proper[m]].max() for m in study.methods)
    p = {m: np.mean((np.abs(score[m] - best) < 1e-3) & proper[m]) for m in study.methods}
    q = {m: np.mean(score[m] > best + 1e-3) for m in study.methods}
    assert p["random"] > 0 and all(p[m] == 0 for m in ("kmeans", "k-means++", "random_from_data"))
    kept = {n: (1 - q["random"]) ** n - (1 - q["random"] - p["random"]) ** n for n in (1, 5, 30)}
    assert kept[5] > kept[1] and kept[30] < kept[5]      # eq. (7.4) rises, then falls


def test_the_reg_covar_cost_is_far_below_the_smallest_rise(iris):
    """Prose: the ridge can cost about (reg_covar / s)^2 / 4 per sample (s: covariance
    eigenvalues), far less than the rises printed."""
    for method in gt.INIT_METHODS:
        t = gt.run_em(iris, gt.initial_params(iris, 3, method=method, random_state=0))
        ll = np.array([t.mean_log_likelihood(i) for i in range(t.n_iter + 1)])
        # from the first M-step on; the start's one-point components have s = reg_covar
        s = min(optima.thinnest_variances(p).min() for p in t.params[1:])
        assert (1e-6 / s) ** 2 / 4 < 1e-3 * np.diff(ll).min()


def test_gain_shrinks_faster_than_the_gradient_near_the_saddle(iris):
    """Prose: near the symmetric point the gain per step is of the order of the squared
    gradient: the "kmeans" start's gradient is a few times larger, its gain many times."""
    mean_gradients = notebook_functions(NB07, ("mean_gradients",),
                                        {"np": np, "gt": gt})["mean_gradients"]  # eq. (7.1)
    ratios = []
    for method in ("random", "kmeans"):
        t = gt.run_em(iris, gt.initial_params(iris, 3, method=method, random_state=0))
        grad = mean_gradients(iris, t.params[0])
        ratios.append((np.abs(grad).max(), t.mean_log_likelihood(1) - t.mean_log_likelihood(0)))
    gradient_ratio = ratios[1][0] / ratios[0][0]
    gain_ratio = ratios[1][1] / ratios[0][1]
    assert 2 < gradient_ratio < 10 and gain_ratio > gradient_ratio**2
