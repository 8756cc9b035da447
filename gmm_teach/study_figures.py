"""The multi-panel figures of notebooks 07 (starts and local optima) and 09 (choosing K).

Each function draws one figure from results the notebook has computed (traces, a SeedStudy,
a Criteria) and returns the matplotlib Figure; the notebook calls plt.show(). Nothing is
computed here that the notebook does not print: these are pictures of its numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from .em import EMTrace
from .optima import SeedStudy
from .plotting import draw_gmm, label_iris_axes, scatter_responsibilities
from .selection import Criteria
from .style import component_color

__all__ = ["plot_starts_and_ends", "plot_seed_study", "plot_optima", "plot_n_init",
           "plot_criteria"]

#: Line style and marker per initialisation method, the same in every figure of notebook 07.
METHOD_STYLES = {"kmeans": ("-", "o"), "k-means++": ("--", "s"), "random": (":", "^"),
                 "random_from_data": ("-.", "D")}
_IRIS_LIMITS = ((3.9, 8.3), (1.7, 4.7))


def _check_traces(traces) -> None:
    if not isinstance(traces, Mapping) or not traces:
        raise TypeError("traces must be a non-empty dict of method -> EMTrace (from run_em).")
    for method, trace in traces.items():
        if not isinstance(trace, EMTrace):
            raise TypeError(f"traces[{method!r}] must be an EMTrace from run_em, not "
                            f"{type(trace).__name__}.")


def plot_starts_and_ends(X, traces: Mapping[str, EMTrace]):
    """One column per method: the start (params[0]) on top, the final parameters below, points
    coloured by their responsibilities (3.2), titled with the mean log-likelihood (4.6).
    X: (N, 2) iris sepal data; traces: method -> EMTrace."""
    _check_traces(traces)
    fig, axes = plt.subplots(2, len(traces), figsize=(3.75 * len(traces), 7.4), sharex=True,
                             sharey=True, squeeze=False)
    for j, (m, t) in enumerate(traces.items()):
        for row, i in enumerate((0, t.n_iter)):
            ax = axes[row, j]
            scatter_responsibilities(ax, X, t.responsibilities(i), size=14)
            draw_gmm(ax, t.params[i], mean_size=9)
            where = "start (params[0])" if i == 0 else f"after {i} iterations"
            label_iris_axes(ax, f'"{m}": {where}\nmean log-lik. {t.mean_log_likelihood(i):.4f}')
            ax.set_ylabel(ax.get_ylabel() if j == 0 else "")
            ax.set_xlabel(ax.get_xlabel() if row == 1 else "")
    axes[0, 0].set_xlim(*_IRIS_LIMITS[0])
    axes[0, 0].set_ylim(*_IRIS_LIMITS[1])
    fig.suptitle("The four initialisations on the iris sepal data (K = 3): "
                 "top the start, bottom where EM stops")
    fig.tight_layout()
    return fig


def plot_seed_study(study: SeedStudy, min_variance: float, one_gaussian: float, best: float):
    """Two panels of final mean log-likelihoods (4.6), one column of jittered dots per method:
    the default-tol runs, and the tight runs with degenerate ones (thinnest variance below
    min_variance) as crosses. one_gaussian: the saddle's value; best: the best proper optimum."""
    if not isinstance(study, SeedStudy):
        raise TypeError(f"study must be a SeedStudy from optima.seed_study, not "
                        f"{type(study).__name__}.")
    fig, axes = plt.subplots(1, 2, figsize=(14, 5), sharey=True)
    jitter = np.random.default_rng(0).uniform(-0.18, 0.18, size=len(study.seeds))
    thinnest = study.thinnest()
    panels = (("default", "default tol=1e-3 (what GaussianMixture gives)"),
              ("tight", "every run continued to tol=1e-6"))
    for ax, (which, title) in zip(axes, panels, strict=True):
        score = study.scores(which)
        for j, m in enumerate(study.methods):
            bad = thinnest[m] < min_variance if which == "tight" else np.zeros(len(jitter), bool)
            ax.scatter(j + jitter[~bad], score[m][~bad], s=22, color="0.25", alpha=0.7,
                       label="proper" if j == 0 else None)
            ax.scatter(j + jitter[bad], score[m][bad], s=40, color="#D55E00", marker="x",
                       label="degenerate" if which == "tight" and j == 1 else None)
        ax.axhline(one_gaussian, color="0.5", linestyle=":", label="one Gaussian (the saddle)")
        ax.set_xticks(range(len(study.methods)), [f'"{m}"' for m in study.methods])
        ax.set_xlabel(f"initialisation ({len(study.seeds)} seeds each)")
        ax.set_title(title)
    axes[0].set_ylabel("final mean log-likelihood (nats per point)")
    axes[1].axhline(best, color="#0072B2", linestyle="--", label=f"best proper optimum {best:.4f}")
    for ax in axes:
        ax.legend(loc="lower left")
    fig.suptitle(f"Where EM stops: {len(study.seeds)} starts per initialisation, iris sepal data")
    fig.tight_layout()
    return fig


