"""One look for every notebook: a colour and a marker per component, and a presenter style.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies); each
component also has its own marker, so the figures read in grey-scale and on a washed-out
projector. Component k always gets COLORS[k] and MARKERS[k].
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl

__all__ = [
    "COLORS",
    "MARKERS",
    "component_color",
    "component_marker",
    "use_default_style",
    "use_presenter_style",
    "presenter_style",
    "is_presenter_style",
]

#: Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, reddish purple,
#: vermillion, sky blue, yellow, black.
COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
          "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

_DEFAULT = {
    "figure.figsize": (6.4, 4.4),
    "figure.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "axes.grid": True,
    "axes.axisbelow": True,  # grid under the data, also in blitted frames (scrubber, widgets)
    "grid.alpha": 0.3,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
}
_PRESENTER = {
    **_DEFAULT,
    "figure.figsize": (10.0, 6.8),
    "figure.dpi": 110,
    "font.size": 17,
    "axes.titlesize": 19,
    "axes.labelsize": 17,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "lines.linewidth": 3.2,
    "lines.markersize": 9,
    "axes.linewidth": 1.6,
    "grid.linewidth": 1.2,
}
_state = {"presenter": False}


def component_color(k: int) -> str:
    """The colour of component k (cycling after 8)."""
    return COLORS[k % len(COLORS)]


def component_marker(k: int) -> str:
    """The marker of component k (cycling after 8)."""
    return MARKERS[k % len(MARKERS)]


def use_default_style() -> None:
    """The notebooks' normal look (called by every notebook's first cell)."""
    mpl.rcParams.update(_DEFAULT)
    _state["presenter"] = False


def use_presenter_style(enable: bool = True) -> None:
    """For a projector: bigger figures and fonts, thicker lines and larger markers.

    Call ``gmm_teach.use_presenter_style()`` once at the top of a notebook (or in a cell
    before the figures); ``use_presenter_style(False)`` goes back. Scrubber frames made after
    the call use it too.
    """
    if enable:
        mpl.rcParams.update(_PRESENTER)
        _state["presenter"] = True
    else:
        use_default_style()


def is_presenter_style() -> bool:
    return _state["presenter"]


@contextmanager
def presenter_style():
    """``with presenter_style(): ...`` draws the figures inside in presenter style."""
    before = _state["presenter"]
    with mpl.rc_context():
        use_presenter_style()
        try:
            yield
        finally:
            _state["presenter"] = before
