"""Interactive explorers for the notebooks: move a slider, see the density or posterior change.

Each explorer is a slider panel over one matplotlib figure. The figure is a plain
``matplotlib.figure.Figure`` (no pyplot, so nothing accumulates and nothing else is touched),
redrawn in place and shown as a PNG in an ``ipywidgets.Image``: no flicker, one figure.

The drawing itself is done by pure functions (``draw_gaussian_1d``, ``draw_gaussian_2d``,
``draw_responsibility_probe``): they draw on the axes they are given from the numbers they
are given and return what they drew, so tests and notebooks can check the figure state.

    explorer = gaussian_1d_explorer()
    explorer              # in a notebook: shows the sliders and the figure
    explorer.variance.value = 4.0
    explorer.drawn["area"]    # trapezoid area under the new curve, 1.000

Why they keep up with the hand. In the browser a key press on a slider costs a comm round
trip and an image decode (about 20 ms, what the EM scrubber's byte swap takes) plus
whatever the kernel draws. So an update draws as little as possible, and never twice:

* the static part (axes, ticks, labels, the data of the probe) is rendered once and every
  update draws only its own artists on top (blitting, gmm_teach.pngs.Blitter), then the
  titles and legends, so no update paints over a legend;
* slider values are finite (a FloatSlider moves on its step grid), so every picture is
  kept in a cache keyed by the values: going back and forth, or replaying a drag, costs a
  byte swap (``Explorer.cache_size`` pictures, least recently used dropped);
* once the kernel has been idle for 50 ms, the pictures one step away are drawn in
  advance, the next step in the direction the slider last moved first, one per turn of
  the event loop: the next key press usually finds its picture ready
  (``Explorer.prefetch``), and a drag is never slowed down by it;
* while dragging, ipywidgets' front end keeps at most one change per slider in flight and
  merges the ones that arrive meanwhile, so the kernel draws only the latest value;
* PNGs at zlib level 1 (fast to encode; the bytes only cross a local socket);
* figure sizes in pixels that fit a 1280 x 720 projector with the sliders in presenter
  style, so the browser does not scale large images down (it did, to 42-67 %).

Keys pressed in an explorer stay in it and, after a kernel restart, the explorer says that
its cell must be run again (gmm_teach.keyguard).
"""

from __future__ import annotations

import asyncio
import html
import numbers
import time
from collections import OrderedDict
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ._checks import as_float_array, as_samples, check_finite, check_nonnegative_number
from .density import gaussian_pdf, mvn_pdf
from .em import e_step
from .keyguard import keyguard
from .params import GMMParams, check_params
from .plotting import draw_ellipse, draw_gmm, ellipse_axes, scatter_responsibilities
from .pngs import Blitter
from .style import component_color, is_presenter_style

__all__ = [
    "Explorer",
    "covariance_from_correlation",
    "draw_gaussian_1d",
    "draw_gaussian_2d",
    "draw_mixture",
    "draw_responsibility_probe",
    "ellipse_legend",
    "gaussian_1d_explorer",
    "gaussian_2d_explorer",
    "responsibility_probe",
]

#: The CSS class of every explorer's outer box (used by the browser tests and the styles).
DOM_CLASS = "gmm-explorer"


