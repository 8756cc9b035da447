"""gmm_teach.frames and gmm_teach.panels: every half-step rendered once, from the trace alone,
at any scale, with the panels a notebook chooses; and the animation export."""

import subprocess
import time

import numpy as np
import pytest
from PIL import Image

import gmm_teach as gt
from gmm_teach import frames, panels, scrubber


@pytest.fixture(scope="module")
def iris():
    X, _ = gt.load_iris_sepal()
    return gt.run_em(X, gt.initial_params(X, 3, random_state=0))


@pytest.fixture(scope="module")
def short():
    X, _ = gt.load_iris_sepal()
    return gt.run_em(X, gt.initial_params(X, 3, method="random", random_state=0))


def test_frames_from_the_trace_alone(iris):
    made = frames.render_em_frames(iris)
    assert made.steps == tuple((i, p) for i in range(1, iris.n_iter + 1) for p in "EM")
    assert len(made) == len(made.pngs) == len(made.captions) == 2 * iris.n_iter
    assert len(set(made.pngs)) == len(made)
    for (iteration, phase), state in zip(made.steps, made.states, strict=True):
        expected = iris.half_step(iteration, phase)
        assert state.params is expected.params
        np.testing.assert_array_equal(state.responsibilities, expected.responsibilities)
        assert state.mean_log_likelihood == expected.mean_log_likelihood
    assert all(gt.pngs.png_size(png) == made.size for png in made.pngs)
    assert made[(3, "M")] == made.pngs[made.index(3, "M")]
    with pytest.raises(ValueError, match=r"one of 1\.\.8 and 'E'/'M', got \(9, 'E'\)"):
        made.index(9, "E")


def test_one_e_step_per_parameter_set(iris, monkeypatch):
    calls = []
    e_step = gt.em._e_step

    def counting(*args):
        calls.append(1)
        return e_step(*args)

    monkeypatch.setattr(gt.em, "_e_step", counting)
    frames.em_states(iris)
    assert len(calls) == iris.n_iter + 1  # params[0..n_iter-1], and the final params' l


def test_the_views_share_one_rendering(short):
    first = frames.em_frames(short, dpi=50)
    assert frames.em_frames(short, dpi=50) is first
    assert frames.em_frames(short, dpi=51) is not first
    scrub = scrubber.EMScrubber(short, dpi=50)
    assert scrub.frames is first
    page = scrubber.em_player_html(first)
    assert first.data_uris()[0] in page


@pytest.mark.parametrize("scale", [1e-12, 1e-6, 1e4, 1e9])
def test_any_scale_renders_in_bounded_time(scale):
    """Iris in km (1e-12 of cm... as the issue's X * 1e-12) or microns: seconds, not minutes."""
    X = gt.load_iris_sepal().X * scale
    trace = gt.run_em(X, gt.initial_params(X, 3, random_state=0), max_iter=3)
    start = time.perf_counter()
    made = frames.render_em_frames(trace, dpi=40)
    seconds = time.perf_counter() - start
    print(f"scale {scale:g}: {len(made)} frames in {seconds:.2f} s")
    assert len(made) == 2 * trace.n_iter
    (xlim, ylim) = panels.em_axis_limits(trace)
    assert xlim[0] < X[:, 0].min() and X[:, 0].max() < xlim[1]
    assert ylim[0] < X[:, 1].min() and X[:, 1].max() < ylim[1]
    assert xlim[1] - xlim[0] < 3 * np.ptp(X[:, 0])  # the data fill the view
    assert seconds < 30  # minutes before (matplotlib clipping ellipses 1e9 views wide)


def test_huge_ellipses_are_left_out_with_a_note():
    X = gt.load_iris_sepal().X * 1e-12  # reg_covar = 1e-6 makes every ellipse ~1e9 views wide
    trace = gt.run_em(X, gt.initial_params(X, 3, random_state=0), max_iter=2)
    from matplotlib.figure import Figure

    art = frames.draw_em_state(Figure(), trace, 1, "M")
    assert all(per_k == [] for per_k in art["ellipses"]) and art["before"] == []
    assert any("6 ellipses over 100 views wide: not drawn" in t.get_text()
               for t in art["notes"])
    limits = panels.em_axis_limits(trace)
    assert not panels.ellipse_in_view((0, 0), np.eye(2) * 1e-6, 1, limits)
    assert panels.ellipse_in_view(X.mean(axis=0), np.cov(X.T), 2, limits)


