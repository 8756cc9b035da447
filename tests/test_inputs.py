"""Bad input: a ValueError or TypeError whose message names the problem (and the fix), for
every public entry point; and extreme but valid input (far points, tiny variances, collapsing
components, huge or tiny scales) giving finite numbers or such a ValueError, never NaN, a
numpy warning or a LinAlgError.

Covered elsewhere and not repeated here: GMMParams's own validation (test_params.py), the
broadcast and variance checks of gaussian_pdf and the failures of cholesky_factor
(test_density.py), the collapse of a full covariance with and without reg_covar and moderately
far points (test_em.py).
"""

import contextlib
import re
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

import gmm_teach as gt


@pytest.fixture(scope="module")
def iris():
    X = gt.load_iris_sepal()[0]
    params = gt.initial_params(X, 3, random_state=0)
    return X, params, gt.e_step(X, params)


@contextlib.contextmanager
def no_numpy_warnings():
    """Fail on any RuntimeWarning (overflow, invalid value, divide by zero): the checks must
    catch a problem before numpy meets it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


def with_entry(X, index, value):
    X = np.array(X, dtype=float)
    X[index] = value
    return X


# Every public function that takes data X, as (name, call(X, params, resp)).
DATA_CALLS = {
    "e_step": lambda X, p, r: gt.e_step(X, p),
    "m_step": lambda X, p, r: gt.m_step(X, r),
    "run_em": lambda X, p, r: gt.run_em(X, p),
    "initial_params": lambda X, p, r: gt.initial_params(X, 3),
    "mean_log_likelihood": lambda X, p, r: gt.mean_log_likelihood(X, p),
    "sample_log_likelihood": lambda X, p, r: gt.sample_log_likelihood(X, p),
    "predict": lambda X, p, r: gt.predict(X, p),
    "bic": lambda X, p, r: gt.bic(X, p),
    "aic": lambda X, p, r: gt.aic(X, p),
    "log_gaussian_prob": lambda X, p, r: gt.log_gaussian_prob(X, p),
    "mvn_logpdf": lambda X, p, r: gt.mvn_logpdf(X, p.means[0], p.covariances[0]),
    "mvn_pdf": lambda X, p, r: gt.mvn_pdf(X, p.means[0], p.covariances[0]),
    "elbo": lambda X, p, r: gt.elbo(X, p, r),
    "posterior_kl": lambda X, p, r: gt.posterior_kl(X, p, r),
}


# ----------------------------------------------------------------------------- NaN and inf
@pytest.mark.parametrize("call", DATA_CALLS.values(), ids=DATA_CALLS.keys())
@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (np.inf, "an infinite value"),
                                         (-np.inf, "an infinite value")])
def test_nan_and_inf_in_X_are_named_with_their_position(iris, call, value, kind):
    X, params, resp = iris
    bad = with_entry(X, (17, 1), value)
    with no_numpy_warnings(), pytest.raises(
            ValueError, match=rf"X contains 1 NaN or infinite value\(s\); the first is {kind} "
                              r"at index \(17, 1\)\. Drop or impute those entries first "
                              r"\(e\.g\. X\[np\.isfinite\(X\)\.all\(axis=1\)\] keeps"):
        call(bad, params, resp)


@pytest.mark.parametrize("function", [gt.gaussian_pdf, gt.gaussian_logpdf])
def test_nan_and_inf_in_1d_densities(function):
    x = np.array([0.0, 1.0, np.nan, np.inf])
    with no_numpy_warnings(), pytest.raises(ValueError, match="x contains 2 NaN or infinite "
                                                              "value.*NaN at index 2"):
        function(x, 0.0, 1.0)
    with pytest.raises(ValueError, match="mean contains 1 NaN.*an infinite value"):
        function(x[:2], np.array([0.0, -np.inf]), 1.0)


@pytest.mark.parametrize("function", [gt.gaussian_pdf, gt.gaussian_logpdf])
@pytest.mark.parametrize("argument", ["x", "mean", "variance"])
@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (np.inf, "an infinite value")])
def test_a_single_nan_or_inf_number_is_named(function, argument, value, kind):
    # scalars (0-d arrays) have no index to report; the message still names the argument
    arguments = {"x": 0.5, "mean": 0.0, "variance": 1.0, argument: value}
    with no_numpy_warnings(), pytest.raises(ValueError,
                                            match=rf"^{argument} is {kind}\. Drop or impute"):
        function(**arguments)


def test_nan_in_means_or_covariances_given_to_mvn_logpdf():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="mean contains 1 NaN"):
        gt.mvn_logpdf(X, [np.inf, 0.0], np.eye(2))
    with pytest.raises(ValueError, match="cov contains 1 NaN"):
        gt.mvn_logpdf(X[:, 0], 0.0, np.nan)


def test_nan_in_resp_is_named(iris):
    X, _, resp = iris
    with pytest.raises(ValueError, match=r"resp contains 1 NaN.*at index \(4, 2\)"):
        gt.m_step(X, with_entry(resp, (4, 2), np.nan))


# ----------------------------------------------------------------------------- not numbers
NON_NUMERIC = {
    "strings": [["a", "b"], ["c", "d"]],
    "numbers as strings": np.array([["1.0", "2.0"], ["3.0", "4.0"]]),
    "object array with None": np.array([[1.0, None], [2.0, 3.0]], dtype=object),
    "object array of numbers": np.array([[1.0, 2.0], [2.0, 3.0]], dtype=object),
    "complex": np.array([[1.0 + 1j, 2.0], [3.0, 4.0]]),
    "None": None,
}


@pytest.mark.parametrize("call", DATA_CALLS.values(), ids=DATA_CALLS.keys())
@pytest.mark.parametrize("value", NON_NUMERIC.values(), ids=NON_NUMERIC.keys())
def test_non_numeric_X_is_a_type_error(iris, call, value):
    _, params, resp = iris
    with pytest.raises(TypeError, match=r"X must contain numbers, but it has dtype .*"
                                        r"np\.asarray\(X, dtype=float\)"):
        call(value, params, resp[:2])


@pytest.mark.parametrize("call", DATA_CALLS.values(), ids=DATA_CALLS.keys())
def test_ragged_lists_are_a_type_error(iris, call):
    _, params, resp = iris
    with pytest.raises(TypeError, match="X must be an array of numbers; numpy could not read "
                                        "it .*inhomogeneous"):
        call([[1.0, 2.0], [3.0]], params, resp[:2])


@pytest.mark.parametrize("argument", ["x", "mean", "variance"])
def test_non_numeric_arguments_of_the_1d_density(argument):
    arguments = {"x": [0.5, 1.0], "mean": 0.0, "variance": 1.0, argument: ["a", "b"]}
    with pytest.raises(TypeError, match=f"{argument} must contain numbers"):
        gt.gaussian_pdf(**arguments)


def test_non_numeric_resp_mean_and_cov(iris):
    X, _, _ = iris
    with pytest.raises(TypeError, match="resp must contain numbers"):
        gt.m_step(X, np.full((150, 3), "1/3"))
    with pytest.raises(TypeError, match="mean must contain numbers"):
        gt.mvn_logpdf(X, ["a", "b"], np.eye(2))
    with pytest.raises(TypeError, match="cov must be an array of numbers"):
        gt.mvn_logpdf(X, [0.0, 0.0], [[1.0, 0.0], [0.0]])


# ----------------------------------------------------------------------------- shapes
@pytest.mark.parametrize("call", DATA_CALLS.values(), ids=DATA_CALLS.keys())
@pytest.mark.parametrize("empty", [np.empty((0, 2)), np.array([]), []], ids=["(0, 2)", "(0,)",
                                                                              "[]"])
def test_zero_samples(iris, call, empty):
    _, params, _ = iris
    with pytest.raises(ValueError, match="X has 0 samples; at least 1 is needed"):
        call(empty, params, np.empty((0, 3)))


@pytest.mark.parametrize("call", DATA_CALLS.values(), ids=DATA_CALLS.keys())
def test_three_dimensional_X(iris, call):
    _, params, resp = iris
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, n_features\) or "
                                         r"\(n_samples,\), but it has 3 dimensions, shape "
                                         r"\(150, 2, 1\)\. Reshape it"):
        call(np.zeros((150, 2, 1)), params, resp)


@pytest.mark.parametrize("call", DATA_CALLS.values(), ids=DATA_CALLS.keys())
def test_a_single_number_is_not_data(iris, call):
    _, params, resp = iris
    with pytest.raises(ValueError, match="0 dimensions, shape"):
        call(3.0, params, resp[:1])


@pytest.mark.parametrize("call", DATA_CALLS.values(), ids=DATA_CALLS.keys())
def test_zero_features(iris, call):
    _, params, resp = iris
    with pytest.raises(ValueError, match=r"X has 0 features \(shape \(150, 0\)\); each sample "
                                         "needs at least one number"):
        call(np.empty((150, 0)), params, resp)


@pytest.mark.parametrize("name", ["e_step", "run_em", "mean_log_likelihood", "predict", "bic",
                                  "log_gaussian_prob"])
def test_params_of_the_wrong_dimension(iris, name):
    _, params, resp = iris
    X4 = gt.load_iris_all()[0]
    with pytest.raises(ValueError, match="params describe 2-dimensional components but X has "
                                         r"4 feature\(s\) per sample\. Pass X with 2 "
                                         "columns"):
        DATA_CALLS[name](X4, params, resp)
    # a 1-D X is one feature, whatever its length
    with pytest.raises(ValueError, match=r"but X has 1 feature\(s\)"):
        DATA_CALLS[name](X4[:, 0], params, resp)


@pytest.mark.parametrize("not_params", [(np.ones(1), np.zeros((1, 2)), np.eye(2)[None]),
                                        {"weights": [1.0]}, None, "params"])
def test_params_must_be_a_gmm_params(iris, not_params):
    X, _, _ = iris
    for function in (gt.e_step, gt.run_em, gt.mean_log_likelihood, gt.bic):
        with pytest.raises(TypeError, match=r"params must be a GMMParams, got \w+\. Build one "
                                            r"with GMMParams\(weights, means, covariances\)"):
            function(X, not_params)


def test_cholesky_factor_names_non_numeric_and_empty_matrices():
    with pytest.raises(TypeError, match="cov must contain numbers"):
        gt.cholesky_factor("a")
    with pytest.raises(TypeError, match="covariances\\[0\\] must contain numbers"):
        gt.cholesky_factor([["a"]], "covariances[0]")
    with pytest.raises(ValueError, match=r"cov must be a square \(d, d\) matrix with d >= 1, "
                                         r"got shape \(0, 0\)"):
        gt.cholesky_factor(np.zeros((0, 0)))


def test_params_with_zero_features_are_named():
    with pytest.raises(ValueError, match=r"means have 0 features \(shape \(1, 0\)\); each "
                                         "mean needs at least one number"):
        gt.GMMParams([1.0], np.zeros((1, 0)), np.zeros((1, 0, 0)))


@pytest.mark.parametrize("cov, n_std, error, message", [
    ("a", 1.0, TypeError, "cov must contain numbers"),
    ([[np.nan, 0.0], [0.0, 1.0]], 1.0, ValueError, "cov contains 1 NaN"),
    ([[np.inf, 0.0], [0.0, 1.0]], 1.0, ValueError, r"cov contains 1 NaN or infinite value\(s\); "
     r"the first is an infinite value at index \(0, 0\)\. Drop or impute those entries "
     r"first\.$"),  # no advice to drop rows of X: this is a covariance
    ([[1.0, 0.5], [0.0, 1.0]], 1.0, ValueError, "cov must be symmetric"),
    ([[-1.0, 0.0], [0.0, 1.0]], 1.0, ValueError,
     r"cov has a negative eigenvalue \(-1\), so it is not a covariance matrix"),
    (np.eye(2), -1.0, ValueError, "n_std must be a finite number > 0, got -1.0"),
    (np.eye(2), "2", TypeError, "n_std must be a number"),
])
def test_ellipse_axes_names_a_bad_covariance_or_n_std(cov, n_std, error, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from sqrt of a negative number
        with pytest.raises(error, match=message):
            gt.ellipse_axes(cov, n_std)


def test_ellipse_of_a_singular_covariance_is_a_line():
    width, height, angle = gt.ellipse_axes([[1.0, 1.0], [1.0, 1.0]], 2.0)
    assert width == pytest.approx(4 * np.sqrt(2)) and height == pytest.approx(0, abs=1e-7)
    assert angle == pytest.approx(45.0)


@pytest.mark.parametrize("resp", [np.ones(3), np.ones((2, 2, 2))])
def test_responsibility_colors_needs_a_matrix(resp):
    with pytest.raises(ValueError, match=r"resp must have shape \(N, K\)"):
        gt.responsibility_colors(resp)


def test_scatter_responsibilities_needs_one_row_per_sample(iris):
    X, _, resp = iris
    fig = Figure()
    with pytest.raises(ValueError, match=r"resp has 149 rows but X has 150 samples"):
        gt.scatter_responsibilities(fig.add_subplot(), X, resp[:-1])


# ----------------------------------------------------------------------------- drawing
def test_drawing_functions_name_bad_params_dims_and_n_std(iris):
    X, params, resp = iris
    ax = Figure().add_subplot()
    with pytest.raises(TypeError, match="params must be a GMMParams, got NoneType"):
        gt.draw_gmm(ax, None)
    with pytest.raises(ValueError, match=r"dims must be two feature indices in 0\.\.1, got "
                                         r"\(0, 5\)"):
        gt.draw_gmm(ax, params, dims=(0, 5))
    with pytest.raises(ValueError, match=r"dims must be two feature indices in 0\.\.1"):
        gt.scatter_responsibilities(ax, X, resp, dims=(2, 0))
    with pytest.raises(ValueError, match=r"dims must be two feature indices in 0\.\.3"):
        gt.label_iris_axes(ax, dims=(0, 4))
    # a single number of standard deviations is one ellipse
    drawn = gt.draw_gmm(ax, params, n_std=2)
    assert [len(per_k) for per_k in drawn["ellipses"]] == [1, 1, 1]


def test_scrubber_and_probe_name_bad_arguments(iris):
    from gmm_teach import explorers, scrubber

    X, params, _ = iris
    empty = gt.run_em(X, params, max_iter=0)
    for make in (scrubber.EMScrubber, scrubber.em_player_html,
                 scrubber.plot_em_small_multiples):
        with pytest.raises(ValueError, match=r"the trace has no iterations \(run_em with "
                                             r"max_iter=0\); run at least one"):
            make(X, empty)
    trace = gt.run_em(X, params, max_iter=2)
    with pytest.raises(TypeError, match="trace must be an EMTrace"):
        scrubber.em_axis_limits(X, None)
    for option in ("max_panels", "ncols"):
        with pytest.raises(ValueError, match=f"{option} must be at least 1, got 0"):
            scrubber.plot_em_small_multiples(X, trace, **{option: 0})
    with pytest.raises(TypeError, match="interval_ms must be a number"):
        scrubber.em_player_html(X, trace, interval_ms="a")
    with pytest.raises(TypeError, match="params must be a GMMParams, got NoneType"):
        explorers.responsibility_probe(X, None)
    with pytest.raises(ValueError, match=r"point must be one 2-D point \(x1, x2\), got shape "
                                         r"\(3,\)"):
        explorers.responsibility_probe(X, params, point=(1.0, 2.0, 3.0))


# ----------------------------------------------------------------------------- resp
@pytest.mark.parametrize("shape", [(149, 3), (151, 3), (150,), (150, 0), (150, 3, 1), (3, 150)])
def test_resp_of_the_wrong_shape(iris, shape):
    X, _, _ = iris
    message = f"resp must have shape (N, K) = (150, K) with one row per sample of X, got {shape}"
    with pytest.raises(ValueError, match=re.escape(message)):
        gt.m_step(X, np.full(shape, 0.5))


@pytest.mark.parametrize("change", ["halved", "one row off", "negative entry", "above one"])
def test_resp_must_be_probabilities_summing_to_one(iris, change):
    X, _, resp = iris
    bad = np.array(resp)
    if change == "halved":
        bad *= 0.5
    elif change == "one row off":
        bad[10] *= 1.01
    elif change == "negative entry":  # rows still sum to 1
        bad[3] = [-0.25, 0.75, 0.5]
    else:
        bad[3] = [1.5, -0.25, -0.25]
    with pytest.raises(ValueError, match=r"resp must hold probabilities: non-negative rows "
                                         r"that sum to 1 \(as e_step returns them\)"):
        gt.m_step(X, bad)


def test_resp_rounding_error_is_accepted(iris):
    X, _, resp = iris
    params = gt.m_step(X, resp * (1 + 1e-9))
    assert params.n_components == 3


# ----------------------------------------------------------------------------- n_components
@pytest.mark.parametrize("K, error, message", [
    (0, ValueError, "n_components must be at least 1, got 0"),
    (-2, ValueError, "n_components must be at least 1, got -2"),
    (True, TypeError, "n_components must be a whole number, not True"),
    (False, TypeError, "n_components must be a whole number, not False"),
    (2.0, TypeError, r"n_components must be a whole number, not 2\.0"),
    (2.5, TypeError, r"n_components must be a whole number, not 2\.5"),
    ("3", TypeError, "n_components must be a whole number, not '3'"),
    (None, TypeError, "n_components must be a whole number, not None"),
    (151, ValueError, r"n_components=151 is more components than samples \(150\); each "
                      "component needs data. Use at most 150 components or more data"),
])
def test_invalid_n_components(iris, K, error, message):
    X, _, _ = iris
    with pytest.raises(error, match=message):
        gt.initial_params(X, K)


def test_numpy_integers_are_whole_numbers(iris):
    X, _, _ = iris
    assert gt.initial_params(X, np.int64(2), random_state=0).n_components == 2
    assert gt.initial_params(X, 150, "random_from_data", random_state=0).n_components == 150


def test_run_em_needs_no_more_components_than_samples(iris):
    X, params, _ = iris
    with pytest.raises(ValueError, match=r"n_components=3 is more components than samples "
                                         r"\(2\)"):
        gt.run_em(X[:2], params)
    # evaluating a fitted mixture on fewer points than components is fine (one probe point)
    assert gt.e_step(X[:1], params).shape == (1, 3)


# ----------------------------------------------------------------------------- options
@pytest.mark.parametrize("method", ["kmeans++", "KMeans", "random-from-data", "", None, 1,
                                    np.array(["kmeans", "random"])])
def test_invalid_method(iris, method):
    X, _, _ = iris
    with pytest.raises(ValueError, match=r"method must be one of \('kmeans', 'k-means\+\+', "
                                         r"'random', 'random_from_data'\), got "):
        gt.initial_params(X, 3, method=method)


@pytest.mark.parametrize("random_state", ["0", 1.5, -1, 2**32, [1, 2, 3.5]])
def test_invalid_random_state(iris, random_state):
    X, _, _ = iris
    with pytest.raises(ValueError, match=r"random_state must be None, an int in 0\.\.2\*\*32 - "
                                         r"1 or a np\.random\.RandomState, got "):
        gt.initial_params(X, 3, random_state=random_state)


@pytest.mark.parametrize("covariance_type", ["Full", "diagonal", "sphere", "", None,
                                             np.array(["full", "diag"])])
def test_invalid_covariance_type(iris, covariance_type):
    X, _, resp = iris
    message = r"covariance_type must be one of \('full', 'tied', 'diag', 'spherical'\), got"
    with pytest.raises(ValueError, match=message):
        gt.initial_params(X, 3, covariance_type=covariance_type)
    with pytest.raises(ValueError, match=message):
        gt.m_step(X, resp, covariance_type=covariance_type)
    with pytest.raises(ValueError, match=message):
        gt.GMMParams([1.0], [[0.0, 0.0]], [np.eye(2)], covariance_type)


@pytest.mark.parametrize("name", ["tol", "reg_covar"])
@pytest.mark.parametrize("value, error, message", [
    (-1e-3, ValueError, r"must be a finite number >= 0, got -0\.001"),
    (-np.inf, ValueError, "must be a finite number >= 0, got -inf"),
    (np.nan, ValueError, "must be a finite number >= 0, got nan"),
    (np.inf, ValueError, "must be a finite number >= 0, got inf"),
    ("0.1", TypeError, "must be a number, not '0.1'"),
    (None, TypeError, "must be a number, not None"),
    (True, TypeError, "must be a number, not True"),
])
def test_invalid_tol_and_reg_covar(iris, name, value, error, message):
    X, params, resp = iris
    with pytest.raises(error, match=f"{name} {message}"):
        gt.run_em(X, params, **{name: value})
    if name == "reg_covar":
        with pytest.raises(error, match=f"{name} {message}"):
            gt.m_step(X, resp, reg_covar=value)
        with pytest.raises(error, match=f"{name} {message}"):
            gt.initial_params(X, 3, reg_covar=value)


@pytest.mark.parametrize("value, error, message", [
    (-1, ValueError, "max_iter must be at least 0, got -1"),
    (2.5, TypeError, r"max_iter must be a whole number, not 2\.5"),
    (10.0, TypeError, r"max_iter must be a whole number, not 10\.0"),
    (True, TypeError, "max_iter must be a whole number, not True"),
    ("10", TypeError, "max_iter must be a whole number, not '10'"),
])
def test_invalid_max_iter(iris, value, error, message):
    X, params, _ = iris
    with pytest.raises(error, match=message):
        gt.run_em(X, params, max_iter=value)


# ----------------------------------------------------------------------------- covariances
@pytest.mark.parametrize("cov, message", [
    ([[1.0, 2.0], [2.0, 1.0]], r"cov is not positive definite \(smallest eigenvalue -1\)"),
    ([[1.0, 1.0], [1.0, 1.0]], r"cov is not positive definite \(smallest eigenvalue 0\)"),
    (np.zeros((2, 2)), r"cov is not positive definite"),
])
def test_mvn_logpdf_explains_a_covariance_that_is_not_positive_definite(cov, message):
    with pytest.raises(ValueError, match=message) as error:
        gt.mvn_logpdf(np.zeros((4, 2)), [0.0, 0.0], cov)
    # and says how to fix it
    assert "reg_covar" in str(error.value) and "ridge" in str(error.value)


def test_mvn_logpdf_rejects_an_asymmetric_covariance():
    with pytest.raises(ValueError, match=r"cov must be symmetric, but cov - cov\.T has entries "
                                         r"up to 0\.3\. Use \(cov \+ cov\.T\) / 2"):
        gt.mvn_logpdf(np.zeros((4, 2)), [0.0, 0.0], [[1.0, 0.5], [0.2, 1.0]])
    # asymmetry at the level of rounding error is accepted
    cov = np.array([[2.0, 0.3], [0.3 + 1e-15, 1.0]])
    assert np.all(np.isfinite(gt.mvn_logpdf(np.zeros((4, 2)), [0.0, 0.0], cov)))


@pytest.mark.parametrize("variance", [-2.0, -1e-300, 0.0])
def test_a_negative_or_zero_variance_is_rejected_everywhere(variance):
    x = np.linspace(-1, 1, 5)
    with pytest.raises(ValueError, match="variance must be > 0.*not the standard deviation"):
        gt.gaussian_pdf(x, 0.0, variance)
    with pytest.raises(ValueError, match=r"cov is not positive definite \(smallest eigenvalue "):
        gt.mvn_logpdf(x, 0.0, variance)
    with pytest.raises(ValueError, match=r"covariances\[1\] \(component 2\) is not positive "
                                         "definite.*reg_covar"):
        gt.GMMParams([0.5, 0.5], [0.0, 1.0], [1.0, variance])


def test_a_vector_of_variances_is_not_a_covariance_matrix():
    # np.diag(variances) is: the message gives the expected shape
    with pytest.raises(ValueError, match=r"cov must have shape \(2, 2\) to match X's 2 "
                                         r"feature\(s\), got \(2,\)"):
        gt.mvn_logpdf(np.zeros((4, 2)), [0.0, 0.0], [1.0, 2.0])


# ----------------------------------------------------------------------------- numerics
@pytest.mark.parametrize("distance", [1e3, 1e50, 1e100, 1e140])
def test_far_points_give_finite_values_without_warnings(iris, distance):
    _, params, _ = iris
    far = np.array([[distance, -distance], [6.0, 3.0]])
    with no_numpy_warnings():
        resp = gt.e_step(far, params)
        log_p = gt.sample_log_likelihood(far, params)
        log_density = gt.mvn_logpdf(far, params.means[0], params.covariances[0])
        density = gt.mvn_pdf(far, params.means[0], params.covariances[0])
        log_1d = gt.gaussian_logpdf(distance, 0.0, 1.0)
    assert np.all(np.isfinite(resp)) and np.all(np.isfinite(log_p))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-14)
    assert np.all(np.isfinite(log_density)) and density[0] == 0.0 and density[1] > 0
    assert np.isfinite(log_1d)


def test_points_whose_log_density_overflows_raise_a_clear_error(iris):
    # A squared Mahalanobis distance above 1.8e308 is not a float: log N(x) would be -inf
    # for every component and the responsibilities 0/0. Say so rather than return NaN.
    _, params, _ = iris
    X = np.array([[5.0, 3.0], [1e140, 0.0], [6.0, 3.0]])
    tiny = gt.GMMParams([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [1e-40 * np.eye(2)] * 2)
    for call in (gt.e_step, gt.sample_log_likelihood, gt.mean_log_likelihood, gt.predict,
                 gt.run_em):
        with no_numpy_warnings(), pytest.raises(
                ValueError, match=r"sample 1 .*so far from every component.*overflow.*"
                                  r"[Rr]escale"):
            call(X, tiny)
    with no_numpy_warnings(), pytest.raises(ValueError, match="overflow.*[Rr]escale"):
        gt.mvn_logpdf(X, [0.0, 0.0], 1e-40 * np.eye(2))
    with no_numpy_warnings(), pytest.raises(ValueError, match="overflow.*[Rr]escale"):
        gt.gaussian_logpdf(np.array([0.0, 1.0]), 0.0, 1e-320)
    # the densities themselves are 0 there (underflow is the right answer), without warnings
    with no_numpy_warnings():
        np.testing.assert_array_equal(gt.gaussian_pdf(np.array([1e200, 1.0]), 0.0, 1e-320),
                                      [0.0, 0.0])
        assert gt.mvn_pdf(X, [0.0, 0.0], 1e-40 * np.eye(2))[1] == 0.0


@pytest.mark.parametrize("call", DATA_CALLS.values(), ids=DATA_CALLS.keys())
def test_data_too_large_to_square_is_rejected_with_the_fix(iris, call):
    X, params, resp = iris
    huge = X * 1e200
    with no_numpy_warnings(), pytest.raises(ValueError, match=r"X has values up to 7\.9e\+200 "
                                                              r"in absolute value.*overflow.*"
                                                              r"[Rr]escale"):
        call(huge, params, resp)


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("scale", [1e-150, 1e-20, 1e20, 1e140])
def test_extreme_scales_with_a_matching_reg_covar_give_finite_fits(covariance_type, scale):
    # EM is equivariant under rescaling: the same fit, the mean log-likelihood shifted by
    # -d log(scale), as long as reg_covar is rescaled too.
    X = gt.load_iris_sepal()[0]
    reference = gt.run_em(X, gt.initial_params(X, 3, random_state=0,
                                               covariance_type=covariance_type))
    Y = X * scale
    reg_covar = 1e-6 * scale * scale
    with no_numpy_warnings():
        init = gt.initial_params(Y, 3, random_state=0, reg_covar=reg_covar,
                                 covariance_type=covariance_type)
        trace = gt.run_em(Y, init, reg_covar=reg_covar)
    assert trace.n_iter == reference.n_iter
    np.testing.assert_allclose(trace.mean_log_likelihoods + 2 * np.log(scale),
                               reference.mean_log_likelihoods, rtol=1e-6)
    np.testing.assert_allclose(trace.final.means / scale, reference.final.means, rtol=1e-6)


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
def test_tiny_scale_with_the_default_reg_covar_stays_finite(covariance_type):
    # data of size 1e-8: reg_covar = 1e-6 dominates every covariance (each component is a
    # broad bump), which is the documented effect of the ridge, not an error
    X = gt.load_iris_sepal()[0] * 1e-8
    with no_numpy_warnings():
        trace = gt.run_em(X, gt.initial_params(X, 3, random_state=0,
                                               covariance_type=covariance_type))
    assert np.all(np.isfinite(trace.mean_log_likelihoods))
    assert np.diagonal(trace.final.covariances, axis1=1, axis2=2).min() >= 1e-6


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("method", gt.INIT_METHODS)
def test_an_outlier_gives_finite_values_or_a_clear_error(method, covariance_type):
    # One point 1e8 away from 150 points of size ~5. Usually a component takes it on its own,
    # held by reg_covar (with tied covariances the shared one stretches instead). But a
    # component may also take a sliver of the outlier: its covariance then has entries ~1e14
    # and a smallest eigenvalue below their rounding error (condition number ~1e15), so the
    # sign of that eigenvalue is luck. This happens here with the "random" start and full
    # covariances (scikit-learn, whose sums round differently in the last bits, happens to
    # get it positive there). What must hold: finite numbers, or a ValueError that names the
    # component and the fix (reg_covar, rescaling); never NaN or a LinAlgError.
    X = np.vstack([gt.load_iris_sepal()[0], [[1e8, -1e8]]])
    with no_numpy_warnings():
        try:
            trace = gt.run_em(X, gt.initial_params(X, 3, method, random_state=0,
                                                   covariance_type=covariance_type))
        except ValueError as error:
            assert method == "random"  # the one-point and k-means starts never fail here
            assert re.search(r"component \d\) is not positive definite.*reg_covar.*rescale",
                             str(error))
            return
        final_ll = trace.mean_log_likelihood(-1)
    assert np.all(np.isfinite(trace.mean_log_likelihoods)) and np.isfinite(final_ll)
    assert np.all(np.isfinite(trace.final.covariances))
    if method != "random" and covariance_type != "tied":
        # the outlier's own component: it is the only point with responsibility there
        assert np.isclose(trace.responsibilities(-1)[-1].max(), 1.0)


def collapse_case():
    """40 points of a blob and one point twice, far away; a start that puts component 1 on
    the repeated point, so its scatter is exactly 0 for every covariance type that has one
    covariance per component."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, size=(40, 2)), [[12.0, 12.0], [12.0, 12.0]]])
    return X, np.eye(2)[[0] * 40 + [1] * 2]


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
def test_a_collapsing_component_is_held_by_reg_covar(covariance_type):
    X, labels = collapse_case()
    init = gt.m_step(X, labels, reg_covar=0.01, covariance_type=covariance_type)
    with no_numpy_warnings():
        trace = gt.run_em(X, init)
    assert np.all(np.isfinite(trace.mean_log_likelihoods))
    assert np.isfinite(trace.mean_log_likelihood(-1))
    if covariance_type != "tied":  # the pooled covariance never collapses
        np.testing.assert_allclose(trace.final.covariances[1], 1e-6 * np.eye(2), rtol=1e-3,
                                   atol=1e-20)


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
def test_a_collapsing_component_without_reg_covar_is_finite_or_explained(covariance_type):
    # full: the scatter is exactly 0 and the Cholesky factorisation fails: ValueError naming
    # reg_covar. diag/spherical compute the variance as E[x^2] - mu^2 (scikit-learn's form),
    # whose rounding leaves ~1e-14 instead of 0: a finite, very peaked component. tied: the
    # pooled covariance stays broad. Never NaN, never LinAlgError.
    X, labels = collapse_case()
    init = gt.m_step(X, labels, reg_covar=0.01, covariance_type=covariance_type)
    with no_numpy_warnings():
        try:
            trace = gt.run_em(X, init, reg_covar=0.0)
        except ValueError as error:
            assert covariance_type == "full"
            assert "not positive definite" in str(error) and "reg_covar" in str(error)
        else:
            assert covariance_type != "full"
            assert np.all(np.isfinite(trace.mean_log_likelihoods))
            assert np.all(np.isfinite(trace.final.covariances))


@pytest.mark.parametrize("covariance_type", ["full", "tied"])
def test_data_on_a_line_without_reg_covar_is_explained(covariance_type):
    # 20 points on the line y = 2x: the scatter matrix is singular.
    X = np.column_stack([np.arange(20.0), 2 * np.arange(20.0)])
    with pytest.raises(ValueError, match=r"component 1\) is not positive definite.*lie on a "
                                         r"line.*reg_covar"):
        gt.m_step(X, np.ones((20, 1)), reg_covar=0.0, covariance_type=covariance_type)
    with no_numpy_warnings():
        params = gt.m_step(X, np.ones((20, 1)), covariance_type=covariance_type)
        assert np.isfinite(gt.mean_log_likelihood(X, params))


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
def test_identical_points_are_finite_with_the_default_reg_covar(covariance_type):
    X = np.full((10, 2), 3.0)
    with no_numpy_warnings():
        trace = gt.run_em(X, gt.initial_params(X, 2, "random", random_state=0,
                                               covariance_type=covariance_type))
    assert np.all(np.isfinite(trace.mean_log_likelihoods))
    np.testing.assert_allclose(trace.final.means, 3.0, rtol=1e-12)
