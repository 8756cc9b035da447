"""The landscape EM climbs: l(mu_1, mu_2) of a two-component mixture on iris petal lengths.

Petal length is the iris feature with two clear groups (setosa, 1.0-1.9 cm, and the other two
species, 3.0-6.9 cm), so a two-component mixture in one dimension has a landscape over its two
means that fits one picture. The weights are 1/2 each and both variances start equal, at the
variance within the two groups pooled (setosa and the rest): the two components are then
interchangeable, and swapping their labels maps (mu_1, mu_2) to (mu_2, mu_1) with the same
likelihood. Only the means are free (gmm_teach.bound.em_means_path: E-step (3.2), then (4.2)).

What the picture shows (numbers from gmm_teach.bound):

* two equal maxima, mirror images in the diagonal mu_1 = mu_2 (label switching);
* the saddle on the diagonal at (x_bar, x_bar), where a start with mu_1 = mu_2 stays forever
  (the "random" start of notebook 07 stops near such a point);
* with the variance of component 1 shrinking (the explorer's slider), a spike at mu_1 = a
  data value that grows without bound, -c log(s_1) / (2N) for a value shared by c flowers:
  the singularities of notebook 08.

    explorer = landscape.landscape_explorer()
    explorer                      # the slider log10(s_1 / s_2) and the picture
    explorer.shrink.value = -20
    explorer.drawn["spike"].height
"""

from __future__ import annotations

import numbers

import ipywidgets as widgets
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import bound
from ._checks import as_float_array, check_finite
from .data import load_iris_all
from .explorers import Explorer, _figsize
from .style import component_color, is_presenter_style

__all__ = [
    "START_POINTS",
    "SPIKE_AT",
    "petal_lengths",
    "mean_axis",
    "colour_levels",
    "draw_landscape",
    "plot_landscape",
    "landscape_explorer",
]

#: EM's starts (mu_1, mu_2) in cm: below and above the diagonal, on it, and just off it; each
#: mean at least 0.05 cm from every petal length (measured to 0.1 cm), so that a thin
#: component 1 does not start on a spike.
START_POINTS = ((6.55, 1.05), (1.05, 2.65), (2.55, 2.55), (2.75, 2.45))
#: The spike's place: 1.4 cm, the petal length 13 flowers share (as many as 1.5 cm; no value
#: is shared by more), so its spike grows 13 times faster than a single flower's.
SPIKE_AT = 1.4
#: The explorer's slider: log10(s_1 / s_2) from 0 (equal variances) down to -30 in steps of 0.5.
SHRINK_RANGE = (-30.0, 0.0, 0.5)
#: The means drawn, in cm: a grid of step 0.05 cm, offset by 0.025 cm from the petal lengths
#: (measured to 0.1 cm) so that only the chosen spike lies on it.
MEAN_RANGE = (0.525, 7.475, 0.05)
#: Rug marks of the data along the axes stay inside this band (cm) of the panel's edge.
_RUG = 0.12
_WHITE_EDGE = [patheffects.withStroke(linewidth=3.2, foreground="black")]


def petal_lengths() -> tuple[np.ndarray, float]:
    """(x, s): the 150 iris petal lengths in cm, shape (150,), and the variance within the two
    groups, pooled: s = (1/N) [sum over setosa (x_n - mean_setosa)^2 + sum over the others
    (x_n - mean_others)^2], in cm^2 (the variance each component would have if it fitted
    one group)."""
    X, species, _ = load_iris_all()
    x = X[:, 2].copy()
    setosa = species == "setosa"
    within = sum(float(((x[g] - x[g].mean()) ** 2).sum()) for g in (setosa, ~setosa))
    return x, within / x.size


def mean_axis(spike_at: float | None = None) -> np.ndarray:
    """The grid of means (cm) the pictures use, sorted; spike_at, if given, is added to it so
    that the grid passes through that spike."""
    lo, hi, step = MEAN_RANGE
    values = lo + step * np.arange(round((hi - lo) / step) + 1)
    if spike_at is not None:
        values = np.union1d(values, [spike_at])
    return values


