"""Notebook 05 (why EM climbs): every number its prose states, computed from the notebook's
own code, and the figures show what the prose says they show.

The notebook's code cells run once here, in-process (Agg), keeping their namespace and the
figures each cell shows: the decomposition l = L + KL (5.3) in the notebook's numpy against
gmm_teach.bound, EM's chain (5.4) on iteration 1, the path figure (the bound touches at t = 0
to rounding, peaks at t = 1 on the grid, stays below l everywhere), the bars (L + KL = l,
KL = 0 after every E-step), and every suggestion under "Things to try".
"""

import base64
import io
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from notebook_support import (
    check_figures_titled_and_labelled,
    code_cells,
    markdown_text,
    player_parts,
    read_notebook,
    run_cells,
    run_notebook_figures,
    stdout_of,
    unchecked_cells,
    unchecked_reason,
)
from PIL import Image

import gmm_teach as gt
from gmm_teach import bound, landscape, panels, scrubber

NOTEBOOK = read_notebook("05")
TEXT = markdown_text(NOTEBOOK)


@pytest.fixture(scope="module")
def run():
    """(namespace, [(cell, figures it showed)]) of the notebook's code cells run in order;
    any warning is an error, as in the stored notebook."""
    namespace: dict = {}
    per_cell = run_notebook_figures("05", namespace)
    gt.use_default_style()
    return namespace, per_cell


def cell_showing(per_cell, text):
    (found,) = [(cell, figures) for cell, figures in per_cell if text in cell.source]
    return found


def printed(text):
    (cell,) = [c for c in code_cells(NOTEBOOK) if text in c.source]
    return stdout_of(cell)


# ----------------------------------------------------------------------------- the set-up
def test_same_data_and_start_as_notebook_04_without_the_ridge(run):
    ns, _ = run
    X, _ = gt.load_iris_sepal()
    np.testing.assert_array_equal(ns["X"], X)
    assert ns["N"] == 150 and "$N = 150$" in TEXT
    start = gt.initial_params(X, 3, random_state=0)
    np.testing.assert_array_equal(ns["init"].means, start.means)
    assert ns["trace"].reg_covar == 0 and "`reg_covar=0`" in TEXT
    # "differ ... by less than 10^-6 per flower"; 04 prints 6 decimals
    assert 0 < ns["difference"] < 1e-6 and "by less than $10^{-6}$ per flower" in TEXT
    assert ns["with_ridge"].reg_covar == 1e-6
    # "enough to move a sixth decimal, no more": 04 prints the curve with 6 decimals
    ridge = [ns["with_ridge"].mean_log_likelihood(i) for i in range(len(ns["curve"]))]
    assert np.any(np.round(ridge, 6) != np.round(ns["curve"], 6))
    assert np.all(np.abs(np.round(ridge, 6) - np.round(ns["curve"], 6)) <= 1.5e-6)
    assert "never decreases: True" in printed("trace = gt.run_em(X, init, reg_covar=0)")


