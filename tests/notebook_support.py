"""Reading the stored notebooks and running their cells in-process, for the tests that check
what nbval cannot compare (widgets, the HTML player, claims made in the prose)."""

from __future__ import annotations

import ast
import json
import re

import nbformat


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


def player_parts(page: str) -> tuple[list[str], list[str]]:
    """The frames (data: URIs) and captions inlined in scrubber.em_player_html's page."""
    frames = json.loads(re.search(r"var frames = (\[.*?\]);", page).group(1))
    captions = json.loads(re.search(r"var captions = (\[.*?\]);", page).group(1)
                          .replace("<\\/", "</"))
    return frames, captions
