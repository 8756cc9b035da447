"""Watch EM work, one half-step at a time: a live widget, a kernel-free player, a static grid.

EM alternates two half-steps. After the E-step of iteration i the points are recoloured by
the responsibilities (eq. 5) of the current parameters params[i-1]; after the M-step the
ellipses and weights are refitted to those colours (eqs. 7-10), giving params[i]. Every
half-step of an EMTrace on 2-D data is drawn once, ahead of time, as a two-panel PNG:

  left:  the points coloured by responsibility, each component's 1- and 2-sigma ellipses
         and its mean, on axis limits that stay fixed from frame to frame; after an M-step
         also the 1-sigma ellipses before it (grey, dotted), so the move shows even when small;
         after an E-step, rings on the points that changed their most responsible component;
  right: the mean log-likelihood (eq. 6) of params[0], params[1], ..., with the parameters
         on the left marked.

Three ways to look at the frames:

  EMScrubber(X, trace)        ipywidgets: play button, iteration slider, E/M toggle; changing
                              them only swaps cached PNG bytes (no drawing on change);
  em_player_html(X, trace)    one self-contained HTML snippet (frames as data: URIs, a few
  show_em_player(X, trace)    lines of vanilla JavaScript) that works without a kernel, in
                              nbviewer and in `jupyter nbconvert --to html` pages;
  plot_em_small_multiples()   a grid of the M-step states, for pages where scripts are
                              stripped (e.g. GitHub).

Frames use matplotlib's object API (Figure + FigureCanvasAgg), never pyplot's state, so they
render the same under any backend, and they follow the presenter style in force when they
are made (gmm_teach.use_presenter_style(): bigger frames and fonts).
"""

from __future__ import annotations

import base64
import html
import io
import json
import uuid

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from ._checks import as_samples, check_nonnegative_number, check_whole_number
from .data import IrisSepal, load_iris_sepal
from .em import EMTrace, HalfStep
from .params import GMMParams
from .plotting import draw_ellipse, draw_gmm, label_iris_axes, scatter_responsibilities
from .style import component_color, component_marker, is_presenter_style

__all__ = [
    "PHASES",
    "em_axis_limits",
    "draw_em_state",
    "render_frame",
    "em_caption",
    "EMScrubber",
    "em_player_html",
    "show_em_player",
    "plot_em_small_multiples",
]

#: The two half-steps, as trace.half_step spells them, with the words the student reads.
PHASES = {"E": "after E-step", "M": "after M-step"}
_EXPLAIN = {
    "E": "points recoloured by the responsibilities of the current ellipses (eq. 5)",
    "M": "ellipses and weights refitted to those colours (eqs. 7-10); grey dotted: the "
         "1-sigma ellipses before this M-step",
}
_MARKER_COLOR = "#D55E00"  # vermillion: the "you are here" marker on the log-likelihood curve
_BEFORE_COLOR = "0.35"     # the ellipses before the M-step: grey, dotted, under the new ones
_BEFORE_NOTE = "grey dotted: 1-sigma before this M-step"


# ----------------------------------------------------------------------------- sizes
def _frame_figsize() -> tuple[float, float]:
    """Inches of one two-panel frame: larger in presenter style (read at render time)."""
    return (14.0, 5.6) if is_presenter_style() else (10.0, 4.0)


def _iris_labels(X: np.ndarray) -> bool:
    """True when X is the iris sepal data, whose axes are labelled in cm."""
    iris = load_iris_sepal().X
    return X.shape == iris.shape and bool(np.array_equal(X, iris))