# --------------------------------------------------------------------------- the explorer
class Explorer:
    """Sliders over one figure; each slider change shows the figure for the new values.

    controls: name -> slider; each is also an attribute (``explorer.mean``).
    make_axes(figure) -> list of Axes, called once.
    draw(*axes, **values) -> dict of what it drew, including a "caption" string; called
    for values not seen before, with the same axes. Whatever it adds is removed before the
    next call; the rest (ticks, labels, limits: set them to the same values every time) is
    rendered once and reused (blitting); titles and legends are drawn on top every time.
    figsize: inches at the style's dpi (default: the style's figure size).
    Attributes: figure, axes, image (ipywidgets.Image), caption (ipywidgets.HTML), widget
    (the outer VBox, class "gmm-explorer"), drawn (the dict of the values shown),
    update_seconds (the duration of every update so far), drawings (how many pictures were
    drawn; the others came from the cache).
    """

    cache_size = 256
    prefetch_after = 0.05  # seconds of idle kernel before drawing the neighbours

    def __init__(self, controls: dict[str, widgets.ValueWidget],
                 make_axes: Callable[[Figure], list[Axes]], draw: Callable[..., dict],
                 figsize: tuple[float, float] | None = None):
        self.controls = controls
        for name, control in controls.items():
            setattr(self, name, control)
        self._draw = draw
        self.figure = Figure(figsize=figsize, dpi=mpl.rcParams["figure.dpi"])
        self._blitter = Blitter(self.figure, compress_level=1)
        self.canvas = self._blitter.canvas
        self.axes = list(make_axes(self.figure))
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            max_width="100%", height="auto", max_height="62vh", object_fit="contain"))
        self.caption = widgets.HTML()
        self.caption.add_class("gmm-caption")
        box = widgets.HBox(list(controls.values()),
                           layout=widgets.Layout(flex_flow="row wrap"))
        box.add_class("gmm-controls")
        self.widget = widgets.VBox([box, self.image, self.caption])
        self.widget.add_class(DOM_CLASS)
        self.widget.children = (*self.widget.children,
                                keyguard(self.widget, presenter=is_presenter_style()))
        self.drawn: dict = {}
        self.update_seconds: list[float] = []
        self.drawings = 0
        self._cache: OrderedDict = OrderedDict()
        self._dynamic: list = []
        stepped = [name for name, c in controls.items() if isinstance(c, _STEPPED)]
        self._direction = ((stepped or list(controls))[0], 1.0)
        self._prefetching = None
        for control in controls.values():
            control.observe(self.update, names="value")
        self.update()

    def values(self) -> dict:
        """The current slider values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, change=None) -> dict:
        """Show the figure for the current values (from the cache, or drawn); returns what
        was drawn. Then, once the kernel is idle, draws the pictures one slider step away
        (see prefetch)."""
        start = time.perf_counter()
        if change is not None and isinstance(change.get("owner"), _STEPPED):
            moved = next(name for name, c in self.controls.items() if c is change["owner"])
            self._direction = (moved, 1.0 if change["new"] >= change["old"] else -1.0)
        png, self.drawn = self._picture(self.values())
        self.image.value = png
        self.caption.value = (f'<code style="font-size:inherit">'
                              f"{html.escape(self.drawn['caption'])}</code>")
        self.update_seconds.append(time.perf_counter() - start)
        self._schedule_prefetch()
        return self.drawn

    def _picture(self, values: dict) -> tuple[bytes, dict]:
        """(PNG, drawn) for the values: from the cache, or drawn and cached."""
        key = _key(values)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        made = self._cache[key] = self._render(values)
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return made

    def neighbours(self) -> list[dict]:
        """The values one step away along the slider moved last: first the next step in the
        direction it moved, then the step back. (Not the other sliders: on a busy machine
        a drawing nobody asks for would delay the next key press.)"""
        current = self.values()
        moved, sign = self._direction
        control = self.controls[moved]
        if not isinstance(control, _STEPPED):  # buttons or a selection: no "next step"
            return []
        options = []
        for direction in (sign, -sign):
            value = round(current[moved] + direction * control.step, 10)
            if control.min - 1e-12 <= value <= control.max + 1e-12:
                options.append({**current, moved: value})
        return options

    def prefetch(self, limit: int | None = None) -> int:
        """Draw up to `limit` of the neighbours' pictures not yet cached; returns how many.
        A key press that lands on one of them then costs a byte swap, like a scrubber frame."""
        missing = [v for v in self.neighbours() if _key(v) not in self._cache]
        for values in missing[:limit]:
            self._picture(values)
        return len(missing[:limit])

    def _schedule_prefetch(self) -> None:
        """Prefetch once the kernel has been idle for PREFETCH_AFTER seconds, one picture
        per turn of its event loop (none without a running loop, e.g. in plain Python): a
        comm message arriving meanwhile waits for at most one drawing, and a drag, whose
        messages come closer together than that, is never slowed down."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._prefetching is not None:
            self._prefetching.cancel()

        def one() -> None:
            self._prefetching = (loop.call_later(0.005, one) if self.prefetch(limit=1)
                                 else None)

        self._prefetching = loop.call_later(self.prefetch_after, one)

    def _render(self, values: dict) -> tuple[bytes, dict]:
        for artist in self._dynamic:
            artist.remove()
        before = [set(ax.get_children()) for ax in self.axes]
        drawn = self._draw(*self.axes, **values)
        self._dynamic = [artist for ax, old in zip(self.axes, before, strict=True)
                         for artist in ax.get_children() if artist not in old]
        overlay = [ax.title for ax in self.axes] + [ax.get_legend() for ax in self.axes
                                                   if ax.get_legend() is not None]
        for artist in [*self._dynamic, *overlay]:
            artist.set_animated(True)
        if self.drawings == 0:  # lay out once, with the first picture's titles and labels
            self.figure.tight_layout()
        self.drawings += 1
        return self._blitter.picture(self._dynamic, overlay), drawn

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


