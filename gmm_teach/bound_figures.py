"""The figures of notebook 05 (why EM climbs): the log-likelihood and the lower bound along a
path through parameter space, and the decomposition l = L + KL as one bar per half-step.
The figures write them as the notebook does, ℓ and ℒ, like the scrubber's bound panel.

The numbers are computed in the notebook (gmm_teach.bound) and passed in; these functions
only draw them, each on the axes it is given. Equations: the lower bound L(q, theta) (5.1),
the KL divergence (5.2), the decomposition l(theta) = L(q, theta) + KL (5.3), EM's chain of
inequalities (5.4) and the path theta(t) (5.5); l is the log-likelihood (4.1), l / N its mean
(4.6).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np

from ._checks import as_float_array, check_finite
from .panels import BOUND_FILL, GAP_COLOR

__all__ = ["BOUND_COLOR", "GAP_COLOR", "plot_bound_along_path", "plot_decomposition_bars"]

#: One colour per quantity, in both figures and in the scrubber's bound panel
#: (gmm_teach.panels.BoundPanel): l in the text colour (black, or light in the dark style),
#: the bound L grey, the gap KL vermillion.
BOUND_COLOR = BOUND_FILL

# t = 0 and t = 1 must be points of the grid this closely (np.linspace puts them there).
_GRID_POINT_TOLERANCE = 1e-9


def _curve(values, name: str, length: int | None = None) -> np.ndarray:
    """values as a finite 1-D float array (of the given length), or a ValueError naming it."""
    array = as_float_array(values, name)
    if array.ndim != 1 or (length is not None and array.size != length):
        wanted = "a 1-D array" if length is None else f"a 1-D array of {length} values, one per t"
        raise ValueError(f"{name} must be {wanted}, got shape {array.shape}.")
    check_finite(array, name)
    return array


def _foreground():
    """The colour of l: the style's text colour, so it shows in the dark style too."""
    return mpl.rcParams["text.color"]


def _grid_index(ts: np.ndarray, t: float) -> int:
    index = int(np.argmin(np.abs(ts - t)))
    if abs(ts[index] - t) > _GRID_POINT_TOLERANCE:
        raise ValueError(f"ts must contain t = {t:g} ({'theta_old' if t == 0 else 'theta_new'}),"
                         f" but its nearest value is {ts[index]:.6g}; use a grid through 0 and 1,"
                         " e.g. np.linspace(-0.5, 1.5, 201).")
    return index


def plot_bound_along_path(ax, ts, log_likelihoods, bounds, next_bounds=None, *,
                          title: str = "", unit: str = "sample") -> dict:
    """The classic picture of one EM iteration, computed: l(theta(t)) / N and
    L(q_old, theta(t)) / N along the path theta(t) (5.5) from theta_old (t = 0) to theta_new
    (t = 1), as gmm_teach.bound.bound_along_path returns them.

    ts: (T,) increasing, through 0 and 1; log_likelihoods, bounds: (T,) the mean
    log-likelihood (4.6) and the bound (5.1) divided by N; next_bounds: optional (T,), the
    bound of the next E-step's q, which touches l at t = 1. Marks the touching point at t = 0
    (KL = 0, (5.3)), the bound's maximum on the grid (the M-step) and the gap KL / N at t = 1,
    the slack of (5.4). unit names one of the N samples in the y label ("flower").
    Returns {"touch": index of t = 0, "new": index of t = 1, "peak": index of the bound's
    largest value}.
    """
    ts = _curve(ts, "ts")
    if ts.size < 3 or np.any(np.diff(ts) <= 0):
        raise ValueError("ts must be at least 3 increasing values of t, e.g. "
                         f"np.linspace(-0.5, 1.5, 201); got {ts.size} values"
                         f"{'' if ts.size < 3 else ' that do not increase'}.")
    log_likelihoods = _curve(log_likelihoods, "log_likelihoods", ts.size)
    bounds = _curve(bounds, "bounds", ts.size)
    if next_bounds is not None:
        next_bounds = _curve(next_bounds, "next_bounds", ts.size)
    if not isinstance(title, str) or not isinstance(unit, str):
        raise TypeError(f"title and unit must be strings, got {type(title).__name__} and "
                        f"{type(unit).__name__}.")
    touch, new, peak = _grid_index(ts, 0.0), _grid_index(ts, 1.0), int(np.argmax(bounds))
    foreground = _foreground()

    ax.plot(ts, log_likelihoods, color=foreground, label="ℓ(θ(t)) / N, eq. (4.6)")
    ax.plot(ts, bounds, color=BOUND_COLOR, linestyle="--", linewidth=2.2,
            label="ℒ(q_old, θ(t)) / N, eq. (5.1): q_old from the E-step at t = 0")
    if next_bounds is not None:
        ax.plot(ts, next_bounds, color=BOUND_COLOR, linestyle=":", linewidth=1.8,
                label="ℒ(q_new, θ(t)) / N: the next E-step's bound, touching at t = 1")
    ax.plot(ts[touch], bounds[touch], marker="o", markersize=9, linestyle="none",
            color=foreground, label="touch at θ_old: KL = 0 after the E-step")
    ax.plot(ts[peak], bounds[peak], marker="*", markersize=15, linestyle="none",
            color=BOUND_COLOR, markeredgecolor=foreground,
            label=f"largest bound on the grid, t = {ts[peak]:.2f}: the M-step")
    ax.annotate("", xy=(ts[new], log_likelihoods[new]), xytext=(ts[new], bounds[new]),
                arrowprops={"arrowstyle": "<->", "color": GAP_COLOR, "linewidth": 2,
                            "shrinkA": 0, "shrinkB": 0})
    ax.plot([], [], color=GAP_COLOR, linewidth=2,
            label="gap at θ_new: KL(q_old ‖ p(z | x, θ_new)) / N, eq. (5.2)")
    for t, name in ((0.0, "θ_old"), (1.0, "θ_new")):
        ax.axvline(t, color="0.6", linestyle=":", linewidth=1)
        ax.text(t, 1.0, f" t = {t:g}: {name}", transform=ax.get_xaxis_transform(),
                ha="left", va="top", fontsize="small")
    ax.set(xlabel="t along the path θ(t), eq. (5.5)",
           ylabel=f"nats per {unit} (the sums divided by N)",
           title=title or "One EM iteration: the bound touches at t = 0 and peaks at t = 1")
    ax.legend(loc="lower center", fontsize="small")
    return {"touch": touch, "new": new, "peak": peak}


