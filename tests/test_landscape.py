"""The landscape l(mu_1, mu_2) of a two-component 1-D mixture (gmm_teach.bound's landscape
functions) and its picture and explorer (gmm_teach.landscape).

The mathematics on two data sets: iris petal lengths (the notebooks' choice; ties, since they
are measured to 0.1 cm) and a continuous 1-D sample without ties. The surface is mirror
symmetric for interchangeable components; the maxima are EM's fixed points and agree with a
fine grid and with scipy.optimize; the diagonal is a line EM never leaves; the diagonal
point is a saddle (Hessian checked against central differences); the spike at a data value
rises like -c log(s_1) / (2N). Then the explorer: what it draws is what bound computes.
"""

import io
import statistics
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image
from scipy import optimize
from test_properties import PROFILE

import gmm_teach as gt
from gmm_teach import bound, landscape
from gmm_teach.calculus import central_differences

EQUAL = (0.5, 0.5)


def continuous_sample():
    rng = np.random.default_rng(11)
    return np.concatenate([rng.normal(-2.0, 0.8, 40), rng.normal(1.5, 1.2, 60)])


def data_sets():
    """name -> (x, s): the sample and the variance both components get."""
    x, s = landscape.petal_lengths()
    y = continuous_sample()
    return {"iris petal length": (x, s), "continuous sample": (y, 0.5 * y.var())}


CASES = list(data_sets())


@pytest.fixture(scope="module")
def petals():
    return landscape.petal_lengths()


def l_at(x, means, variances, weights=EQUAL):
    return gt.mean_log_likelihood(x, gt.GMMParams(weights, means, variances))


# ----------------------------------------------------------------------------- the data
def test_petal_lengths_and_the_pooled_variance(petals):
    x, s = petals
    X, species, names = gt.load_iris_all()
    assert names[2] == "petal length (cm)" and np.array_equal(x, X[:, 2])
    setosa = species == "setosa"
    assert x[setosa].max() < x[~setosa].min()                     # two clear groups
    pooled = (50 * x[setosa].var() + 100 * x[~setosa].var()) / 150
    assert s == pytest.approx(pooled, rel=1e-12)
    assert s < x.var()                                           # so the diagonal is a saddle
    values, counts = np.unique(x, return_counts=True)
    assert counts.max() == np.sum(x == landscape.SPIKE_AT) == 13  # no value shared by more
    # the grid and the starts keep 0.025 and 0.05 cm away from every petal length
    grid = landscape.mean_axis()
    assert np.abs(grid[:, None] - values).min() >= 0.025 - 1e-9
    assert np.array_equal(landscape.mean_axis(landscape.SPIKE_AT),
                          np.sort(np.append(grid, landscape.SPIKE_AT)))
    starts = np.array(landscape.START_POINTS)
    assert np.abs(starts[..., None] - values).min() >= 0.05 - 1e-9


# ----------------------------------------------------------------------------- symmetry
@pytest.mark.parametrize("name", CASES)
def test_the_surface_is_mirror_symmetric_for_interchangeable_components(name):
    x, s = data_sets()[name]
    mus = np.linspace(x.min() - 1, x.max() + 1, 97)
    grid = bound.log_likelihood_grid(x, mus, mus, weights=EQUAL, variances=(s, s))
    np.testing.assert_allclose(grid, grid.T, rtol=1e-14, atol=0)
    tilted = bound.log_likelihood_grid(x, mus, mus, weights=EQUAL, variances=(s / 4, s))
    assert np.abs(tilted - tilted.T).max() > 0.1                   # unequal variances: not


@pytest.mark.parametrize("name", CASES)
def test_grid_counts_repeated_values_like_the_engine(name):
    x, s = data_sets()[name]
    mu1, mu2 = np.array([1.05, 3.0, 4.9]), np.array([1.5, 4.4])
    grid = bound.log_likelihood_grid(x, mu1, mu2, weights=(0.3, 0.7), variances=(s, 2 * s))
    for j, i in np.ndindex(grid.shape):
        expected = l_at(x, [mu1[i], mu2[j]], [s, 2 * s], (0.3, 0.7))
        assert grid[j, i] == pytest.approx(expected, rel=1e-13)


