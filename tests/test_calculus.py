"""gmm_teach.calculus: central differences against known gradients, and bad input."""

import numpy as np
import pytest

from gmm_teach.calculus import central_differences


def test_gradient_of_a_quadratic_form_is_exact_to_rounding():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    x = np.array([0.3, -1.2])
    gradient = central_differences(lambda v: v @ A @ v, x)
    np.testing.assert_allclose(gradient, 2 * A @ x, rtol=1e-8)


def test_matrix_argument_and_the_log_determinant():
    S = np.array([[2.0, 0.3], [0.3, 1.5]])
    gradient = central_differences(lambda M: np.linalg.slogdet(M)[1], S)
    np.testing.assert_allclose(gradient, np.linalg.inv(S).T, rtol=1e-7)
    assert gradient.shape == S.shape


def test_the_callers_array_is_not_modified():
    x = np.array([1.0, 2.0])
    central_differences(np.sum, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


@pytest.mark.parametrize("h", [0, -1e-6, np.inf, np.nan, "1e-6"])
def test_bad_step(h):
    with pytest.raises(ValueError, match="h must be a positive finite step"):
        central_differences(np.sum, [1.0], h)


def test_not_a_function():
    with pytest.raises(TypeError, match="f must be a function"):
        central_differences([1.0], [1.0])
