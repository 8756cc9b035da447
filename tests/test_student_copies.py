"""Exercises in the core notebooks, and the student copies made without the model answers."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gmm_teach import student_copies

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CORE = ("01_", "02_", "03_", "04_", "05_")
CHECK_CALL = re.compile(r"^exercises\.(check_\w+)\((\w+)\)\s*$", re.MULTILINE)


def core_notebooks():
    return [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if p.name.startswith(CORE)]


def is_solution(cell) -> bool:
    return "solution" in cell.get("metadata", {}).get("tags", [])


def output_text(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        texts.append("".join(data.get("text/plain", "")) + "".join(output.get("text", "")))
    return "\n".join(texts)


@pytest.mark.parametrize("path", core_notebooks(), ids=lambda p: p.name)
def test_core_notebook_ends_with_checked_exercises(path):
    cells = nbformat.read(path, as_version=4).cells
    headings = [i for i, c in enumerate(cells)
                if c.cell_type == "markdown" and re.search(r"^## Exercises", c.source, re.M)]
    assert len(headings) == 1, "one '## Exercises' section"
    exercise_cells = [c for c in cells[headings[0]:] if c.cell_type == "code"]
    skeletons = [c for c in exercise_cells if not is_solution(c)]
    answers = [c for c in exercise_cells if is_solution(c)]
    assert 2 <= len(skeletons) <= 3 and len(answers) == len(skeletons)
    for skeleton, answer in zip(skeletons, answers, strict=True):
        assert 'raise NotImplementedError("your code here")' in skeleton.source
        check = CHECK_CALL.search(skeleton.source)
        assert check, skeleton.source
        assert CHECK_CALL.search(answer.source).group(1) == check.group(1)
        assert "Not attempted yet" in output_text(skeleton), output_text(skeleton)
        assert re.search(r"^Correct: ", output_text(answer), re.M), output_text(answer)
        assert answer.metadata.get("jupyter", {}).get("source_hidden") is True


def test_student_copies_drop_exactly_the_model_answers(tmp_path):
    removed = student_copies.make_student_copies(tmp_path)
    sources = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert sorted(removed) == [p.name for p in sources]
    for path in sources:
        original = nbformat.read(path, as_version=4)
        copy = nbformat.read(tmp_path / path.name, as_version=4)
        nbformat.validate(copy)
        kept = [c for c in original.cells if not is_solution(c)]
        assert removed[path.name] == len(original.cells) - len(kept)
        assert [c.source for c in copy.cells] == [c.source for c in kept]
        assert not any(is_solution(c) for c in copy.cells)
        assert [c.get("outputs") for c in copy.cells] == [c.get("outputs") for c in kept]
    for path in core_notebooks():
        assert removed[path.name] >= 2


def test_student_copy_runs_top_to_bottom_and_says_not_attempted(tmp_path):
    student_copies.make_student_copies(tmp_path, [NOTEBOOKS / "01_gaussian_1d.ipynb"])
    copy = nbformat.read(tmp_path / "01_gaussian_1d.ipynb", as_version=4)
    NotebookClient(copy, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    checks = [c for c in copy.cells if c.cell_type == "code" and CHECK_CALL.search(c.source)]
    assert checks and all(output_text(c).startswith("Not attempted yet") for c in checks)


def test_command_line(tmp_path):
    out = tmp_path / "students"
    result = subprocess.run([sys.executable, "-m", "gmm_teach.student_copies", str(out),
                             str(NOTEBOOKS / "02_gaussian_nd.ipynb")],
                            capture_output=True, text=True, check=True)
    assert "02_gaussian_nd.ipynb: 2 model answer(s) removed" in result.stdout
    assert json.loads((out / "02_gaussian_nd.ipynb").read_text())["cells"]


def test_refuses_to_overwrite_the_sources_and_non_notebooks(tmp_path):
    with pytest.raises(ValueError, match="holds the source notebooks"):
        student_copies.make_student_copies(NOTEBOOKS)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    with pytest.raises(ValueError, match="not a notebook file"):
        student_copies.make_student_copies(tmp_path / "out", [text_file])
    with pytest.raises(ValueError, match="not a Jupyter notebook"):
        student_copies.strip_solutions({"cells": "nope"})
