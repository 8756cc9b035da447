"""The core notebooks' (01-04, 06) multi-panel figures, so that their cells show the computation
and one call draws it. Each function draws on the axes it is given and returns nothing
unless stated; the numbers it draws are computed in the notebook and passed in.

Components are numbered from 1 in every label ("component 1" is index 0, drawn in
component_color(0)), as in every notebook.
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from ._checks import as_float_array, as_samples
from .em import EMTrace
from .params import GMMParams
from .plotting import draw_gmm, label_iris_axes, scatter_responsibilities
from .style import COLORS, component_color, component_marker

__all__ = [
    "SPECIES_STYLE",
    "component_handles",
    "draw_eigenvectors",
    "ellipse_handles",
    "plot_curve",
    "plot_em_progress",
    "plot_fit",
    "plot_joints_and_posterior",
    "plot_mixture_contours",
    "scatter_by_label",
    "scatter_species",
]

def _vector(value, name: str, length: int | None = None, what: str = "") -> np.ndarray:
    """value as a 1-D float array (of the given length), or a ValueError naming it."""
    array = as_float_array(value, name)
    if array.ndim != 1 or (length is not None and len(array) != length):
        shape = "a 1-D array" if length is None else f"a 1-D array of {length} {what}"
        raise ValueError(f"{name} must be {shape}, got shape {array.shape}.")
    return array


def _params(params, name: str = "params") -> GMMParams:
    if not isinstance(params, GMMParams):
        raise TypeError(f"{name} must be a gt.GMMParams (e.g. trace.final), "
                        f"got {type(params).__name__}.")
    return params


#: Iris species are not mixture components: palette entries 3, 4 and 7 (colour, marker, size
#: factor), which components 1, 2 and 3 never use, so a species is never taken for a component.
SPECIES_STYLE = {"setosa": (COLORS[3], "D", 1.0), "versicolor": (COLORS[4], "v", 1.0),
                 "virginica": (COLORS[7], "P", 1.4)}


def plot_curve(ax, x, y, marks=(), *, color=None, title="", xlabel="", ylabel="") -> None:
    """y against x, with vertical lines at `marks`: (position, label, linestyle, colour)."""
    x = _vector(x, "x")
    y = _vector(y, "y", len(x), "values, one per x")
    ax.plot(x, y, color=component_color(0) if color is None else color)
    for position, label, linestyle, mark_color in marks:
        ax.axvline(position, color=mark_color, linestyle=linestyle, label=label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if marks:
        ax.legend()


def draw_eigenvectors(ax, eigenvalues, V, origin=(0.0, 0.0)) -> None:
    """Arrows sqrt(lambda_i) v_i from origin, labelled; V holds the eigenvectors as columns."""
    subscripts = "₁₂₃₄₅₆₇₈₉"
    eigenvalues = _vector(eigenvalues, "eigenvalues")
    V = as_float_array(V, "V")
    if V.shape != (2, len(eigenvalues)) or np.any(eigenvalues < 0):
        raise ValueError(f"give the eigenvalues (d,) >= 0 and the eigenvectors V as the columns "
                         f"of a (2, d) array, e.g. from np.linalg.eigh(cov); got eigenvalues "
                         f"{eigenvalues.tolist()} and V of shape {V.shape}.")
    origin = _vector(origin, "origin", 2, "coordinates")
    for i, value in enumerate(eigenvalues):
        tip = origin + np.sqrt(value) * V[:, i]
        ax.annotate("", xy=tip, xytext=origin,
                    arrowprops={"arrowstyle": "->", "linewidth": 2})
        s = subscripts[i]
        ax.text(*(tip + 0.45 * V[:, i]), f"√λ{s} v{s}", ha="center", va="center", fontsize=11,
                bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "0.3",
                      "boxstyle": "round"})


def component_handles(params_or_k, label="component {k}", **style) -> list:
    """Legend handles, one per component: marker and colour, label formatted with k (from 1)
    and, when params are given, pi (its weight)."""
    if isinstance(params_or_k, GMMParams):
        weights = params_or_k.weights
    elif isinstance(params_or_k, int | np.integer) and params_or_k > 0:
        weights = [None] * int(params_or_k)
    else:
        raise TypeError("params_or_k must be a gt.GMMParams or a positive number of "
                        f"components, got {params_or_k!r}.")
    style = {"linestyle": "none", "markersize": 9, "markeredgecolor": "0.25", **style}
    marker = style.pop("marker", None)
    return [Line2D([], [], marker=marker or component_marker(k),
                   color=component_color(k), label=label.format(k=k + 1, pi=w), **style)
            for k, w in enumerate(weights)]


def ellipse_handles() -> list:
    """Legend handles for draw_gmm's 1-sigma (solid) and 2-sigma (dashed) ellipses."""
    return [Line2D([], [], color="0.3", label="1σ ellipse"),
            Line2D([], [], color="0.3", linestyle="--", label="2σ ellipse")]


