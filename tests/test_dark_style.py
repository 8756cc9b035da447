"""The dark figure style and the session switches (GMM_TEACH_PRESENTER, GMM_TEACH_STYLE)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.colors import to_rgb

import gmm_teach as gt
from gmm_teach import style


def relative_luminance(color) -> float:
    """WCAG 2 relative luminance of a matplotlib colour."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b) -> float:
    """WCAG 2 contrast ratio, 1..21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture(autouse=True)
def restore_style(monkeypatch):
    monkeypatch.delenv(style.PRESENTER_VARIABLE, raising=False)
    monkeypatch.delenv(style.STYLE_VARIABLE, raising=False)
    before = dict(style._state)
    with mpl.rc_context():  # rcParams as they were, and the style flags as they were
        yield
    style._state.update(before)


def test_switching_presenter_style_off_restores_every_key_it_set():
    gt.use_default_style()
    default = dict(mpl.rcParams)
    gt.use_presenter_style()
    gt.use_presenter_style(False)
    assert {k: v for k, v in mpl.rcParams.items() if default[k] != v} == {}


def test_every_dark_component_colour_stands_out_from_the_dark_background():
    ratios = {k + 1: contrast_ratio(c, style.DARK_BACKGROUND)
              for k, c in enumerate(gt.DARK_COLORS)}
    assert min(ratios.values()) >= 3.0, f"contrast ratios (component: ratio): {ratios}"
    # and the light palette's black is why the dark palette needs its own last colour
    assert contrast_ratio(gt.COLORS[-1], style.DARK_BACKGROUND) < 3.0


def test_text_is_readable_on_the_dark_background():
    gt.use_dark_style()
    for key in ("text.color", "axes.labelcolor", "xtick.color", "ytick.color"):
        assert contrast_ratio(mpl.rcParams[key], mpl.rcParams["axes.facecolor"]) >= 7.0, key


def test_dark_style_keeps_colour_and_marker_per_component():
    light = [(gt.component_color(k), gt.component_marker(k)) for k in range(8)]
    gt.use_dark_style()
    dark = [(gt.component_color(k), gt.component_marker(k)) for k in range(8)]
    assert [m for _, m in dark] == [m for _, m in light]
    assert [c for c, _ in dark[:7]] == [c for c, _ in light[:7]]
    assert dark[7][0] == gt.DARK_COLORS[7] != light[7][0]
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(gt.DARK_COLORS)
    assert mpl.rcParams["figure.facecolor"] == mpl.rcParams["axes.facecolor"] == "#111111"
    assert mpl.rcParams["savefig.facecolor"] == "#111111"


def test_dark_style_switches_back_and_combines_with_presenter():
    gt.use_presenter_style()
    gt.use_dark_style()
    assert style.is_presenter_style() and style.is_dark_style()
    assert mpl.rcParams["font.size"] == 17 and mpl.rcParams["axes.facecolor"] == "#111111"
    gt.use_dark_style(False)
    assert style.is_presenter_style() and not style.is_dark_style()
    assert to_rgb(mpl.rcParams["axes.facecolor"]) == (1.0, 1.0, 1.0)
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(gt.COLORS)
    assert gt.component_color(7) == "#000000"


def test_dark_style_context_manager_restores():
    with gt.dark_style():
        assert style.is_dark_style() and mpl.rcParams["axes.facecolor"] == "#111111"
    assert not style.is_dark_style()
    assert to_rgb(mpl.rcParams["axes.facecolor"]) == (1.0, 1.0, 1.0)


def test_a_figure_drawn_in_the_dark_style_has_a_dark_background():
    import matplotlib.pyplot as plt

    gt.use_dark_style()
    fig, ax = plt.subplots()
    try:
        X = gt.load_iris_sepal().X
        ax.scatter(X[:, 0], X[:, 1], s=4)
        gt.draw_gmm(ax, gt.initial_params(X, 3, "random_from_data", random_state=0))
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())
        assert tuple(pixels[2, 2, :3]) == (0x11, 0x11, 0x11)
    finally:
        plt.close(fig)


# ----------------------------------------------------------------------------- the switches
@pytest.mark.parametrize(("environ", "expected"), [
    ({}, (False, False)),
    ({"GMM_TEACH_PRESENTER": "1"}, (True, False)),
    ({"GMM_TEACH_PRESENTER": "0"}, (False, False)),
    ({"GMM_TEACH_STYLE": "dark"}, (False, True)),
    ({"GMM_TEACH_STYLE": "Light"}, (False, False)),
    ({"GMM_TEACH_PRESENTER": "1", "GMM_TEACH_STYLE": "dark"}, (True, True)),
])
def test_session_styles_read_the_environment(environ, expected):
    assert style.session_styles(environ) == expected


@pytest.mark.parametrize(("environ", "named"), [
    ({"GMM_TEACH_PRESENTER": "yes"}, "GMM_TEACH_PRESENTER"),
    ({"GMM_TEACH_STYLE": "black"}, "GMM_TEACH_STYLE"),
])
def test_a_bad_switch_value_is_a_value_error_naming_the_variable(environ, named):
    with pytest.raises(ValueError, match=named):
        style.session_styles(environ)


def test_use_default_style_follows_the_session_switches(monkeypatch):
    monkeypatch.setenv("GMM_TEACH_PRESENTER", "1")
    monkeypatch.setenv("GMM_TEACH_STYLE", "dark")
    gt.use_default_style()
    assert style.is_presenter_style() and style.is_dark_style()
    assert mpl.rcParams["font.size"] == 17
    gt.use_presenter_style(False)  # switching one style off keeps the other
    assert not style.is_presenter_style() and style.is_dark_style()


def test_a_kernel_started_with_the_switch_draws_in_presenter_style(tmp_path):
    """What `run.py lab --presenter` does: the environment of the kernel, not the notebook."""
    code = ("import json, matplotlib as mpl, gmm_teach as gt\ngt.use_default_style()\n"
            "print(json.dumps([mpl.rcParams['font.size'], mpl.rcParams['axes.facecolor'],"
            " gt.component_color(7)]))")
    env = dict(os.environ, GMM_TEACH_PRESENTER="1", GMM_TEACH_STYLE="dark", MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == [17.0, "#111111", gt.DARK_COLORS[7]]
