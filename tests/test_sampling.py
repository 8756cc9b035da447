"""gmm_teach.sample: the same numbers as scikit-learn's GaussianMixture.sample for the same
random_state, and the right distribution (moments, label counts, a projection) for any."""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from test_em import data_set, full_covariances

import gmm_teach as gt


def fitted(name, covariance_type, seed=0):
    """scikit-learn's fit of the named data set and the same parameters as a GMMParams."""
    X, K = data_set(name)
    X = X.reshape(len(X), -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm = GaussianMixture(K, covariance_type=covariance_type, random_state=seed).fit(X)
    d = X.shape[1]
    params = gt.GMMParams(gm.weights_, gm.means_,
                          full_covariances(gm.covariances_, covariance_type, K, d),
                          covariance_type)
    return gm, params


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("name", ["iris sepal", "iris 4 features", "blobs d=3", "1-D"])
def test_same_numbers_as_scikit_learn(name, covariance_type):
    for seed in (0, 1, 7):
        gm, params = fitted(name, covariance_type, seed)
        for n in (1, 7, 500):
            theirs, their_labels = gm.sample(n)  # gm.random_state is the seed
            ours, labels = gt.sample(params, n, random_state=seed)
            assert ours.shape == theirs.shape == (n, params.n_features)
            np.testing.assert_array_equal(labels, their_labels)
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


MIXTURE = gt.GMMParams([0.5, 0.3, 0.2], [[0.0, 0.0], [4.0, 1.0], [-2.0, 5.0]],
                       [[[1.0, 0.6], [0.6, 2.0]], [[0.5, 0.0], [0.0, 0.5]],
                        [[3.0, -1.0], [-1.0, 1.0]]])


def mixture_moments(params):
    """Mean sum_k pi_k mu_k and covariance sum_k pi_k (Sigma_k + mu_k mu_k^T) - m m^T."""
    pi, mu, sigma = params.weights, params.means, params.covariances
    m = pi @ mu
    second = np.einsum("k,kij->ij", pi, sigma + np.einsum("ki,kj->kij", mu, mu))
    return m, second - np.outer(m, m)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_moments(seed):
    n = 200_000
    X, _ = gt.sample(MIXTURE, n, random_state=seed)
    m, C = mixture_moments(MIXTURE)
    standard_error = np.sqrt(np.diag(C) / n)
    assert np.all(np.abs(X.mean(axis=0) - m) < 5 * standard_error)
    # the sample covariance's entries have standard errors below sqrt(E x^4 / n) ~ 0.05 here
    np.testing.assert_allclose(np.cov(X.T), C, atol=0.1)


def label_counts_p_value(labels, weights):
    counts = np.bincount(labels, minlength=len(weights))
    return stats.chisquare(counts, len(labels) * np.asarray(weights)).pvalue


def projection_p_values(X, labels, params, u):
    """KS p-values of u^T x against N(u^T mu_k, u^T Sigma_k u) for each component, and of all
    of them against the mixture's CDF sum_k pi_k Phi((t - u^T mu_k) / sd_k)."""
    t = X @ u
    centres = params.means @ u
    sds = np.sqrt(np.einsum("i,kij,j->k", u, params.covariances, u))
    per_component = [stats.kstest(t[labels == k], "norm", args=(centres[k], sds[k])).pvalue
                     for k in range(params.n_components)]
    def mixture_cdf(s):
        return stats.norm.cdf((np.asarray(s)[:, None] - centres) / sds) @ params.weights
    return per_component, stats.kstest(t, mixture_cdf).pvalue


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_goodness_of_fit(seed):
    X, labels = gt.sample(MIXTURE, 5000, random_state=seed)
    assert label_counts_p_value(labels, MIXTURE.weights) > 1e-3
    u = np.array([0.6, 0.8])
    per_component, whole = projection_p_values(X, labels, MIXTURE, u)
    assert min(per_component) > 1e-3 and whole > 1e-3


def test_the_goodness_of_fit_tests_reject_a_wrong_sampler():
    # the same checks fail for draws from other weights or a wrong covariance
    X, labels = gt.sample(MIXTURE, 5000, random_state=0)
    assert label_counts_p_value(labels, [0.4, 0.4, 0.2]) < 1e-6
    wrong = gt.GMMParams(MIXTURE.weights, MIXTURE.means, MIXTURE.covariances * 2.0)
    per_component, whole = projection_p_values(X, labels, wrong, np.array([0.6, 0.8]))
    assert max(per_component) < 1e-3 and whole < 1e-3


def test_labels_and_reproducibility():
    X, labels = gt.sample(MIXTURE, 1000, random_state=np.random.RandomState(5))
    assert labels.dtype.kind == "i" and np.all(np.diff(labels) >= 0)  # grouped by component
    again, _ = gt.sample(MIXTURE, 1000, random_state=5)
    np.testing.assert_array_equal(X, again)
    assert gt.sample(MIXTURE, 3)[0].shape == (3, 2)  # random_state=None: fresh numbers


@pytest.mark.parametrize("args, error, match", [
    (("not params", 5), TypeError, "params must be a GMMParams"),
    ((MIXTURE, 0), ValueError, "n must be at least 1"),
    ((MIXTURE, 2.5), TypeError, "n must be a whole number"),
    ((MIXTURE, 5, "seed"), ValueError, "random_state must be None, an int"),
])
def test_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        gt.sample(*args)
