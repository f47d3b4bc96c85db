"""Experiments of the chapter "Why nonlinearity": linear collapse, XOR, bending space, boundaries."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import data, nn
from nnbook._validation import as_generator
from nnbook.gradcheck import norm_relative_error, numerical_gradient

__all__ = [
    "LinearCollapse",
    "linear_collapse",
    "decision_surface",
    "XorResult",
    "xor_linear_vs_nonlinear",
    "SpaceStages",
    "bending_space",
    "BoundaryRun",
    "boundary_grid",
    "chain_rule_example",
    "step_network_gradient_norms",
    "gradient_check_table",
]


@dataclass
class LinearCollapse:
    """A trained network without activations, and the single affine map it equals."""

    net: nn.MLP
    W: np.ndarray
    b: np.ndarray
    max_difference: float
    losses: list


def linear_collapse(sizes=(4, 8, 8, 3), epochs: int = 200, rng=0) -> LinearCollapse:
    """Train a net with identity activations on a regression task and collapse it.

    ``W3(W2(W1 x + b1) + b2) + b3 = W' x + b'`` with ``W' = W1 W2 W3`` (in the package's
    ``x @ W`` convention) and ``b' = (b1 W2 + b2) W3 + b3``. Returns the largest difference
    between the network and the collapsed map on fresh inputs.
    """
    rng = as_generator(rng)
    X = rng.standard_normal((256, sizes[0]))
    target = np.sin(X[:, : sizes[-1]]) + 0.1 * rng.standard_normal((256, sizes[-1]))
    net = nn.MLP(sizes, "identity", "xavier_normal", rng=rng)
    history = nn.train(net, X, target, loss="mse", lr=0.05, epochs=epochs)
    W, b = net.weights[0], net.biases[0]
    for Wl, bl in zip(net.weights[1:], net.biases[1:]):
        W, b = W @ Wl, b @ Wl + bl
    X_new = rng.standard_normal((1000, sizes[0]))
    difference = float(np.max(np.abs(net.forward(X_new) - (X_new @ W + b))))
    return LinearCollapse(net, W, b, difference, history.loss)


def decision_surface(net: nn.MLP, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), n: int = 200):
    """Probability of class 1 (softmax of the scores) on an ``n × n`` grid: ``(xx, yy, p)``."""
    xx, yy = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    scores = net.forward(np.column_stack([xx.ravel(), yy.ravel()]))
    return xx, yy, act.softmax(scores, axis=1)[:, 1].reshape(xx.shape)


@dataclass
class XorResult:
    """Result of :func:`xor_linear_vs_nonlinear`: the data, both models, their decision surfaces and test accuracies."""

    dataset: data.Dataset
    linear: nn.MLP
    nonlinear: nn.MLP
    linear_accuracy: float
    nonlinear_accuracy: float
    linear_surface: tuple
    nonlinear_surface: tuple


def xor_linear_vs_nonlinear(hidden: int = 4, epochs: int = 500, rng=0) -> XorResult:
    """Train a linear classifier and a one-hidden-layer tanh net on XOR; test accuracies."""
    rng = as_generator(rng)
    ds = data.xor(400, noise=0.25, rng=rng)
    linear = nn.MLP([2, 2], init="xavier_normal", rng=rng)
    nonlinear = nn.MLP([2, hidden, 2], "tanh", "xavier_normal", rng=rng)
    for net in (linear, nonlinear):
        nn.train(net, ds.X_train, ds.y_train, lr=0.5, epochs=epochs)
    lim = (-2.2, 2.2)
    return XorResult(ds, linear, nonlinear,
                     nn.accuracy(linear.forward(ds.X_test), ds.y_test),
                     nn.accuracy(nonlinear.forward(ds.X_test), ds.y_test),
                     decision_surface(linear, lim, lim), decision_surface(nonlinear, lim, lim))


@dataclass
class SpaceStages:
    """A grid of the input plane and the data, after each step of one layer ``tanh(x W + b)``."""

    titles: list
    grids: list  # each (n_lines, n_points, 2)
    points: list  # each (N, 2)
    labels: np.ndarray
    accuracy: float
    output_weights: np.ndarray
    output_bias: np.ndarray


def bending_space(epochs: int = 2000, rng=3, lines: int = 17) -> SpaceStages:
    """Train a 2-2-2 tanh net on XOR and follow the plane through ``x W``, ``+ b`` and tanh.

    With only two hidden units the hidden layer is itself a plane, so every step can be
    drawn; after the tanh the two classes are separable by the output layer's straight line.
    """
    rng = as_generator(rng)
    ds = data.xor(200, noise=0.15, rng=rng)
    net = nn.MLP([2, 2, 2], "tanh", "xavier_normal", rng=rng)
    nn.train(net, ds.X_train, ds.y_train, lr=0.3, epochs=epochs, momentum=0.9)
    t = np.linspace(-2, 2, 101)
    levels = np.linspace(-2, 2, lines)
    grid = np.concatenate([
        np.stack([np.column_stack([np.full_like(t, c), t]) for c in levels]),
        np.stack([np.column_stack([t, np.full_like(t, c)]) for c in levels]),
    ])
    W, b = net.weights[0], net.biases[0]
    X = ds.X_train
    stages = [(grid, X), (grid @ W, X @ W), (grid @ W + b, X @ W + b), (np.tanh(grid @ W + b), np.tanh(X @ W + b))]
    titles = ["input x", "linear map x W", "translate: x W + b", "bend: tanh(x W + b)"]
    return SpaceStages(titles, [s[0] for s in stages], [s[1] for s in stages], ds.y_train,
                       nn.accuracy(net.forward(ds.X_test), ds.y_test), net.weights[1], net.biases[1])


@dataclass
class BoundaryRun:
    """One trained net of :func:`boundary_grid`: its width, depth, accuracies and decision surface."""

    width: int
    depth: int
    train_accuracy: float
    test_accuracy: float
    surface: tuple


def boundary_grid(widths=(2, 4, 16), depths=(1, 3), dataset: str = "spirals", epochs: int = 1500,
                  lr: float = 0.1, rng=0):
    """Train a tanh net for each (width, depth) on one 2-D dataset; return runs and the data."""
    rng = as_generator(rng)
    ds = data.get(dataset, rng=rng) if dataset != "spirals" else data.spirals(400, noise=0.15, turns=1.25, rng=rng)
    lim = (-1.3, 1.3) if dataset == "spirals" else (-2.0, 2.5)
    runs = []
    for depth in depths:
        for width in widths:
            net = nn.MLP([2] + [width] * depth + [ds.n_classes], "tanh", "xavier_normal", rng=rng)
            nn.train(net, ds.X_train, ds.y_train, lr=lr, epochs=epochs, momentum=0.9)
            runs.append(BoundaryRun(width, depth, nn.accuracy(net.forward(ds.X_train), ds.y_train),
                                    nn.accuracy(net.forward(ds.X_test), ds.y_test),
                                    decision_surface(net, lim, lim, n=150)))
    return runs, ds


def chain_rule_example(x: float = 1.5, w: float = 0.8, b: float = -0.3, y: float = 1.0) -> dict:
    """One neuron ``h = tanh(w x + b)`` with loss ``L = ½ (h − y)²``: every local derivative.

    Returns the forward values, the local derivatives, ∂L/∂w and ∂L/∂b by the chain rule,
    and the same two by centered differences.
    """
    z = w * x + b
    h = np.tanh(z)
    loss = 0.5 * (h - y) ** 2
    dL_dh = h - y
    dh_dz = 1 - h**2
    dL_dw = dL_dh * dh_dz * x
    dL_db = dL_dh * dh_dz
    eps = 1e-6
    f = lambda w_, b_: 0.5 * (np.tanh(w_ * x + b_) - y) ** 2  # noqa: E731
    return {"x": x, "w": w, "b": b, "y": y, "z": z, "h": h, "loss": loss, "dL_dh": dL_dh, "dh_dz": dh_dz,
            "dz_dw": x, "dL_dw": dL_dw, "dL_db": dL_db,
            "numeric_dL_dw": (f(w + eps, b) - f(w - eps, b)) / (2 * eps),
            "numeric_dL_db": (f(w, b + eps) - f(w, b - eps)) / (2 * eps)}


def step_network_gradient_norms(rng=0) -> list[float]:
    """Norm of ∂L/∂W for each layer of a net with step activations (all hidden ones are 0)."""
    rng = as_generator(rng)
    ds = data.xor(200, rng=rng)
    net = nn.MLP([2, 8, 8, 2], "step", "xavier_normal", rng=rng)
    net.loss(ds.X_train, ds.y_train)
    return [float(np.linalg.norm(g)) for g in net.grads["weights"]]


def gradient_check_table(rng=0) -> list[tuple[str, float]]:
    """Relative error ‖analytic − numeric‖/max(‖·‖) of every layer type and a whole MLP.

    Float64, centered differences with h = 1e-5, on small random inputs.
    """
    rng = as_generator(rng)
    rows = []
    x = rng.standard_normal((6, 4))
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    dout = rng.standard_normal((6, 3))
    dx, dW, db = nn.affine_backward(dout, nn.affine_forward(x, W, b)[1])
    affine_loss = lambda _: np.sum(dout * nn.affine_forward(x, W, b)[0])  # noqa: E731
    rows.append(("affine layer", max(norm_relative_error(a, numerical_gradient(affine_loss, p))
                                     for a, p in ((dx, x), (dW, W), (db, b)))))
    z = rng.standard_normal((6, 3))
    y = rng.integers(0, 3, 6)
    _, dscores = nn.softmax_cross_entropy(z, y)
    rows.append(("softmax cross-entropy", norm_relative_error(
        dscores, numerical_gradient(lambda s: nn.softmax_cross_entropy(s, y)[0], z.copy()))))
    t = rng.standard_normal((6, 3))
    _, dpred = nn.mse_loss(z, t)
    rows.append(("mean squared error", norm_relative_error(
        dpred, numerical_gradient(lambda s: nn.mse_loss(s, t)[0], z.copy()))))
    Wm, bm = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 3))
    out, cache = act.maxout_forward(x, Wm, bm)
    dxm, dWm, dbm = act.maxout_backward(dout, cache)
    maxout_loss = lambda _: np.sum(dout * act.maxout_forward(x, Wm, bm)[0])  # noqa: E731
    rows.append(("maxout layer", max(norm_relative_error(a, numerical_gradient(maxout_loss, p))
                                     for a, p in ((dxm, x), (dWm, Wm), (dbm, bm)))))
    X = rng.standard_normal((8, 4))
    labels = rng.integers(0, 3, 8)
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus"):
        net = nn.MLP([4, 6, 5, 3], name, "xavier_normal", rng=rng)
        net.loss(X, labels)
        analytic = [g.copy() for g in net.gradients()]
        error = max(norm_relative_error(a, numerical_gradient(lambda _: net.loss(X, labels), p))
                    for a, p in zip(analytic, net.parameters()))
        rows.append((f"MLP 4-6-5-3, {name}", error))
    return rows
