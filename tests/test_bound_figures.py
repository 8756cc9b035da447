"""gmm_teach.bound_figures: the path figure draws the curves it is given and marks the touching
point, the bound's maximum and the gap where they are; the bars stack L and KL to l for every
half-step; bad input is refused with the argument's name."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb

import gmm_teach as gt
from gmm_teach import bound, bound_figures


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def iris():
    X, _ = gt.load_iris_sepal()
    return X, gt.run_em(X, gt.initial_params(X, 3, random_state=0), reg_covar=0)


@pytest.fixture(scope="module")
def path(iris):
    X, trace = iris
    ts = np.linspace(-0.5, 1.5, 81)
    ll, bounds = bound.bound_along_path(X, trace.params[0], trace.params[1], ts)
    _, next_bounds = bound.bound_along_path(X, trace.params[1], trace.params[0], 1 - ts)
    return ts, ll, bounds, next_bounds


# ----------------------------------------------------------------------------- the path
def test_the_path_figure_draws_the_given_curves_and_marks(ax, path):
    ts, ll, bounds, next_bounds = path
    marks = bound_figures.plot_bound_along_path(ax, ts, ll, bounds, next_bounds, unit="flower")
    assert ts[marks["touch"]] == 0.0 and ts[marks["new"]] == pytest.approx(1.0)
    assert marks["peak"] == int(np.argmax(bounds))
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == len(ts)]
    for line, values in zip(curves, (ll, bounds, next_bounds), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), ts)
        np.testing.assert_array_equal(line.get_ydata(), values)
    labels = ax.get_legend().get_texts()
    text = " ".join(t.get_text() for t in labels)
    for number in ("(4.6)", "(5.1)", "(5.2)"):
        assert number in text
    assert f"t = {ts[marks['peak']]:.2f}" in text
    assert "flower" in ax.get_ylabel() and "(5.5)" in ax.get_xlabel() and ax.get_title()


def test_the_gap_arrow_spans_from_the_bound_to_l_at_theta_new(ax, path):
    ts, ll, bounds, _ = path
    marks = bound_figures.plot_bound_along_path(ax, ts, ll, bounds)
    (arrow,) = [child for child in ax.texts if getattr(child, "arrow_patch", None)]
    assert arrow.xy == (ts[marks["new"]], ll[marks["new"]])
    assert arrow.xyann == (ts[marks["new"]], bounds[marks["new"]])
    assert ll[marks["new"]] > bounds[marks["new"]]      # a visible gap at iteration 1


def test_the_marks_sit_on_the_bound(ax, path):
    ts, ll, bounds, _ = path
    marks = bound_figures.plot_bound_along_path(ax, ts, ll, bounds)
    points = {line.get_label(): (line.get_xdata()[0], line.get_ydata()[0])
              for line in ax.get_lines() if len(line.get_xdata()) == 1}
    touch = next(xy for label, xy in points.items() if label.startswith("touch"))
    peak = next(xy for label, xy in points.items() if label.startswith("largest bound"))
    assert touch == (0.0, bounds[marks["touch"]])
    assert peak == (ts[marks["peak"]], bounds.max())


def test_l_is_drawn_in_the_text_colour_of_the_style(path):
    ts, ll, bounds, _ = path
    with gt.dark_style():
        fig, ax = plt.subplots()
        bound_figures.plot_bound_along_path(ax, ts, ll, bounds)
        assert to_rgb(ax.get_lines()[0].get_color()) == to_rgb(mpl.rcParams["text.color"])
        assert to_rgb(mpl.rcParams["text.color"]) != to_rgb("black")
        plt.close(fig)


@pytest.mark.parametrize(("change", "error", "named"), [
    (lambda ts, ll, b: (ts + 0.003, ll, b), ValueError, "t = 0"),          # 0 not on the grid
    (lambda ts, ll, b: (ts[::-1], ll, b), ValueError, "increasing"),
    (lambda ts, ll, b: (ts[:2], ll[:2], b[:2]), ValueError, "at least 3"),
    (lambda ts, ll, b: (ts, ll[:-1], b), ValueError, "log_likelihoods"),
    (lambda ts, ll, b: (ts, ll, np.where(ts > 1, np.nan, b)), ValueError, "bounds"),
    (lambda ts, ll, b: (ts, ll, b.reshape(1, -1)), ValueError, "bounds"),
    (lambda ts, ll, b: (ts, ["a"] * len(ts), b), TypeError, "log_likelihoods"),
    (lambda ts, ll, b: (np.linspace(-0.5, 0.9, 15), ll[:15], b[:15]), ValueError, "t = 1"),
])
def test_the_path_figure_refuses_bad_input(ax, path, change, error, named):
    ts, ll, bounds, _ = path
    with pytest.raises(error, match=named):
        bound_figures.plot_bound_along_path(ax, *change(ts, ll, bounds))


def test_the_path_figure_refuses_bad_options(ax, path):
    ts, ll, bounds, _ = path
    with pytest.raises(ValueError, match="next_bounds"):
        bound_figures.plot_bound_along_path(ax, ts, ll, bounds, bounds[1:])
    with pytest.raises(TypeError, match="title"):
        bound_figures.plot_bound_along_path(ax, ts, ll, bounds, title=3)


# ----------------------------------------------------------------------------- the bars
def test_the_bars_stack_l_and_kl_to_l_for_every_half_step(ax, iris):
    _, trace = iris
    table = trace.bound_table()[:8]
    drawn = bound_figures.plot_decomposition_bars(ax, table)
    baseline = table[0].n_log_likelihood
    assert drawn["baseline"] == baseline
    assert drawn["labels"] == ["1E", "1M", "2E", "2M", "3E", "3M", "4E", "4M"]
    assert [t.get_text() for t in ax.get_xticklabels()] == drawn["labels"]
    bounds, gaps = ax.containers
    assert len(bounds) == len(gaps) == len(table)
    (ticks,) = [line for line in ax.get_lines() if line.get_marker() == "_"]
    for row, lower, upper, tick in zip(table, bounds, gaps, ticks.get_ydata(), strict=True):
        assert lower.get_y() == 0 and lower.get_height() == row.elbo - baseline
        assert upper.get_y() == lower.get_height() and upper.get_height() == row.posterior_kl
        assert tick == row.n_log_likelihood - baseline
        assert upper.get_y() + upper.get_height() == pytest.approx(tick, abs=1e-9)
        assert (upper.get_height() == 0) == (row.phase == "E")
    assert "(5.3)" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert f"{baseline:.2f}" in ax.get_ylabel()


@pytest.mark.parametrize(("table", "error", "named"), [
    ([], TypeError, "non-empty"),
    ("1E", TypeError, "table"),
    ([(1, "E", -1.0, -1.0)], ValueError, r"table\[0\]"),
    ([(1, "E", -1.0, -1.0, 0.0), (1, "X", -1.0, -1.0, 0.0)], ValueError, r"table\[1\].*phase"),
    ([(1, "M", -1.0, -1.5, -0.5)], ValueError, "KL must be >= 0"),
    ([(1, "M", -1.0, np.nan, 0.5)], ValueError, r"table\[0\]"),
])
def test_the_bars_refuse_bad_tables(ax, table, error, named):
    with pytest.raises(error, match=named):
        bound_figures.plot_decomposition_bars(ax, table)