def _check_2d(X, trace: EMTrace) -> np.ndarray:
    X = as_samples(X)
    if X.shape[1] != 2:
        raise ValueError(f"the scrubber draws 2-D data; X has {X.shape[1]} feature(s). "
                         "Pick two columns, e.g. X[:, [0, 1]], and run EM on those.")
    if not isinstance(trace, EMTrace):
        raise TypeError(f"trace must be an EMTrace from run_em, got {type(trace).__name__}.")
    if trace.X.shape != X.shape or not np.array_equal(trace.X, X):
        raise ValueError("X must be the data the trace was run on (run_em(X, init)).")
    if trace.n_iter == 0:
        raise ValueError("the trace has no iterations (run_em with max_iter=0); run at least "
                         "one to have half-steps to show.")
    return X


def _half_steps(trace: EMTrace) -> list[tuple[int, str]]:
    """(1, "E"), (1, "M"), (2, "E"), ..., (n_iter, "M"): the order EM visits them."""
    return [(i, phase) for i in range(1, trace.n_iter + 1) for phase in PHASES]


def em_axis_limits(X, trace: EMTrace, margin: float = 0.08) -> tuple[tuple, tuple]:
    """Fixed ((xmin, xmax), (ymin, ymax)) for every frame of the trace.

    The data range padded by `margin` of its width, widened to hold the 2-sigma ellipses
    (semi-axis along x is 2 sqrt(Sigma_xx)) but never by more than half the data range more,
    so one broad starting component cannot shrink the points to a corner.
    """
    X = _check_2d(X, trace)
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    lo, hi = low - margin * span, high + margin * span
    for params in trace.params:
        reach = 2 * np.sqrt(np.diagonal(params.covariances, axis1=1, axis2=2))  # (K, 2)
        lo = np.minimum(lo, (params.means - reach).min(axis=0))
        hi = np.maximum(hi, (params.means + reach).max(axis=0))
    lo = np.maximum(lo, low - 0.5 * span)
    hi = np.minimum(hi, high + 0.5 * span)
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


# ----------------------------------------------------------------------------- one frame
def _note(ax, text: str, presenter: bool):
    """A small grey note in the lower right corner of the data panel (what a mark means)."""
    return ax.text(0.99, 0.015, text, transform=ax.transAxes, ha="right", va="bottom",
                   color=_BEFORE_COLOR,
                   fontsize=mpl.rcParams["legend.fontsize"] if presenter else 8.5,
                   bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.6,
                         "edgecolor": "none"})


def _draw_before(ax, before: GMMParams) -> list:
    """After an M-step: the 1-sigma ellipses of the parameters before it (grey, dotted; the
    2-sigma ones too would crowd the picture)."""
    linewidth = 0.7 * mpl.rcParams["lines.linewidth"]
    return [draw_ellipse(ax, before.means[k], before.covariances[k], 1.0,
                         edgecolor=_BEFORE_COLOR, linestyle=":", linewidth=linewidth)
            for k in range(before.n_components)]


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


def _draw_state(ax, ll_ax, state: HalfStep, X: np.ndarray, n_iter: int,
                before: GMMParams | None = None, changed: np.ndarray | None = None) -> dict:
    """The parts that change between frames: points, ellipses, means, the LL marker, title.

    before (M-steps): the parameters the M-step started from, drawn as grey dotted 1-sigma
    ellipses. changed (E-steps after the first): a boolean mask of the points whose most
    responsible component this E-step changed, ringed in black. Each comes with a note.
    """
    presenter = is_presenter_style()
    size = 70 if presenter else 26
    points = scatter_responsibilities(ax, X, state.responsibilities, size=size)
    before_ellipses, rings, notes = [], [], []
    if before is not None:
        before_ellipses = _draw_before(ax, before)
        notes.append(_note(ax, _BEFORE_NOTE, presenter))
    if changed is not None:
        if changed.any():
            rings.append(ax.scatter(X[changed, 0], X[changed, 1], s=5.5 * size,
                                    facecolors="none", edgecolors="black",
                                    linewidths=(2.4 if presenter else 1.6), zorder=4))
        notes.append(_note(ax, _changed_note(X, changed), presenter))
    drawn = draw_gmm(ax, state.params, linewidth=mpl.rcParams["lines.linewidth"],
                     mean_size=(18 if presenter else 12))
    shown = state.iteration - 1 if state.phase == "E" else state.iteration  # params[shown]
    (ll_marker,) = ll_ax.plot([shown], [state.mean_log_likelihood], linestyle="none",
                              marker="o", markersize=(20 if presenter else 13),
                              markerfacecolor="none", markeredgecolor=_MARKER_COLOR,
                              markeredgewidth=(3.5 if presenter else 2.5), zorder=3)
    ax.set_title(f"iteration {state.iteration} of {n_iter}, {PHASES[state.phase]}")
    return {"state": state, "points": points, "ellipses": drawn["ellipses"],
            "means": drawn["means"], "ll_marker": ll_marker, "title": ax.title,
            "before": before_ellipses, "changed": rings, "notes": notes}