_STEPPED = (widgets.FloatSlider, widgets.IntSlider)  # controls with min, max and step


def _key(values: dict) -> tuple:
    """The cache key of control values: numbers rounded to 9 decimals, since the browser's
    steps add rounding errors (0.1 + 0.05 = 0.15000000000000002); other values (a prior
    type from buttons, a choice) as they are."""
    return tuple((name, round(float(value), 9) if isinstance(value, numbers.Real) else value)
                 for name, value in values.items())


def _slider(description: str, value: float, lo: float, hi: float, step: float,
            name: str, readout_format: str = ".2f") -> widgets.FloatSlider:
    """A slider from lo to hi; a start value outside [lo, hi] is a ValueError, not moved."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite number in [{lo:g}, {hi:g}], got {value!r}.")
    if not lo - 1e-12 <= value <= hi + 1e-12:
        raise ValueError(f"{name} must be in [{lo:g}, {hi:g}] (the slider's range), got "
                         f"{value!r}. Start the explorer inside that range.")
    return widgets.FloatSlider(value=float(value), min=lo, max=hi, step=step,
                               description=description, readout_format=readout_format,
                               continuous_update=True,
                               style={"description_width": "initial"})


def _finite(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite number, got {value!r}.")
    return float(value)


def _positive(value, name: str) -> float:
    value = _finite(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}.")
    return value


def _one_axes(figure: Figure) -> list[Axes]:
    return [figure.add_subplot()]


def _figsize(pixels: tuple[int, int], presenter_pixels: tuple[int, int]) -> tuple[float, float]:
    """Inches at the style's dpi for a figure of `pixels` (`presenter_pixels` in presenter
    style: a 1280 x 720 screen holds it with the sliders, the caption and JupyterLab's bars)."""
    width, height = presenter_pixels if is_presenter_style() else pixels
    dpi = mpl.rcParams["figure.dpi"]
    return (width / dpi, height / dpi)


# --------------------------------------------------------------------------- 1-D Gaussian
def draw_gaussian_1d(ax: Axes, mean: float, variance: float, x=None,
                     y_max: float | None = None) -> dict:
    """Draw N(x | mean, variance), (1.1), on the grid x with the area under it shaded.

    x: (M,) grid, default 2001 points on [-10, 10]. The area is the trapezoid rule on that
    grid. Returns {"x", "density" (M,), "area", "peak" (x, height), "line", "fill",
    "caption"}.
    """
    mean, variance = _finite(mean, "mean"), _positive(variance, "variance")
    x = np.linspace(-10.0, 10.0, 2001) if x is None else as_float_array(x, "x")
    if x.ndim != 1 or len(x) < 2:
        raise ValueError(f"x must be a 1-D grid of at least 2 points, got shape {x.shape}.")
    check_finite(x, "x")
    density = gaussian_pdf(x, mean, variance)
    area = float(np.trapezoid(density, x))
    peak_height = float(1.0 / np.sqrt(2.0 * np.pi * variance))
    (line,) = ax.plot(x, density, color=component_color(0))
    fill = ax.fill_between(x, density, color=component_color(0), alpha=0.25)
    ax.axvline(mean, color="0.3", linestyle="--", linewidth=1)
    sd = np.sqrt(variance)
    ax.annotate("", xy=(mean + sd, peak_height * np.exp(-0.5)),
                xytext=(mean - sd, peak_height * np.exp(-0.5)),
                arrowprops={"arrowstyle": "<->", "color": "0.3"})
    # The numbers go in the upper corner away from the peak (the left one when the peak is
    # right of the middle), clear of the curve; the arrow on the curve spans mu +- sigma.
    right = mean < 0.5 * (x[0] + x[-1])
    box = ax.text(0.98 if right else 0.02, 0.96, f"μ = {mean:.2f}\nσ = {sd:.2f}\n↔ spans μ ± σ",
                  transform=ax.transAxes, ha="right" if right else "left", va="top",
                  color="0.2", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.8"})
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0.0, y_max if y_max is not None else 1.1 * peak_height)
    ax.set_xlabel("x")
    ax.set_ylabel("density N(x | μ, σ²)")
    ax.set_title(f"N(x | μ = {mean:.2f}, σ² = {variance:.2f})\n"
                 f"area under the curve = {area:.3f}")
    caption = f"N(x | μ = {mean:.2f}, σ² = {variance:.2f}): area under the curve = {area:.3f}"
    return {"x": x, "density": density, "area": area, "peak": (float(mean), peak_height),
            "line": line, "fill": fill, "box": box, "caption": caption}


