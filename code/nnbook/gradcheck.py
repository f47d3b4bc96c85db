"""Numerical gradients by centered differences, and the relative error used to compare them.

The discipline of CS231n's ``gradient_check.py``: float64, a step ``h ≈ 1e-5``, and the
relative error ``|a − b| / max(|a|, |b|)``; below ~1e-7 the analytic gradient is right,
above ~1e-2 it is wrong. Stay away from kinks (ReLU at 0), where no derivative exists.
"""

from __future__ import annotations

import numpy as np

from nnbook._validation import as_real_array, positive_scalar

__all__ = ["elementwise_derivative", "numerical_gradient", "relative_error", "norm_relative_error"]


def elementwise_derivative(f, x, h: float = 1e-5) -> np.ndarray:
    """Centered difference ``(f(x + h) − f(x − h)) / 2h`` of an elementwise function, at every x."""
    x = as_real_array(x).astype(np.float64)
    h = positive_scalar(h, "h")
    return (np.asarray(f(x + h), dtype=np.float64) - np.asarray(f(x - h), dtype=np.float64)) / (2.0 * h)


def numerical_gradient(f, x, h: float = 1e-5) -> np.ndarray:
    """Gradient of a scalar function ``f(x)`` of an array, one coordinate at a time.

    ``x`` is perturbed in place and restored, so ``f`` may close over it (as a network's
    loss closes over its own weights). Cost: 2 evaluations of ``f`` per element of ``x``.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("x must be a float64 numpy array (it is perturbed in place)")
    h = positive_scalar(h, "h")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = float(f(x))
        x[i] = old - h
        minus = float(f(x))
        x[i] = old
        grad[i] = (plus - minus) / (2.0 * h)
    return grad


def relative_error(a, b, floor: float = 1e-12) -> float:
    """Largest elementwise relative error ``|a − b| / max(|a|, |b|, floor)``; ``inf`` when
    either side holds a NaN or an infinity.

    ``floor`` keeps entries where both values are ~0 from dividing by zero; those count as
    an absolute error.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")  # a NaN or inf gradient is never "close"
    denom = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float(np.max(np.abs(a - b) / denom)) if a.size else 0.0


def norm_relative_error(a, b) -> float:
    """``‖a − b‖ / max(‖a‖, ‖b‖)`` over a whole array (0 when both are zero; ``inf`` when
    either side holds a NaN or an infinity).

    The right measure for a whole gradient (a weight matrix): unlike :func:`relative_error`
    it is not dominated by the round-off of the difference quotient on entries that are
    almost zero.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")  # a NaN or inf gradient is never "close"
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0
