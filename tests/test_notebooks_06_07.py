"""Notebooks 06 (initialisation) and 07 (singularities): what nbval cannot check.

nbval re-runs both notebooks and compares every stored output, but it skips the widget and
player cells and it cannot read the prose. Here: the scrubber cells of 07 are executed
in-process (with the cells before them) and the widget they build is inspected; the claims
the prose makes are asserted in code; and gmm_teach.collapse, the module both share, is
tested on its own, bad input included.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from IPython.display import HTML
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from notebook_support import code_sources, player_parts, run_cells
from sklearn.mixture import GaussianMixture

import gmm_teach as gt
from gmm_teach import collapse, scrubber

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NB06 = NOTEBOOKS / "06_initialisation.ipynb"
NB07 = NOTEBOOKS / "07_singularities.ipynb"


def stored_stdout(path, marker):
    """The stored stdout of the one code cell whose source contains `marker` (nbval keeps it
    equal to what the cell prints when it runs)."""
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code" and marker in "".join(c["source"])]
    assert len(cells) == 1, f"{len(cells)} cells contain {marker!r}"
    return "".join("".join(o["text"]) for o in cells[0]["outputs"]
                   if o["output_type"] == "stream" and o["name"] == "stdout")


def run_until(cells, marker, namespace):
    """Run the cells up to the first one containing `marker`; returns its final expression."""
    index = next(i for i, source in enumerate(cells) if marker in source)
    return run_cells(cells[:index + 1], namespace)


@pytest.fixture(scope="module")
def iris():
    return gt.load_iris_sepal().X


@pytest.fixture(scope="module")
def example():
    X, init = collapse.duplicated_point_example()
    trace, message = collapse.run_em_until_singular(X, init, reg_covar=0.0)
    return X, init, trace, message


@pytest.fixture(scope="module")
def notebook07():
    """The cells of 07 up to and including the scrubber cell, run in-process (plt.show is a
    no-op here: the figures are nbval's business)."""
    namespace = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
        widget = run_until(code_sources(NB07), "scrubber.EMScrubber(", namespace)
    gt.use_default_style()
    return namespace, widget


# ============================================================================ notebook 07
def test_scrubber_cell_builds_a_scrubber_over_the_collapse(notebook07, example):
    namespace, widget = notebook07
    X, _, trace, _ = example
    assert isinstance(widget, scrubber.EMScrubber)
    assert np.array_equal(widget.X, X)
    assert widget.trace.n_iter == trace.n_iter == 4
    assert set(widget.frames) == {(i, p) for i in range(1, 5) for p in ("E", "M")}
    assert all(png.startswith(b"\x89PNG") for png in widget.frames.values())
    assert widget.slider.max == 4
    # the last frame shows the collapsed component: both variances tiny, mean on the copies
    widget.show(4, "M")
    assert widget.state.params is widget.trace.final
    cov = widget.state.params.covariances[1]
    assert np.linalg.eigvalsh(cov).max() < 1e-3
    assert np.allclose(widget.state.params.means[1], collapse.REPEATED_POINT, atol=1e-3)
    assert "iteration 4 of 4" in widget.caption.value
    plt = namespace["plt"]
    plt.close("all")


def test_scrubber_axes_carry_the_units(example):
    X, _, trace, _ = example
    fig = Figure()
    FigureCanvasAgg(fig)
    art = scrubber.draw_em_state(fig, X, trace, 4, "M", xlabel="length (cm)",
                                 ylabel="width (cm)")
    ax = art["axes"][0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("length (cm)", "width (cm)")


def test_player_cell_inlines_every_half_step(notebook07):
    namespace, _ = notebook07
    (cell,) = [s for s in code_sources(NB07) if "scrubber.show_em_player(" in s]
    player = run_cells([cell], namespace)
    assert isinstance(player, HTML)
    frames, _ = player_parts(player.data)
    assert len(frames) == 2 * namespace["trace0"].n_iter == 8
    assert all(f.startswith("data:image/png;base64,") for f in frames)


def test_ignored_cells_say_why_and_where_they_are_tested():
    for source in code_sources(NB07):
        if source.startswith("# NBVAL_IGNORE_OUTPUT"):
            assert "tested in tests/test_notebooks_06_07.py" in source.splitlines()[1]


def test_spike_grows_without_bound_at_rate_d_over_2n(iris):
    """Prose of 07: l(sigma^2) increases once sigma^2 <= 1e-3 and follows eq. (11)."""
    N, d = iris.shape
    _, where, counts = np.unique(iris, axis=0, return_inverse=True, return_counts=True)
    m = int(np.flatnonzero(counts[where.ravel()] == 1)[0])
    variances = np.logspace(-3, -40, 38)
    ll = np.array([gt.mean_log_likelihood(iris, collapse.spike_params(iris, m, v, weight=1 / N))
                   for v in variances])
    assert np.all(np.diff(ll) > 0)
    slopes = np.diff(ll) / np.diff(np.log(variances))
    assert slopes[-1] == pytest.approx(-d / (2 * N), rel=1e-9)
    assert ll[-1] > gt.run_em(iris, gt.initial_params(iris, 3, random_state=0)).lower_bound


def test_spike_on_a_repeated_point_is_c_times_steeper(iris):
    """Eq. (12): a point that occurs c times gives the slope -c d / (2N)."""
    N, d = iris.shape
    _, where, counts = np.unique(iris, axis=0, return_inverse=True, return_counts=True)
    m = int(np.flatnonzero(counts[where.ravel()] >= 2)[0])
    c = int(counts[where.ravel()][m])
    v = np.array([1e-20, 1e-22])
    ll = [gt.mean_log_likelihood(iris, collapse.spike_params(iris, m, s)) for s in v]
    slope = (ll[1] - ll[0]) / np.log(v[1] / v[0])
    assert slope == pytest.approx(-c * d / (2 * N), rel=1e-9)


def test_collapse_run_stops_before_the_singular_m_step(example):
    X, init, trace, message = example
    assert trace.n_iter == 4 and not trace.converged
    assert "not positive definite" in message and "reg_covar" in message
    with pytest.raises(ValueError, match="not positive definite"):
        gt.run_em(X, init, reg_covar=0.0, max_iter=trace.n_iter + 1)
    same = gt.run_em(X, init, reg_covar=0.0, max_iter=trace.n_iter)
    np.testing.assert_array_equal(same.mean_log_likelihoods, trace.mean_log_likelihoods)
    # the prose: variances fall at every step, the copies own component 1 and nothing else
    variances = collapse.smallest_variances(trace)[:, 1]
    assert np.all(np.diff(variances) < 0) and variances[-1] < 1e-8
    assert variances[0] == pytest.approx(0.4) and variances[3] < 1e-3  # 'as printed'
    gamma = trace.responsibilities(-1)[:, 1]
    copies = np.all(X == collapse.REPEATED_POINT, axis=1)
    assert copies.sum() == 3
    assert gamma[copies].min() > 1 - 1e-9 and gamma[~copies].max() == 0.0


def test_reg_covar_is_a_floor_but_the_component_stays_on_the_copies(example):
    X, init, _, _ = example
    for reg in (1e-6, 1e-2):
        t = gt.run_em(X, init, reg_covar=reg)
        assert t.converged
        assert collapse.smallest_variances(t)[-1, 1] == pytest.approx(reg, rel=1e-3)
        assert np.all(collapse.smallest_variances(t)[:, 1] >= reg)  # settles from above
        np.testing.assert_allclose(t.final.means[1], collapse.REPEATED_POINT, atol=1e-6)
        assert t.final.weights[1] == pytest.approx(3 / len(X), rel=1e-6)
    hi, lo = (gt.run_em(X, init, reg_covar=r).mean_log_likelihood(-1) for r in (1e-6, 1e-2))
    predicted = 3 * 2 / (2 * len(X)) * np.log(1e4)  # eq. (12)
    assert hi - lo == pytest.approx(predicted, abs=0.01)


def test_units_change_the_model_unless_reg_covar_scales(example):
    X, init, _, _ = example
    cm = gt.run_em(X, init, reg_covar=1e-6)
    start_mm = gt.GMMParams(init.weights, init.means * 10, init.covariances * 100)
    shift = 2 * np.log(10)
    mm_default = gt.run_em(X * 10, start_mm, reg_covar=1e-6)
    mm_scaled = gt.run_em(X * 10, start_mm, reg_covar=1e-4)
    assert mm_scaled.mean_log_likelihood(-1) + shift == pytest.approx(
        cm.mean_log_likelihood(-1), abs=1e-9)
    gain = mm_default.mean_log_likelihood(-1) + shift - cm.mean_log_likelihood(-1)
    assert gain == pytest.approx(3 * 2 / (2 * len(X)) * np.log(100), abs=1e-3)
    assert collapse.smallest_variances(mm_default)[-1, 1] / 100 == pytest.approx(1e-8)


def test_removing_the_duplicates_removes_the_collapse(example):
    X, init, _, _ = example
    unique = np.unique(X, axis=0)
    trace, message = collapse.run_em_until_singular(unique, init, reg_covar=0.0)
    assert message is None and trace.converged
    assert collapse.smallest_variances(trace)[-1].min() > 1e-3


# ============================================================================ collapse module
def test_run_em_until_singular_is_run_em_when_nothing_fails(iris):
    init = gt.initial_params(iris, 3, random_state=0)
    trace, message = collapse.run_em_until_singular(iris, init, reg_covar=1e-6)
    reference = gt.run_em(iris, init)
    assert message is None
    assert trace.n_iter == reference.n_iter and trace.lower_bound == reference.lower_bound


def test_run_em_until_singular_first_iteration_failing_raises():
    # a sharp component on a point at the origin: the first M-step puts its mean exactly
    # there (0 / N_k = 0) and its covariance exactly to zero
    cloud, _ = collapse.duplicated_point_example(n_copies=1)
    X = np.vstack([cloud, [[0.0, 0.0]]])
    sharp = gt.GMMParams([0.5, 0.5], [cloud.mean(axis=0), [0.0, 0.0]],
                         [np.cov(X.T), 1e-4 * np.eye(2)])
    with pytest.raises(ValueError, match="first iteration.*not positive definite"):
        collapse.run_em_until_singular(X, sharp)


def test_run_em_until_singular_passes_bad_arguments_on(example):
    X, init, _, _ = example
    with pytest.raises(ValueError, match="tol"):
        collapse.run_em_until_singular(X, init, tol=-1.0)
    with pytest.raises(TypeError, match="GMMParams"):
        collapse.run_em_until_singular(X, "not params")
    with pytest.raises(ValueError, match="max_iter"):
        collapse.run_em_until_singular(X, init, max_iter=0)
    with pytest.raises(ValueError, match="feature"):
        collapse.run_em_until_singular(X[:, :1], init)


def test_duplicated_point_example_shape_and_checks():
    X, init = collapse.duplicated_point_example(n_copies=5, n_cloud=10)
    assert X.shape == (15, 2) and init.n_components == 2
    assert np.all(X[10:] == collapse.REPEATED_POINT)
    assert np.array_equal(X, collapse.duplicated_point_example(n_copies=5, n_cloud=10)[0])
    with pytest.raises(ValueError, match="n_copies"):
        collapse.duplicated_point_example(n_copies=0)
    with pytest.raises(TypeError, match="n_copies"):
        collapse.duplicated_point_example(n_copies=2.5)
    with pytest.raises(ValueError, match="n_cloud"):
        collapse.duplicated_point_example(n_cloud=2)


def test_spike_params_values_and_checks(iris):
    p = collapse.spike_params(iris, 7, 0.25, weight=0.2)
    np.testing.assert_allclose(p.weights, [0.8, 0.2])
    np.testing.assert_array_equal(p.means[1], iris[7])
    np.testing.assert_allclose(p.covariances[1], 0.25 * np.eye(2))
    np.testing.assert_allclose(p.covariances[0], np.cov(iris.T, bias=True))
    assert np.array_equal(collapse.spike_params(iris, -1, 1.0).means[1], iris[-1])
    for bad, error, match in (({"index": 150}, ValueError, "index"),
                              ({"index": 1.0}, TypeError, "index"),
                              ({"index": True}, TypeError, "index"),
                              ({"variance": 0.0}, ValueError, "variance"),
                              ({"variance": "big"}, TypeError, "variance"),
                              ({"weight": 1.0}, ValueError, "weight"),
                              ({"weight": 0.0}, ValueError, "weight")):
        kwargs = {"index": 0, "variance": 1.0, **bad}
        with pytest.raises(error, match=match):
            collapse.spike_params(iris, kwargs.pop("index"), kwargs.pop("variance"), **kwargs)
    with pytest.raises(ValueError, match="more samples than features"):
        collapse.spike_params(iris[:2], 0, 1.0)


def test_smallest_variances(example):
    _, _, trace, _ = example
    sv = collapse.smallest_variances(trace)
    assert sv.shape == (trace.n_iter + 1, 2)
    for i, p in enumerate(trace.params):
        assert sv[i, 1] == pytest.approx(np.linalg.eigvalsh(p.covariances[1])[0])
    with pytest.raises(TypeError, match="EMTrace"):
        collapse.smallest_variances(trace.final)


# ============================================================================ notebook 06
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
    assert long.mean_log_likelihood(-1) > -1.4  # above every proper optimum of notebook 06


def test_every_trace_rises_at_every_step(iris):
    for method in gt.INIT_METHODS:
        t = gt.run_em(iris, gt.initial_params(iris, 3, method=method, random_state=0))
        ll = [t.mean_log_likelihood(i) for i in range(t.n_iter + 1)]
        assert np.all(np.diff(ll) > 0), method


def test_kmeans_starts_all_reach_one_optimum(iris):
    scores = [gt.run_em(iris, gt.run_em(iris, gt.initial_params(iris, 3, random_state=s)).final,
                        tol=1e-6, max_iter=1000).mean_log_likelihood(-1) for s in range(0, 50, 7)]
    assert np.ptp(scores) < 1e-3


def test_seed_study_claims_hold_in_the_stored_table():
    """The seed study takes seconds, so its printed tables are read back (nbval keeps them
    equal to a fresh run) and the prose's claims checked against them."""
    default = stored_stdout(NB06, "stuck at the saddle")
    stuck = dict(re.findall(r"^(\S+)\s.*?(\d+) of 50$", default, flags=re.M))
    assert int(stuck["random"]) > 25 and all(
        int(stuck[m]) == 0 for m in ("kmeans", "k-means++", "random_from_data"))
    distinct = dict(re.findall(r"^(\S+)\s.*?(\d+) of 50\s+\d+ of 50$", default, flags=re.M))
    assert int(distinct["kmeans"]) < 25  # "only a few distinct starts"
    assert all(int(distinct[m]) == 50 for m in ("k-means++", "random", "random_from_data"))
    few = re.search(r'"kmeans": (\d+) distinct starts, but only (\d+) distinct clusterings',
                    default)
    assert few and int(few.group(2)) < int(few.group(1)) == int(distinct["kmeans"])

    table = stored_stdout(NB06, "best non-degenerate optimum")
    rows = re.findall(r"^\s*(-\d\.\d{3})\s+(yes|no)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$",
                      table, flags=re.M)
    assert len(rows) >= 5
    values = np.array([float(r[0]) for r in rows])
    degenerate = np.array([r[1] == "yes" for r in rows])
    thinnest = np.array([float(r[2]) for r in rows])
    counts = np.array([[int(c) for c in r[3:]] for r in rows])  # kmeans, ++, random, rfd
    assert counts.sum(axis=0).tolist() == [50, 50, 50, 50]
    assert degenerate[np.argmax(values)]  # the highest optimum of all is degenerate
    # ... and the highest degenerate ones sit on a line: thinnest variance exactly reg_covar
    assert thinnest[np.argmax(values)] == 1e-6
    assert np.all(degenerate == (thinnest < 0.1**2 / 12))
    best = np.flatnonzero(~degenerate)[np.argmax(values[~degenerate])]
    assert counts[best].tolist()[2] > 0 and counts[best, [0, 1, 3]].sum() == 0  # only "random"
    assert np.count_nonzero(counts[:, 0]) == 1  # "kmeans": one optimum from all 50 seeds

    kept = stored_stdout(NB06, "P_kept(1)")
    random_row = re.search(r"^random\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", kept,
                           flags=re.M)
    p, q, k1, k5, k10, k30 = map(float, random_row.groups())
    assert k5 > k1 and k30 < k5  # eq. (14) rises, then falls
    assert k5 == pytest.approx((1 - q) ** 5 - (1 - q - p) ** 5, abs=2e-3)


def test_n_init_keeps_the_best_of_the_same_starts(iris):
    """Notebook 06: GaussianMixture(n_init=n) = the highest lower bound of n starts drawn from
    one random generator."""
    n = 4
    sk = GaussianMixture(3, init_params="random_from_data", n_init=n, random_state=1).fit(iris)
    rng = np.random.RandomState(1)
    ours = [gt.run_em(iris, gt.initial_params(iris, 3, method="random_from_data",
                                              random_state=rng)) for _ in range(n)]
    best = max(ours, key=lambda t: t.lower_bound)
    assert sk.lower_bound_ == pytest.approx(best.lower_bound, abs=1e-10)
    assert sk.n_iter_ == best.n_iter
