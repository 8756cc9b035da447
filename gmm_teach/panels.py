"""The panels of an EM frame, pluggable: a notebook chooses what each frame shows.

A panel draws one axes of a frame in two parts:

* ``setup(ax, trace)``: what stays the same in every frame of the trace (limits, labels,
  the log-likelihood curve, legends). Returns a dict of what it drew; its "overlay" entry
  lists the artists to draw on top of the changing ones in every frame (legends), so that
  no update paints over them.
* ``draw(ax, trace, state, marks)``: what one half-step adds (points, ellipses, a marker).
  Returns a dict of what it drew; its "artists" entry lists every artist added, and
  "title" (if any) is the axes' title, which changes from frame to frame.

``state`` is the HalfStep shown (gmm_teach.em), ``marks`` what the half-step changed
("before": the parameters an M-step started from; "changed": the points whose most
responsible component an E-step changed). PANELS maps the names a notebook uses to the
panel classes: ``render_em_frames(trace, panels=("data", "log_likelihood"))``.

Drawing at any scale: an ellipse much larger than the view (data in kilometres with
reg_covar = 1e-6 km^2 on the diagonal, for example) is not drawn (matplotlib would spend
minutes clipping its outline) and the frame says so in a note.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.lines import Line2D

from .data import load_iris_sepal
from .em import EMTrace, HalfStep
from .params import GMMParams
from .plotting import (
    draw_ellipse,
    ellipse_in_view,
    label_iris_axes,
    note_ellipses_left_out,
    scatter_responsibilities,
)
from .style import component_color, is_presenter_style

__all__ = ["PANELS", "DataPanel", "LogLikelihoodPanel", "em_axis_limits", "ellipse_in_view",
           "PHASES"]

#: The two half-steps, as trace.half_step spells them, with the words the student reads.
PHASES = {"E": "after E-step", "M": "after M-step"}
MARKER_COLOR = "#D55E00"  # vermillion: the "you are here" marker on the log-likelihood curve
BEFORE_COLOR = "0.35"     # the ellipses before the M-step: grey, dotted, under the new ones
BEFORE_NOTE = "grey dotted: 1-sigma before this M-step"


def em_axis_limits(trace: EMTrace, margin: float = 0.08) -> tuple[tuple, tuple]:
    """Fixed ((xmin, xmax), (ymin, ymax)) for every frame of the trace (2-D data).

    The data range padded by `margin` of its width, widened to hold the 2-sigma ellipses
    (semi-axis along x is 2 sqrt(Sigma_xx)) but never by more than half the data range more,
    so one broad component cannot shrink the points to a corner. Any scale: the limits
    follow the data, in microns or in kilometres.
    """
    if (isinstance(margin, bool) or not isinstance(margin, int | float)
            or not np.isfinite(margin) or margin < 0):
        raise ValueError(f"margin must be a finite fraction >= 0 of the data range (e.g. "
                         f"0.08), got {margin!r}.")
    X = trace.X
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.where(high > low, high - low, np.maximum(np.abs(high), 1.0))
    lo, hi = low - margin * span, high + margin * span
    for params in trace.params:
        reach = 2 * np.sqrt(np.diagonal(params.covariances, axis1=1, axis2=2))  # (K, 2)
        lo = np.minimum(lo, (params.means - reach).min(axis=0))
        hi = np.maximum(hi, (params.means + reach).max(axis=0))
    lo = np.maximum(lo, low - 0.5 * span)
    hi = np.minimum(hi, high + 0.5 * span)
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def _is_iris(X: np.ndarray) -> bool:
    """True when X is the iris sepal data, whose axes are labelled in cm."""
    iris = load_iris_sepal().X
    return X.shape == iris.shape and bool(np.array_equal(X, iris))


def _note(ax, text: str):
    """A small grey note in the lower right corner of the data panel (what a mark means)."""
    return ax.text(0.99, 0.015, text, transform=ax.transAxes, ha="right", va="bottom",
                   color=BEFORE_COLOR,
                   fontsize=mpl.rcParams["legend.fontsize"] if is_presenter_style() else 8.5,
                   bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.6,
                         "edgecolor": "none"})


def _changed_note(X: np.ndarray, changed: np.ndarray) -> str:
    """Two short lines: how many points the rings mark (and at how many places, since
    measurements can coincide)."""
    count = int(changed.sum())
    if count == 0:
        return "no point changed its most\nresponsible component"
    places = len(np.unique(X[changed], axis=0))
    where = "" if places == count else f" (at {places} place{'s' if places > 1 else ''})"
    return (f"ringed: {count} point{'s' if count > 1 else ''}{where} changed\n"
            f"{'their' if count > 1 else 'its'} most responsible component")


@dataclass(frozen=True)
class DataPanel:
    """The points coloured by responsibility (3.2), each component's 1- and 2-sigma
    ellipses and its mean, on limits fixed for the whole trace. After an M-step also the
    1-sigma ellipses it started from (grey, dotted); after an E-step, rings on the points
    that changed their most responsible component. xlabel/ylabel: default cm labels for the
    iris sepal data, "x1"/"x2" else. limits: default em_axis_limits(trace)."""

    xlabel: str | None = None
    ylabel: str | None = None
    limits: tuple | None = None
    width: float = 1.25

    def view(self, trace: EMTrace) -> tuple:
        return self.limits if self.limits is not None else em_axis_limits(trace)

    def setup(self, ax, trace: EMTrace) -> dict:
        (xlim, ylim) = self.view(trace)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        if self.xlabel is None and self.ylabel is None and _is_iris(trace.X):
            label_iris_axes(ax)
        else:
            ax.set_xlabel(self.xlabel or "$x_1$")
            ax.set_ylabel(self.ylabel or "$x_2$")
        return {"overlay": []}

    def draw(self, ax, trace: EMTrace, state: HalfStep, marks: dict) -> dict:
        presenter = is_presenter_style()
        size = 70 if presenter else 26
        limits = self.view(trace)
        X = trace.X
        points = scatter_responsibilities(ax, X, state.responsibilities, size=size)
        before, rings, notes, hidden = [], [], [], 0
        if marks.get("before") is not None:
            previous: GMMParams = marks["before"]
            linewidth = 0.7 * mpl.rcParams["lines.linewidth"]
            for k in range(previous.n_components):
                mean, cov = previous.means[k], previous.covariances[k]
                if ellipse_in_view(mean, cov, 1.0, limits):
                    before.append(draw_ellipse(ax, mean, cov, 1.0, edgecolor=BEFORE_COLOR,
                                               linestyle=":", linewidth=linewidth))
            notes.append(_note(ax, BEFORE_NOTE))
        changed = marks.get("changed")
        if changed is not None:
            if changed.any():
                rings.append(ax.scatter(X[changed, 0], X[changed, 1], s=5.5 * size,
                                        facecolors="none", edgecolors="black",
                                        linewidths=(2.4 if presenter else 1.6), zorder=4))
            notes.append(_note(ax, _changed_note(X, changed)))
        params = state.params
        ellipses, means = [], []
        for k in range(params.n_components):
            alpha = 0.35 + 0.65 * min(1.0, params.weights[k] * params.n_components)
            per_k = []
            for n_std, style in ((1.0, "-"), (2.0, "--")):
                if ellipse_in_view(params.means[k], params.covariances[k], n_std, limits):
                    per_k.append(draw_ellipse(ax, params.means[k], params.covariances[k],
                                              n_std, edgecolor=component_color(k),
                                              alpha=alpha, linestyle=style,
                                              linewidth=mpl.rcParams["lines.linewidth"]))
                else:
                    hidden += 1
            ellipses.append(per_k)
            (line,) = ax.plot(*params.means[k], marker="X", markersize=(18 if presenter else 12),
                              color=component_color(k), markeredgecolor="black",
                              linestyle="none", zorder=5)
            means.append(line)
        if hidden:
            notes.append(note_ellipses_left_out(ax, hidden))
        ax.set_title(f"iteration {state.iteration} of {trace.n_iter}, {PHASES[state.phase]}")
        flat = [patch for per_k in ellipses for patch in per_k]
        return {"points": points, "before": before, "changed": rings, "notes": notes,
                "ellipses": ellipses, "means": means, "title": ax.title,
                "artists": [*points, *before, *rings, *notes, *flat, *means]}


@dataclass(frozen=True)
class LogLikelihoodPanel:
    """The mean log-likelihood (4.6) of params[0], ..., params[n_iter], with the parameters
    shown in the data panel marked (E-step of iteration i: params[i-1]; M-step: params[i])."""

    width: float = 1.0

    def setup(self, ax, trace: EMTrace) -> dict:
        steps = np.arange(trace.n_iter + 1)
        lls = np.array([trace.mean_log_likelihood(int(i)) for i in steps])
        (curve,) = ax.plot(steps, lls, color="0.45", marker="o", zorder=2)
        pad = 0.08 * max(float(np.ptp(lls)), 1e-3)
        ax.set_xlim(-0.5, trace.n_iter + 0.5)
        ax.set_ylim(lls.min() - pad, lls.max() + pad)
        ax.set_xlabel("M-steps done (0 = the start)")
        ax.set_ylabel("mean log-likelihood\n(nats per point)")
        ax.set_title("mean log-likelihood, eq. (4.6)")
        ax.set_xticks(steps if trace.n_iter <= 12 else
                      np.unique(np.linspace(0, trace.n_iter, 7).round().astype(int)))
        key = Line2D([], [], linestyle="none", marker="o", markerfacecolor="none",
                     markeredgecolor=MARKER_COLOR, markeredgewidth=2.5, markersize=10)
        legend = ax.legend([curve, key], ["after each M-step", "shown on the left"],
                           loc="lower right")
        return {"overlay": [legend], "ll_line": curve}

    def draw(self, ax, trace: EMTrace, state: HalfStep, marks: dict) -> dict:
        presenter = is_presenter_style()
        shown = state.iteration - 1 if state.phase == "E" else state.iteration
        (marker,) = ax.plot([shown], [state.mean_log_likelihood], linestyle="none",
                            marker="o", markersize=(20 if presenter else 13),
                            markerfacecolor="none", markeredgecolor=MARKER_COLOR,
                            markeredgewidth=(3.5 if presenter else 2.5), zorder=3)
        return {"ll_marker": marker, "artists": [marker]}


#: The panels a notebook can name: render_em_frames(trace, panels=("data", "log_likelihood")).
PANELS = {"data": DataPanel, "log_likelihood": LogLikelihoodPanel}
