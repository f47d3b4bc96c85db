"""Input checks shared by the package: each raises an error that says what is allowed."""

from __future__ import annotations

import numbers

import numpy as np


def as_real_array(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as a floating-point array, refusing anything that is not real numbers.

    Integers and booleans become float64; float32 and float64 are kept as they are, so a
    caller who asks for float32 gets float32 back.
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise TypeError(f"{name} must be an array of real numbers; could not convert it: {error}") from None
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind == "f":
        if arr.dtype not in (np.float32, np.float64):
            return arr.astype(np.float64)
        return arr
    raise TypeError(
        f"{name} must hold real numbers (int or float); got an array of dtype {arr.dtype}"
    )


def real_scalar(value, name: str) -> float:
    """Return ``value`` as a finite Python float or raise TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def positive_scalar(value, name: str) -> float:
    """A finite real number > 0."""
    value = real_scalar(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    return value


def nonnegative_scalar(value, name: str) -> float:
    """A finite real number >= 0."""
    value = real_scalar(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return value


def positive_int(value, name: str) -> int:
    """An integer >= 1 (Python or numpy integer, not bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {value!r} of type {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1); got {value}")
    return int(value)


def as_generator(rng, name: str = "rng") -> np.random.Generator:
    """Accept a ``numpy.random.Generator`` or an integer seed; refuse hidden global state."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a numpy.random.Generator or a non-negative integer seed; got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy.random.Generator or an integer seed, "
        f"e.g. {name}=np.random.default_rng(0); got {rng!r}"
    )


def finite_array(x, name: str = "x") -> np.ndarray:
    """:func:`as_real_array` that also refuses NaN and inf, naming the argument."""
    x = as_real_array(x, name)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf; every value must be finite")
    return x


def boolean(value, name: str) -> bool:
    """A real ``bool`` (or numpy bool); refuses strings such as 'no' that are merely truthy."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r} of type {type(value).__name__}")
    return bool(value)


def axis_index(axis, ndim: int, name: str = "axis") -> int:
    """An integer axis valid for an array with ``ndim`` dimensions (negative counts from the end)."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an integer (one axis); got {axis!r} of type {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for an array with {ndim} dimension(s): "
                         f"allowed are {-ndim} to {ndim - 1}")
    return int(axis)


def one_of(value, allowed, name: str):
    """Return ``value`` if it is one of ``allowed``; otherwise name the allowed values."""
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value
