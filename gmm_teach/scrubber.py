"""Watch EM work, one half-step at a time: a live widget, a kernel-free player, a static grid,
an animation for slides. All four read one EMFrames (gmm_teach.frames): every half-step of
the trace drawn once.

EM alternates two half-steps. After the E-step of iteration i the points are recoloured by
the responsibilities (3.2) of the current parameters params[i-1]; after the M-step the
ellipses and weights are refitted to those colours ((4.7), (4.2), (4.8), (4.5)), giving
params[i]. The views:

  EMScrubber(trace)           ipywidgets: Play, prev/next, iteration slider, E/M toggle;
                              changing them only swaps cached PNG bytes (no drawing);
  show_em_player(trace)       one self-contained HTML snippet (frames as data: URIs, the
  em_player_html(trace)       script gmm_teach/player.js) that works without a kernel, in
                              nbviewer and in `jupyter nbconvert --to html` pages;
  plot_em_small_multiples()   a grid of the M-step states, for pages where scripts are
                              stripped (e.g. GitHub);
  save_animation(trace, path) the half-steps as .gif (pillow) or .mp4 (ffmpeg) for slides.

What a frame shows is chosen with panels (gmm_teach.panels), the same option in every view:
the default is the data and the log-likelihood curve; panels=("data", "bound") puts the
lower bound beside the data, ℓ = L(q, theta) + KL per half-step (KL = 0 after every
E-step, a gap after every M-step), e.g. EMScrubber(trace, panels=("data", "bound")),
show_em_player(trace, panels=("data", "bound")), save_animation(trace, "em.gif",
panels=("data", "bound")).

Every call also takes the older form with the data first, (X, trace): X must then be the
data the trace was run on (the trace holds it).

Why it keeps up: a trace has 2 n_iter half-steps, so every frame is drawn in advance (well
under a second for iris); a key press costs a swap of cached bytes in the kernel (about
0.03 ms) and one PNG on the wire. Play steps half-steps E, M, E, M in the scrubber and in
the player alike. Keys pressed in the scrubber stay in it (gmm_teach.keyguard): arrows step,
space plays or pauses, and nothing reaches JupyterLab's notebook shortcuts.
"""

from __future__ import annotations

import html
import json
import shutil
import uuid
from importlib.resources import files
from pathlib import Path

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np

from ._checks import as_samples, check_nonnegative_number, check_whole_number
from .em import EMTrace, HalfStep
from .frames import (
    SIZES,
    EMFrames,
    check_trace,
    em_caption,
    em_frames,
    frame_figsize,
    render_em_frames,
)
from .frames import draw_em_state as _draw_em_state
from .keyguard import keyguard
from .panels import PHASES, DataPanel
from .panels import em_axis_limits as _em_axis_limits
from .style import is_presenter_style

__all__ = [
    "PHASES",
    "em_axis_limits",
    "draw_em_state",
    "render_frames",
    "render_frame",
    "em_caption",
    "EMScrubber",
    "em_player_html",
    "show_em_player",
    "plot_em_small_multiples",
    "save_animation",
    "ffmpeg_executable",
    "player_script",
    "EMFrames",
    "SIZES",
]


def _trace_of(args: tuple, function: str) -> EMTrace:
    """The trace from (trace,) or the older (X, trace); X must be the trace's data."""
    if len(args) == 1:
        return check_trace(args[0])
    if len(args) == 2:
        X, trace = args
        check_trace(trace)
        X = as_samples(X)
        if X.shape != trace.X.shape or not np.array_equal(X, trace.X):
            raise ValueError(f"{function}: X must be the data the trace was run on "
                             "(run_em(X, init)); or leave X out, the trace holds it: "
                             f"{function}(trace).")
        return trace
    raise TypeError(f"{function} takes the trace (or X, trace), got {len(args)} positional "
                    "arguments.")


def _frames_of(args: tuple, function: str, **options) -> EMFrames:
    if len(args) == 1 and isinstance(args[0], EMFrames):
        return args[0]
    return em_frames(_trace_of(args, function), **options)


def em_axis_limits(*data, margin: float = 0.08) -> tuple[tuple, tuple]:
    """Fixed ((xmin, xmax), (ymin, ymax)) for every frame; see gmm_teach.panels."""
    return _em_axis_limits(_trace_of(data, "em_axis_limits"), margin)