def plot_mixture_contours(ax, g1, g2, density, params: GMMParams) -> None:
    """Filled contours of a 2-D mixture density on the grid (g1, g2), with each component's
    1- and 2-sigma ellipses and a legend giving the weights."""
    params = _params(params)
    density = as_float_array(density, "density")
    if density.size != np.size(g1) or np.shape(g1) != np.shape(g2):
        raise ValueError(f"g1, g2 (from np.meshgrid) and density must have the same number of "
                         f"points; got {np.shape(g1)}, {np.shape(g2)} and {density.shape}.")
    filled = ax.contourf(g1, g2, density.reshape(g1.shape), levels=14, cmap="Greys")
    ax.figure.colorbar(filled, ax=ax, label="p(x)", shrink=0.8)
    draw_gmm(ax, params, n_std=(1, 2), linewidth=2)
    ax.legend(handles=component_handles(params, "component {k}, π{k} = {pi:.1f}", marker="X",
                                        markeredgecolor="black", markersize=10),
              loc="lower right")
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")


def scatter_by_label(ax, X, labels, label="component {k}: {n} points", *, size=14,
                     alpha=0.6, **kwargs) -> None:
    """Scatter X coloured by a label 0..K-1 (drawn as component k = label + 1); the legend
    label is formatted with k and n, the number of points with that label."""
    X = as_samples(X)
    labels = _vector(labels, "labels", len(X), "labels, one per row of X")
    if np.any(labels < 0) or np.any(labels != np.round(labels)):
        raise ValueError("labels must be whole numbers 0..K-1 (e.g. gm.predict(X)), got "
                         f"{sorted(set(labels.tolist()))[:5]}.")
    labels = labels.astype(int)
    for index in range(int(labels.max()) + 1):
        mine = labels == index
        ax.scatter(X[mine, 0], X[mine, 1], s=size, color=component_color(index),
                   marker=component_marker(index), alpha=alpha,
                   label=label.format(k=index + 1, n=int(mine.sum())), **kwargs)


def scatter_species(ax, X, species, size=36) -> None:
    """Scatter the iris flowers by species, in SPECIES_STYLE (not the components' colours)."""
    X = as_samples(X)
    species = np.asarray(species)
    unknown = sorted(set(species.tolist()) - set(SPECIES_STYLE))
    if species.shape != (len(X),) or unknown:
        raise ValueError(f"species must name the species of each row of X ({len(X)} names "
                         f"from {list(SPECIES_STYLE)}, as gt.load_iris_sepal() returns them); "
                         f"got shape {species.shape}" + (f" and {unknown[:3]}" if unknown else ""))
    for name, (colour, marker, factor) in SPECIES_STYLE.items():
        mine = np.asarray(species) == name
        ax.scatter(X[mine, 0], X[mine, 1], color=colour, marker=marker, s=size * factor,
                   edgecolors="white", linewidths=0.4, label=f"{name} ({mine.sum()})")


