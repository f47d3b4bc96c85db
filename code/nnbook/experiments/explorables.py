"""Result grids behind the book's interactive charts (:mod:`nnbook.explore`).

Each function computes, at build time, every value a slider of a chart can select: a chart
never computes a number the package did not. The grids reuse the chapters' own experiments
and settings, so that each chart's slider passes through the static figure it generalises.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

import numpy as np

from nnbook import data, diagnostics, nn
from nnbook._validation import as_generator, as_real_array, positive_int
from nnbook.experiments import dead_relu, initialization, softmax

__all__ = ["temperature_grid", "ScaleGrid", "init_scale_grid", "HISTOGRAM_BINS", "DeadReluGrid", "dead_relu_grid",
           "dead_relu_grid_from_sweep",
           "center", "BendingHistory", "bending_history"]


def temperature_grid(logits=softmax.LOGITS, log10_t=None) -> softmax.TemperatureSweep:
    """Softmax of the chapter's logits at temperatures ``10 ** log10_t`` (default: −3 to 3 in steps of 0.05)."""
    log10_t = np.round(np.arange(-3.0, 3.0001, 0.05), 2) if log10_t is None else as_real_array(log10_t, "log10_t")
    return softmax.temperature_sweep(logits, 10.0 ** log10_t)


# ----------------------------------------------------------------------------- initialization scale

#: Histogram bins per layer of :func:`init_scale_grid`.
HISTOGRAM_BINS = 24


@dataclass
class ScaleGrid:
    """Per-layer statistics of the deep net at initialization, per activation and weight std.

    Arrays are indexed ``[activation, std, layer]``; ``counts`` has a last axis of
    :data:`HISTOGRAM_BINS` bins spanning ``[lo, hi]`` (one range per activation and std,
    shared by all layers, as in the chapter's histograms).
    """

    activations: list
    stds: np.ndarray
    xavier: float  # the std Xavier chooses for the hidden layers (fan_in = fan_out = width)
    he: float
    act_std: np.ndarray
    grad_std: np.ndarray
    counts: np.ndarray  # (activations, stds, layers, bins) int
    lo: np.ndarray  # (activations, stds)
    hi: np.ndarray
    depth: int
    width: int
    n: int


def _rescaled_normal(std: float, sizes, seed) -> initialization.Scheme:
    """``("normal", std)`` for :func:`~nnbook.experiments.initialization.layer_stats` with
    seed ``seed``, without drawing the weights again for every std.

    ``init.normal`` draws ``standard_normal(shape) * std``: for one seed the standard normal
    draws are the same at every std. They are drawn once per seed and network shape; each
    layer returns ``z * std + 0.0`` (the same arithmetic, so the same bits) and leaves the
    generator in the state the draw would have left it, so everything layer_stats draws
    afterwards (inputs, labels) is unchanged too.
    """
    draws = _standard_draws(tuple(sizes), seed)
    layer = iter(range(len(draws)))

    def make(fan_in, fan_out, *, rng):
        z, state = draws[next(layer)]
        assert z.shape == (fan_in, fan_out)
        rng.bit_generator.state = state
        return z * std + 0.0

    return initialization.Scheme(f"N(0, {std:g}²)", make)


@functools.lru_cache(maxsize=2)
def _standard_draws(sizes: tuple, seed) -> list:
    rng = as_generator(seed)
    draws = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        z = rng.standard_normal((fan_in, fan_out))
        z.setflags(write=False)
        draws.append((z, rng.bit_generator.state))
    return draws


