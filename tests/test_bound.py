"""The lower bound (gmm_teach.bound): the decomposition N l = L + KL, L <= N l, equality after
the E-step, the M-step maximising L(q, .), the trace's half-steps, the path and the landscape.

Data: iris sepal (2-D), iris with its 4 features, blobs in 1, 2 and 3 dimensions, each with
all four covariance types; hypothesis draws data, parameters of every type and q. SEEN keeps
the largest |N l - L - KL| (absolute, relative to N |l| and relative to |L| + KL, the size of
the terms summed: a random q far from the posterior has KL much larger than N |l|) and the
largest L - N l met by any test here; run with -s to see them printed.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats
from scipy.special import logsumexp
from sklearn.datasets import make_blobs
from test_properties import PROFILE, data_and_params, two_d

import gmm_teach as gt
from gmm_teach import bound
from gmm_teach.semisupervised import run_semisupervised_em

EPS = np.finfo(float).eps
SEEN = {"|N l - L - KL|": 0.0, "|N l - L - KL| / (N |l|)": 0.0, "L - N l": -np.inf,
        "(L - N l) / (N |l|)": -np.inf, "|N l - L - KL| / (|L| + KL)": 0.0}


@pytest.fixture(scope="module", autouse=True)
def report_largest_gaps():
    yield
    print("\nlargest over tests/test_bound.py:",
          ", ".join(f"{name} = {value:.3g}" for name, value in SEEN.items()))


def data_set(name):
    """(X, K) for the named data set."""
    if name == "iris sepal":
        return gt.load_iris_sepal()[0], 3
    if name == "iris 4 features":
        return gt.load_iris_all()[0], 3
    d = int(name[-1])
    X, _ = make_blobs(240, n_features=d, centers=3, cluster_std=[1.0, 1.5, 0.6],
                      random_state=d)
    return X, 3


DATA_SETS = ["iris sepal", "iris 4 features", "blobs d=1", "blobs d=2", "blobs d=3"]
CASES = [(name, kind) for name in DATA_SETS for kind in gt.COVARIANCE_TYPES]


def start(name, covariance_type):
    X, K = data_set(name)
    return X, gt.initial_params(X, K, "kmeans", random_state=0,
                                covariance_type=covariance_type)


def random_q(n, K, concentration, seed):
    """Dirichlet rows; concentration 0.05 gives rows with entries that underflow to 0."""
    return np.random.default_rng(seed).dirichlet(np.full(K, concentration), size=n)


def decomposition(X, params, q):
    """(N l, L, KL), recording the gaps, with the identity and the inequality checked to a
    tolerance that follows from summing N K terms of size up to max |log pi N| in float64."""
    n_ll = len(X) * gt.mean_log_likelihood(X, params)
    L, KL = gt.elbo(X, params, q), gt.posterior_kl(X, params, q)
    gap = abs(n_ll - L - KL)
    SEEN["|N l - L - KL|"] = max(SEEN["|N l - L - KL|"], gap)
    SEEN["|N l - L - KL| / (N |l|)"] = max(SEEN["|N l - L - KL| / (N |l|)"], gap / abs(n_ll))
    SEEN["L - N l"] = max(SEEN["L - N l"], L - n_ll)
    SEEN["|N l - L - KL| / (|L| + KL)"] = max(SEEN["|N l - L - KL| / (|L| + KL)"],
                                              gap / (abs(L) + KL))
    SEEN["(L - N l) / (N |l|)"] = max(SEEN["(L - N l) / (N |l|)"], (L - n_ll) / abs(n_ll))
    scale = float(np.abs(q * gt.weighted_log_prob(X, params)).sum()) + abs(L) + KL
    assert gap <= 1e-12 * scale
    assert KL >= 0
    assert L <= n_ll + 1e-12 * scale
    return n_ll, L, KL


# ----------------------------------------------------------------------------- the identity
@pytest.mark.parametrize(("name", "covariance_type"), CASES)
def test_decomposition_holds_for_any_responsibilities(name, covariance_type):
    X, params = start(name, covariance_type)
    fitted = gt.run_em(X, params).final
    K = params.n_components
    for theta in (params, fitted):
        for seed, concentration in enumerate((0.05, 1.0, 20.0)):
            q = random_q(len(X), K, concentration, seed)
            n_ll, L, KL = decomposition(X, theta, q)
            assert KL > 1.0                      # a random q is far from the posterior
        one_hot = np.eye(K)[np.random.default_rng(7).integers(0, K, len(X))]   # 0 log 0 = 0
        decomposition(X, theta, one_hot)


@pytest.mark.parametrize(("name", "covariance_type"), CASES)
def test_bound_touches_right_after_an_e_step(name, covariance_type):
    X, params = start(name, covariance_type)
    for theta in (params, gt.run_em(X, params, max_iter=3).final):
        n_ll, L, KL = decomposition(X, theta, gt.e_step(X, theta))
        assert KL == 0.0
        assert abs(n_ll - L) <= 64 * EPS * abs(n_ll)


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
@pytest.mark.parametrize("name", ["iris sepal", "blobs d=3", "blobs d=1"])
def test_elbo_and_kl_equal_a_direct_scipy_computation(name, covariance_type):
    X, K = data_set(name)
    X = two_d(X)[::8]                                        # small data
    params = gt.initial_params(X, K, "random", random_state=1,
                               covariance_type=covariance_type)
    q = random_q(len(X), K, 0.3, 3)
    q[0] = np.eye(K)[1]                                      # a row with exact zeros
    log_joint = np.column_stack([
        np.log(params.weights[k])
        + stats.multivariate_normal(params.means[k], params.covariances[k]).logpdf(X)
        for k in range(K)])
    log_q = np.log(np.where(q > 0, q, 1.0))
    log_posterior = log_joint - logsumexp(log_joint, axis=1, keepdims=True)
    L = float(np.sum(np.where(q > 0, q * (log_joint - log_q), 0.0)))
    KL = float(np.sum(np.where(q > 0, q * (log_q - log_posterior), 0.0)))
    assert gt.elbo(X, params, q) == pytest.approx(L, rel=1e-10)
    assert gt.posterior_kl(X, params, q) == pytest.approx(KL, rel=1e-10)
    assert float(logsumexp(log_joint, axis=1).sum()) == pytest.approx(
        gt.elbo(X, params, q) + gt.posterior_kl(X, params, q), rel=1e-10)


# ----------------------------------------------------------------------------- the M-step
def perturbations(params: gt.GMMParams, rng, size: float):
    """Parameters near params, of its covariance type: means moved, weights moved on the
    simplex, covariances (I + size A) Sigma (I + size A)^T (diag: each variance times
    exp(size v); spherical: each component's; tied: one A for all), one at a time and all."""
    K, d = params.n_components, params.n_features
    kind = params.covariance_type
    means = params.means + size * rng.normal(size=(K, d)) * np.sqrt(
        np.diagonal(params.covariances, axis1=1, axis2=2))
    step = rng.normal(size=K)
    step -= step.mean()
    weights = params.weights + size * params.weights.min() * step / np.abs(step).max()
    if kind in ("diag", "spherical"):
        factor = np.exp(size * rng.normal(size=(K, 1 if kind == "spherical" else d)))
        factor = np.broadcast_to(factor, (K, d))
        covariances = params.covariances * factor[:, :, np.newaxis] * np.eye(d)
    else:
        A = size * rng.normal(size=(1 if kind == "tied" else K, d, d)) + np.eye(d)
        A = np.broadcast_to(A, (K, d, d))
        covariances = A @ params.covariances @ A.transpose(0, 2, 1)
        covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
    p = params
    return [gt.GMMParams(p.weights, means, p.covariances, kind),
            gt.GMMParams(weights, p.means, p.covariances, kind),
            gt.GMMParams(p.weights, p.means, covariances, kind),
            gt.GMMParams(weights, means, covariances, kind)]


@pytest.mark.parametrize(("name", "covariance_type"), CASES)
def test_m_step_without_ridge_maximises_the_bound(name, covariance_type):
    X, params = start(name, covariance_type)
    rng = np.random.default_rng(11)
    for q in (gt.e_step(X, params), random_q(len(X), params.n_components, 2.0, 5)):
        best = gt.m_step(X, q, reg_covar=0.0, covariance_type=covariance_type)
        top = gt.elbo(X, best, q)
        for size in (1e-1, 1e-3, 1e-5):
            for _ in range(3):
                for other in perturbations(best, rng, size):
                    L = gt.elbo(X, other, q)
                    assert L <= top + 64 * EPS * abs(top)
                    if size == 1e-1:              # a visible step: visibly lower
                        assert L < top - 1e-6 * abs(top)


# ----------------------------------------------------------------------------- the trace
@pytest.mark.parametrize(("name", "covariance_type"), CASES)
@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
def test_trace_half_steps_decompose_and_climb(name, covariance_type, reg_covar):
    X, params = start(name, covariance_type)
    trace = gt.run_em(X, params, reg_covar=reg_covar, tol=1e-6, max_iter=25)
    table = trace.bound_table()
    assert [(row.iteration, row.phase) for row in table] == [
        (i, phase) for i in range(1, trace.n_iter + 1) for phase in "EM"]
    n = len(X)
    for e, m in zip(table[::2], table[1::2], strict=True):
        i = e.iteration
        assert e.n_log_likelihood == pytest.approx(n * trace.mean_log_likelihood(i - 1),
                                                   rel=1e-13)
        assert m.n_log_likelihood == pytest.approx(n * trace.mean_log_likelihood(i), rel=1e-13)
        for row, theta in ((e, trace.params[i - 1]), (m, trace.params[i])):
            q = trace.responsibilities(i - 1)
            assert (row.n_log_likelihood, row.elbo, row.posterior_kl) == pytest.approx(
                decomposition(X, theta, q), rel=1e-13, abs=1e-12)
        assert e.posterior_kl == 0.0
        # N l rises at least as much as L over the M-step; the E-step closes the gap
        tol = 64 * EPS * abs(e.n_log_likelihood)
        assert m.n_log_likelihood - e.n_log_likelihood >= m.elbo - e.elbo - tol
        if reg_covar == 0.0:
            assert m.elbo >= e.elbo - tol
    assert trace.elbo(1, "M") == table[1].elbo
    assert trace.posterior_kl(1, "M") == table[1].posterior_kl
    assert trace.bound(trace.n_iter, "E") == table[-2]


def test_trace_bound_refuses_variants_and_bad_half_steps():
    X, _ = data_set("iris sepal")
    trace = gt.run_em(X, gt.initial_params(X, 3, random_state=0), max_iter=3)
    with pytest.raises(ValueError, match="iteration must be 1..3"):
        trace.elbo(4, "E")
    with pytest.raises(ValueError, match="phase must be 'E' or 'M'"):
        trace.posterior_kl(1, "X")
    variant = run_semisupervised_em(X, np.full(len(X), -1), trace.params[0], max_iter=2)
    with pytest.raises(TypeError, match="SemiSupervisedTrace has its own E-step"):
        variant.bound_table()


# ----------------------------------------------------------------------------- properties
@st.composite
def data_and_params_of_any_type(draw):
    """test_properties' data and parameters, with the covariances recast to a covariance type
    drawn at random: tied (component 1's matrix for all), diag (the diagonals), spherical
    (the mean variance)."""
    X, params = draw(data_and_params())
    kind = draw(st.sampled_from(gt.COVARIANCE_TYPES))
    K, d = params.n_components, params.n_features
    covariances = params.covariances
    if kind == "tied":
        covariances = np.broadcast_to(covariances[0], (K, d, d))
    elif kind in ("diag", "spherical"):
        variances = np.diagonal(covariances, axis1=1, axis2=2)
        if kind == "spherical":
            variances = np.repeat(variances.mean(axis=1, keepdims=True), d, axis=1)
        covariances = variances[:, :, np.newaxis] * np.eye(d)
    return X, gt.GMMParams(params.weights, params.means, covariances, kind)


@st.composite
def problem_with_q(draw):
    X, params = draw(data_and_params_of_any_type())
    raw = draw(arrays(np.float64, (len(X), params.n_components),
                      elements=st.floats(0.0, 1.0, width=64)))
    raw[:, 0] += 1e-3                                 # no row of zeros; exact zeros elsewhere
    return X, params, raw / raw.sum(axis=1, keepdims=True)


@settings(max_examples=100, **PROFILE)
@given(problem_with_q())
def test_property_decomposition_and_bound(problem):
    X, params, q = problem
    decomposition(X, params, q)


@settings(max_examples=40, **PROFILE)
@given(data_and_params_of_any_type())
def test_property_equality_at_the_posterior(problem):
    X, params = problem
    n_ll, L, KL = decomposition(X, params, gt.e_step(X, params))
    assert KL == 0.0


# ----------------------------------------------------------------------------- the path
@pytest.mark.parametrize(("name", "covariance_type"), CASES)
def test_bound_along_path_touches_at_old_and_peaks_at_new(name, covariance_type):
    X, K = data_set(name)
    # a one-point start, so that the first M-step moves far (a k-means start on the blobs is
    # already where EM ends, and the curve would be flat to rounding)
    old = gt.initial_params(X, K, "random_from_data", random_state=2,
                            covariance_type=covariance_type)
    new = gt.m_step(X, gt.e_step(X, old), reg_covar=0.0, covariance_type=covariance_type)
    ts = np.arange(-40, 161) / 100                    # -0.4 .. 1.6, with 0 and 1 exactly
    lls, bounds = bound.bound_along_path(X, old, new, ts)
    at_0, at_1 = np.flatnonzero(ts == 0)[0], np.flatnonzero(ts == 1)[0]
    assert bounds[at_0] == pytest.approx(lls[at_0], rel=64 * EPS)    # KL = 0 exactly there
    assert bound.interpolate_params(old, new, 0.0) is old
    assert lls[at_0] == pytest.approx(gt.mean_log_likelihood(X, old), rel=1e-14)
    assert np.all(bounds <= lls + 64 * EPS * np.abs(lls))
    assert np.argmax(bounds) == at_1
    assert bounds[at_1] - max(bounds[at_1 - 1], bounds[at_1 + 1]) > 1e-9   # a visible peak
    assert lls[at_1] == pytest.approx(gt.mean_log_likelihood(X, new), rel=1e-12)
    assert bounds[at_1] * len(X) == pytest.approx(gt.elbo(X, new, gt.e_step(X, old)), rel=1e-12)
    assert lls[at_1] - lls[at_0] >= bounds[at_1] - bounds[at_0]     # EM climbs


@pytest.mark.parametrize("covariance_type", gt.COVARIANCE_TYPES)
def test_path_stays_positive_definite_and_keeps_the_type_beyond_the_ends(covariance_type):
    X, old = start("blobs d=3", covariance_type)
    new = gt.run_em(X, old).final
    for t in (-1.0, -0.3, 0.5, 1.7, 2.0):
        theta = bound.interpolate_params(old, new, t)     # GMMParams checks type and PD
        assert theta.covariance_type == covariance_type
        assert np.linalg.eigvalsh(theta.covariances).min() > 0
        assert theta.weights.sum() == pytest.approx(1.0, abs=1e-15)
    assert bound.interpolate_params(old, new, 1.0) is new
    near_end = bound.interpolate_params(old, new, 1 - 1e-9)      # continuous at the end
    scale = np.abs(new.covariances).max()
    np.testing.assert_allclose(near_end.covariances, new.covariances, rtol=0,
                               atol=1e-7 * scale)
    np.testing.assert_allclose(near_end.weights, new.weights, rtol=1e-7)


def test_covariance_path_is_log_euclidean_where_a_straight_line_turns_negative():
    old = gt.GMMParams([1.0], [0.0], [4.0])
    new = gt.GMMParams([1.0], [1.0], [1.0])
    # a straight line reaches 4 + 2 (1 - 4) = -2 at t = 2, Cholesky factors 2 + 2 (1 - 2) = 0
    theta = bound.interpolate_params(old, new, 2.0)
    assert theta.covariances[0, 0, 0] == pytest.approx(0.25, rel=1e-14)
    assert theta.means[0, 0] == 2.0


# ----------------------------------------------------------------------------- landscape
def one_dimensional_sample():
    rng = np.random.default_rng(3)
    return np.concatenate([rng.normal(-2.0, 1.0, 70), rng.normal(2.5, 1.0, 50)])


def test_log_likelihood_grid_matches_the_engine_and_has_the_contour_layout():
    x = one_dimensional_sample()
    mu1, mu2 = np.linspace(-4, 4, 9), np.linspace(-3, 5, 5)
    weights, variances = (0.3, 0.7), (1.5, 0.8)
    grid = bound.log_likelihood_grid(x, mu1, mu2, weights=weights, variances=variances)
    assert grid.shape == (5, 9)
    for j, i in [(0, 0), (4, 8), (2, 3), (1, 7)]:
        params = gt.GMMParams(weights, [mu1[i], mu2[j]], variances)
        assert grid[j, i] == pytest.approx(gt.mean_log_likelihood(x, params), rel=1e-13)


def test_log_likelihood_grid_is_mirror_symmetric_only_for_equal_components():
    x = one_dimensional_sample()
    mus = np.linspace(-5, 5, 301)       # more than one block of 2e6 numbers
    grid = bound.log_likelihood_grid(x, mus, mus, weights=(0.5, 0.5), variances=(1.0, 1.0))
    np.testing.assert_allclose(grid, grid.T, rtol=1e-14)
    tilted = bound.log_likelihood_grid(x, mus, mus, weights=(0.3, 0.7), variances=(1.0, 1.0))
    assert np.abs(tilted - tilted.T).max() > 0.01


def test_log_likelihood_grid_spikes_where_a_thin_component_sits_on_a_sample():
    x = one_dimensional_sample()
    xs = np.sort(x)
    gaps = np.diff(xs)
    isolation = np.minimum(gaps[:-1], gaps[1:])          # to the nearer neighbour
    lonely = 1 + np.argsort(isolation)[-5:]              # 5 samples far from the others
    assert isolation[lonely - 1].min() > 0.1             # > 10 sd of the widest thin one
    at_samples, mu2 = xs[lonely], [x.mean()]
    between = at_samples + gaps[lonely] / 2
    peaks = []
    for variance in (1e-4, 1e-6, 1e-8):
        options = dict(weights=(0.5, 0.5), variances=(variance, 1.0))
        on = bound.log_likelihood_grid(x, at_samples, mu2, **options)[0]
        off = bound.log_likelihood_grid(x, between, mu2, **options)[0]
        assert on.min() > off.max()
        peaks.append(on.max())
    # each hundredfold thinner variance adds log(10) / N to the spike, without bound (notebook
    # 08), up to the wide component's share of the density at that sample (0.2% at 1e-4)
    np.testing.assert_allclose(np.diff(peaks), np.log(10) / len(x), rtol=5e-3)


def test_em_means_path_stays_on_the_diagonal_and_never_goes_down():
    x = one_dimensional_sample()
    options = dict(weights=(0.5, 0.5), variances=(1.0, 1.0))
    diagonal = bound.em_means_path(x, (-4.0, -4.0), **options)
    assert np.array_equal(diagonal[:, 0], diagonal[:, 1])
    assert diagonal[-1, 0] == pytest.approx(x.mean(), rel=1e-12)      # the saddle
    off = bound.em_means_path(x, (-4.0, -3.9), **options)
    for path in (diagonal, off):
        lls = [gt.mean_log_likelihood(x, gt.GMMParams(options["weights"], mu,
                                                      options["variances"])) for mu in path]
        assert np.all(np.diff(lls) >= -1e-14 * np.abs(lls[1:]))
    assert len(off) > 3 and off[-1, 0] < 0 < off[-1, 1]               # leaves the diagonal
    saddle = gt.GMMParams((0.5, 0.5), diagonal[-1], (1.0, 1.0))
    best = gt.GMMParams((0.5, 0.5), off[-1], (1.0, 1.0))
    assert gt.mean_log_likelihood(x, best) > gt.mean_log_likelihood(x, saddle) + 0.1


# ----------------------------------------------------------------------------- bad input
def test_bad_responsibilities_are_named_with_the_fix():
    X, params = start("iris sepal", "full")
    q = gt.e_step(X, params)
    cases = [
        (q[:, :2], ValueError, r"resp must have shape \(N, K\) = \(150, 3\)"),
        (q[:-1], ValueError, r"resp must have shape"),
        (q[:, 0], ValueError, r"resp must have shape"),
        (np.where(np.arange(3) == 0, np.nan, q), ValueError, "resp contains .* NaN"),
        (q - 0.5, ValueError, "resp must be non-negative"),
        (2 * q, ValueError, r"row 0 sums to 2.*resp / resp.sum\(axis=1, keepdims=True\)"),
        (q.astype(str), TypeError, "resp must contain numbers"),
    ]
    for resp, error, message in cases:
        for function in (gt.elbo, gt.posterior_kl):
            with pytest.raises(error, match=message):
                function(X, params, resp)
    with pytest.raises(TypeError, match="params must be a GMMParams"):
        gt.elbo(X, "params", q)
    with pytest.raises(ValueError, match="2-dimensional components but X has 4"):
        gt.posterior_kl(gt.load_iris_all()[0], params, q)


def test_a_component_of_weight_zero_gives_infinities_never_nan():
    X = np.array([[0.0], [1.0], [3.0]])
    params = gt.GMMParams([1.0, 0.0], [[0.0], [3.0]], [1.0, 1.0])
    q_away = np.array([[1.0, 0.0]] * 3)
    n_ll = 3 * gt.mean_log_likelihood(X, params)
    assert gt.elbo(X, params, q_away) + gt.posterior_kl(X, params, q_away) == pytest.approx(n_ll)
    q_on = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5]])
    assert gt.elbo(X, params, q_on) == -np.inf
    assert gt.posterior_kl(X, params, q_on) == np.inf


