"""run_em_batch gives run_em's numbers to the last bit, whichever path it takes."""

from __future__ import annotations

import numpy as np
import pytest

import gmm_teach as gt
from gmm_teach._checks import as_samples
from gmm_teach._em_batch import run_em_batch

FIELDS = ("weights", "means", "covariances", "precisions_cholesky", "log_det_precisions_cholesky")


def assert_same_trace(batched, alone):
    assert (batched.n_iter, batched.converged) == (alone.n_iter, alone.converged)
    assert batched.lower_bound == alone.lower_bound
    assert (batched.tol, batched.reg_covar) == (alone.tol, alone.reg_covar)
    np.testing.assert_array_equal(batched.mean_log_likelihoods, alone.mean_log_likelihoods)
    assert len(batched.params) == len(alone.params)
    for p, q in zip(batched.params, alone.params, strict=True):
        assert p.covariance_type == q.covariance_type
        for name in FIELDS:
            np.testing.assert_array_equal(getattr(p, name), getattr(q, name), err_msg=name)
            assert not getattr(p, name).flags.writeable


def data_sets():
    X4, _, _ = gt.load_iris_all()
    spread = np.random.default_rng(0).normal(size=(300, 2)) * [1.0, 40.0] + [5.0, -3.0]
    return {"iris sepal": gt.load_iris_sepal().X, "iris petal length": X4[:, 2],
            "iris, 3 features": X4[:, :3], "iris, 4 features": X4, "unequal scales": spread}


@pytest.mark.parametrize("name", list(data_sets()))
@pytest.mark.parametrize("K", [1, 3, 6])
def test_every_start_gives_run_ems_trace(name, K):
    X = data_sets()[name]
    starts = [gt.initial_params(X, K, method, random_state=seed)
              for method in gt.INIT_METHODS for seed in range(4)]
    for tol, max_iter in ((1e-3, 100), (1e-6, 300), (0.0, 5), (1e-3, 0)):
        batched = run_em_batch(as_samples(X), starts, tol=tol, max_iter=max_iter,
                               reg_covar=1e-6)
        for start, trace in zip(starts, batched, strict=True):
            assert_same_trace(trace, gt.run_em(X, start, tol=tol, max_iter=max_iter))


def test_runs_stop_one_by_one_and_keep_their_order():
    X = gt.load_iris_sepal().X
    starts = [gt.initial_params(X, 3, "random", random_state=seed) for seed in range(6)]
    traces = run_em_batch(X, starts, tol=1e-4, max_iter=300, reg_covar=1e-6)
    assert len({t.n_iter for t in traces}) > 1  # they did not all stop together
    assert [t.params[0] for t in traces] == starts


def test_starts_it_does_not_batch_go_to_run_em():
    X = gt.load_iris_sepal().X
    starts = [gt.initial_params(X, 3, "kmeans", random_state=0, covariance_type="tied"),
              gt.initial_params(X, 3, "kmeans", random_state=0),
              gt.initial_params(X, 2, "kmeans", random_state=0)]
    traces = run_em_batch(X, starts, tol=1e-3, max_iter=100, reg_covar=1e-6)
    for start, trace in zip(starts, traces, strict=True):
        assert_same_trace(trace, gt.run_em(X, start))
    assert run_em_batch(X, [], tol=1e-3, max_iter=100, reg_covar=1e-6) == []


def test_a_singular_covariance_raises_run_ems_error():
    # two identical points and reg_covar = 0: the component on them has a singular covariance
    X = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [6.0, 5.0], [5.0, 7.0]])
    start = gt.m_step(X, np.eye(2)[[0, 0, 1, 1, 1]], reg_covar=1e-6)
    with pytest.raises(ValueError, match="not positive definite") as alone:
        gt.run_em(X, start, reg_covar=0.0)
    with pytest.raises(ValueError, match="not positive definite") as batched:
        run_em_batch(X, [start, start], tol=1e-3, max_iter=100, reg_covar=0.0)
    assert str(batched.value) == str(alone.value)


def test_one_data_set_per_start_gives_run_ems_trace_on_each():
    rng = np.random.default_rng(1)
    X4, _, _ = gt.load_iris_all()
    for X in (gt.load_iris_sepal().X, X4):
        data = [X[rng.choice(len(X), size=120, replace=False)] for _ in range(6)]
        starts = [gt.initial_params(Y, 3, method, random_state=seed)
                  for Y in data for method, seed in (("k-means++", 0), ("random", 1))]
        each = [Y for Y in data for _ in range(2)]
        traces = run_em_batch(each, starts, tol=1e-6, max_iter=300, reg_covar=1e-6)
        for Y, start, trace in zip(each, starts, traces, strict=True):
            assert trace.X is Y
            assert_same_trace(trace, gt.run_em(Y, start, tol=1e-6, max_iter=300))
    # data sets of different sizes: each start goes to run_em on its own
    mixed = [gt.load_iris_sepal().X, gt.load_iris_sepal().X[:100]]
    starts = [gt.initial_params(Y, 2, "random", random_state=0) for Y in mixed]
    for Y, start, trace in zip(mixed, starts, run_em_batch(mixed, starts, tol=1e-3,
                                                            max_iter=100, reg_covar=1e-6),
                               strict=True):
        assert_same_trace(trace, gt.run_em(Y, start))


def test_many_starts_are_split_into_batches_of_bounded_size(monkeypatch):
    from gmm_teach import _em_batch

    X = gt.load_iris_sepal().X
    starts = [gt.initial_params(X, 3, "random", random_state=seed) for seed in range(7)]
    sizes = []
    real = _em_batch._run_together

    def counted(each, data, inits, *args):
        sizes.append(len(inits))
        return real(each, data, inits, *args)

    monkeypatch.setattr(_em_batch, "_MAX_BATCH_ELEMENTS", 3 * 3 * 2 * 150)  # 3 runs
    monkeypatch.setattr(_em_batch, "_run_together", counted)
    traces = run_em_batch(X, starts, tol=1e-3, max_iter=100, reg_covar=1e-6)
    assert sizes == [3, 3, 1]
    for start, trace in zip(starts, traces, strict=True):
        assert_same_trace(trace, gt.run_em(X, start))