def colour_levels(top: float, below: float = 5.0, above: float = 1.5,
                  step: float = 0.25) -> np.ndarray:
    """Contour levels at the multiples of `step` (nats) from top - below to top + above,
    widened to whole steps: one fixed colour scale for every picture of a landscape (top:
    its highest maximum)."""
    return step * np.arange(np.floor((top - below) / step), np.ceil((top + above) / step) + 1)


def _check_start_points(starts) -> np.ndarray:
    starts = as_float_array(starts, "starts")
    if starts.ndim != 2 or starts.shape[1] != 2 or len(starts) == 0:
        raise ValueError(f"starts must be pairs (mu_1, mu_2), shape (S, 2), got shape "
                         f"{starts.shape}; e.g. [(6.5, 1.0), (6.0, 6.0)].")
    check_finite(starts, "starts")
    return starts


def _check_spike_at(x: np.ndarray, spike_at) -> float:
    if isinstance(spike_at, bool) or not isinstance(spike_at, numbers.Real):
        raise TypeError(f"spike_at must be a number, a value of x, got {spike_at!r}.")
    if not np.any(x == spike_at):
        nearest = x[np.argmin(np.abs(x - spike_at))]
        raise ValueError(f"spike_at must be a value of x (a spike sits on a sample), got "
                         f"{spike_at!r}; the nearest value is {nearest:g}.")
    return float(spike_at)


def _norm(levels: np.ndarray) -> tuple[BoundaryNorm, object]:
    cmap = mpl.colormaps["viridis"]
    return BoundaryNorm(levels, cmap.N, extend="both"), cmap


def _label_axes(ax: Axes, values: np.ndarray) -> None:
    """Limits and labels in the components' colours (static)."""
    lo, hi = float(values[0]), float(values[-1])
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xlabel("μ₁, component 1 (cm)", color=component_color(0))
    ax.set_ylabel("μ₂, component 2 (cm)", color=component_color(1))


def _diagonal_and_rugs(ax: Axes, values: np.ndarray, x: np.ndarray) -> None:
    """The diagonal mu_1 = mu_2 and the data as rugs along both axes (on the contours)."""
    lo, hi = float(values[0]), float(values[-1])
    ax.plot([lo, hi], [lo, hi], color="white", linestyle="--", linewidth=1, zorder=3)
    ax.plot(x, np.full_like(x, lo + _RUG / 2), linestyle="none", marker="|", markersize=7,
            color=component_color(0), alpha=0.6, zorder=3)
    ax.plot(np.full_like(x, lo + _RUG / 2), x, linestyle="none", marker="_", markersize=7,
            color=component_color(1), alpha=0.6, zorder=3)


def _legend(ax: Axes):
    """The key to the map's markers, in its upper right corner (low l: nothing else there)."""
    handles = [
        Line2D([], [], color="white", marker="o", markersize=5, markerfacecolor="none",
               path_effects=_WHITE_EDGE, label="EM path (○ start, ● end)"),
        Line2D([], [], color="white", marker="*", markersize=14, markeredgecolor="black",
               linestyle="none", label="maximum"),
        Line2D([], [], color="white", marker="X", markersize=10, markeredgecolor="black",
               linestyle="none", label="saddle"),
        Line2D([], [], color="white", marker="^", markersize=9, markeredgecolor="black",
               linestyle="none", label="spike"),
        Line2D([], [], color="white", linestyle="--", linewidth=1, path_effects=_WHITE_EDGE,
               label="μ₁ = μ₂, the mirror"),
    ]
    return ax.legend(handles=handles, loc="upper right", framealpha=0.9,
                     fontsize="xx-small" if is_presenter_style() else "small",
                     markerscale=0.7 if is_presenter_style() else 1.0)


