"""Student copies of the notebooks: the same notebooks without the model answers.

    python -m gmm_teach.student_copies OUT_DIR              # every notebooks/*.ipynb
    python -m gmm_teach.student_copies OUT_DIR a.ipynb ...  # just these

Every cell tagged ``solution`` (the hidden model answers after each exercise) is removed;
everything else, stored outputs included, is kept, so a copy still reads well without a
kernel. The exercise cells themselves stay: each ends with its check (``exercises.check_*``),
which tells the student whether the answer is right. The source notebooks are never changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["SOLUTION_TAG", "strip_solutions", "make_student_copies", "main"]

SOLUTION_TAG = "solution"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _is_solution(cell: dict) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def strip_solutions(notebook: dict) -> tuple[dict, int]:
    """A copy of the notebook (as parsed JSON) without its solution cells, and how many
    cells were removed."""
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("not a Jupyter notebook: expected a JSON object with a 'cells' list.")
    kept = [cell for cell in notebook["cells"] if not _is_solution(cell)]
    return {**notebook, "cells": kept}, len(notebook["cells"]) - len(kept)


def make_student_copies(out_dir, notebooks=None) -> dict[str, int]:
    """Write a student copy of each notebook into out_dir; returns {file name: cells removed}.

    notebooks: paths of .ipynb files (default: every notebook in the repository's notebooks/).
    out_dir must not be the folder the notebooks come from, so no source is overwritten.
    """
    out_dir = Path(out_dir)
    paths = sorted(NOTEBOOKS.glob("*.ipynb")) if notebooks is None else [
        Path(p) for p in notebooks]
    if not paths:
        raise ValueError("no notebooks given, and none found in " + str(NOTEBOOKS))
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"{path} is not a notebook file (.ipynb).")
        if path.resolve().parent == out_dir.resolve():
            raise ValueError(f"{out_dir} holds the source notebooks; choose another folder "
                             "so that the notebooks with answers are not overwritten.")
    out_dir.mkdir(parents=True, exist_ok=True)
    removed = {}
    for path in paths:
        notebook, count = strip_solutions(json.loads(path.read_text(encoding="utf-8")))
        text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        (out_dir / path.name).write_text(text, encoding="utf-8")
        removed[path.name] = count
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gmm_teach.student_copies",
        description="Copy the notebooks without the model answers (cells tagged 'solution').")
    parser.add_argument("out_dir", help="folder for the student copies (created if needed)")
    parser.add_argument("notebooks", nargs="*", help="notebooks to copy (default: all)")
    args = parser.parse_args(argv)
    try:
        removed = make_student_copies(args.out_dir, args.notebooks or None)
    except ValueError as error:
        parser.error(str(error))
    for name, count in removed.items():
        print(f"{name}: {count} model answer(s) removed")
    print(f"{len(removed)} student copies written to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