def init_scale_grid(activations=("tanh", "relu"), log10_std=None, *, depth: int = 10, width: int = 500,
                    n: int = 50, in_dim: int = 500, rng=0) -> ScaleGrid:
    """One forward and backward pass of the chapter's deep net (``depth`` layers of ``width``
    units on N(0, 1) inputs of dimension ``in_dim``, 500 as in the chapter) for weights N(0, σ²) at every σ of the grid,
    via :func:`nnbook.experiments.initialization.layer_stats` (``n`` inputs: statistics of
    n × width values per layer).

    Grid: ``log10_std`` (default 10 steps, evenly spaced in log10 σ, from σ = 0.01 to 2) plus, always, the
    exact std of Xavier and of He for ``width`` inputs and outputs, in increasing order.
    """
    width, depth = positive_int(width, "width"), positive_int(depth, "depth")
    xavier, he = float(np.sqrt(2.0 / (width + width))), float(np.sqrt(2.0 / width))
    log10_std = np.linspace(-2.0, np.log10(2.0), 10) if log10_std is None else as_real_array(log10_std, "log10_std")
    stds = np.unique(np.concatenate([10.0 ** log10_std.ravel(), [xavier, he]]))
    shape = (len(activations), stds.size)
    act_std, grad_std = np.empty(shape + (depth,)), np.empty(shape + (depth,))
    counts = np.empty(shape + (depth, HISTOGRAM_BINS), dtype=int)
    lo, hi = np.empty(shape), np.empty(shape)
    sizes = [in_dim] + [width] * depth + [10]
    for a, name in enumerate(activations):
        for s, std in enumerate(stds):
            stats = initialization.layer_stats(name, _rescaled_normal(float(std), sizes, rng), depth=depth,
                                               width=width, n=n, in_dim=in_dim, samples=n * width, rng=rng)
            act_std[a, s], grad_std[a, s] = stats.act_std, stats.grad_std
            values = np.concatenate(stats.act_samples).astype(np.float64)
            lo[a, s], hi[a, s] = (-1.0, 1.0) if name == "tanh" else (0.0, float(values.max()) or 1.0)
            counts[a, s] = [np.histogram(v, bins=HISTOGRAM_BINS, range=(lo[a, s], hi[a, s]))[0]
                            for v in stats.act_samples]
    return ScaleGrid(list(activations), stds, xavier, he, act_std, grad_std, counts, lo, hi, depth, width, n)


# ----------------------------------------------------------------------------- dead ReLUs


@dataclass
class DeadReluGrid:
    """Dead fraction per hidden layer and training accuracy after training, per input
    preparation, learning rate and seed: arrays ``[inputs, lr, seed(, layer)]``, NaN where a
    run diverged."""

    inputs: list  # "raw", "centered"
    lrs: np.ndarray
    seeds: list
    dead: np.ndarray  # (inputs, lrs, seeds, layers)
    accuracy: np.ndarray  # (inputs, lrs, seeds)
    diverged: np.ndarray  # (inputs, lrs, seeds) bool


def dead_relu_grid_from_sweep(sweep, config: str = "ReLU") -> DeadReluGrid:
    """The :class:`DeadReluGrid` of the arms ``(config, "raw")`` and ``(config, "centered")``
    of a :func:`nnbook.experiments.dead_relu.learning_rate_sweep` result that has them (a
    sweep over arms, with ``arms`` and ``dead_per_layer``), without training anything again."""
    arms = getattr(sweep, "arms", None)
    per_layer = getattr(sweep, "dead_per_layer", None)
    wanted = [(config, "raw"), (config, "centered")]
    if arms is None or per_layer is None or any(tuple(arm) not in [tuple(a) for a in arms] for arm in wanted):
        raise ValueError(f"the sweep needs the arms {wanted} (with dead_per_layer); it has {arms}")
    return DeadReluGrid(["raw", "centered"], np.asarray(sweep.lrs, dtype=float), list(sweep.seeds),
                        np.stack([per_layer[arm] for arm in wanted]),
                        np.stack([sweep.accuracy[arm] for arm in wanted]),
                        np.stack([sweep.diverged[arm] for arm in wanted]))


def center(X) -> np.ndarray:
    """``X`` minus its column means: every input feature with mean 0 over the training set."""
    X = as_real_array(X, "X")
    return X - X.mean(axis=0)


