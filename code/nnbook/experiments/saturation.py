"""Experiments of the chapter on saturation, vanishing and exploding gradients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import diagnostics, nn
from nnbook._validation import as_generator, positive_int, positive_scalar
from nnbook.experiments._memo import memoize
from nnbook.experiments.initialization import scheme

__all__ = [
    "DerivativeCurves",
    "derivative_curves",
    "DeepRun",
    "deep_network_gradients",
    "standard_runs",
    "backward_as_product",
    "matrix_product_norms",
]


@dataclass
class DerivativeCurves:
    """Activations and their derivatives on a grid, with each one's maximum slope and saturated region."""

    x: np.ndarray
    values: dict  # name -> f(x)
    slopes: dict  # name -> f'(x)
    max_slopes: dict  # name -> max |f'|
    saturated: dict  # name -> bool mask over x
    threshold: float


def derivative_curves(names=("sigmoid", "tanh"), threshold: float = 0.05, x=None) -> DerivativeCurves:
    """Each activation and its derivative on a grid, with the saturated region marked
    (see :func:`nnbook.diagnostics.saturated_fraction` for the threshold)."""
    x = np.linspace(-8.0, 8.0, 1601) if x is None else np.asarray(x, dtype=float)
    fs = {n: act.get(n) for n in names}
    slopes = {n: f.grad(x) for n, f in fs.items()}
    max_slopes = {n: diagnostics.max_slope(f) for n, f in fs.items()}
    return DerivativeCurves(
        x=x, values={n: f(x) for n, f in fs.items()}, slopes=slopes, max_slopes=max_slopes,
        saturated={n: np.abs(slopes[n]) < threshold * max_slopes[n] for n in names}, threshold=threshold)


@dataclass
class DeepRun:
    """One recorded forward/backward pass of a deep network at initialization."""

    label: str
    activation: str
    init: str
    depth: int
    width: int
    stats: dict  # from diagnostics.layer_statistics, one entry per hidden layer (input side first)
    saturated: np.ndarray  # saturated fraction per hidden layer
    grad_samples: list  # a sample of ∂L/∂z entries per hidden layer, for histograms

    @property
    def gradient_ratio(self) -> float:
        """std of ∂L/∂z in the first hidden layer divided by that in the last."""
        return float(self.stats["grad_std"][0] / self.stats["grad_std"][-1])


def deep_network_gradients(activation: str, init_spec="xavier_normal", *, depth: int = 10, width: int = 100,
                           n: int = 500, classes: int = 10, threshold: float = 0.05, samples: int = 2000,
                           label: str | None = None, rng=0) -> DeepRun:
    """Record one pass through a fresh ``depth``-hidden-layer net on N(0, 1) inputs.

    The inputs have ``width`` features and random labels among ``classes``; the loss is
    softmax cross-entropy. Returns per-layer activation and gradient sizes, the saturated
    fraction per layer and a sample of gradient entries per layer.
    """
    depth, width, n = positive_int(depth, "depth"), positive_int(width, "width"), positive_int(n, "n")
    rng = as_generator(rng)
    initializer = scheme(init_spec)
    init_name = initializer.label
    net = nn.MLP([width] * (depth + 1) + [classes], activation, initializer, rng=rng)
    X = rng.standard_normal((n, width))
    y = rng.integers(0, classes, n)
    trace = net.record(X, y)
    grad_samples = [rng.choice(g.ravel(), size=min(samples, g.size), replace=False)
                    for g in trace.grad_pre_activations[:-1]]
    saturated = np.array([diagnostics.saturated_fraction(z, net.activations[0], threshold)
                          for z in trace.pre_activations[:-1]])
    return DeepRun(label or f"{activation}, {init_name}", activation, init_name, depth, width,
                   diagnostics.layer_statistics(trace), saturated, grad_samples)


def standard_runs(depth: int = 10, width: int = 100, rng=0) -> list[DeepRun]:
    """The chapter's runs: sigmoid and tanh with Xavier, ReLU with He (each with the
    initialization made for it), then tanh and ReLU with large N(0, 1) weights."""
    specs = [("sigmoid", "xavier_normal"), ("tanh", "xavier_normal"), ("relu", "he_normal"),
             ("tanh", ("normal", 1.0)), ("relu", ("normal", 1.0))]
    return [deep_network_gradients(a, s, depth=depth, width=width, rng=rng) for a, s in specs]


