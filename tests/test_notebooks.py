"""The notebooks as files: the index and the README list every one of them, and every stored
notebook was executed top to bottom without errors or warnings (nbval then compares it)."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LINK = re.compile(r"\[(\d\d · [^\]]+)\]\((?:notebooks/)?(\d\d_\w+\.ipynb)\)")
IGNORE = "# NBVAL_IGNORE_OUTPUT"


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
    code = [c for c in notebook.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "restart and run all, then save"
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", cell.source[:80]
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"a warning or error was printed: {output.text[:200]}")
        if cell.source.startswith(IGNORE):
            reason = cell.source.splitlines()[1]
            assert reason.startswith("# ") and "tested in tests/" in reason, cell.source[:120]
            for named in re.findall(r"tests/\w+\.py", reason):
                assert (ROOT / named).is_file(), named
    assert notebook.metadata["kernelspec"]["name"] == "python3"
