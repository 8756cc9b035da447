"""Semi-supervised EM (gmm_teach.semisupervised): no labels is run_em; labelled samples keep
one-hot responsibilities; all labelled is the class-by-class maximum-likelihood fit; the
objective (14.2), evaluated directly, never goes down."""

import numpy as np
import pytest
from scipy import stats

import gmm_teach as gt
from gmm_teach import semisupervised as ss

X4, _NAMES = gt.load_iris_all()[:2]
SPECIES = np.unique(_NAMES, return_inverse=True)[1]  # 0, 1, 2: setosa, versicolor, virginica


def some_labels(y, per_class, seed):
    """-1 everywhere except per_class randomly chosen samples of each class."""
    rng = np.random.default_rng(seed)
    labels = np.full(len(y), -1)
    for c in np.unique(y):
        chosen = rng.choice(np.flatnonzero(y == c), size=per_class, replace=False)
        labels[chosen] = c
    return labels


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("method", ["kmeans", "random"])
def test_no_labels_is_run_em(method, seed):
    init = gt.initial_params(X4, 3, method, random_state=seed)
    ours = ss.run_semisupervised_em(X4, np.full(150, -1), init)
    theirs = gt.run_em(X4, init)
    assert (ours.n_iter, ours.converged) == (theirs.n_iter, theirs.converged)
    np.testing.assert_array_equal(ours.mean_log_likelihoods, theirs.mean_log_likelihoods)
    np.testing.assert_array_equal(ours.final.covariances, theirs.final.covariances)


def direct_objective(X, labels, params):
    """Eq. (14.2) with scipy's Gaussians, sample by sample."""
    dens = np.column_stack([w * stats.multivariate_normal(mu, s).pdf(X) for w, mu, s in
                            zip(params.weights, params.means, params.covariances, strict=True)])
    known = labels >= 0
    return (np.log(dens[known, labels[known]]).sum()
            + np.log(dens[~known].sum(axis=1)).sum()) / len(X)


@pytest.mark.parametrize("per_class", [1, 5, 20])
def test_labelled_responsibilities_stay_fixed_and_the_objective_rises(per_class):
    labels = some_labels(SPECIES, per_class, per_class)
    init = gt.initial_params(X4, 3, random_state=0)
    trace = ss.run_semisupervised_em(X4, labels, init, tol=1e-8, max_iter=500, reg_covar=0)
    known = labels >= 0
    for i in (0, trace.n_iter // 2, trace.n_iter):
        resp = trace.responsibilities(i)
        np.testing.assert_array_equal(resp[known], np.eye(3)[labels[known]])
        np.testing.assert_allclose(resp[~known], gt.e_step(X4[~known], trace.params[i]),
                                   rtol=1e-12)
        assert trace.mean_log_likelihood(i) == pytest.approx(
            direct_objective(X4, labels, trace.params[i]), rel=1e-10)
    assert np.diff(trace.mean_log_likelihoods).min() > -1e-12


def test_all_labelled_is_the_class_by_class_fit():
    init = gt.initial_params(X4, 3, random_state=0)
    trace = ss.run_semisupervised_em(X4, SPECIES, init, reg_covar=0.0)
    # iteration 1 fits each class, iteration 2 repeats it, iteration 3 sees no change
    assert trace.n_iter == 3 and trace.converged
    assert trace.mean_log_likelihoods[2] == trace.mean_log_likelihoods[1]
    fitted = trace.final
    for k in range(3):
        members = X4[SPECIES == k]
        np.testing.assert_allclose(fitted.means[k], members.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(fitted.covariances[k], np.cov(members.T, bias=True),
                                   rtol=1e-10)
    np.testing.assert_allclose(fitted.weights, 1 / 3, rtol=1e-12)


def test_more_labels_classify_the_unlabelled_better_on_average():
    mean_accuracy = []
    for per_class in (1, 5, 20):
        accuracy = []
        for seed in range(10):
            labels = some_labels(SPECIES, per_class, seed)
            trace = ss.run_semisupervised_em(X4, labels, ss.labelled_start(X4, labels, 3))
            unlabelled = labels == -1
            accuracy.append(np.mean(gt.predict(X4, trace.final)[unlabelled]
                                    == SPECIES[unlabelled]))
        mean_accuracy.append(np.mean(accuracy))
    assert mean_accuracy == sorted(mean_accuracy) and mean_accuracy[-1] > 0.9


def test_labelled_start():
    labels = some_labels(SPECIES, 2, 0)
    start = ss.labelled_start(X4, labels, 3, reg_covar=0.0)
    for k in range(3):
        np.testing.assert_allclose(start.means[k], X4[labels == k].mean(axis=0))
        np.testing.assert_allclose(start.covariances[k], np.cov(X4.T, bias=True))
    with pytest.raises(ValueError, match=r"component\(s\) \[3\] \(numbered from 1\)"):
        ss.labelled_start(X4, np.where(labels == 2, -1, labels), 3)


@pytest.mark.parametrize("labels, error, match", [
    (np.zeros(149), ValueError, "shape \\(N,\\) = \\(150,\\)"),
    (np.full(150, 3), ValueError, "-1 \\(unlabelled\\) or a component index 0..2"),
    (np.full(150, -2), ValueError, "got -2 at index 0"),
    (np.full(150, 0.5), ValueError, "whole numbers"),
    (np.full(150, np.nan), ValueError, "use -1, not NaN"),
    (["a"] * 150, TypeError, "labels must contain numbers"),
])
def test_bad_labels(labels, error, match):
    init = gt.initial_params(X4, 3, random_state=0)
    with pytest.raises(error, match=match):
        ss.run_semisupervised_em(X4, labels, init)
    with pytest.raises(error, match=match):
        ss.semisupervised_e_step(X4, init, labels)


# ----------------------------------------------------------------------------- properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_properties import PROFILE, data, mixture_params  # noqa: E402


@st.composite
def data_params_labels(draw):
    d = draw(st.integers(1, 3))
    X = draw(data(min_samples=1, max_samples=30, d=d)).reshape(-1, d)
    params = draw(mixture_params(d))
    labels = np.array(draw(st.lists(st.integers(-1, params.n_components - 1),
                                    min_size=len(X), max_size=len(X))))
    return X, params, labels


@settings(max_examples=60, **PROFILE)
@given(data_params_labels())
def test_labelled_rows_are_one_hot_and_the_rest_is_bayes_rule(case):
    X, params, labels = case
    resp = ss.semisupervised_e_step(X, params, labels)
    known = labels >= 0
    np.testing.assert_array_equal(resp[known], np.eye(params.n_components)[labels[known]])
    if (~known).any():
        # the same formula on fewer rows: equal up to the rounding of a different BLAS batch
        np.testing.assert_allclose(resp[~known], gt.e_step(X[~known], params), rtol=1e-12,
                                   atol=1e-300)


@pytest.mark.parametrize("covariance_type", ["tied", "diag", "spherical"])
def test_other_covariance_types(covariance_type):
    init = gt.initial_params(X4, 3, random_state=0, covariance_type=covariance_type)
    ours = ss.run_semisupervised_em(X4, np.full(150, -1), init)
    theirs = gt.run_em(X4, init)
    np.testing.assert_array_equal(ours.mean_log_likelihoods, theirs.mean_log_likelihoods)
    labelled = ss.run_semisupervised_em(X4, some_labels(SPECIES, 5, 0), init)
    assert labelled.final.covariance_type == covariance_type
    assert np.diff(labelled.mean_log_likelihoods).min() > -1e-6  # reg_covar can cost a little
