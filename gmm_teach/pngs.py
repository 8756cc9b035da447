"""Pictures as PNG bytes, and blitting: render a figure's static part once, then only what changes.

Every live view in gmm_teach (the explorers, the EM frames behind the scrubber, the player and
the exports) shows matplotlib figures as PNG bytes. Two things make that fast:

* ``png_bytes``: PNG with zlib level 1 for pictures drawn on every change (a third of the
  default's time for files about 20 % larger; a local socket carries them in well under a
  millisecond); level 6 for frames drawn once and stored in notebooks (EM frames).
* ``Blitter``: the axes, ticks, labels, grid and constant curves are rendered once into a
  pixel background. Artists marked *animated* (matplotlib's own flag, which makes
  ``canvas.draw()`` skip them) are drawn on top of a copy of that background for each
  picture, in zorder, followed by the "overlay" artists (titles, legends) so that nothing
  paints over a legend. Pixel for pixel this is the whole-figure drawing whenever the
  animated artists have the highest zorders of their axes (tested in tests/test_pngs.py).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["png_bytes", "png_size", "Blitter"]


def png_bytes(rgba, compress_level: int = 1) -> bytes:
    """PNG bytes of an (H, W, 4) uint8 RGBA image (alpha dropped: figures are opaque)."""
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8 or rgba.size == 0:
        raise ValueError(f"rgba must be a non-empty (H, W, 4) uint8 image, got shape "
                         f"{rgba.shape} and dtype {rgba.dtype}; pass canvas.buffer_rgba().")
    buffer = io.BytesIO()
    PIL.Image.fromarray(rgba[..., :3]).save(buffer, format="png", compress_level=compress_level)
    return buffer.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of PNG bytes."""
    return PIL.Image.open(io.BytesIO(png)).size


class Blitter:
    """A figure whose static part is rendered once; ``picture()`` draws the animated artists.

    figure: a matplotlib Figure (given a FigureCanvasAgg here); compress_level: zlib's.
    Mark the artists that change with ``artist.set_animated(True)`` (or pass them to
    ``picture``); overlay: artists drawn after them in every picture (titles, legends: mark
    them animated too).
    """

    def __init__(self, figure: Figure, compress_level: int = 1):
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}.")
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.compress_level = compress_level
        self._background = None
        self._pinned: dict = {}

    def capture(self) -> None:
        """Render everything not animated and keep it as the background."""
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)

    def picture(self, artists: Iterable[Artist], overlay: Iterable[Artist] = ()) -> bytes:
        """PNG bytes of the background with `artists` (by zorder, stable) and `overlay` on top.

        An overlay artist that is opaque and never changes (a legend with framealpha=1) is
        drawn once; later pictures paste its pixels back (text is the slowest thing to draw).
        """
        if self._background is None:
            self.capture()
        self.canvas.restore_region(self._background)
        for artist in sorted(artists, key=lambda a: a.get_zorder()):
            artist.set_animated(True)
            self.figure.draw_artist(artist)
        for artist in overlay:
            if id(artist) in self._pinned:
                self.canvas.restore_region(self._pinned[id(artist)][1])
                continue
            self.figure.draw_artist(artist)
            if _opaque_and_fixed(artist):
                extent = artist.get_window_extent(self.canvas.get_renderer())
                self._pinned[id(artist)] = (artist, self.canvas.copy_from_bbox(extent))
        return png_bytes(np.asarray(self.canvas.buffer_rgba()), self.compress_level)

    def forget_pinned(self) -> None:
        """Draw every overlay again from the next picture on (after changing a legend)."""
        self._pinned.clear()

    def size(self) -> tuple[int, int]:
        """(width, height) of the pictures in pixels."""
        width, height = self.canvas.get_width_height(physical=True)
        return int(width), int(height)


def _opaque_and_fixed(artist: Artist) -> bool:
    """A legend whose frame is fully opaque (its pixels do not depend on what is under it)."""
    from matplotlib.legend import Legend

    frame = getattr(artist, "legendPatch", None)
    return (isinstance(artist, Legend) and artist.get_frame_on() and frame is not None
            and frame.get_alpha() in (None, 1.0) and frame.get_facecolor()[3] == 1.0)
