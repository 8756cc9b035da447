"""GMMParams: construction, immutability, validation messages, parameter counts."""

import dataclasses

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

import gmm_teach as gt


def valid_arrays():
    weights = np.array([0.2, 0.5, 0.3])
    means = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 4.0]])
    covariances = np.array([[[1.0, 0.3], [0.3, 2.0]],
                            [[0.5, 0.0], [0.0, 0.5]],
                            [[2.0, -0.4], [-0.4, 1.0]]])
    return weights, means, covariances


# ----------------------------------------------------------------------------- valid
def test_valid_construction_keeps_values_and_shapes():
    weights, means, covariances = valid_arrays()
    params = gt.GMMParams(weights, means, covariances)
    assert params.n_components == 3
    assert params.n_features == 2
    assert params.covariance_type == "full"
    np.testing.assert_array_equal(params.weights, weights)
    np.testing.assert_array_equal(params.means, means)
    np.testing.assert_array_equal(params.covariances, covariances)
    for array in (params.weights, params.means, params.covariances, params.precisions_cholesky):
        assert array.dtype == np.float64


def test_precisions_cholesky_factor_the_precision_matrices():
    params = gt.GMMParams(*valid_arrays())
    for k in range(3):
        P = params.precisions_cholesky[k]
        assert np.allclose(np.tril(P, -1), 0.0)  # upper triangular, as in scikit-learn
        np.testing.assert_allclose(P @ P.T, np.linalg.inv(params.covariances[k]), rtol=1e-12)
    np.testing.assert_allclose(params.log_det_precisions_cholesky,
                               -0.5 * np.linalg.slogdet(params.covariances)[1], rtol=1e-12)


def test_integer_and_list_input_is_converted_to_float():
    params = gt.GMMParams([1], [[0, 0]], [[[1, 0], [0, 1]]])
    assert params.means.dtype == np.float64
    assert params.n_components == 1 and params.n_features == 2


def test_one_dimensional_conveniences():
    params = gt.GMMParams([0.4, 0.6], [-1.0, 2.0], [0.5, 3.0])
    assert params.means.shape == (2, 1)
    assert params.covariances.shape == (2, 1, 1)
    np.testing.assert_array_equal(params.covariances[:, 0, 0], [0.5, 3.0])
    np.testing.assert_array_equal(params.means[:, 0], [-1.0, 2.0])


def test_repr_shows_the_numbers():
    text = repr(gt.GMMParams(*valid_arrays()))
    assert "K=3" in text and "d=2" in text and "0.2" in text and "'full'" in text


# ----------------------------------------------------------------------------- immutability
def test_params_are_private_copies():
    weights, means, covariances = valid_arrays()
    params = gt.GMMParams(weights, means, covariances)
    weights[:] = [1.0, 0.0, 0.0]
    means += 100.0
    covariances *= 7.0
    np.testing.assert_array_equal(params.weights, valid_arrays()[0])
    np.testing.assert_array_equal(params.means, valid_arrays()[1])
    np.testing.assert_array_equal(params.covariances, valid_arrays()[2])


def test_params_arrays_are_read_only_and_attributes_frozen():
    params = gt.GMMParams(*valid_arrays())
    for name in ("weights", "means", "covariances", "precisions_cholesky",
                 "log_det_precisions_cholesky"):
        array = getattr(params, name)
        assert not array.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.weights = np.ones(3) / 3


def test_params_from_read_only_input_does_not_share_memory():
    weights, means, covariances = valid_arrays()
    params = gt.GMMParams(weights, means, covariances)
    for mine, theirs in ((params.weights, weights), (params.means, means),
                         (params.covariances, covariances)):
        assert not np.shares_memory(mine, theirs)