def _marks(trace: EMTrace, iteration: int, phase: str) -> dict:
    """What a half-step draws besides its state: for an M-step the parameters it started
    from; for an E-step after the first, which points changed their most responsible
    component (argmax of eq. 5) compared with the E-step before."""
    if phase == "M":
        return {"before": trace.params[iteration - 1]}
    if iteration == 1:  # the start's responsibilities are not part of the trace
        return {}
    now = trace.responsibilities(iteration - 1).argmax(axis=1)
    earlier = trace.responsibilities(iteration - 2).argmax(axis=1)
    return {"changed": now != earlier}


def draw_em_state(fig: Figure, X, trace: EMTrace, iteration: int, phase: str, *,
                  limits=None, xlabel: str | None = None, ylabel: str | None = None) -> dict:
    """Draw the state after the E- or M-step of `iteration` on `fig` (two panels).

    X: (N, 2), the data the trace was run on. phase: "E" (params[iteration-1], with the
    responsibilities computed from them) or "M" (params[iteration], refitted to those same
    responsibilities). limits: ((xmin, xmax), (ymin, ymax)); em_axis_limits by default.
    xlabel/ylabel: axis labels; by default cm labels for the iris sepal data, "x1"/"x2" else.

    After an M-step the 1-sigma ellipses of params[iteration-1], the parameters it started
    from, are drawn too (grey, dotted, under the new ones); after an E-step other than the
    first, the points whose most responsible component it changed are ringed. A note in the
    corner says which.

    Returns the artists: {"state": HalfStep, "axes": (data_ax, ll_ax), "points": [...],
    "ellipses": [[Ellipse per n_std] per k], "means": [Line2D per k], "ll_line": Line2D,
    "ll_marker": Line2D at (M-steps done, eq. (6) of the parameters shown), "title": Text,
    "before": [Ellipse] (K after an M-step, else []), "changed": [PathCollection] (the
    rings; none when no point changed or for M-steps and iteration 1), "notes": [Text]}.
    """
    X = _check_2d(X, trace)
    state = trace.half_step(iteration, phase)
    (xlim, ylim) = limits if limits is not None else em_axis_limits(X, trace)
    ax, ll_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1.25, 1.0)})
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if xlabel is None and ylabel is None and _iris_labels(X):
        label_iris_axes(ax)
    else:
        ax.set_xlabel(xlabel or "$x_1$")
        ax.set_ylabel(ylabel or "$x_2$")

    # The curve is the same in every frame: eq. (6) of params[0], ..., params[n_iter].
    steps = np.arange(trace.n_iter + 1)
    lls = np.array([trace.mean_log_likelihood(int(i)) for i in steps])
    (ll_line,) = ll_ax.plot(steps, lls, color="0.45", marker="o", zorder=2)
    pad = 0.08 * max(float(np.ptp(lls)), 1e-3)
    ll_ax.set_xlim(-0.5, trace.n_iter + 0.5)
    ll_ax.set_ylim(lls.min() - pad, lls.max() + pad)
    ll_ax.set_xlabel("M-steps done (0 = the start)")
    ll_ax.set_ylabel("mean log-likelihood (nats per point)")
    ll_ax.set_title("mean log-likelihood, eq. (6)")
    ll_ax.set_xticks(steps if trace.n_iter <= 12 else
                     np.unique(np.linspace(0, trace.n_iter, 7).round().astype(int)))
    marker_key = Line2D([], [], linestyle="none", marker="o", markerfacecolor="none",
                                  markeredgecolor=_MARKER_COLOR, markeredgewidth=2.5,
                                  markersize=10)
    ll_ax.legend([ll_line, marker_key], ["after each M-step", "shown on the left"],
                 loc="lower right")

    drawn = _draw_state(ax, ll_ax, state, X, trace.n_iter, **_marks(trace, iteration, phase))
    fig.tight_layout()
    return {**drawn, "axes": (ax, ll_ax), "ll_line": ll_line}


