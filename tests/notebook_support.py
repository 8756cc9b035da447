"""Reading the stored notebooks and running their cells in-process, for the tests that check
what nbval cannot compare (widgets, the HTML player, claims made in the prose)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest
from threadpoolctl import threadpool_limits


def code_cells(notebook) -> list:
    """The code cells of an nbformat notebook, in order."""
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def code_sources(path) -> list[str]:
    """The source of every code cell of the notebook file at path, in order."""
    return [cell.source for cell in code_cells(nbformat.read(path, as_version=4))]


def run_cells(sources: list[str], namespace: dict):
    """Run cells like a kernel does; returns the value of the last cell's final expression."""
    result = None
    for source in sources:
        tree = ast.parse(source)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        if last is not None:
            tree.body.pop()
        exec(compile(tree, "<cell>", "exec"), namespace)
        result = (eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
                  if last is not None else None)
    return result


def run_until(sources: list[str], marker: str, namespace: dict):
    """Run the cells up to the first one containing `marker`; returns its final expression."""
    index = next(i for i, source in enumerate(sources) if marker in source)
    return run_cells(sources[:index + 1], namespace)


def notebook_functions(path, functions, namespace: dict) -> dict:
    """Execute the named top-level functions defined in the code cells of the notebook at
    path into `namespace` (which holds the imports they need); returns namespace. Fails if
    the notebook no longer defines one of them."""
    found = set()
    for source in code_sources(path):
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                exec(ast.get_source_segment(source, node), namespace)
                found.add(node.name)
    assert found == set(functions), f"{path} no longer defines {set(functions) - found}"
    return namespace


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """Import into a test module to run it with one BLAS/OpenMP thread, as notebooks 09-11
    do: many tiny fits, and on a busy 2-core machine threaded calls mostly wait for a core."""
    with threadpool_limits(limits=1):
        yield


def player_parts(page: str) -> tuple[list[str], list[str]]:
    """The frames (data: URIs) and captions inlined in scrubber.em_player_html's page."""
    frames = json.loads(re.search(r"var frames = (\[.*?\]);", page).group(1))
    captions = json.loads(re.search(r"var captions = (\[.*?\]);", page).group(1)
                          .replace("<\\/", "</"))
    return frames, captions


# ------------------------------------------------------------------ for test_notebook_0N
NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
IGNORE_TAG = "nbval-ignore-output"  # nbval does not compare the outputs of cells with this tag


def unchecked_cells(notebook) -> list:
    """The code cells whose outputs nbval does not compare (tagged nbval-ignore-output)."""
    return [c for c in code_cells(notebook) if IGNORE_TAG in c.metadata.get("tags", [])]


def unchecked_reason(cell) -> tuple[str, list[str]]:
    """(why nbval does not compare the cell's output, the test files that test it instead),
    from the cell's metadata "gmm_teach" (see course/markers.py)."""
    info = cell.metadata.get("gmm_teach", {})
    return info.get("unchecked_output", ""), list(info.get("tested_in", []))


def notebook_path(number: str) -> Path:
    """notebooks/NN_*.ipynb for number "NN"."""
    (path,) = NOTEBOOK_DIR.glob(f"{number}_*.ipynb")
    return path


def read_notebook(number: str):
    return nbformat.read(notebook_path(number), as_version=4)


def stdout_of(cell) -> str:
    """Everything a code cell printed."""
    return "".join(o.text for o in cell.outputs if o.output_type == "stream")


def cell_with(notebook, text: str, kind: str = "code"):
    """The one cell of the given kind whose source contains text."""
    (cell,) = [c for c in notebook.cells if c.cell_type == kind and text in c.source]
    return cell


def markdown_text(notebook) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def run_notebook_figures(number: str, namespace: dict | None = None) -> list:
    """Execute the notebook's code cells in-process (Agg) and return, per code cell,
    (cell, the figures that plt.show() displayed). Any warning is an error, as in the stored
    notebook. Pass a dict as namespace to keep the variables the cells define."""
    import warnings

    import matplotlib as mpl
    import matplotlib.pyplot as plt

    shown: list = []

    def show(*args, **kwargs):
        for figure_number in plt.get_fignums():
            shown.append(plt.figure(figure_number))
        plt.close("all")

    per_cell = []
    namespace = {} if namespace is None else namespace
    namespace.setdefault("__name__", f"notebook_{number}")
    original_show = plt.show
    plt.close("all")  # figures another test left open are not this notebook's
    plt.show = show
    path = notebook_path(number)
    try:
        with mpl.rc_context(), warnings.catch_warnings():
            warnings.simplefilter("error")
            for index, cell in enumerate(code_cells(nbformat.read(path, as_version=4))):
                shown.clear()
                exec(compile(cell.source, f"{path.name}[{index}]", "exec"), namespace)
                per_cell.append((cell, list(shown)))
    finally:
        plt.show = original_show
        plt.close("all")
    return per_cell


def drawn_axes(figure) -> list:
    """The axes that show data (colour bars excluded)."""
    return [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]


def check_figures_titled_and_labelled(per_cell) -> int:
    """Every figure has a title and labelled axes (iris axes in cm), no "component 0" in any
    title, label, text or legend, and was stored as a PNG; returns the number of figures."""
    n_figures = 0
    for cell, shown in per_cell:
        stored = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(stored) == len(shown), cell.source[:80]
        for figure in shown:
            n_figures += 1
            suptitle = figure._suptitle.get_text() if figure._suptitle else ""
            words = [suptitle, *(t.get_text() for t in figure.texts)]
            for ax in figure.axes:
                legend = ax.get_legend()
                words += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(),
                          *(t.get_text() for t in ax.texts),
                          *(t.get_text() for t in (legend.get_texts() if legend else []))]
            assert not [w for w in words if re.search(r"(?i)\bcomponent\s+0\b", w)], (
                "components are numbered from 1 in figures", cell.source[:80])
            for ax in drawn_axes(figure):
                assert ax.get_title() or suptitle, cell.source[:80]
                # a grid of shared axes labels its outer axes only
                xlabel = [a.get_xlabel() for a in ax.get_shared_x_axes().get_siblings(ax)]
                ylabel = [a.get_ylabel() for a in ax.get_shared_y_axes().get_siblings(ax)]
                assert any(xlabel) and any(ylabel), (cell.source[:80], ax.get_title())
                if "sepal" in ax.get_xlabel():
                    assert ax.get_xlabel() == "sepal length (cm)"
                    assert ax.get_ylabel() in ("sepal width (cm)", "")
    return n_figures


def collections_by_label(figure) -> dict:
    """The labelled scatter collections of a figure, by label."""
    return {c.get_label(): c for ax in figure.axes for c in ax.collections
            if not c.get_label().startswith("_")}