def dead_relu_grid(lrs=None, seeds=(0, 1, 2), inputs=("raw", "centered"), *, hidden=(64, 64), epochs: int = 6,
                   batch_size: int = 32, n_train: int = 600, dtype=np.float32) -> DeadReluGrid:
    """The ReLU arm of :func:`nnbook.experiments.dead_relu.learning_rate_sweep` on a finer
    learning-rate grid (default 13 log-spaced rates from 0.03 to 3, which contain the
    sweep's 7), on the raw digits (pixels / 16, all ≥ 0) and on centered digits.

    Every (learning rate, seed) of one input preparation is one member of a population
    trained with :func:`nnbook.nn.train_many`; member (lr, s) is exactly
    ``nn.train(MLP(..., rng=s), X, y, lr=lr, rng=s, ...)`` as in the sweep.
    """
    lrs = np.geomspace(0.03, 3.0, 13) if lrs is None else as_real_array(lrs, "lrs")
    unknown = [i for i in inputs if i not in ("raw", "centered")]
    if unknown:
        raise ValueError(f"unknown inputs {unknown}; choose from ['raw', 'centered']")
    X_raw, y = dead_relu.digits_subset(n_train)
    shape = (len(inputs), lrs.size, len(seeds))
    dead = np.full(shape + (len(hidden),), np.nan)
    accuracy, diverged = np.full(shape, np.nan), np.zeros(shape, dtype=bool)
    for k, prep in enumerate(inputs):
        X = X_raw if prep == "raw" else center(X_raw)
        members = [(i, j) for i in range(lrs.size) for j in range(len(seeds))]
        nets = [nn.MLP([X.shape[1], *hidden, 10], "relu", "he_normal", rng=seeds[j], dtype=dtype) for _, j in members]
        histories = nn.train_many(nets, X, y, lr=[float(lrs[i]) for i, _ in members], epochs=epochs,
                                  batch_size=batch_size, rng=[seeds[j] for _, j in members], on_divergence="stop")
        for (i, j), net, history in zip(members, nets, histories):
            if history.diverged:
                diverged[k, i, j] = True
                continue
            dead[k, i, j] = diagnostics.dead_fractions(net, X, tol=dead_relu.DEAD_TOL)
            accuracy[k, i, j] = history.accuracy[-1]
    return DeadReluGrid(list(inputs), lrs, list(seeds), dead, accuracy, diverged)


# ----------------------------------------------------------------------------- bending space


@dataclass
class BendingHistory:
    """The weights of the chapter's 2-2-2 tanh net on XOR after each number of training epochs,
    with the data: ``W1[k]`` (2, 2), ``b1[k]`` (2,), ``W2[k]`` (2, 2), ``b2[k]`` (2,) after
    ``epochs[k]`` epochs (0: the initial weights)."""

    epochs: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    X: np.ndarray  # training inputs (N, 2)
    y: np.ndarray
    accuracy: np.ndarray  # training accuracy after epochs[k]

    def hidden(self, k: int, stage: str = "tanh", X=None) -> np.ndarray:
        """Points ``X`` (default: the training inputs) after ``x W`` ("linear"), ``x W + b``
        ("affine") or ``tanh(x W + b)`` ("tanh") of snapshot ``k``."""
        X = self.X if X is None else as_real_array(X, "X")
        z = X @ self.W1[k]
        if stage == "linear":
            return z
        if stage == "affine":
            return z + self.b1[k]
        if stage == "tanh":
            return np.tanh(z + self.b1[k])
        raise ValueError(f"unknown stage {stage!r}; choose from 'linear', 'affine', 'tanh'")


def bending_history(epochs=(0, 5, 10, 15, 20, 30, 40, 60, 100, 200, 500, 2000), rng=3) -> BendingHistory:
    """The net of :func:`nnbook.experiments.nonlinearity.bending_space` (same data, same
    initial weights, same training) after each number of epochs: snapshot k is the
    initial net trained for ``epochs[k]`` epochs by one :func:`nnbook.nn.train` call, so
    the 2000-epoch snapshot is the chapter's figure."""
    epochs = np.array(sorted({int(e) for e in epochs}))
    if epochs.size == 0 or epochs[0] < 0:
        raise ValueError(f"epochs must be integers ≥ 0, got {epochs.tolist()}")
    rng = as_generator(rng)
    ds = data.xor(200, noise=0.15, rng=rng)
    snaps = []
    for e in epochs:
        net = nn.MLP([2, 2, 2], "tanh", "xavier_normal", rng=copy.deepcopy(rng))  # the same initial weights
        if e > 0:
            nn.train(net, ds.X_train, ds.y_train, lr=0.3, epochs=int(e), momentum=0.9)
        snaps.append((net.weights[0], net.biases[0], net.weights[1], net.biases[1],
                      nn.accuracy(net.forward(ds.X_train), ds.y_train)))
    W1, b1, W2, b2, acc = (np.array(v) for v in zip(*snaps))
    return BendingHistory(epochs, W1, b1, W2, b2, ds.X_train, ds.y_train, acc)