def draw_landscape(ax: Axes, x, *, variances, weights=(0.5, 0.5), starts=START_POINTS,
                   spike_at: float | None = None, mu_values=None, levels=None,
                   static: bool = True) -> dict:
    """Filled contours of l(mu_1, mu_2) (gmm_teach.bound.log_likelihood_grid), EM's paths
    from the starts (em_means_path, means only), the maxima they reach (Newton's method
    confirms each, bound.stationary_point), the saddle on the diagonal when the components
    are interchangeable (bound.diagonal_saddle), and the spike at mu_1 = spike_at (a value
    of x; its ridge is drawn when mu_values holds it, as mean_axis(spike_at) does).

    x: (N,) data; variances: (s_1, s_2); weights: (pi_1, pi_2); starts: (S, 2);
    mu_values: the grid of means (default mean_axis(spike_at)); levels: the colour levels
    (default colour_levels of the highest maximum). static=False leaves out what does not
    change with the variances (labels, limits, legend). Returns {"grid"
    (G, G'), "mu_values", "paths" [(n_i, 2)], "maxima" [StationaryPoint], "saddle"
    (StationaryPoint or None), "spike" (bound.Spike or None), "contour", "caption"}.
    """
    x = bound._one_feature(x)
    starts = _check_start_points(starts)
    spike_at = None if spike_at is None else _check_spike_at(x, spike_at)
    values = mean_axis(spike_at) if mu_values is None else bound._grid_axis(mu_values,
                                                                           "mu_values")
    options = {"weights": weights, "variances": variances}
    grid = bound.log_likelihood_grid(x, values, values, **options)
    paths = [bound.em_means_path(x, start, max_iter=1000, tol=1e-9, **options)
             for start in starts]             # the maxima: polished by Newton below
    maxima = []
    for path in paths:
        try:
            point = bound.stationary_point(x, path[-1], **options)
        except ValueError:
            continue
        if point.kind == "maximum" and not any(
                np.allclose(point.means, other.means, rtol=0, atol=1e-8) for other in maxima):
            maxima.append(point)
    w, s = np.asarray(weights, float), np.asarray(variances, float)
    saddle = (bound.diagonal_saddle(x, weights=weights, variances=variances)
              if w[0] == w[1] and s[0] == s[1] else None)
    found = bound.spike(x, spike_at, **options) if spike_at is not None else None
    if levels is None:
        levels = colour_levels(max(p.mean_log_likelihood for p in maxima) if maxima
                               else float(grid.max()))
    norm, cmap = _norm(np.asarray(levels, float))
    contour = ax.contourf(values, values, grid, levels=levels, cmap=cmap, norm=norm,
                          extend="both", zorder=1)
    if found is not None and np.any(values == found.at):
        # the ridge mu_1 = spike_at, drawn 3 points wide (in truth about sqrt(s_1) wide)
        column = grid[:, int(np.flatnonzero(values == found.at)[0])]
        ax.scatter(np.full_like(values, found.at), values, c=column, cmap=cmap, norm=norm,
                   marker="s", s=9, linewidths=0, zorder=2)
    for path in paths:
        ax.plot(path[:, 0], path[:, 1], color="white", linewidth=1.6, marker=".",
                markersize=4, path_effects=_WHITE_EDGE, zorder=4)
        ax.plot(*path[0], marker="o", markersize=7, markerfacecolor="none",
                markeredgecolor="white", markeredgewidth=1.5, path_effects=_WHITE_EDGE,
                zorder=5)
        ax.plot(*path[-1], marker="o", markersize=6, color="white", markeredgecolor="black",
                zorder=5)
    for point in maxima:
        ax.plot(*point.means, marker="*", markersize=17, color="white",
                markeredgecolor="black", zorder=6)
    if saddle is not None:
        ax.plot(*saddle.means, marker="X", markersize=12, color="white",
                markeredgecolor="black", zorder=6)
    if found is not None:
        ax.plot(found.at, found.mu_2, marker="^", markersize=10, color="white",
                markeredgecolor="black", zorder=6)
    ax.set_title(f"l(μ₁, μ₂), σ₁² = {s[0]:.2g} cm²" if is_presenter_style() else
                 f"l(μ₁, μ₂), σ₁² = {s[0]:.2g} cm², σ₂² = {s[1]:.2g} cm²")
    _diagonal_and_rugs(ax, values, x)
    if static:
        _label_axes(ax, values)
        _legend(ax)
    parts = [f"weights {w[0]:.3g}, {w[1]:.3g}", "maxima " + "; ".join(
        f"l = {p.mean_log_likelihood:.4f} at ({p.means[0]:.3f}, {p.means[1]:.3f})"
        for p in maxima) if maxima else "no maximum reached"]
    if saddle is not None:
        parts.append(f"saddle l = {saddle.mean_log_likelihood:.4f} at "
                     f"({saddle.means[0]:.3f}, {saddle.means[1]:.3f})")
    else:
        parts.append("no mirror symmetry (the components differ)")
    if found is not None:
        parts.append(f"spike at μ₁ = {found.at:g} cm: l = {found.height:.4f}")
    return {"grid": grid, "mu_values": values, "paths": paths, "maxima": maxima,
            "saddle": saddle, "spike": found, "contour": contour,
            "caption": f"σ₁² = {s[0]:.3g} cm², σ₂² = {s[1]:.3g} cm²: " + ", ".join(parts)}


