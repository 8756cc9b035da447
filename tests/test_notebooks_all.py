"""What holds for every notebook: the index and the README list each one, each stored notebook
was executed top to bottom without errors or warnings (nbval then compares it), its code cells
are short, every cell nbval cannot compare says why and where it is tested, and the core
notebooks end with their exercises."""

import re
from pathlib import Path

import nbformat
import pytest
from notebook_support import code_cells

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LINK = re.compile(r"\[(\d\d · [^\]]+)\]\((?:notebooks/)?(\d\d_\w+\.ipynb)\)")
MAX_CELL_LINES = 15
EXERCISES = {"01": ("check_gaussian_pdf", "check_mle_gaussian"),
             "02": ("check_mvn_logpdf", "check_ellipse_axes"),
             "03": ("check_responsibility_by_hand", "check_e_step"),
             "04": ("check_m_step_means", "check_m_step_covariances"),
             "05": ("check_lower_bound", "check_posterior_kl"),
             "06": ("check_stopping_rule", "check_bic")}


def title(path: Path) -> str:
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), path.name
    return first.source.splitlines()[0][2:].strip()


def links(text: str) -> dict[str, str]:
    return {name: shown for shown, name in LINK.findall(text)}


def test_notebooks_are_numbered_in_reading_order():
    names = [p.name for p in NOTEBOOKS]
    assert names[0] == "00_index.ipynb"
    numbers = [int(name[:2]) for name in names]
    assert numbers == list(range(len(names))), names
    for path in NOTEBOOKS:
        assert title(path).startswith(path.name[:2] + " · ")


@pytest.mark.parametrize("document", ["notebooks/00_index.ipynb", "README.md"])
def test_index_and_readme_link_every_notebook_by_its_title(document):
    path = ROOT / document
    text = (path.read_text() if path.suffix == ".md" else
            "\n".join(c.source for c in nbformat.read(path, as_version=4).cells))
    listed = links(text)
    expected = {p.name: title(p) for p in NOTEBOOKS if p.name != "00_index.ipynb"}
    assert listed == expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_notebook_was_run_top_to_bottom_cleanly(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = code_cells(notebook)
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "restart and run all, then save"
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", cell.source[:80]
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"a warning or error was printed: {output.text[:200]}")
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_short(path):
    """The math being taught stays in the notebook, the machinery goes into gmm_teach."""
    long = {index: len(cell.source.splitlines())
            for index, cell in enumerate(nbformat.read(path, as_version=4).cells)
            if cell.cell_type == "code" and len(cell.source.splitlines()) > MAX_CELL_LINES}
    assert not long, f"cells (index: lines) over {MAX_CELL_LINES} lines: {long}"


@pytest.mark.parametrize("number", sorted(EXERCISES))
def test_core_notebooks_end_with_exercises_and_hidden_model_answers(number):
    (path,) = (ROOT / "notebooks").glob(f"{number}_*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    headings = [i for i, c in enumerate(notebook.cells)
                if c.cell_type == "markdown" and "## Exercises" in c.source]
    assert len(headings) == 1
    after = notebook.cells[headings[0]:]
    code = [c for c in after if c.cell_type == "code"]
    assert len(code) == 2 * len(EXERCISES[number])
    pairs = zip(code[::2], code[1::2], strict=True)
    for checker, (skeleton, answer) in zip(EXERCISES[number], pairs, strict=True):
        assert 'raise NotImplementedError("your code here")' in skeleton.source
        assert f"exercises.{checker}(" in skeleton.source
        assert "solution" not in skeleton.metadata.get("tags", [])
        assert skeleton.outputs[-1].data["text/plain"].startswith("Not attempted yet:")
        assert answer.metadata["tags"] == ["solution"]
        assert answer.metadata["jupyter"]["source_hidden"] is True
        assert "NotImplementedError" not in answer.source
        assert answer.outputs[-1].data["text/plain"].startswith("Correct:")
    assert all(c.cell_type == "markdown" or c in code for c in after)
