"""Experiments of the chapter on saturation, vanishing and exploding gradients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import diagnostics, nn, stats
from nnbook._validation import as_generator, positive_int, positive_scalar
from nnbook.experiments._memo import memoize
from nnbook.experiments.initialization import scheme

__all__ = [
    "DerivativeCurves",
    "derivative_curves",
    "DeepRun",
    "deep_network_gradients",
    "standard_runs",
    "JacobianChain",
    "jacobian_chain",
    "SlopeVersusWeights",
    "slope_versus_weights",
    "seed_runs",
    "matrix_product_norms",
    "run_chapter",
    "summary",
    "claims",
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
    n: int = 0  # number of inputs

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
    grad_samples = [rng.choice(g.ravel(), size=min(samples, g.size), replace=False) if samples else g.ravel()[:0]
                    for g in trace.grad_pre_activations[:-1]]
    saturated = np.array([diagnostics.saturated_fraction(z, net.activations[0], threshold)
                          for z in trace.pre_activations[:-1]])
    return DeepRun(label or f"{activation}, {init_name}", activation, init_name, depth, width,
                   diagnostics.layer_statistics(trace), saturated, grad_samples, n)


_SPECS = [("sigmoid", "xavier_normal", "sigmoid"), ("tanh", "xavier_normal", "tanh"), ("relu", "he_normal", "relu"),
          ("tanh", ("normal", 1.0), "tanh-big"), ("relu", ("normal", 1.0), "relu-big")]


def standard_runs(depth: int = 10, width: int = 100, n: int = 200, rng=0) -> list[DeepRun]:
    """The chapter's runs: sigmoid and tanh with Xavier, ReLU with He (each with the
    initialization made for it), then tanh and ReLU with large N(0, 1) weights."""
    return [deep_network_gradients(a, s, depth=depth, width=width, n=n, rng=rng) for a, s, _ in _SPECS]


@dataclass
class JacobianChain:
    """The backward pass of one example through a deep net, as explicit Jacobian matrices.

    ``jacobians[l]`` is ``J_l = diag(f'(z_l)) W_lᵀ`` (width × width) for hidden layer l
    (input side first); ``product`` is ``J_L ⋯ J_1`` formed by matrix products;
    ``gradient`` is ``∂L/∂h_L · product`` and ``backprop`` what :meth:`nnbook.nn.MLP.backward`
    returns for the input. ``singular_values[l]`` are those of ``J_l`` (descending) and
    ``product_top[k]`` the largest singular value of ``J_L ⋯ J_{L−k}`` (k + 1 layers from the
    output side down).
    """

    label: str
    jacobians: list
    product: np.ndarray
    gradient: np.ndarray
    backprop: np.ndarray
    singular_values: np.ndarray  # (depth, width)
    product_top: np.ndarray  # (depth,)
    weight_norms: np.ndarray  # (depth,) ‖W_l‖₂ of the hidden layers' incoming weights
    max_slope: float

    @property
    def relative_error(self) -> float:
        """‖gradient − backprop‖ / ‖backprop‖."""
        return float(np.linalg.norm(self.gradient - self.backprop) / np.linalg.norm(self.backprop))

    @property
    def bound(self) -> float:
        """``Π_l max|f'| · ‖W_l‖₂`` over the hidden layers: the largest possible gain of the product."""
        return float(np.prod(self.max_slope * self.weight_norms))


def jacobian_chain(activation: str = "sigmoid", init_spec="xavier_normal", *, depth: int = 10, width: int = 100,
                   label: str | None = None, rng=0) -> JacobianChain:
    """Form the per-layer Jacobians of a fresh ``depth``-hidden-layer net at one N(0, 1) input,
    multiply them as matrices, and compare the result with backpropagation.

    The net has one output; with ``∂L/∂score = 1`` the gradient reaching the input is
    ``(W_outᵀ as a row) · J_L ⋯ J_1``. Backprop computes the same thing as a sequence of
    vector–matrix products in a different order, so the two agree to rounding, not bit for bit.
    """
    depth, width = positive_int(depth, "depth"), positive_int(width, "width")
    rng = as_generator(rng)
    initializer = scheme(init_spec)
    net = nn.MLP([width] * (depth + 1) + [1], activation, initializer, rng=rng)
    x = rng.standard_normal((1, width))
    net.forward(x, record=True)
    zs = net.trace.pre_activations
    backprop = net.backward(np.ones((1, 1)))[0]
    f = net.activations[0]
    jac = [np.diag(f.grad(zs[l][0])) @ net.weights[l].T for l in range(depth)]
    product = np.linalg.multi_dot(jac[::-1]) if depth > 1 else jac[0]
    gradient = net.weights[-1].T[0] @ product
    partial, tops = np.eye(width), []
    for J in jac[::-1]:
        partial = partial @ J
        tops.append(np.linalg.norm(partial, 2))
    return JacobianChain(label or f"{activation}, {initializer.label}", jac, product, gradient, backprop,
                         np.array([np.linalg.svd(J, compute_uv=False) for J in jac]), np.array(tops),
                         np.array([np.linalg.norm(W, 2) for W in net.weights[:-1]]), diagnostics.max_slope(f))


@dataclass
class SlopeVersusWeights:
    """Gradient ratio (first / last hidden layer) of a deep sigmoid net as its weights grow.

    ``ratio`` and ``saturated`` have shape (len(multiples), len(seeds)).
    """

    multiples: np.ndarray  # weight std as a multiple of Xavier's
    seeds: list
    ratio: np.ndarray
    saturated: np.ndarray
    depth: int

    def per_layer(self) -> np.ndarray:
        """The geometric-mean factor per layer, ``ratio ** (1 / (depth − 1))``."""
        return self.ratio ** (1.0 / (self.depth - 1))


def slope_versus_weights(multiples=(0.5, 1.0, 2.0, 4.0, 8.0), seeds=tuple(range(10)), *,
                         activation: str = "sigmoid", depth: int = 10, width: int = 100, n: int = 200) -> SlopeVersusWeights:
    """:func:`deep_network_gradients` for Xavier weights scaled by each of ``multiples``
    (``("xavier_gain", m)``), over ``seeds``: can larger weights make up for the sigmoid's slope?"""
    multiples = np.asarray(multiples, dtype=float)
    seeds = list(seeds)
    ratio = np.empty((multiples.size, len(seeds)))
    saturated = np.empty_like(ratio)
    for i, m in enumerate(multiples):
        for j, s in enumerate(seeds):
            run = deep_network_gradients(activation, ("xavier_gain", float(m)), depth=depth, width=width, n=n,
                                         samples=0, rng=s)
            ratio[i, j], saturated[i, j] = run.gradient_ratio, run.saturated.mean()
    return SlopeVersusWeights(multiples, seeds, ratio, saturated, depth)


def seed_runs(seeds=tuple(range(10)), *, depth: int = 10, width: int = 100, n: int = 200) -> dict:
    """The chapter's five runs (see :func:`standard_runs`) over ``seeds``: for each label,
    ``{"ratio": (seeds,), "saturated": (seeds,)}``."""
    out = {}
    for activation, spec, key in _SPECS:
        runs = [deep_network_gradients(activation, spec, depth=depth, width=width, n=n, samples=0, rng=s)
                for s in seeds]
        out[key] = {"ratio": np.array([r.gradient_ratio for r in runs]),
                    "saturated": np.array([r.saturated.mean() for r in runs])}
    return out


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
            "jacobians": [jacobian_chain(a, spec, rng=rng) for a, spec, _ in _SPECS[:3]],
            "slope": slope_versus_weights(), "seeds": seed_runs(), "norms": matrix_product_norms(rng=rng)}


