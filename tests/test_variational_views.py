"""gmm_teach.variational_views: the weight bars, the small multiples and the slider."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import gmm_teach as gt  # noqa: E402
from gmm_teach import variational_views as views  # noqa: E402

X = gt.load_iris_sepal()[0]


@pytest.fixture(scope="module")
def trace():
    return gt.run_variational(X, 4, random_state=0)


def test_draw_variational(trace):
    fig, (ax, ax_w) = plt.subplots(1, 2)
    drawn = views.draw_variational(ax, ax_w, X, trace.final, title="t")
    assert drawn["active"] == views.active_components(trace.final)
    assert len(ax_w.patches) == 4 and [t.get_text() for t in ax_w.get_xticklabels()] == [
        "1", "2", "3", "4"]                              # components numbered from 1
    np.testing.assert_allclose([p.get_height() for p in ax_w.patches], trace.final.weights)
    plt.close(fig)


def test_active_components_threshold(trace):
    assert views.active_components(trace.final, 0.0) == 4
    assert views.active_components(trace.final, 1.0) == 0
    with pytest.raises(TypeError, match="VariationalState"):
        views.active_components(trace)
    with pytest.raises(ValueError, match="threshold"):
        views.active_components(trace.final, -1)


def test_draw_iterations(trace):
    fig, axes = plt.subplots(1, 3)
    views.draw_iterations(axes, X, trace, [0, 1, trace.n_iter])
    assert axes[0].get_title() == "iteration 0: start"
    assert axes[2].get_title() == f"iteration {trace.n_iter}: lower bound {trace.lower_bound:.1f}"
    with pytest.raises(ValueError, match="one axes per iteration"):
        views.draw_iterations(axes, X, trace, [0, 1])
    with pytest.raises(ValueError, match="iterations in 0.."):
        views.draw_iterations(axes, X, trace, [0, 1, trace.n_iter + 1])
    plt.close(fig)


def test_fit_concentrations_and_explorer():
    fits = {kind: views.fit_concentrations(X, 3, [0.01, 100.0], random_state=0,
                                           weight_concentration_prior_type=kind)
            for kind in gt.variational.PRIOR_TYPES}
    assert sorted(fits["dirichlet_process"]) == [0.01, 100.0]
    explorer = views.concentration_explorer(X, fits)
    explorer.concentration.value = 0.01
    assert explorer.drawn["weights"] is fits["dirichlet_process"][0.01].final.weights
    with pytest.raises(ValueError, match="positive numbers"):
        views.fit_concentrations(X, 3, [0.0])
    with pytest.raises(ValueError, match="positive numbers"):
        views.fit_concentrations(X, 3, [])
    with pytest.raises(TypeError, match="same alpha_0 values"):
        views.concentration_explorer(X, {"a": fits["dirichlet_process"],
                                         "b": {0.01: fits["dirichlet_process"][0.01]}})
    with pytest.raises(TypeError, match="prior_type"):
        views.concentration_explorer(X, fits["dirichlet_process"])


def test_iteration_explorer(trace):
    explorer = views.iteration_explorer(trace)
    assert explorer.iteration.max == trace.n_iter and explorer.drawn["active"] == 4
    explorer.iteration.value = trace.n_iter
    assert explorer.drawn["weights"] is trace.final.weights
    assert explorer.drawn["caption"].startswith(f"iteration {trace.n_iter} of "
                                             f"{trace.n_iter}: ")
    assert explorer.image.value[:4] == b"\x89PNG"
    with pytest.raises(TypeError, match="VariationalTrace"):
        views.iteration_explorer(trace.final)


def test_bad_state_or_trace(trace):
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="VariationalState"):
        views.draw_variational(ax, None, X, trace.final.params)
    with pytest.raises(TypeError, match="VariationalTrace"):
        views.draw_iterations([ax], X, trace.final, [0])
    plt.close(fig)