# ----------------------------------------------------------------------------- M-step path
@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("d, K", [(1, 1), (2, 3), (4, 2)])
def test_m_step_result_is_what_the_validating_constructor_makes(covariance_type, d, K):
    """m_step builds its GMMParams without re-checking what holds by construction
    (GMMParams._from_m_step); the result must pass every check and equal, bit for bit, what
    GMMParams(...) makes of the same arrays, and own its read-only arrays."""
    X = gt.load_iris_all()[0][:, :d]
    resp = np.random.default_rng(d).dirichlet(np.ones(K), size=len(X))
    fast = gt.m_step(X, resp, covariance_type=covariance_type)
    checked = gt.GMMParams(fast.weights, fast.means, fast.covariances, covariance_type)
    assert fast.covariance_type == covariance_type
    for name in ("weights", "means", "covariances", "precisions_cholesky",
                 "log_det_precisions_cholesky"):
        mine, reference = getattr(fast, name), getattr(checked, name)
        assert mine.dtype == np.float64 and mine.shape == reference.shape, name
        assert np.array_equal(mine, reference), name
        assert not mine.flags.writeable, name
        assert not np.shares_memory(mine, X) and not np.shares_memory(mine, resp), name


def test_m_step_path_still_names_a_non_finite_or_singular_covariance():
    weights, means, covariances = valid_arrays()
    with pytest.raises(ValueError, match=r"covariances contains 1 NaN.*index \(1, 0, 1\)"):
        covariances[1, 0, 1] = np.nan
        gt.GMMParams._from_m_step(weights, means, covariances, "full")
    singular = valid_arrays()[2]
    singular[2] = [[1.0, 1.0], [1.0, 1.0]]
    with pytest.raises(ValueError, match=r"covariances\[2\] \(component 3\) is not positive "
                                         r"definite \(smallest eigenvalue 0\).*reg_covar"):
        gt.GMMParams._from_m_step(weights, means, singular, "full")


# ----------------------------------------------------------------------------- invalid
def with_changes(**changes):
    weights, means, covariances = valid_arrays()
    arrays = {"weights": weights, "means": means, "covariances": covariances}
    arrays.update(changes)
    return arrays


@pytest.mark.parametrize("changes, message", [
    (dict(weights=np.array([[0.2, 0.5, 0.3]])), r"weights must have shape \(K,\)"),
    (dict(weights=np.array([])), r"weights must have shape \(K,\) with K >= 1"),
    (dict(means=np.zeros((2, 2))), r"means must have shape \(K, d\) = \(3, d\)"),
    (dict(means=np.zeros((3, 2, 1))), r"means must have shape \(K, d\)"),
    (dict(covariances=np.stack([np.eye(2)] * 2)), r"covariances must have shape .*\(3, 2, 2\)"),
    (dict(covariances=np.stack([np.eye(3)] * 3)), r"covariances must have shape .*\(3, 2, 2\)"),
    (dict(covariances=np.ones(3)), r"covariances must have shape"),
    (dict(weights=np.array([0.5, 0.7, -0.2])), "weights must be non-negative"),
    (dict(weights=np.array([0.2, 0.5, 0.4])), "weights must sum to 1, but they sum to 1.1"),
    (dict(weights=np.array([0.2, 0.2, 0.2])), "sum to 1.*Divide them by their sum"),
    (dict(weights=np.array([0.2, np.nan, 0.3])), "weights contains 1 NaN"),
    (dict(means=np.array([[0.0, 0.0], [np.inf, 1.0], [0.0, 1.0]])), "means contains .*infinite"),
    (dict(covariances=np.full((3, 2, 2), np.nan)), "covariances contains 12 NaN"),
])
def test_invalid_params_raise_value_error_naming_the_problem(changes, message):
    with pytest.raises(ValueError, match=message):
        gt.GMMParams(**with_changes(**changes))


def test_asymmetric_covariance_is_rejected():
    covariances = valid_arrays()[2]
    covariances[1, 0, 1] = 0.2
    with pytest.raises(ValueError, match=r"covariances\[1\] \(component 2\) must be symmetric"):
        gt.GMMParams(**with_changes(covariances=covariances))


@pytest.mark.parametrize("bad", [np.array([[1.0, 2.0], [2.0, 1.0]]),   # indefinite
                                 np.array([[1.0, 1.0], [1.0, 1.0]]),   # singular
                                 np.zeros((2, 2)),
                                 -np.eye(2)])
