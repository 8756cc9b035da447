"""gmm_teach.keyguard: the script that keeps keys in a widget and watches its kernel.
Its behaviour in JupyterLab is tested in tests/test_browser.py (keys, restart)."""

import ipywidgets as widgets
import pytest

from gmm_teach.keyguard import PRESENTER_CSS, keyguard, keyguard_script


def test_the_guard_finds_its_widget_by_a_class_of_its_own():
    box, other = widgets.VBox(), widgets.VBox()
    guards = [keyguard(box), keyguard(other)]
    classes = [[c for c in w._dom_classes if c.startswith("gmm-keys-")] for w in (box, other)]
    assert all(len(c) == 1 for c in classes) and classes[0] != classes[1]
    for guard, (root_class,) in zip(guards, classes, strict=True):
        (output,) = guard.outputs
        script = output["data"]["text/html"]
        assert script.startswith("<script>") and f'"{root_class}"' in script
        assert "/*" + "ROOT_CLASS*/" not in script  # every placeholder filled in
        assert "gmm-keyguard" in guard._dom_classes


def test_step_keys_and_presenter_css_are_options():
    plain = keyguard_script("gmm-keys-x", step_keys=False)
    stepping = keyguard_script("gmm-keys-x", step_keys=True, presenter=True)
    assert "if (false && !onSlider)" in plain and "if (true && !onSlider)" in stepping
    assert "var css = {};" in plain
    for name, value in PRESENTER_CSS.items():
        assert f'"{name}": "{value}"' in stepping
    assert "data-lm-suppress-shortcuts" in plain and "stopPropagation" in plain
    assert "run this cell again" in plain


def test_only_widgets_can_be_guarded():
    with pytest.raises(TypeError, match="widget must be an ipywidgets DOMWidget"):
        keyguard("box")
