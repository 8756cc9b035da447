"""gmm_teach.panels.BoundPanel: the lower bound ℓ = L + KL per half-step, as one more panel
of the EM frames, so the scrubber, the player and the animation show it through the panel
mechanism (issue 11, item 3)."""

import io

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from notebook_support import player_parts
from PIL import Image

import gmm_teach as gt
from gmm_teach import frames, panels, scrubber

BOUND = ("data", "bound")


@pytest.fixture(scope="module")
def iris():
    """k-means start, 8 iterations: the course's iris trace (notebook 04)."""
    X, _ = gt.load_iris_sepal()
    return gt.run_em(X, gt.initial_params(X, 3, random_state=0))


@pytest.fixture(scope="module")
def far():
    """A start from data points whose ℓ is about -5.7e7, then -249, ..., -221: the scale
    problem at its worst (13 iterations)."""
    X, _ = gt.load_iris_sepal()
    trace = gt.run_em(X, gt.initial_params(X, 3, method="random_from_data", random_state=0))
    assert trace.bound(1, "E").n_log_likelihood < -1e7 < -300 < trace.bound(1, "M").elbo
    return trace


def drawn(trace, iteration, phase, chosen=BOUND):
    fig = Figure(figsize=frames.frame_figsize(), dpi=60)
    FigureCanvasAgg(fig)
    art = frames.draw_em_state(fig, trace, iteration, phase, panels=chosen)
    fig.canvas.draw()
    return fig, art


def half_steps(trace):
    return frames.em_half_steps(trace)


# ----------------------------------------------------------------------------- what is drawn
@pytest.mark.parametrize("which", ["iris", "far"])
def test_every_half_step_draws_the_traces_numbers(which, request):
    trace = request.getfixturevalue(which)
    for position, (iteration, phase) in enumerate(half_steps(trace)):
        _, art = drawn(trace, iteration, phase)
        bound = art["bound"]
        assert (bound.iteration, bound.phase) == (iteration, phase)
        assert bound.elbo == trace.elbo(iteration, phase)
        assert bound.posterior_kl == trace.posterior_kl(iteration, phase)
        assert bound.n_log_likelihood == pytest.approx(
            trace.X.shape[0] * trace.half_step(iteration, phase).mean_log_likelihood,
            rel=1e-12)
        # the current column: grey up to L, capped at ℓ (relative to the reference)
        reference = art["reference"]
        previous = trace.bound_table()[max(position - 1, 0)].n_log_likelihood
        assert reference == previous
        cap = art["caps"][-1].get_ydata()
        np.testing.assert_allclose(cap, bound.n_log_likelihood - reference,
                                   atol=1e-9 * abs(reference))
        column = art["columns"][-1]
        # a gap on every M-step column shown (KL > 0), none on an E-step's (KL = 0)
        assert len(art["gaps"]) == sum(shown.phase == "M" for shown in art["shown"])
        assert column.get_y() + column.get_height() == pytest.approx(
            bound.elbo - reference, abs=1e-9 * abs(reference))
        if phase == "E":  # the E-step makes q the posterior: no gap, and the panel says so
            assert bound.posterior_kl == 0
            assert column.get_x() not in [gap.get_x() for gap in art["gaps"]]
            assert art["axes"][1].get_title() == "KL = 0: bound touches"
            assert [t.get_text() for t in art["bound_labels"]] == [
                "$\\ell = \\mathcal{L}$"]
        else:
            assert bound.posterior_kl > 0
            gap = art["gaps"][-1]
            assert gap.get_y() == pytest.approx(bound.elbo - reference,
                                                abs=1e-9 * abs(reference))
            assert gap.get_height() == pytest.approx(bound.posterior_kl, rel=1e-6)
            assert art["axes"][1].get_title() == f"gap KL = {bound.posterior_kl:.3g}"
        plt_close(art)


def plt_close(art):
    art["axes"][0].figure.clear()


def test_e_frames_show_the_gap_close_m_frames_show_both_rise(iris):
    """Scrubbing E, M, E, M: after an M-step both ℓ and L stand higher than one half-step
    before and a gap opens; the next E-step leaves ℓ and closes the gap from below."""
    for iteration, phase in half_steps(iris)[1:]:
        _, art = drawn(iris, iteration, phase)
        before, now = art["shown"][-2], art["shown"][-1]
        if phase == "M":
            assert now.n_log_likelihood > before.n_log_likelihood
            assert now.elbo > before.elbo
            assert now.posterior_kl > 0 == before.posterior_kl
        else:
            assert now.n_log_likelihood == before.n_log_likelihood
            assert now.elbo > before.elbo and now.posterior_kl == 0 < before.posterior_kl
        plt_close(art)


