"""The EM views: frames drawn once (gmm_teach.frames), the widget only swaps them; the
kernel-free player; the static grid; the animation export."""

import base64
import io
import re
import time
from html.parser import HTMLParser

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from notebook_support import player_parts
from PIL import Image

import gmm_teach as gt
from gmm_teach import scrubber
from gmm_teach.style import is_presenter_style


@pytest.fixture(scope="module")
def iris():
    X, _ = gt.load_iris_sepal()
    return X, gt.run_em(X, gt.initial_params(X, 3, random_state=0))


@pytest.fixture(scope="module")
def short():
    """A 2-iteration run (init "random" stops after 2 iterations on iris): cheap to render."""
    X, _ = gt.load_iris_sepal()
    trace = gt.run_em(X, gt.initial_params(X, 3, method="random", random_state=0))
    assert trace.n_iter == 2
    return X, trace


@pytest.fixture(scope="module")
def scrub(iris):
    X, trace = iris
    return scrubber.EMScrubber(X, trace)


def drawn_state(X, trace, iteration, phase, **kwargs):
    fig = Figure()
    FigureCanvasAgg(fig)
    return fig, scrubber.draw_em_state(fig, X, trace, iteration, phase, **kwargs)


def png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


# ----------------------------------------------------------------------------- drawing
def test_e_shows_previous_params_m_shows_new_ones(iris):
    X, trace = iris
    for phase, shown in (("E", 3), ("M", 4)):
        _, art = drawn_state(X, trace, 4, phase)
        centres = np.array([[e.center for e in per_k] for per_k in art["ellipses"]])
        for n_std in range(2):  # the 1- and 2-sigma ellipse share the centre
            np.testing.assert_allclose(centres[:, n_std], trace.params[shown].means)
        means = np.array([[line.get_xdata()[0], line.get_ydata()[0]] for line in art["means"]])
        np.testing.assert_allclose(means, trace.params[shown].means)
        assert art["state"].params is trace.params[shown]
    assert not np.allclose(trace.params[3].means, trace.params[4].means)


def test_m_frames_also_show_the_ellipses_the_m_step_started_from(iris):
    X, trace = iris
    _, art = drawn_state(X, trace, 4, "M")
    before = art["before"]
    assert len(before) == 3  # one 1-sigma ellipse per component
    for k, patch in enumerate(before):
        width, height, angle = gt.ellipse_axes(trace.params[3].covariances[k], 1.0)
        np.testing.assert_allclose(patch.center, trace.params[3].means[k])
        assert (patch.width, patch.height, patch.angle) == pytest.approx((width, height, angle))
        assert patch.get_linestyle() == ":"
        assert not patch.get_fill()
    (note,) = art["notes"]
    assert note.get_text() == "grey dotted: 1-sigma before this M-step"
    assert art["changed"] == []
    assert not np.allclose([p.center for p in before], trace.params[4].means)
    _, art = drawn_state(X, trace, 4, "E")  # after an E-step the ellipses have not moved
    assert art["before"] == []
    assert "grey dotted" in scrubber.em_caption(trace.half_step(4, "M"), trace.n_iter)
    assert "grey dotted" not in scrubber.em_caption(trace.half_step(4, "E"), trace.n_iter)


def test_e_frames_ring_the_points_that_changed_component(iris):
    X, trace = iris
    counts = []
    for iteration in range(2, trace.n_iter + 1):
        now = trace.responsibilities(iteration - 1).argmax(axis=1)
        changed = now != trace.responsibilities(iteration - 2).argmax(axis=1)
        _, art = drawn_state(X, trace, iteration, "E")
        (note,) = art["notes"]
        if changed.any():
            (rings,) = art["changed"]
            np.testing.assert_allclose(rings.get_offsets(), X[changed])
            places = len(np.unique(X[changed], axis=0))
            assert note.get_text().startswith(f"ringed: {changed.sum()} point")
            assert (f"(at {places} place" in note.get_text()) == (places < changed.sum())
        else:
            assert art["changed"] == []
            assert note.get_text().startswith("no point changed")
        counts.append(int(changed.sum()))
    assert max(counts) > 0 and min(counts) == 0  # both kinds of frame occur on iris
    _, art = drawn_state(X, trace, 1, "E")  # the start's responsibilities are not kept
    assert art["changed"] == [] and art["notes"] == []


