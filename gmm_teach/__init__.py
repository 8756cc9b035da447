"""gmm_teach: Gaussian mixtures and the EM algorithm, step by step.

The functions are named after the equations they compute (numbered as in the notebooks):
gaussian_pdf (1), mvn_pdf / mvn_logpdf (2, 3), e_step (5), mean_log_likelihood (6),
m_step (7-10), run_em (the loop), initial_params (scikit-learn's four starts).
"""

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
from .params import COVARIANCE_TYPES, GMMParams

__version__ = "0.1.0"

__all__ = [
    "COVARIANCE_TYPES",
    "INIT_METHODS",
    "EMTrace",
    "GMMParams",
    "HalfStep",
    "IrisSepal",
    "aic",
    "bic",
    "cholesky_factor",
    "e_step",
    "gaussian_logpdf",
    "gaussian_pdf",
    "initial_params",
    "load_iris_all",
    "load_iris_sepal",
    "log_gaussian_prob",
    "m_step",
    "mean_log_likelihood",
    "mvn_logpdf",
    "mvn_pdf",
    "predict",
    "run_em",
    "sample_log_likelihood",
    "weighted_log_prob",
]

from .plotting import (  # noqa: E402
    draw_ellipse,
    draw_gmm,
    ellipse_axes,
    label_iris_axes,
    responsibility_colors,
    scatter_responsibilities,
)
from .style import (  # noqa: E402
    COLORS,
    MARKERS,
    component_color,
    component_marker,
    presenter_style,
    use_default_style,
    use_presenter_style,
)

__all__ += [
    "COLORS",
    "MARKERS",
    "component_color",
    "component_marker",
    "draw_ellipse",
    "draw_gmm",
    "ellipse_axes",
    "label_iris_axes",
    "presenter_style",
    "responsibility_colors",
    "scatter_responsibilities",
    "use_default_style",
    "use_presenter_style",
]