def backward_as_product(activation: str = "sigmoid", depth: int = 5, width: int = 20, rng=0) -> dict:
    """Backprop for one example, written out as the product of per-layer Jacobians.

    For ``h_l = f(z_l)``, ``z_l = h_{l-1} W_l + b_l``, the gradient reaching the input is
    ``∂L/∂x = ∂L/∂h_L · Π_l (diag f'(z_l) W_lᵀ)`` taken from the top layer down. Returns the
    product computed explicitly, the gradient from :meth:`nnbook.nn.MLP.backward`, their relative
    error, and the largest possible shrink factor ``Π max|f'| · ‖W_l‖₂``.
    """
    rng = as_generator(rng)
    net = nn.MLP([width] * (depth + 1) + [1], activation, "xavier_normal", rng=rng)
    x = rng.standard_normal((1, width))
    net.forward(x, record=True)
    upstream = np.ones((1, 1))
    backprop = net.backward(upstream)
    g = upstream @ net.weights[-1].T
    bound = np.linalg.norm(net.weights[-1], 2)
    slope = diagnostics.max_slope(activation)
    for l in reversed(range(net.n_layers - 1)):
        fprime = net.activations[l].grad(net.trace.pre_activations[l])[0]
        g = (g * fprime) @ net.weights[l].T  # diag(f'(z_l)) then W_lᵀ
        bound *= slope * np.linalg.norm(net.weights[l], 2)
    err = float(np.linalg.norm(g - backprop) / np.linalg.norm(backprop))
    return {"product": g, "backprop": backprop, "relative_error": err, "bound": float(bound),
            "norm": float(np.linalg.norm(g))}


def matrix_product_norms(n: int = 100, depth: int = 50, stds=None, vectors: int = 20, rng=0) -> dict:
    """How the norm of ``x W_1 W_2 ⋯ W_l`` changes with ``l`` for random Gaussian ``n × n`` matrices.

    Parameters
    ----------
    stds : dict label -> weight std, optional
        Default: std 1, 1/√n and 0.5/√n.

    Returns
    -------
    dict label -> array (depth + 1,)
        The geometric mean over ``vectors`` random unit inputs of ``‖x_l‖``, ``l = 0..depth``.
    """
    n, depth = positive_int(n, "n"), positive_int(depth, "depth")
    if stds is None:
        stds = {"std 1": 1.0, "std 1/√n": 1.0 / np.sqrt(n), "std 0.5/√n": 0.5 / np.sqrt(n)}
    rng = as_generator(rng)
    out = {}
    for label, std in stds.items():
        std = positive_scalar(std, "std")
        x = rng.standard_normal((vectors, n))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        log_norms = [0.0]
        for _ in range(depth):
            x = x @ (rng.standard_normal((n, n)) * std)
            norms = np.linalg.norm(x, axis=1)
            log_norms.append(float(np.mean(np.log(norms))))
            x /= norms[:, None]  # keep x representable; the log-norms carry the scale
        out[label] = np.exp(np.cumsum(log_norms))
    return out


@memoize
def run_chapter(rng=0) -> dict:
    """Every experiment the chapter shows, with its default settings."""
    return {"curves": derivative_curves(), "runs": standard_runs(rng=rng),
            "product": backward_as_product(rng=rng), "norms": matrix_product_norms(rng=rng)}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    curves, runs, product, norms = results["curves"], results["runs"], results["product"], results["norms"]
    out = {f"{n}-max-slope": float(m) for n, m in curves.max_slopes.items()}
    out["sat-threshold"] = 100 * curves.threshold
    for n, mask in curves.saturated.items():
        out[f"{n}-sat-x"] = float(np.min(np.abs(curves.x[mask])))
    for key, run in zip(("sigmoid", "tanh", "relu", "tanh-big", "relu-big"), runs):
        out[f"{key}-ratio"] = run.gradient_ratio
        out[f"{key}-saturated"] = 100 * float(run.saturated.mean())
    out["depth"] = runs[0].depth
    out["width"] = runs[0].width
    out["quarter-power"] = 0.25 ** (runs[0].depth - 1)
    out["sigmoid-act-std"] = float(runs[0].stats["act_std"].mean())
    out["product-error"] = product["relative_error"]
    out["product-bound"] = product["bound"]
    out["product-norm"] = product["norm"]
    for label, key in (("std 1", "std1"), ("std 1/√n", "sqrt"), ("std 0.5/√n", "half")):
        v = norms[label]
        out[f"norm-{key}-10"] = float(v[10])
        out[f"norm-{key}-end"] = float(v[-1])
    out["norm-depth"] = len(norms["std 1"]) - 1
    return out
