"""EM frames: every half-step of a trace rendered once, into one object every view reads.

Data flow one way: trace -> frames -> views. ``render_em_frames(trace)`` draws each
half-step of an EMTrace (after the E-step of iteration i: params[i-1] with the
responsibilities (3.2) they give; after the M-step: params[i], refitted to those colours by
(4.7), (4.2), (4.8), (4.5)) once, as PNG bytes, and returns an ``EMFrames``. The live
scrubber (gmm_teach.scrubber.EMScrubber), the kernel-free player (show_em_player), the static
grid (plot_em_small_multiples) and the animation export (save_animation) only read it.

Why frames are drawn in advance: a trace has 2 n_iter half-steps (16 for iris), so drawing
them all takes well under a second, and a key press then costs a byte swap (about 0.03 ms in
the kernel) instead of a 30-130 ms drawing. The trace holds X, so nothing else is needed;
the responsibilities of params[0..n_iter-1] are computed once (n_iter + 1 E-steps in all).

What a frame shows is a row of panels (gmm_teach.panels): by default the data with
ellipses and the log-likelihood curve; a notebook passes panels=("data",), ("data",
"bound") (the lower bound ℓ = L + KL per half-step, gmm_teach.panels.BoundPanel) or its own
panel objects. Frames follow the presenter and dark styles in force when they are made
(gmm_teach.use_presenter_style(): bigger frames and fonts).
"""

from __future__ import annotations

import base64
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from matplotlib.figure import Figure

from ._checks import check_nonnegative_number
from .em import EMTrace, HalfStep
from .panels import PANELS, PHASES, DataPanel, LogLikelihoodPanel
from .pngs import Blitter, png_bytes
from .style import component_color, component_marker, is_dark_style, is_presenter_style

__all__ = ["EMFrames", "render_em_frames", "em_frames", "em_half_steps", "em_states",
           "draw_em_state", "em_caption", "check_trace", "frame_figsize", "SIZES"]

_EXPLAIN = {
    "E": "points recoloured by the responsibilities of the current ellipses (3.2)",
    "M": "ellipses and weights refitted to those colours ((4.7), (4.2), (4.8), (4.5)); grey "
         "dotted: the 1-sigma ellipses before this M-step",
}
#: Named frame sizes in pixels (16:9 for slides and videos).
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "540p": (960, 540), "360p": (640, 360)}


def check_trace(trace) -> EMTrace:
    """The trace, if frames can be drawn from it: an EMTrace on 2-D data, >= 1 iteration."""
    if not isinstance(trace, EMTrace):
        raise TypeError(f"trace must be an EMTrace from run_em, got {type(trace).__name__}. "
                        "Run trace = gt.run_em(X, init) first.")
    if trace.X.shape[1] != 2:
        raise ValueError(f"EM frames show 2-D data; the trace's X has {trace.X.shape[1]} "
                         "features. Pick two columns, e.g. X[:, [0, 1]], and run EM on those.")
    if trace.n_iter == 0:
        raise ValueError("the trace has no iterations (run_em with max_iter=0); run at least "
                         "one to have half-steps to show.")
    return trace


def em_half_steps(trace: EMTrace) -> list[tuple[int, str]]:
    """(1, "E"), (1, "M"), (2, "E"), ..., (n_iter, "M"): the order EM visits them."""
    return [(i, phase) for i in range(1, trace.n_iter + 1) for phase in PHASES]


def em_states(trace: EMTrace) -> tuple[dict, dict]:
    """{(iteration, phase): HalfStep} and {(iteration, phase): marks} for every half-step.

    Same HalfSteps as trace.half_step, with each responsibility array computed once.
    marks: "before" (M-steps: the parameters it started from) or "changed" (E-steps after
    the first: which points changed their most responsible component, argmax of (3.2)).
    """
    check_trace(trace)
    resp = [trace.responsibilities(i) for i in range(trace.n_iter)]
    owner = [r.argmax(axis=1) for r in resp]
    states, marks = {}, {}
    for iteration, phase in em_half_steps(trace):
        shown = iteration - 1 if phase == "E" else iteration
        states[(iteration, phase)] = HalfStep(iteration, phase, trace.params[shown],
                                              resp[iteration - 1],
                                              trace.mean_log_likelihood(shown))
        if phase == "M":
            marks[(iteration, phase)] = {"before": trace.params[iteration - 1]}
        elif iteration > 1:
            marks[(iteration, phase)] = {"changed": owner[iteration - 1] != owner[iteration - 2]}
        else:  # the start's responsibilities are not part of the trace
            marks[(iteration, phase)] = {}
    return states, marks


