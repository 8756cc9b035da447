"""The interactive explorers: each slider changes what is drawn, the numbers are right, the
figure is reused (not accumulated) and an update is fast."""

import io
import statistics
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

import gmm_teach as gt
from gmm_teach import explorers

# An update draws only what changed onto a cached background (blitting) and encodes a PNG:
# about 20 ms of CPU time on a laptop. 150 ms is the bound for a slider that feels live; it
# is CPU time of this process, so other jobs on a loaded 2-core CI machine do not count.
MAX_MEDIAN_UPDATE_CPU_SECONDS = 0.150


@pytest.fixture(scope="module")
def iris_fit():
    X, _ = gt.load_iris_sepal()
    return X, gt.run_em(X, gt.initial_params(X, 3, random_state=0)).final


@pytest.fixture()
def probe(iris_fit):
    X, params = iris_fit
    return explorers.responsibility_probe(X, params, labels=("sepal length", "sepal width"),
                                        unit="cm")


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


# ----------------------------------------------------------------------------- 1-D explorer
def test_mean_slider_moves_the_peak():
    explorer = explorers.gaussian_1d_explorer()
    for mean in (-2.5, 0.0, 1.5, 3.0):
        explorer.mean.value = mean
        x, y = explorer.drawn["line"].get_data()
        assert x[np.argmax(y)] == pytest.approx(mean, abs=0.01)
        assert explorer.drawn["peak"][0] == mean
        np.testing.assert_allclose(y, gt.gaussian_pdf(x, mean, explorer.variance.value))


def test_variance_slider_changes_the_height():
    explorer = explorers.gaussian_1d_explorer()
    heights = []
    for variance in (0.25, 1.0, 4.0):
        explorer.variance.value = variance
        _, y = explorer.drawn["line"].get_data()
        assert y.max() == pytest.approx(1 / np.sqrt(2 * np.pi * variance), rel=1e-6)
        heights.append(y.max())
    assert heights[0] > heights[1] > heights[2]
    # the y axis stays fixed, so a wider curve is visibly lower
    assert explorer.axes[0].get_ylim() == pytest.approx((0.0, 1.05 / np.sqrt(2 * np.pi * 0.1)))


@pytest.mark.parametrize("mean", [-3.0, 0.0, 3.0])
@pytest.mark.parametrize("variance", [0.1, 1.0, 4.0])
def test_area_under_the_curve_is_one(mean, variance):
    explorer = explorers.gaussian_1d_explorer()
    explorer.mean.value = mean
    explorer.variance.value = variance
    assert explorer.drawn["area"] == pytest.approx(1.0, abs=1e-3)
    assert "area under the curve = 1.000" in explorer.axes[0].get_title()
    assert "area under the curve = 1.000" in explorer.caption.value


def test_sliders_are_labelled_mu_and_sigma_squared():
    explorer = explorers.gaussian_1d_explorer()
    assert explorer.mean.description == "μ"
    assert explorer.variance.description == "σ²"


# ----------------------------------------------------------------------------- 2-D explorer
def test_ellipse_angle_follows_rho():
    explorer = explorers.gaussian_2d_explorer()
    explorer.rho.value = 0.6
    assert explorer.drawn["angle"] == pytest.approx(45.0)
    explorer.rho.value = -0.6
    assert explorer.drawn["angle"] == pytest.approx(-45.0)
    explorer.sigma_1.value = 2.0
    explorer.sigma_2.value = 0.5
    angles = []
    for rho in (-0.9, -0.3, 0.0, 0.3, 0.9):
        explorer.rho.value = rho
        angle = explorer.drawn["angle"]
        assert np.sign(angle) == np.sign(rho)
        assert [e.angle for e in explorer.drawn["ellipses"]] == pytest.approx([angle] * 3)
        angles.append(angle)
    assert np.all(np.diff(angles) > 0)  # more correlation tilts the major axis further