def plot_optima(X, runs: Sequence[tuple[str, EMTrace]]):
    """One panel per (caption, trace): the final responsibilities and ellipses.
    X: (N, 2) iris sepal data."""
    if not runs:
        raise ValueError("runs must hold at least one (caption, EMTrace) pair.")
    fig, axes = plt.subplots(1, len(runs), figsize=(4 * len(runs), 4.4), sharex=True,
                             sharey=True, squeeze=False)
    for ax, (caption, t) in zip(axes[0], runs, strict=True):
        if not isinstance(t, EMTrace):
            raise TypeError(f"runs must pair a caption with an EMTrace, not {type(t).__name__}.")
        scatter_responsibilities(ax, X, t.responsibilities(-1), size=12)
        draw_gmm(ax, t.final, mean_size=9)
        label_iris_axes(ax, caption)
        ax.set_ylabel(ax.get_ylabel() if ax is axes[0, 0] else "")
    axes[0, 0].set_xlim(*_IRIS_LIMITS[0])
    axes[0, 0].set_ylim(*_IRIS_LIMITS[1])
    fig.suptitle("Distinct local optima of the same likelihood (K = 3)")
    fig.tight_layout()
    return fig


def plot_n_init(n_starts, at_least_one: Mapping, kept: Mapping):
    """(7.3) and (7.4) against the number of starts, one line style per method.
    n_starts: (n,); at_least_one, kept: method -> (n,) probabilities."""
    n_starts = np.asarray(n_starts)
    if not isinstance(kept, Mapping) or not isinstance(at_least_one, Mapping) \
            or set(kept) != set(at_least_one) or not kept:
        raise TypeError("at_least_one and kept must be dicts of method -> probabilities with "
                        "the same methods, e.g. {'random': (7.3) per n}, {'random': (7.4) per n}.")
    for m in kept:
        if np.shape(kept[m]) != n_starts.shape or np.shape(at_least_one[m]) != n_starts.shape:
            raise ValueError(f"at_least_one[{m!r}] and kept[{m!r}] need one value per entry of "
                             f"n_starts (shape {n_starts.shape}).")
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    never = [m for m in kept if not np.any(at_least_one[m] > 0)]
    for m in kept:
        if m in never:
            continue
        line, marker = METHOD_STYLES.get(m, ("-", "o"))
        ax.plot(n_starts, at_least_one[m], linestyle=line, color="0.6", label=f'"{m}", eq. (7.3)')
        ax.plot(n_starts, kept[m], linestyle=line, marker=marker, color="0.1", markevery=3,
                label=f'"{m}", eq. (7.4)')
    if never:
        ax.plot(n_starts, np.zeros(len(n_starts)), color="#D55E00",
                label=", ".join(f'"{m}"' for m in never) + ": p = 0")
    ax.set_xlabel("n_init (number of starts)")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title("Probability of ending at the best proper optimum with n_init starts")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.08))
    return fig


def plot_criteria(results: Mapping[str, Criteria], training_label: str = "training"):
    """One row per data set: BIC (6.2), AIC (9.1), and the training (4.6) with the held-out
    CV(K) (9.2) +- one standard error; stars on each criterion's choice."""
    if not isinstance(results, Mapping) or not results:
        raise TypeError("results must be a non-empty dict of data set name -> Criteria.")
    fig, axes = plt.subplots(len(results), 3, figsize=(15, 4.25 * len(results)), squeeze=False)
    for row, (name, c) in zip(axes, results.items(), strict=True):
        if not isinstance(c, Criteria):
            raise TypeError(f"results[{name!r}] must be a Criteria from "
                            f"selection.criteria_over_k, not {type(c).__name__}.")
        choice = c.choices()
        for ax, key, values, k in ((row[0], "BIC", c.bic, 0), (row[1], "AIC", c.aic, 1)):
            ax.plot(c.Ks, values, marker="o", color=component_color(k))
            ax.plot(choice[key], values[list(c.Ks).index(choice[key])], marker="*",
                    markersize=20, color=component_color(k), markeredgecolor="black",
                    linestyle="none", label=f"minimum: K = {choice[key]}")
            ax.set_title(f"{name}: {key} (lower is better)")
            ax.set_ylabel(key)
        ax = row[2]
        ax.plot(c.Ks, c.training, marker="s", linestyle="--", color="0.45",
                label=f"{training_label} l(θ), eq. (4.6)")
        ax.errorbar(c.Ks, c.cv, yerr=c.cv_se, marker="o", capsize=3, color=component_color(2),
                    label="held-out CV(K) ± s.e., eq. (9.2)")
        ax.plot(choice["CV"], c.cv[list(c.Ks).index(choice["CV"])], marker="*", markersize=20,
                color=component_color(2), markeredgecolor="black", linestyle="none",
                label=f"maximum: K = {choice['CV']}")
        ax.set_title(f"{name}: mean log-likelihood per sample")
        ax.set_ylabel("mean log-likelihood (higher is better)")
        for ax in row:
            ax.set_xlabel("number of components K")
            ax.set_xticks(c.Ks)
            ax.legend(fontsize=9)
    fig.tight_layout()
    return fig
