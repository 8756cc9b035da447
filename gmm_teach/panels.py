"""The panels of an EM frame, pluggable: a notebook chooses what each frame shows.

A panel draws one axes of a frame in two parts:

* ``setup(ax, trace)``: what stays the same in every frame of the trace (limits, labels,
  the log-likelihood curve, legends). Returns a dict of what it drew; its "overlay" entry
  lists the artists to draw on top of the changing ones in every frame (legends), so that
  no update paints over them.
* ``draw(ax, trace, state, marks)``: what one half-step adds (points, ellipses, a marker).
  Returns a dict of what it drew; its "artists" entry lists every artist added, and
  "title" (if any) is the axes' title, which changes from frame to frame.

* ``caption(trace, state)`` (optional): a line of HTML added to the frame's caption.

``state`` is the HalfStep shown (gmm_teach.em), ``marks`` what the half-step changed
("before": the parameters an M-step started from; "changed": the points whose most
responsible component an E-step changed). PANELS maps the names a notebook uses to the
panel classes: ``render_em_frames(trace, panels=("data", "log_likelihood", "bound"))``.
A panel whose axis limits change from frame to frame (the bound panel zooms) lists its
axes' xaxis / yaxis among the "overlay" artists, so that their ticks are drawn per frame.

Drawing at any scale: an ellipse much larger than the view (data in kilometres with
reg_covar = 1e-6 km^2 on the diagonal, for example) is not drawn (matplotlib would spend
minutes clipping its outline) and the frame says so in a note.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Rectangle
from matplotlib.textpath import TextToPath
from matplotlib.ticker import Formatter, MaxNLocator
from matplotlib.transforms import offset_copy

from .data import load_iris_sepal
from .em import EMTrace, HalfStep
from .params import GMMParams
from .plotting import (
    ellipse_axes,
    ellipse_in_view,
    label_iris_axes,
    note_ellipses_left_out,
    scatter_responsibilities,
)
from .style import component_color, is_presenter_style

__all__ = ["PANELS", "DataPanel", "LogLikelihoodPanel", "BoundPanel", "em_axis_limits",
           "ellipse_in_view", "half_step_bounds", "PHASES"]

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


def _ellipse(ax, mean, cov, n_std: float, **kwargs) -> Ellipse:
    """gmm_teach.plotting.draw_ellipse on a view whose limits are fixed: the same outline,
    added without add_patch's data-limit update (the outline's Bezier extrema, about a
    tenth of the time the frames of a trace take; fixed limits never read them)."""
    width, height, angle = ellipse_axes(cov, n_std)
    patch = Ellipse(xy=tuple(np.asarray(mean, dtype=float)), width=width, height=height,
                    angle=angle, fill=False, **kwargs)
    ax.add_artist(patch)
    return patch


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
                    before.append(_ellipse(ax, mean, cov, 1.0, edgecolor=BEFORE_COLOR,
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
                    per_k.append(_ellipse(ax, params.means[k], params.covariances[k],
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


_BOUNDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
BOUND_FILL = "#999999"   # L(q, theta): a neutral grey column, readable on light and dark
GAP_COLOR = MARKER_COLOR  # KL: the vermillion of "where EM is now" on the log-likelihood curve


def half_step_bounds(trace: EMTrace) -> tuple:
    """trace.bound_table() as a tuple (one HalfStepBound (iteration, phase, ℓ, L, KL) per
    half-step, in EM's order), computed once per trace: every frame of the bound panel
    reads it."""
    if not isinstance(trace, EMTrace):
        raise TypeError(f"trace must be an EMTrace from run_em, got {type(trace).__name__}. "
                        "Run trace = gt.run_em(X, init) first.")
    if trace not in _BOUNDS:
        _BOUNDS[trace] = tuple(trace.bound_table())
    return _BOUNDS[trace]


class _SignedFormatter(Formatter):
    """Tick labels of the bound panel: 0, +0.5, −1.25, in units of 10^exponent (set per
    frame; the y-label names it), so that tick labels stay a few characters wide and the
    y-label does not wander from frame to frame."""

    exponent = 0

    def __call__(self, x, pos=None):
        value = x / 10.0 ** self.exponent
        return "0" if value == 0 else f"{value:+.3g}".replace("-", "\u2212")


def _kl_text(kl: float) -> str:
    return "0" if kl == 0 else f"{kl:.3g}"


def _position(state: HalfStep) -> int:
    """Where the half-step stands in EM's order (1, E), (1, M), (2, E), ...: 0, 1, 2, ..."""
    return 2 * (state.iteration - 1) + (state.phase == "M")


_HALF = 0.28  # half a column's width, in slots


def _zoom(ax, bottom: float, top: float) -> None:
    """The frame's y-range, with a power of ten in the y-label when the ticks need one."""
    ax.set_ylim(bottom, top)
    largest = max(abs(bottom), abs(top))
    exponent = int(np.floor(np.log10(largest))) if largest > 0 else 0
    exponent = exponent if (exponent >= 4 or exponent <= -3) else 0
    ax.yaxis.get_major_formatter().exponent = exponent
    unit = "nats" if exponent == 0 else f"$10^{{{exponent}}}$ nats"
    ax.set_ylabel(f"{unit}, relative to $\\ell$\nbefore this half-step")


def _column(ax, slot: float, bound, reference: float, bottom: float, current: bool) -> dict:
    """One half-step's column: grey from the bottom up to L, the gap KL on top (if any), a
    cap at ℓ; levels relative to `reference`. Earlier half-steps are drawn faded."""
    foreground = mpl.rcParams["text.color"]
    n_ll, elbo = bound.n_log_likelihood - reference, bound.elbo - reference
    alpha = 1.0 if current else 0.45
    column = ax.add_patch(Rectangle((slot - _HALF, bottom), 2 * _HALF, max(elbo - bottom, 0.0),
                                    facecolor=BOUND_FILL, alpha=alpha, zorder=2,
                                    edgecolor=foreground if current else "none"))
    gap = None
    if bound.posterior_kl > 0:
        gap = ax.add_patch(Rectangle((slot - _HALF, elbo), 2 * _HALF, n_ll - elbo,
                                     facecolor=GAP_COLOR, edgecolor=GAP_COLOR,
                                     alpha=0.55 * alpha, zorder=2))
    (cap,) = ax.plot([slot - _HALF, slot + _HALF], [n_ll, n_ll], color=foreground, alpha=alpha,
                     solid_capstyle="butt", zorder=3,
                     linewidth=(2.2 if current else 1.3) * mpl.rcParams["lines.linewidth"])
    return {"column": column, "gap": gap, "cap": cap, "n_ll": n_ll, "elbo": elbo,
            "artists": [column, cap] if gap is None else [column, gap, cap]}


def _label_now(ax, slot: float, bound, n_ll: float, elbo: float, height: float) -> list:
    """Name the current column's parts ("l", "KL", "L"; "l = L" when they touch) and say
    in the title what the half-step did to the gap."""
    size = mpl.rcParams["legend.fontsize"] if is_presenter_style() else 9.5
    if bound.posterior_kl == 0:
        ax.set_title("KL = 0: bound touches")
        return [ax.text(slot, n_ll + 0.03 * height, "$\\ell = \\mathcal{L}$", ha="center",
                        va="bottom", fontsize=size, zorder=5)]
    ax.set_title(f"gap KL = {_kl_text(bound.posterior_kl)}")
    x = slot + _HALF + 0.07
    return [ax.text(x, n_ll, "$\\ell$", va="bottom", fontsize=size, zorder=5),
            ax.text(x, elbo, "$\\mathcal{L}$", va="top", fontsize=size, zorder=5),
            ax.text(x, 0.5 * (n_ll + elbo), "KL", va="center", color=GAP_COLOR, fontsize=size,
                    fontweight="bold", zorder=5)]


@dataclass(frozen=True)
class BoundPanel:
    """Why EM climbs, per half-step: ℓ = L(q, theta) + KL(q || posterior) (gmm_teach.bound).

    One column per half-step for the current half-step and the `history` before it (oldest
    left, now right): grey up to the lower bound L, the gap KL on top in vermillion, capped
    by a line at ℓ, the total log-likelihood (4.1) (N times the mean (4.6), the trace's
    HalfStepBound.n_log_likelihood); lines join the ℓ and the L levels from column to
    column. After an E-step the gap is 0 and the column reads "ℓ = L" (the bound touches);
    after an M-step both rose and a gap opens; the next E-step closes it.

    The scale: ℓ can rise by thousands of nats in the first iteration and by hundredths
    near the end, so no fixed axis shows every gap. The panel zooms instead: each frame's
    y-range holds just the columns shown, and the y-axis counts nats relative to ℓ before
    the current half-step (0 = where EM stood one half-step ago; a rise reads +0.5 or +1.3
    whatever the totals are). A student sees at once whether ℓ and L went up and how much
    of the rise the gap is; the exact totals are in the title and the caption.
    """

    history: int = 2
    width: float = 1.0

    def __post_init__(self):
        if isinstance(self.history, bool) or not isinstance(self.history, int | np.integer) \
                or not 0 <= self.history <= 5:
            raise ValueError(f"history must be a whole number of earlier half-steps from 0 to "
                             f"5 (default 2), got {self.history!r}.")

    def setup(self, ax, trace: EMTrace) -> dict:
        half_step_bounds(trace)  # TypeError here, not mid-rendering, for a trace without bound
        ax.grid(False)
        ax.set_xlim(-0.65, self.history + 1.05)  # room for the labels right of "now"
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(_SignedFormatter())
        ax.set_xlabel("half-step (iteration, E or M)")
        # The y-label at a fixed distance from the axis, room for the widest tick label
        # (_SignedFormatter keeps them within "\u22120.075"): every frame has one layout.
        size = FontProperties(size=mpl.rcParams["ytick.labelsize"]).get_size_in_points()
        width, _, _ = TextToPath().get_text_width_height_descent(
            "\u22120.075", FontProperties(size=size), ismath=False)
        reach = width + mpl.rcParams["ytick.major.size"] + mpl.rcParams["ytick.major.pad"] + 4
        ax.yaxis.set_label_coords(0, 0.5, transform=offset_copy(
            ax.transAxes, fig=ax.figure, x=-reach, units="points"))
        # the zoom changes the ticks per frame; the spines go on top of the ticks, as in a
        # whole-figure drawing
        return {"overlay": [ax.xaxis, ax.yaxis, *ax.spines.values()]}

    def window(self, trace: EMTrace, state: HalfStep) -> tuple[list, float, tuple]:
        """(positions in the trace's half-steps shown, oldest first; the reference ℓ;
        (ymin, ymax) of the zoom) for the half-step `state`."""
        table = half_step_bounds(trace)
        now = _position(state)
        shown = list(range(max(0, now - self.history), now + 1))
        reference = table[max(now - 1, 0)].n_log_likelihood
        low = min(table[j].elbo for j in shown) - reference
        high = max(table[j].n_log_likelihood for j in shown) - reference
        span = high - low
        if not span > 0:  # the first half-step, or EM stood still: the first rise's scale
            first = table[min(1, len(table) - 1)].n_log_likelihood - table[0].n_log_likelihood
            span = first if first > 0 else 1.0
        return shown, reference, (low - 0.15 * span, high + 0.25 * span)

    def draw(self, ax, trace: EMTrace, state: HalfStep, marks: dict) -> dict:
        table = half_step_bounds(trace)
        shown, reference, (bottom, top) = self.window(trace, state)
        _zoom(ax, bottom, top)
        slots = np.arange(len(shown)) + (self.history + 1 - len(shown))  # now: rightmost
        parts = [_column(ax, slot, table[j], reference, bottom, current=(j == shown[-1]))
                 for slot, j in zip(slots, shown, strict=True)]
        levels = np.array([[part["n_ll"], part["elbo"]] for part in parts])
        # the history: ℓ and L as staircases through the columns, one step per half-step
        edges = np.column_stack([slots - _HALF, slots + _HALF]).ravel()
        foreground = mpl.rcParams["text.color"]
        thin = 0.8 * mpl.rcParams["lines.linewidth"]
        (n_ll_line,) = ax.plot(edges, np.repeat(levels[:, 0], 2), color=foreground,
                               linewidth=thin, zorder=4)
        (elbo_line,) = ax.plot(edges, np.repeat(levels[:, 1], 2), color=foreground,
                               linestyle="--", linewidth=thin, zorder=4)
        (zero,) = ax.plot(ax.get_xlim(), [0, 0], color=foreground, linestyle=":",  # ℓ before
                          linewidth=0.75 * thin, zorder=1.5)
        bound = table[shown[-1]]
        labels = _label_now(ax, slots[-1], bound, *levels[-1], top - bottom)
        ax.set_xticks(slots, [f"{table[j].iteration} {table[j].phase}"
                              + ("\n(now)" if j == shown[-1] else "") for j in shown])
        drawn = [artist for part in parts for artist in part["artists"]]
        return {"bound": bound, "reference": reference, "shown": [table[j] for j in shown],
                "columns": [part["column"] for part in parts],
                "gaps": [part["gap"] for part in parts if part["gap"] is not None],
                "caps": [part["cap"] for part in parts], "n_ll_line": n_ll_line,
                "elbo_line": elbo_line, "bound_labels": labels, "title": ax.title,
                "artists": [*drawn, n_ll_line, elbo_line, zero, *labels]}

    def caption(self, trace: EMTrace, state: HalfStep) -> str:
        """ℓ = L + KL at this half-step, in nats (totals over the N points), 3 decimals."""
        bound = half_step_bounds(trace)[_position(state)]
        kl = bound.posterior_kl
        why = ("the E-step made q the posterior: KL = 0, the bound touches" if kl == 0 else
               "the M-step raised &#8466;; &#8467; rose more, by the gap KL &gt; 0")
        return (f"&#8467; = &#8466; + KL: {bound.n_log_likelihood:.3f} = {bound.elbo:.3f} + "
                f"{_kl_text(kl)} (totals over the N = {trace.X.shape[0]} "
                f"points, nats); {why}.")


#: The panels a notebook can name: render_em_frames(trace, panels=("data", "bound")).
PANELS = {"data": DataPanel, "log_likelihood": LogLikelihoodPanel, "bound": BoundPanel}