def gaussian_1d_explorer(mean: float = 0.0, variance: float = 1.0) -> Explorer:
    """Sliders for mu (-3..3) and sigma^2 (0.1..4) over the 1-D density (1.1).

    The x range [-10, 10] and the y range stay fixed, so moving mu slides the curve and
    growing sigma^2 widens and lowers it; the title gives the area (trapezoid), always 1.000.
    Attributes: mean, variance (sliders), plus those of Explorer.
    """
    x = np.linspace(-10.0, 10.0, 2001)
    variance_min = 0.1
    y_max = 1.05 / np.sqrt(2.0 * np.pi * variance_min)

    def draw(ax: Axes, mean: float, variance: float) -> dict:
        return draw_gaussian_1d(ax, mean, variance, x, y_max)

    controls = {"mean": _slider("μ", mean, -3.0, 3.0, 0.05, "mean"),
                "variance": _slider("σ²", variance, variance_min, 4.0, 0.05, "variance")}
    return Explorer(controls, _one_axes, draw, _figsize((640, 400), (1000, 470)))


# --------------------------------------------------------------------------- 2-D Gaussian
def covariance_from_correlation(sigma_1: float, sigma_2: float, rho: float) -> np.ndarray:
    """[[sigma_1^2, rho sigma_1 sigma_2], [rho sigma_1 sigma_2, sigma_2^2]], shape (2, 2).

    sigma_1, sigma_2 > 0 (standard deviations, not variances); -1 < rho < 1."""
    sigma_1, sigma_2 = _positive(sigma_1, "sigma_1"), _positive(sigma_2, "sigma_2")
    rho = _finite(rho, "rho")
    if not -1.0 < rho < 1.0:
        raise ValueError(f"rho must be a correlation strictly between -1 and 1, got {rho!r} "
                         "(at +-1 the covariance is singular and has no density).")
    off_diagonal = rho * sigma_1 * sigma_2
    return np.array([[sigma_1**2, off_diagonal], [off_diagonal, sigma_2**2]])


N_STDS = (1, 2, 3)
ELLIPSE_STYLES = ("-", "--", ":")


def ellipse_legend(ax: Axes):
    """A legend for the 1-, 2-, 3-sigma ellipses of draw_gaussian_2d."""
    handles = [Line2D([], [], color=component_color(1), linestyle=style, linewidth=2,
                      label=f"{n_std}σ ellipse")
               for n_std, style in zip(N_STDS, ELLIPSE_STYLES, strict=True)]
    return ax.legend(handles=handles, loc="lower right", framealpha=1.0)


