"""Notebook 03 (mixtures and responsibilities): what nbval cannot check.

nbval compares the printed outputs, which carry every number the prose states. It does not
compare figures, and it skips the one cell marked NBVAL_IGNORE_OUTPUT (the responsibility
probe). Here:

- the probe cell makes exactly the call that tests/test_explorers.py drives (same data, same
  parameters, same labels), and its stored widget state is a complete, correct probe (it
  renders without a kernel);
- every figure, re-drawn in-process from the notebook's own code, has a title and labelled
  axes (iris axes in cm), uses the component colours, and was stored as a PNG;
- the numbers in the prose that no cell prints.
"""

import ast
import base64
import io
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from notebook_support import (
    cell_with,
    check_figures_titled_and_labelled,
    code_cells,
    collections_by_label,
    drawn_axes,
    markdown_text,
    read_notebook,
    run_notebook_figures,
    stdout_of,
    unchecked_cells,
    unchecked_reason,
)
from PIL import Image
from scipy import stats

import gmm_teach as gt
from gmm_teach import explorers

REPO = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PROBE_CALL = ('explorers.responsibility_probe(X, params, labels=("sepal length", "sepal width"), '
              'unit="cm")')
IRIS_FIT = "params = gt.run_em(X, gt.initial_params(X, 3, random_state=0)).final"


def read(key: str = "03"):
    return read_notebook(key)


def call_in(tree, name: str) -> ast.Call:
    """The one call of `name` (e.g. "responsibility_probe") in the source or AST `tree`."""
    tree = ast.parse(tree) if isinstance(tree, str) else tree
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute | ast.Name)
             and getattr(node.func, "attr", getattr(node.func, "id", None)) == name]
    assert len(calls) == 1, f"expected one call of {name}, found {len(calls)}"
    return calls[0]


# ----------------------------------------------------------------------------- the probe cell
def test_only_the_probe_is_exempt_from_nbval():
    (cell,) = unchecked_cells(read())
    assert unchecked_reason(cell) == ("widget: model ids change every run",
                                      ["tests/test_explorers.py"])
    assert cell.source == PROBE_CALL


def test_test_explorers_drives_the_probe_exactly_as_the_notebook_makes_it():
    """If the notebook's call or its fitted parameters change, the widget tests must follow."""
    source = (REPO / "tests" / "test_explorers.py").read_text()
    (fixture,) = [node for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.FunctionDef) and node.name == "probe"]
    in_tests = call_in(fixture, "responsibility_probe")
    assert ast.dump(in_tests) == ast.dump(call_in(PROBE_CALL, "responsibility_probe"))
    assert "gt.run_em(X, gt.initial_params(X, 3, random_state=0)).final" in source
    notebook = "\n".join(c.source for c in code_cells(read("03")))
    assert IRIS_FIT in notebook
    assert "X, species = gt.load_iris_sepal()" in notebook


@pytest.fixture(scope="module")
def fresh_probe():
    with mpl.rc_context():
        gt.use_default_style()
        X, _ = gt.load_iris_sepal()
        params = gt.run_em(X, gt.initial_params(X, 3, random_state=0)).final
        return explorers.responsibility_probe(X, params, labels=("sepal length", "sepal width"),
                                            unit="cm")


def test_stored_probe_renders_without_a_kernel_and_shows_the_right_posterior(fresh_probe):
    notebook = read("03")
    (cell,) = unchecked_cells(notebook)
    (output,) = cell.outputs
    state = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    root = state[output.data[WIDGET_VIEW]["model_id"]]
    assert root["model_name"] == "VBoxModel"
    assert "gmm-explorer" in root["state"]["_dom_classes"]

    def model(reference: str) -> dict:
        return state[reference.removeprefix("IPY_MODEL_")]

    sliders_box, image, caption, guard = (model(r) for r in root["state"]["children"])
    assert guard["model_name"] == "OutputModel"  # the key guard (gmm_teach.keyguard)
    sliders = [model(r)["state"] for r in sliders_box["state"]["children"]]
    assert [s["description"] for s in sliders] == ["sepal length (cm)", "sepal width (cm)"]
    assert [s["value"] for s in sliders] == [fresh_probe.x1.value, fresh_probe.x2.value]
    assert caption["state"]["value"] == fresh_probe.caption.value
    assert "p(z=1 | x)" in caption["state"]["value"]
    # the stored picture is what the probe draws now, pixel for pixel
    (buffer,) = image["buffers"]
    assert buffer["path"] == ["value"] and buffer["encoding"] == "base64"
    stored = Image.open(io.BytesIO(base64.b64decode(buffer["data"]))).convert("RGBA")
    fresh = Image.open(io.BytesIO(fresh_probe.image.value)).convert("RGBA")
    np.testing.assert_array_equal(np.asarray(stored), np.asarray(fresh))


# ----------------------------------------------------------------------------- the figures
@pytest.fixture(scope="module")
def figures():
    return run_notebook_figures("03")


def test_every_figure_is_stored_titled_and_labelled(figures):
    assert check_figures_titled_and_labelled(figures) == 8


def test_notebook_03_samples_are_coloured_by_their_latent_label(figures):
    (figure,) = [f for cell, shown in figures for f in shown
                 if "latent label z" in drawn_axes(f)[0].get_title()]
    scatters = collections_by_label(figure)
    for k in range(3):
        collection = scatters[f"drawn with z = {k + 1}"]
        np.testing.assert_allclose(collection.get_facecolor()[0][:3], to_rgb(gt.component_color(k)))
    assert sum(len(c.get_offsets()) for c in scatters.values()) == 1500


def test_notebook_03_static_probes_show_the_e_step_of_each_point(figures):
    (figure,) = [f for cell, shown in figures for f in shown
                 if f._suptitle and "three probe points" in f._suptitle.get_text()]
    X, _ = gt.load_iris_sepal()
    params = gt.run_em(X, gt.initial_params(X, 3, random_state=0)).final
    bar_axes = [ax for ax in figure.axes if ax.get_ylabel() == "p(z = k | x)"]
    data_axes = [ax for ax in figure.axes if ax.get_xlabel() == "sepal length (cm)"]
    assert len(bar_axes) == len(data_axes) == 3
    owners = set()
    for ax_data, ax_bars in zip(data_axes, bar_axes, strict=True):
        star = [line for line in ax_data.get_lines() if line.get_marker() == "*"]
        point = np.array([line.get_xydata()[0] for line in star])
        expected = gt.e_step(point, params)[0]
        heights = [patch.get_height() for patch in ax_bars.patches]
        np.testing.assert_allclose(heights, expected, atol=1e-12)
        owners.add(int(np.argmax(heights)))
    assert owners == {0, 1, 2}  # the three probes land in the three components




# ----------------------------------------------------------------------------- the prose
def test_the_sampling_check_states_its_numbers_and_prints_them():
    text = markdown_text(read())
    assert r"\sqrt{0.25/N} \approx 0.0011" in text and "one\ntime in 370" in text
    printed = stdout_of(cell_with(read(), "largest standard error, sqrt(0.25 / N)"))
    assert "sqrt(0.25 / N) = 0.0011; P(|Z| > 3) = 1 / 370" in printed
    assert round(1 / (2 * stats.norm.sf(3))) == 370


def test_components_are_numbered_from_one_in_the_text():
    text = markdown_text(read())
    assert "Components are numbered $k = 1, \\dots, K$" in text
    assert "component 0" not in text.lower()
