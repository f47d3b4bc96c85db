"""Experiments of the chapter on weight initialization."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import diagnostics, init, nn
from nnbook._validation import as_generator, positive_int, positive_scalar
from nnbook.experiments.activations import gaussian_moments
from nnbook.experiments.dead_relu import digits_subset
from nnbook.experiments._memo import memoize

__all__ = ["Scheme", "SCHEMES", "scheme", "SymmetryRun", "constant_init_symmetry", "LayerStats",
           "layer_stats", "cs231n_runs", "variance_rule_check", "relu_second_moment", "deep_relu_training",
           "self_normalization", "scale_sweep", "ScaleSweep", "gains_table", "bias_rule", "signal_grid",
           "run_chapter", "summary"]


@dataclass(frozen=True)
class Scheme:
    """A named initializer: ``make(fan_in, fan_out, rng=...)``."""

    label: str
    make: object

    def __call__(self, fan_in, fan_out, *, rng):
        return self.make(fan_in, fan_out, rng=rng)


def scheme(spec) -> Scheme:
    """``"xavier_normal"`` (any :mod:`nnbook.init` name), ``("normal", std)``, or a Scheme."""
    if isinstance(spec, Scheme):
        return spec
    if isinstance(spec, tuple):
        kind, value = spec
        if kind == "normal":
            return Scheme(f"N(0, {value:g}²)", functools.partial(init.normal, std=positive_scalar(value, "std")))
        if kind == "xavier_gain":
            return Scheme(f"Xavier × {value:.3g}", functools.partial(init.xavier_normal, gain=value))
        raise ValueError(f"unknown scheme {spec!r}; use ('normal', std) or ('xavier_gain', g)")
    return Scheme(SCHEMES.get(spec, spec), init.get(spec))


#: Display names of the named initializers.
SCHEMES = {"xavier_normal": "Xavier (normal)", "xavier_uniform": "Xavier (uniform)", "he_normal": "He",
           "he_uniform": "He (uniform)", "lecun_normal": "LeCun", "lecun_uniform": "LeCun (uniform)",
           "orthogonal": "orthogonal", "zeros": "zeros"}


# ----------------------------------------------------------------------------- symmetry


@dataclass
class SymmetryRun:
    """One run of :func:`constant_init_symmetry`: how different the first layer's units became, per epoch."""

    label: str
    spread: list  # per epoch: largest difference between two hidden units' incoming weights
    first_layer: np.ndarray  # W1 after training, (fan_in, units)
    accuracy: float


def constant_init_symmetry(value: float = 0.1, epochs: int = 12, hidden: int = 16, lr: float = 0.5,
                           rng=0) -> list[SymmetryRun]:
    """Train the same 64-hidden-hidden-10 tanh net on digits from constant weights
    (``value``), from zeros, and from Xavier weights; record how different the hidden units
    of the first layer are after each epoch."""
    X, y = digits_subset(600)
    X = X - X.mean(axis=0)
    runs = []
    for label, spec in ((f"constant {value:g}", functools.partial(init.constant, value=value)),
                        ("zeros", init.zeros), ("Xavier", init.xavier_normal)):
        net = nn.MLP([64, hidden, hidden, 10], "tanh", spec, rng=rng)
        spread = []
        for _ in range(positive_int(epochs, "epochs")):
            history = nn.train(net, X, y, lr=lr, epochs=1)
            W = net.weights[0]
            spread.append(float(np.max(W.max(axis=1) - W.min(axis=1))))
        runs.append(SymmetryRun(label, spread, net.weights[0].copy(), history.accuracy[-1]))
    return runs


# ----------------------------------------------------------------------------- the deep tanh net


@dataclass
class LayerStats:
    """Forward and backward statistics of one recorded pass, per hidden layer."""

    activation: str
    label: str
    act_mean: np.ndarray
    act_std: np.ndarray
    grad_std: np.ndarray  # std of ∂L/∂h per layer (the gradient arriving at the layer's outputs)
    weight_grad_std: np.ndarray
    act_samples: list  # a sample of activations per layer (histograms)
    grad_samples: list


