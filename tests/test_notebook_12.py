"""The claims the prose of notebook 12 (the mixture as a generative model) makes, asserted on
the notebook's own cells, run in-process."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest
from notebook_support import code_sources, run_cells

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "12_generative_model.ipynb"


@pytest.fixture(scope="module")
def ns():
    namespace = {}
    run_cells(code_sources(NOTEBOOK), namespace)
    plt.close("all")
    return namespace


def test_samples_are_scikit_learns(ns):
    np.testing.assert_array_equal(ns["labels"], ns["their_labels"])
    np.testing.assert_allclose(ns["new"], ns["theirs"], rtol=1e-12)


def test_em_keeps_the_data_mean_and_covariance(ns):
    # "after every M-step ... exactly the data mean ... the data's covariance plus reg_covar"
    X = ns["X"]
    np.testing.assert_allclose(ns["m"], X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(ns["C"], np.cov(X.T, bias=True) + 1e-6 * np.eye(2), rtol=1e-10)
    # "the sample moments should match these to a few thousandths"
    assert np.abs(np.array(ns["draws"]) - np.array(ns["formula"])).max() < 0.005


def test_setosa_hill_is_the_steepest(ns):
    fit = ns["fit"]
    upper_left = np.argmin(fit.means[:, 0] - fit.means[:, 1])
    assert np.argmin(np.linalg.det(fit.covariances)) == upper_left


def test_the_threshold_and_its_meaning(ns):
    q, log_p, tau, flagged = ns["q"], ns["log_p"], ns["tau"], ns["flagged"]
    assert len(flagged) == round(q / 100 * len(log_p))  # q % of the flowers, by construction
    assert np.all(log_p[flagged] < tau) and np.sum(log_p < tau) == len(flagged)
    rate = ns["model_rate"]
    assert rate < q / 100                               # "fewer than q % of its draws"
    expected, sd = 150 * rate, np.sqrt(150 * rate * (1 - rate))
    assert abs(len(flagged) - expected) < sd            # "within the sampling noise"


def test_digits(ns):
    assert ns["pca"].explained_variance_ratio_.sum() >= 0.90
    assert ns["digit_trace"].converged
    assert ns["new_images"].shape == (24, 64)
    assert ns["new_images"].min() >= 0 and ns["new_images"].max() <= 16


def test_the_numbers_in_the_digits_prose(ns):
    digits = ns["digits"]
    assert digits.data.shape == (1797, 64) and digits.images.shape[1:] == (8, 8)
    assert digits.data.min() == 0 and digits.data.max() == 16      # grey levels 0 to 16
    assert 64 * 65 // 2 == 2080                                    # free numbers of a 64x64 Sigma