def _table_rows(table) -> list[tuple]:
    if isinstance(table, str | bytes) or not isinstance(table, Sequence) or not table:
        raise TypeError("table must be a non-empty list of (iteration, phase, l, L, KL) rows, "
                        "e.g. trace.bound_table()[:8]; got "
                        f"{type(table).__name__}{'' if table else ' (empty)'}.")
    rows = []
    for index, row in enumerate(table):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) != 5:
            raise ValueError(f"table[{index}] must be (iteration, phase, l, L, KL), five "
                             f"entries as trace.bound_table() gives them; got {row!r:.80}.")
        iteration, phase, n_ll, L, KL = row
        if phase not in ("E", "M"):
            raise ValueError(f"table[{index}]: the phase must be 'E' or 'M', got {phase!r}.")
        values = _curve([n_ll, L, KL], f"table[{index}][2:]")
        if values[2] < 0:
            raise ValueError(f"table[{index}]: KL must be >= 0 (Gibbs' inequality), got "
                             f"{values[2]:.3g}; pass the rows of trace.bound_table().")
        rows.append((iteration, phase, *values))
    return rows


def plot_decomposition_bars(ax, table, *, title: str = "") -> dict:
    """One bar per half-step: l = L + KL, eq. (5.3), stacked, each measured from l at the
    start (the first row's l), so that the rises are visible at the scale of the sums.

    table: rows (iteration, phase, l, L, KL) in half-step order, as trace.bound_table()
    returns them (gmm_teach.bound.HalfStepBound; l = N times (4.6), L (5.1), KL (5.2), sums
    over the samples). The lower, grey part of a bar is L, the vermillion part on top KL,
    a tick in the text colour marks l: after an E-step KL = 0 and the bar is all bound;
    after an M-step the bound has risen (it is maximised) and a gap KL opens, which the next
    E-step closes.
    Returns {"baseline": the l that the bars are measured from, "labels": the x tick labels}.
    """
    rows = _table_rows(table)
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}.")
    baseline = rows[0][2]
    positions = np.arange(len(rows))
    L = np.array([row[3] for row in rows]) - baseline
    KL = np.array([row[4] for row in rows])
    n_ll = np.array([row[2] for row in rows]) - baseline
    labels = [f"{iteration}{phase}" for iteration, phase, *_ in rows]
    foreground = _foreground()
    ax.bar(positions, L, color=BOUND_COLOR, edgecolor=foreground, linewidth=0.6,
           label="ℒ(q, θ), eq. (5.1)")
    ax.bar(positions, KL, bottom=L, color=GAP_COLOR, edgecolor=foreground, linewidth=0.6,
           label="KL(q ‖ p(z | x, θ)), eq. (5.2)")
    ax.plot(positions, n_ll, linestyle="none", marker="_", markersize=22, markeredgewidth=2.5,
            color=foreground, label="ℓ(θ) = ℒ + KL, eq. (5.3)")
    ax.axhline(0, color=foreground, linewidth=1)
    ax.set_xticks(positions, labels)
    ax.set(xlabel="half-step: iteration and E or M (after that step)",
           ylabel=f"nats above ℓ(θ₀) = {baseline:.2f} (sums over the samples)",
           title=title or "ℓ = ℒ + KL after every half-step")
    ax.legend(loc="upper left")
    return {"baseline": baseline, "labels": labels}