# ----------------------------------------------------------------------------- maxima
@pytest.mark.parametrize("name", CASES)
def test_two_mirror_maxima_that_are_em_fixed_points_and_the_optimiser_agrees(name):
    x, s = data_sets()[name]
    options = dict(weights=EQUAL, variances=(s, s))
    maxima = bound.landscape_maxima(x, [(x.max(), x.min()), (x.min(), x.max())], **options)
    assert len(maxima) == 2
    first, second = maxima
    np.testing.assert_allclose(second.means, first.means[::-1], rtol=0, atol=1e-9)
    assert second.mean_log_likelihood == pytest.approx(first.mean_log_likelihood, abs=1e-13)
    for point in maxima:
        assert point.kind == "maximum" and np.all(point.hessian_eigenvalues < 0)
        assert point.mean_log_likelihood == pytest.approx(l_at(x, point.means, (s, s)),
                                                          rel=1e-13)
        # an EM step from the maximum stays there: a fixed point of EM
        step = bound.em_means_path(x, point.means, max_iter=1, **options)
        np.testing.assert_allclose(step[-1], point.means, rtol=0, atol=1e-10)
        # scipy's optimiser, started 0.3 away, finds the same point
        found = optimize.minimize(lambda m: -l_at(x, m, (s, s)), point.means + 0.3,
                                  jac=lambda m: -bound.log_likelihood_gradient(x, m, **options),
                                  method="BFGS", options={"gtol": 1e-10})
        np.testing.assert_allclose(found.x, point.means, rtol=0, atol=1e-6)
        assert -found.fun <= point.mean_log_likelihood + 1e-12
    # a fine grid around the maximum peaks at the grid point nearest to it
    h = 0.002
    mu1 = first.means[0] + h * np.arange(-50, 51)
    mu2 = first.means[1] + h * np.arange(-50, 51)
    grid = bound.log_likelihood_grid(x, mu1, mu2, **options)
    j, i = np.unravel_index(np.argmax(grid), grid.shape)
    assert (i, j) == (50, 50)
    assert grid.max() <= first.mean_log_likelihood + 1e-13


def test_the_maxima_are_the_highest_points_of_the_whole_grid(petals):
    x, s = petals
    options = dict(weights=EQUAL, variances=(s, s))
    maxima = bound.landscape_maxima(x, landscape.START_POINTS, **options)
    mus = landscape.mean_axis()
    grid = bound.log_likelihood_grid(x, mus, mus, **options)
    best = max(point.mean_log_likelihood for point in maxima)
    assert grid.max() <= best
    assert grid.max() > best - 0.01                               # the grid's step is 0.05 cm
    j, i = np.unravel_index(np.argmax(grid), grid.shape)
    assert min(np.abs(p.means - (mus[i], mus[j])).max() for p in maxima) <= 0.05


# ----------------------------------------------------------------------------- the diagonal
@pytest.mark.parametrize("name", CASES)
def test_the_diagonal_is_a_line_em_never_leaves(name):
    x, s = data_sets()[name]
    for m in (x.min() - 0.5, float(np.median(x)), x.max() + 0.3):
        path = bound.em_means_path(x, (m, m), weights=EQUAL, variances=(s, s), max_iter=50)
        assert np.array_equal(path[:, 0], path[:, 1])              # exactly, every step
        assert path[-1, 0] == pytest.approx(x.mean(), rel=1e-12)   # the saddle, in one step
        assert len(path) <= 3


samples = arrays(float, st.integers(2, 40),
                 elements=st.floats(-50, 50, allow_nan=False, allow_infinity=False))


@settings(max_examples=40, **PROFILE)
@given(x=samples, log_s=st.floats(-3, 3), start=st.floats(-60, 60),
       mu=st.tuples(st.floats(-60, 60), st.floats(-60, 60)))
def test_property_symmetry_and_the_diagonal(x, log_s, start, mu):
    """For any sample and variance: l(a, b) = l(b, a), and EM started on the diagonal stays
    on it exactly, at the sample mean after one step."""
    s = float(np.exp(log_s))
    options = dict(weights=EQUAL, variances=(s, s))
    a = bound.log_likelihood_grid(x, [mu[0]], [mu[1]], **options)[0, 0]
    b = bound.log_likelihood_grid(x, [mu[1]], [mu[0]], **options)[0, 0]
    assert a == pytest.approx(b, rel=1e-14, abs=1e-300)
    path = bound.em_means_path(x, (start, start), max_iter=5, **options)
    assert np.array_equal(path[:, 0], path[:, 1])
    assert path[1, 0] == pytest.approx(x.mean(), rel=1e-12, abs=1e-12 * np.abs(x).max())


