"""gmm_teach.plotting: draw_gmm's ellipses, and figures that render at any scale."""

import signal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gmm_teach as gt  # noqa: E402
from gmm_teach.plotting import MAX_VIEWS, ellipse_in_view  # noqa: E402


@pytest.fixture(scope="module")
def iris():
    X, _ = gt.load_iris_sepal()
    return X


def _fit(X):
    return gt.run_em(X, gt.initial_params(X, 3, random_state=0)).final


@pytest.mark.parametrize("scale", [1e-12, 1e-6, 1.0, 1e4, 1e9])
def test_fixed_view_renders_in_bounded_time_at_any_scale(iris, scale):
    """Iris scaled by 1e-12 (about its size in km) with reg_covar = 1e-6: the ridge makes every
    ellipse about a million views wide. With the view fixed to the data they are left out with
    a note, and drawing returns at once instead of stalling for minutes."""
    X = iris * scale
    params = _fit(X)
    fig, ax = plt.subplots()
    ax.scatter(*X.T)
    ax.set_xlim(X[:, 0].min(), X[:, 0].max())
    ax.set_ylim(X[:, 1].min(), X[:, 1].max())
    drawn = gt.draw_gmm(ax, params)
    limits = (ax.get_xlim(), ax.get_ylim())
    expected = [(k + 1, s) for k in range(3) for s in (1, 2)
                if not ellipse_in_view(params.means[k], params.covariances[k], s, limits)]
    assert drawn["left_out"] == expected
    assert sum(map(len, drawn["ellipses"])) + len(expected) == 6
    if expected:
        assert drawn["note"].get_text() == (f"{len(expected)} ellipse{'s' * (len(expected) > 1)}"
                                            f" over {MAX_VIEWS:.0f} views wide: not drawn")
    else:
        assert drawn["note"] is None
    # the ridge's 1e-3 standard deviation outgrows 100 views once the data span less than 1e-5
    assert bool(expected) == (scale <= 1e-6)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("savefig")))
    signal.alarm(30)
    try:
        fig.canvas.draw()
    finally:
        signal.alarm(0)
    plt.close(fig)


def test_autoscaled_view_draws_every_ellipse(iris):
    """With the limits left to matplotlib the ellipses widen the view, so all are drawn."""
    fig, ax = plt.subplots()
    drawn = gt.draw_gmm(ax, _fit(iris * 1e-12))
    assert drawn["left_out"] == [] and drawn["note"] is None
    assert [len(per_k) for per_k in drawn["ellipses"]] == [2, 2, 2]
    plt.close(fig)


def test_ellipse_in_view():
    limits = ((0.0, 1.0), (0.0, 1.0))
    assert ellipse_in_view([0.5, 0.5], np.eye(2), 1.0, limits)
    assert not ellipse_in_view([0.5, 0.5], np.eye(2) * (2 * MAX_VIEWS) ** 2, 1.0, limits)
    assert not ellipse_in_view([1e4, 0.5], np.eye(2), 1.0, limits)