def test_points_coloured_by_the_responsibilities_of_the_e_step(iris):
    X, trace = iris
    resp = trace.responsibilities(2)  # what iteration 3 computes, shown after E and after M
    expected = gt.responsibility_colors(resp)
    owner = resp.argmax(axis=1)
    for phase in "EM":
        _, art = drawn_state(X, trace, 3, phase)
        colours = np.vstack([c.get_facecolors()[:, :3] for c in art["points"]])
        offsets = np.vstack([c.get_offsets() for c in art["points"]])
        order = np.concatenate([np.flatnonzero(owner == k) for k in range(3)
                                if (owner == k).any()])
        np.testing.assert_allclose(offsets, X[order])
        np.testing.assert_allclose(colours, expected[order], atol=1e-12)


def test_log_likelihood_curve_and_marker(iris):
    X, trace = iris
    _, art = drawn_state(X, trace, 1, "E")
    curve = np.append(trace.mean_log_likelihoods, trace.mean_log_likelihood(trace.n_iter))
    np.testing.assert_allclose(art["ll_line"].get_ydata(), curve)
    positions = []
    for iteration, phase in ((1, "E"), (1, "M"), (5, "E"), (5, "M"), (8, "M")):
        _, art = drawn_state(X, trace, iteration, phase)
        (x,), (y,) = art["ll_marker"].get_xdata(), art["ll_marker"].get_ydata()
        shown = iteration - 1 if phase == "E" else iteration
        assert x == shown
        assert y == pytest.approx(trace.mean_log_likelihood(shown), abs=1e-12)
        positions.append((x, y))
    assert len(set(positions)) == len(positions)  # the marker moves every half-step


def test_fixed_limits_labels_and_titles(iris):
    X, trace = iris
    limits = []
    for iteration, phase in ((1, "E"), (8, "M")):
        _, art = drawn_state(X, trace, iteration, phase)
        ax, ll_ax = art["axes"]
        limits.append((ax.get_xlim(), ax.get_ylim()))
        assert ax.get_xlabel() == "sepal length (cm)"
        assert ax.get_ylabel() == "sepal width (cm)"
        assert ax.get_title() == f"iteration {iteration} of 8, after {phase}-step"
        assert ll_ax.get_title() and ll_ax.get_xlabel() and ll_ax.get_ylabel()
    assert limits[0] == limits[1]
    (x0, x1), (y0, y1) = limits[0]
    assert x0 < X[:, 0].min() and X[:, 0].max() < x1
    assert y0 < X[:, 1].min() and X[:, 1].max() < y1


