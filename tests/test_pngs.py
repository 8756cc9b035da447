"""gmm_teach.pngs: PNG bytes and blitting (static part once, changing artists on top)."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from gmm_teach.pngs import Blitter, png_bytes, png_size


def decoded(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_png_bytes_round_trip():
    rgba = np.random.default_rng(0).integers(0, 256, (7, 5, 4), dtype=np.uint8)
    png = png_bytes(rgba)
    assert png_size(png) == (5, 7)
    np.testing.assert_array_equal(decoded(png), rgba[..., :3])
    for bad in (np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4, 4)), np.zeros((0, 4, 4),
                                                                               np.uint8)):
        with pytest.raises(ValueError, match=r"rgba must be a non-empty \(H, W, 4\) uint8"):
            png_bytes(bad)


def figure(**legend_options):
    """A small figure with a static line and its legend in the lower right corner."""
    fig = Figure(figsize=(3, 2), dpi=50)
    ax = fig.add_subplot()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.plot([0, 1], [0, 1], label="static")
    return fig, ax, ax.legend(loc="lower right", **legend_options)


def test_blitted_picture_equals_the_whole_figure_and_keeps_the_legend():
    fig, ax, legend = figure()
    blitter = Blitter(fig)
    legend.set_animated(True)
    blitter.capture()
    pictures = []
    for y in (0.1, 0.5, 0.9):
        (line,) = ax.plot([0, 1], [y, y], linewidth=8, color="red", zorder=3)
        pictures.append(blitter.picture([line], overlay=[legend]))
        line.remove()
        whole_fig, whole_ax, whole_legend = figure()
        whole_legend.set_zorder(10)  # the overlay is drawn last
        whole_ax.plot([0, 1], [y, y], linewidth=8, color="red", zorder=3)
        canvas = FigureCanvasAgg(whole_fig)
        canvas.draw()
        np.testing.assert_array_equal(decoded(pictures[-1]),
                                      np.asarray(canvas.buffer_rgba())[..., :3])
    assert len(set(pictures)) == 3
    assert blitter.size() == (150, 100)
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure, got str"):
        Blitter("figure")


def test_a_translucent_legend_is_pasted_back_only_where_nothing_came_near_it(monkeypatch):
    fig, ax, legend = figure(framealpha=0.5)
    assert legend.legendPatch.get_alpha() == 0.5
    drawn = []
    draw = type(legend).draw
    monkeypatch.setattr(legend, "draw", lambda renderer: (drawn.append(1), draw(legend,
                                                                                renderer)))
    blitter = Blitter(fig)
    legend.set_animated(True)
    blitter.capture()
    for y, legend_drawn in ((0.9, 1), (0.8, 1), (0.1, 2), (0.85, 2)):
        (line,) = ax.plot([0, 1], [y, y], linewidth=8, color="red", zorder=3)
        picture = blitter.picture([line], overlay=[legend])
        line.remove()
        assert len(drawn) == legend_drawn  # drawn again only over the line at y = 0.1
        whole_fig, whole_ax, whole_legend = figure(framealpha=0.5)
        whole_legend.set_zorder(10)
        whole_ax.plot([0, 1], [y, y], linewidth=8, color="red", zorder=3)
        canvas = FigureCanvasAgg(whole_fig)
        canvas.draw()
        np.testing.assert_array_equal(decoded(picture), np.asarray(canvas.buffer_rgba())[..., :3])


def test_pixels_are_the_picture_before_encoding_and_a_copy():
    fig, ax, legend = figure()
    blitter = Blitter(fig)
    (line,) = ax.plot([0, 1], [0.5, 0.5], linewidth=8, color="red")
    first = blitter.pixels([line], overlay=[legend])
    assert first.shape == (100, 150, 4) and first.dtype == np.uint8
    line.set_ydata([0.9, 0.9])
    second = blitter.pixels([line], overlay=[legend])
    assert not np.array_equal(first, second)  # the first picture is not the canvas's buffer
    np.testing.assert_array_equal(decoded(png_bytes(second)), second[..., :3])
    assert png_bytes(second, blitter.compress_level) == blitter.picture([line], [legend])