def draw_em_state(fig, *data_and_step, **options) -> dict:
    """draw_em_state(fig, trace, iteration, phase) or (fig, X, trace, iteration, phase):
    the half-step as one whole figure; see gmm_teach.frames.draw_em_state."""
    *data, iteration, phase = data_and_step
    return _draw_em_state(fig, _trace_of(tuple(data), "draw_em_state"), iteration, phase,
                          **options)


def render_frames(*data, half_steps=None, **options) -> list[bytes]:
    """PNG bytes for each (iteration, phase) in half_steps (default: all, in EM's order)."""
    frames = render_em_frames(_trace_of(data, "render_frames"), **options)
    if half_steps is None:
        return list(frames.pngs)
    half_steps = list(half_steps)
    if not half_steps:
        raise ValueError("half_steps is empty; pass (iteration, phase) pairs, or None for "
                         "all of them.")
    return [frames.png(i, phase) for i, phase in half_steps]


def render_frame(*data, iteration: int | None = None, phase: str | None = None,
                 **options) -> bytes:
    """One half-step as PNG bytes: render_frame(trace, iteration, phase) (or X, trace, ...)."""
    if iteration is None and phase is None and len(data) >= 3:
        *data, iteration, phase = data
    return render_frames(*data, half_steps=[(iteration, phase)], **options)[0]


