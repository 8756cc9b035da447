"""Derivatives by central differences: the check that a gradient derived by hand is right.

    d f / d x_i  ~  (f(x + h e_i) - f(x - h e_i)) / (2 h)

The error is O(h^2) from the Taylor series plus O(eps |f| / h) from rounding, so h around
1e-6 to 1e-5 (relative to x's scale) gives about six to eight correct digits for smooth f.
"""

from __future__ import annotations

import numpy as np

__all__ = ["central_differences"]


def central_differences(f, x, h: float = 1e-6) -> np.ndarray:
    """The gradient of the scalar function f at x (an array of any shape), entry by entry by
    central differences with step h. Returns an array of x's shape. f is called 2 x.size
    times, with float64 arrays of x's shape; x is not modified."""
    x = np.array(x, dtype=float)  # a copy: the caller's array is never touched
    if not (isinstance(h, int | float | np.floating) and np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive finite step, e.g. 1e-6; got {h!r}.")
    if not callable(f):
        raise TypeError(f"f must be a function of one array returning a number, got {f!r}.")
    gradient = np.empty_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        gradient[index] = (float(f(x + step)) - float(f(x - step))) / (2 * h)
    return gradient
