"""Notebook 06 (side by side with scikit-learn): what nbval cannot check.

nbval compares the printed outputs. Here: the figures, re-drawn in-process from the
notebook's own code (titles, labels, the component colours and markers), and the claims in
the prose that no cell prints as a number: the lone setosa of the middle label, the article's
example (7 iterations there, 8 with the pinned versions) and the margin that decides it.
"""

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.markers import MarkerStyle
from notebook_support import (
    cell_with,
    check_figures_titled_and_labelled,
    collections_by_label,
    drawn_axes,
    markdown_text,
    read_notebook,
    run_notebook_figures,
    stdout_of,
    unchecked_cells,
)
from sklearn.mixture import GaussianMixture

import gmm_teach as gt

NOTEBOOK = read_notebook("06")


@pytest.fixture(scope="module")
def figures():
    return run_notebook_figures("06")


def test_nothing_is_exempt_from_nbval():
    assert unchecked_cells(NOTEBOOK) == []


def test_every_figure_is_stored_titled_and_labelled(figures):
    assert check_figures_titled_and_labelled(figures) == 2


def test_notebook_06_scatter_uses_the_component_colours_and_markers(figures):
    (figure,) = [f for cell, shown in figures for f in shown
                 if "gm.predict(X)" in drawn_axes(f)[0].get_title()]
    scatters = collections_by_label(figure)
    X, _ = gt.load_iris_sepal()
    assert len(scatters) == 3
    total = 0
    for k in range(3):
        (label,) = [name for name in scatters if name.startswith(f"label {k} (component {k + 1})")]
        collection = scatters[label]
        np.testing.assert_allclose(collection.get_facecolor()[0][:3], to_rgb(gt.component_color(k)))
        marker = MarkerStyle(gt.component_marker(k))
        expected = marker.get_path().transformed(marker.get_transform()).vertices
        np.testing.assert_allclose(collection.get_paths()[0].vertices, expected)
        total += len(collection.get_offsets())
        assert label.endswith(f": {len(collection.get_offsets())} flowers")
    assert total == len(X)




# ----------------------------------------------------------------------------- the prose
def test_the_one_setosa_outside_the_setosa_label_is_the_narrowest():
    X, species = gt.load_iris_sepal()
    labels = GaussianMixture(n_components=3, random_state=0).fit(X).predict(X)
    setosa = species == "setosa"
    assert np.sum(labels[~setosa] == 2) == 0 and np.sum(labels[setosa] != 2) == 1
    (lone,) = np.flatnonzero(setosa & (labels != 2))
    assert X[lone, 1] == X[setosa, 1].min()  # "the setosa with the narrowest sepals"
    assert tuple(X[lone]) == (4.5, 2.3)
    assert "4.5 cm long and 2.3 cm wide" in markdown_text(NOTEBOOK)


def test_the_article_is_named_with_what_it_printed_and_what_we_print():
    text = markdown_text(NOTEBOOK)
    assert "GeeksforGeeks tutorial" in text and "**needed 7 iterations**" in text
    assert "Eight, not seven." in text
    printed = stdout_of(cell_with(NOTEBOOK, "(the tutorial: 7)"))
    assert printed.endswith("n_iter_ = 8 (the tutorial: 7)\n")


def test_the_margin_is_a_few_percent_and_shows_in_the_third_decimal():
    X, _ = gt.load_iris_sepal()
    trace = gt.run_em(X, gt.initial_params(X, 3, random_state=0))
    ratio = np.diff(trace.mean_log_likelihoods)[5] / trace.tol
    assert 1 < ratio < 1.1  # "only the few percent printed as the ratio"
    earlier = gt.run_em(X, trace.params[0], tol=1.05e-3)
    assert earlier.n_iter == trace.n_iter - 1
    digits = [f"{bound:.6f}" for bound in (earlier.lower_bound, trace.lower_bound)]
    assert digits[0][:5] == digits[1][:5] and digits[0][5] != digits[1][5]  # -1.49|9 vs -1.49|8
    assert "which shows in the third decimal" in markdown_text(NOTEBOOK)

