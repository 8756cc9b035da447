"""Pictures as PNG bytes, and blitting: render a figure's static part once, then only what changes.

Every live view in gmm_teach (the explorers, the EM frames behind the scrubber, the player and
the exports) shows matplotlib figures as PNG bytes. Two things make that fast:

* ``png_bytes``: PNG with zlib level 1, for pictures drawn on every change (a third of the
  default level 6's time for files about 20 % larger; a local socket carries them in well
  under a millisecond) and for EM frames (iris: 6.0 instead of 8.4 ms a frame, 1.8 % larger).
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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

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
        """PNG bytes of the background with `artists` (by zorder, stable) and `overlay` on top
        (see pixels)."""
        return png_bytes(self.pixels(artists, overlay), self.compress_level)

    def pixels(self, artists: Iterable[Artist], overlay: Iterable[Artist] = ()) -> np.ndarray:
        """The picture as a new (H, W, 4) uint8 RGBA array: the background with `artists`
        (by zorder, stable) and `overlay` on top. png_bytes encodes it; a caller drawing many
        pictures can encode one while drawing the next (zlib runs without Python's lock).

        A legend among the overlay is drawn once and its pixels pasted back in later
        pictures (text is the slowest thing to draw): always when its frame is opaque; when
        it is translucent, in the pictures where nothing drawn before it comes near it (its
        pixels are then the background's with the legend on top, the same every time).
        """
        if self._background is None:
            self.capture()
        self.canvas.restore_region(self._background)
        artists = sorted(artists, key=lambda a: a.get_zorder())
        for artist in artists:
            artist.set_animated(True)
            self.figure.draw_artist(artist)
        renderer = self.canvas.get_renderer()
        drawn = list(artists)
        for artist in overlay:
            pinned = self._pinned.get(id(artist))
            if pinned is not None and (pinned[3] or not _near(drawn, pinned[2], renderer)):
                self.canvas.restore_region(pinned[1])
            else:
                self.figure.draw_artist(artist)
                self._pin(artist, renderer, drawn)
            drawn.append(artist)
        return np.array(self.canvas.buffer_rgba())

    def _pin(self, artist: Artist, renderer, drawn: list) -> None:
        """Keep the pixels of a legend just drawn, if they can be pasted back later."""
        if id(artist) in self._pinned or not _fixed(artist):
            return
        opaque = _opaque(artist)
        region = artist.get_window_extent(renderer).padded(3)
        if opaque or not _near(drawn, region.padded(2), renderer):
            self._pinned[id(artist)] = (artist, self.canvas.copy_from_bbox(region),
                                        region.padded(2), opaque)

    def forget_pinned(self) -> None:
        """Draw every overlay again from the next picture on (after changing a legend)."""
        self._pinned.clear()

    def size(self) -> tuple[int, int]:
        """(width, height) of the pictures in pixels."""
        width, height = self.canvas.get_width_height(physical=True)
        return int(width), int(height)


def _fixed(artist: Artist) -> bool:
    """A legend without a shadow: its pixels stay inside its frame."""
    from matplotlib.legend import Legend

    return (isinstance(artist, Legend) and artist.get_frame_on() and not artist.shadow
            and getattr(artist, "legendPatch", None) is not None)


def _opaque(artist: Artist) -> bool:
    """A legend whose frame is fully opaque (its pixels do not depend on what is under it)."""
    frame = artist.legendPatch
    return frame.get_alpha() in (None, 1.0) and frame.get_facecolor()[3] == 1.0


def _near(artists: list, region: Bbox, renderer) -> bool:
    """True when one of the artists may touch a pixel of `region`."""
    return any(_touches(artist, region, renderer) for artist in artists)


def _touches(artist: Artist, region: Bbox, renderer) -> bool:
    """Whether the pixels an artist draws may reach into region, judged generously: lines
    and patches with their line widths and markers, texts with their boxes, within the clip
    box; anything else anywhere in its clip box (or the figure)."""
    clip = artist.get_clip_box() if artist.get_clip_on() else None
    if clip is not None and not clip.overlaps(region):
        return False
    points = renderer.points_to_pixels
    box = None
    if isinstance(artist, Line2D):
        widths = artist.get_linewidth() + artist.get_markersize() + artist.get_markeredgewidth()
        box = artist.get_window_extent(renderer).padded(4 + points(widths))
    elif isinstance(artist, Patch):
        box = artist.get_window_extent(renderer).padded(4 + points(artist.get_linewidth()))
    elif isinstance(artist, Text):
        boxes = [artist.get_window_extent(renderer)]
        if artist.get_bbox_patch() is not None:
            boxes.append(artist.get_bbox_patch().get_window_extent(renderer))
        box = Bbox.union(boxes).padded(4)
    return box is None or box.overlaps(region)