@pytest.mark.parametrize("name", CASES)
def test_the_diagonal_point_is_a_saddle(name):
    x, s = data_sets()[name]
    saddle = bound.diagonal_saddle(x, variances=(s, s))
    assert saddle.kind == "saddle"
    low, high = saddle.hessian_eigenvalues
    assert low < 0 < high
    # along the diagonal -1/(2s); across it (var(x) / s - 1) / (2s)
    assert [low, high] == pytest.approx([-1 / (2 * s), (x.var() / s - 1) / (2 * s)], rel=1e-9)
    hessian = bound.log_likelihood_hessian(x, saddle.means, weights=EQUAL, variances=(s, s))
    np.testing.assert_allclose(hessian @ [1, 1], low * np.array([1, 1]), rtol=1e-9)
    np.testing.assert_allclose(hessian @ [1, -1], high * np.array([1, -1]), rtol=1e-9)
    np.testing.assert_allclose(saddle.means, [x.mean(), x.mean()], rtol=1e-15)
    assert saddle.mean_log_likelihood == pytest.approx(l_at(x, saddle.means, (s, s)), rel=1e-13)
    # Newton's method from nearby finds the same point, and it is lower than the maxima
    newton = bound.stationary_point(x, saddle.means + (0.05, -0.02), weights=EQUAL,
                                    variances=(s, s))
    np.testing.assert_allclose(newton.means, saddle.means, rtol=0, atol=1e-9)
    assert newton.kind == "saddle"
    best = bound.landscape_maxima(x, [(x.max(), x.min())], weights=EQUAL, variances=(s, s))
    assert best[0].mean_log_likelihood > saddle.mean_log_likelihood + 0.1
    # no start off the diagonal stops there: EM from just off it climbs to a maximum
    off = bound.em_means_path(x, saddle.means + (1e-3, -1e-3), weights=EQUAL,
                              variances=(s, s), max_iter=2000, tol=1e-12)
    assert l_at(x, off[-1], (s, s)) == pytest.approx(best[0].mean_log_likelihood, abs=1e-9)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("shrink", [1.0, 0.3])
def test_gradient_and_hessian_match_central_differences(name, shrink):
    x, s = data_sets()[name]
    options = dict(weights=(0.4, 0.6), variances=(shrink * s, s))
    for means in ([x.min(), x.max()], [np.median(x), x.mean() + 0.5]):
        means = np.asarray(means, float)
        gradient = bound.log_likelihood_gradient(x, means, **options)
        numeric = central_differences(lambda m: l_at(x, m, options["variances"], (0.4, 0.6)),
                                      means, h=1e-5)
        np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-8)
        hessian = bound.log_likelihood_hessian(x, means, **options)
        rows = [central_differences(
            lambda m, k=k: bound.log_likelihood_gradient(x, m, **options)[k], means, h=1e-5)
            for k in range(2)]
        np.testing.assert_allclose(hessian, np.array(rows), rtol=1e-6, atol=1e-7)
        assert hessian[0, 1] == hessian[1, 0]


