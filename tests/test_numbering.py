"""One numbering for the whole suite (issue 9).

Equations are numbered by notebook: (n.k) is the k-th numbered equation of notebook n, in
reading order, defined once by a ``\\tag{n.k}`` in notebook n and cited everywhere else (in any
notebook and in gmm_teach's docstrings and comments) as "(n.k)" or "eq. (n.k)". Components are
numbered from 1 wherever a student reads them. This file reads every notebook (all
``notebooks/NN_*.ipynb``), every ``gmm_teach/**/*.py`` and the README, and fails on:

- a ``\\tag`` that is not of the form n.k, is in a notebook other than n, is defined twice, or
  breaks the reading order n.1, n.2, ...;
- a reference (n.k) that no notebook defines;
- an old-style bare equation reference: "eq. (5)", "equation (5)", "(7)-(10)", "(5), (6)"
  anywhere (code, strings, outputs), and "(N)" alone in markdown or in gmm_teach's docstrings
  and comments (N <= 17, the old numbers);
- "component 0" in markdown, code, text outputs and the package.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MODULES = sorted((ROOT / "gmm_teach").rglob("*.py"))

TAG = re.compile(r"\\tag\*?\{([^}]*)\}")
NEW_STYLE = re.compile(r"^([1-9]\d?)\.([1-9]\d?)$")
# "(4.7)" or "(4.7)-(4.8)"; not "(0.5)", "f(1.5)" or "(1.50)": one or two digits, no zero start
REFERENCE = re.compile(r"(?<![\w.\]])\(([1-9]\d?)\.([1-9]\d?)\)")
# The old numbers: (1) .. (17), cited as equations
OLD = r"\((?:[1-9]|1[0-7])\)"
OLD_CITATION = re.compile(
    rf"(?:\beqs?\.|\bequations?|\bformulae?|\bformulas)\s*{OLD}"  # eq. (5), equation (5)
    rf"|{OLD}\s*(?:[-\u2013]|to)\s*{OLD}"                          # (7)-(10), (7) to (10)
    rf"|{OLD}\s*(?:,|and|or)\s*{OLD}",                             # (5), (6) / (5) and (6)
    re.IGNORECASE)
# a bare "(5)" in prose: not part of a call f(5), an index a[(5)] or a tuple (5, 6)
BARE_OLD = re.compile(rf"(?<![\w\]\)\^_{{'\"]){OLD}")
COMPONENT_0 = re.compile(r"\bcomponent\s+0\b", re.IGNORECASE)


def notebook_number(path: Path) -> int:
    return int(path.name[:2])


def text_outputs(cell) -> list[str]:
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            texts.append(output.text)
        elif "data" in output and "text/plain" in output.data:
            texts.append(output.data["text/plain"])
    return texts


def code_comments(source: str) -> list[str]:
    """The comments of a piece of Python (a notebook cell may not parse: then whole lines)."""
    try:
        return [token.string for token in tokenize.generate_tokens(io.StringIO(source).readline)
                if token.type == tokenize.COMMENT]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [line[line.index("#"):] for line in source.splitlines() if "#" in line]


def docstrings(source: str) -> list[str]:
    tree = ast.parse(source)
    nodes = [tree, *(node for node in ast.walk(tree) if isinstance(
        node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))]
    return [doc for doc in (ast.get_docstring(node, clean=False) for node in nodes) if doc]


def collect():
    """Everything the rules look at, as (where, kind, text) with kind in: markdown, code,
    comment, output, module, docstring."""
    pieces = []
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for i, cell in enumerate(notebook.cells):
            where = f"{path.name} cell {i}"
            if cell.cell_type == "markdown":
                pieces.append((where, "markdown", cell.source))
            elif cell.cell_type == "code":
                pieces.append((where, "code", cell.source))
                pieces += [(where, "comment", c) for c in code_comments(cell.source)]
                pieces += [(where + " output", "output", t) for t in text_outputs(cell)]
    pieces.append(("README.md", "markdown", (ROOT / "README.md").read_text()))
    for path in MODULES:
        source = path.read_text()
        where = str(path.relative_to(ROOT))
        pieces.append((where, "module", source))
        pieces += [(where, "docstring", d) for d in docstrings(source)]
        pieces += [(where, "comment", c) for c in code_comments(source)]
    return pieces


PIECES = collect()


def tags_by_notebook() -> dict[Path, list[str]]:
    tags = {}
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        tags[path] = [tag.strip() for cell in notebook.cells for tag in TAG.findall(cell.source)]
    return tags


TAGS = tags_by_notebook()
DEFINED = {tag for found in TAGS.values() for tag in found}


def test_the_suite_numbers_its_equations():
    assert len(NOTEBOOKS) >= 11 and len(MODULES) >= 10
    assert "1.1" in DEFINED and "4.6" in DEFINED, sorted(DEFINED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_tags_are_n_k_of_their_own_notebook_in_reading_order(path):
    n = notebook_number(path)
    problems = []
    for position, tag in enumerate(TAGS[path], start=1):
        match = NEW_STYLE.match(tag)
        if not match:
            problems.append(f"\\tag{{{tag}}} is not of the form {n}.k")
        elif int(match.group(1)) != n:
            problems.append(f"\\tag{{{tag}}} belongs in notebook {match.group(1)}, not {n}")
        elif int(match.group(2)) != position:
            problems.append(f"\\tag{{{tag}}} is the {position}-th tag of the notebook: "
                            f"number it {n}.{position} (reading order)")
    assert not problems, problems


def test_no_tag_is_defined_twice():
    where = defaultdict(list)
    for path, tags in TAGS.items():
        for tag in tags:
            where[tag].append(path.name)
    twice = {tag: names for tag, names in where.items() if len(names) > 1}
    assert not twice, f"tagged more than once (tag it once, cite it elsewhere): {twice}"


def test_every_reference_is_defined():
    undefined = set()
    for where, kind, text in PIECES:
        if kind in ("comment", "docstring"):
            continue  # the whole module text and the cell source are scanned already
        text = TAG.sub("", text)
        for n, k in REFERENCE.findall(text):
            if f"{n}.{k}" not in DEFINED:
                undefined.add(f"{where}: ({n}.{k})")
    assert not undefined, sorted(undefined)


def old_style_references(kind: str, text: str) -> list[str]:
    """The old-style citations in text, overlapping hits merged ("(7)-(10)" is one)."""
    if kind == "markdown":
        text = re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), text)  # code spans: f(3)
    spans = [m.span() for m in OLD_CITATION.finditer(text)]
    if kind in ("markdown", "docstring", "comment"):
        spans += [m.span() for m in BARE_OLD.finditer(text)]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end] for start, end in merged]


def test_no_old_style_equation_references():
    old = []
    for where, kind, text in PIECES:
        # a module's docstrings and comments are pieces of their own; its whole text is read
        # for citations in strings too ("eq. (6)" in a figure title)
        old += [f"{where} ({kind}): {hit!r}" for hit in old_style_references(kind, text)]
    assert not old, "cite equations as (n.k): " + "; ".join(sorted(set(old)))


def test_components_are_numbered_from_one():
    zero = sorted({f"{where} ({kind}): {m.group(0)!r}"
                   for where, kind, text in PIECES if kind != "comment"
                   for m in COMPONENT_0.finditer(text)})
    assert not zero, zero


@pytest.mark.parametrize("text, kind, flagged", [
    ("the E-step (5) and eq. (6)", "markdown", 2),
    ("the M-step (7)-(10)", "markdown", 1),
    ("equations (12), (13) and (15)", "markdown", 2),
    ("on a machine with (2 cores) and f(3)", "markdown", 0),
    ("`np.zeros(3)` and $x^{(2)}$", "markdown", 0),
    ("print(f'eq. (4) in numpy')", "code", 1),
    ("np.zeros(3); range(10); x[(1)]", "code", 0),
    ("responsibilities, eq. (3.2), and the M-step (4.7)", "docstring", 0),
    ("returns (N, K), see (5)", "docstring", 1),
])
def test_the_old_style_pattern_flags_references_and_nothing_else(text, kind, flagged):
    assert len(old_style_references(kind, text)) == flagged, old_style_references(kind, text)


def test_the_reference_and_component_patterns():
    assert REFERENCE.findall("as in (3.2) and eq. (4.7)-(4.8)") == [("3", "2"), ("4", "7"),
                                                                      ("4", "8")]
    assert REFERENCE.findall("f(1.5), (0.5), x = (5.00, 3.40), (1.0)") == []
    assert COMPONENT_0.search("Component 0 holds") and COMPONENT_0.search("component  0")
    assert not COMPONENT_0.search("component 01") and not COMPONENT_0.search("component 10")