def _png(rgba: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba).convert("RGB").save(buffer, format="png")
    return buffer.getvalue()


def render_frames(X, trace: EMTrace, half_steps=None, *, dpi: float = 90, xlabel=None,
                  ylabel=None) -> list[bytes]:
    """PNG bytes for each (iteration, phase) in half_steps (default: all, in EM's order).

    One figure serves every frame: draw_em_state lays out the first one; its changing
    artists are removed and the rest (axes, ticks, labels, the log-likelihood curve) is kept
    as a pixel background. Each frame restores that background and draws only its own
    points, ellipses, means, marker and title on top (blitting), several times faster than
    drawing whole figures and pixel for pixel the same picture.
    """
    X = _check_2d(X, trace)
    half_steps = _half_steps(trace) if half_steps is None else list(half_steps)
    fig = Figure(figsize=_frame_figsize(), dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    first = draw_em_state(fig, X, trace, *half_steps[0], limits=em_axis_limits(X, trace),
                          xlabel=xlabel, ylabel=ylabel)
    ax, ll_ax = first["axes"]
    title = first["title"]
    changing = _changing_artists(first)
    for artist in changing:
        artist.remove()
    title.set_text("")
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)

    frames = []
    for iteration, phase in half_steps:
        canvas.restore_region(background)
        drawn = _draw_state(ax, ll_ax, trace.half_step(iteration, phase), X, trace.n_iter,
                            **_marks(trace, iteration, phase))
        changing = _changing_artists(drawn)
        for artist in sorted(changing, key=lambda a: a.get_zorder()):  # stable, as Axes.draw
            artist.axes.draw_artist(artist)
        ax.draw_artist(title)
        frames.append(_png(np.asarray(canvas.buffer_rgba())))
        for artist in changing:
            artist.remove()
    return frames


def _changing_artists(drawn: dict) -> list:
    # in the order they were added, so that equal zorders stack as in a whole-figure draw
    ellipses = [patch for per_k in drawn["ellipses"] for patch in per_k]
    return [*drawn["points"], *drawn["before"], *drawn["changed"], *drawn["notes"],
            *ellipses, *drawn["means"], drawn["ll_marker"]]


def render_frame(X, trace: EMTrace, iteration: int, phase: str, *, dpi: float = 90,
                 xlabel: str | None = None, ylabel: str | None = None) -> bytes:
    """One half-step as PNG bytes (see render_frames)."""
    return render_frames(X, trace, [(iteration, phase)], dpi=dpi, xlabel=xlabel,
                         ylabel=ylabel)[0]


def em_caption(state: HalfStep, n_iter: int) -> str:
    """The words under a frame, as HTML: iteration, phase, mean log-likelihood (4 decimals)
    and the weights (3 decimals), each weight with its component's colour and marker."""
    marker_glyph = {"o": "&#9679;", "s": "&#9632;", "^": "&#9650;", "D": "&#9670;",
                    "v": "&#9660;"}
    weights = " ".join(
        f'<span style="color:{component_color(k)}">'
        f'{marker_glyph.get(component_marker(k), "&#9632;")}</span>&nbsp;{w:.3f}'
        for k, w in enumerate(state.params.weights))
    return (f"<b>iteration {state.iteration} of {n_iter}, {PHASES[state.phase]}</b>: "
            f"{_EXPLAIN[state.phase]}.<br>"
            f"mean log-likelihood {state.mean_log_likelihood:.4f} &middot; "
            f"weights &pi;: {weights}")