def _colorbar(figure: Figure, ax: Axes, levels: np.ndarray):
    norm, cmap = _norm(levels)
    bar = figure.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, extend="both",
                          spacing="proportional", fraction=0.05, pad=0.03)
    bar.set_label("l, mean log-likelihood (nats per flower)" if not is_presenter_style()
                  else "l (nats per flower)")
    return bar


def plot_landscape(x=None, variance: float | None = None, *, starts=START_POINTS) -> Figure:
    """The landscape for two interchangeable components (weights 1/2, both variances s):
    contours with a colour bar, EM's paths from the starts, the two maxima and the saddle.
    x, variance: default petal_lengths(). Returns the pyplot Figure (call plt.show())."""
    if x is None or variance is None:
        default_x, default_variance = petal_lengths()
        x = default_x if x is None else x
        variance = default_variance if variance is None else variance
    variance = _positive(variance, "variance")
    fig, ax = plt.subplots(figsize=(7.2, 6.0))
    drawn = draw_landscape(ax, x, variances=(variance, variance), starts=starts)
    _colorbar(fig, ax, drawn["contour"].levels)
    fig.tight_layout()
    return fig


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite number > 0, got {value!r}.")
    if value <= 0:
        raise ValueError(f"{name} must be > 0 (a variance in cm^2), got {value!r}.")
    return float(value)


def _draw_spike_heights(ax: Axes, x: np.ndarray, variance: float, spike_at: float,
                        shrinks: np.ndarray, top: float) -> None:
    """The static right panel: the spike's l against log10(s_1 / s_2), its asymptote, and the
    maxima of the equal-variance landscape, each labelled where it is drawn."""
    heights = [bound.spike(x, spike_at, weights=(0.5, 0.5),
                           variances=(variance * 10.0 ** r, variance)).height for r in shrinks]
    found = bound.spike(x, spike_at, weights=(0.5, 0.5), variances=(variance, variance))
    asymptote = found.asymptote(variance * 10.0 ** shrinks)
    ax.plot(shrinks, heights, color=component_color(0), linewidth=2)
    ax.plot(shrinks, asymptote, color="0.5", linestyle="--")
    ax.axhline(top, color="0.5", linestyle=":")
    margin = 0.02 * np.ptp(shrinks)
    ax.set_xlim(shrinks.max() + margin, shrinks.min() - margin)    # shrinking to the right
    low = min(min(heights), asymptote.min())
    high = max(max(heights), asymptote.max(), top)
    ax.set_ylim(low - 0.08 * (high - low), high + 0.22 * (high - low))
    small = "x-small" if is_presenter_style() else "small"
    ax.text(0.03, 0.97, f"spike: μ₁ = {spike_at:g} cm ({found.count} flowers),\n"
            f"μ₂ = {found.mu_2:.2f} cm (mean of the others)", transform=ax.transAxes,
            ha="left", va="top", fontsize=small, color=component_color(0))
    ax.text(shrinks.max(), top, f" maxima at σ₁² = σ₂²: {top:.3f}", ha="left", va="bottom",
            fontsize=small, color="0.4")
    where = shrinks.max() - 0.3 * np.ptp(shrinks)
    ax.text(where, found.asymptote(variance * 10.0 ** where) - 0.05 * (high - low),
            f" asymptote A − {found.count} log σ₁² / (2N)", ha="left", va="top",
            fontsize=small, color="0.4")
    ax.set_xlabel("log₁₀(σ₁² / σ₂²), thinner →")
    ax.set_ylabel("l at the spike (nats per flower)")


