"""Experiments of the chapter on weight initialization."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import data, diagnostics, init, nn, stats
from nnbook._validation import as_generator, positive_int, positive_scalar
from nnbook.experiments.activations import gaussian_moments
from nnbook.experiments.dead_relu import digits_subset
from nnbook.experiments._memo import memoize

__all__ = ["Scheme", "SCHEMES", "scheme", "SymmetryRun", "constant_init_symmetry", "LayerStats",
           "layer_stats", "cs231n_runs", "variance_rule_check", "relu_second_moment", "deep_relu_training",
           "self_normalization", "scale_sweep", "ScaleSweep", "gains_table", "bias_rule", "signal_grid",
           "run_chapter", "summary", "claims", "DeepReluRun", "DEEP_SCHEMES", "BiasRule", "InitVsOrder",
           "init_vs_order", "build_net", "pytorch_linear_default"]


@dataclass(frozen=True)
class Scheme:
    """A named initializer: ``make(fan_in, fan_out, rng=...)``; ``bias_limit`` (a function of
    fan_in, or None for zero biases) draws the hidden biases from ``U(±bias_limit)``."""

    label: str
    make: object
    bias_limit: object = None

    def __call__(self, fan_in, fan_out, *, rng):
        return self.make(fan_in, fan_out, rng=rng)


def pytorch_linear_default(fan_in: int, fan_out: int, *, rng) -> np.ndarray:
    """The weights PyTorch's ``nn.Linear`` starts from: ``U(−1/√fan_in, 1/√fan_in)``
    (``kaiming_uniform_`` with ``a = √5``), variance ``1/(3 · fan_in)``."""
    return init.uniform(fan_in, fan_out, rng=rng, limit=1.0 / np.sqrt(fan_in))


def build_net(sizes, activation, spec, *, rng, dtype=np.float64) -> nn.MLP:
    """``nn.MLP(sizes, activation, scheme(spec), rng=rng)``, with the hidden and output
    biases drawn after the weights when the scheme has a ``bias_limit`` (PyTorch's default)."""
    s = scheme(spec)
    rng = as_generator(rng)
    net = nn.MLP(sizes, activation, s, rng=rng, dtype=dtype)
    if s.bias_limit is not None:
        for l, b in enumerate(net.biases):
            limit = s.bias_limit(net.sizes[l])
            b[...] = rng.uniform(-limit, limit, size=b.shape)
    return net


def scheme(spec) -> Scheme:
    """``"xavier_normal"`` (any :mod:`nnbook.init` name), ``"pytorch_default"`` (weights and
    biases ``U(±1/√fan_in)``, as ``torch.nn.Linear``), ``("normal", std)``, ``("xavier_gain", g)``,
    ``("orthogonal", g)``, or a Scheme."""
    if isinstance(spec, Scheme):
        return spec
    if isinstance(spec, tuple):
        kind, value = spec
        if kind == "normal":
            return Scheme(f"N(0, {value:g}²)", functools.partial(init.normal, std=positive_scalar(value, "std")))
        if kind == "xavier_gain":
            return Scheme(f"Xavier × {value:.3g}", functools.partial(init.xavier_normal, gain=value))
        if kind == "orthogonal":
            label = "orthogonal × √2" if np.isclose(value, np.sqrt(2)) else f"orthogonal × {value:.3g}"
            return Scheme(label, functools.partial(init.orthogonal, gain=value))
        raise ValueError(f"unknown scheme {spec!r}; use ('normal', std), ('xavier_gain', g) or ('orthogonal', g)")
    if spec == "pytorch_default":
        return Scheme("PyTorch default", pytorch_linear_default, lambda fan_in: 1.0 / np.sqrt(fan_in))
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


def layer_stats(activation: str, spec, *, depth: int = 10, width: int = 500, n: int = 1000, in_dim: int = 500,
                samples: int = 3000, dtype=np.float32, rng=0) -> LayerStats:
    """One recorded forward and backward pass through a fresh net on N(0, 1) inputs.

    The net has ``depth`` hidden layers of ``width`` units and 10 outputs; the labels are
    random and the loss is softmax cross-entropy. Defaults: the network of CS231n's lecture 6
    (500-dimensional inputs, ten layers of 500 units), in float32 (statistics need no more precision, and it halves the time).
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
    """One scheme of :func:`deep_relu_training`, over seeds (rows of the arrays)."""

    label: str
    act_std: np.ndarray  # (seeds, depth): spread across inputs per hidden layer at initialization
    loss: np.ndarray  # (seeds, epochs) training loss (NaN after a divergence)
    val_accuracy: np.ndarray  # (seeds,) at the end of training
    test_accuracy: np.ndarray  # (seeds,) at the end of training (the test split, used once)
    accuracy: np.ndarray  # (seeds,) final training accuracy
    lr: float  # chosen on the validation digits
    pilot_val: dict  # lr -> mean validation accuracy of the pilot seeds


#: The schemes of the deep ReLU experiment: Glorot, He, orthogonal with He's gain (Saxe et al.
#: 2014), and what ``torch.nn.Linear`` starts from.
DEEP_SCHEMES = ("xavier_normal", "he_normal", ("orthogonal", float(np.sqrt(2.0))), "pytorch_default")


def _standardized_digits(n_train, n_val, rng):
    from nnbook.preprocessing import Standardizer  # imports scikit-learn: only where it is used

    ds = data.digits(rng=rng)
    X, y = ds.X_train[:n_train], ds.y_train[:n_train]
    scaler = Standardizer().fit(X)
    return (scaler.transform(X), y, scaler.transform(ds.X_train[n_train:n_train + n_val]),
            ds.y_train[n_train:n_train + n_val], scaler.transform(ds.X_test), ds.y_test)


def deep_relu_training(depth: int = 16, width: int = 40, epochs: int = 20, lrs=(0.003, 0.01, 0.03, 0.1),
                       batch_size: int = 50, schemes=DEEP_SCHEMES, seeds=range(10), pilot_seeds=(100,),
                       n_train: int = 400, n_val: int = 300, rng=0) -> list[DeepReluRun]:
    """A ``depth``-layer ReLU net on standardized digits for each initialization scheme (He
    et al. 2015, Figure 3, on a small scale), momentum SGD (0.9), float32.

    Each scheme's learning rate is the one of ``lrs`` with the best mean validation accuracy
    over ``pilot_seeds``; then every seed of ``seeds`` is trained at that rate. A seed fixes
    the underlying random draw and the minibatch order, the same in every scheme (so Xavier and
    He weights of equal widths differ by a constant factor). Recorded: the spread of each
    hidden layer's activations across inputs at initialization, the training loss per
    epoch, and final validation and test accuracy.
    """
    X, y, X_val, y_val, X_test, y_test = _standardized_digits(positive_int(n_train, "n_train"),
                                                             positive_int(n_val, "n_val"), rng)
    sizes = [64] + [positive_int(width, "width")] * positive_int(depth, "depth") + [10]
    seeds, lrs = [int(s) for s in seeds], [float(lr) for lr in lrs]

    def population(members):
        """Train [(spec, lr, seed)] as one population; return nets, histories."""
        nets = [build_net(sizes, "relu", spec, rng=seed, dtype=np.float32) for spec, _, seed in members]
        hist = nn.train_many(nets, X, y, lr=[lr for _, lr, _ in members], epochs=epochs, batch_size=batch_size,
                             momentum=0.9, rng=[1000 + seed for *_, seed in members], on_divergence="stop")
        return nets, hist

    def val_acc(net, h):
        return float(np.mean(net.predict(X_val) == y_val)) if not h.diverged else 0.0

    pilot = [(spec, lr, s) for spec in schemes for lr in lrs for s in pilot_seeds]
    nets, hist = population(pilot)
    pilot_val = {}
    for (spec, lr, _), net, h in zip(pilot, nets, hist):
        pilot_val.setdefault(_key(spec), {}).setdefault(lr, []).append(val_acc(net, h))
    chosen = {k: max(lrs, key=lambda lr: np.mean(v[lr])) for k, v in pilot_val.items()}
    final = [(spec, chosen[_key(spec)], s) for spec in schemes for s in seeds]
    nets, hist = population(final)
    runs = []
    for spec in schemes:
        idx = [i for i, (sp, _, _) in enumerate(final) if _key(sp) == _key(spec)]
        stds = []
        for s in seeds:
            net = build_net(sizes, "relu", spec, rng=s, dtype=np.float32)
            net.forward(X, record=True)
            stds.append([h.std(axis=0).mean() for h in net.trace.activations[:-1]])
        runs.append(DeepReluRun(
            scheme(spec).label, np.array(stds, dtype=float),
            np.array([_padded(hist[i].loss, epochs) for i in idx]),
            np.array([val_acc(nets[i], hist[i]) for i in idx]),
            np.array([np.mean(nets[i].predict(X_test) == y_test) if not hist[i].diverged else 0.0 for i in idx]),
            np.array([hist[i].accuracy[-1] if hist[i].accuracy and not hist[i].diverged else np.nan for i in idx]),
            chosen[_key(spec)], {lr: float(np.mean(v)) for lr, v in pilot_val[_key(spec)].items()}))
    return runs


def _key(spec):
    return spec if isinstance(spec, str) else repr(spec)


def _padded(loss, epochs):
    curve = np.full(epochs, np.nan)
    curve[:len(loss)] = loss
    return curve


# ----------------------------------------------------------------------------- SELU


def self_normalization(depth: int = 100, width: int = 100, n: int = 100, seeds=range(20),
                       pairs=(("selu", "lecun_normal"), ("relu", "he_normal"), ("tanh", "xavier_normal"))) -> list:
    """Mean, std and second moment of the activations per layer through a deep net at
    initialization, for each (activation, init) pair and seed, on N(0, 1) inputs (float32).

    Returns one dict per pair with arrays of shape (seeds, depth) under ``"mean"``, ``"std"``
    and ``"second"``: one finite network drifts, so a band over seeds shows what a single
    network can do.
    """
    seeds = [int(seed) for seed in seeds]
    out = []
    for a, spec in pairs:
        f = act.get(a)
        make = scheme(spec)
        # the seeds' networks run as one stack: layer l's weights (S, width, width), drawn per
        # seed layer by layer as nn.MLP would, then the inputs; float32
        weights, inputs = [], []
        for seed in seeds:
            rng_ = as_generator(seed)
            weights.append([make(width, width, rng=rng_).astype(np.float32) for _ in range(depth)])
            inputs.append(rng_.standard_normal((n, width)))
        h = np.stack(inputs).astype(np.float32)
        means, stds, seconds = (np.empty((len(seeds), depth)) for _ in range(3))
        for l in range(depth):
            W = np.stack([w[l] for w in weights])
            h = f(h @ W)  # the hidden biases start at 0
            h64 = h.astype(np.float64)
            means[:, l] = h64.mean(axis=(1, 2))
            stds[:, l] = h64.std(axis=(1, 2))
            seconds[:, l] = np.mean(h64**2, axis=(1, 2))
        out.append({"label": f"{a} + {scheme(spec).label}", "activation": a, "mean": means, "std": stds,
                    "second": seconds})
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


@dataclass
class BiasRule:
    """:func:`bias_rule`: per initial bias, results over paired seeds."""

    biases: list
    seeds: list
    dead: dict  # bias -> (seeds,) dead fraction of the hidden units at initialization
    loss: dict  # bias -> (seeds,) training loss after the last epoch
    test_accuracy: dict  # bias -> (seeds,)
    lr: dict  # bias -> learning rate chosen on the validation digits
    epochs: int


def bias_rule(biases=(0.0, 0.01, 0.1), seeds=range(10), lrs=(0.1, 0.3, 1.0), pilot_seeds=(100,),
              epochs: int = 10, n_train: int = 600, n_val: int = 300) -> BiasRule:
    """64-64-64-10 ReLU nets (He weights) on the digits (pixels / 16, as in the dead-ReLU
    chapter) with every hidden bias starting at each value; minibatches of 32.

    The learning rate per bias is the one of ``lrs`` with the lowest mean validation loss
    over ``pilot_seeds``; then each seed is trained with every bias from the *same* weights
    and minibatch order (the seed fixes both), so the arms differ only in the bias.
    """
    ds = data.digits(rng=0)
    X, y = ds.X_train[:n_train] / 16, ds.y_train[:n_train]
    X_val, y_val = ds.X_train[n_train:n_train + n_val] / 16, ds.y_train[n_train:n_train + n_val]
    seeds = [int(s) for s in seeds]

    def population(members):
        nets = [nn.MLP([64, 64, 64, 10], "relu", "he_normal", rng=s, bias=b) for b, _, s in members]
        hist = nn.train_many(nets, X, y, lr=[lr for _, lr, _ in members], epochs=epochs, batch_size=32,
                             rng=[1000 + s for *_, s in members], on_divergence="stop")
        return nets, hist

    pilot = [(b, lr, s) for b in biases for lr in lrs for s in pilot_seeds]
    nets, hist = population(pilot)
    val = {}
    for (b, lr, _), net, h in zip(pilot, nets, hist):
        v = nn.softmax_cross_entropy(net.forward(X_val), y_val)[0] if not h.diverged else np.inf
        val.setdefault(b, {}).setdefault(lr, []).append(v)
    chosen = {b: min(lrs, key=lambda lr: np.mean(val[b][lr])) for b in biases}
    final = [(b, chosen[b], s) for b in biases for s in seeds]
    dead = {b: np.array([diagnostics.dead_fraction(nn.MLP([64, 64, 64, 10], "relu", "he_normal", rng=s, bias=b), X)
                         for s in seeds]) for b in biases}
    nets, hist = population(final)
    loss, test = {}, {}
    for b in biases:
        idx = [i for i, (bb, _, _) in enumerate(final) if bb == b]
        loss[b] = np.array([hist[i].loss[-1] if not hist[i].diverged else np.nan for i in idx])
        test[b] = np.array([np.mean(nets[i].predict(ds.X_test / 16) == ds.y_test) for i in idx])
    return BiasRule(list(biases), seeds, dead, loss, test, chosen, int(epochs))


@dataclass
class InitVsOrder:
    """:func:`init_vs_order`: how far the end of training moves when only the initial weights
    or only the minibatch order change (index k of each array: the k-th alternative)."""

    disagreement_init: np.ndarray  # share of validation digits predicted differently from the reference run
    disagreement_order: np.ndarray
    val_loss_init: np.ndarray
    val_loss_order: np.ndarray
    val_loss_reference: float
    n: int


def init_vs_order(alternatives: int = 10, epochs: int = 10, lr: float = 0.1, n_train: int = 600,
                  n_val: int = 300) -> InitVsOrder:
    """Separate the two sources of randomness of a training run.

    A 64-64-64-10 ReLU net (He) is trained on the digits (pixels / 16; minibatches of 32)
    from initial weights of seed 0 with minibatch order of seed 0 (the reference); then with
    initial weights of seed k and the reference order, and with the reference weights and
    order k, for k = 1 … ``alternatives`` — all in one population.
    """
    ds = data.digits(rng=0)
    X, y = ds.X_train[:n_train] / 16, ds.y_train[:n_train]
    X_val, y_val = ds.X_train[n_train:n_train + n_val] / 16, ds.y_train[n_train:n_train + n_val]
    k = positive_int(alternatives, "alternatives")
    members = [(0, 0)] + [(i, 0) for i in range(1, k + 1)] + [(0, i) for i in range(1, k + 1)]
    nets = [nn.MLP([64, 64, 64, 10], "relu", "he_normal", rng=w) for w, _ in members]
    nn.train_many(nets, X, y, lr=lr, epochs=epochs, batch_size=32, rng=[1000 + o for _, o in members])
    pred = [net.predict(X_val) for net in nets]
    loss = np.array([nn.softmax_cross_entropy(net.forward(X_val), y_val)[0] for net in nets])
    dis = np.array([np.mean(p != pred[0]) for p in pred])
    return InitVsOrder(dis[1:k + 1], dis[k + 1:], loss[1:k + 1], loss[k + 1:], float(loss[0]), k)


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
            "deep_relu": deep_relu_training(rng=rng), "selu": self_normalization(),
            "sweep": scale_sweep(), "gains": gains_table(rng=rng), "bias": (bias := bias_rule()),
            # the same net as the bias experiment: its learning rate, chosen there on validation digits
            "order": init_vs_order(lr=bias.lr[0.0]), "grid": signal_grid(rng=rng)}


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
    for key, r in zip(("xavier", "he", "orthogonal", "pytorch"), results["deep_relu"]):
        out[f"deep-{key}-std-last"] = float(np.median(r.act_std[:, -1]))
        out[f"deep-{key}-std-first"] = float(np.median(r.act_std[:, 0]))
        out[f"deep-{key}-loss-first"] = float(np.nanmedian(r.loss[:, 0]))
        out[f"deep-{key}-loss-last"] = float(np.nanmedian(r.loss[:, -1]))
        out[f"deep-{key}-acc"] = 100 * float(np.nanmean(r.accuracy))
        out[f"deep-{key}-val"] = 100 * float(r.val_accuracy.mean())
        out[f"deep-{key}-test"] = 100 * float(r.test_accuracy.mean())
        out[f"deep-{key}-lr"] = r.lr
    out["deep-depth"] = results["deep_relu"][0].act_std.shape[1]
    out["deep-epochs"] = results["deep_relu"][0].loss.shape[1]
    out["deep-seeds"] = results["deep_relu"][0].loss.shape[0]
    for r in results["selu"]:
        a = r["activation"]
        out[f"selfnorm-{a}-mean"] = float(np.median(r["mean"][:, -1]))
        out[f"selfnorm-{a}-std"] = float(np.median(r["std"][:, -1]))
        out[f"selfnorm-{a}-second"] = float(np.median(r["second"][:, -1]))
        out[f"selfnorm-{a}-second-min"] = float(r["second"][:, -1].min())
        out[f"selfnorm-{a}-second-max"] = float(r["second"][:, -1].max())
        out[f"selfnorm-{a}-std-min"] = float(r["std"][:, -1].min())
        out[f"selfnorm-{a}-std-max"] = float(r["std"][:, -1].max())
    out["selfnorm-depth"] = results["selu"][0]["std"].shape[1]
    out["selfnorm-seeds"] = results["selu"][0]["std"].shape[0]
    small_w, xav_w = results["cs231n"][0].weight_grad_std, results["cs231n"][2].weight_grad_std
    out["small-wgrad-min"], out["small-wgrad-max"] = float(small_w.min()), float(small_w.max())
    out["xavier-wgrad-min"], out["xavier-wgrad-max"] = float(xav_w.min()), float(xav_w.max())
    order = results["order"]
    out["order-n"] = order.n
    out["order-lr"] = results["bias"].lr[0.0]
    out["order-dis-init"] = 100 * float(order.disagreement_init.mean())
    out["order-dis-order"] = 100 * float(order.disagreement_order.mean())
    out["order-loss-init-sd"] = float(order.val_loss_init.std(ddof=1))
    out["order-loss-order-sd"] = float(order.val_loss_order.std(ddof=1))
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
    bias = results["bias"]
    out["bias-seeds"] = len(bias.seeds)
    out["bias-epochs"] = bias.epochs
    for b in bias.biases:
        out[f"bias-{b:g}-dead"] = 100 * float(bias.dead[b].mean())
        out[f"bias-{b:g}-loss"] = float(np.nanmean(bias.loss[b]))
        out[f"bias-{b:g}-loss-std"] = float(np.nanstd(bias.loss[b], ddof=1))
        out[f"bias-{b:g}-test"] = 100 * float(bias.test_accuracy[b].mean())
        out[f"bias-{b:g}-lr"] = bias.lr[b]
    out.update(stats.claim_numbers(claims(results)))
    return out


def claims(results: dict) -> list[stats.Claim]:
    """The chapter's seeded claims about initialization, each on paired seeds.

    Deep ReLU: each scheme at its own learning rate (chosen on validation digits), paired by
    seed (the same random draw and minibatch order), test accuracy. Biases: the same weights
    and minibatch order with each bias, training loss after the last epoch. Initial weights
    against minibatch order: the k-th alternative initialization paired with the k-th
    alternative order, share of validation predictions changed from the reference run.
    """
    deep = {r.label: r for r in results["deep_relu"]}
    xav, he, orth = deep["Xavier (normal)"], deep["He"], deep["orthogonal × √2"]
    pts = "test accuracy points"
    he_x = stats.paired(100 * he.test_accuracy, 100 * xav.test_accuracy, unit=pts)
    orth_he = stats.paired(100 * orth.test_accuracy, 100 * he.test_accuracy, unit=pts)
    bias = results["bias"]
    b_small = stats.paired(bias.loss[0.0], bias.loss[0.01], unit="training loss (lower is better)")
    b_large = stats.paired(bias.loss[0.0], bias.loss[0.1], unit="training loss (lower is better)")
    order = results["order"]
    io = stats.paired(100 * order.disagreement_init, 100 * order.disagreement_order,
                      unit="validation predictions changed (points)")
    depth = xav.act_std.shape[1]
    sym = {r.label: r for r in results["symmetry"]}
    constant = next(r for label, r in sym.items() if label.startswith("constant"))
    equal = max(constant.spread) == 0.0 and max(sym["zeros"].spread) == 0.0
    selu = {r["activation"]: r for r in results["selu"]}
    # distance of the last layer's second moment from 1, in orders of magnitude, per seed
    off = {a: np.abs(np.log10(selu[a]["second"][:, -1])) for a in ("relu", "selu")}
    norm = stats.paired(off["relu"], off["selu"], unit="orders of magnitude of E[h²] from 1 (ReLU + He minus SELU)")
    layers = selu["selu"]["second"].shape[1]
    return [
        stats.Claim("constant-init-keeps-symmetry", "Initializing every weight to the same value never breaks the "
                    "symmetry between the units of a layer.", "CS231n notes",
                    f"tanh net on the digits trained {len(constant.spread)} epochs from {constant.label} and from "
                    f"zeros: largest difference between two first-layer units' weights "
                    f"{max(constant.spread):g} and {max(sym['zeros'].spread):g} (Xavier: "
                    f"{sym['Xavier'].spread[-1]:.2g})", "holds" if equal else "does not hold", None, "fig-symmetry"),
        stats.Claim("selu-self-normalizes", "SELU networks keep their activations normalized through many layers.",
                    "Klambauer et al. 2017",
                    f"{layers} layers at initialization, {norm.n} seeds: how far the last layer's second moment "
                    f"is from 1 (|log10 E[h²]|), ReLU + He minus SELU + LeCun", stats.verdict(norm), norm,
                    "fig-self-normalization"),
        stats.Claim("he-beats-xavier-deep-relu", "Xavier initialization fails for deep ReLU networks; He "
                    "initialization trains them.", "He et al. 2015",
                    f"{depth}-layer ReLU net on the digits, momentum SGD, learning rate per scheme chosen on "
                    f"validation digits (Xavier {xav.lr:g}, He {he.lr:g}): He minus Xavier test accuracy, "
                    f"{he_x.n} seeds", stats.verdict(he_x), he_x, "fig-deep-relu"),
        stats.Claim("orthogonal-init-deep-relu", "Orthogonal initialization trains deep networks at least as "
                    "well as Gaussian initialization of the same scale.", "Saxe et al. 2014",
                    f"the same net, orthogonal × √2 (lr {orth.lr:g}) minus He test accuracy, {orth_he.n} seeds",
                    stats.verdict(orth_he), orth_he, "fig-deep-relu"),
        stats.Claim("relu-small-positive-bias", "A small positive initial bias (0.01) helps ReLU units train.",
                    "CS231n notes",
                    f"64-64-64-10 ReLU net (He), training loss after {bias.epochs} epochs with bias 0 minus with "
                    f"0.01, same weights and minibatch order, {b_small.n} seeds", stats.verdict(b_small), b_small,
                    "sec-biases"),
        stats.Claim("relu-bias-one-tenth", "A positive initial bias (0.1) helps ReLU units train.",
                    "CS231n notes",
                    f"the same with bias 0.1, {b_large.n} seeds", stats.verdict(b_large), b_large, "sec-biases"),
        stats.Claim("init-decides-minimum", "The initial weights, more than the other randomness of training, decide "
                    "which minimum training reaches.",
                    "common advice",
                    f"share of validation predictions that change when only the initial weights change minus "
                    f"when only the minibatch order changes, {io.n} pairs (the k-th of each; the two arms share no "
                    f"randomness, so the pairing is by index only)", stats.verdict(io), io,
                    "fig-init-vs-order"),
    ]