def layer_stats(activation: str, spec, *, depth: int = 10, width: int = 500, n: int = 1000, in_dim: int = 1000,
                samples: int = 3000, dtype=np.float32, rng=0) -> LayerStats:
    """One recorded forward and backward pass through a fresh net on N(0, 1) inputs.

    The net has ``depth`` hidden layers of ``width`` units and 10 outputs; the labels are
    random and the loss is softmax cross-entropy. Defaults: the network of CS231n's lecture 6,
    in float32 (statistics need no more precision, and it halves the time).
    """
    rng = as_generator(rng)
    s = scheme(spec)
    net = nn.MLP([positive_int(in_dim, "in_dim")] + [positive_int(width, "width")] * positive_int(depth, "depth")
                 + [10], activation, s, rng=rng, dtype=dtype)
    X = rng.standard_normal((positive_int(n, "n"), in_dim))
    trace = net.record(X, rng.integers(0, 10, n))
    hidden = range(depth)

    def sample(a):
        flat = a.ravel()
        return flat[rng.choice(flat.size, size=min(samples, flat.size), replace=False)]

    def stat(arrays, f):
        return np.array([float(f(arrays[l].astype(np.float64))) for l in hidden])

    return LayerStats(activation, s.label,
                      stat(trace.activations, np.mean), stat(trace.activations, np.std),
                      stat(trace.grad_activations, np.std), stat(trace.grad_weights, np.std),
                      [sample(trace.activations[l]) for l in hidden],
                      [sample(trace.grad_activations[l]) for l in hidden])


def cs231n_runs(**kw) -> list[LayerStats]:
    """The deep tanh net with std 0.01, std 1 and Xavier weights."""
    return [layer_stats("tanh", spec, **kw) for spec in (("normal", 0.01), ("normal", 1.0), "xavier_normal")]


# ----------------------------------------------------------------------------- the derivation, checked


def variance_rule_check(n: int = 500, var_w: float = 0.02, var_x: float = 3.0, trials: int = 4000, rng=0) -> dict:
    """Monte Carlo check of ``Var(Σᵢ wᵢ xᵢ) = n · Var(w) · Var(x)`` for independent zero-mean
    ``w`` and ``x``. Returns the predicted and the measured variance."""
    rng = as_generator(rng)
    w = rng.normal(0.0, np.sqrt(var_w), (trials, n))
    x = rng.normal(0.0, np.sqrt(var_x), (trials, n))
    y = np.einsum("ij,ij->i", w, x)
    return {"predicted": n * var_w * var_x, "measured": float(y.var()), "n": n, "trials": trials}


def relu_second_moment() -> dict:
    """``E[relu(z)²]`` and ``E[relu(z)]`` for ``z ~ N(0, 1)`` by quadrature: ReLU keeps half
    of the second moment, the reason for He's factor 2."""
    mean, second = gaussian_moments("relu")
    return {"mean": mean, "second": second}


# ----------------------------------------------------------------------------- deep ReLU: Xavier vs He


@dataclass
class DeepReluRun:
    """One run of :func:`deep_relu_training`: activation std per layer at initialization and the loss curve."""

    label: str
    act_std: np.ndarray  # per hidden layer, at initialization, on the training inputs
    loss: list
    accuracy: float


def deep_relu_training(depth: int = 30, width: int = 64, epochs: int = 20, lr: float = 0.01, batch_size: int = 64,
                       schemes=("xavier_normal", "he_normal"), rng=0) -> list[DeepReluRun]:
    """A ``depth``-layer ReLU net on standardized digits, Xavier vs He (as in He et al. 2015,
    Figure 3, on a small scale): activation std per layer at initialization and the
    training loss per epoch (momentum SGD)."""
    X, y = digits_subset(600)
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    nets, stds = [], []
    for spec in schemes:
        net = nn.MLP([64] + [width] * depth + [10], "relu", scheme(spec), rng=rng)
        net.forward(X, record=True)
        stds.append(np.array([a.std() for a in net.trace.activations[:-1]]))
        net.trace = None
        nets.append(net)
    # both schemes trained together, with the same minibatch order
    histories = nn.train_many(nets, X, y, lr=lr, epochs=epochs, batch_size=batch_size, momentum=0.9,
                              rng=[rng] * len(nets), on_divergence="stop")
    return [DeepReluRun(scheme(spec).label, sd, h.loss, h.accuracy[-1] if h.accuracy else np.nan)
            for spec, sd, h in zip(schemes, stds, histories)]


