"""One look for every notebook: a colour and a marker per component, a presenter style and a
dark style, each switchable for a whole session by an environment variable.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies); each
component also has its own marker, so the figures read in grey-scale and on a washed-out
projector. Component k always gets COLORS[k] and MARKERS[k].

The dark style (for JupyterLab's dark themes and dark lecture rooms) keeps every colour but the
last: Okabe-Ito's black would vanish on a dark background, so component 8 is drawn in near-white
there (DARK_COLORS), the same neutral, achromatic colour mirrored, with the same marker.

Session switches, read by use_default_style() (which every notebook's set-up cell calls), so a
lecture needs no edit to a notebook and autosave writes nothing:
GMM_TEACH_PRESENTER=1 (presenter style) and GMM_TEACH_STYLE=dark (dark style); see
`python3 run.py lab --presenter --dark`.
"""

from __future__ import annotations

import os
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
    "DARK_BACKGROUND",
    "DARK_COLORS",
    "use_dark_style",
    "is_dark_style",
    "dark_style",
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
#: JupyterLab's dark theme background (--jp-layout-color0) and its text colour.
DARK_BACKGROUND = "#111111"
DARK_FOREGROUND = "#E0E0E0"
#: COLORS for the dark style: the same colours, black replaced by near-white (component 8).
DARK_COLORS = (*COLORS[:-1], "#F0F0F0")
_DARK = {
    "figure.facecolor": DARK_BACKGROUND,
    "figure.edgecolor": DARK_BACKGROUND,
    "savefig.facecolor": DARK_BACKGROUND,
    "savefig.edgecolor": DARK_BACKGROUND,
    "axes.facecolor": DARK_BACKGROUND,
    "axes.edgecolor": DARK_FOREGROUND,
    "axes.labelcolor": DARK_FOREGROUND,
    "axes.titlecolor": DARK_FOREGROUND,
    "text.color": DARK_FOREGROUND,
    "xtick.color": DARK_FOREGROUND,
    "ytick.color": DARK_FOREGROUND,
    "grid.color": "#B0B0B0",
    "legend.facecolor": "#222222",
    "legend.edgecolor": "#888888",
    "legend.labelcolor": DARK_FOREGROUND,
    "patch.edgecolor": DARK_FOREGROUND,
    "axes.prop_cycle": mpl.cycler(color=DARK_COLORS),
}
#: The environment variables that switch the styles on for a session, and their values.
PRESENTER_VARIABLE, STYLE_VARIABLE = "GMM_TEACH_PRESENTER", "GMM_TEACH_STYLE"
_PRESENTER_VALUES = {"": False, "0": False, "1": True}
_STYLE_VALUES = ("", "light", "dark")
_state = {"presenter": False, "dark": False}


def component_color(k: int) -> str:
    """The colour of component k (cycling after 8); in the dark style, DARK_COLORS[k]."""
    colors = DARK_COLORS if _state["dark"] else COLORS
    return colors[k % len(colors)]


def component_marker(k: int) -> str:
    """The marker of component k (cycling after 8)."""
    return MARKERS[k % len(MARKERS)]


def use_default_style() -> None:
    """The notebooks' normal look (called by every notebook's first cell).

    Unless the session asks for more: GMM_TEACH_PRESENTER=1 adds the presenter style and
    GMM_TEACH_STYLE=dark the dark style (as `python3 run.py lab --presenter --dark` does).
    """
    presenter, dark = session_styles()
    _apply(presenter=presenter, dark=dark)


def session_styles(environ=None) -> tuple[bool, bool]:
    """(presenter, dark) as the environment variables GMM_TEACH_PRESENTER / _STYLE ask."""
    environ = os.environ if environ is None else environ
    presenter = environ.get(PRESENTER_VARIABLE, "").strip()
    style = environ.get(STYLE_VARIABLE, "").strip().lower()
    if presenter not in _PRESENTER_VALUES:
        raise ValueError(f"{PRESENTER_VARIABLE} must be 1 (presenter style) or 0, got "
                         f"{presenter!r}; unset it or set {PRESENTER_VARIABLE}=1.")
    if style not in _STYLE_VALUES:
        raise ValueError(f"{STYLE_VARIABLE} must be 'dark' or 'light', got {style!r}; "
                         f"unset it or set {STYLE_VARIABLE}=dark.")
    return _PRESENTER_VALUES[presenter], style == "dark"


def _apply(*, presenter: bool, dark: bool) -> None:
    if presenter:
        mpl.rcParams.update(_PRESENTER)
    else:  # also the keys only the presenter style sets, or switching it off would keep them
        mpl.rcParams.update({key: mpl.rcParamsDefault[key] for key in _PRESENTER})
        mpl.rcParams.update(_DEFAULT)
    if dark:
        mpl.rcParams.update(_DARK)
    else:
        mpl.rcParams.update({key: mpl.rcParamsDefault[key] for key in _DARK})
        mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=COLORS)
    _state.update(presenter=presenter, dark=dark)


def use_presenter_style(enable: bool = True) -> None:
    """For a projector: bigger figures and fonts, thicker lines and larger markers.

    Call ``gmm_teach.use_presenter_style()`` once at the top of a notebook (or in a cell
    before the figures); ``use_presenter_style(False)`` goes back. Scrubber frames made after
    the call use it too.
    """
    _apply(presenter=bool(enable), dark=_state["dark"])


def is_presenter_style() -> bool:
    return _state["presenter"]


@contextmanager
def presenter_style():
    """``with presenter_style(): ...`` draws the figures inside in presenter style."""
    before = dict(_state)
    with mpl.rc_context():
        use_presenter_style()
        try:
            yield
        finally:
            _state.update(before)


def use_dark_style(enable: bool = True) -> None:
    """For JupyterLab's dark themes: figures on a dark background with light text, the same
    colour and marker per component (component 8's black becomes near-white, DARK_COLORS).

    Combines with the presenter style; ``use_dark_style(False)`` goes back to light figures.
    For a whole session without editing a notebook: GMM_TEACH_STYLE=dark (run.py lab --dark).
    """
    _apply(presenter=_state["presenter"], dark=bool(enable))


def is_dark_style() -> bool:
    return _state["dark"]


@contextmanager
def dark_style():
    """``with dark_style(): ...`` draws the figures inside in the dark style."""
    before = dict(_state)
    with mpl.rc_context():
        use_dark_style()
        try:
            yield
        finally:
            _state.update(before)