def test_the_zoom_keeps_every_gap_visible(iris, far):
    """Whatever the totals, the current gap after an M-step fills a visible share of the
    panel's height (the y-range is the columns shown), and ℓ before sits at 0."""
    shares = []
    for trace in (iris, far):
        for iteration, phase in half_steps(trace)[2:]:  # (1, E), (1, M): no zoom can help
            _, art = drawn(trace, iteration, phase)
            bottom, top = art["axes"][1].get_ylim()
            assert bottom < 0 < top or (phase == "E" and bottom < 0 <= top)
            if phase == "M":
                shares.append(art["bound"].posterior_kl / (top - bottom))
            plt_close(art)
    print(f"gap / panel height after M-steps: min {min(shares):.2f}, max {max(shares):.2f}")
    assert min(shares) > 0.1  # a tenth of the panel: 30 px at the default size, 40 in presenter


def test_axes_are_labelled_and_the_history_is_the_recent_half_steps(iris):
    _, art = drawn(iris, 3, "M")
    ax = art["axes"][1]
    assert ax.get_ylabel() == "nats, relative to $\\ell$\nbefore this half-step"
    assert ax.get_xlabel() == "half-step (iteration, E or M)"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2 M", "3 E", "3 M\n(now)"]
    assert [(b.iteration, b.phase) for b in art["shown"]] == [(2, "M"), (3, "E"), (3, "M")]
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "0" in ticks and all(t == "0" or t[0] in "+\u2212" for t in ticks)
    _, art = drawn(iris, 1, "E")  # the first half-step: nothing before it
    assert [t.get_text() for t in art["axes"][1].get_xticklabels()] == ["1 E\n(now)"]
    _, art = drawn(iris, 3, "M", chosen=("data", panels.BoundPanel(history=4)))
    assert len(art["shown"]) == 5
    _, art = drawn(iris, 3, "M", chosen=("data", panels.BoundPanel(history=0)))
    assert len(art["shown"]) == 1


def test_huge_ranges_name_their_power_of_ten(far):
    _, art = drawn(far, 2, "E")  # ℓ rose from -5.7e7 to -249
    ax = art["axes"][1]
    exponent = int(np.floor(np.log10(-ax.get_ylim()[0])))  # the start's -5.7e7 below
    assert exponent >= 4
    assert ax.get_ylabel().startswith(f"$10^{{{exponent}}}$ nats, relative to")
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert max(len(t) for t in ticks) <= 5, ticks


@pytest.mark.parametrize("which", ["iris", "far"])
def test_the_bound_panel_stays_clear_of_its_neighbour(which, request):
    """The zoom changes the tick labels per frame; the y-label must not run into the panel on
    its left nor the title out of the frame, in presenter style with three panels."""
    trace = request.getfixturevalue(which)
    with gt.presenter_style():
        for iteration, phase in half_steps(trace):
            fig = Figure(figsize=frames.frame_figsize(), dpi=90)
            canvas = FigureCanvasAgg(fig)
            art = frames.draw_em_state(fig, trace, iteration, phase,
                                       panels=("data", "log_likelihood", "bound"))
            canvas.draw()
            renderer = canvas.get_renderer()
            left, ax = art["axes"][1], art["axes"][2]
            ylabel = ax.yaxis.get_tightbbox(renderer)
            assert ylabel.x0 > left.get_window_extent(renderer).x1, (iteration, phase)
            title = ax.title.get_window_extent(renderer)
            assert title.x1 <= fig.bbox.x1 + 1 and title.x0 >= 0, (iteration, phase)


@pytest.mark.parametrize("style", ["gmm_teach", "presenter", "dark"])
def test_blitted_frames_equal_whole_figure_drawings(iris, style):
    """The zoom redraws the panel's axes per frame (they are overlays): pixel for pixel the
    picture a whole-figure drawing gives."""
    steps = [(1, "E"), (1, "M"), (2, "E"), (4, "M"), (8, "M")]
    with mpl.rc_context():
        gt.use_presenter_style(style == "presenter")
        gt.use_dark_style(style == "dark")
        try:
            made = frames.render_em_frames(iris, panels=BOUND, dpi=60)
            for step in steps:
                fig = Figure(figsize=frames.frame_figsize(), dpi=60)
                canvas = FigureCanvasAgg(fig)
                frames.draw_em_state(fig, iris, *step, panels=BOUND)
                canvas.draw()
                whole = np.asarray(canvas.buffer_rgba())[..., :3]
                blitted = np.asarray(Image.open(io.BytesIO(made[step])).convert("RGB"))
                np.testing.assert_array_equal(blitted, whole)
        finally:
            gt.use_presenter_style(False)
            gt.use_dark_style(False)


def test_dark_style_draws_light_lines_and_is_cached_apart(iris):
    light = frames.em_frames(iris, panels=BOUND, dpi=40)
    with gt.dark_style():
        dark = frames.em_frames(iris, panels=BOUND, dpi=40)
        assert frames.em_frames(iris, panels=BOUND, dpi=40) is dark
        _, art = drawn(iris, 2, "M")
        assert mpl.colors.to_hex(art["caps"][-1].get_color()) == gt.style.DARK_FOREGROUND.lower()
    assert dark is not light and dark.pngs != light.pngs
    assert frames.em_frames(iris, panels=BOUND, dpi=40) is light