def test_theta_has_17_free_numbers(run):
    ns, _ = run
    assert ns["trace"].final.n_parameters == 17 and "17 free numbers" in TEXT
    K, d = ns["K"], ns["d"]
    assert (K - 1, K, d, d * (d + 1) // 2) == (2, 3, 2, 3)   # "2 weights, 3 means of 2 ..."


# ----------------------------------------------------------------------------- section 2
def test_the_notebooks_numpy_decomposition_is_gmm_teachs(run):
    ns, _ = run
    decomposition, X, K = ns["decomposition"], ns["X"], ns["K"]
    rng = np.random.default_rng(5)
    for params in (ns["trace"].params[0], ns["trace"].final):
        for q in (rng.dirichlet(np.ones(K), size=len(X)),
                  np.eye(K)[rng.integers(0, K, len(X))]):        # rows with exact zeros
            n_ll, L, KL = decomposition(q, params)
            assert n_ll == pytest.approx(len(X) * gt.mean_log_likelihood(X, params), abs=1e-10)
            assert L == pytest.approx(gt.elbo(X, params, q), abs=1e-10)
            assert KL == pytest.approx(gt.posterior_kl(X, params, q), abs=1e-10)


def test_the_four_guesses_read_as_the_prose_says(run):
    ns, _ = run
    rows = {row[0]: row[1:] for row in ns["rows"]}
    for n_ll, L, KL, identity, same_L, same_KL in rows.values():
        assert identity < 1e-12 and same_L and same_KL and KL >= 0 and L <= n_ll
    uniform, posterior, after_m, hard = rows.values()
    assert uniform[2] > 1000                   # "over a thousand nats in total"
    assert posterior[2] == pytest.approx(0, abs=1e-12) and after_m[2] > 0 and hard[2] > 0
    assert after_m[0] > posterior[0]           # "Yet l(theta_1) is higher than l(theta_0)"
    gamma, species = ns["gamma_0"], ns["species"]
    assert np.mean(gamma.min(axis=1) < 1e-3) >= 0.95          # "nearly every flower"
    setosa = species == "setosa"
    assert np.mean(gamma[setosa, :2].max(axis=1) < 1e-3) > 0.5      # "most setosa flowers"
    assert np.mean(gamma[~setosa, 2] < 1e-3) > 0.5                  # "most of the others"
    X = ns["X"]
    assert gt.posterior_kl(X, ns["trace"].params[0], gamma) == 0.0  # "an exact 0"


# ----------------------------------------------------------------------------- section 3
def test_the_chain_of_iteration_1(run):
    ns, _ = run
    assert ns["l_new"] >= ns["L_new"] > ns["L_old"]
    assert ns["L_old"] == pytest.approx(ns["l_old"], abs=1e-12)
    assert ns["l_new"] - ns["l_old"] == pytest.approx(ns["L_new"] - ns["L_old"] + ns["gap_new"],
                                                      abs=1e-10)
    assert ns["gap_new"] == pytest.approx(ns["rows"][2][3], abs=1e-10)


def test_the_m_step_is_the_bounds_maximum_in_every_direction_tried(run):
    ns, _ = run
    X, theta, q = ns["X"], ns["theta_new"], ns["q_old"]
    best = gt.elbo(X, theta, q)
    rng = np.random.default_rng(0)
    for _ in range(20):
        weights = theta.weights * np.exp(0.02 * rng.normal(size=3))
        covariances = np.array([A @ S @ A.T for A, S in zip(
            np.eye(2) + 0.02 * rng.normal(size=(3, 2, 2)), theta.covariances, strict=True)])
        moved = gt.GMMParams(weights / weights.sum(), theta.means + 0.02 * rng.normal(size=(3, 2)),
                             covariances)
        assert gt.elbo(X, moved, q) < best


# ----------------------------------------------------------------------------- section 4
def test_the_path_figure_shows_what_the_prose_says(run):
    ns, per_cell = run
    ts, l_path, L_path, L_next = ns["ts"], ns["l_path"], ns["L_path"], ns["L_next"]
    touch, new, peak = ns["touch"], ns["new"], ns["peak"]
    assert ts[touch] == 0 and ts[new] == pytest.approx(1, abs=1e-12)
    step = ts[1] - ts[0]
    assert (ts[0], ts[-1], round(step, 12)) == (-0.5, 1.5, 0.02)
    assert abs(l_path[touch] - L_path[touch]) < 1e-12                # touches at t = 0
    assert abs(ts[peak] - 1) < step / 2                               # peaks at t = 1
    assert np.all(L_path <= l_path + 1e-12)                           # below l everywhere
    assert np.all(L_next <= l_path + 1e-12) and abs(l_path[new] - L_next[new]) < 1e-12
    assert np.all(np.diff(l_path[new:]) > 0)                 # "still rising at t = 1 and beyond"
    assert ns["N"] * (l_path[new] - L_path[new]) == pytest.approx(ns["gap_new"], abs=1e-9)
    _, (figure,) = cell_showing(per_cell, "bound_figures.plot_bound_along_path(")
    (ax,) = figure.axes
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == len(ts)]
    for line, values in zip(curves, (l_path, L_path, L_next), strict=True):
        np.testing.assert_array_equal(line.get_ydata(), values)
    out = printed('print(f"grid step')
    assert f"on the grid: t = {ts[peak]:.2f}" in out and "grid: t = 1.00" in out
    assert out.count("True") == 3


def test_iteration_1_has_the_largest_gap_and_the_largest_move(run):
    ns, _ = run
    trace = ns["trace"]
    moves = [np.max(np.linalg.norm(trace.params[i].means - trace.params[i - 1].means, axis=1))
             for i in range(1, trace.n_iter + 1)]
    assert int(np.argmax(moves)) == 0 and int(np.argmax(ns["gaps"])) == 0