# ----------------------------------------------------------------------------- the spike
@pytest.mark.parametrize(("at", "count"), [(3.0, 1), (1.4, 13)])
def test_the_spike_grows_like_minus_c_log_variance_over_2n(petals, at, count):
    x, s = petals
    assert np.sum(x == at) == count                    # 3.0 cm: one flower; 1.4 cm: thirteen
    variances = s * 10.0 ** np.arange(-10.0, -31.0, -4.0)
    spikes = [bound.spike(x, at, weights=EQUAL, variances=(v, s)) for v in variances]
    heights = np.array([sp.height for sp in spikes])
    assert np.all(np.diff(heights) > 0)                            # without bound
    slopes = np.diff(heights) / np.diff(np.log(variances))
    np.testing.assert_allclose(slopes, -count / (2 * len(x)), rtol=1e-5)
    assert spikes[0].slope == -count / (2 * len(x))
    # above the asymptote by what component 2 adds at x_m: (c/N) log(1 + ratio), ratio =
    # pi_2 N(x_m | mu_2, s_2) / (pi_1 N(x_m | x_m, s_1)); the other samples' share of
    # component 1 underflows to 0 at these variances
    mu_2 = spikes[0].mu_2
    ratio = gt.gaussian_pdf(at, mu_2, s) / gt.gaussian_pdf(at, at, variances)
    gap = heights - spikes[0].asymptote(variances)
    # (atol: rounding of l, a mean of terms up to ~40 nats, ~100 eps |l| at most)
    assert np.all(gap >= -1e-13)
    np.testing.assert_allclose(gap, count / len(x) * np.log1p(ratio), rtol=1e-6, atol=1e-13)
    assert spikes[0].mu_2 == pytest.approx(x[x != at].mean(), rel=1e-14)
    # the height is l at (x_m, mean of the others), as the engine computes it
    v = variances[2]
    assert spikes[2].height == pytest.approx(l_at(x, [at, spikes[2].mu_2], [v, s]), rel=1e-12)


def test_the_spike_of_13_flowers_passes_the_maxima(petals):
    x, s = petals
    top = bound.landscape_maxima(x, landscape.START_POINTS, weights=EQUAL,
                                 variances=(s, s))[0].mean_log_likelihood
    spike = bound.spike(x, landscape.SPIKE_AT, weights=EQUAL, variances=(s, s))
    log_v = spike.log_variance_reaching(top)
    assert spike.asymptote(np.exp(log_v)) == pytest.approx(top, rel=1e-12)
    below = bound.spike(x, landscape.SPIKE_AT, weights=EQUAL, variances=(np.exp(log_v - 1), s))
    above = bound.spike(x, landscape.SPIKE_AT, weights=EQUAL, variances=(np.exp(log_v + 1), s))
    assert above.height < top < below.height
    # inside the explorer's slider range; a single flower's spike needs s_1 below float64's
    assert landscape.SHRINK_RANGE[0] < np.log10(np.exp(log_v) / s) < -10
    single = bound.spike(x, 3.0, weights=EQUAL, variances=(s, s))
    assert single.log_variance_reaching(top) < np.log(np.finfo(float).tiny)


# ----------------------------------------------------------------------------- bad input
def test_bad_landscape_arguments_are_named(petals):
    x, s = petals
    options = dict(weights=EQUAL, variances=(s, s))
    cases = [
        (lambda: bound.log_likelihood_gradient(x, (1.0,), **options), ValueError,
         r"means must be two means \(mu_1, mu_2\)"),
        (lambda: bound.log_likelihood_hessian(x, (1.0, np.nan), **options), ValueError,
         "means contains"),
        (lambda: bound.stationary_point(x, "ab", **options), TypeError, "start must contain"),
        (lambda: bound.stationary_point(x, (1.0, 2.0), max_iter=0, **options), ValueError,
         "max_iter must be at least 1"),
        (lambda: bound.landscape_maxima(x, (1.0, 2.0), **options), ValueError,
         r"starts must be pairs \(mu_1, mu_2\), shape \(S, 2\)"),
        (lambda: bound.diagonal_saddle(x, variances=(s, 2 * s)), ValueError,
         "needs interchangeable components"),
        (lambda: bound.spike(x, 2.5, **options), ValueError,
         "at must be a value of the sample x .* got 2.5; the nearest sample is 3"),
        (lambda: bound.spike(x, [1.4, 1.5], **options), ValueError, "at must be one number"),
        (lambda: bound.spike(x, 1.4, weights=EQUAL, variances=(0.0, s)), ValueError,
         "variances must be > 0"),
        (lambda: bound.spike(np.full(5, 1.4), 1.4, **options), ValueError,
         "no other samples"),
        (lambda: landscape.landscape_explorer(variance=-1.0), ValueError,
         r"variance must be > 0 \(a variance in cm\^2\), got -1.0"),
        (lambda: landscape.landscape_explorer(variance="1"), TypeError,
         "variance must be a finite number"),
        (lambda: landscape.landscape_explorer(shrink=0.3), ValueError,
         r"shrink must be a multiple of 0.5 in \[-30, 0\]"),
        (lambda: landscape.landscape_explorer(shrink=-40.0), ValueError, "shrink must be"),
        (lambda: landscape.landscape_explorer(spike_at=2.5), ValueError,
         "spike_at must be a value of x .* got 2.5; the nearest value is 3"),
        (lambda: landscape.landscape_explorer(spike_at="1.4"), TypeError,
         "spike_at must be a number"),
        (lambda: landscape.landscape_explorer(starts=[1.0, 2.0]), ValueError,
         r"starts must be pairs"),
        (lambda: landscape.plot_landscape(np.zeros((5, 2))), ValueError,
         "x must be a 1-D sample"),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=message):
            call()