# ----------------------------------------------------------------------------- the widget
class EMScrubber:
    """A play button, an iteration slider and an E/M toggle over precomputed frames.

    ``EMScrubber(X, trace)`` draws every half-step of the trace once (2 n_iter PNGs);
    moving the slider or the toggle then only swaps cached bytes into .image and updates
    .caption and .state (the HalfStep shown). The play button is linked to the slider in the
    browser (jslink), so playing needs no kernel round trip except the image swap. A notebook
    cell can end with the scrubber to show it.

    Attributes: play, slider (iteration 1..n_iter), phase ("E" / "M", labelled "after
    E-step" / "after M-step"), image, caption, widget (the whole layout), state, frames
    {(iteration, phase): PNG bytes}.
    """

    def __init__(self, X, trace: EMTrace, *, xlabel: str | None = None,
                 ylabel: str | None = None, dpi: float = 90, interval_ms: int = 900) -> None:
        self.X = _check_2d(X, trace)
        self.trace = trace
        steps = _half_steps(trace)
        pngs = render_frames(self.X, trace, steps, dpi=dpi, xlabel=xlabel, ylabel=ylabel)
        self.frames: dict[tuple[int, str], bytes] = dict(zip(steps, pngs, strict=True))
        self.states: dict[tuple[int, str], HalfStep] = {
            key: trace.half_step(*key) for key in steps}
        self.captions: dict[tuple[int, str], str] = {
            key: em_caption(state, trace.n_iter) for key, state in self.states.items()}

        n = trace.n_iter
        self.play = widgets.Play(value=1, min=1, max=n, step=1, interval=interval_ms,
                                 description="play", show_repeat=False,
                                 tooltip="step through the iterations")
        self.slider = widgets.IntSlider(value=1, min=1, max=n, step=1, description="iteration",
                                        continuous_update=True)
        self.phase = widgets.ToggleButtons(
            options=[(PHASES["E"], "E"), (PHASES["M"], "M")], value="E",
            tooltips=["new responsibilities (colours), same ellipses",
                      "new ellipses and weights, fitted to those colours"])
        self.image = widgets.Image(value=self.frames[(1, "E")], format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto"))
        self.caption = widgets.HTML(value=self.captions[(1, "E")])
        self.link = widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.widget = widgets.VBox([widgets.HBox([self.play, self.slider, self.phase]),
                                    self.image, self.caption])
        for element, name in ((self.widget, "gmm-scrubber"), (self.play, "gmm-scrubber-play"),
                              (self.slider, "gmm-scrubber-slider"),
                              (self.phase, "gmm-scrubber-phase"),
                              (self.image, "gmm-scrubber-frame"),
                              (self.caption, "gmm-scrubber-caption")):
            element.add_class(name)
        self.state: HalfStep = self.states[(1, "E")]
        self.slider.observe(self._on_change, names="value")
        self.phase.observe(self._on_change, names="value")

    def show(self, iteration: int, phase: str) -> None:
        """Show the cached frame of (iteration, phase): swap bytes, no drawing."""
        key = (int(iteration), phase)
        self.state = self.states[key]
        self.image.value = self.frames[key]
        self.caption.value = self.captions[key]

    def _on_change(self, _change) -> None:
        self.show(self.slider.value, self.phase.value)

    def _repr_mimebundle_(self, **kwargs):
        """The widget's view; as text/plain, for pages that show no widgets (JupyterLab
        without a kernel, GitHub), a sentence instead of ipywidgets' VBox(children=...)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        n = self.trace.n_iter
        bundle["text/plain"] = (
            f"EM scrubber over the {2 * n} half-steps of {n} EM iterations: an interactive "
            "widget, shown when the notebook runs with a kernel. Without one, "
            "scrubber.show_em_player(X, trace) plays the same frames and "
            "scrubber.plot_em_small_multiples(X, trace) shows them side by side.")
        return bundle


# ----------------------------------------------------------------------------- kernel-free
_PLAYER_SCRIPT = """(function () {
  var root = document.getElementById(%(id)s);
  if (!root || root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "1");
  var frames = %(frames)s;
  var captions = %(captions)s;
  var img = root.querySelector(".gmm-player-frame");
  var slider = root.querySelector(".gmm-player-slider");
  var caption = root.querySelector(".gmm-player-caption");
  var play = root.querySelector(".gmm-player-play");
  var timer = null;
  function current() { return parseInt(slider.value, 10) || 0; }
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    slider.value = String(i);
    img.src = frames[i];
    caption.innerHTML = captions[i];
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.innerHTML = "&#9654; play";
    play.setAttribute("aria-pressed", "false");
  }
  slider.addEventListener("input", function () { show(current()); });
  slider.addEventListener("change", function () { show(current()); });
  root.querySelector(".gmm-player-prev").addEventListener("click", function () {
    stop(); show(current() - 1);
  });
  root.querySelector(".gmm-player-next").addEventListener("click", function () {
    stop(); show(current() + 1);
  });
  play.addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    if (current() >= frames.length - 1) { show(0); }
    play.innerHTML = "&#10074;&#10074; pause";
    play.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {
      if (current() >= frames.length - 1) { stop(); } else { show(current() + 1); }
    }, %(interval)d);
  });
})();"""


def _script_json(value) -> str:
    """JSON for inside a <script>: no "</" that could end the element early."""
    return json.dumps(value).replace("</", "<\\/")


def em_player_html(X, trace: EMTrace, *, xlabel: str | None = None,
                   ylabel: str | None = None, dpi: float = 72, interval_ms: int = 900) -> str:
    """A self-contained HTML player for every half-step of the trace; needs no kernel.

    All 2 n_iter frames are inlined as base64 PNG data: URIs, and a small vanilla-JavaScript
    <script> (no external files, no network, no require.js) drives the controls: a range
    slider with one position per half-step (arrow keys work on it), prev / play-pause /
    next buttons and a caption. The root <div class="gmm-player"> has a fresh id, so several
    players can live on one page; the script finds its root by that id when the snippet is
    inserted (JupyterLab, nbviewer, `jupyter nbconvert --to html` pages opened offline).
    Without scripts (e.g. on GitHub) the first frame and its caption still show.
    """
    X = _check_2d(X, trace)
    interval_ms = check_nonnegative_number(interval_ms, "interval_ms", strictly_positive=True)
    steps = _half_steps(trace)
    frames = ["data:image/png;base64," + base64.b64encode(png).decode("ascii")
              for png in render_frames(X, trace, steps, dpi=dpi, xlabel=xlabel,
                                       ylabel=ylabel)]
    captions = [em_caption(trace.half_step(i, phase), trace.n_iter) for i, phase in steps]
    root_id = "gmm-player-" + uuid.uuid4().hex[:12]
    script = _PLAYER_SCRIPT % {"id": _script_json(root_id), "frames": _script_json(frames),
                               "captions": _script_json(captions),
                               "interval": int(interval_ms)}
    button = ('<button type="button" class="gmm-player-{cls}" aria-label="{label}" '
              'style="font-size:inherit">{text}</button>')
    return (
        f'<div class="gmm-player" id="{root_id}" style="max-width:100%">\n'
        f'<img class="gmm-player-frame" src="{frames[0]}" '
        f'alt="EM on the data, one frame per half-step" style="max-width:100%;height:auto;'
        f'display:block">\n'
        f'<div class="gmm-player-controls" style="display:flex;align-items:center;'
        f'gap:0.5em;flex-wrap:wrap;margin:0.3em 0">\n'
        + button.format(cls="prev", label="previous half-step", text="&#9664; prev") + "\n"
        + button.format(cls="play", label="play or pause", text="&#9654; play") + "\n"
        + button.format(cls="next", label="next half-step", text="next &#9654;") + "\n"
        + f'<input type="range" class="gmm-player-slider" min="0" max="{len(frames) - 1}" '
        f'step="1" value="0" aria-label="half-step ({html.escape(PHASES["E"])}, '
        f'{html.escape(PHASES["M"])}, ...)" style="flex:1;min-width:12em">\n'
        f'</div>\n'
        f'<span class="gmm-player-caption">{captions[0]}</span>\n'
        f'</div>\n'
        f'<script>\n{script}\n</script>\n'
    )


def show_em_player(X, trace: EMTrace, **kwargs):
    """em_player_html wrapped for display in a notebook: ``show_em_player(X, trace)``."""
    from IPython.display import HTML

    return HTML(em_player_html(X, trace, **kwargs))


# ----------------------------------------------------------------------------- static
def plot_em_small_multiples(X, trace: EMTrace, *, max_panels: int = 12, ncols: int = 4,
                            xlabel: str | None = None, ylabel: str | None = None):
    """A grid of the states after each M-step, for pages without scripts. Returns the Figure.

    Panel i shows params[i] (ellipses, means) over the points coloured by the
    responsibilities that M-step used, titled with the iteration and eq. (6) for params[i];
    grey dotted, the 1-sigma ellipses of params[i-1], where that M-step started.
    With more than max_panels iterations, max_panels of them evenly spread (first and last
    included). Shared, fixed axes, labelled in cm for the iris sepal data.
    """
    import matplotlib.pyplot as plt

    X = _check_2d(X, trace)
    max_panels = check_whole_number(max_panels, "max_panels", minimum=1)
    ncols = check_whole_number(ncols, "ncols", minimum=1)
    n = trace.n_iter
    iterations = (list(range(1, n + 1)) if n <= max_panels else
                  [int(i) for i in np.unique(np.linspace(1, n, max_panels).round())])
    ncols = min(ncols, len(iterations))
    nrows = -(-len(iterations) // ncols)
    presenter = is_presenter_style()
    panel = (4.6, 4.0) if presenter else (3.2, 2.8)
    fig, axes = plt.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False,
                             figsize=(panel[0] * ncols, panel[1] * nrows + 0.6))
    (xlim, ylim) = em_axis_limits(X, trace)
    iris = xlabel is None and ylabel is None and _iris_labels(X)
    names = IrisSepal.feature_names if iris else (xlabel or "$x_1$", ylabel or "$x_2$")
    for index, ax in enumerate(axes.flat):
        if index >= len(iterations):
            ax.set_visible(False)
            continue
        state = trace.half_step(iterations[index], "M")
        scatter_responsibilities(ax, X, state.responsibilities, size=(40 if presenter else 12))
        _draw_before(ax, trace.params[state.iteration - 1])
        draw_gmm(ax, state.params, linewidth=mpl.rcParams["lines.linewidth"] * 0.8,
                 mean_size=(13 if presenter else 8))
        ax.set_title(f"iteration {state.iteration}: "
                     f"mean log-lik. {state.mean_log_likelihood:.4f}")
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        if index + ncols >= len(iterations):  # nothing below: label the x axis here
            ax.set_xlabel(names[0])
            ax.xaxis.set_tick_params(labelbottom=True)
        if index % ncols == 0:
            ax.set_ylabel(names[1])
    fig.suptitle(f"EM after each M-step ({len(iterations)} of {n} iterations shown): "
                 "ellipses = new parameters, grey dotted = 1-sigma before the M-step,\n"
                 "colours = the responsibilities they were fitted to")
    fig.tight_layout()
    return fig
