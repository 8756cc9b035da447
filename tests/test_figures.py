"""gmm_teach.figures: each helper draws what the notebooks rely on, with components numbered
from 1 and in their own colours."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb

import gmm_teach as gt
from gmm_teach import figures


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def iris():
    X, species = gt.load_iris_sepal()
    return X, species, gt.run_em(X, gt.initial_params(X, 3, random_state=0))


def test_component_handles_number_components_from_one(iris):
    _, _, trace = iris
    handles = figures.component_handles(trace.final, "component {k}, π{k} = {pi:.3f}", marker="X")
    assert [h.get_label() for h in handles] == [
        f"component {k + 1}, π{k + 1} = {w:.3f}" for k, w in enumerate(trace.final.weights)]
    assert all(h.get_marker() == "X" for h in handles)
    assert [h.get_color() for h in figures.component_handles(2)] == [
        gt.component_color(0), gt.component_color(1)]


def test_scatter_by_label_draws_label_k_as_component_k_plus_1(ax):
    X = np.arange(12.0).reshape(6, 2)
    figures.scatter_by_label(ax, X, [0, 0, 1, 2, 2, 2], "component {k}: {n} points")
    labels = [c.get_label() for c in ax.collections]
    assert labels == ["component 1: 2 points", "component 2: 1 points", "component 3: 3 points"]
    for k, collection in enumerate(ax.collections):
        np.testing.assert_allclose(collection.get_facecolor()[0][:3],
                                   to_rgb(gt.component_color(k)))


def test_species_never_use_a_components_colour(ax, iris):
    X, species, _ = iris
    figures.scatter_species(ax, X, species)
    colours = {tuple(c.get_facecolor()[0][:3]) for c in ax.collections}
    components = {to_rgb(gt.component_color(k)) for k in range(3)}
    assert len(colours) == 3 and not colours & components
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(X)


def test_em_progress_marks_the_lower_bound_on_params_n_iter_minus_1(iris):
    X, _, trace = iris
    fig, (ax, ax_gain) = plt.subplots(1, 2)
    figures.plot_em_progress(ax, ax_gain, trace)
    (curve, bound, final) = ax.get_lines()
    assert list(curve.get_xdata()) == list(range(trace.n_iter + 1))
    assert bound.get_xydata()[0].tolist() == [trace.n_iter - 1, trace.lower_bound]
    assert final.get_xydata()[0][1] == trace.mean_log_likelihood(-1)
    increases = ax_gain.get_lines()[0].get_ydata()
    np.testing.assert_allclose(increases, np.diff(curve.get_ydata()))
    plt.close(fig)


def test_joints_and_posterior_bars(iris):
    fig, (ax, ax_bars) = plt.subplots(1, 2)
    x_grid = np.linspace(-3, 3, 61)
    terms = np.column_stack([0.5 * gt.gaussian_pdf(x_grid, m, 1.0) for m in (-1.0, 1.0)])
    joint = 0.5 * gt.gaussian_pdf(0.5, np.array([-1.0, 1.0]), 1.0)
    figures.plot_joints_and_posterior(ax, ax_bars, x_grid, terms, 0.5, joint, joint / joint.sum())
    np.testing.assert_allclose([p.get_height() for p in ax_bars.patches], joint / joint.sum())
    assert "(3.2)" in ax_bars.get_title()
    plt.close(fig)


def test_plot_curve_and_eigenvectors(ax):
    figures.plot_curve(ax, [0, 1, 2], [0, 1, 0], [(1, "peak", "--", "black")], title="t",
                       xlabel="x", ylabel="y")
    assert ax.get_legend().get_texts()[0].get_text() == "peak"
    figures.draw_eigenvectors(ax, np.array([1.0, 4.0]), np.eye(2))
    assert [t.get_text() for t in ax.texts if t.get_text()] == ["√λ₁ v₁", "√λ₂ v₂"]


@pytest.mark.parametrize("call, error, match", [
    (lambda ax: figures.scatter_by_label(ax, np.zeros((3, 2)), [0, 1]), ValueError,
     "labels must be a 1-D array of 3 labels"),
    (lambda ax: figures.scatter_by_label(ax, np.zeros((2, 2)), [0, -1]), ValueError,
     "labels must be whole numbers 0..K-1"),
    (lambda ax: figures.scatter_species(ax, np.zeros((2, 2)), ["setosa", "rose"]), ValueError,
     r"species must name the species of each row of X.*'rose'"),
    (lambda ax: figures.plot_curve(ax, [0, 1, 2], [0, 1]), ValueError,
     "y must be a 1-D array of 3 values"),
    (lambda ax: figures.draw_eigenvectors(ax, [1.0, -1.0], np.eye(2)), ValueError,
     "eigenvalues"),
    (lambda ax: figures.component_handles(0), TypeError, "params_or_k must be"),
    (lambda ax: figures.plot_mixture_contours(ax, np.zeros((2, 2)), np.zeros((2, 2)),
                                              np.zeros(3), gt.GMMParams([1.0], [[0, 0]],
                                                                        [np.eye(2)])),
     ValueError, "the same number of points"),
    (lambda ax: figures.plot_fit(ax, np.zeros((2, 2)), "params", np.ones((2, 1)), "t"),
     TypeError, "params must be a gt.GMMParams"),
    (lambda ax: figures.plot_em_progress(ax, ax, "trace"), ValueError,
     "trace must be a gt.run_em"),
    (lambda ax: figures.plot_joints_and_posterior(ax, ax, [0, 1], np.ones((3, 2)), 0.5,
                                                  [1, 1], [0.5, 0.5]), ValueError,
     r"terms must be \(M, K\)"),
])
def test_bad_input_names_the_argument(ax, call, error, match):
    with pytest.raises(error, match=match):
        call(ax)