def landscape_explorer(x=None, variance: float | None = None, *, spike_at: float = SPIKE_AT,
                       starts=START_POINTS, shrink: float = 0.0) -> Explorer:
    """A slider shrinks the variance of component 1, s_1 = s 10^shrink (shrink from 0 down
    to -30, step 0.5), over the landscape of draw_landscape (s_2 = s stays); a second panel
    follows l at the spike (mu_1, mu_2) = (spike_at, mean of the other flowers) as s_1 -> 0,
    with its asymptote (bound.spike): it passes the equal-variance maxima.

    x, variance: default petal_lengths(); spike_at: a value of x (default 1.4 cm).
    Attributes: shrink (the slider), plus those of Explorer; explorer.drawn holds the
    numbers drawn (draw_landscape's dict plus "variances" and "shrink").
    """
    if x is None or variance is None:
        default_x, default_variance = petal_lengths()
        x = default_x if x is None else x
        variance = default_variance if variance is None else variance
    x = bound._one_feature(x)
    variance = _positive(variance, "variance")
    starts = _check_start_points(starts)
    spike_at = _check_spike_at(x, spike_at)
    lo, hi, step = SHRINK_RANGE
    shrinks = np.arange(lo, hi + step / 2, step)
    values = mean_axis(spike_at)
    top = max(p.mean_log_likelihood for p in bound.landscape_maxima(
        x, starts, weights=(0.5, 0.5), variances=(variance, variance)))
    levels = colour_levels(top)

    def make_axes(figure: Figure) -> list[Axes]:
        ax_map, ax_spike = figure.subplots(1, 2, width_ratios=(1.3, 1))
        _label_axes(ax_map, values)
        _legend(ax_map)
        _colorbar(figure, ax_map, levels)
        _draw_spike_heights(ax_spike, x, variance, spike_at, shrinks, top)
        return [ax_map, ax_spike]

    def draw(ax_map: Axes, ax_spike: Axes, shrink: float) -> dict:
        variances = (variance * 10.0 ** shrink, variance)
        drawn = draw_landscape(ax_map, x, variances=variances, starts=starts,
                               spike_at=spike_at, mu_values=values, levels=levels,
                               static=False)
        spike = drawn["spike"]
        ax_spike.plot(shrink, spike.height, marker="^", markersize=11, color="white",
                      markeredgecolor="black", zorder=5)
        ax_spike.axvline(shrink, color=component_color(0), linewidth=1, alpha=0.6)
        ax_spike.set_title(f"l at the spike: {spike.height:.4f}")
        return {**drawn, "variances": variances, "shrink": shrink}

    slider = widgets.FloatSlider(value=_start_shrink(shrink, lo, hi, step), min=lo, max=hi,
                                 step=step, description="log₁₀(σ₁²/σ₂²)",
                                 readout_format=".1f", continuous_update=True,
                                 style={"description_width": "initial"})
    return Explorer({"shrink": slider}, make_axes, draw, _figsize((960, 430), (1100, 480)))


def _start_shrink(value, lo: float, hi: float, step: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"shrink must be a finite number in [{lo:g}, {hi:g}], got {value!r}.")
    if not lo <= value <= hi or abs(value / step - round(value / step)) > 1e-9:
        raise ValueError(f"shrink must be a multiple of {step:g} in [{lo:g}, {hi:g}] (the "
                         f"slider's steps: log10 of s_1 / s_2), got {value!r}.")
    return float(value)