# ----------------------------------------------------------------------------- SELU


def self_normalization(depth: int = 100, width: int = 200, n: int = 500, rng=0,
                       pairs=(("selu", "lecun_normal"), ("relu", "he_normal"), ("tanh", "xavier_normal"))) -> list:
    """Mean and std of the activations per layer through a deep net at initialization, for
    each (activation, init) pair, on standardized N(0, 1) inputs."""
    out = []
    for a, spec in pairs:
        rng_ = as_generator(rng)
        net = nn.MLP([width] * (depth + 1) + [1], a, scheme(spec), rng=rng_)
        net.forward(rng_.standard_normal((n, width)), record=True)
        h = net.trace.activations[:-1]
        out.append({"label": f"{a} + {scheme(spec).label}", "activation": a,
                    "mean": np.array([x.mean() for x in h]), "std": np.array([x.std() for x in h])})
    return out


# ----------------------------------------------------------------------------- weight-scale sweep


@dataclass
class ScaleSweep:
    """Final loss and accuracy of :func:`scale_sweep` per weight std, seed and activation."""

    stds: np.ndarray
    activations: list
    loss: dict  # activation -> (len(stds), seeds) final training loss (nan if diverged)
    accuracy: dict
    marks: dict  # label -> std of the named scheme for this net (width)


def scale_sweep(stds=None, activations=("tanh", "relu"), seeds=(0, 1), *, depth: int = 4, width: int = 64,
                epochs: int = 8, lr: float = 0.05, batch_size: int = 64) -> ScaleSweep:
    """Final training loss and accuracy of a ``depth``-layer net on digits as a function of
    the std of its (Gaussian) initial weights, for each activation."""
    stds = np.geomspace(0.01, 3.0, 8) if stds is None else np.asarray(stds, dtype=float)
    X, y = digits_subset(600)
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    loss, acc = {}, {}
    members = [(i, j, float(std), s) for i, std in enumerate(stds) for j, s in enumerate(seeds)]
    for a in activations:
        L, A = np.full((stds.size, len(seeds)), np.nan), np.full((stds.size, len(seeds)), np.nan)
        # every (std, seed) pair of this activation trained together as one population
        nets = [nn.MLP([64] + [width] * depth + [10], a, scheme(("normal", std)), rng=s) for _, _, std, s in members]
        histories = nn.train_many(nets, X, y, lr=lr, epochs=epochs, batch_size=batch_size, momentum=0.9,
                                  rng=[s for *_, s in members], on_divergence="stop")
        for (i, j, _, _), h in zip(members, histories):
            if not h.diverged:
                L[i, j], A[i, j] = h.loss[-1], h.accuracy[-1]
        loss[a], acc[a] = L, A
    marks = {"Xavier": 1 / np.sqrt(width), "He": np.sqrt(2 / width)}
    return ScaleSweep(stds, list(activations), loss, acc, marks)


# ----------------------------------------------------------------------------- gains, bias


def gains_table(width: int = 128, depth: int = 20, n: int = 256, rng=0) -> list[tuple]:
    """For each activation with a defined gain: the gain, and the activation std after
    ``depth`` layers with ``gain / √fan_in`` weights (LeCun × gain) vs plain LeCun."""
    rows = []
    for a in ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "selu"):
        g = init.gain(a)
        stds = []
        for gg in (g, 1.0):
            rng_ = as_generator(rng)
            net = nn.MLP([width] * (depth + 1) + [1], a, functools.partial(init.lecun_normal, gain=gg), rng=rng_)
            net.forward(rng_.standard_normal((n, width)), record=True)
            stds.append(float(net.trace.activations[-2].std()))
        rows.append((a, g, stds[0], stds[1]))
    return rows