def draw_gaussian_2d(ax: Axes, sigma_1: float, sigma_2: float, rho: float,
                     limit: float = 6.5, n_grid: int = 101, legend: bool = True) -> dict:
    """Contours of N(x | 0, Sigma), (2.1), and its 1-, 2-, 3-sigma ellipses.

    Sigma = covariance_from_correlation(sigma_1, sigma_2, rho). The ellipses come from the
    eigen-decomposition (gmm_teach.ellipse_axes); the eigenvectors are drawn as the axes of
    the 1-sigma ellipse. legend=False leaves out the (constant) legend of the three
    ellipses; ellipse_legend(ax) adds it once. Returns {"cov" (2, 2), "contour",
    "ellipses" [3 Ellipse], "angle" (degrees of the major axis), "caption"}.
    """
    cov = covariance_from_correlation(sigma_1, sigma_2, rho)
    limit = check_nonnegative_number(limit, "limit", strictly_positive=True)
    if isinstance(n_grid, bool) or not isinstance(n_grid, numbers.Integral) or n_grid < 2:
        raise ValueError(f"n_grid must be a whole number >= 2, got {n_grid!r}.")
    grid = np.linspace(-limit, limit, n_grid)
    g1, g2 = np.meshgrid(grid, grid)
    density = mvn_pdf(np.column_stack([g1.ravel(), g2.ravel()]), np.zeros(2), cov)
    contour = ax.contourf(g1, g2, density.reshape(g1.shape), levels=12, cmap="Blues")
    ellipses = [draw_ellipse(ax, (0.0, 0.0), cov, n_std, edgecolor=component_color(1),
                             linestyle=style, linewidth=2)
                for n_std, style in zip(N_STDS, ELLIPSE_STYLES, strict=True)]
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    for value, vector in zip(eigenvalues, eigenvectors.T, strict=True):
        end = np.sqrt(value) * vector
        ax.plot([-end[0], end[0]], [-end[1], end[1]], color="black", linewidth=1.2)
    _, _, angle = ellipse_axes(cov)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(f"N(x | 0, Σ)\nσ₁ = {sigma_1:.2f}, σ₂ = {sigma_2:.2f}, ρ = {rho:.2f}")
    ax.text(0.03, 0.97, f"Σ = [{cov[0, 0]:6.2f} {cov[0, 1]:6.2f}]\n"
                        f"    [{cov[1, 0]:6.2f} {cov[1, 1]:6.2f}]",
            transform=ax.transAxes, va="top", family="monospace",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "0.6"})
    if legend:
        ellipse_legend(ax)
    if np.isclose(eigenvalues[0], eigenvalues[1], rtol=1e-9, atol=0.0):
        shape = "a circle: every direction is an axis"
    else:
        shape = f"major axis at {angle:.1f}°"
    caption = (f"Σ = [[{cov[0, 0]:.3f}, {cov[0, 1]:.3f}], [{cov[1, 0]:.3f}, "
               f"{cov[1, 1]:.3f}]]; {shape}")
    return {"cov": cov, "contour": contour, "ellipses": ellipses, "angle": angle,
            "caption": caption}


def gaussian_2d_explorer(sigma_1: float = 1.0, sigma_2: float = 1.0,
                         rho: float = 0.0) -> Explorer:
    """Sliders for sigma_1, sigma_2 (0.3..2) and the correlation rho (-0.95..0.95).

    Draws the density contours, the 1-, 2-, 3-sigma ellipses and the covariance matrix.
    Attributes: sigma_1, sigma_2, rho (sliders), plus those of Explorer.
    """

    controls = {"sigma_1": _slider("σ₁", sigma_1, 0.3, 2.0, 0.05, "sigma_1"),
                "sigma_2": _slider("σ₂", sigma_2, 0.3, 2.0, 0.05, "sigma_2"),
                "rho": _slider("ρ", rho, -0.95, 0.95, 0.05, "rho")}
    def make_axes(figure: Figure) -> list[Axes]:
        ax = figure.add_subplot()
        ellipse_legend(ax)  # constant: drawn once with the static background
        return [ax]

    def draw(ax: Axes, sigma_1: float, sigma_2: float, rho: float) -> dict:
        return draw_gaussian_2d(ax, sigma_1, sigma_2, rho, legend=False)

    return Explorer(controls, make_axes, draw, _figsize((560, 540), (600, 490)))


# --------------------------------------------------------------------------- posterior probe
def draw_mixture(ax: Axes, X, params: GMMParams) -> dict:
    """The data coloured by their responsibilities and the 1-, 2-sigma ellipses (gt.draw_gmm)."""
    scatter_responsibilities(ax, X, e_step(X, params), size=18, alpha=0.6)
    return draw_gmm(ax, params, n_std=(1, 2))


