"""The claims the prose of notebook 13 (Bayesian mixtures) makes, asserted on the notebook's
own cells run in-process, and its slider (the cell nbval cannot compare)."""

from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from notebook_support import IGNORE_TAG, code_cells, run_cells
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import gmm_teach as gt  # noqa: E402
from gmm_teach import variational as vb  # noqa: E402
from gmm_teach import variational_views as views  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK = NOTEBOOKS / "13_bayesian_mixtures.ipynb"


WIDGETS = ("iteration_explorer", "concentration_explorer")


@pytest.fixture(scope="module")
def ns():
    """The notebook's namespace after its cells; each widget cell's explorer by name."""
    namespace = {}
    cells = code_cells(nbformat.read(NOTEBOOK, as_version=4))
    with threadpool_limits(limits=1):
        run_cells([c.source for c in cells if not any(w in c.source for w in WIDGETS)],
                  namespace)
        for name in WIDGETS:
            cell = [c for c in cells if name in c.source]
            assert len(cell) == 1 and IGNORE_TAG in cell[0].metadata["tags"]
            namespace[name] = run_cells([cell[0].source], namespace)
    plt.close("all")
    return namespace


def test_by_hand_equals_the_trace_and_scikit_learn(ns):
    after, bgm, trace = ns["after"], ns["bgm"], ns["trace"]
    np.testing.assert_allclose(ns["m"], after.means, rtol=1e-12)
    assert trace.n_iter == bgm.n_iter_ and trace.converged == bgm.converged_
    assert trace.lower_bound == pytest.approx(bgm.lower_bound_, rel=1e-10)
    np.testing.assert_allclose(trace.final.covariances, bgm.covariances_, rtol=1e-6)


def test_the_penalty_hits_the_emptiest_component(ns):
    ratio = ns["penalised"] / ns["expected"]
    assert np.all(ratio < 1)                             # Jensen: always smaller
    assert np.argmin(ratio) == np.argmin(ns["a"])        # most for the fewest points


def test_two_components_keep_the_weight_and_the_rest_sit_on_the_prior(ns):
    final, priors = ns["trace"].final, ns["trace"].priors
    weights = np.sort(final.weights)[::-1]
    assert weights[:2].sum() > 0.98 and views.active_components(final) == 2
    off = final.weights < 1e-3
    assert off.sum() >= 2
    np.testing.assert_allclose(final.means[off], np.broadcast_to(priors.mean, (off.sum(), 2)),
                               atol=1e-2)
    np.testing.assert_allclose(final.covariances[off],
                               np.broadcast_to(priors.covariance / priors.degrees_of_freedom,
                                               (off.sum(), 2, 2)), rtol=1e-2)
    assert priors.degrees_of_freedom == 2


def test_switching_off_takes_tens_of_iterations(ns):
    trace = ns["trace"]
    on = [views.active_components(trace.states[i]) for i in range(trace.n_iter + 1)]
    assert on[10] == 6 and on[-1] == 2 and trace.n_iter > 30


def test_the_prior_types_on_the_slider(ns):
    fits, alphas = ns["fits"], ns["alphas"]
    on = {kind: [views.active_components(fits[kind][a].final) for a in alphas]
          for kind in vb.PRIOR_TYPES}
    assert all(fits[kind][a].converged for kind in vb.PRIOR_TYPES for a in alphas)
    large = [i for i, a in enumerate(alphas) if a >= 10]
    assert all(on["dirichlet_distribution"][i] == ns["K"] for i in large)  # every one on
    assert max(on["dirichlet_process"]) - min(on["dirichlet_process"]) <= 1
    spread = {kind: max(v) - min(v) for kind, v in on.items()}
    assert spread["dirichlet_process"] < spread["dirichlet_distribution"]


def test_side_by_side_with_bic(ns):
    for name in ns["datasets"]:
        for kind in vb.PRIOR_TYPES:
            assert views.active_components(ns["vb_fits"][name, kind].final) == ns["bic_pick"][name]
    assert ns["bic_pick"]["synthetic, true K = 4"] == 4


def test_the_synthetic_data_is_notebook_09s(ns):
    cells = nbformat.read(NOTEBOOKS / "09_choosing_k.ipynb", as_version=4).cells
    sources = [c.source for c in cells if c.cell_type == "code" and
               ("def draw_synthetic" in c.source or "X_synth = draw_synthetic" in c.source)]
    namespace = {"np": np, "gt": gt}
    for source in sources:  # the function, then the call that draws 09's data
        exec(source, namespace)
    np.testing.assert_array_equal(namespace["X_synth"], ns["X_synth"])


def test_the_iteration_slider(ns):
    explorer, trace = ns["iteration_explorer"], ns["trace"]
    assert explorer.iteration.max == trace.n_iter and explorer.drawn["active"] == 6
    explorer.iteration.value = trace.n_iter
    assert explorer.drawn["active"] == 2
    assert explorer.drawn["caption"].startswith(f"iteration {trace.n_iter} of ")


def test_the_concentration_slider(ns):
    explorer = ns["concentration_explorer"]
    fits = ns["fits"]
    assert explorer.prior_type.value == "dirichlet_process"
    for kind in vb.PRIOR_TYPES:
        explorer.prior_type.value = kind
        for alpha in (1e-3, 1e3):
            explorer.concentration.value = alpha
            expected = views.active_components(fits[kind][alpha].final)
            assert explorer.drawn["active"] == expected
            assert explorer.drawn["caption"].startswith(f"{kind}, alpha_0 = {alpha:g}: "
                                                     f"{expected} of 6 components")
            assert explorer.image.value[:4] == b"\x89PNG"
    assert len(explorer.update_seconds) >= 4


def test_the_counts_in_the_prose(ns):
    assert len(ns["Ks"]) * 10 == 80                               # "one fit instead of eighty"
    assert min(ns["alphas"]) == 1e-3 and max(ns["alphas"]) == 1e3  # six orders of magnitude


def test_the_faint_circle_is_the_switched_off_components(ns):
    final = ns["vb_fits"]["synthetic, true K = 4", "dirichlet_process"].final
    off = final.weights < 0.01
    assert off.sum() == 4
    X = ns["X_synth"]
    np.testing.assert_allclose(final.means[off], np.broadcast_to(X.mean(axis=0), (4, 2)),
                               atol=0.05)
    prior = np.cov(X.T) / 2                                 # W_0^-1 / nu_0, nu_0 = d = 2
    np.testing.assert_allclose(final.covariances[off], np.broadcast_to(prior, (4, 2, 2)),
                               rtol=0.05, atol=0.05)