def _effects(results: dict) -> dict:
    """The effects behind the seeded claims (positive supports the claim), over the seeds."""
    seeds, slope = results["seeds"], results["slope"]
    four = int(np.argmin(np.abs(slope.multiples - 4.0)))
    log = np.log10
    return {
        # vanishing: the input side's gradient is smaller than the output side's (log10 ratio < 0)
        "sigmoid-vanish": stats.one_sample(-log(seeds["sigmoid"]["ratio"]), unit="orders of magnitude (−log10 ratio)"),
        # at least 4× per layer even with larger weights: per-layer factor ≤ 1/4
        "four-per-layer": stats.one_sample(log(0.25) - log(slope.per_layer()[four]),
                                           unit="log10 (1/4 ÷ per-layer factor)"),
        "tanh-saturate": stats.paired(seeds["tanh-big"]["saturated"], seeds["tanh"]["saturated"],
                                      unit="fraction of units saturated"),
        "tanh-vanish": stats.paired(log(seeds["tanh"]["ratio"]), log(seeds["tanh-big"]["ratio"]),
                                    unit="orders of magnitude (log10 ratio, Xavier minus N(0, 1))"),
        "relu-keeps": stats.one_sample(1 - np.abs(log(seeds["relu"]["ratio"])),
                                       unit="1 − |log10 ratio| (positive: within a factor of 10)"),
    }


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    curves, runs, chains, norms = results["curves"], results["runs"], results["jacobians"], results["norms"]
    slope, seeds = results["slope"], results["seeds"]
    out = {f"{n}-max-slope": float(m) for n, m in curves.max_slopes.items()}
    out["sat-threshold"] = 100 * curves.threshold
    for n, mask in curves.saturated.items():
        out[f"{n}-sat-x"] = float(np.min(np.abs(curves.x[mask])))
    for key, run in zip(("sigmoid", "tanh", "relu", "tanh-big", "relu-big"), runs):
        out[f"{key}-ratio"] = run.gradient_ratio
        out[f"{key}-saturated"] = 100 * float(run.saturated.mean())
    for key, values in seeds.items():
        out[f"{key}-ratio-min"] = float(values["ratio"].min())
        out[f"{key}-ratio-max"] = float(values["ratio"].max())
        out[f"{key}-saturated-mean"] = 100 * float(values["saturated"].mean())
    out["n-seeds"] = len(slope.seeds)
    out["depth"] = runs[0].depth
    out["n-inputs"] = runs[0].n
    out["width"] = runs[0].width
    out["quarter-power"] = 0.25 ** (runs[0].depth - 1)
    out["sigmoid-act-std"] = float(runs[0].stats["act_std"].mean())
    sig = chains[0]
    out["jac-error-max"] = max(c.relative_error for c in chains)
    out["jac-sigmoid-top"] = float(sig.singular_values[:, 0].mean())
    out["jac-sigmoid-weight-norm"] = float(sig.weight_norms.mean())
    out["jac-sigmoid-bound-layer"] = float(sig.max_slope * sig.weight_norms.mean())
    out["jac-sigmoid-median-sv"] = float(np.median(sig.singular_values))
    out["jac-sigmoid-product-top"] = float(sig.product_top[-1])
    out["jac-sigmoid-bound"] = sig.bound
    out["jac-sigmoid-half-power"] = 0.5 ** sig.singular_values.shape[0]
    for c, key in zip(chains, ("sigmoid", "tanh", "relu")):
        out[f"jac-{key}-product-top"] = float(c.product_top[-1])
    for m in (1.0, 2.0, 4.0, 8.0):
        i = int(np.argmin(np.abs(slope.multiples - m)))
        out[f"slope-ratio-{m:g}"] = float(np.exp(np.mean(np.log(slope.ratio[i]))))
        out[f"slope-factor-{m:g}"] = float(np.exp(np.mean(np.log(slope.per_layer()[i]))))
        out[f"slope-saturated-{m:g}"] = 100 * float(slope.saturated[i].mean())
    best = int(np.argmax(np.mean(np.log(slope.ratio), axis=1)))
    out["slope-best-multiple"] = float(slope.multiples[best])
    out["slope-best-ratio"] = float(np.exp(np.mean(np.log(slope.ratio[best]))))
    for label, key in (("std 1", "std1"), ("std 1/√n", "sqrt"), ("std 0.5/√n", "half")):
        v = norms[label]
        out[f"norm-{key}-10"] = float(v[10])
        out[f"norm-{key}-end"] = float(v[-1])
    out["norm-depth"] = len(norms["std 1"]) - 1
    for name, effect in _effects(results).items():
        out[f"claim-{name}-mean"] = effect.mean
        out[f"claim-{name}-lo"], out[f"claim-{name}-hi"] = effect.ci
    return out


