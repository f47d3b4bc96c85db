"""Weight initializers: each returns an array of shape ``(fan_in, fan_out)``.

Every initializer has the signature ``f(fan_in, fan_out, *, rng, ...)`` where ``rng`` is a
``numpy.random.Generator`` (or an integer seed), so the same seed always gives the same
weights and nothing touches numpy's global random state. A layer computes ``x @ W`` with
``x`` of shape (N, fan_in).

The variance-preserving schemes differ only in the variance they target:

============== ========================== =======================================
scheme         Var(W)                      keeps ... constant through the layers
============== ========================== =======================================
LeCun          1 / fan_in                  the forward variance (linear units)
Xavier/Glorot  2 / (fan_in + fan_out)      a compromise of forward and backward
He/Kaiming     2 / fan_in                  the forward second moment under ReLU
============== ========================== =======================================

each optionally multiplied by ``gain**2`` (see :func:`gain`). A uniform ``U(−a, a)`` has
variance ``a²/3``, so the uniform versions use ``a = √3 · std``.
"""

from __future__ import annotations

import math

import numpy as np

from nnbook._validation import as_generator, nonnegative_scalar, one_of, positive_int, real_scalar

__all__ = [
    "zeros",
    "constant",
    "normal",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "orthogonal",
    "gain",
    "get",
    "names",
]

_MODES = ("fan_in", "fan_out", "fan_avg")


def _fans(fan_in, fan_out) -> tuple[int, int]:
    return positive_int(fan_in, "fan_in"), positive_int(fan_out, "fan_out")


def _fan(fan_in: int, fan_out: int, mode: str) -> float:
    one_of(mode, _MODES, "mode")
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


def _normal(fan_in, fan_out, rng, std):
    return as_generator(rng).standard_normal((fan_in, fan_out)) * std


def _uniform(fan_in, fan_out, rng, std):
    limit = math.sqrt(3.0) * std  # U(-a, a) has variance a^2 / 3
    return as_generator(rng).uniform(-limit, limit, size=(fan_in, fan_out))


def zeros(fan_in: int, fan_out: int, *, rng=None) -> np.ndarray:
    """All zeros. Every unit of the layer then computes the same thing (no symmetry breaking).

    ``rng`` is accepted and ignored so that all initializers share one signature.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return np.zeros((fan_in, fan_out))


def constant(fan_in: int, fan_out: int, *, value: float, rng=None) -> np.ndarray:
    """Every weight equal to ``value`` (as bad as zeros for symmetry breaking)."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return np.full((fan_in, fan_out), real_scalar(value, "value"))


def normal(fan_in: int, fan_out: int, *, rng, std: float = 0.01, mean: float = 0.0) -> np.ndarray:
    """``W ~ N(mean, std²)`` with a fixed std, ignoring the layer's size (CS231n's "small random")."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    std = nonnegative_scalar(std, "std")
    return _normal(fan_in, fan_out, rng, std) + real_scalar(mean, "mean")


def uniform(fan_in: int, fan_out: int, *, rng, limit: float = 0.05) -> np.ndarray:
    """``W ~ U(−limit, limit)`` with a fixed limit."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    limit = nonnegative_scalar(limit, "limit")
    return as_generator(rng).uniform(-limit, limit, size=(fan_in, fan_out))


