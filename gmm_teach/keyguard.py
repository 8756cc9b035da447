"""Keys that stay in the widget, and a plain message when its kernel is gone.

In JupyterLab a key pressed while a button or an image of an ipywidget has focus reaches
the notebook's shortcuts: the arrow keys collapse the section or jump to the next heading,
and the widget leaves the screen in the middle of a lecture. ``keyguard(widget)`` returns a
tiny ipywidgets.Output that runs gmm_teach/keyguard.js once the widget is on the page:

* the widget's outer box gets JupyterLab's ``data-lm-suppress-shortcuts`` attribute (no
  notebook shortcut matches inside it) and a keydown listener that stops the keys there;
  arrows that no focused slider takes press the widget's prev/next buttons (classes
  gmm-step-prev / gmm-step-next) and space its Play button, when step_keys is True;
* a kernel watch: when the controls (class gmm-controls) change and the caption (class
  gmm-caption) does not follow within 2 s, the picture is dimmed under a message that says
  to run the cell again (after a kernel restart the sliders still move in the browser, but
  nothing answers). The message goes as soon as a caption arrives.

The Output's HTML is trusted (the widget manager trusts what a running kernel sends), so
its script runs in JupyterLab and Notebook 7; where scripts do not run, nothing changes.
"""

from __future__ import annotations

import json
import uuid
from importlib.resources import files

import ipywidgets as widgets

__all__ = ["keyguard", "keyguard_script"]


#: ipywidgets' own CSS variables, set on the widget's outer box in presenter style: labels,
#: readouts, buttons and HTML captions grow together (JupyterLab's default: 13 px, 28 px).
PRESENTER_CSS = {"--jp-widgets-font-size": "20px", "--jp-widgets-inline-height": "38px",
                 "--jp-widgets-inline-label-width": "110px",
                 "--jp-widgets-slider-handle-size": "20px",
                 "--jp-widgets-inline-width-short": "200px",
                 "--jp-widgets-inline-width": "460px"}  # a long label leaves room for the track


def keyguard_script(root_class: str, step_keys: bool, presenter: bool = False) -> str:
    """The <script> for the widget whose outer box has the CSS class root_class."""
    source = files("gmm_teach").joinpath("keyguard.js").read_text(encoding="utf-8")
    source = (source.replace("/*ROOT_CLASS*/null", json.dumps(root_class))
              .replace("/*STEP_KEYS*/null", "true" if step_keys else "false")
              .replace("/*ROOT_CSS*/null", json.dumps(PRESENTER_CSS if presenter else {})))
    return f"<script>\n{source}\n</script>"


def keyguard(widget: widgets.DOMWidget, *, step_keys: bool = False,
             presenter: bool = False) -> widgets.Output:
    """An Output to put inside `widget` (a Box) that installs the key guard on it.

    Adds a unique CSS class to the widget (the script finds it by that class) and returns
    the Output, which shows nothing visible. presenter: set PRESENTER_CSS on the widget, so
    its text grows with the presenter style.
    """
    if not isinstance(widget, widgets.DOMWidget):
        raise TypeError(f"widget must be an ipywidgets DOMWidget (e.g. a VBox), got "
                        f"{type(widget).__name__}.")
    root_class = "gmm-keys-" + uuid.uuid4().hex[:12]
    widget.add_class(root_class)
    output = widgets.Output(layout=widgets.Layout(height="0px", overflow="hidden",
                                                  margin="0", padding="0"))
    output.outputs = ({"output_type": "display_data", "metadata": {},
                       "data": {"text/html": keyguard_script(root_class, step_keys, presenter),
                                "text/plain": ""}},)
    output.add_class("gmm-keyguard")
    return output