# ----------------------------------------------------------------------------- the picture
def test_plot_landscape_draws_the_computed_points(petals):
    x, s = petals
    fig = landscape.plot_landscape()
    ax = fig.axes[0]
    maxima = bound.landscape_maxima(x, landscape.START_POINTS, weights=EQUAL, variances=(s, s))
    saddle = bound.diagonal_saddle(x, variances=(s, s))
    stars = [line.get_xydata()[0] for line in ax.lines if line.get_marker() == "*"]
    crosses = [line.get_xydata()[0] for line in ax.lines if line.get_marker() == "X"]
    np.testing.assert_allclose(sorted(map(tuple, stars)),
                               sorted(tuple(p.means) for p in maxima), rtol=0, atol=1e-12)
    np.testing.assert_allclose(crosses, [saddle.means], rtol=0, atol=1e-12)
    assert ax.get_xlabel() == "μ₁, component 1 (cm)"
    assert ax.get_ylabel() == "μ₂, component 2 (cm)"
    assert ax.xaxis.label.get_color() == gt.component_color(0)
    assert ax.yaxis.label.get_color() == gt.component_color(1)
    assert "mean log-likelihood" in fig.axes[1].get_ylabel()      # the colour bar
    # every path ends at a maximum, but the one started on the diagonal: at the saddle
    options = dict(weights=EQUAL, variances=(s, s))
    for start in landscape.START_POINTS:
        end = bound.em_means_path(x, start, max_iter=1000, tol=1e-9, **options)[-1]
        targets = [saddle] if start[0] == start[1] else maxima
        assert min(np.abs(end - p.means).max() for p in targets) < 1e-6, start
    plt.close(fig)


def test_draw_landscape_without_interchangeable_components_draws_no_saddle(petals):
    x, s = petals
    fig, ax = plt.subplots()
    drawn = landscape.draw_landscape(ax, x, variances=(s, s), weights=(0.3, 0.7))
    assert drawn["saddle"] is None and "saddle" not in drawn["caption"]
    assert not [line for line in ax.lines if line.get_marker() == "X"]
    expected = bound.landscape_maxima(x, landscape.START_POINTS, weights=(0.3, 0.7),
                                      variances=(s, s))
    np.testing.assert_allclose([p.means for p in drawn["maxima"]],
                               [p.means for p in expected], rtol=0, atol=1e-9)
    assert not np.allclose(drawn["grid"], drawn["grid"].T)        # no mirror any more
    levels = drawn["contour"].levels
    top = max(p.mean_log_likelihood for p in expected)
    assert levels[0] <= top - 5 and levels[-1] >= top + 1.5 and np.allclose(np.diff(levels),
                                                                             0.25)
    with pytest.raises(ValueError, match="variances must be two numbers"):
        landscape.draw_landscape(ax, x, variances=s)
    with pytest.raises(ValueError, match="mu_values must be a non-empty 1-D array"):
        landscape.draw_landscape(ax, x, variances=(s, s), mu_values=[[1.0, 2.0]])
    with pytest.raises(TypeError, match="variance must be a finite number"):
        landscape.plot_landscape(x, float("nan"))
    plt.close(fig)