def test_notebook_04s_long_run_took_189_iterations(run):
    ns, _ = run
    assert "189\n  iterations" in TEXT or "189 iterations" in TEXT.replace("\n  ", " ")
    long_run = gt.run_em(ns["X"], ns["init"], tol=1e-8, max_iter=1000)   # notebook 04's
    assert long_run.n_iter == 189 and long_run.converged


# ----------------------------------------------------------------------------- section 5
def test_the_table_and_the_bars(run):
    ns, per_cell = run
    table, trace = ns["table"], ns["trace"]
    assert len(table) == 2 * trace.n_iter == 16
    # "the last of the about 16 significant digits a float carries"
    assert "about 16 significant digits" in TEXT and round(-np.log10(np.finfo(float).eps)) == 16
    for row in table:
        scale = abs(row.n_log_likelihood)
        assert abs(row.n_log_likelihood - row.elbo - row.posterior_kl) < 1e-14 * scale
        assert row.elbo - row.n_log_likelihood <= 1e-14 * scale
        if row.phase == "E":
            assert row.posterior_kl == 0.0
    assert 220 < -table[0].n_log_likelihood < 240                  # "sums of about -230"
    assert ns["above"] <= 1e-13 and ns["identity"] <= 1e-13         # "of the order of 10^-14"
    # the E-step raises L by exactly the previous gap
    for after_m, after_e in zip(table[1::2], table[2::2], strict=False):
        assert after_e.elbo - after_m.elbo == pytest.approx(after_m.posterior_kl, abs=1e-10)
    assert np.all(np.diff(ns["gaps"]) < 0)
    assert "KL after every E-step: [0.0]" in printed("table = trace.bound_table()")
    _, (figure,) = cell_showing(per_cell, "bound_figures.plot_decomposition_bars(")
    (ax,) = figure.axes
    lower, upper = ax.containers
    baseline = table[0].n_log_likelihood
    for row, L_bar, KL_bar in zip(table[:8], lower, upper, strict=True):
        assert L_bar.get_height() == pytest.approx(row.elbo - baseline, abs=1e-10)
        top = KL_bar.get_y() + KL_bar.get_height()
        assert top == pytest.approx(row.n_log_likelihood - baseline, abs=1e-10)
        assert (KL_bar.get_height() == 0) == (row.phase == "E")


# ----------------------------------------------------------------------------- section 6
def decoded(png) -> np.ndarray:
    """The pixels of a PNG, given as bytes or as base64 text (a stored output)."""
    data = base64.b64decode(png) if isinstance(png, str) else bytes(png)
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def the_cell(text):
    (cell,) = [c for c in code_cells(NOTEBOOK) if text in c.source]
    return cell


def test_the_scrubber_runs_over_the_first_four_iterations_with_the_bound_panel(run):
    ns, _ = run
    first_four, trace = ns["first_four"], ns["trace"]
    assert first_four.n_iter == 4 and "first four iterations" in TEXT
    for ours, theirs in zip(first_four.params, trace.params[:5], strict=True):
        np.testing.assert_array_equal(ours.means, theirs.means)
        np.testing.assert_array_equal(ours.covariances, theirs.covariances)
    scrub = run_cells([the_cell("scrubber.EMScrubber(").source], ns)   # defines first_four again
    assert isinstance(scrub, scrubber.EMScrubber) and scrub.trace is ns["first_four"]
    assert len(scrub.frames) == 8
    for caption, row in zip(scrub.frames.captions, trace.bound_table()[:8], strict=True):
        assert f"{row.n_log_likelihood:.3f} = {row.elbo:.3f} + " in caption
    scrub.next.click()
    assert scrub.state.phase == "M" and "1.27" in scrub.caption.value


def test_the_bound_panel_titles_say_what_the_prose_says(run):
    ns, _ = run
    first_four = ns["first_four"]
    panel = panels.BoundPanel()
    fig, ax = plt.subplots()
    panel.setup(ax, first_four)
    for i in range(1, 5):
        for phase in "EM":
            drawn = panel.draw(ax, first_four, first_four.half_step(i, phase), {})
            title = drawn["title"].get_text()
            assert (title == "KL = 0: bound touches") == (phase == "E"), title
            for artist in drawn["artists"]:
                artist.remove()
    plt.close(fig)
    assert '"KL = 0: bound touches"' in TEXT
    assert panels.BoundPanel().history == 2            # "the current half-step and the two before"
    gaps = ns["gaps"]
    assert round(gaps[0], 1) == 1.3 and round(gaps[3], 2) == 0.15    # "about 1.3 ... to 0.15"
    assert "from about 1.3 nats to 0.15 in four iterations" in TEXT.replace("\n", " ")