def test_other_data_get_the_given_labels():
    X = np.random.default_rng(0).normal(size=(60, 2)) + np.repeat([[0, 0], [4, 4]], 30, axis=0)
    trace = gt.run_em(X, gt.initial_params(X, 2, random_state=0))
    _, art = drawn_state(X, trace, 1, "M", xlabel="height (m)", ylabel="mass (kg)")
    ax = art["axes"][0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("height (m)", "mass (kg)")
    _, art = drawn_state(X, trace, 1, "M")
    assert art["axes"][0].get_xlabel() == "$x_1$"


def test_rejects_data_it_cannot_draw(iris):
    X, trace = iris
    X4, _, _ = gt.load_iris_all()
    trace4 = gt.run_em(X4, gt.initial_params(X4, 3, random_state=0))
    with pytest.raises(ValueError, match="2-D"):
        scrubber.render_frame(X4, trace4, 1, "E")
    with pytest.raises(ValueError, match="data the trace was run on"):
        scrubber.EMScrubber(X + 1.0, trace)


@pytest.mark.parametrize("style", ["matplotlib", "gmm_teach", "presenter"])
def test_blitted_frames_equal_whole_figure_drawings(iris, style):
    X, trace = iris
    steps = [(1, "E"), (3, "E"), (4, "E"), (4, "M"), (8, "M")]
    with mpl.rc_context():
        if style != "matplotlib":
            gt.use_presenter_style(style == "presenter")
        try:
            blitted_equals_whole(X, trace, steps)
        finally:
            gt.use_presenter_style(False)  # the flag; rc_context restores the rcParams


def blitted_equals_whole(X, trace, steps):
    frames = scrubber.render_frames(X, trace, half_steps=steps, dpi=60)
    for step, png in zip(steps, frames, strict=True):
        fig = Figure(figsize=gt.frames.frame_figsize(), dpi=60)
        canvas = FigureCanvasAgg(fig)
        scrubber.draw_em_state(fig, X, trace, *step)
        canvas.draw()
        whole = np.asarray(canvas.buffer_rgba())[..., :3]
        blitted = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        np.testing.assert_array_equal(blitted, whole)
    assert len(set(frames)) == len(frames)


def test_presenter_style_makes_bigger_frames(short):
    X, trace = short
    assert not is_presenter_style()
    normal = png_size(scrubber.render_frame(X, trace, 1, "E"))
    with gt.presenter_style():
        big = png_size(scrubber.render_frame(X, trace, 1, "E"))
        fig, art = drawn_state(X, trace, 1, "E")
        presenter_font = art["axes"][0].xaxis.label.get_fontsize()
    _, art = drawn_state(X, trace, 1, "E")
    assert big[0] > normal[0] and big[1] > normal[1]
    assert presenter_font > art["axes"][0].xaxis.label.get_fontsize()
    assert not is_presenter_style()


def test_caption_has_fixed_formats(iris):
    X, trace = iris
    state = trace.half_step(2, "M")
    caption = scrubber.em_caption(state, trace.n_iter)
    assert "iteration 2 of 8, after M-step" in caption
    assert f"mean log-likelihood {trace.mean_log_likelihood(2):.4f}" in caption
    for w in trace.params[2].weights:
        assert f"{w:.3f}" in caption


# ----------------------------------------------------------------------------- the widget
def test_slider_swaps_image_caption_and_state(scrub, iris):
    X, trace = iris
    scrub.phase.value = "E"
    scrub.slider.value = 1
    before_image, before_caption = scrub.image.value, scrub.caption.value
    scrub.slider.value = 3
    assert scrub.image.value != before_image
    assert scrub.image.value == scrub.frames.png(3, "E")
    assert scrub.caption.value != before_caption
    assert "iteration 3 of 8, after E-step" in scrub.caption.value
    assert f"{trace.mean_log_likelihood(2):.4f}" in scrub.caption.value
    assert (scrub.state.iteration, scrub.state.phase) == (3, "E")


def test_phase_toggle_switches_between_old_and_new_params(scrub, iris):
    X, trace = iris
    scrub.slider.value = 4
    scrub.phase.value = "E"
    e_image = scrub.image.value
    assert scrub.state.params is trace.params[3]
    scrub.phase.value = "M"
    assert scrub.state.params is trace.params[4]
    assert scrub.image.value != e_image
    assert scrub.image.value == scrub.frames.png(4, "M")
    assert "after M-step" in scrub.caption.value
    assert [label for label, _ in scrub.phase.options] == ["after E-step", "after M-step"]


def test_frames_are_drawn_once_not_on_change(short, monkeypatch):
    X, trace = short
    calls = []
    draw = gt.panels.DataPanel.draw

    def counting(*args, **kwargs):
        calls.append(1)
        return draw(*args, **kwargs)

    monkeypatch.setattr(gt.panels.DataPanel, "draw", counting)
    scrub = scrubber.EMScrubber(trace, dpi=61)  # dpi: not the cached rendering of `short`
    drawn = len(calls)
    assert drawn == 2 * trace.n_iter + 1  # the layout, then one per half-step
    assert len(set(scrub.frames.pngs)) == 2 * trace.n_iter
    for phase in ("M", "E", "M"):
        scrub.phase.value = phase
        for iteration in (2, 1, 2):
            scrub.slider.value = iteration
            assert scrub.image.value == scrub.frames.png(iteration, phase)
    assert len(calls) == drawn
    again = scrubber.EMScrubber(trace, dpi=61)  # same trace and options: the same frames
    assert again.frames is scrub.frames and len(calls) == drawn


def test_play_and_the_step_buttons_go_through_half_steps(iris):
    X, trace = iris
    scrub = scrubber.EMScrubber(trace)
    assert isinstance(scrub.play, widgets.Play)
    assert (scrub.play.min, scrub.play.max) == (0, 2 * trace.n_iter - 1)
    seen = []
    for position in range(2 * trace.n_iter):
        scrub.play.value = position  # what the browser's Play widget does every interval
        seen.append((scrub.slider.value, scrub.phase.value))
        assert scrub.image.value == scrub.frames.pngs[position]
    assert seen == [(i, p) for i in range(1, trace.n_iter + 1) for p in "EM"]
    scrub.play.value = 0
    scrub.next.click()
    assert (scrub.slider.value, scrub.phase.value, scrub.play.value) == (1, "M", 1)
    scrub.next.click()
    assert (scrub.slider.value, scrub.phase.value) == (2, "E")
    scrub.prev.click()
    scrub.prev.click()
    scrub.prev.click()  # clamped at the first half-step
    assert (scrub.slider.value, scrub.phase.value, scrub.play.value) == (1, "E", 0)
    scrub.slider.value = 5  # the slider moves Play along, so Play goes on from there
    assert scrub.play.value == scrub.frames.index(5, "E")


def test_dom_classes_and_display(scrub):
    expected = {"widget": "gmm-scrubber", "play": "gmm-scrubber-play",
                "slider": "gmm-scrubber-slider", "phase": "gmm-scrubber-phase",
                "image": "gmm-scrubber-frame", "caption": "gmm-scrubber-caption"}
    for attribute, css_class in expected.items():
        assert css_class in getattr(scrub, attribute)._dom_classes
    children = scrub.widget.children
    assert scrub.image in children and scrub.caption in children
    assert scrub.play in children[0].children and scrub.phase in children[0].children
    assert "gmm-controls" in children[0]._dom_classes
    assert "gmm-caption" in scrub.caption._dom_classes
    (guard,) = [c for c in children if "gmm-keyguard" in c._dom_classes]
    (root_class,) = [c for c in scrub.widget._dom_classes if c.startswith("gmm-keys-")]
    script = guard.outputs[0]["data"]["text/html"]
    assert f'"{root_class}"' in script and "data-lm-suppress-shortcuts" in script
    bundle = scrub._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == scrub.widget.model_id
    # where widgets cannot show (no kernel), a sentence, not "VBox(children=(HBox(..."
    assert bundle["text/plain"].startswith("EM scrubber over the 16 half-steps of 8 EM iter")
    assert "show_em_player" in bundle["text/plain"]


def test_frame_update_swaps_cached_bytes_without_drawing(scrub, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a slider change drew, encoded or recomputed something")

    for name in ("render_frames", "draw_em_state", "em_caption", "render_em_frames"):
        monkeypatch.setattr(scrubber, name, forbidden)
    monkeypatch.setattr(gt.pngs, "png_bytes", forbidden)
    monkeypatch.setattr(FigureCanvasAgg, "draw", forbidden)
    monkeypatch.setattr(gt.em, "_e_step", forbidden)
    times = []
    for _ in range(10):
        for iteration in (2, 5, 8, 3, 1):
            start = time.process_time()
            scrub.slider.value = iteration
            times.append(time.process_time() - start)
            position = scrub.frames.index(iteration, scrub.phase.value)
            assert scrub.image.value == scrub.frames.pngs[position]
            assert scrub.state is scrub.frames.states[position]
    # about 0.03 ms of CPU time (traitlets); drawing a frame takes 30 ms (blitted, as
    # render_frames does) to 130 ms (alone). CPU time: a loaded machine's other jobs do not
    # count, and the bound is still 6 times below the cheapest drawing.
    median_ms = 1e3 * float(np.median(times))
    print(f"median frame update: {median_ms:.3f} ms of CPU time")
    assert median_ms < 5


# ----------------------------------------------------------------------------- the player
class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []     # (tag, attrs dict)
        self.scripts = []  # script bodies
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1] += data


def parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def with_class(parsed: _Elements, css_class: str) -> list[tuple[str, dict]]:
    return [(tag, attrs) for tag, attrs in parsed.tags
            if css_class in attrs.get("class", "").split()]


@pytest.fixture(scope="module")
def player(iris):
    X, trace = iris
    return scrubber.em_player_html(X, trace)


def test_player_has_one_frame_per_half_step(player, iris):
    X, trace = iris
    parsed = parse(player)
    (script,) = parsed.scripts
    frames, captions = player_parts(script)
    assert len(frames) == len(captions) == 2 * trace.n_iter
    assert len(set(frames)) == len(frames)
    for uri in frames:
        assert uri.startswith("data:image/png;base64,")
        assert base64.b64decode(uri.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "iteration 8 of 8, after M-step" in captions[-1]
    ((_, slider),) = with_class(parsed, "gmm-player-slider")
    assert (slider["type"], slider["min"], slider["max"]) == ("range", "0",
                                                               str(2 * trace.n_iter - 1))
    ((tag, img),) = with_class(parsed, "gmm-player-frame")
    assert tag == "img" and img["src"] == frames[0]  # readable even with scripts stripped


def without_data_uris(page: str) -> str:
    """The page with its base64 PNGs cut out (their letters can spell "http" by chance)."""
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:", page)


def test_player_is_self_contained(player):
    text = without_data_uris(player)
    assert "data:image/png;base64," in player
    assert "http" not in text
    assert 'src="//' not in text
    assert "require" not in text
    parsed = parse(player)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert scripts == [{}]  # one inline script, no src
    assert len(player.encode()) < 2_000_000
    print(f"player size: {len(player.encode()) / 1e6:.2f} MB")


def test_player_controls_and_unique_ids(player, short):
    X, trace = short
    other = scrubber.em_player_html(X, trace)
    ids = []
    for page in (player, other):
        parsed = parse(page)
        ((tag, root),) = with_class(parsed, "gmm-player")
        assert tag == "div"
        ids.append(root["id"])
        assert f'document.getElementById("{root["id"]}")' in parsed.scripts[0]
        for css_class, element in (("gmm-player-prev", "button"), ("gmm-player-play", "button"),
                                   ("gmm-player-next", "button"),
                                   ("gmm-player-caption", "span")):
            assert [tag for tag, _ in with_class(parsed, css_class)] == [element]
    assert ids[0] != ids[1]
    html_object = scrubber.show_em_player(X, trace)
    assert 'class="gmm-player"' in html_object.data


# ----------------------------------------------------------------------------- static
def test_small_multiples_titles_and_labels(iris):
    X, trace = iris
    fig = scrubber.plot_em_small_multiples(X, trace)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == trace.n_iter
    for i, ax in enumerate(shown, start=1):
        ll = trace.mean_log_likelihood(i)
        assert ax.get_title() == f"iteration {i}\nmean log-lik. {ll:.4f}"
    for i, ax in enumerate(shown, start=1):  # grey dotted: where that M-step started
        dotted = [p for p in ax.patches if p.get_linestyle() == ":"]
        np.testing.assert_allclose([p.center for p in dotted], trace.params[i - 1].means)
    assert {ax.get_xlabel() for ax in shown[-4:]} == {"sepal length (cm)"}
    assert {ax.get_ylabel() for ax in shown[::4]} == {"sepal width (cm)"}
    assert fig.get_suptitle()
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_small_multiples_pick_evenly_spread_iterations():
    X, _ = gt.load_iris_sepal()
    trace = gt.run_em(X, gt.initial_params(X, 3, random_state=0), tol=0.0, max_iter=20)
    fig = scrubber.plot_em_small_multiples(X, trace, max_panels=6, ncols=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert len(titles) == 6
    assert titles[0].startswith("iteration 1\n") and titles[-1].startswith("iteration 20\n")
    numbers = [int(t.split()[1]) for t in titles]
    assert numbers == sorted(set(numbers))
    import matplotlib.pyplot as plt

    plt.close(fig)
