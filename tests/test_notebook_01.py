"""Notebook 01 (the 1-D Gaussian): the claims in its prose that no cell prints.

nbval compares the printed outputs; the explorer's widget output is exempt (tested in
tests/test_explorers.py). Here: "the area stays 1.000 whatever you do" over the explorer's
whole slider range, the derivative (1.2) that notebook 04 builds on, and the bias formula.
"""

import itertools

import matplotlib.pyplot as plt
import numpy as np
from notebook_support import (
    check_figures_titled_and_labelled,
    markdown_text,
    read_notebook,
    run_notebook_figures,
)

import gmm_teach as gt
from gmm_teach import explorers

NOTEBOOK = read_notebook("01")


def slider_range(explorer, name):
    slider = explorer.controls[name] if hasattr(explorer, "controls") else getattr(explorer, name)
    return slider.min, slider.max


def test_the_explorer_area_reads_1_000_at_every_corner_of_its_sliders():
    explorer = explorers.gaussian_1d_explorer()
    (mu_lo, mu_hi), (var_lo, var_hi) = slider_range(explorer, "mean"), slider_range(
        explorer, "variance")
    plt.close("all")
    assert "it stays\n1.000 whatever you do" in markdown_text(NOTEBOOK)
    for mean, variance in itertools.product((mu_lo, 0.0, mu_hi), (var_lo, 1.0, var_hi)):
        fig, ax = plt.subplots()
        drawn = explorers.draw_gaussian_1d(ax, mean, variance)
        plt.close(fig)
        assert f"{drawn['area']:.3f}" == "1.000", (mean, variance)


def test_equation_1_2_is_the_zero_of_the_variance_derivative():
    rng = np.random.default_rng(5)
    x = rng.normal(1.0, 2.0, size=40)
    mean = x.mean()
    variance = np.mean((x - mean) ** 2)                     # (1.2)
    h = 1e-6
    derivative = (np.sum(gt.gaussian_logpdf(x, mean, variance + h))
                  - np.sum(gt.gaussian_logpdf(x, mean, variance - h))) / (2 * h)
    assert abs(derivative) < 1e-6
    assert r"\tag{1.2}" in markdown_text(NOTEBOOK)


def test_the_simulated_bias_follows_n_minus_1_over_n():
    printed = "".join(o.text for c in NOTEBOOK.cells if c.cell_type == "code"
                      for o in c.get("outputs", []) if o.output_type == "stream")
    rows = [line.split() for line in printed.splitlines()
            if line.split() and line.split()[0] in {"2", "3", "5", "10", "20", "100"}
            and len(line.split()) == 4]
    assert [row[0] for row in rows] == ["2", "3", "5", "10", "20", "100"]
    for _, theory, mle, unbiased in rows:
        assert abs(float(mle) - float(theory)) < 0.05 and abs(float(unbiased) - 4) < 0.05


def test_every_figure_is_stored_titled_and_labelled():
    assert check_figures_titled_and_labelled(run_notebook_figures("01")) > 0