def test_covariance_and_ellipse_axes_follow_the_sliders():
    explorer = explorers.gaussian_2d_explorer()
    explorer.sigma_1.value = 1.5
    explorer.sigma_2.value = 0.5
    explorer.rho.value = 0.4
    cov = np.array([[2.25, 0.3], [0.3, 0.25]])
    np.testing.assert_allclose(explorer.drawn["cov"], cov)
    eigenvalues = np.linalg.eigvalsh(cov)
    for n_std, ellipse in zip((1, 2, 3), explorer.drawn["ellipses"], strict=True):
        assert ellipse.width == pytest.approx(2 * n_std * np.sqrt(eigenvalues[1]))
        assert ellipse.height == pytest.approx(2 * n_std * np.sqrt(eigenvalues[0]))
    assert "[[2.250, 0.300], [0.300, 0.250]]" in explorer.caption.value


def test_covariance_from_correlation():
    np.testing.assert_allclose(explorers.covariance_from_correlation(2.0, 3.0, -0.5),
                               [[4.0, -3.0], [-3.0, 9.0]])


# ----------------------------------------------------------------------------- probe
def test_probe_bars_are_the_e_step_of_the_point(probe, iris_fit):
    X, params = iris_fit
    seen = []
    for x1, x2 in ((4.8, 3.4), (6.0, 2.8), (7.2, 3.1)):
        probe.x1.value = x1
        probe.x2.value = x2
        expected = gt.e_step(np.array([[x1, x2]]), params)[0]
        heights = [bar.get_height() for bar in probe.drawn["bars"]]
        np.testing.assert_allclose(heights, expected, rtol=0, atol=1e-12)
        assert sum(heights) == pytest.approx(1.0, abs=1e-12)
        colors = [bar.get_facecolor()[:3] for bar in probe.drawn["bars"]]
        assert colors == [pytest.approx(plt.matplotlib.colors.to_rgb(gt.component_color(k)))
                          for k in range(3)]
        seen.append(np.argmax(heights))
        caption = ", ".join(f"p(z={k + 1} | x) = {v:.3f}" for k, v in enumerate(expected))
        assert caption in probe.caption.value
    assert len(set(seen)) == 3  # the three probes land in the three components


def test_probe_sliders_span_the_data_in_cm(probe, iris_fit):
    X, _ = iris_fit
    assert probe.x1.description == "sepal length (cm)"
    assert probe.x2.description == "sepal width (cm)"
    assert probe.x1.min < X[:, 0].min() and probe.x1.max > X[:, 0].max()
    assert probe.x2.min < X[:, 1].min() and probe.x2.max > X[:, 1].max()
    assert probe.axes[0].get_xlabel() == "sepal length (cm)"


def test_probe_rejects_data_that_are_not_2d(iris_fit):
    X4, _, _ = gt.load_iris_all()
    params = gt.initial_params(X4, 2, random_state=0)
    with pytest.raises(ValueError, match="2-D"):
        explorers.responsibility_probe(X4, params)


# ----------------------------------------------------------------------------- all explorers
def all_explorers(iris_fit):
    X, params = iris_fit
    return {"1-D": (explorers.gaussian_1d_explorer(), "variance", (0.2, 3.5)),
            "2-D": (explorers.gaussian_2d_explorer(), "rho", (-0.9, 0.9)),
            "probe": (explorers.responsibility_probe(X, params), "x1", (4.5, 7.5))}


def test_outer_box_has_the_dom_class(iris_fit):
    for explorer, _, _ in all_explorers(iris_fit).values():
        assert "gmm-explorer" in explorer.widget._dom_classes


def test_figure_is_reused_and_nothing_accumulates(iris_fit):
    open_before = plt.get_fignums()
    for explorer, name, (lo, hi) in all_explorers(iris_fit).values():
        slider = explorer.controls[name]
        counts = []
        for value in np.linspace(lo, hi, 6):
            slider.value = float(value)
            counts.append([len(ax.get_children()) for ax in explorer.figure.axes])
        assert all(c == counts[0] for c in counts)
        assert len(explorer.figure.axes) == len(explorer.axes)
    assert plt.get_fignums() == open_before  # pyplot's global state is not touched