def bias_rule(biases=(0.0, 0.01, 0.1), seeds=(0, 1, 2), epochs: int = 10, lr: float = 0.1) -> dict:
    """ReLU net (He) on digits with every hidden bias starting at each value: dead fraction at
    initialization and training loss after ``epochs`` (mean over seeds)."""
    X, y = digits_subset(600)
    out = {}
    for b in biases:
        dead, loss = [], []
        for s in seeds:
            net = nn.MLP([64, 64, 64, 10], "relu", "he_normal", rng=s, bias=b)
            dead.append(diagnostics.dead_fraction(net, X))
            loss.append(nn.train(net, X, y, lr=lr, epochs=epochs, batch_size=32, rng=s).loss[-1])
        out[b] = {"dead": float(np.mean(dead)), "loss": float(np.mean(loss)), "loss_std": float(np.std(loss))}
    return out


# ----------------------------------------------------------------------------- the grid


def signal_grid(activations=("tanh", "relu", "selu", "sigmoid"),
                schemes=(("normal", 0.01), "xavier_normal", ("xavier_gain", 5 / 3), "he_normal", "lecun_normal",
                         ("normal", 1.0)),
                depth: int = 20, width: int = 128, n: int = 128, rng=0) -> dict:
    """Per-layer std of the activations across inputs (per unit, averaged over units) for
    every (activation, scheme) pair on N(0, 1) inputs.

    Returns ``{"activations", "schemes" (labels), "std": array (A, S, depth), "saturated":
    fraction of saturated units in the last hidden layer (A, S), "verdict": (A, S) strings}``:
    the signal "vanishes" (last std < 0.05), "explodes" (> 10; the inputs have std 1),
    "saturates" (more than half
    the last layer's units saturated, see :func:`nnbook.diagnostics.saturated_fraction`) or
    stays "alive".
    """
    schemes = [scheme(s) for s in schemes]
    stds = np.empty((len(activations), len(schemes), depth))
    saturated = np.empty((len(activations), len(schemes)))
    for i, a in enumerate(activations):
        for j, s in enumerate(schemes):
            rng_ = as_generator(rng)
            net = nn.MLP([width] * (depth + 1) + [1], a, s, rng=rng_)
            with np.errstate(over="ignore"):
                net.forward(rng_.standard_normal((n, width)), record=True)
            # how much each unit's output varies with the input, averaged over units
            stds[i, j] = [h.std(axis=0).mean() for h in net.trace.activations[:-1]]
            bounded = a in ("sigmoid", "tanh")  # ReLU's flat side is not saturation in this sense
            saturated[i, j] = diagnostics.saturated_fraction(net.trace.pre_activations[-2], a) if bounded else 0.0
    verdicts = np.where(stds[:, :, -1] < 0.05, "vanishes",
                        np.where(stds[:, :, -1] > 10, "explodes",
                                 np.where(saturated > 0.5, "saturates", "alive")))
    return {"activations": list(activations), "schemes": [s.label for s in schemes], "std": stds,
            "saturated": saturated, "verdict": verdicts}