def claims(results: dict) -> list[stats.Claim]:
    """The claims about saturation and vanishing gradients that this chapter tests.

    Every seeded claim is measured on ``n`` seeds, each drawing the network's weights and
    the inputs (one forward and backward pass at initialization: nothing is trained, so
    nothing is tuned). Arms compared within a claim share the seed."""
    s = summary(results)
    e = _effects(results)
    n, d = s["n-seeds"], s["depth"]
    return [
        stats.Claim("sigmoid-gradients-vanish", "In a deep sigmoid network the gradients vanish toward the input.",
                    "CS231n lecture 6; Glorot & Bengio 2010",
                    f"{d}-layer sigmoid net, Xavier weights, {n} seeds: first-to-last gradient ratio "
                    f"{s['sigmoid-ratio-min']:.0e} to {s['sigmoid-ratio-max']:.0e}", stats.verdict(e["sigmoid-vanish"]),
                    e["sigmoid-vanish"], "fig-gradient-profiles"),
        stats.Claim("sigmoid-shrinks-4x-per-layer", "A sigmoid layer shrinks the gradient by at least 4× even when "
                    "unsaturated.", "common reading of σ′ ≤ 1/4",
                    f"with 4× the Xavier std, {n} seeds: the gradient shrinks by a factor "
                    f"{s['slope-factor-4']:.2f} per layer (ratio {s['slope-ratio-4']:.0e} over {d - 1} layers); "
                    "σ′ ≤ 1/4 bounds the activation's factor, the weights can make up for it",
                    stats.verdict(e["four-per-layer"]), e["four-per-layer"], "fig-slope-weights"),
        stats.Claim("tanh-large-weights-saturate", "With large weights, tanh units saturate.", "CS231n lecture 6",
                    f"{d}-layer tanh net, N(0, 1) against Xavier weights, {n} paired seeds: "
                    f"{s['tanh-big-saturated-mean']:.0f} % vs {s['tanh-saturated-mean']:.0f} % of units saturated",
                    stats.verdict(e["tanh-saturate"]), e["tanh-saturate"], "fig-gradient-profiles"),
        stats.Claim("tanh-large-weights-vanish", "With large weights, tanh gradients vanish.", "CS231n lecture 6",
                    f"the same nets: first-to-last gradient ratio {s['tanh-big-ratio-min']:.0f} to "
                    f"{s['tanh-big-ratio-max']:.0f} with N(0, 1) weights — the gradient grows toward the input",
                    stats.verdict(e["tanh-vanish"]), e["tanh-vanish"], "fig-gradient-profiles"),
        stats.Claim("relu-solves-vanishing", "ReLU solves the vanishing-gradient problem.", "common advice",
                    f"{d}-layer ReLU net with He weights, {n} seeds: ratio {s['relu-ratio-min']:.2f} to "
                    f"{s['relu-ratio-max']:.2f}; with N(0, 1) weights {s['relu-big-ratio-min']:.0e} to "
                    f"{s['relu-big-ratio-max']:.0e}", stats.verdict(e["relu-keeps"], caveat="with He weights"),
                    e["relu-keeps"], "fig-gradient-profiles",
                    "only with an initialization matched to it (He): the product of weights still decides"),
    ]