def test_the_stored_player_holds_the_eight_half_steps(run):
    ns, _ = run
    (output,) = the_cell("scrubber.show_em_player(").outputs
    frames, captions = player_parts(output.data["text/html"])
    assert len(frames) == len(captions) == 8 and len(set(frames)) == 8
    for caption, row in zip(captions, ns["trace"].bound_table()[:8], strict=True):
        assert f"{row.n_log_likelihood:.3f} = {row.elbo:.3f} + " in caption
        assert ("the bound touches" in caption) == (row.phase == "E")


def test_widget_cells_are_marked_and_the_scrubber_renders_from_saved_state():
    ignored = unchecked_cells(NOTEBOOK)
    assert len(ignored) == 3        # scrubber, player, landscape explorer; nothing else
    for cell in ignored:
        reason, named = unchecked_reason(cell)
        assert re.fullmatch(r"(widget|player): .+", reason)
        assert "tests/test_notebook_05.py" in named
        assert all((Path(__file__).parent.parent / name).is_file() for name in named)
    view = the_cell("scrubber.EMScrubber(").outputs[0].data[
        "application/vnd.jupyter.widget-view+json"]
    state = NOTEBOOK.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert state[view["model_id"]]["model_name"] == "VBoxModel"


# ----------------------------------------------------------------------------- section 7
def test_the_petal_lengths_fall_in_two_groups():
    X, species, _ = gt.load_iris_all()
    x, _ = landscape.petal_lengths()
    np.testing.assert_array_equal(x, X[:, 2])
    setosa = species == "setosa"
    assert (x[setosa].min(), x[setosa].max()) == (1.0, 1.9)          # "1.0 to 1.9 cm"
    assert (x[~setosa].min(), x[~setosa].max()) == (3.0, 6.9)        # "3.0 to 6.9 cm"
    assert "1.0 to 1.9 cm long, the other species' 3.0 to 6.9 cm" in TEXT.replace("\n", " ")


def test_the_landscape_has_two_mirror_maxima_and_a_saddle_on_the_diagonal(run):
    ns, _ = run
    maxima, saddle, x = ns["maxima"], ns["saddle"], ns["x"]
    assert len(maxima) == 2 and all(p.kind == "maximum" for p in maxima)
    np.testing.assert_allclose(maxima[0].means, maxima[1].means[::-1], atol=1e-9)
    assert maxima[0].mean_log_likelihood == pytest.approx(maxima[1].mean_log_likelihood,
                                                          abs=1e-12)
    assert saddle.kind == "saddle" and saddle.means[0] == saddle.means[1] == x.mean()
    low, high = saddle.hessian_eigenvalues
    assert low < 0 < high                  # "one negative eigenvalue ... and one positive"
    assert saddle.mean_log_likelihood < maxima[0].mean_log_likelihood
    out = printed("x, s = landscape.petal_lengths()")
    assert out.count("l/N never decreases: True") == len(landscape.START_POINTS) == 4


def test_diagonal_starts_stay_and_closer_starts_escape_more_slowly(run):
    ns, _ = run
    x, options, saddle = ns["x"], ns["options"], ns["saddle"]
    assert options == {"weights": (0.5, 0.5), "variances": (ns["s"], ns["s"])}   # 1/2, same s
    on = bound.em_means_path(x, (2.55, 2.55), max_iter=1000, tol=1e-9, **options)
    np.testing.assert_allclose(on[-1], saddle.means, atol=1e-9)
    steps = []
    for offset in (0.2, 0.02, 0.002):
        path = bound.em_means_path(x, (2.55 + offset, 2.55 - offset), max_iter=1000, tol=1e-9,
                                   **options)
        assert np.allclose(path[-1], ns["maxima"][0].means, atol=1e-6) or np.allclose(
            path[-1], ns["maxima"][1].means, atol=1e-6)
        steps.append(len(path))
    assert steps == sorted(steps) and steps[0] < steps[-1]