# ----------------------------------------------------------------------------- the widget
class EMScrubber:
    """Play, prev/next buttons, an iteration slider and an E/M toggle over EMFrames.

    ``EMScrubber(trace)`` (or the older ``EMScrubber(X, trace)``) draws every half-step of
    the trace once (2 n_iter PNGs, gmm_teach.frames); moving a control then only swaps
    cached bytes into .image and updates .caption and .state (the HalfStep shown).
    Play and the prev/next buttons (and the arrow keys, when no slider has focus) step
    half-steps E, M, E, M, like the kernel-free player; the slider steps iterations and
    the toggle picks the half-step. Options: panels (names from gmm_teach.panels.PANELS,
    e.g. ("data", "bound") for the lower bound ℓ = L + KL beside the data), xlabel,
    ylabel, dpi, size (see render_em_frames) and interval_ms (Play's pause per half-step,
    > 0).

    Attributes: frames (EMFrames), play (its value: the half-step, 0 .. 2 n_iter - 1),
    prev, next, slider (iteration 1..n_iter), phase ("E" / "M"), image, caption, widget,
    state, position (the half-step shown, an index into frames.steps).
    """

    def __init__(self, *data, interval_ms: int = 900, **options) -> None:
        frames = _frames_of(data, "EMScrubber", **options)
        interval_ms = check_nonnegative_number(interval_ms, "interval_ms",
                                               strictly_positive=True)
        self.frames = frames
        self.trace = frames.trace
        self.X = frames.trace.X
        n = self.trace.n_iter
        style = {"description_width": "initial"}
        self.play = widgets.Play(value=0, min=0, max=len(frames) - 1, step=1,
                                 interval=int(interval_ms), description="play",
                                 show_repeat=False, tooltip="step through the half-steps")
        self.prev = widgets.Button(description="◀", tooltip="previous half-step (left arrow)",
                                   layout=widgets.Layout(width="3.2em"))
        self.next = widgets.Button(description="▶", tooltip="next half-step (right arrow)",
                                   layout=widgets.Layout(width="3.2em"))
        self.slider = widgets.IntSlider(value=1, min=1, max=n, step=1, description="iteration",
                                        continuous_update=True, style=style,
                                        layout=widgets.Layout(min_width="14em", flex="1 1 auto"))
        self.phase = widgets.ToggleButtons(
            options=[(PHASES["E"], "E"), (PHASES["M"], "M")], value="E", style=style,
            tooltips=["new responsibilities (colours), same ellipses",
                      "new ellipses and weights, fitted to those colours"])
        self.image = widgets.Image(value=frames.pngs[0], format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto",
                                                         max_height="62vh",
                                                         object_fit="contain"))
        self.caption = widgets.HTML(value=frames.captions[0])
        self.controls = widgets.HBox([self.play, self.prev, self.next, self.slider,
                                      self.phase],
                                     layout=widgets.Layout(flex_flow="row wrap",
                                                           align_items="center"))
        self.widget = widgets.VBox([self.controls, self.image, self.caption])
        self.widget.children = (*self.widget.children,
                                keyguard(self.widget, step_keys=True,
                                         presenter=is_presenter_style()))
        for element, name in ((self.widget, "gmm-scrubber"), (self.play, "gmm-scrubber-play"),
                              (self.slider, "gmm-scrubber-slider"),
                              (self.phase, "gmm-scrubber-phase"),
                              (self.image, "gmm-scrubber-frame"),
                              (self.caption, "gmm-scrubber-caption"),
                              (self.caption, "gmm-caption"), (self.controls, "gmm-controls"),
                              (self.prev, "gmm-step-prev"), (self.next, "gmm-step-next")):
            element.add_class(name)
        self.position = 0
        self.state: HalfStep = frames.states[0]
        self._showing = False
        self.slider.observe(self._on_controls, names="value")
        self.phase.observe(self._on_controls, names="value")
        self.play.observe(self._on_play, names="value")
        self.prev.on_click(lambda _: self.step(-1))
        self.next.on_click(lambda _: self.step(+1))

    def show(self, iteration: int, phase: str) -> None:
        """Show the cached frame of (iteration, phase): swap bytes, no drawing; the
        controls follow."""
        self._show(self.frames.index(iteration, phase))

    def step(self, delta: int) -> None:
        """Move delta half-steps (clamped to the first and last)."""
        self._show(min(max(self.position + int(delta), 0), len(self.frames) - 1))

    def _show(self, position: int) -> None:
        if self._showing:
            return
        self._showing = True
        try:
            self.position = position
            iteration, phase = self.frames.steps[position]
            self.state = self.frames.states[position]
            self.image.value = self.frames.pngs[position]
            self.caption.value = self.frames.captions[position]
            self.slider.value, self.phase.value = iteration, phase
            self.play.value = position
        finally:
            self._showing = False

    def _on_controls(self, _change) -> None:
        self._show(self.frames.index(self.slider.value, self.phase.value))

    def _on_play(self, change) -> None:
        self._show(int(change["new"]))

    def _repr_mimebundle_(self, **kwargs):
        """The widget's view; as text/plain, for pages that show no widgets (JupyterLab
        without a kernel, GitHub), a sentence instead of ipywidgets' VBox(children=...)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        n = self.trace.n_iter
        bundle["text/plain"] = (
            f"EM scrubber over the {2 * n} half-steps of {n} EM iterations: an interactive "
            "widget, shown when the notebook runs with a kernel (after a restart: run the "
            "cell again). Without one, scrubber.show_em_player(trace) plays the same frames "
            "and scrubber.plot_em_small_multiples(trace) shows them side by side.")
        return bundle


# ----------------------------------------------------------------------------- kernel-free
def _script_json(value) -> str:
    """JSON for inside a <script>: no "</" that could end the element early."""
    return json.dumps(value).replace("</", "<\\/")


def player_script(root_id: str, frames: list[str], captions: list[str],
                  interval_ms: int) -> str:
    """gmm_teach/player.js with its four names filled in."""
    source = files("gmm_teach").joinpath("player.js").read_text(encoding="utf-8")
    return (source.replace("/*ROOT_ID*/null", _script_json(root_id))
            .replace("/*FRAMES*/null", _script_json(frames))
            .replace("/*CAPTIONS*/null", _script_json(captions))
            .replace("/*INTERVAL_MS*/null", str(int(interval_ms))))


def em_player_html(*data, dpi: float | None = None, interval_ms: int = 900, **options) -> str:
    """A self-contained HTML player for every half-step of the trace; needs no kernel.

    em_player_html(trace) (or X, trace; or an EMFrames). All 2 n_iter frames are inlined
    as base64 PNG data: URIs and gmm_teach/player.js, inlined too (no files, no network),
    drives the controls: a range slider with one position per half-step, prev /
    play-pause / next buttons and a caption. Keys pressed in the player stay in it, also
    inside JupyterLab: arrows step half-steps, Home/End jump, space plays or pauses. The
    root <div class="gmm-player"> has a fresh id, so several players can live on one page.
    Without scripts (e.g. on GitHub) the first frame and its caption still show.
    dpi and the other options (panels=("data", "bound"), ...) as for EMScrubber; left out, the
    player shows the scrubber's frames, so a notebook with both (same panels) renders the
    half-steps once (gmm_teach.frames.em_frames).
    """
    interval_ms = check_nonnegative_number(interval_ms, "interval_ms", strictly_positive=True)
    if dpi is not None:
        options["dpi"] = dpi
    frames = _frames_of(data, "em_player_html", **options)
    uris = frames.data_uris()
    captions = list(frames.captions)
    root_id = "gmm-player-" + uuid.uuid4().hex[:12]
    font = "1.35em" if is_presenter_style() else "1em"
    button = ('<button type="button" class="gmm-player-{cls}" aria-label="{label}" '
              'style="font-size:inherit">{text}</button>')
    return (
        f'<div class="gmm-player" id="{root_id}" tabindex="-1" data-lm-suppress-shortcuts='
        f'"true" style="max-width:100%;font-size:{font}">\n'
        f'<img class="gmm-player-frame" src="{uris[0]}" '
        f'alt="EM on the data, one frame per half-step" style="max-width:100%;height:auto;'
        f'max-height:62vh;object-fit:contain;display:block">\n'
        f'<div class="gmm-player-controls" style="display:flex;align-items:center;'
        f'gap:0.5em;flex-wrap:wrap;margin:0.3em 0">\n'
        + button.format(cls="prev", label="previous half-step", text="&#9664; prev") + "\n"
        + button.format(cls="play", label="play or pause", text="&#9654; play") + "\n"
        + button.format(cls="next", label="next half-step", text="next &#9654;") + "\n"
        + f'<input type="range" class="gmm-player-slider" min="0" max="{len(uris) - 1}" '
        f'step="1" value="0" aria-label="half-step ({html.escape(PHASES["E"])}, '
        f'{html.escape(PHASES["M"])}, ...)" style="flex:1;min-width:12em">\n'
        f'</div>\n'
        f'<span class="gmm-player-caption">{captions[0]}</span>\n'
        f'</div>\n'
        f'<script>\n{player_script(root_id, uris, captions, interval_ms)}\n</script>\n'
    )


def show_em_player(*data, **options):
    """em_player_html wrapped for display in a notebook: ``show_em_player(trace)``."""
    from IPython.display import HTML

    return HTML(em_player_html(*data, **options))


# ----------------------------------------------------------------------------- static
def plot_em_small_multiples(*data, max_panels: int = 12, ncols: int = 4,
                            xlabel: str | None = None, ylabel: str | None = None):
    """A grid of the states after each M-step, for pages without scripts. Returns the Figure.

    Panel i shows params[i] (ellipses, means) over the points coloured by the
    responsibilities that M-step used, titled with the iteration and (4.6) for params[i];
    grey dotted, the 1-sigma ellipses of params[i-1], where that M-step started.
    With more than max_panels iterations, max_panels of them evenly spread (first and last
    included). Shared, fixed axes (the frames' limits), labelled in cm for iris sepals.
    Data only: the lower bound is about the E/M alternation, one half-step after the
    other, which the player (panels=("data", "bound")) shows without a kernel too.
    """
    import matplotlib.pyplot as plt

    from .frames import em_states

    trace = data[0].trace if len(data) == 1 and isinstance(data[0], EMFrames) else \
        _trace_of(data, "plot_em_small_multiples")
    max_panels = check_whole_number(max_panels, "max_panels", minimum=1)
    ncols = check_whole_number(ncols, "ncols", minimum=1)
    n = trace.n_iter
    iterations = (list(range(1, n + 1)) if n <= max_panels else
                  [int(i) for i in np.unique(np.linspace(1, n, max_panels).round())])
    ncols = min(ncols, len(iterations))
    nrows = -(-len(iterations) // ncols)
    presenter = is_presenter_style()
    panel_size = (4.6, 4.0) if presenter else (3.2, 2.8)
    fig, axes = plt.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False,
                             figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.6))
    states, marks = em_states(trace)
    panel = DataPanel(xlabel, ylabel)
    with mpl.rc_context({"lines.linewidth": 0.8 * mpl.rcParams["lines.linewidth"]}):
        for index, ax in enumerate(axes.flat):
            if index >= len(iterations):
                ax.set_visible(False)
                continue
            key = (iterations[index], "M")
            panel.setup(ax, trace)
            panel.draw(ax, trace, states[key], {"before": marks[key]["before"]})
            for text in ax.texts:  # the grid's suptitle explains the grey ellipses once
                text.set_visible(False)
            ax.set_title(f"iteration {key[0]}\nmean log-lik. "
                         f"{states[key].mean_log_likelihood:.4f}")
            if index + ncols < len(iterations):  # something below: no x label here
                ax.set_xlabel("")
            if index % ncols:
                ax.set_ylabel("")
    fig.suptitle(f"EM after each M-step ({len(iterations)} of {n} iterations shown):\n"
                 "ellipses = new parameters, grey dotted = 1-sigma before the M-step,\n"
                 "colours = the responsibilities they were fitted to")
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- animation
def save_animation(trace, path, *, size="720p", presenter: bool = False,
                   frame_ms: int = 700, dpi: float = 100, panels=None,
                   xlabel: str | None = None, ylabel: str | None = None) -> Path:
    """Write the E/M half-steps of the trace as an animation for slides; returns the path.

    path: ending in .gif (pillow, always available) or .mp4 (H.264 through ffmpeg: the
    imageio-ffmpeg package's binary, or ffmpeg on PATH). size: (width, height) in pixels or
    "720p" (1280 x 720, default), "1080p", "540p", "360p"; presenter: draw in presenter
    style (bigger fonts and marks); frame_ms: how long each half-step shows (>= 20 ms);
    panels, xlabel, ylabel as for EMScrubber (panels=("data", "bound"): the lower bound).
    The last frame holds three times as long. Like savefig, an existing file at path is
    replaced.
    """
    trace = check_trace(trace) if not isinstance(trace, EMFrames) else trace.trace
    if not isinstance(path, str | Path):
        raise TypeError(f"path must be a file name such as 'em.gif' (str or Path), got "
                        f"{type(path).__name__}.")
    if not isinstance(presenter, bool):
        raise TypeError(f"presenter must be True or False, got {presenter!r}.")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"path must end in .gif or .mp4, got {path.name!r}.")
    frame_ms = check_whole_number(frame_ms, "frame_ms", minimum=20)
    if not path.parent.is_dir():
        raise ValueError(f"path: the folder {str(path.parent)!r} does not exist; create it "
                         "first or save elsewhere.")
    frame_figsize(size, 100)  # checks size
    from .style import presenter_style

    if presenter:
        with presenter_style():
            frames = render_em_frames(trace, panels=panels, dpi=dpi, size=size,
                                      xlabel=xlabel, ylabel=ylabel)
    else:
        frames = render_em_frames(trace, panels=panels, dpi=dpi, size=size, xlabel=xlabel,
                                  ylabel=ylabel)
    images = _images(frames)
    if suffix == ".gif":
        durations = [frame_ms] * (len(images) - 1) + [3 * frame_ms]
        images[0].save(path, save_all=True, append_images=images[1:], duration=durations,
                       loop=0, optimize=False)
    else:
        _write_mp4(images, path, frame_ms)
    return path


def _images(frames: EMFrames) -> list:
    import io

    from PIL import Image

    return [Image.open(io.BytesIO(png)).convert("RGB") for png in frames.pngs]


def ffmpeg_executable() -> str | None:
    """The ffmpeg binary: imageio-ffmpeg's if installed, else one on PATH, else None."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return shutil.which("ffmpeg")


def _write_mp4(images: list, path: Path, frame_ms: int) -> None:
    import subprocess

    ffmpeg = ffmpeg_executable()
    if ffmpeg is None:
        raise RuntimeError("writing .mp4 needs ffmpeg: pip install imageio-ffmpeg (or "
                           "install ffmpeg), or save a .gif instead.")
    width, height = images[0].size
    fps = 1000.0 / frame_ms
    held = [*images, images[-1], images[-1]]  # the last frame holds three times as long
    command = [ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{width}x{height}", "-r", f"{fps:.6f}", "-i", "-", "-an",
               "-c:v", "libx264", "-pix_fmt", "yuv420p", "-vf",
               "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-movflags", "+faststart", str(path)]
    data = b"".join(image.tobytes() for image in held)
    result = subprocess.run(command, input=data, capture_output=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg could not write {path}: "
                           f"{result.stderr.decode(errors='replace')[-500:]}")
