"""Diagnostics of a network's health: dead units, saturated units, per-layer signal sizes.

These are the measurements the chapters on saturation, dead ReLUs and initialization make,
packaged so a reader can run them on their own :class:`nnbook.nn.MLP`::

    >>> import numpy as np
    >>> from nnbook import nn, diagnostics
    >>> net = nn.MLP([2, 8, 8, 2], "relu", rng=0)
    >>> X = np.random.default_rng(1).normal(size=(100, 2))
    >>> [float(f) for f in diagnostics.dead_fractions(net, X)]
    [0.0, 0.0]

A unit is *dead* on a data set when its activation passes no gradient for any example: its
local derivative ``f'(z)`` is 0 at every row. For ReLU that is exactly "its pre-activation is
≤ 0 for every example"; units of Leaky ReLU or ELU can never be dead in this sense.

NaN or inf pre-activations are refused with a ``ValueError`` (a NaN unit is neither alive nor
dead, neither saturated nor not: a count that silently put it on one side would be wrong).
An activation that passes no gradient anywhere (the step function, ``max|f'| = 0``) counts as
saturated everywhere, as it is dead everywhere.
"""

from __future__ import annotations

import functools

import numpy as np

from nnbook import activations as act
from nnbook._validation import finite_array, nonnegative_scalar, positive_scalar

__all__ = [
    "inactive_units",
    "dead_units",
    "dead_fractions",
    "dead_fraction",
    "inactive_fractions",
    "max_slope",
    "saturated_fraction",
    "saturated_fractions",
    "layer_statistics",
]


def _pre_activations_2d(z, name="z") -> np.ndarray:
    z = finite_array(z, name)
    if z.ndim != 2 or z.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (examples, units); got shape {z.shape}")
    return z


def inactive_units(z) -> np.ndarray:
    """Units whose pre-activation is ≤ 0 for every example.

    Parameters
    ----------
    z : array (N, units)
        Pre-activations of one layer over a data set.

    Returns
    -------
    mask : bool array (units,)
    """
    z = _pre_activations_2d(z)
    return np.all(z <= 0, axis=0)


def _hidden_pre_activations(net, X) -> list[np.ndarray]:
    with np.errstate(over="ignore", invalid="ignore"):
        net.forward(X, record=True)
    z = net.trace.pre_activations[:-1]
    net.trace = None
    if not all(np.all(np.isfinite(layer)) for layer in z):
        raise ValueError("the network's pre-activations are not finite (did training diverge?)")
    return z


def dead_units(net, X, tol: float = 0.0) -> list[np.ndarray]:
    """For each hidden layer of ``net``, the units that pass no gradient for any row of ``X``.

    A unit is dead when ``|f'(z)| ≤ tol · max|f'|`` at every example, where ``f`` is the
    layer's activation and ``z`` the unit's pre-activation. With the default ``tol = 0`` this
    means exactly zero gradient: for ReLU, :func:`inactive_units`; Leaky ReLU is never dead.
    A small ``tol`` (say 1e-6) also catches units of saturating activations (ELU, sigmoid,
    tanh) pushed so far that their gradient is negligible.

    Parameters
    ----------
    net : nnbook.nn.MLP
    X : array (N, sizes[0])
        Usually the whole training set.
    tol : float ≥ 0

    Returns
    -------
    list of bool arrays, one per hidden layer, of shape (width,)
    """
    tol = nonnegative_scalar(tol, "tol")
    masks = []
    for z, f in zip(_hidden_pre_activations(net, X), net.activations):
        limit = tol * max_slope(f) if tol > 0 else 0.0
        masks.append(np.all(np.abs(f.grad(z)) <= limit, axis=0))
    return masks


def dead_fractions(net, X, tol: float = 0.0) -> np.ndarray:
    """Fraction of dead units in each hidden layer (see :func:`dead_units`)."""
    return np.array([m.mean() for m in dead_units(net, X, tol)])