def test_non_positive_definite_covariance_is_rejected_with_the_fix(bad):
    covariances = valid_arrays()[2]
    covariances[2] = bad
    with pytest.raises(ValueError, match=r"covariances\[2\] \(component 3\) is not positive "
                                         r"definite") as error:
        gt.GMMParams(**with_changes(covariances=covariances))
    assert "reg_covar" in str(error.value)


def test_weights_equal_to_one_up_to_rounding_are_accepted():
    # the documented tolerance is 1e-6: rounding error passes, a real mistake does not
    params = gt.GMMParams([0.5 + 4e-7, 0.5], [0.0, 1.0], [1.0, 1.0])
    assert params.n_components == 2
    with pytest.raises(ValueError, match="sum to 1.000002"):
        gt.GMMParams([0.5 + 2e-6, 0.5], [0.0, 1.0], [1.0, 1.0])


def test_zero_weight_is_allowed():
    params = gt.GMMParams([1.0, 0.0], [0.0, 1.0], [1.0, 1.0])
    assert params.weights[1] == 0.0


# ----------------------------------------------------------------------------- covariance_type
def typed_covariances(covariance_type):
    if covariance_type == "full":
        return valid_arrays()[2]
    if covariance_type == "tied":
        return np.stack([[[1.0, 0.3], [0.3, 2.0]]] * 3)
    if covariance_type == "diag":
        return np.array([np.diag([1.0, 2.0]), np.diag([0.5, 0.1]), np.diag([3.0, 3.0])])
    return np.array([1.0, 0.5, 2.0])[:, None, None] * np.eye(2)


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
def test_every_covariance_type_accepts_its_own_structure(covariance_type):
    params = gt.GMMParams(valid_arrays()[0], valid_arrays()[1],
                          typed_covariances(covariance_type), covariance_type)
    assert params.covariance_type == covariance_type
    assert params.covariances.shape == (3, 2, 2)


@pytest.mark.parametrize("covariance_type, covariances, message", [
    ("tied", "full", "'tied' needs all K covariance matrices equal"),
    ("tied", "diag", "'tied' needs all K covariance matrices equal"),
    ("diag", "full", "'diag' needs diagonal covariance matrices"),
    ("diag", "tied", "'diag' needs diagonal covariance matrices"),
    ("spherical", "full", "'spherical' needs diagonal covariance matrices"),
    ("spherical", "diag", "'spherical' needs each covariance to be a multiple of the identity"),
])
def test_wrong_covariance_structure_is_rejected(covariance_type, covariances, message):
    with pytest.raises(ValueError, match=message):
        gt.GMMParams(valid_arrays()[0], valid_arrays()[1], typed_covariances(covariances),
                     covariance_type)


@pytest.mark.parametrize("covariance_type", ["FULL", "diagonal", "", None])
def test_unknown_covariance_type_is_rejected(covariance_type):
    with pytest.raises(ValueError, match=r"covariance_type must be one of \('full', 'tied', "
                                         r"'diag', 'spherical'\)"):
        gt.GMMParams(*valid_arrays(), covariance_type=covariance_type)


# ----------------------------------------------------------------------------- n_parameters
@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("K, d", [(1, 1), (2, 1), (3, 2), (4, 3), (5, 4)])
def test_n_parameters_equals_scikit_learn(covariance_type, K, d):
    rng = np.random.default_rng(K * 10 + d)
    variances = rng.uniform(0.5, 2.0, size=(K, d))
    if covariance_type == "spherical":
        variances[:] = variances[:, :1]
    if covariance_type == "tied":
        variances[:] = variances[:1]
    params = gt.GMMParams(np.full(K, 1.0 / K), rng.normal(size=(K, d)),
                          variances[:, :, None] * np.eye(d), covariance_type)
    sk = GaussianMixture(n_components=K, covariance_type=covariance_type)
    sk.means_ = params.means  # _n_parameters() reads only means_.shape and covariance_type
    assert params.n_parameters == sk._n_parameters()
    assert isinstance(params.n_parameters, int)


def test_n_parameters_by_hand_for_iris_sepal_k3():
    # 2 free weights + 6 mean entries + 3 x 3 free covariance entries = 17
    params = gt.GMMParams(*valid_arrays())
    assert params.n_parameters == 2 + 6 + 9