def xavier_normal(fan_in: int, fan_out: int, *, rng, gain: float = 1.0, mode: str = "fan_avg") -> np.ndarray:
    """Glorot & Bengio (2010): ``W ~ N(0, gain² · 2 / (fan_in + fan_out))``.

    ``mode="fan_in"`` gives the ``1 / fan_in`` form used in CS231n (``randn / √fan_in``).
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    std = nonnegative_scalar(gain, "gain") / math.sqrt(_fan(fan_in, fan_out, mode))
    return _normal(fan_in, fan_out, rng, std)


def xavier_uniform(fan_in: int, fan_out: int, *, rng, gain: float = 1.0, mode: str = "fan_avg") -> np.ndarray:
    """Glorot & Bengio (2010), uniform: ``U(−a, a)`` with ``a = gain · √(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    std = nonnegative_scalar(gain, "gain") / math.sqrt(_fan(fan_in, fan_out, mode))
    return _uniform(fan_in, fan_out, rng, std)


def he_normal(fan_in: int, fan_out: int, *, rng, gain: float = math.sqrt(2.0), mode: str = "fan_in") -> np.ndarray:
    """He et al. (2015): ``W ~ N(0, gain² / fan_in)``, i.e. ``randn(fan_in, fan_out) · √(2 / fan_in)`` for ReLU."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    std = nonnegative_scalar(gain, "gain") / math.sqrt(_fan(fan_in, fan_out, mode))
    return _normal(fan_in, fan_out, rng, std)


def he_uniform(fan_in: int, fan_out: int, *, rng, gain: float = math.sqrt(2.0), mode: str = "fan_in") -> np.ndarray:
    """He et al. (2015), uniform: ``U(−a, a)`` with ``a = gain · √(3 / fan_in)``."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    std = nonnegative_scalar(gain, "gain") / math.sqrt(_fan(fan_in, fan_out, mode))
    return _uniform(fan_in, fan_out, rng, std)


def lecun_normal(fan_in: int, fan_out: int, *, rng, gain: float = 1.0) -> np.ndarray:
    """LeCun et al. (1998): ``W ~ N(0, gain² / fan_in)``; with SELU this gives self-normalization."""
    return he_normal(fan_in, fan_out, rng=rng, gain=gain, mode="fan_in")


def lecun_uniform(fan_in: int, fan_out: int, *, rng, gain: float = 1.0) -> np.ndarray:
    """LeCun et al. (1998), uniform: ``U(−a, a)`` with ``a = gain · √(3 / fan_in)``."""
    return he_uniform(fan_in, fan_out, rng=rng, gain=gain, mode="fan_in")


def orthogonal(fan_in: int, fan_out: int, *, rng, gain: float = 1.0) -> np.ndarray:
    """A (semi-)orthogonal matrix times ``gain`` (Saxe et al. 2014).

    The QR factorization of a Gaussian matrix, with the signs of R's diagonal folded into
    Q so that the result is uniformly distributed over orthogonal matrices. Columns are
    orthonormal when ``fan_in ≥ fan_out``, rows otherwise.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = nonnegative_scalar(gain, "gain")
    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)
    q, r = np.linalg.qr(as_generator(rng).standard_normal((rows, cols)))
    q *= np.sign(np.diag(r))
    if fan_in < fan_out:
        q = q.T
    return gain * q


_GAINS = {
    "identity": lambda alpha: 1.0,
    "linear": lambda alpha: 1.0,
    "sigmoid": lambda alpha: 1.0,
    "tanh": lambda alpha: 5.0 / 3.0,
    "relu": lambda alpha: math.sqrt(2.0),
    "leaky_relu": lambda alpha: math.sqrt(2.0 / (1.0 + alpha**2)),
    "selu": lambda alpha: 0.75,
}


def gain(name: str, alpha: float | None = None) -> float:
    """The recommended scale factor of the weight std for an activation.

    ======================= =================
    activation              gain
    ======================= =================
    identity/linear/sigmoid 1
    tanh                    5/3
    relu                    √2
    leaky_relu (slope α)    √(2 / (1 + α²))
    selu                    3/4
    ======================= =================

    ReLU's √2 makes up for the half of the signal that ReLU zeroes (He et al. 2015). The
    tanh and SELU values are the conventions of PyTorch's ``calculate_gain``; note that SELU
    is meant to be used with LeCun init (gain 1) for exact self-normalization.

    Parameters
    ----------
    name : str
    alpha : float, optional
        Negative slope for ``leaky_relu`` (default 0.01).
    """
    if not isinstance(name, str) or name not in _GAINS:
        raise ValueError(f"no gain defined for {name!r}; valid names are: {', '.join(_GAINS)}")
    if alpha is not None and name != "leaky_relu":
        raise ValueError("alpha is only used with 'leaky_relu'")
    alpha = 0.01 if alpha is None else nonnegative_scalar(alpha, "alpha")
    return _GAINS[name](alpha)


_INITIALIZERS = {
    f.__name__: f
    for f in (zeros, constant, normal, uniform, xavier_normal, xavier_uniform, he_normal, he_uniform,
              lecun_normal, lecun_uniform, orthogonal)
}


def names() -> list[str]:
    """The initializer names :func:`get` accepts."""
    return list(_INITIALIZERS)


def get(name):
    """Return the initializer function called ``name`` (a callable is returned unchanged)."""
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"init must be an initializer name (a string) or a function (fan_in, fan_out, *, rng); "
                        f"valid names are: {', '.join(names())}; got {name!r}")
    if name not in _INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; valid names are: {', '.join(names())}")
    return _INITIALIZERS[name]