@memoize
def run_chapter(rng=0) -> dict:
    """Every experiment the chapter shows, with its default settings."""
    return {"symmetry": constant_init_symmetry(rng=rng), "cs231n": cs231n_runs(rng=rng),
            "uniform": layer_stats("tanh", "xavier_uniform", rng=rng),
            "variance": variance_rule_check(rng=rng), "relu_moment": relu_second_moment(),
            "deep_relu": deep_relu_training(rng=rng), "selu": self_normalization(rng=rng),
            "sweep": scale_sweep(), "gains": gains_table(rng=rng), "bias": bias_rule(),
            "grid": signal_grid(rng=rng)}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    out = {}
    sym = {r.label.split()[0]: r for r in results["symmetry"]}
    out["sym-const-spread"] = sym["constant"].spread[-1]
    out["sym-zero-spread"] = sym["zeros"].spread[-1]
    out["sym-xavier-spread"] = sym["Xavier"].spread[-1]
    out["sym-const-acc"] = 100 * sym["constant"].accuracy
    out["sym-xavier-acc"] = 100 * sym["Xavier"].accuracy
    out["sym-zero-acc"] = 100 * sym["zeros"].accuracy
    small, big, xav = results["cs231n"]
    out["small-std-1"], out["small-std-10"] = float(small.act_std[0]), float(small.act_std[-1])
    out["small-ratio"] = float(small.act_std[-1] / small.act_std[0])
    out["small-grad-ratio"] = float(small.grad_std[0] / small.grad_std[-1])
    out["big-std-10"] = float(big.act_std[-1])
    out["big-saturated"] = 100 * float(np.mean(np.abs(np.concatenate(big.act_samples)) > 0.99))
    out["big-grad-ratio"] = float(big.grad_std[0] / big.grad_std[-1])
    out["xavier-std-1"], out["xavier-std-10"] = float(xav.act_std[0]), float(xav.act_std[-1])
    out["xavier-grad-ratio"] = float(xav.grad_std[0] / xav.grad_std[-1])
    out["uniform-std-10"] = float(results["uniform"].act_std[-1])
    v = results["variance"]
    out["var-predicted"], out["var-measured"] = v["predicted"], v["measured"]
    out["var-n"], out["var-trials"] = v["n"], v["trials"]
    out["relu-second"] = results["relu_moment"]["second"]
    out["relu-mean"] = results["relu_moment"]["mean"]
    for r in results["deep_relu"]:
        key = "he" if r.label.startswith("He") else "xavier"
        out[f"deep-{key}-std-last"] = float(r.act_std[-1])
        out[f"deep-{key}-std-first"] = float(r.act_std[0])
        out[f"deep-{key}-loss-first"] = float(r.loss[0]) if r.loss else float("nan")
        out[f"deep-{key}-loss-last"] = float(r.loss[-1]) if r.loss else float("nan")
        out[f"deep-{key}-acc"] = 100 * float(r.accuracy)
    out["deep-depth"] = len(results["deep_relu"][0].act_std)
    out["deep-epochs"] = len(results["deep_relu"][-1].loss)
    for r in results["selu"]:
        a = r["activation"]
        out[f"selfnorm-{a}-mean"] = float(r["mean"][-1])
        out[f"selfnorm-{a}-std"] = float(r["std"][-1])
    out["selfnorm-depth"] = len(results["selu"][0]["std"])
    sweep = results["sweep"]
    for a in sweep.activations:
        mean_loss = np.nanmean(np.where(np.isnan(sweep.loss[a]), np.inf, sweep.loss[a]), axis=1)
        best = int(np.argmin(mean_loss))
        out[f"sweep-{a}-best-std"] = float(sweep.stds[best])
        out[f"sweep-{a}-best-acc"] = 100 * float(np.nanmean(sweep.accuracy[a][best]))
        out[f"sweep-{a}-smallest-acc"] = 100 * float(np.nanmean(sweep.accuracy[a][0]))
        # the range of stds at which every seed trains to at least 90 % accuracy
        good = np.all(np.nan_to_num(sweep.accuracy[a], nan=0.0) >= 0.9, axis=1)
        out[f"sweep-{a}-lo"] = float(sweep.stds[good].min()) if good.any() else float("nan")
        out[f"sweep-{a}-hi"] = float(sweep.stds[good].max()) if good.any() else float("nan")
    out["sweep-xavier-std"], out["sweep-he-std"] = float(sweep.marks["Xavier"]), float(sweep.marks["He"])
    for b, r in results["bias"].items():
        out[f"bias-{b:g}-dead"] = 100 * r["dead"]
        out[f"bias-{b:g}-loss"] = r["loss"]
        out[f"bias-{b:g}-loss-std"] = r["loss_std"]
    return out
