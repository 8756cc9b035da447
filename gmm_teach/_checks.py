"""Input checks shared by the module: every bad input becomes a ValueError or TypeError
that names the problem and the fix, before numpy sees it."""

from __future__ import annotations

import numbers

import numpy as np

# Data beyond this size cannot be squared and summed in float64 (1e150^2 = 1e300; a sum of a
# million such squares is still below the largest float, about 1.8e308).
MAX_ABS_DATA = 1e150


def as_float_array(value, name: str) -> np.ndarray:
    """``value`` as a float64 array, or TypeError if it is not numeric.

    The caller's array is never written to: every function in gmm_teach computes new
    arrays from this one.
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
        return np.asarray(value, dtype=np.float64)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers; numpy could not read it "
                        f"({error}).") from None
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{name} must contain numbers, but it has dtype {array.dtype} "
                        f"(for example {array.ravel()[:1].tolist()}). Convert it with "
                        f"np.asarray({name}, dtype=float) after removing non-numeric entries.")
    return array.astype(np.float64)


def check_finite(array: np.ndarray, name: str, *, samples: bool = False) -> None:
    """ValueError naming the first NaN or infinite entry of ``array``; for samples (rows of
    data, as_samples) it also shows how to drop the rows that hold one."""
    if not np.isfinite(array).all():
        if array.ndim == 0:  # a single number: there is no index to report
            kind = "NaN" if np.isnan(array) else "an infinite value"
            raise ValueError(f"{name} is {kind}. Drop or impute it first: every number "
                             "passed in must be finite.")
        bad = np.argwhere(~np.isfinite(array))[0]
        where = tuple(int(i) for i in bad)
        kind = "NaN" if np.isnan(array[where]) else "an infinite value"
        count = int((~np.isfinite(array)).sum())
        example = (f" (e.g. {name}[np.isfinite({name}).all(axis=1)] keeps the samples without "
                   "them)" if samples else "")
        raise ValueError(f"{name} contains {count} NaN or infinite value(s); the first is "
                         f"{kind} at index {where if len(where) > 1 else where[0]}. Drop or "
                         f"impute those entries first{example}.")


def as_samples(X, name: str = "X", *, min_samples: int = 1) -> np.ndarray:
    """Data as a finite float64 array of shape (n_samples, n_features).

    A 1-D array of shape (N,) is N samples of one feature, everywhere in gmm_teach.
    """
    array = as_float_array(X, name)
    if array.ndim == 1:
        array = array[:, np.newaxis]
    elif array.ndim != 2:
        raise ValueError(f"{name} must have shape (n_samples, n_features) or (n_samples,), "
                         f"but it has {array.ndim} dimensions, shape {array.shape}. "
                         f"Reshape it, e.g. {name}.reshape(len({name}), -1).")
    if array.shape[0] < min_samples:
        raise ValueError(f"{name} has {array.shape[0]} samples; at least {min_samples} "
                         f"{'is' if min_samples == 1 else 'are'} needed.")
    if array.shape[1] == 0:
        raise ValueError(f"{name} has 0 features (shape {array.shape}); each sample needs "
                         "at least one number.")
    check_finite(array, name, samples=True)
    largest = max(float(array.max()), -float(array.min()))
    if largest > MAX_ABS_DATA:
        raise ValueError(f"{name} has values up to {largest:.2g} in absolute value; squares of "
                         f"numbers beyond {MAX_ABS_DATA:g} overflow float64 (whose largest "
                         "number is about 1.8e308), so distances and covariances cannot be "
                         f"computed. Rescale {name} first, e.g. divide it by "
                         f"{name}.std(axis=0) or change its units.")
    return array


def check_symmetric(matrix: np.ndarray, name: str) -> None:
    """ValueError unless the finite square matrix equals its transpose to within 1e-8 of its
    largest entry (rounding error)."""
    scale = max(float(np.abs(matrix).max()), np.finfo(float).tiny)
    asymmetry = float(np.abs(matrix - matrix.T).max())
    if asymmetry > 1e-8 * scale:
        raise ValueError(f"{name} must be symmetric, but {name} - {name}.T has entries up to "
                         f"{asymmetry:.3g}. Use ({name} + {name}.T) / 2 if the asymmetry is "
                         "rounding error.")


def check_log_density_finite(log_density: np.ndarray, what: str) -> None:
    """ValueError if a log-density overflowed to -inf: the point is so far from the Gaussian,
    in units of its standard deviation, that the squared distance exceeds float64's range."""
    if not np.isfinite(log_density).all():
        where = np.argwhere(~np.isfinite(log_density))[0]
        index = tuple(int(i) for i in where)
        raise ValueError(
            f"{what} overflowed at index {index[0] if len(index) == 1 else index}: the point "
            "is so far from the Gaussian, measured in standard deviations, that its squared "
            "distance exceeds float64's largest number (about 1.8e308) and the log-density "
            "would be -inf. Rescale the data or use larger variances; the density itself "
            "(gaussian_pdf, mvn_pdf) is 0 there.")


def check_n_components(n_components, n_samples: int) -> int:
    """n_components as an int in 1..n_samples."""
    if isinstance(n_components, bool) or not isinstance(n_components, numbers.Integral):
        raise TypeError(f"n_components must be a whole number, not {n_components!r}.")
    n_components = int(n_components)
    if n_components < 1:
        raise ValueError(f"n_components must be at least 1, got {n_components}.")
    if n_components > n_samples:
        raise ValueError(f"n_components={n_components} is more components than samples "
                         f"({n_samples}); each component needs data. Use at most "
                         f"{n_samples} components or more data.")
    return n_components


def check_choice(value, name: str, choices: tuple[str, ...]) -> str:
    """One of the strings in choices, or ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}.")
    return value


def check_nonnegative_number(value, name: str, *, strictly_positive: bool = False) -> float:
    """A finite real number >= 0 (or > 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, not {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (strictly_positive and value == 0):
        bound = "> 0" if strictly_positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value}.")
    return value


def check_whole_number(value, name: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, not {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def check_random_state_argument(random_state) -> np.random.RandomState:
    """scikit-learn's check_random_state, with the error naming the argument and the fix."""
    # loaded here, not at `import gmm_teach` (scikit-learn takes ~1 s and ~100 MB to import)
    from sklearn.utils import check_random_state

    try:
        return check_random_state(random_state)
    except ValueError:
        raise ValueError(f"random_state must be None, an int in 0..2**32 - 1 or a "
                         f"np.random.RandomState, got {random_state!r}.") from None
