"""Notebook 04 (EM on iris): what nbval cannot check.

nbval compares the stored outputs of every cell except the two marked NBVAL_IGNORE_OUTPUT
(the scrubber widget and the kernel-free player). Here: those two cells really build the
scrubber and the player from the iris trace, their stored outputs are complete (the player
holds one frame per half-step, the widget's state is saved so it renders without a kernel),
and the stored notebook ran top to bottom without errors or warnings.
"""

import base64
import io
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from notebook_support import (
    check_figures_titled_and_labelled,
    code_cells,
    markdown_text,
    player_parts,
    run_cells,
    run_notebook_figures,
    unchecked_cells,
    unchecked_reason,
)
from PIL import Image

import gmm_teach as gt
from gmm_teach import scrubber

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "04_em_iris.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def iris_trace():
    X, _ = gt.load_iris_sepal()
    return X, gt.run_em(X, gt.initial_params(X, 3, random_state=0))


def the_cell(notebook, call: str):
    """The one code cell whose source contains `call`."""
    (cell,) = [c for c in code_cells(notebook) if call in c.source]
    return cell


def decoded(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    png = base64.b64decode(uri.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


# ----------------------------------------------------------------------------- stored notebook
def test_stored_notebook_ran_top_to_bottom_with_an_output_per_cell(notebook):
    cells = code_cells(notebook)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    assert cells[0].source.startswith("import numpy as np")
    silent = [i for i, c in enumerate(cells) if i > 0 and not c.outputs]
    # only the gradient formulas and their finite differences compute without printing:
    # the cell after them prints both
    assert [cells[i].source.splitlines()[0] for i in silent] == [
        "def log_likelihood(weights, means, covariances):", "def replaced(array, k, value):  "
        "# a copy of array with entry k replaced"]
    assert silent[1] == silent[0] + 1 and cells[silent[1] + 1].outputs


def test_no_errors_or_warnings_were_printed(notebook):
    for cell in code_cells(notebook):
        for output in cell.outputs:
            assert output.output_type != "error", cell.source[:80]
            if output.output_type == "stream":
                assert output.name == "stdout", (cell.source[:80], output.text[:200])
                assert "Warning" not in output.text


def test_ignored_cells_give_a_reason_naming_existing_tests(notebook):
    ignored = unchecked_cells(notebook)
    assert len(ignored) == 2  # the scrubber widget and the player; nothing else
    for cell in ignored:
        reason, named = unchecked_reason(cell)
        assert re.fullmatch(r"(widget|player): .+", reason), reason
        assert "tests/test_notebook_04.py" in named
        for path in named:
            assert (REPO / path).is_file(), f"{path} (named in the reason) does not exist"
    assert not any("NBVAL_SKIP" in c.source or "NBVAL_CHECK_OUTPUT" in c.source
                   for c in code_cells(notebook))


def test_stored_player_has_one_frame_per_half_step(notebook, iris_trace, built):
    X, trace = iris_trace
    cell = the_cell(notebook, "scrubber.show_em_player(X, trace)")
    (output,) = cell.outputs
    page = output.data["text/html"]
    frames, captions = player_parts(page)
    assert len(frames) == len(captions) == 2 * trace.n_iter
    assert len(set(frames)) == len(frames)
    steps = [(i, phase) for i in range(1, trace.n_iter + 1) for phase in "EM"]
    for caption, (iteration, phase) in zip(captions, steps, strict=True):
        state = trace.half_step(iteration, phase)
        assert f"iteration {iteration} of {trace.n_iter}, after {phase}-step" in caption
        assert f"mean log-likelihood {state.mean_log_likelihood:.4f}" in caption
    # nothing fetched, so it works offline (the base64 PNGs can spell "http" by chance)
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:", page)
    assert "http" not in text and "require" not in text
    # the stored frames are what the notebook's code draws now (else: re-execute it)
    fresh, _ = player_parts(built[2].data)
    for index in (0, len(frames) - 1):
        np.testing.assert_array_equal(decoded(frames[index]), decoded(fresh[index]))


def test_stored_scrubber_renders_from_saved_widget_state(notebook):
    cell = the_cell(notebook, "scrubber.EMScrubber(X, trace)")
    (output,) = cell.outputs
    model_id = output.data[WIDGET_VIEW]["model_id"]
    assert output.data["text/plain"].startswith("EM scrubber over the")  # shown without widgets
    state = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    assert state[model_id]["model_name"] == "VBoxModel"
    images = [m for m in state.values() if m["model_name"] == "ImageModel"]
    assert len(images) == 1 and "gmm-scrubber-frame" in images[0]["state"]["_dom_classes"]


def test_figure_cells_end_with_plt_show(notebook):
    figures = [c for c in code_cells(notebook)
               if any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert len(figures) >= 4
    for cell in figures:
        assert "plt.show()" in cell.source.splitlines()[-1]


# ----------------------------------------------------------------------------- the cells' code
@pytest.fixture(scope="module")
def built(notebook, monkeypatch_module):
    """The notebook's own set-up, data, trace, scrubber and player cells, run in-process."""
    monkeypatch_module.setattr(plt, "show", lambda *args, **kwargs: None)
    cells = code_cells(notebook)
    sources = [cells[0].source,
               the_cell(notebook, "X, species = gt.load_iris_sepal()").source,
               the_cell(notebook, "trace = gt.run_em(").source]
    namespace: dict = {}
    with mpl.rc_context():
        run_cells(sources, namespace)
        scrub = run_cells([the_cell(notebook, "scrubber.EMScrubber(X, trace)").source],
                          namespace)
        player = run_cells([the_cell(notebook, "scrubber.show_em_player(X, trace)").source],
                           namespace)
        plt.close("all")
    gt.use_default_style()
    return namespace, scrub, player


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_trace_cell_runs_em_from_scikit_learns_default_start(built, iris_trace):
    X, trace = iris_trace
    namespace, _, _ = built
    np.testing.assert_array_equal(namespace["X"], X)
    ours = namespace["trace"]
    assert (ours.n_iter, ours.converged, ours.lower_bound) == (
        trace.n_iter, trace.converged, trace.lower_bound)
    for a, b in zip(ours.params, trace.params, strict=True):
        np.testing.assert_array_equal(a.means, b.means)
        np.testing.assert_array_equal(a.covariances, b.covariances)


def test_the_scrubber_cell_builds_a_scrubber_over_every_half_step(built):
    namespace, scrub, _ = built
    trace = namespace["trace"]
    assert isinstance(scrub, scrubber.EMScrubber)  # the cell's last expression: displayed
    assert scrub.trace is trace
    np.testing.assert_array_equal(scrub.X, namespace["X"])
    assert sorted(scrub.frames) == sorted((i, p) for i in range(1, trace.n_iter + 1)
                                          for p in "EM")
    assert (scrub.slider.min, scrub.slider.max) == (1, trace.n_iter)
    scrub.slider.value = trace.n_iter
    scrub.phase.value = "M"
    assert scrub.state.params is trace.final
    assert f"iteration {trace.n_iter} of {trace.n_iter}, after M-step" in scrub.caption.value


def test_the_player_cell_builds_the_player_from_the_trace(built):
    namespace, _, player = built
    trace = namespace["trace"]
    assert type(player).__name__ == "HTML"  # IPython.display.HTML: displayed by the cell
    frames, captions = player_parts(player.data)
    assert len(frames) == len(captions) == 2 * trace.n_iter
    assert f"mean log-likelihood {trace.mean_log_likelihood(-1):.4f}" in captions[-1]


# ----------------------------------------------------------------------------- the prose
def test_the_covariance_gradient_is_bridged_from_notebook_01(notebook):
    text = markdown_text(notebook)
    bridge = text[text.index("**Covariances, first in one dimension.**"):
                  text.index("**Weights, with a Lagrange multiplier.**")]
    assert "notebook 01's derivative (1.2)" in bridge and "\\tag{4.3}" in bridge
    assert bridge.index("For $d = 1$") < bridge.index("In $d$ dimensions")


def test_what_em_is_not_is_stated_where_em_is_introduced(notebook):
    text = markdown_text(notebook)
    box = text.index("> **What EM is not.**")
    assert text.index("That iteration is the EM algorithm") < box < text.index("### The E-step")
    assert "expected* complete-data log-likelihood" in text[box:]


def test_the_ridge_costs_far_below_the_printed_digits_on_iris(iris_trace):
    """The prose: the ridge can cost about (reg_covar / s)^2 / 4 per flower, 'far below
    anything printed here'; and the curve printed never decreases."""
    X, trace = iris_trace
    smallest = min(np.linalg.eigvalsh(p.covariances).min() for p in trace.params)
    assert (trace.reg_covar / smallest) ** 2 / 4 < 1e-8
    curve = [trace.mean_log_likelihood(i) for i in range(trace.n_iter + 1)]
    assert np.all(np.diff(curve) > 1e-4)


def test_the_long_runs_small_component_is_a_thin_streak(iris_trace):
    X, trace = iris_trace
    long_run = gt.run_em(X, trace.params[0], tol=1e-8, max_iter=1000)
    weights = long_run.final.weights
    assert np.argmin(weights) == 1 and np.argmax(weights) == 0  # components 2 and 1 in the prose
    low, high = np.linalg.eigvalsh(long_run.final.covariances[1])
    assert 5.5 < np.sqrt(high / low) < 6.5  # "about six times as long as it is wide"


def test_every_figure_is_stored_titled_and_labelled():
    assert check_figures_titled_and_labelled(run_notebook_figures("04")) == 4