def test_panels_are_chosen_by_name_or_object(short):
    data_only = frames.render_em_frames(short, panels=("data",), dpi=50)
    both = frames.render_em_frames(short, dpi=50)
    assert data_only.size[0] < both.size[0] or data_only.pngs != both.pngs
    mine = frames.render_em_frames(short, panels=[panels.DataPanel(xlabel="a", ylabel="b")],
                                   dpi=50)
    assert mine.pngs != data_only.pngs
    with pytest.raises(ValueError, match=r"panels: unknown panel 'bund'; choose from "
                                         r"\['bound', 'data', 'log_likelihood'\]"):
        frames.render_em_frames(short, panels=("data", "bund"))
    with pytest.raises(TypeError, match=r"panels must be a tuple of panel names such as "
                                        r"\('data', 'bound'\) .* got int"):
        frames.render_em_frames(short, panels=5)
    with pytest.raises(TypeError, match=r"setup\(ax, trace\) and draw"):
        frames.render_em_frames(short, panels=(42,))
    with pytest.raises(ValueError, match="at least one panel"):
        frames.render_em_frames(short, panels=())


def test_bad_arguments_are_named(short):
    with pytest.raises(TypeError, match="trace must be an EMTrace from run_em, got ndarray"):
        frames.render_em_frames(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="dpi must be a finite number > 0, got 0.0"):
        frames.render_em_frames(short, dpi=0)
    with pytest.raises(ValueError, match=r"size must be one of .*'720p'"):
        frames.render_em_frames(short, size="4k")
    with pytest.raises(ValueError, match="at least 64 x 64 pixels, got 10 x 720"):
        frames.render_em_frames(short, size=(10, 720))
    with pytest.raises(TypeError, match="xlabel must be a string such as 'length \\(cm\\)'"):
        frames.render_em_frames(short, xlabel=3)
    with pytest.raises(ValueError, match=r"margin must be a finite fraction >= 0"):
        panels.em_axis_limits(short, margin=-0.1)
    with pytest.raises(ValueError, match="half_steps is empty"):
        scrubber.render_frames(short, half_steps=[])
    X = gt.load_iris_sepal().X
    with pytest.raises(ValueError, match=r"X must be the data the trace was run on .* "
                                         r"EMScrubber\(trace\)"):
        scrubber.EMScrubber(X + 1, short)


# ----------------------------------------------------------------------------- animation
def test_gif_has_one_frame_per_half_step(short, tmp_path):
    path = scrubber.save_animation(short, tmp_path / "em.gif", size="360p", frame_ms=300)
    with Image.open(path) as gif:
        assert gif.size == (640, 360)  # 16:9
        count, durations = 0, []
        while True:
            gif.seek(count)
            gif.convert("RGB").load()  # decodes
            durations.append(gif.info["duration"])
            count += 1
            try:
                gif.seek(count)
            except EOFError:
                break
    assert count == 2 * short.n_iter
    assert durations[:-1] == [300] * (count - 1) and durations[-1] == 900


def test_gif_in_presenter_style(short, tmp_path):
    plain = scrubber.save_animation(short, tmp_path / "a.gif", size="360p")
    big = scrubber.save_animation(short, tmp_path / "b.gif", size="360p", presenter=True)
    assert Image.open(plain).size == Image.open(big).size
    assert plain.read_bytes() != big.read_bytes()
    assert not gt.style.is_presenter_style()


def test_animation_arguments_are_checked(short, tmp_path):
    with pytest.raises(ValueError, match=r"path must end in \.gif or \.mp4, got 'em\.avi'"):
        scrubber.save_animation(short, tmp_path / "em.avi")
    with pytest.raises(ValueError, match="frame_ms must be at least 20, got 0"):
        scrubber.save_animation(short, tmp_path / "em.gif", frame_ms=0)
    with pytest.raises(ValueError, match="the folder .* does not exist"):
        scrubber.save_animation(short, tmp_path / "nowhere" / "em.gif")
    with pytest.raises(TypeError, match="path must be a file name such as 'em.gif'"):
        scrubber.save_animation(short, 3)
    with pytest.raises(TypeError, match="presenter must be True or False, got 'yes'"):
        scrubber.save_animation(short, tmp_path / "em.gif", presenter="yes")
    with pytest.raises(ValueError, match="size must be at least 64 x 64 pixels"):
        scrubber.save_animation(short, tmp_path / "em.gif", size=(0, 0))


@pytest.mark.skipif(scrubber.ffmpeg_executable() is None,
                    reason="no ffmpeg (pip install imageio-ffmpeg)")
def test_mp4_decodes_with_one_frame_per_half_step_and_a_held_end(short, tmp_path):
    path = scrubber.save_animation(short, tmp_path / "em.mp4", size="360p", frame_ms=250)
    probe = subprocess.run([scrubber.ffmpeg_executable(), "-i", str(path), "-f", "rawvideo",
                            "-pix_fmt", "rgb24", "-"], capture_output=True, timeout=120)
    assert probe.returncode == 0
    assert len(probe.stdout) == (2 * short.n_iter + 2) * 640 * 360 * 3
    assert b"640x360" in probe.stderr and b"h264" in probe.stderr