# ----------------------------------------------------------------------------- the views
def caption_line(bound, n):
    kl = "0" if bound.posterior_kl == 0 else f"{bound.posterior_kl:.3g}"
    return (f"&#8467; = &#8466; + KL: {bound.n_log_likelihood:.3f} = {bound.elbo:.3f} + {kl} "
            f"(totals over the N = {n} points, nats)")


def test_scrubbing_swaps_to_the_bound_of_each_half_step(iris, monkeypatch):
    calls = []
    draw = panels.BoundPanel.draw

    def counting(*args, **kwargs):
        calls.append(1)
        return draw(*args, **kwargs)

    monkeypatch.setattr(panels.BoundPanel, "draw", counting)
    scrub = scrubber.EMScrubber(iris, panels=BOUND, dpi=55)
    assert len(calls) == 2 * iris.n_iter + 1  # the layout, then one per half-step
    assert len(set(scrub.frames.pngs)) == 2 * iris.n_iter
    table = iris.bound_table()
    for position in [3, 4, 5, 0, 15, 8, 9]:
        scrub.play.value = position  # Play, the buttons and the arrow keys all do this
        iteration, phase = scrub.frames.steps[position]
        assert (scrub.slider.value, scrub.phase.value) == (iteration, phase)
        assert scrub.image.value == scrub.frames.pngs[position]
        assert caption_line(table[position], len(iris.X)) in scrub.caption.value
        if phase == "E":
            assert "+ 0 (totals" in scrub.caption.value and "KL = 0" in scrub.caption.value
    scrub.slider.value, scrub.phase.value = 6, "M"
    assert caption_line(iris.bound(6, "M"), len(iris.X)) in scrub.caption.value
    assert len(calls) == 2 * iris.n_iter + 1  # scrubbing drew nothing
    again = scrubber.EMScrubber(iris, panels=BOUND, dpi=55)
    assert again.frames is scrub.frames and len(calls) == 2 * iris.n_iter + 1
    plain = scrubber.EMScrubber(iris, dpi=55)
    assert plain.frames is not scrub.frames and "+ KL" not in plain.caption.value


def test_the_player_carries_the_bound_frames(iris):
    made = frames.em_frames(iris, panels=BOUND)
    page = scrubber.em_player_html(iris, panels=BOUND)
    script = page.split("<script>")[1]
    uris, captions = player_parts(script)
    assert uris == made.data_uris()
    table = iris.bound_table()
    assert all(caption_line(bound, len(iris.X)) in caption
               for bound, caption in zip(table, captions, strict=True))
    assert made.data_uris()[0] in page  # the first frame, also without scripts
    assert scrubber.show_em_player(iris, panels=BOUND).data.count("data:image/png") == len(
        page.split("data:image/png")) - 1
    assert frames.em_frames(iris).data_uris()[0] not in page


def test_animation_with_the_bound_panel(iris, tmp_path):
    path = scrubber.save_animation(iris, tmp_path / "bound.gif", size="360p", panels=BOUND)
    plain = scrubber.save_animation(iris, tmp_path / "plain.gif", size="360p")
    with Image.open(path) as gif:
        assert gif.n_frames == 2 * iris.n_iter and gif.size == (640, 360)
    assert path.read_bytes() != plain.read_bytes()


# ----------------------------------------------------------------------------- bad input
def test_bad_panel_options_are_named(iris):
    with pytest.raises(ValueError, match=r"panels: unknown panel 'bounds'; choose from "
                                         r"\['bound', 'data', 'log_likelihood'\]"):
        scrubber.EMScrubber(iris, panels=("data", "bounds"))
    with pytest.raises(TypeError, match=r"panels must be a tuple of panel names such as "
                                        r"\('data', 'bound'\)"):
        scrubber.em_player_html(iris, panels=True)
    with pytest.raises(TypeError, match=r"panels must be a tuple"):
        scrubber.save_animation(iris, "em.gif", panels={"bound"})
    with pytest.raises(TypeError, match="trace must be an EMTrace from run_em, got ndarray"):
        panels.half_step_bounds(np.zeros((3, 2)))
    for history in (-1, 6, 1.5, True, "2"):
        with pytest.raises(ValueError, match=r"history must be a whole number of earlier "
                                             r"half-steps from 0 to 5 \(default 2\)"):
            panels.BoundPanel(history=history)
    X, _ = gt.load_iris_sepal()
    labels = np.full(len(X), -1)
    labels[:3] = 0
    semi = gt.semisupervised.run_semisupervised_em(X, labels,
                                                   gt.initial_params(X, 3, random_state=0))
    frames.render_em_frames(semi, panels=("data",), dpi=30)  # the data panel draws it
    with pytest.raises(TypeError, match="has its own E-step, whose bound is not the one "
                                        "computed here"):
        frames.render_em_frames(semi, panels=BOUND, dpi=30)
