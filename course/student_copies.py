"""Student copies of the notebooks: the same notebooks without the model answers.

    python3 run.py student-copies SRC OUT [--force]

SRC is a folder of notebooks (every *.ipynb in it) or one notebook; OUT the folder for the
copies. Every cell tagged ``solution`` (the hidden model answers after each exercise) is
removed; everything else, stored outputs included, is kept, so a copy still reads well without
a kernel. The exercise cells stay: each ends with its check (``exercises.check_*``). All the
notebooks are read and checked before anything is written, and the copies are written all or
nothing; a copy never replaces a source notebook, nor (without --force) an existing file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .notebook_files import CommandError, notebook_text, read_notebook, write_all_or_nothing

__all__ = ["SOLUTION_TAG", "strip_solutions", "make_student_copies", "main"]

SOLUTION_TAG = "solution"


def _is_solution(cell: dict) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def strip_solutions(notebook: dict) -> tuple[dict, int]:
    """A copy of the notebook (parsed JSON) without its solution cells, and how many cells
    were removed."""
    kept = [cell for cell in notebook["cells"] if not _is_solution(cell)]
    return {**notebook, "cells": kept}, len(notebook["cells"]) - len(kept)


def _sources(src: Path) -> list[Path]:
    if src.is_dir():
        paths = sorted(src.glob("*.ipynb"))
        if not paths:
            raise CommandError(f"{src} holds no notebooks (*.ipynb).")
        return paths
    if not src.exists():
        raise CommandError(f"{src} does not exist; give a folder of notebooks or a notebook.")
    return [src]


def make_student_copies(src, out_dir, force: bool = False) -> dict[str, int]:
    """Write a student copy of every notebook of src into out_dir; {file name: cells removed}."""
    paths = _sources(Path(src))
    copies = {path.name: strip_solutions(read_notebook(path)) for path in paths}
    write_all_or_nothing(Path(out_dir), {name: notebook_text(nb) for name, (nb, _) in
                                         copies.items()}, paths, force=force)
    return {name: removed for name, (_, removed) in copies.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 run.py student-copies",
        description="Copy the notebooks without the model answers (cells tagged 'solution').")
    parser.add_argument("src", help="a folder of notebooks (e.g. notebooks), or one notebook")
    parser.add_argument("out", help="folder for the student copies (created if needed)")
    parser.add_argument("--force", action="store_true", help="replace existing copies in OUT")
    args = parser.parse_args(argv)
    try:
        removed = make_student_copies(args.src, args.out, args.force)
    except CommandError as error:
        print(f"student-copies: {error}")
        return 2
    for name, count in removed.items():
        print(f"{name}: {count} model answer(s) removed")
    print(f"{len(removed)} student copies written to {args.out}")
    return 0
