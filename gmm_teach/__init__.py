"""gmm_teach: Gaussian mixtures and the EM algorithm, step by step.

Two levels, both imported here with ``import gmm_teach as gt``:

- **The engine**, named after the equations it computes (numbered as in the notebooks):
  gaussian_pdf, mvn_pdf / mvn_logpdf, GMMParams, e_step, mean_log_likelihood, m_step,
  initial_params (scikit-learn's four starts), run_em (the loop, returning an EMTrace that
  keeps every half-step as data), bic / aic, elbo / posterior_kl (the lower bound,
  gmm_teach.bound); sample, run_variational, run_semisupervised_em,
  run_em_missing (notebooks 12-14; modules sampling, variational, semisupervised, missing).
- **The notebooks' helpers**: the iris loaders, the figures (draw_gmm, draw_ellipse,
  scatter_responsibilities, one colour and marker per component), the styles
  (use_default_style, use_presenter_style, use_dark_style) and print_table.

Modules that the notebooks import by name, not re-exported here: ``gmm_teach.explorers``
(sliders), ``gmm_teach.scrubber`` (the EM scrubber and the kernel-free player),
``gmm_teach.exercises`` (the checkers), ``gmm_teach.selection``, ``gmm_teach.collapse``,
``gmm_teach.optima`` (local optima, degenerate fits), ``gmm_teach.landscape`` (the
likelihood landscape over two means and its explorer, notebook 05),
``gmm_teach.study_figures`` (the multi-panel figures of 07 and 09),
``gmm_teach.figures`` (the core notebooks' multi-panel figures), ``gmm_teach.bound`` and
``gmm_teach.bound_figures`` (notebook 05: the lower bound along a path, and its figures) and
``gmm_teach.calculus`` (central differences). Equation numbers (n.k) are those of notebook
n, as in the notebooks.
"""

import gc

from .bound import elbo, posterior_kl
from .data import IrisSepal, load_iris_all, load_iris_sepal
from .density import cholesky_factor, gaussian_logpdf, gaussian_pdf, mvn_logpdf, mvn_pdf
from .em import (
    INIT_METHODS,
    EMTrace,
    HalfStep,
    aic,
    bic,
    e_step,
    initial_params,
    log_gaussian_prob,
    m_step,
    mean_log_likelihood,
    predict,
    run_em,
    sample_log_likelihood,
    weighted_log_prob,
)
from .missing import run_em_missing
from .params import COVARIANCE_TYPES, GMMParams
from .plotting import (
    draw_ellipse,
    draw_gmm,
    ellipse_axes,
    label_iris_axes,
    responsibility_colors,
    scatter_responsibilities,
)
from .sampling import sample
from .semisupervised import run_semisupervised_em
from .style import (
    COLORS,
    DARK_COLORS,
    MARKERS,
    component_color,
    component_marker,
    dark_style,
    presenter_style,
    use_dark_style,
    use_default_style,
    use_presenter_style,
)
from .tables import format_table, print_table
from .variational import VariationalTrace, run_variational

__version__ = "0.1.0"

# Everything loaded so far (IPython, numpy, scipy, matplotlib and this package: some hundred
# thousand objects) lives as long as the kernel. Python's cyclic garbage collector re-scans
# them in every full collection, and a notebook triggers a few (about 0.1 s of its run).
# gc.freeze() moves them out of the collector's generations, so those collections skip them;
# garbage made later is collected as before.
gc.freeze()

__all__ = [
    "COLORS",
    "COVARIANCE_TYPES",
    "DARK_COLORS",
    "INIT_METHODS",
    "MARKERS",
    "EMTrace",
    "GMMParams",
    "HalfStep",
    "IrisSepal",
    "VariationalTrace",
    "aic",
    "bic",
    "cholesky_factor",
    "dark_style",
    "component_color",
    "component_marker",
    "draw_ellipse",
    "draw_gmm",
    "e_step",
    "elbo",
    "ellipse_axes",
    "format_table",
    "gaussian_logpdf",
    "gaussian_pdf",
    "initial_params",
    "label_iris_axes",
    "load_iris_all",
    "load_iris_sepal",
    "log_gaussian_prob",
    "m_step",
    "mean_log_likelihood",
    "mvn_logpdf",
    "mvn_pdf",
    "posterior_kl",
    "predict",
    "presenter_style",
    "print_table",
    "responsibility_colors",
    "run_em",
    "run_em_missing",
    "run_semisupervised_em",
    "run_variational",
    "sample",
    "sample_log_likelihood",
    "scatter_responsibilities",
    "use_dark_style",
    "use_default_style",
    "use_presenter_style",
    "weighted_log_prob",
]
