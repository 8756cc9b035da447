"""Notebook 00 (the index): what it promises holds.

The set-up check reads the pins in constraints.txt; the numbering scheme and the components'
numbering it states are the ones tests/test_numbering.py enforces; the functions it names are
named after the equations their docstrings cite; the figure's numbers are printed.
"""

import re
from pathlib import Path

from notebook_support import cell_with, markdown_text, read_notebook, stdout_of

import gmm_teach as gt

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = read_notebook("00")


def test_the_set_up_check_names_every_pinned_package_it_reads():
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().split()
                if "==" in line)
    printed = stdout_of(cell_with(NOTEBOOK, "pins = dict("))
    for line in printed.splitlines():
        package, running, status = line.split(maxsplit=2)
        assert package in pins and status == "as pinned" and running == pins[package]


def test_the_index_states_the_numbering_scheme_and_components_from_one():
    text = markdown_text(NOTEBOOK)
    assert "Equation $(n.k)$ is the $k$-th numbered equation\n  of notebook $n$" in text
    assert "**Components are numbered from 1**" in text


def test_the_functions_named_with_equation_numbers_cite_them_in_their_docstrings():
    text = markdown_text(NOTEBOOK)
    named = re.findall(r"`gt\.(\w+)` ((?:\(\d\.\d\)(?:, )?)+)", text)
    assert [name for name, _ in named] == ["gaussian_pdf", "mvn_logpdf", "e_step", "m_step"]
    for name, numbers in named:
        for number in re.findall(r"\d\.\d", numbers):
            assert f"({number})" in getattr(gt, name).__doc__, (name, number)


def test_the_figure_cell_prints_what_the_caption_claims():
    cell = cell_with(NOTEBOOK, "trace = gt.run_em(X, gt.initial_params(X, 3, random_state=0))")
    assert "3 components, {trace.n_iter} iterations" in cell.source
    assert stdout_of(cell).startswith("mean log-likelihood of the fit: -1.4980 per flower")
