"""The parameters of a Gaussian mixture, theta = (pi, mu, Sigma), as one validated value."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg

from ._checks import as_float_array, check_choice, check_finite
from .density import _cholesky, cholesky_factor

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

__all__ = ["GMMParams", "COVARIANCE_TYPES"]


def _read_only(array: np.ndarray, *, copy: bool = True) -> np.ndarray:
    """array as read-only float64: a private copy, or (copy=False) the array itself."""
    if copy:
        array = np.array(array, dtype=np.float64)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class GMMParams:
    """Weights, means and covariances of a K-component mixture in d dimensions.

    weights: (K,), non-negative, summing to 1 (to within 1e-6).
    means: (K, d); a 1-D array of K numbers is read as K means of one feature.
    covariances: (K, d, d), each symmetric positive definite; for d = 1 a 1-D array of K
        variances is accepted.
    covariance_type: which constraint the covariances satisfy, as in scikit-learn:
        "full" (any), "tied" (all equal), "diag" (diagonal), "spherical" (multiples of I).
        The matrices are always stored in full (K, d, d) form; the type only says how many
        free parameters they have (see n_parameters) and which M-step produced them.

    The arrays are private read-only copies, so a GMMParams never changes after it is made.
    Anything invalid raises ValueError naming the problem (TypeError for non-numbers). The
    Cholesky factors of the precisions (eq. (2.2)) are computed once here and reused by every
    E-step.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: str = "full"
    precisions_cholesky: np.ndarray = field(init=False, repr=False)
    log_det_precisions_cholesky: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        weights = as_float_array(self.weights, "weights")
        means = as_float_array(self.means, "means")
        covariances = as_float_array(self.covariances, "covariances")
        for array, name in ((weights, "weights"), (means, "means"),
                            (covariances, "covariances")):
            check_finite(array, name)
        if weights.ndim != 1 or weights.size == 0:
            raise ValueError(f"weights must have shape (K,) with K >= 1, got {weights.shape}.")
        K = weights.size
        if means.ndim == 1:
            means = means[:, np.newaxis]
        if means.ndim != 2 or means.shape[0] != K:
            raise ValueError(f"means must have shape (K, d) = ({K}, d) to match {K} weights, "
                             f"got {means.shape}.")
        d = means.shape[1]
        if d == 0:
            raise ValueError(f"means have 0 features (shape {means.shape}); each mean needs "
                             "at least one number.")
        if d == 1 and covariances.shape == (K,):
            covariances = covariances.reshape(K, 1, 1)
        if covariances.shape != (K, d, d):
            raise ValueError(f"covariances must have shape (K, d, d) = ({K}, {d}, {d}) to "
                             f"match means {means.shape}, got {covariances.shape}.")
        if np.any(weights < 0):
            raise ValueError(f"weights must be non-negative, got {weights.tolist()}.")
        if abs(weights.sum() - 1.0) > 1e-6:
            raise ValueError(f"weights must sum to 1, but they sum to {weights.sum():.9g}. "
                             "Divide them by their sum.")
        check_choice(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        _check_structure(covariances, self.covariance_type)
        factors = [cholesky_factor(covariances[k], f"covariances[{k}] (component {k + 1})")
                   for k in range(K)]  # symmetric and positive definite, or a ValueError
        self._store(weights, means, covariances, factors, copy=True)

    @classmethod
    def _from_m_step(cls, weights: np.ndarray, means: np.ndarray, covariances: np.ndarray,
                     covariance_type: str) -> GMMParams:
        """The M-step's own result, without re-checking what holds by construction.

        weights (K,), means (K, d), covariances (K, d, d): fresh float64 arrays nobody else
        holds, weights N_k / sum N_k, covariances exactly symmetric and of covariance_type's
        form. Only what the data can break is checked: finiteness (a non-finite matrix goes
        through GMMParams(...), which names the entry) and positive definiteness (the
        Cholesky factor, with cholesky_factor's ValueError). The arrays are taken over and
        made read-only, not copied. The same numbers as GMMParams(...), in a third of the time.
        """
        if not np.isfinite(covariances).all():
            return cls(weights, means, covariances, covariance_type)  # raises, naming it
        factors = [_cholesky(covariances[k], f"covariances[{k}] (component {k + 1})")
                   for k in range(len(weights))]
        params = object.__new__(cls)
        object.__setattr__(params, "covariance_type", covariance_type)
        params._store(weights, means, covariances, factors, copy=False)
        return params

    def _store(self, weights, means, covariances, factors, *, copy: bool) -> None:
        """Set the arrays, read-only, with the precisions' Cholesky factors from L_k."""
        precisions_cholesky = np.empty_like(covariances)
        for k, L in enumerate(factors):
            # P_k = L_k^-T. LAPACK's triangular inverse (dtrtri) rather than
            # solve_triangular(L, I): the same numbers, but OpenBLAS's threaded triangular
            # solve can stall for milliseconds on a busy 2-core machine, every M-step.
            L_inverse, _ = linalg.lapack.dtrtri(L, lower=1)
            precisions_cholesky[k] = L_inverse.T
        log_det = np.log(np.diagonal(precisions_cholesky, axis1=1, axis2=2)).sum(axis=1)
        for name, value in (("weights", weights), ("means", means),
                            ("covariances", covariances),
                            ("precisions_cholesky", precisions_cholesky),
                            ("log_det_precisions_cholesky", log_det)):
            object.__setattr__(self, name, _read_only(value, copy=copy))

    @property
    def n_components(self) -> int:
        """K, the number of components."""
        return self.weights.shape[0]

    @property
    def n_features(self) -> int:
        """d, the dimension of each sample."""
        return self.means.shape[1]

    @property
    def n_parameters(self) -> int:
        """Free parameters: K - 1 weights, K d means, and the covariances' free entries
        (full: K d(d+1)/2, tied: d(d+1)/2, diag: K d, spherical: K), as scikit-learn counts."""
        K, d = self.n_components, self.n_features
        covariance_parameters = {"full": K * d * (d + 1) // 2, "tied": d * (d + 1) // 2,
                                 "diag": K * d, "spherical": K}[self.covariance_type]
        return (K - 1) + K * d + covariance_parameters

    def __repr__(self) -> str:
        with np.printoptions(precision=4, suppress=True):
            return (f"GMMParams(K={self.n_components}, d={self.n_features}, "
                    f"covariance_type={self.covariance_type!r},\n"
                    f"  weights={self.weights},\n  means={self.means.tolist()},\n"
                    f"  covariances={self.covariances.tolist()})")


def check_params(params) -> GMMParams:
    """params itself, or a TypeError saying how to make a GMMParams."""
    if not isinstance(params, GMMParams):
        raise TypeError(f"params must be a GMMParams, got {type(params).__name__}. Build one "
                        "with GMMParams(weights, means, covariances) or initial_params(X, K).")
    return params


def _check_structure(covariances: np.ndarray, covariance_type: str) -> None:
    """ValueError if the full matrices do not have the declared covariance_type's form."""
    K, d, _ = covariances.shape
    scale = max(float(np.abs(covariances).max()), np.finfo(float).tiny)
    diagonals = np.diagonal(covariances, axis1=1, axis2=2)
    off_diagonal = covariances - diagonals[:, :, np.newaxis] * np.eye(d)
    if covariance_type == "tied" and np.abs(covariances - covariances[0]).max() > 1e-12 * scale:
        raise ValueError("covariance_type='tied' needs all K covariance matrices equal.")
    if covariance_type in ("diag", "spherical") and np.abs(off_diagonal).max() > 0:
        raise ValueError(f"covariance_type={covariance_type!r} needs diagonal covariance "
                         "matrices, but some off-diagonal entries are not 0.")
    if covariance_type == "spherical" and (
            np.abs(diagonals - diagonals[:, :1]).max() > 1e-12 * scale):
        raise ValueError("covariance_type='spherical' needs each covariance to be a multiple "
                         "of the identity (equal diagonal entries).")
