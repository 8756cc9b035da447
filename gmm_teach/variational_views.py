"""Figures and sliders of notebook 13: a variational fit as ellipses and weight bars, its
iterations as small multiples or on a slider, and the weight concentration prior on a slider.

The fits are computed before the slider is shown (fit_concentrations), so moving it only
redraws: one precomputed VariationalTrace per slider position.
"""

from __future__ import annotations

import numbers

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._checks import as_samples, check_nonnegative_number
from ._variational_batch import run_variational_batch
from .explorers import Explorer, _figsize
from .plotting import draw_gmm
from .style import component_color
from .variational import VariationalState, VariationalTrace

__all__ = ["ACTIVE_WEIGHT", "active_components", "fit_concentrations", "draw_variational",
           "draw_iterations", "concentration_explorer", "iteration_explorer"]

#: A component counts as switched on when its expected weight E[pi_k] (13.12) is above this.
ACTIVE_WEIGHT = 0.01


def active_components(state: VariationalState, threshold: float = ACTIVE_WEIGHT) -> int:
    """How many components have E[pi_k] (13.12) above threshold (default 1 %)."""
    if not isinstance(state, VariationalState):
        raise TypeError(f"state must be a VariationalState (e.g. trace.final), got "
                        f"{type(state).__name__}.")
    threshold = check_nonnegative_number(threshold, "threshold")
    return int(np.sum(state.weights > threshold))


def fit_concentrations(X, n_components: int, concentrations, **options
                       ) -> dict[float, VariationalTrace]:
    """run_variational(X, n_components, weight_concentration_prior=alpha_0, **options) for
    each alpha_0 in concentrations (positive numbers), computed together
    (gmm_teach._variational_batch: the same traces). Returns {alpha_0: trace}."""
    values = list(concentrations) if np.ndim(concentrations) else [concentrations]
    if not values or not all(isinstance(a, numbers.Real) and a > 0 for a in values):
        raise ValueError(f"concentrations must be a non-empty list of positive numbers, got "
                         f"{concentrations!r}.")
    values = [float(a) for a in values]
    # run_variational for each alpha_0, all computed together (the same traces)
    return dict(zip(values, run_variational_batch(X, n_components, values, **options),
                    strict=True))


def draw_variational(ax_data: Axes, ax_weights: Axes | None, X, state: VariationalState, *,
                     title: str = "", data: bool = True) -> dict:
    """The data (grey), each component's 1- and 2-sigma ellipses of W_k^-1 / nu_k, fading
    with its weight (gt.draw_gmm), and, on ax_weights, bars of E[pi_k] (13.12) in the
    components' colours, numbered from 1, with the 1 % line. X: (N, 2) or the first two
    features are drawn. Returns {"weights" (K,), "active" (int), "caption"}."""
    active = active_components(state)  # also the TypeError for a wrong state
    X = as_samples(X)
    if data:
        ax_data.scatter(X[:, 0], X[:, 1], s=8, color="0.6", zorder=1)
    draw_gmm(ax_data, state.params, n_std=(1, 2))
    if title:
        ax_data.set_title(title)
    weights = state.weights
    if ax_weights is not None:
        ks = np.arange(1, len(weights) + 1)
        ax_weights.bar(ks, weights, color=[component_color(k) for k in range(len(ks))],
                       edgecolor="black")
        ax_weights.axhline(ACTIVE_WEIGHT, color="black", linestyle=":", linewidth=1)
        ax_weights.set_xticks(ks)
        ax_weights.set_ylim(0, 1)
        ax_weights.set_xlabel("component k")
        ax_weights.set_ylabel("E[π_k], eq. (13.12)")
    caption = (f"{active} of {len(weights)} components with E[pi_k] > {ACTIVE_WEIGHT:g}; "
               "weights " + ", ".join(f"{w:.3f}" for w in weights))
    return {"weights": weights, "active": active, "caption": caption}


def draw_iterations(axes, X, trace: VariationalTrace, iterations) -> list[dict]:
    """Small multiples: states[i] of the trace for each i in iterations, one per axes, titled
    with the iteration and its lower bound (13.13). Returns draw_variational's dicts."""
    if not isinstance(trace, VariationalTrace):
        raise TypeError(f"trace must be a VariationalTrace (from gt.run_variational), got "
                        f"{type(trace).__name__}.")
    axes = list(np.ravel(axes))
    iterations = [int(i) for i in iterations]
    if len(axes) != len(iterations) or not all(0 <= i <= trace.n_iter for i in iterations):
        raise ValueError(f"give one axes per iteration and iterations in 0..{trace.n_iter}, "
                         f"got {len(axes)} axes for iterations {iterations}.")
    drawn = []
    for ax, i in zip(axes, iterations, strict=True):
        bound = "start" if i == 0 else f"lower bound {trace.lower_bounds[i - 1]:.1f}"
        drawn.append(draw_variational(ax, None, trace.X, trace.states[i],
                                      title=f"iteration {i}: {bound}"))
    return drawn