def _panels(panels, xlabel=None, ylabel=None) -> list:
    for name, label in (("xlabel", xlabel), ("ylabel", ylabel)):
        if label is not None and not isinstance(label, str):
            raise TypeError(f"{name} must be a string such as 'length (cm)' or None, got "
                            f"{label!r}.")
    if panels is None:
        return [DataPanel(xlabel, ylabel), LogLikelihoodPanel()]
    if isinstance(panels, str):
        panels = (panels,)
    if not isinstance(panels, list | tuple):
        raise TypeError(f"panels must be a tuple of panel names such as ('data', 'bound') "
                        f"(from {sorted(PANELS)}) or panel objects, got "
                        f"{type(panels).__name__}.")
    chosen = []
    for panel in panels:
        if isinstance(panel, str):
            if panel not in PANELS:
                raise ValueError(f"panels: unknown panel {panel!r}; choose from "
                                 f"{sorted(PANELS)} or pass panel objects.")
            panel = (DataPanel(xlabel, ylabel) if panel == "data" else PANELS[panel]())
        if not (callable(getattr(panel, "setup", None)) and callable(getattr(panel, "draw",
                                                                             None))):
            raise TypeError(f"panels: {panel!r} is neither a panel name nor an object with "
                            "setup(ax, trace) and draw(ax, trace, state, marks).")
        chosen.append(panel)
    if not chosen:
        raise ValueError("panels must name at least one panel, e.g. ('data',).")
    return chosen


def frame_figsize(size=None, dpi: float = 90) -> tuple[float, float]:
    """Inches of one frame: `size` in pixels ((width, height) or a name in SIZES) at dpi,
    else the default, larger in presenter style (read at render time)."""
    if size is None:
        return (14.0, 5.6) if is_presenter_style() else (10.0, 4.0)
    if isinstance(size, str):
        if size not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)} or (width, height) in "
                             f"pixels, got {size!r}.")
        size = SIZES[size]
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"size must be (width, height) in pixels or one of {sorted(SIZES)}, "
                         f"got {size!r}.") from None
    if width < 64 or height < 64:
        raise ValueError(f"size must be at least 64 x 64 pixels, got {width} x {height}.")
    return (width / dpi, height / dpi)


def _layout(fig: Figure, trace: EMTrace, panels: list) -> tuple[list, dict]:
    axes = fig.subplots(1, len(panels), squeeze=False,
                        gridspec_kw={"width_ratios": [getattr(p, "width", 1.0)
                                                      for p in panels]})[0]
    made = {"overlay": []}
    for ax, panel in zip(axes, panels, strict=True):
        setup = dict(panel.setup(ax, trace) or {})
        made["overlay"] += list(setup.pop("overlay", []))
        made.update(setup)
    return list(axes), made


def _draw_panels(axes, panels, trace, state, marks) -> dict:
    drawn: dict = {"artists": [], "titles": []}
    for ax, panel in zip(axes, panels, strict=True):
        part = dict(panel.draw(ax, trace, state, marks))
        drawn["artists"] += part.pop("artists", [])
        drawn["titles"].append(ax.title)
        drawn.update(part)
    return drawn


def draw_em_state(fig: Figure, trace: EMTrace, iteration: int, phase: str, *, panels=None,
                  xlabel: str | None = None, ylabel: str | None = None) -> dict:
    """Draw the state after the E- or M-step of `iteration` on `fig`, as one whole figure.

    phase "E": params[iteration-1] with the responsibilities (3.2) they give; "M":
    params[iteration], refitted to those. Returns what the panels drew, merged: with the
    default panels {"state", "axes", "points", "ellipses" [[Ellipse per n_std] per k],
    "means", "before", "changed", "notes", "title", "ll_line", "ll_marker", "artists"}.
    render_em_frames draws the same picture, blitted.
    """
    check_trace(trace)
    state = trace.half_step(iteration, phase)
    marks = em_states(trace)[1][(state.iteration, phase)]
    chosen = _panels(panels, xlabel, ylabel)
    axes, made = _layout(fig, trace, chosen)
    drawn = _draw_panels(axes, chosen, trace, state, marks)
    fig.tight_layout()
    return {**made, **drawn, "state": state, "axes": tuple(axes)}


def em_caption(state: HalfStep, n_iter: int) -> str:
    """The words under a frame, as HTML: iteration, phase, mean log-likelihood (4 decimals)
    and the weights (3 decimals), each weight with its component's colour and marker."""
    glyph = {"o": "&#9679;", "s": "&#9632;", "^": "&#9650;", "D": "&#9670;", "v": "&#9660;"}
    weights = " ".join(
        f'<span style="color:{component_color(k)}">'
        f'{glyph.get(component_marker(k), "&#9632;")}</span>&nbsp;{w:.3f}'
        for k, w in enumerate(state.params.weights))
    return (f"<b>iteration {state.iteration} of {n_iter}, {PHASES[state.phase]}</b>: "
            f"{_EXPLAIN[state.phase]}.<br>"
            f"mean log-likelihood {state.mean_log_likelihood:.4f} &middot; "
            f"weights &pi;: {weights}")


