"""gmm_teach.study_figures: the multi-panel figures of notebooks 07 and 09 draw what they are
given (panels, titles, markers on the choices) and reject what they cannot draw. (Agg: set
in conftest.)"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import gmm_teach as gt
from gmm_teach import optima, selection, study_figures


@pytest.fixture(scope="module")
def iris():
    return gt.load_iris_sepal().X


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_starts_and_ends_has_a_start_and_an_end_panel_per_method(iris):
    traces = {m: gt.run_em(iris, gt.initial_params(iris, 3, m, random_state=0))
              for m in ("kmeans", "random")}
    fig = study_figures.plot_starts_and_ends(iris, traces)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(fig.axes) == 4
    assert titles[0].startswith('"kmeans": start') and "after 8 iterations" in titles[2]
    assert f"{traces['random'].mean_log_likelihood(-1):.4f}" in titles[3]


def test_seed_study_marks_degenerate_runs_as_crosses(iris):
    study = optima.seed_study(iris, 3, range(4), methods=("random", "random_from_data"))
    floor = optima.degeneracy_floor(iris)
    fig = study_figures.plot_seed_study(study, floor, -1.8051, -1.4475)
    tight = fig.axes[1]
    n_crosses = sum(len(c.get_offsets()) for c in tight.collections
                    if c.get_label() == "degenerate" or c.get_facecolor().size and
                    np.allclose(c.get_facecolor()[0][:3], matplotlib.colors.to_rgb("#D55E00")))
    expected = sum(int(np.sum(study.thinnest()[m] < floor)) for m in study.methods)
    assert n_crosses == expected > 0
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ['"random"',
                                                                     '"random_from_data"']


def test_optima_and_n_init_figures(iris):
    t = gt.run_em(iris, gt.initial_params(iris, 3, random_state=0))
    fig = study_figures.plot_optima(iris, [("one", t), ("two", t)])
    assert [ax.get_title() for ax in fig.axes] == ["one", "two"]
    n = np.arange(1, 6)
    fig = study_figures.plot_n_init(n, {"random": 1 - 0.5**n, "kmeans": 0 * n},
                                    {"random": 0.5 * n / 5, "kmeans": 0 * n})
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ['"random", eq. (7.3)', '"random", eq. (7.4)', '"kmeans": p = 0']


def test_criteria_figure_stars_each_choice(iris):
    c = selection.criteria_over_k(iris, [1, 2, 3], n_starts=2, n_starts_cv=1)
    fig = study_figures.plot_criteria({"iris": c})
    assert len(fig.axes) == 3
    legends = [" ".join(t.get_text() for t in ax.get_legend().get_texts()) for ax in fig.axes]
    choice = c.choices()
    assert f"minimum: K = {choice['BIC']}" in legends[0]
    assert f"minimum: K = {choice['AIC']}" in legends[1]
    assert f"maximum: K = {choice['CV']}" in legends[2]


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda X: study_figures.plot_starts_and_ends(X, {}), TypeError, "traces"),
    (lambda X: study_figures.plot_starts_and_ends(X, {"kmeans": 1}), TypeError, "EMTrace"),
    (lambda X: study_figures.plot_seed_study({}, 1e-3, -1.8, -1.4), TypeError, "SeedStudy"),
    (lambda X: study_figures.plot_optima(X, []), ValueError, "runs"),
    (lambda X: study_figures.plot_optima(X, [("a", 1)]), TypeError, "EMTrace"),
    (lambda X: study_figures.plot_criteria({}), TypeError, "Criteria"),
    (lambda X: study_figures.plot_n_init([1, 2], {"a": [0, 0]}, {"b": [0, 0]}), TypeError,
     "same methods"),
    (lambda X: study_figures.plot_n_init([1, 2], {"a": [0]}, {"a": [0, 0]}), ValueError,
     "one value per entry"),
    (lambda X: study_figures.plot_criteria({"a": 1}), TypeError, "criteria_over_k"),
])
def test_bad_input_names_the_argument(iris, call, error, words):
    with pytest.raises(error, match=words):
        call(iris)