def _data_and_weights_axes(X: np.ndarray, labels: tuple[str, str]):
    """The explorers' make_axes: the data (drawn once, static) beside the weight bars."""
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5

    def make_axes(figure: Figure) -> list[Axes]:
        ax_data, ax_weights = figure.subplots(1, 2, width_ratios=(3, 2))
        figure.subplots_adjust(wspace=0.3, bottom=0.15)
        ax_data.scatter(X[:, 0], X[:, 1], s=8, color="0.6", zorder=1)
        ax_data.set_xlim(lo[0], hi[0])
        ax_data.set_ylim(lo[1], hi[1])
        ax_data.set_xlabel(labels[0])
        ax_data.set_ylabel(labels[1])
        return [ax_data, ax_weights]

    return make_axes


def concentration_explorer(X, traces: dict[str, dict[float, VariationalTrace]], *,
                           labels: tuple[str, str] = ("x₁", "x₂")) -> Explorer:
    """Buttons for the prior type and a slider over the weight concentration prior alpha_0,
    over precomputed fits: traces[prior_type][alpha_0] (fit_concentrations for each type,
    the same alpha_0 values). Shows the final state's ellipses and weight bars.
    Attributes: prior_type (ToggleButtons), concentration (SelectionSlider), and Explorer's."""
    X = as_samples(X)
    nested = isinstance(traces, dict) and all(isinstance(by, dict) for by in traces.values())
    grids = [sorted(by_alpha) for by_alpha in traces.values()] if nested else []
    if (not grids or any(g != grids[0] for g in grids) or not all(
            isinstance(t, VariationalTrace) for by in traces.values() for t in by.values())):
        raise TypeError("traces must be {prior_type: {alpha_0: VariationalTrace}} with the same "
                        "alpha_0 values for every prior type (fit_concentrations per type).")
    values = grids[0]
    make_axes = _data_and_weights_axes(X, labels)

    def draw(ax_data: Axes, ax_weights: Axes, prior_type: str, concentration: float) -> dict:
        trace = traces[prior_type][concentration]
        drawn = draw_variational(ax_data, ax_weights, X, trace.final, data=False,
                                 title=f"α₀ = {concentration:g}: {trace.n_iter} iterations")
        drawn["caption"] = f"{prior_type}, alpha_0 = {concentration:g}: " + drawn["caption"]
        return drawn

    controls = {
        "prior_type": widgets.ToggleButtons(options=list(traces), description="prior"),
        "concentration": widgets.SelectionSlider(
            options=[(f"{a:g}", a) for a in values], value=values[len(values) // 2],
            description="weight concentration prior α₀", continuous_update=True,
            style={"description_width": "initial"}, layout={"width": "500px"}),
    }
    return Explorer(controls, make_axes, draw, _figsize((1024, 440), (1100, 470)))


def iteration_explorer(trace: VariationalTrace, *,
                       labels: tuple[str, str] = ("x₁", "x₂")) -> Explorer:
    """A slider over the iterations of a variational fit: states[i]'s ellipses and weight
    bars (13.12), with the lower bound (13.13) of iteration i in the title. The states are
    already in the trace, so moving the slider only redraws.
    Attributes: iteration (IntSlider, 0..n_iter), plus those of Explorer."""
    if not isinstance(trace, VariationalTrace):
        raise TypeError(f"trace must be a VariationalTrace (from gt.run_variational), got "
                        f"{type(trace).__name__}.")
    X = trace.X
    make_axes = _data_and_weights_axes(X, labels)

    def draw(ax_data: Axes, ax_weights: Axes, iteration: int) -> dict:
        bound = "start" if iteration == 0 else (
            f"lower bound {trace.lower_bounds[iteration - 1]:.2f}")
        drawn = draw_variational(ax_data, ax_weights, X, trace.states[iteration], data=False,
                                 title=f"iteration {iteration}: {bound}")
        drawn["caption"] = f"iteration {iteration} of {trace.n_iter}: " + drawn["caption"]
        return drawn

    slider = widgets.IntSlider(value=0, min=0, max=trace.n_iter, step=1,
                               description="iteration", continuous_update=True,
                               layout={"width": "500px"})
    return Explorer({"iteration": slider}, make_axes, draw, _figsize((1024, 440), (1100, 470)))