def plot_joints_and_posterior(ax, ax_bars, x_grid, terms, x0, joint, posterior) -> None:
    """Left: the weighted components pi_k N(x | k) (columns of terms), their sum p(x), and
    the joints at x0 as markers (the star is their sum). Right: the posterior at x0 as bars."""
    x_grid = _vector(x_grid, "x_grid")
    terms = as_float_array(terms, "terms")
    if terms.ndim != 2 or len(terms) != len(x_grid):
        raise ValueError(f"terms must be (M, K): pi_k N(x | k) on the M points of x_grid "
                         f"({len(x_grid)}), got shape {terms.shape}.")
    K = terms.shape[1]
    joint = _vector(joint, "joint", K, "joints pi_k N(x0 | k)")
    posterior = _vector(posterior, "posterior", K, "posteriors")
    for k in range(K):
        ax.plot(x_grid, terms[:, k], color=component_color(k),
                label=f"π{k + 1} N(x | k = {k + 1})")
        ax.plot(x0, joint[k], marker=component_marker(k), markersize=10,
                color=component_color(k), markeredgecolor="black", linestyle="none")
    ax.plot(x_grid, terms.sum(axis=1), color="black", linewidth=2.5, label="p(x)")
    ax.plot(x0, joint.sum(), marker="*", markersize=14, color="white", markeredgecolor="black",
            linestyle="none", label=f"p(x = {x0}) = {joint.sum():.4f}")
    ax.axvline(x0, color="0.4", linestyle=":", linewidth=1)
    ax.set_ylim(0, None)
    ax.set(xlabel="x", ylabel="density", title=f"The joints π_k N(x | k) at x = {x0}")
    ax.legend(loc="upper right")
    ks = np.arange(1, K + 1)
    ax_bars.bar(ks, posterior, color=[component_color(k) for k in range(K)], edgecolor="black")
    for k, value in zip(ks, posterior, strict=True):
        ax_bars.text(k, value + 0.02, f"{value:.3f}", ha="center", va="bottom")
    ax_bars.set_xticks(ks)
    ax_bars.set_ylim(0, 1.05)
    ax_bars.set(xlabel="component k", ylabel="p(z = k | x)",
                title=f"Posterior at x = {x0}: joints / p(x), eq. (3.2)")


def plot_em_progress(ax, ax_gain, trace) -> None:
    """Left: the mean log-likelihood (4.6) of params[0..n_iter], with trace.lower_bound
    (params[n_iter - 1]) and the final score marked. Right: the increase per iteration on a
    log scale, with tol and the iteration that stopped the loop by (6.1)."""
    if not isinstance(trace, EMTrace) or trace.n_iter < 2:
        raise ValueError("trace must be a gt.run_em(...) result with at least 2 iterations "
                         f"(the increase needs two changes), got {trace!r:.80}.")
    n = trace.n_iter
    steps = np.arange(n + 1)
    curve = np.array([trace.mean_log_likelihood(i) for i in steps])
    ring = {"linestyle": "none", "markerfacecolor": "none", "markeredgewidth": 2.5}
    ax.plot(steps, curve, color="0.35", marker="o", label="eq. (4.6) of params[i]")
    ax.plot([n - 1], [trace.lower_bound], marker="s", markersize=13, markeredgecolor=COLORS[4],
            label="trace.lower_bound (params[n_iter-1])", **ring)
    ax.plot([n], [curve[-1]], marker="D", markersize=12, markeredgecolor=COLORS[3],
            label="trace.mean_log_likelihood(-1) (final)", **ring)
    ax.set(title="Mean log-likelihood after each M-step", xlabel="M-steps done, i (0 = the start)",
           ylabel="mean log-likelihood (nats per flower)", xticks=steps)
    ax.legend(loc="lower right")
    ax_gain.semilogy(steps[1:], np.diff(curve), color="0.35", marker="o",
                     label="increase l(params[i]) - l(params[i-1])")
    ax_gain.plot([n - 1], [curve[-2] - curve[-3]], marker="s", markersize=13,
                 markeredgecolor=COLORS[4], label=f"below tol: stopped iteration {n}", **ring)
    ax_gain.axhline(trace.tol, color=COLORS[4], linestyle="--", label=f"tol = {trace.tol:.0e}")
    ax_gain.set(title="Increase per iteration (log scale)", xlabel="M-steps done, i",
                ylabel="increase of the mean log-likelihood", xticks=steps[1:])
    ax_gain.legend(loc="upper right")


def plot_fit(ax, X, params: GMMParams, resp, title, size=26) -> None:
    """The flowers coloured by their responsibilities under params, its ellipses, a legend
    with each component's weight, and the iris axis labels."""
    params = _params(params)
    scatter_responsibilities(ax, X, resp, size=size)
    draw_gmm(ax, params)
    label_iris_axes(ax, title)
    ax.legend(handles=component_handles(params, "component {k}, π{k} = {pi:.3f}",
                                        markeredgecolor=None, markersize=8),
              loc="upper right")

