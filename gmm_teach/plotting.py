"""Drawing Gaussians and mixtures: covariance ellipses, responsibilities as colours.

Every function draws on a matplotlib Axes it is given and returns what it drew, so the
notebooks stay short and the tests can inspect the artists.
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Ellipse

from ._checks import (
    as_float_array,
    as_samples,
    check_finite,
    check_nonnegative_number,
    check_symmetric,
)
from .params import GMMParams, check_params
from .style import component_color, component_marker

__all__ = [
    "ellipse_axes",
    "draw_ellipse",
    "draw_gmm",
    "responsibility_colors",
    "scatter_responsibilities",
    "label_iris_axes",
]


def _check_dims(dims, n_features: int) -> tuple[int, int]:
    """Two feature indices in 0..n_features - 1, or ValueError."""
    try:
        i, j = dims
    except (TypeError, ValueError):
        i = j = None
    if not all(isinstance(k, numbers.Integral) and 0 <= k < n_features for k in (i, j)):
        raise ValueError(f"dims must be two feature indices in 0..{n_features - 1}, got "
                         f"{dims!r}.")
    return int(i), int(j)


def ellipse_axes(cov, n_std: float = 1.0) -> tuple[float, float, float]:
    """(width, height, angle in degrees) of the n_std-sigma ellipse of a 2x2 covariance.

    With cov = V diag(lambda) V^T (eigenvectors as the columns of V, lambda ascending), the
    ellipse {x : (x - mu)^T cov^-1 (x - mu) = n_std^2} has full axes 2 n_std sqrt(lambda_i)
    along the columns V[:, i]; `width` lies along the largest, at `angle` from the x axis.
    """
    cov = as_float_array(cov, "cov")
    if cov.shape != (2, 2):
        raise ValueError(f"an ellipse needs a 2x2 covariance, got shape {cov.shape}.")
    check_finite(cov, "cov")
    check_symmetric(cov, "cov")
    n_std = check_nonnegative_number(n_std, "n_std", strictly_positive=True)
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    if eigenvalues[0] < -1e-12 * abs(eigenvalues[1]):  # below rounding error of a singular cov
        raise ValueError(f"cov has a negative eigenvalue ({eigenvalues[0]:.3g}), so it is not "
                         "a covariance matrix and has no ellipse. Pass a covariance, e.g. "
                         "params.covariances[k].")
    eigenvalues = np.maximum(eigenvalues, 0.0)
    major = eigenvectors[:, 1]
    angle = float(np.degrees(np.arctan2(major[1], major[0])))
    angle = (angle + 90.0) % 180.0 - 90.0  # an axis has no direction: report it in [-90, 90)
    width, height = 2 * n_std * np.sqrt(eigenvalues[::-1])
    return float(width), float(height), angle


def draw_ellipse(ax, mean, cov, n_std: float = 1.0, **kwargs) -> Ellipse:
    """Add the n_std-sigma ellipse of N(mean, cov) (2-D) to ax; kwargs go to Ellipse."""
    width, height, angle = ellipse_axes(cov, n_std)
    kwargs.setdefault("fill", False)
    patch = Ellipse(xy=tuple(np.asarray(mean, dtype=float)), width=width, height=height,
                    angle=angle, **kwargs)
    ax.add_patch(patch)
    return patch


#: An ellipse reaching further than this many view widths from its centre is not drawn when
#: the view is fixed: matplotlib would spend minutes clipping a curve a million views wide
#: (iris in km with reg_covar = 1e-6 km^2), and inside the view it is a straight edge anyway.
MAX_VIEWS = 100.0


def ellipse_in_view(mean, cov, n_std: float, limits) -> bool:
    """True when the n_std-sigma ellipse reaches at most MAX_VIEWS view widths (and heights)
    from its centre, and its centre is that close too: then drawing it is cheap.
    limits: ((xmin, xmax), (ymin, ymax)); cov: (2, 2)."""
    (x0, x1), (y0, y1) = limits
    span = np.array([x1 - x0, y1 - y0])
    reach = n_std * np.sqrt(np.maximum(np.diagonal(cov), 0.0))
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    return bool(np.all(reach <= MAX_VIEWS * span)
                and np.all(np.abs(np.asarray(mean) - centre) <= MAX_VIEWS * span))


def draw_gmm(ax, params: GMMParams, n_std=(1, 2), *, dims=(0, 1), linewidth=None,
             mean_size=None) -> dict:
    """Each component's n_std ellipses (the first solid, the others dashed; by default 1 and
    2 sigma; a single number draws one) and its mean (a cross).

    The line's opacity grows with the weight pi_k, so a dying component fades. dims picks
    the two features drawn when d > 2. Returns {"ellipses": [[Ellipse per n_std] per k],
    "means": [Line2D per k], "left_out": [(component k from 1, n_std), ...], "note"}.

    When the axes' limits are fixed (set_xlim and set_ylim called before), an ellipse over
    MAX_VIEWS views wide is left out, listed in "left_out" and counted in a note on the axes
    ("note", else None): at any scale the figure renders in bounded time.
    """
    params = check_params(params)
    i, j = _check_dims(dims, params.n_features)
    n_std = tuple(np.atleast_1d(n_std).tolist())
    fixed = not (ax.get_autoscalex_on() or ax.get_autoscaley_on())
    limits = (ax.get_xlim(), ax.get_ylim())
    drawn = {"ellipses": [], "means": [], "left_out": [], "note": None}
    for k in range(params.n_components):
        mean = params.means[k, [i, j]]
        cov = params.covariances[k][np.ix_([i, j], [i, j])]
        alpha = 0.35 + 0.65 * min(1.0, params.weights[k] * params.n_components)
        shown = [s for s in n_std if not fixed or ellipse_in_view(mean, cov, s, limits)]
        drawn["left_out"] += [(k + 1, s) for s in n_std if s not in shown]
        patches = [draw_ellipse(ax, mean, cov, s, edgecolor=component_color(k), alpha=alpha,
                                linewidth=linewidth, linestyle="-" if s == n_std[0] else "--")
                   for s in shown]
        (line,) = ax.plot(*mean, marker="X", markersize=mean_size or 12,
                          color=component_color(k), markeredgecolor="black", linestyle="none",
                          zorder=5)
        drawn["ellipses"].append(patches)
        drawn["means"].append(line)
    if drawn["left_out"]:
        drawn["note"] = note_ellipses_left_out(ax, len(drawn["left_out"]))
    return drawn


def note_ellipses_left_out(ax, count: int):
    """The grey note in the upper left corner saying that `count` ellipses over MAX_VIEWS
    views wide were not drawn (draw_gmm and the scrubber's data panel); returns the Text."""
    return ax.text(0.01, 0.985, f"{count} ellipse{'s' * (count > 1)} over {MAX_VIEWS:.0f} "
                   "views wide: not drawn", va="top", transform=ax.transAxes, color="0.35")


def responsibility_colors(resp) -> np.ndarray:
    """Mix the component colours by responsibility: row n is sum_k gamma_nk rgb_k. (N, 3)."""
    resp = as_float_array(resp, "resp")
    if resp.ndim != 2:
        raise ValueError(f"resp must have shape (N, K), one row of responsibilities per "
                         f"sample, got {resp.shape}. Pass e.g. gt.e_step(X, params).")
    rgb = np.array([to_rgb(component_color(k)) for k in range(resp.shape[1])])
    return np.clip(resp @ rgb, 0.0, 1.0)


def scatter_responsibilities(ax, X, resp, *, dims=(0, 1), size=None, **kwargs) -> list:
    """Scatter the samples, coloured by their responsibilities (a blend of the component
    colours) and marked with their most responsible component's marker. X: (N, d), features
    dims drawn; resp: (N, K), e.g. e_step(X, params). Returns the PathCollections, one per
    component that owns points."""
    X = as_samples(X)
    dims = _check_dims(dims, X.shape[1])
    colors = responsibility_colors(resp)
    if len(colors) != len(X):
        raise ValueError(f"resp has {len(colors)} rows but X has {len(X)} samples; pass the "
                         "responsibilities of these samples, gt.e_step(X, params).")
    owner = np.argmax(resp, axis=1)
    collections = []
    for k in range(np.shape(resp)[1]):
        mine = owner == k
        if mine.any():
            collections.append(ax.scatter(X[mine, dims[0]], X[mine, dims[1]], c=colors[mine],
                                          marker=component_marker(k), s=size,
                                          edgecolors="0.25", linewidths=0.4, **kwargs))
    return collections


def label_iris_axes(ax, title: str | None = None, dims=(0, 1)) -> None:
    """Axis labels in cm for the iris features (sepal length/width, petal length/width)."""
    names = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
    dims = _check_dims(dims, len(names))
    ax.set_xlabel(names[dims[0]])
    ax.set_ylabel(names[dims[1]])
    if title:
        ax.set_title(title)


