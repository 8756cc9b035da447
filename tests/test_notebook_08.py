"""Notebook 08 (singularities): what nbval cannot check.

nbval re-runs the notebook and compares every stored output, but it skips the widget and
player cells and it cannot read the prose. Here the scrubber cells are executed in-process
(with the cells before them) and the widget they build is inspected, and the claims the
prose makes are asserted in code.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest
from IPython.display import HTML
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from notebook_support import (
    code_sources,
    player_parts,
    run_cells,
    run_until,
    unchecked_cells,
    unchecked_reason,
)

import gmm_teach as gt
from gmm_teach import collapse, scrubber

NB08 = Path(__file__).resolve().parent.parent / "notebooks" / "08_singularities.ipynb"


@pytest.fixture(scope="module")
def example():
    """The notebook's collapse run: the data, the start, the trace up to the failing M-step
    and the engine's message."""
    X, init = collapse.duplicated_point_example()
    return (X, init, *collapse.run_em_until_singular(X, init, reg_covar=0.0))


@pytest.fixture(scope="module")
def iris():
    return gt.load_iris_sepal().X


@pytest.fixture(scope="module")
def notebook08():
    """The cells of 08 up to and including the scrubber cell, run in-process (plt.show is a
    no-op here: the figures are nbval's business)."""
    namespace = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
        widget = run_until(code_sources(NB08), "scrubber.EMScrubber(", namespace)
    gt.use_default_style()
    return namespace, widget


def test_scrubber_cell_builds_a_scrubber_over_the_collapse(notebook08, example):
    namespace, widget = notebook08
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


def test_player_cell_inlines_every_half_step(notebook08):
    namespace, _ = notebook08
    (cell,) = [s for s in code_sources(NB08) if "scrubber.show_em_player(" in s]
    player = run_cells([cell], namespace)
    assert isinstance(player, HTML)
    frames, _ = player_parts(player.data)
    assert len(frames) == 2 * namespace["trace0"].n_iter == 8
    assert all(f.startswith("data:image/png;base64,") for f in frames)


def test_ignored_cells_say_why_and_where_they_are_tested():
    ignored = unchecked_cells(nbformat.read(NB08, as_version=4))
    assert len(ignored) == 2  # the scrubber widget and the player
    for cell in ignored:
        reason, named = unchecked_reason(cell)
        assert reason and named == ["tests/test_notebook_08.py"]


def test_spike_grows_without_bound_at_rate_d_over_2n(iris):
    """Prose of 08: l(sigma^2) increases once sigma^2 <= 1e-3 and follows eq. (11)."""
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
