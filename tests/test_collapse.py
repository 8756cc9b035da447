"""gmm_teach.collapse: the singular-likelihood examples of notebook 08, bad input included."""

import numpy as np
import pytest

import gmm_teach as gt
from gmm_teach import collapse


@pytest.fixture(scope="module")
def iris():
    return gt.load_iris_sepal().X


@pytest.fixture(scope="module")
def example():
    X, init = collapse.duplicated_point_example()
    trace, message = collapse.run_em_until_singular(X, init, reg_covar=0.0)
    return X, init, trace, message


def test_run_em_until_singular_is_run_em_when_nothing_fails(iris):
    init = gt.initial_params(iris, 3, random_state=0)
    trace, message = collapse.run_em_until_singular(iris, init, reg_covar=1e-6)
    reference = gt.run_em(iris, init)
    assert message is None
    assert trace.n_iter == reference.n_iter and trace.lower_bound == reference.lower_bound


def test_run_em_until_singular_first_iteration_failing_raises():
    # a sharp component on a point at the origin: the first M-step puts its mean exactly
    # there (0 / N_k = 0) and its covariance exactly to zero
    cloud, _ = collapse.duplicated_point_example(n_copies=1)
    X = np.vstack([cloud, [[0.0, 0.0]]])
    sharp = gt.GMMParams([0.5, 0.5], [cloud.mean(axis=0), [0.0, 0.0]],
                         [np.cov(X.T), 1e-4 * np.eye(2)])
    with pytest.raises(ValueError, match="first iteration.*not positive definite"):
        collapse.run_em_until_singular(X, sharp)


def test_run_em_until_singular_passes_bad_arguments_on(example):
    X, init, _, _ = example
    with pytest.raises(ValueError, match="tol"):
        collapse.run_em_until_singular(X, init, tol=-1.0)
    with pytest.raises(TypeError, match="GMMParams"):
        collapse.run_em_until_singular(X, "not params")
    with pytest.raises(ValueError, match="max_iter"):
        collapse.run_em_until_singular(X, init, max_iter=0)
    with pytest.raises(ValueError, match="feature"):
        collapse.run_em_until_singular(X[:, :1], init)


def test_duplicated_point_example_shape_and_checks():
    X, init = collapse.duplicated_point_example(n_copies=5, n_cloud=10)
    assert X.shape == (15, 2) and init.n_components == 2
    assert np.all(X[10:] == collapse.REPEATED_POINT)
    assert np.array_equal(X, collapse.duplicated_point_example(n_copies=5, n_cloud=10)[0])
    with pytest.raises(ValueError, match="n_copies"):
        collapse.duplicated_point_example(n_copies=0)
    with pytest.raises(TypeError, match="n_copies"):
        collapse.duplicated_point_example(n_copies=2.5)
    with pytest.raises(ValueError, match="n_cloud"):
        collapse.duplicated_point_example(n_cloud=2)


def test_spike_params_values_and_checks(iris):
    p = collapse.spike_params(iris, 7, 0.25, weight=0.2)
    np.testing.assert_allclose(p.weights, [0.8, 0.2])
    np.testing.assert_array_equal(p.means[1], iris[7])
    np.testing.assert_allclose(p.covariances[1], 0.25 * np.eye(2))
    np.testing.assert_allclose(p.covariances[0], np.cov(iris.T, bias=True))
    assert np.array_equal(collapse.spike_params(iris, -1, 1.0).means[1], iris[-1])
    for bad, error, match in (({"index": 150}, ValueError, "index"),
                              ({"index": 1.0}, TypeError, "index"),
                              ({"index": True}, TypeError, "index"),
                              ({"variance": 0.0}, ValueError, "variance"),
                              ({"variance": "big"}, TypeError, "variance"),
                              ({"weight": 1.0}, ValueError, "weight"),
                              ({"weight": 0.0}, ValueError, "weight")):
        kwargs = {"index": 0, "variance": 1.0, **bad}
        with pytest.raises(error, match=match):
            collapse.spike_params(iris, kwargs.pop("index"), kwargs.pop("variance"), **kwargs)
    with pytest.raises(ValueError, match="more samples than features"):
        collapse.spike_params(iris[:2], 0, 1.0)


def test_smallest_variances(example):
    _, _, trace, _ = example
    sv = collapse.smallest_variances(trace)
    assert sv.shape == (trace.n_iter + 1, 2)
    for i, p in enumerate(trace.params):
        assert sv[i, 1] == pytest.approx(np.linalg.eigvalsh(p.covariances[1])[0])
    with pytest.raises(TypeError, match="EMTrace"):
        collapse.smallest_variances(trace.final)