@dataclass(frozen=True, eq=False)
class EMFrames:
    """Every half-step of one trace, rendered: what all the views read.

    steps: ((1, "E"), (1, "M"), ..., (n_iter, "M")); pngs, states (HalfStep), captions
    (HTML): one per step, in that order. size: (width, height) of every PNG in pixels.
    Read like a mapping {(iteration, phase): PNG bytes}: frames[(3, "E")], iter(frames).
    """

    trace: EMTrace
    steps: tuple[tuple[int, str], ...]
    pngs: tuple[bytes, ...]
    states: tuple[HalfStep, ...]
    captions: tuple[str, ...]
    size: tuple[int, int]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, step: tuple[int, str]) -> bytes:
        return self.png(*step)

    def keys(self) -> tuple[tuple[int, str], ...]:
        return self.steps

    def values(self) -> tuple[bytes, ...]:
        return self.pngs

    def items(self):
        return zip(self.steps, self.pngs, strict=True)

    def index(self, iteration: int, phase: str) -> int:
        """Position of (iteration, phase) in steps; ValueError naming the valid ones."""
        try:
            return self.steps.index((int(iteration), phase))
        except (ValueError, TypeError):
            raise ValueError(f"(iteration, phase) must be one of 1..{self.trace.n_iter} and "
                             f"'E'/'M', got ({iteration!r}, {phase!r}).") from None

    def png(self, iteration: int, phase: str) -> bytes:
        return self.pngs[self.index(iteration, phase)]

    def data_uris(self) -> list[str]:
        """Every frame as a data:image/png;base64 URI, for pages without a kernel."""
        return ["data:image/png;base64," + base64.b64encode(png).decode("ascii")
                for png in self.pngs]


def render_em_frames(trace: EMTrace, *, panels=None, dpi: float = 90, size=None,
                     xlabel: str | None = None, ylabel: str | None = None) -> EMFrames:
    """Draw every half-step of the trace once (blitted) and return the EMFrames.

    panels: names from gmm_teach.panels.PANELS ("data", "log_likelihood", "bound") or panel
    objects (default: the data and the log-likelihood curve); a panel with a caption method
    adds a line to every frame's caption. dpi > 0; size: (width, height) in pixels or
    "720p", "1080p", ... (default: 900 x 360 px, 1260 x 504 in presenter style).
    xlabel/ylabel: for the data panel.

    One figure serves every frame: laid out with the first state, its static part
    (axes, ticks, labels, the log-likelihood curve) rendered once; each frame draws only its
    points, ellipses, marker, notes and titles on top (gmm_teach.pngs.Blitter), and a
    second thread encodes each frame as PNG while the next one draws. Pixel for pixel the
    picture draw_em_state gives, several times faster.
    """
    check_trace(trace)
    dpi = check_nonnegative_number(dpi, "dpi", strictly_positive=True)
    chosen = _panels(panels, xlabel, ylabel)
    fig = Figure(figsize=frame_figsize(size, dpi), dpi=dpi)
    blitter = Blitter(fig, compress_level=1)  # iris: 6.0 ms a frame, not 8.4, 1.8 % larger
    states, marks = em_states(trace)
    steps = em_half_steps(trace)
    axes, made = _layout(fig, trace, chosen)
    first = _draw_panels(axes, chosen, trace, states[steps[0]], marks[steps[0]])
    fig.tight_layout()
    for artist in [*first["artists"], *first["titles"], *made["overlay"]]:
        artist.set_animated(True)
    for artist in first["artists"]:
        artist.remove()
    blitter.capture()
    encoded = []
    with ThreadPoolExecutor(max_workers=1) as encoder:  # frame i encoded while i + 1 draws
        for step in steps:
            drawn = _draw_panels(axes, chosen, trace, states[step], marks[step])
            pixels = blitter.pixels(drawn["artists"], [*drawn["titles"], *made["overlay"]])
            encoded.append(encoder.submit(png_bytes, pixels, blitter.compress_level))
            for artist in drawn["artists"]:
                artist.remove()
        pngs = tuple(png.result() for png in encoded)
    return EMFrames(trace=trace, steps=tuple(steps), pngs=pngs,
                    states=tuple(states[s] for s in steps),
                    captions=tuple(_caption(trace, chosen, states[s]) for s in steps),
                    size=blitter.size())


def _caption(trace: EMTrace, panels: list, state: HalfStep) -> str:
    """em_caption, and a line from each panel that has a caption (the bound panel's numbers)."""
    lines = [em_caption(state, trace.n_iter)]
    lines += [panel.caption(trace, state) for panel in panels
              if callable(getattr(panel, "caption", None))]
    return "<br>".join(lines)


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def em_frames(trace: EMTrace, **options) -> EMFrames:
    """render_em_frames(trace, **options), remembered per trace, options and styles
    (presenter, dark): the scrubber, the player and the exports of one notebook share one
    rendering."""
    check_trace(trace)
    key = (is_presenter_style(), is_dark_style(), repr(sorted(options.items())))
    per_trace = _CACHE.setdefault(trace, {})
    if key not in per_trace:
        per_trace[key] = render_em_frames(trace, **options)
    return per_trace[key]
