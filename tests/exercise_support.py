"""Shared helpers of the exercise tests: run a checker over many seeds, find a notebook's
exercise cells, and execute a solution cell the way the notebook does."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import nbformat
import numpy as np
from scipy import linalg

import gmm_teach as gt
from gmm_teach import exercises

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STYLE_SEEDS = range(200)     # every correct style, on each of these seeds
MISTAKE_SEEDS = range(6)     # every mistake gets its own hint on each of these
CHECK_CALL = re.compile(r"^exercises\.(check_(\w+))\((\w+)\)\s*$", re.MULTILINE)


def notebook_path(prefix: str) -> Path:
    (path,) = NOTEBOOKS.glob(f"{prefix}_*.ipynb")
    return path


def failures(name: str, function, seeds=STYLE_SEEDS) -> list[tuple[int, str]]:
    """[(seed, message)] for every seed on which exercise `name` rejects `function`."""
    check = getattr(exercises, f"check_{name}")
    out = []
    for seed in seeds:
        feedback = check(function, seed=seed)
        if not feedback.correct:
            out.append((seed, feedback.message))
    return out


def hint_misses(name: str, function, fragment: str, seeds=MISTAKE_SEEDS) -> list[str]:
    """The messages (one per seed) that do not contain `fragment`; [] when every seed names it."""
    check = getattr(exercises, f"check_{name}")
    messages = [check(function, seed=seed).message for seed in seeds]
    return [m for m in messages if fragment not in m or m.startswith("Correct")]


def exercise_cells(prefix: str) -> dict[str, tuple]:
    """{exercise name: (skeleton cell, solution cell)} of a core notebook."""
    cells = nbformat.read(notebook_path(prefix), as_version=4).cells
    found = {}
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or "solution" in cell.metadata.get("tags", []):
            continue
        match = CHECK_CALL.search(cell.source)
        if match and index + 1 < len(cells) and "solution" in cells[index + 1].metadata.get(
                "tags", []):
            found[match.group(2)] = (cell, cells[index + 1])
    return found


def solution_function(source: str, name: str):
    """The function `name` defined by a solution cell's code (its definition only)."""
    definition = source.split("\n\n\n")[0]
    namespace = {"np": np, "gt": gt, "linalg": linalg}
    exec(compile(definition, f"<solution {name}>", "exec"), namespace)
    return namespace[name], definition.replace("# Model answer\n", "", 1)


def assert_notebook_solution(prefix: str, name: str) -> None:
    """The notebook's hidden solution cell for exercise `name` is the module's model answer,
    character for character, and passes its checker on 20 seeds; the skeleton cell above it
    is answered "Not attempted yet"."""
    skeleton, answer = exercise_cells(prefix)[name]
    function, definition = solution_function(answer.source, name)
    check = getattr(exercises, f"check_{name}")
    assert definition.strip() == inspect.getsource(exercises.reference(name)).strip()
    assert all(check(function, seed=s) for s in range(20))
    assert "Not attempted yet" in str(check(solution_function(skeleton.source, name)[0]))
