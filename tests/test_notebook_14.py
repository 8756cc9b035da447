"""The claims the prose of notebook 14 (EM with labels and with gaps) makes, asserted on the
notebook's own cells run in-process."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest
from notebook_support import code_sources, run_cells
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from gmm_teach import missing  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "14_labels_and_gaps.ipynb"


@pytest.fixture(scope="module")
def ns():
    namespace = {}
    with threadpool_limits(limits=1):
        run_cells(code_sources(NOTEBOOK), namespace)
    plt.close("all")
    return namespace


def test_accuracy_grows_with_labels_but_a_few_can_hurt(ns):
    table, baseline = np.array(ns["table"]), ns["baseline"]
    mean, worst = table[:, 1], table[:, 2]
    assert np.all(np.diff(mean) > 0)                      # "the mean accuracy grows"
    assert worst[:2].max() < baseline - 0.2               # "far below EM without labels"
    assert worst[-1] >= baseline                          # the last line's count exists


def test_labelled_responsibilities_name_the_components(ns):
    # with labels component k is species k: predictions are compared directly with y
    assert ns["accuracy"][40, 0] > 0.9


def test_the_gaps(ns):
    hidden, X = ns["hidden"], ns["X"]
    complete = int(np.sum(~hidden.any(axis=1)))
    assert complete < len(X) / 2                          # "throws away most of the data"
    assert not hidden.all(axis=1).any()
    assert np.corrcoef(X[:, 2], X[:, 3])[0, 1] > 0.9      # petal length and width correlated


def test_quadrature_and_monotone_likelihood(ns):
    assert np.log(ns["by_quadrature"]) == pytest.approx(ns["log_p"][ns["n"]], rel=1e-10)
    assert np.all(np.diff(ns["lls"]) >= 0) and ns["trace"].converged


def test_em_with_gaps_beats_both_shortcuts(ns):
    errors = {name: ns["mean_error"](p) for name, p in ns["fits"].items()}
    ours = errors.pop("EM with gaps (14.3)-(14.6)")
    assert ours < min(errors.values())
    X, hidden, rmse = ns["X"], ns["hidden"], ns["rmse"]
    error = {name: np.sqrt(np.mean((v[hidden] - X[hidden]) ** 2)) for name, v in rmse.items()}
    assert error["E[x^m | x^o] (missing.impute)"] < 0.5 * error["column means"]
    np.testing.assert_array_equal(ns["imputed"][~hidden], X[~hidden])  # observed untouched
    assert np.array_equal(ns["imputed"], missing.impute(ns["gaps"], ns["trace"].final))