def draw_responsibility_probe(ax_data: Axes, ax_bars: Axes, X, params: GMMParams, point,
                              labels: tuple[str, str] = ("x₁", "x₂"),
                              unit: str | None = None, data: bool = True) -> dict:
    """The data and the mixture's ellipses with a probe point, and p(z = k | point), (3.2).

    X: (N, 2) data; params: a 2-D mixture; point: (2,). The data are coloured by their own
    responsibilities; the bars are the probe's posterior (gmm_teach.e_step on that one
    point), bar k in component k's colour. data=False leaves out the (constant) data and
    ellipses; draw_mixture(ax_data, X, params) draws them once. Returns {"point" (2,),
    "resp" (K,), "bars" (BarContainer), "caption"}.
    """
    point = as_float_array(point, "point")
    if point.shape != (2,):
        raise ValueError(f"point must be one 2-D point (x1, x2), got shape {point.shape}.")
    check_finite(point, "point")
    resp = e_step(point.reshape(1, 2), params)[0]
    if data:
        draw_mixture(ax_data, X, params)
    ax_data.plot(*point, marker="*", markersize=18, color="white", markeredgecolor="black",
                 markeredgewidth=1.5, linestyle="none", zorder=6)
    suffix = f" ({unit})" if unit else ""
    ax_data.set_xlabel(labels[0] + suffix)
    ax_data.set_ylabel(labels[1] + suffix)
    ax_data.set_title(f"probe x = ({point[0]:.2f}, {point[1]:.2f}){suffix}")

    ks = np.arange(1, params.n_components + 1)
    bars = ax_bars.bar(ks, resp, color=[component_color(k) for k in range(len(ks))],
                       edgecolor="black")
    for k, value in zip(ks, resp, strict=True):
        ax_bars.text(k, value + 0.02, f"{value:.3f}", ha="center", va="bottom")
    ax_bars.set_xticks(ks)
    ax_bars.set_ylim(0.0, 1.12)
    ax_bars.set_xlabel("component k")
    ax_bars.set_ylabel("p(z = k | x)")
    ax_bars.set_title("posterior (responsibilities)")
    caption = (f"x = ({point[0]:.2f}, {point[1]:.2f}){suffix}: "
               + ", ".join(f"p(z={k} | x) = {value:.3f}" for k, value in zip(ks, resp,
                                                                             strict=True)))
    return {"point": point, "resp": resp, "bars": bars, "caption": caption}


def responsibility_probe(X, params: GMMParams, point=None, *,
                         labels: tuple[str, str] = ("x₁", "x₂"), unit: str | None = None,
                         step: float = 0.05) -> Explorer:
    """Two sliders move a probe point over the data; bars show its posterior p(z = k | x).

    X: (N, 2); params: a mixture in 2-D; point: the start (default: the data mean, on the
    slider grid). labels/unit name the two coordinates (for iris: ("sepal length",
    "sepal width"), "cm"). Attributes: x1, x2 (sliders), plus those of Explorer.
    """
    X = as_samples(X)
    params = check_params(params)
    step = check_nonnegative_number(step, "step", strictly_positive=True)
    if (not isinstance(labels, tuple | list) or len(labels) != 2
            or not all(isinstance(label, str) for label in labels)):
        raise TypeError(f"labels must be two strings, e.g. ('sepal length', 'sepal width'), "
                        f"got {labels!r}.")
    if unit is not None and not isinstance(unit, str):
        raise TypeError(f"unit must be a string such as 'cm' or None, got {unit!r}.")
    if X.shape[1] != 2 or params.n_features != 2:
        raise ValueError("responsibility_probe draws 2-D data: X must be (N, 2) and params "
                         f"2-dimensional, got X {X.shape} and d = {params.n_features}.")
    lo = np.floor((X.min(axis=0) - 0.5) / step) * step
    hi = np.ceil((X.max(axis=0) + 0.5) / step) * step
    start = X.mean(axis=0) if point is None else as_float_array(point, "point")
    if start.shape != (2,):
        raise ValueError(f"point must be one 2-D point (x1, x2), got shape {start.shape}.")
    check_finite(start, "point")
    start = np.round(start / step) * step
    suffix = f" ({unit})" if unit else ""

    def make_axes(figure: Figure) -> list[Axes]:
        ax_data, ax_bars = figure.subplots(1, 2, width_ratios=(3, 2))
        figure.subplots_adjust(wspace=0.35, bottom=0.15)
        draw_mixture(ax_data, X, params)  # constant: drawn once with the static background
        ax_data.set_xlim(lo[0], hi[0])
        ax_data.set_ylim(lo[1], hi[1])
        return [ax_data, ax_bars]

    def draw(ax_data: Axes, ax_bars: Axes, x1: float, x2: float) -> dict:
        return draw_responsibility_probe(ax_data, ax_bars, X, params, (x1, x2), labels, unit,
                                         data=False)

    controls = {"x1": _slider(labels[0] + suffix, float(start[0]), float(lo[0]),
                              float(hi[0]), step, "point[0]"),
                "x2": _slider(labels[1] + suffix, float(start[1]), float(lo[1]),
                              float(hi[1]), step, "point[1]")}
    return Explorer(controls, make_axes, draw, _figsize((900, 400), (1100, 470)))