def inactive_fractions(net, X) -> np.ndarray:
    """Fraction of units in each hidden layer whose pre-activation is ≤ 0 on every row of
    ``X`` (see :func:`inactive_units`). For ReLU these units are dead; for Leaky ReLU or ELU
    they still pass a (small) gradient and can come back."""
    return np.array([inactive_units(z).mean() for z in _hidden_pre_activations(net, X)])


def dead_fraction(net, X, tol: float = 0.0) -> float:
    """Fraction of dead units among all hidden units of ``net`` on ``X`` (see :func:`dead_units`)."""
    masks = dead_units(net, X, tol)
    return float(np.concatenate(masks).mean())


@functools.lru_cache(maxsize=None)
def _max_slope(name: str, params: tuple) -> float:
    f = act.get(name, **dict(params))
    x = np.linspace(-30.0, 30.0, 600_001)
    return float(np.max(np.abs(f.grad(x))))


def max_slope(activation) -> float:
    """The largest ``|f'(x)|`` of an activation (measured on a fine grid of [-30, 30]).

    1/4 for sigmoid, 1 for tanh and ReLU, λα ≈ 1.758 for SELU (just left of 0), 0 for the step;
    for PReLU with one α per unit, ``max(1, max|α|)`` over all units.
    """
    f = act.get(activation)
    params = f.params()
    if isinstance(f, act.PReLU) and np.ndim(params["alpha"]):
        return max(1.0, float(np.max(np.abs(params["alpha"]))))
    return _max_slope(f.name, tuple(sorted(params.items())))


def saturated_fraction(z, activation, threshold: float = 0.05) -> float:
    """Fraction of entries of ``z`` where the activation is saturated.

    An entry is saturated when the local derivative is small compared with the activation's
    largest: ``|f'(z)| < threshold · max|f'|``. With the default 5 %, tanh is saturated for
    ``|z| > 2.18`` (``|tanh z| > 0.975``) and sigmoid for ``|z| > 4.36``; ReLU is
    "saturated" exactly where ``z ≤ 0``. An activation with no gradient anywhere (the step,
    ``max|f'| = 0``) is saturated everywhere (fraction 1).

    Parameters
    ----------
    z : array, any shape
        Pre-activations, finite (NaN or inf raise ValueError).
    activation : str or Activation
    threshold : float in (0, 1)
    """
    threshold = positive_scalar(threshold, "threshold")
    if threshold >= 1:
        raise ValueError(f"threshold must be in (0, 1); got {threshold}")
    f = act.get(activation)
    z = finite_array(z, "z")
    if z.size == 0:
        raise ValueError("z is empty")
    top = max_slope(f)
    if top == 0:
        return 1.0  # no gradient anywhere: saturated everywhere
    return float(np.mean(np.abs(f.grad(z)) < threshold * top))


def saturated_fractions(net, X, threshold: float = 0.05) -> np.ndarray:
    """:func:`saturated_fraction` of each hidden layer of ``net`` on the inputs ``X``."""
    return np.array([saturated_fraction(z, f, threshold)
                     for z, f in zip(_hidden_pre_activations(net, X), net.activations)])


def layer_statistics(trace) -> dict:
    """Per-layer sizes of the signals in a recorded pass (:meth:`nnbook.nn.MLP.record`).

    Returns a dict of arrays, one entry per hidden layer (the output layer is left out):

    ``act_mean``, ``act_std``
        mean and standard deviation of the activations h;
    ``grad_std``
        standard deviation of ∂L/∂z, the gradient arriving at the pre-activations;
    ``weight_grad_norm``
        Frobenius norm of ∂L/∂W for the weights feeding the layer.
    """
    hidden = slice(0, len(trace.activations) - 1)
    h = trace.activations[hidden]
    stats = {"act_mean": np.array([a.mean() for a in h]), "act_std": np.array([a.std() for a in h])}
    if trace.grad_pre_activations:
        stats["grad_std"] = np.array([g.std() for g in trace.grad_pre_activations[hidden]])
        stats["weight_grad_norm"] = np.array([np.linalg.norm(g) for g in trace.grad_weights[hidden]])
    return stats