def test_the_spike_and_the_explorer(run):
    ns, _ = run
    x, s, top = ns["x"], ns["s"], ns["top"]
    values, counts = np.unique(x, return_counts=True)
    assert landscape.SPIKE_AT == 1.4 and counts[values == 1.4][0] == 13 == counts.max()
    assert "1.4 cm, the\npetal length of 13 flowers" in TEXT or \
        "1.4 cm, the petal length of 13 flowers" in TEXT.replace("\n", " ")
    spike = ns["spike"]                                  # the last one printed: 10^-30
    assert spike.slope == pytest.approx(-13 / (2 * 150)) and spike.height > top
    assert spike.log_variance_reaching(top) < np.log(s)
    explorer = run_cells([the_cell("landscape.landscape_explorer()").source], ns)
    first = explorer.image.value
    (stored,) = the_cell("Image(explorer.image.value)").outputs      # the static copy
    np.testing.assert_array_equal(decoded(stored.data["image/png"]), decoded(first))
    explorer.shrink.value = -30.0
    assert explorer.image.value != first
    expected = bound.spike(x, 1.4, weights=(0.5, 0.5), variances=(s * 1e-30, s))
    assert explorer.drawn["spike"].height == pytest.approx(expected.height, abs=1e-12)
    assert explorer.drawn["spike"].height > top          # the spike passes the maxima


# ----------------------------------------------------------------------------- the rest
def test_figures_are_titled_labelled_and_stored(run):
    _, per_cell = run
    matplotlib = [(cell, shown) for cell, shown in per_cell   # the explorer's static copy is a
                  if "Image(explorer.image.value)" not in cell.source]   # PNG, tested below
    assert check_figures_titled_and_labelled(matplotlib) == 2   # the path and the bars


def test_equations_are_5_1_to_5_5_and_cited_in_the_module():
    tags = re.findall(r"\\tag\{(5\.\d)\}", TEXT)
    assert tags == ["5.1", "5.2", "5.3", "5.4", "5.5"]
    from gmm_teach import bound_figures
    for tag in tags:
        assert f"({tag})" in bound_figures.__doc__


def test_things_to_try_work(run):
    ns, _ = run
    X, init, trace, K = ns["X"], ns["init"], ns["trace"], ns["K"]
    sections = re.findall(r"^## (.+)$", TEXT, re.MULTILINE)
    # the notebook ends with "Things to try", followed only by the exercises once spliced in
    assert sections[-1] == "Things to try" or sections[-2:] == ["Things to try", "Exercises"]
    q = np.random.default_rng(0).dirichlet(np.ones(K), size=len(X))
    n_ll, L, KL = ns["decomposition"](q, trace.params[0])
    assert KL > 0 and abs(n_ll - L - KL) < 1e-10
    ts = ns["ts"]
    ll, bounds = bound.bound_along_path(X, trace.params[7], trace.params[8], ts)
    assert 0 < ll[ns["new"]] - bounds[ns["new"]] < ns["l_path"][ns["new"]] - ns["L_path"][ns["new"]]
    ridge = gt.run_em(X, init)
    _, bounds = bound.bound_along_path(X, ridge.params[0], ridge.params[1], ts)
    assert ts[np.argmax(bounds)] == pytest.approx(1.0)                # still t = 1.00
    theta, q_old = ns["theta_new"], ns["q_old"]
    for sign in (1, -1):
        moved = gt.GMMParams(theta.weights, theta.means + sign * np.array(
            [[0.01, 0], [0, 0], [0, 0]]), theta.covariances)
        assert gt.elbo(X, moved, q_old) < ns["L_new"]
    assert bound.PATH_RANGE[1] == 2                                    # "accepts t up to 2"
    longer = np.linspace(1, 2, 101)
    ll, _ = bound.bound_along_path(X, theta_old := ns["theta_old"], theta, longer)
    assert theta_old is trace.params[0] and np.all(np.diff(ll) > 0)   # still rising at t = 2
    random_start = gt.run_em(X, gt.initial_params(X, K, "random", random_state=0), reg_covar=0)
    assert max(row.posterior_kl for row in random_start.bound_table()) < ns["gaps"][0]


def test_the_stored_table_cell_states_its_checks():
    out = printed("table = trace.bound_table()")
    assert "over all 16 half-steps" in out and "the gaps shrink every iteration: True" in out
