"""The exercises of notebooks 01-06 as an nbgrader assignment (nbgrader's source format).

    python3 run.py assignments OUT [--force]

writes OUT/source/gmm_exercises/NN_name.ipynb, one notebook per core notebook, for a course
folder OUT that nbgrader manages (``nbgrader generate_assignment gmm_exercises`` in OUT, then
release, collect and ``nbgrader autograde gmm_exercises``). In each:

- a locked set-up cell (the imports the exercises use);
- per exercise, its text, an answer cell (nbgrader "solution") holding the model answer
  between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (nbgrader replaces it with
  ``raise NotImplementedError()``, which the checks read as "not attempted yet"), and a locked
  graded test cell worth POINTS points calling the same check as the notebook: it prints the
  feedback and fails unless correct, then ``### BEGIN HIDDEN TESTS`` checks HIDDEN_SEEDS more
  fixed seeds (removed from the students' copy, run at grading).

The model answers are taken from the notebooks' hidden solution cells, so they are the
checkers' references (tests/test_exercises_nb0N.py keeps them equal).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .notebook_files import CommandError, notebook_text, read_notebook, write_all_or_nothing

__all__ = ["ASSIGNMENT", "POINTS", "assignment_notebook", "make_assignments", "main"]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CORE = ("01", "02", "03", "04", "05", "06")
ASSIGNMENT = "gmm_exercises"
POINTS = 2
HIDDEN_SEEDS = range(1000, 1005)
SETUP = ("import numpy as np\n"
         "from scipy import linalg\n\n"
         "import gmm_teach as gt\n"
         "from gmm_teach import exercises")
CHECK = re.compile(r"^exercises\.check_(\w+)\((\w+)\)\s*$", re.MULTILINE)


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False,
              points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(text: str, metadata=None) -> dict:
    return {"cell_type": "markdown", "metadata": metadata or {}, "source": text}


def _code(text: str, metadata: dict) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": metadata,
            "outputs": [], "source": text}


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _answer_cell(definition: str, name: str) -> str:
    """The model answer with its body between nbgrader's solution markers."""
    head, _, body = definition.partition("\n")
    return f"{head}\n    ### BEGIN SOLUTION\n{body.rstrip()}\n    ### END SOLUTION"


def _test_cell(name: str) -> str:
    return (f"feedback = exercises.check_{name}({name})\n"
            "print(feedback)\n"
            "assert feedback.correct, feedback.message\n"
            "### BEGIN HIDDEN TESTS\n"
            f"for seed in range({HIDDEN_SEEDS.start}, {HIDDEN_SEEDS.stop}):\n"
            f"    feedback = exercises.check_{name}({name}, seed=seed)\n"
            "    assert feedback.correct, feedback.message\n"
            "### END HIDDEN TESTS")


def assignment_notebook(path: Path) -> tuple[dict, list[str]]:
    """The nbgrader source notebook for one core notebook, and its exercise names."""
    notebook = read_notebook(path)
    cells = notebook["cells"]
    starts = [i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"
              and re.search(r"^## Exercises", _source(c), re.MULTILINE)]
    if len(starts) != 1:
        raise CommandError(f"{path} has no single '## Exercises' section.")
    title = _source(cells[0]).splitlines()[0].lstrip("# ").strip()
    out = [_markdown(f"# Exercises: {title}\n\nFrom `notebooks/{path.name}`. Write each "
                     "function in its answer cell; the cell below it checks it.")]
    out.append(_code(SETUP, _nbgrader("setup", locked=True)))
    names = []
    for index, cell in enumerate(cells[starts[0]:], start=starts[0]):
        text = _source(cell)
        if cell.get("cell_type") == "markdown":
            if index == starts[0]:            # the notebook's intro speaks of hidden answers
                text = text[text.find("### Exercise"):] if "### Exercise" in text else ""
            if text.strip():
                out.append(_markdown(text))
        elif "solution" in cell.get("metadata", {}).get("tags", []):
            name = CHECK.search(text).group(1)
            definition = text.split("\n\n\n")[0].replace("# Model answer\n", "", 1)
            out.append(_code(_answer_cell(definition, name),
                             _nbgrader(name, solution=True)))
            out.append(_code(_test_cell(name), _nbgrader(f"check_{name}", grade=True,
                                                         locked=True, points=POINTS)))
            names.append(name)
    notebook = {"cells": out, "metadata": {"kernelspec": notebook["metadata"].get(
        "kernelspec", {}), "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5}
    for number, cell in enumerate(notebook["cells"]):
        cell["id"] = f"{path.name[:2]}-{number:02d}"
    return notebook, names


def make_assignments(out_dir, force: bool = False) -> dict[str, list[str]]:
    """Write the assignment under out_dir/source/ASSIGNMENT; {notebook: exercise names}."""
    paths = [next(iter(sorted(NOTEBOOKS.glob(f"{prefix}_*.ipynb"))), None) for prefix in CORE]
    if None in paths:
        raise CommandError(f"the core notebooks 01-06 are not all in {NOTEBOOKS}.")
    built = {path.name: assignment_notebook(path) for path in paths}
    files = {f"source/{ASSIGNMENT}/{name}": notebook_text(nb) for name, (nb, _) in
             built.items()}
    write_all_or_nothing(Path(out_dir), files, paths, force=force)
    return {name: names for name, (_, names) in built.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 run.py assignments",
        description="Write the exercises of notebooks 01-06 as an nbgrader assignment.")
    parser.add_argument("out", help="the nbgrader course folder (created if needed)")
    parser.add_argument("--force", action="store_true", help="replace an earlier output")
    args = parser.parse_args(argv)
    try:
        written = make_assignments(args.out, args.force)
    except CommandError as error:
        print(f"assignments: {error}")
        return 2
    for name, names in written.items():
        print(f"{name}: {len(names)} graded exercises ({', '.join(names)}), "
              f"{POINTS * len(names)} points")
    print(f"nbgrader source written to {Path(args.out) / 'source' / ASSIGNMENT}; in that "
          f"course folder run `nbgrader generate_assignment {ASSIGNMENT}`.")
    return 0