# ----------------------------------------------------------------------------- the explorer
@pytest.fixture(scope="module")
def explorer():
    return landscape.landscape_explorer()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_the_explorer_draws_what_bound_computes(explorer, petals):
    x, s = petals
    for shrink in (0.0, -1.0, -2.5, -20.0):
        explorer.shrink.value = shrink
        drawn = explorer.drawn
        variances = (s * 10.0 ** shrink, s)
        assert drawn["variances"] == variances and drawn["shrink"] == shrink
        grid = bound.log_likelihood_grid(x, drawn["mu_values"], drawn["mu_values"],
                                         weights=EQUAL, variances=variances)
        np.testing.assert_array_equal(drawn["grid"], grid)
        spike = bound.spike(x, landscape.SPIKE_AT, weights=EQUAL, variances=variances)
        assert drawn["spike"] == spike
        ax_map, ax_spike = explorer.axes
        triangles = [line.get_xydata()[0] for line in ax_map.lines if line.get_marker() == "^"]
        np.testing.assert_allclose(triangles, [(spike.at, spike.mu_2)])
        marker = [line.get_xydata()[0] for line in ax_spike.lines if line.get_marker() == "^"]
        np.testing.assert_allclose(marker, [(shrink, spike.height)])
        assert ax_spike.get_title() == f"l at the spike: {spike.height:.4f}"
        ends = [path[-1] for path in drawn["paths"]]
        for point in drawn["maxima"]:
            assert point.kind == "maximum"
            assert min(np.abs(point.means - end).max() for end in ends) < 1e-6
            assert f"l = {point.mean_log_likelihood:.4f}" in explorer.caption.value
        stars = [line.get_xydata()[0] for line in ax_map.lines if line.get_marker() == "*"]
        assert len(stars) == len(drawn["maxima"])
        assert (drawn["saddle"] is not None) == (shrink == 0.0)    # only when interchangeable
        assert f"l = {spike.height:.4f}" in explorer.caption.value


def test_a_slider_change_changes_the_picture_and_comes_back_from_the_cache(explorer):
    explorer.shrink.value = 0.0
    first = explorer.image.value
    explorer.shrink.value = -10.0
    assert not np.array_equal(pixels(first), pixels(explorer.image.value))
    drawings = explorer.drawings
    explorer.shrink.value = 0.0
    assert explorer.image.value == first and explorer.drawings == drawings
    assert explorer.neighbours() == [{"shrink": -0.5}]             # the slider's end: 0
    explorer.shrink.value = -5.0
    assert explorer.neighbours() == [{"shrink": -5.5}, {"shrink": -4.5}]


def test_the_symmetric_picture_is_symmetric_and_the_spike_rises(explorer, petals):
    x, s = petals
    explorer.shrink.value = 0.0
    grid = explorer.drawn["grid"]
    values = explorer.drawn["mu_values"]
    regular = np.flatnonzero(values != landscape.SPIKE_AT)        # the spike's column added
    square = grid[np.ix_(regular, regular)]
    np.testing.assert_allclose(square, square.T, rtol=1e-14, atol=0)
    heights = []
    for shrink in (-10.0, -20.0, -30.0):
        explorer.shrink.value = shrink
        heights.append(explorer.drawn["spike"].height)
    assert heights[0] < heights[1] < heights[2]
    np.testing.assert_allclose(np.diff(heights), 13 / (2 * len(x)) * 10 * np.log(10),
                               rtol=1e-6)


def test_updates_blit_and_are_fast(petals, monkeypatch):
    explorer = landscape.landscape_explorer()
    full_draws = []
    monkeypatch.setattr(explorer.canvas, "draw", lambda *a, **k: full_draws.append(1))
    durations, cpu = [], []
    for shrink in np.arange(-0.5, -10.5, -0.5):
        start, start_cpu = time.perf_counter(), time.process_time()
        explorer.shrink.value = float(shrink)
        durations.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert full_draws == []
    assert explorer.drawings == 1 + len(durations)
    print(f"\nlandscape explorer: median redraw {statistics.median(durations) * 1000:.0f} ms "
          f"(max {max(durations) * 1000:.0f} ms), CPU {statistics.median(cpu) * 1000:.0f} ms, "
          f"over {len(durations)} slider steps")


def test_presenter_explorer_fits_a_1280_by_720_screen():
    with gt.presenter_style():
        made = landscape.landscape_explorer()
    width, height = Image.open(io.BytesIO(made.image.value)).size
    assert width <= 1150 and height <= 500, (width, height)
    assert "gmm-explorer" in made.widget._dom_classes


def test_the_dark_style_keeps_the_picture_readable():
    with gt.dark_style():
        made = landscape.landscape_explorer()
        assert made.axes[0].xaxis.label.get_color() == gt.component_color(0)
        assert made.axes[0].yaxis.label.get_color() == gt.component_color(1)
