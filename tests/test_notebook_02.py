"""Notebook 02 (the d-variate Gaussian): what nbval cannot compare.

The table of errors near a singular covariance is marked NBVAL_IGNORE_OUTPUT: its digits are
rounding errors, which differ between builds of numpy's linear algebra. Its claims are checked
here, on every run, from the notebook's own code: each error grows by more than a factor of 10
with every thousandfold smaller epsilon, and the Cholesky route's error stays below the
inverse's.
"""

import numpy as np
import pytest
from notebook_support import (
    IGNORE_TAG,
    cell_with,
    check_figures_titled_and_labelled,
    markdown_text,
    read_notebook,
    run_cells,
    run_notebook_figures,
)

NOTEBOOK = read_notebook("02")


@pytest.fixture(scope="module")
def error_table():
    namespace: dict = {}
    imports = NOTEBOOK.cells[1].source
    definitions = cell_with(NOTEBOOK, "def exact_logpdf(x, cov):").source
    table = cell_with(NOTEBOOK, "rows.append((eps, exact,").source
    assert IGNORE_TAG in cell_with(NOTEBOOK, "rows.append((eps, exact,").metadata["tags"]
    run_cells([imports, definitions, table.replace("gt.print_table(", "(")], namespace)
    return namespace["rows"]


def test_errors_grow_as_the_covariance_nears_singularity(error_table):
    epsilons = [row[0] for row in error_table]
    assert epsilons == [1e-6, 1e-9, 1e-12, 1e-15]
    for column in (2, 3):
        errors = np.array([row[column] for row in error_table])
        assert np.all(errors[1:] > 10 * errors[:-1]), errors
    assert error_table[0][2] < 1e-9 and error_table[0][3] < 1e-9  # far from singular: fine


def test_the_cholesky_route_loses_fewer_digits(error_table):
    for eps, _, naive, cholesky in error_table:
        assert cholesky < naive, eps


def test_the_prose_states_what_the_table_shows():
    text = markdown_text(NOTEBOOK)
    assert "more than\na factor of 10 with every thousandfold smaller" in text
    assert "stays below the inverse's" in text


def test_the_singular_case_names_the_problem_and_the_fix():
    printed = "".join(o.text for o in cell_with(NOTEBOOK, "cov_singular = R @").outputs)
    assert "np.linalg.inv:  LinAlgError: Singular matrix" in printed
    assert "gt.mvn_logpdf: ValueError: cov is not positive definite" in printed


def test_the_far_point_density_is_far_below_the_smallest_double():
    assert "$e^{-800} \\approx 4 \\times 10^{-348}$" in markdown_text(NOTEBOOK)
    exponent = -800 / np.log(10)  # e^-800 = 10^exponent
    assert round(10 ** (exponent - np.floor(exponent))) == 4 and np.floor(exponent) == -348
    assert np.exp(-800.0) == 0.0 and 1e-323 > np.nextafter(0.0, 1.0) > 1e-324  # ~5e-324


def test_every_figure_is_stored_titled_and_labelled():
    assert check_figures_titled_and_labelled(run_notebook_figures("02")) > 0