def test_bad_path_and_landscape_arguments_are_named():
    X, old = start("iris sepal", "full")
    new = gt.run_em(X, old).final
    with pytest.raises(ValueError, match=r"ts must lie in \[-1, 2\]"):
        bound.bound_along_path(X, old, new, [0.0, 3.0])
    with pytest.raises(ValueError, match="ts contains"):
        bound.bound_along_path(X, old, new, [0.0, np.nan])
    with pytest.raises(ValueError, match="same K, d and covariance type"):
        bound.bound_along_path(X, old, gt.initial_params(X, 2, random_state=0), [0.5])
    with pytest.raises(TypeError, match="params_new must be a GMMParams"):
        bound.bound_along_path(X, old, None, [0.5])
    with pytest.raises(ValueError, match="params_old has a weight of 0"):
        bound.interpolate_params(gt.GMMParams([1.0, 0.0], [0.0, 1.0], [1.0, 1.0]),
                                 gt.GMMParams([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]), 0.5)
    with pytest.raises(ValueError, match="t must be one number"):
        bound.interpolate_params(old, new, [0.5, 0.6])
    x, mus = one_dimensional_sample(), np.linspace(-3, 3, 5)
    options = dict(weights=(0.5, 0.5), variances=(1.0, 1.0))
    with pytest.raises(ValueError, match="x must be a 1-D sample"):
        bound.log_likelihood_grid(X, mus, mus, **options)
    with pytest.raises(ValueError, match="weights must sum to 1"):
        bound.log_likelihood_grid(x, mus, mus, weights=(0.5, 0.6), variances=(1.0, 1.0))
    with pytest.raises(ValueError, match="variances must be > 0"):
        bound.log_likelihood_grid(x, mus, mus, weights=(0.5, 0.5), variances=(1.0, 0.0))
    with pytest.raises(ValueError, match="weights must be two numbers"):
        bound.log_likelihood_grid(x, mus, mus, weights=(1.0,), variances=(1.0, 1.0))
    with pytest.raises(ValueError, match="mu2_values must be a non-empty 1-D array"):
        bound.log_likelihood_grid(x, mus, [], **options)
    with pytest.raises(ValueError, match=r"start must be two means"):
        bound.em_means_path(x, 0.0, **options)
    with pytest.raises(TypeError, match="max_iter must be a whole number"):
        bound.em_means_path(x, (0.0, 1.0), max_iter=2.5, **options)