def test_image_after_a_change_equals_a_fresh_drawing(iris_fit):
    """Blitting leaves no trace of the previous state: the updated image is pixel for pixel
    the image of an explorer made at the new values."""
    X, params = iris_fit
    moved = explorers.gaussian_1d_explorer()
    moved.mean.value = 2.0
    moved.variance.value = 0.5
    fresh = explorers.gaussian_1d_explorer(mean=2.0, variance=0.5)
    assert np.array_equal(pixels(moved.image.value), pixels(fresh.image.value))
    moved = explorers.responsibility_probe(X, params, point=(5.0, 3.0))
    moved.x1.value = 7.0
    fresh = explorers.responsibility_probe(X, params, point=(7.0, 3.0))
    assert np.array_equal(pixels(moved.image.value), pixels(fresh.image.value))
    assert not np.array_equal(pixels(moved.image.value),
                              pixels(explorers.responsibility_probe(X, params, (5.0, 3.0))
                                     .image.value))


def test_display_shows_the_widget(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    explorer = explorers.gaussian_1d_explorer()
    explorer._ipython_display_()
    assert shown == [explorer.widget]


def test_update_is_fast_and_only_blits(iris_fit, monkeypatch):
    medians, full_draws = {}, []
    for label, (explorer, name, (lo, hi)) in all_explorers(iris_fit).items():
        monkeypatch.setattr(explorer.canvas, "draw",
                            lambda *args, label=label, **kwargs: full_draws.append(label))
        slider = explorer.controls[name]
        durations, changes = [], 0
        for value in np.linspace(lo, hi, 15):
            changes += float(value) != slider.value
            start = time.process_time()
            slider.value = float(value)
            durations.append(time.process_time() - start)
        # the speed comes from blitting: after the first drawing, no update redraws the figure
        assert full_draws == [], f"{full_draws}: an update redrew the whole figure"
        assert len(explorer.update_seconds) == 1 + changes >= 14, label  # every change drawn
        medians[label] = statistics.median(durations)
    print("median update CPU time: " + ", ".join(f"{k} {v * 1000:.1f} ms"
                                                 for k, v in medians.items()))
    assert max(medians.values()) < MAX_MEDIAN_UPDATE_CPU_SECONDS


# ----------------------------------------------------------------------------- issue 10
def test_values_seen_before_come_from_the_cache():
    explorer = explorers.gaussian_1d_explorer()
    images = {}
    for mean in (0.5, 1.0, 1.5):
        explorer.mean.value = mean
        images[mean] = explorer.image.value
    drawings = explorer.drawings
    assert drawings == 4  # the start and three new values
    for mean in (1.0, 0.5, 1.5, 0.0):  # back and forth over the same slider steps
        explorer.mean.value = mean
        if mean in images:
            assert explorer.image.value == images[mean]
        assert explorer.drawn["peak"][0] == mean
    assert explorer.drawings == drawings
    assert "μ = 0.00" in explorer.caption.value or "= 0.00" in explorer.caption.value


def test_the_legend_survives_updates():
    explorer = explorers.gaussian_2d_explorer()
    legend = explorer.axes[0].get_legend()
    box = legend.get_window_extent(explorer.canvas.get_renderer())
    height = explorer.canvas.get_width_height()[1]
    rows = slice(int(height - box.y1) + 2, int(height - box.y0) - 2)
    cols = slice(int(box.x0) + 2, int(box.x1) - 2)
    crops = []
    for rho in (0.0, 0.9, -0.9):
        explorer.rho.value = rho
        explorer.sigma_1.value = 2.0  # the contours reach the corner the legend sits in
        crops.append(pixels(explorer.image.value)[rows, cols])
    assert np.array_equal(crops[0], crops[1]) and np.array_equal(crops[0], crops[2])


def test_a_circle_has_no_major_axis_angle():
    explorer = explorers.gaussian_2d_explorer(sigma_1=1.0, sigma_2=1.0, rho=0.0)
    assert "a circle" in explorer.drawn["caption"] and "°" not in explorer.drawn["caption"]
    explorer.rho.value = 0.5
    assert "major axis at 45.0°" in explorer.drawn["caption"]


def test_presenter_explorers_fit_a_1280_by_720_screen(iris_fit):
    X, params = iris_fit
    with gt.presenter_style():
        made = [explorers.gaussian_1d_explorer(), explorers.gaussian_2d_explorer(),
                explorers.responsibility_probe(X, params)]
    for explorer in made:
        width, height = Image.open(io.BytesIO(explorer.image.value)).size
        assert width <= 1150 and height <= 500, (width, height)
        script = explorer.widget.children[-1].outputs[0]["data"]["text/html"]
        assert "--jp-widgets-font-size" in script  # widget text grows with the style


@pytest.mark.parametrize(("make", "kwargs", "error", "message"), [
    (explorers.gaussian_1d_explorer, {"variance": 0.0}, ValueError,
     r"variance must be in \[0.1, 4\] \(the slider's range\), got 0.0"),
    (explorers.gaussian_1d_explorer, {"variance": -1.0}, ValueError, "variance must be in"),
    (explorers.gaussian_1d_explorer, {"mean": float("nan")}, TypeError,
     "mean must be a finite number"),
    (explorers.gaussian_2d_explorer, {"rho": 1.0}, ValueError, r"rho must be in \[-0.95"),
    (explorers.gaussian_2d_explorer, {"sigma_1": "1"}, TypeError, "sigma_1 must be a finite"),
])
def test_explorers_name_bad_start_values(make, kwargs, error, message):
    with pytest.raises(error, match=message):
        make(**kwargs)


def test_drawing_functions_name_bad_arguments(iris_fit):
    X, params = iris_fit
    fig = plt.figure()
    ax = fig.add_subplot()
    with pytest.raises(ValueError, match=r"variance must be > 0, got -1.0"):
        explorers.draw_gaussian_1d(ax, 0.0, -1.0)
    with pytest.raises(ValueError, match=r"sigma_2 must be > 0, got 0.0"):
        explorers.draw_gaussian_2d(ax, 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="rho must be a correlation strictly between -1 and"):
        explorers.covariance_from_correlation(1.0, 1.0, -1.0)
    with pytest.raises(ValueError, match="n_grid must be a whole number >= 2, got 1"):
        explorers.draw_gaussian_2d(ax, 1.0, 1.0, 0.0, n_grid=1)
    with pytest.raises(ValueError, match="point must be one 2-D point"):
        explorers.draw_responsibility_probe(ax, ax, X, params, (1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="step must be a finite number > 0, got 0"):
        explorers.responsibility_probe(X, params, step=0)
    with pytest.raises(TypeError, match="labels must be two strings"):
        explorers.responsibility_probe(X, params, labels="x")
    plt.close(fig)


def test_pictures_one_step_away_are_drawn_in_advance():
    explorer = explorers.gaussian_1d_explorer()
    explorer.variance.value = 1.5  # the variance slider moved last, upwards
    assert explorer.neighbours() == [{"mean": 0.0, "variance": 1.55},
                                     {"mean": 0.0, "variance": 1.45}]
    assert explorer.prefetch() == 2 and explorer.prefetch() == 0
    drawings = explorer.drawings
    explorer.variance.value = 1.55000000000000002  # as the browser's step arithmetic sends it
    explorer.mean.value = -0.05
    assert explorer.drawings == drawings + 1  # (-0.05, 1.55) is new; (0, 1.55) came cached
    explorer.variance.value = 4.0
    assert explorer.neighbours() == [{"mean": -0.05, "variance": 3.95}]  # the slider's end
    assert explorer.drawn["peak"][0] == -0.05


def test_prefetch_runs_on_the_kernels_event_loop_between_messages():
    import asyncio

    async def press_and_idle():
        explorer = explorers.gaussian_1d_explorer()
        explorer.mean.value = 0.05
        drawn = explorer.drawings
        await asyncio.sleep(0.5)  # the kernel idles: the neighbours get drawn
        return explorer, drawn

    explorer, drawn = asyncio.run(press_and_idle())
    assert explorer.drawings == drawn + 1  # mu = 0.1; mu = 0.0 is the start, cached already
    explorer.mean.value = 0.1  # the next key press: a cache hit, nothing drawn
    assert explorer.drawings == drawn + 1


@pytest.mark.parametrize(("presenter", "panel"), [(False, (6.4, 4.4)), (True, (10.0, 4.7)),
                                                  (False, (3.2, 2.6))])  # explorers; a grid
def test_the_mu_sigma_note_never_covers_the_curve(presenter, panel):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with gt.presenter_style() if presenter else gt.style.mpl.rc_context():
        for mean in (-3.0, -1.0, 1.0, 3.0):
            for variance in (0.1, 0.5, 4.0):
                fig = Figure(figsize=panel)
                canvas = FigureCanvasAgg(fig)
                ax = fig.add_subplot()
                drawn = explorers.draw_gaussian_1d(ax, mean, variance, y_max=0.85)
                fig.tight_layout()
                canvas.draw()  # lays out the note's box
                box = drawn["box"].get_bbox_patch().get_window_extent(canvas.get_renderer())
                curve = ax.transData.transform(np.column_stack(drawn["line"].get_data()))
                assert not box.count_contains(curve), (mean, variance)


def test_2d_title_fits_a_panel_of_three():
    """Notebook 02 draws three 2-D Gaussians side by side: the title takes two short lines."""
    fig = plt.figure(figsize=(12, 4))
    axes = fig.subplots(1, 3)
    for ax, rho in zip(axes, (-0.6, 0.0, 0.6), strict=True):
        explorers.draw_gaussian_2d(ax, 1.5, 1.0, rho)
    fig.canvas.draw()
    boxes = [ax.title.get_window_extent() for ax in axes]
    assert all(not a.overlaps(b) for a, b in zip(boxes, boxes[1:], strict=False))
    assert axes[0].get_title().split("\n") == ["N(x | 0, Σ)", "σ₁ = 1.50, σ₂ = 1.00, ρ = -0.60"]
    plt.close(fig)


def test_an_explorer_with_buttons_caches_by_choice_and_prefetches_only_along_sliders():
    """Controls that are not stepped sliders (buttons, selections, as in notebook 13) are part
    of the cache key as they are, and never get a 'next step' drawn ahead."""
    import ipywidgets as widgets

    calls = []

    def draw(ax, kind, scale):
        calls.append((kind, scale))
        ax.plot([0, 1], [0, scale])
        return {"caption": f"{kind} {scale:.1f}"}

    controls = {"kind": widgets.ToggleButtons(options=["a", "b"]),
                "scale": widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.5)}
    explorer = explorers.Explorer(controls, lambda fig: [fig.add_subplot()], draw)
    assert explorer.neighbours() == [{"kind": "a", "scale": 1.5}, {"kind": "a", "scale": 0.5}]
    explorer.kind.value = "b"
    assert explorer.drawn["caption"] == "b 1.0"
    assert explorer.neighbours() == [{"kind": "b", "scale": 1.5}, {"kind": "b", "scale": 0.5}]
    explorer.kind.value = "a"  # back to a cached picture: nothing drawn
    assert calls == [("a", 1.0), ("b", 1.0)]
    only_buttons = explorers.Explorer({"kind": widgets.ToggleButtons(options=["a", "b"])},
                                      lambda fig: [fig.add_subplot()],
                                      lambda ax, kind: draw(ax, kind, 1.0))
    assert only_buttons.neighbours() == [] and only_buttons.prefetch() == 0
