"""The mixture as a generative model: draw the label, then the point (notebook 12).

(12.1)  z_n ~ Categorical(pi_1, ..., pi_K)          the latent label of sample n
(12.2)  x_n | z_n = k ~ N(mu_k, Sigma_k)            the point, given its label

Drawing N labels independently and counting them is one multinomial draw of the counts
(N_1, ..., N_K); scikit-learn's GaussianMixture.sample draws the counts that way and then the
N_k points of each component in turn, and so does sample() here: for the same integer
random_state it returns the same numbers as scikit-learn, rows grouped by component.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_random_state_argument, check_whole_number
from .params import check_params

__all__ = ["sample"]


def sample(params, n, random_state=None) -> tuple[np.ndarray, np.ndarray]:
    """n samples from the mixture through the latent label, eqs. (12.1), (12.2).

    params: a GMMParams (K components, d features). n: a whole number >= 1.
    random_state: None, an int or a np.random.RandomState; for the same int the numbers are
    scikit-learn's GaussianMixture(random_state=...).sample(n) for the same parameters.
    Returns (X, labels): X (n, d) float64, labels (n,) ints in 0..K-1 (component k + 1 in the
    notebooks' numbering), grouped by component: all draws of component 1 first, and so on.
    Shuffle the rows (rng.permutation(n)) if their order matters.
    """
    params = check_params(params)
    n = check_whole_number(n, "n", minimum=1)
    rng = check_random_state_argument(random_state)
    weights = params.weights
    if weights[:-1].sum() > 1.0:  # within GMMParams' 1e-6 of 1, but numpy needs <= 1
        weights = weights / weights.sum()
    counts = rng.multinomial(n, weights)                            # eq. (12.1), counted
    if params.covariance_type in ("full", "tied"):
        blocks = [rng.multivariate_normal(mu, sigma, int(count))   # eq. (12.2)
                  for mu, sigma, count in zip(params.means, params.covariances, counts,
                                              strict=True)]
    else:  # diagonal covariances: one independent normal per feature, as scikit-learn
        sds = np.sqrt(np.diagonal(params.covariances, axis1=1, axis2=2))
        blocks = [mu + rng.standard_normal(size=(int(count), params.n_features)) * sd
                  for mu, sd, count in zip(params.means, sds, counts, strict=True)]
    labels = np.repeat(np.arange(params.n_components), counts)
    return np.vstack(blocks), labels
