"""run_variational_batch gives run_variational's traces to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

import gmm_teach as gt
from gmm_teach import variational as vb
from gmm_teach._variational_batch import run_variational_batch

STATE = ("weight_concentration", "mean_precision", "degrees_of_freedom")
PARAMS = ("weights", "means", "covariances", "precisions_cholesky",
          "log_det_precisions_cholesky")


def assert_same_trace(batched, alone):
    assert (batched.n_iter, batched.converged) == (alone.n_iter, alone.converged)
    assert batched.lower_bound == alone.lower_bound
    np.testing.assert_array_equal(batched.lower_bounds, alone.lower_bounds)
    assert batched.priors.weight_concentration == alone.priors.weight_concentration
    assert len(batched.states) == len(alone.states)
    for s, t in zip(batched.states, alone.states, strict=True):
        for name in STATE:
            np.testing.assert_array_equal(getattr(s, name), getattr(t, name), err_msg=name)
        for name in PARAMS:
            np.testing.assert_array_equal(getattr(s.params, name), getattr(t.params, name),
                                          err_msg=name)
        assert s.params.covariance_type == t.params.covariance_type


ALPHAS = [1e-3, 1e-1, 1.0, 1e2, 1e3]


@pytest.mark.parametrize("prior_type", vb.PRIOR_TYPES)
@pytest.mark.parametrize("data, K", [("iris sepal", 6), ("iris, 4 features", 4),
                                     ("synthetic", 8)])
def test_every_fit_is_run_variationals(prior_type, data, K):
    X4, _, _ = gt.load_iris_all()
    rng = np.random.default_rng(0)
    X = {"iris sepal": gt.load_iris_sepal().X, "iris, 4 features": X4,
         "synthetic": np.vstack([rng.normal(m, 1.0, size=(60, 2)) for m in (0.0, 5.0, 10.0)])
         }[data]
    options = {"weight_concentration_prior_type": prior_type, "random_state": 0,
               "max_iter": 300}
    batched = run_variational_batch(X, K, ALPHAS, **options)
    for alpha, trace in zip(ALPHAS, batched, strict=True):
        assert_same_trace(trace, gt.run_variational(X, K, weight_concentration_prior=alpha,
                                                    **options))


def test_short_runs_and_other_covariance_types_too():
    X = gt.load_iris_sepal().X
    for options in ({"max_iter": 0}, {"max_iter": 3}, {"tol": 0.0, "max_iter": 20},
                    {"covariance_type": "diag"}, {"init_params": "random", "random_state": 2}):
        options = {"random_state": 0, **options}
        batched = run_variational_batch(X, 3, [0.01, 10.0], **options)
        for alpha, trace in zip([0.01, 10.0], batched, strict=True):
            assert_same_trace(trace, gt.run_variational(X, 3, weight_concentration_prior=alpha,
                                                        **options))


def test_bad_arguments_raise_run_variationals_errors():
    X = gt.load_iris_sepal().X
    with pytest.raises(ValueError, match="weight_concentration_prior"):
        run_variational_batch(X, 3, [1.0, -1.0])
    with pytest.raises(ValueError, match="tol"):
        run_variational_batch(X, 3, [1.0], tol=-1)
