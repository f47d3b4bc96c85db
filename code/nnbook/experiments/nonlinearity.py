"""Experiments of the chapter "Why nonlinearity": linear collapse, XOR and why a linear model
ends at w ≈ 0, bending space, boundaries, the universal approximation theorem illustrated,
the cost of backpropagation, and the piecewise-constant loss of a step network."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import data, nn
from nnbook._validation import as_generator, positive_int
from nnbook.experiments._memo import memoize
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
    "space_stages",
    "squash_direction",
    "XorLinearOptimum",
    "xor_linear_optimum",
    "Approximation",
    "universal_approximation",
    "BackpropCost",
    "backprop_cost",
    "StepLoss",
    "step_loss_landscape",
    "run_chapter",
    "summary",
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
    """A grid of the input plane and the data, after each step of one layer ``tanh(x W + b)``.

    ``W`` (2, 2) and ``b`` (2,) are the layer, ``epochs`` how long the network had been
    trained, ``accuracy`` its test accuracy then; ``output_weights``/``output_bias`` are the
    output layer's, whose decision line the figure draws in the last panel.
    """

    titles: list
    grids: list  # each (n_lines, n_points, 2)
    points: list  # each (N, 2)
    labels: np.ndarray
    accuracy: float
    output_weights: np.ndarray
    output_bias: np.ndarray
    W: np.ndarray = None
    b: np.ndarray = None
    epochs: int = 0

    @property
    def weight_norm(self) -> float:
        """Spectral norm ‖W‖₂ (the largest factor by which x W stretches the plane)."""
        return float(np.linalg.norm(self.W, 2))


def _grid(lines: int = 17, extent: float = 2.0, points: int = 101) -> np.ndarray:
    t = np.linspace(-extent, extent, points)
    levels = np.linspace(-extent, extent, lines)
    return np.concatenate([
        np.stack([np.column_stack([np.full_like(t, c), t]) for c in levels]),
        np.stack([np.column_stack([t, np.full_like(t, c)]) for c in levels]),
    ])


def space_stages(W, b, X, labels, *, output_weights=None, output_bias=None, accuracy=float("nan"),
                 epochs: int = 0, lines: int = 17) -> SpaceStages:
    """Follow a grid of the plane and the points ``X`` through ``x W``, ``+ b`` and tanh.

    Parameters
    ----------
    W : (2, 2) weights; b : (2,) bias; X : (N, 2) points; labels : (N,) their classes
    output_weights, output_bias : (2, 2), (2,), optional
        The next layer's, to draw its decision line (default: none drawn, zeros).
    """
    W, b, X = np.asarray(W, float), np.asarray(b, float), np.asarray(X, float)
    if W.shape != (2, 2) or b.shape != (2,) or X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"W must be (2, 2), b (2,) and X (N, 2); got {W.shape}, {b.shape}, {X.shape}")
    grid = _grid(positive_int(lines, "lines"))
    stages = [(grid, X), (grid @ W, X @ W), (grid @ W + b, X @ W + b), (np.tanh(grid @ W + b), np.tanh(X @ W + b))]
    titles = ["input x", "linear map: x W", "translate: + b", "bend: tanh(·)"]
    out_W = np.zeros((2, 2)) if output_weights is None else np.asarray(output_weights, float)
    out_b = np.zeros(2) if output_bias is None else np.asarray(output_bias, float)
    return SpaceStages(titles, [g for g, _ in stages], [p for _, p in stages], np.asarray(labels), accuracy, out_W,
                       out_b, W, b, epochs)


def bending_space(epochs=(5, 2000), rng=3, lines: int = 17) -> list[SpaceStages]:
    """Train a 2-2-2 tanh net on XOR and follow the plane through ``x W``, ``+ b`` and tanh.

    With only two hidden units the hidden layer is itself a plane, so every step can be
    drawn. One :class:`SpaceStages` per entry of ``epochs``: the same initial network (seed
    ``rng``) trained that long (full batch, lr 0.3, momentum 0.9). Early in training W is of
    full rank and the grid visibly bends; fully trained, W stretches one direction and nearly
    collapses the other (see :func:`squash_direction`), and after the tanh the two classes are
    separable by the output layer's straight line.
    """
    epochs = [positive_int(e, "epochs") for e in np.atleast_1d(epochs)]
    out = []
    for e in epochs:
        gen = as_generator(rng)
        ds = data.xor(200, noise=0.15, rng=gen)
        net = nn.MLP([2, 2, 2], "tanh", "xavier_normal", rng=gen)
        nn.train(net, ds.X_train, ds.y_train, lr=0.3, epochs=e, momentum=0.9)
        out.append(space_stages(net.weights[0], net.biases[0], ds.X_train, ds.y_train,
                                output_weights=net.weights[1], output_bias=net.biases[1],
                                accuracy=nn.accuracy(net.forward(ds.X_test), ds.y_test), epochs=e, lines=lines))
    return out


def squash_direction(W) -> tuple[np.ndarray, float]:
    """The input direction ``u`` that ``x ↦ x W`` stretches most, and the ratio ``s₂/s₁`` of the
    singular values (0 = the plane collapses onto the line through ``u``).

    ``u`` is the first left singular vector of W (unit length, signed so that its first
    component is ≥ 0): ``x W ≈ s₁ (x · u) v₁ᵀ`` when ``s₂ ≪ s₁``.
    """
    U, S, _ = np.linalg.svd(np.asarray(W, float))
    u = U[:, 0] * (1.0 if U[0, 0] >= 0 else -1.0)
    return u, float(S[-1] / S[0])


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


# ----------------------------------------------------------------------------- XOR's linear model


@dataclass
class XorLinearOptimum:
    """Why gradient descent leaves XOR's linear classifier at w ≈ 0.

    Along the ray ``z = t (x₁ + x₂ + 1)`` (class 1 when z > 0; it puts three of the four
    clusters on their correct side for every t > 0), ``loss[i]`` is the training cross-entropy
    and ``accuracy[i]`` the training accuracy at ``t[i]``. ``trained_*`` describe the linear
    softmax classifier trained by gradient descent.
    """

    t: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    trained_loss: float
    trained_weight_norm: float  # ‖w₁ − w₀‖, the weights of the logit difference
    trained_accuracy: float  # training accuracy


def xor_linear_optimum(result: XorResult, t=None) -> XorLinearOptimum:
    """Cross-entropy and accuracy along a 75%-classifier's ray, and the trained linear model."""
    ds = result.dataset
    X, y = ds.X_train, ds.y_train
    t = np.linspace(0.0, 3.0, 121) if t is None else np.asarray(t, float)
    z = t[:, None] * (X[:, 0] + X[:, 1] + 1.0)[None, :]
    loss = np.mean(np.logaddexp(0.0, z) - y[None, :] * z, axis=1)  # −log softmax((0, z))_y
    accuracy = np.mean((z > 0) == (y[None, :] == 1), axis=1)
    W = result.linear.weights[0]
    trained_loss = nn.softmax_cross_entropy(result.linear.forward(X), y)[0]
    return XorLinearOptimum(t, loss, accuracy, float(trained_loss), float(np.linalg.norm(W[:, 1] - W[:, 0])),
                            nn.accuracy(result.linear.forward(X), y))


# ----------------------------------------------------------------------------- universal approximation


def _uat_target(x):
    return np.sin(3.0 * x) + 0.3 * x**2


@dataclass
class Approximation:
    """One-hidden-layer tanh networks of growing width fitted to a 1-D target on [−2, 2].

    ``max_error[i, s]`` is the largest ``abs(f̂(x) − f(x))`` on a fine grid for width ``widths[i]`` and
    seed ``s``; ``curves[w]`` the fitted function of seed 0 on ``x`` for each width.
    """

    x: np.ndarray
    target: np.ndarray
    widths: tuple
    max_error: np.ndarray
    curves: dict
    seeds: int


def universal_approximation(widths=(1, 2, 4, 8, 16, 32), seeds: int = 5, n_fit: int = 400,
                            scale: float = 3.0, rng=0) -> Approximation:
    """Fit ``f̂(x) = Σ_j a_j tanh(w_j (x − c_j)) + a₀`` to ``f(x) = sin 3x + 0.3 x²`` on [−2, 2].

    The hidden weights are random — slopes ``w_j ~ N(0, scale²)`` and centers
    ``c_j ~ U(−2, 2)`` — and the output weights ``a`` are the least-squares fit on ``n_fit``
    points. The theorem says that some weights make the error as small as we like once the
    width is large enough; this finds such weights without gradient descent, which is enough
    to show the error falling with the width.
    """
    widths = tuple(positive_int(w, "widths") for w in widths)
    seeds, n_fit = positive_int(seeds, "seeds"), positive_int(n_fit, "n_fit")
    x_fit = np.linspace(-2.0, 2.0, n_fit)
    x = np.linspace(-2.0, 2.0, 2001)
    y_fit, target = _uat_target(x_fit), _uat_target(x)
    gen = as_generator(rng)
    errors = np.empty((len(widths), seeds))
    curves = {}
    for s in range(seeds):
        for i, width in enumerate(widths):
            w, c = scale * gen.standard_normal(width), gen.uniform(-2.0, 2.0, width)
            features = lambda t: np.column_stack([np.tanh(w * (t[:, None] - c)), np.ones_like(t)])  # noqa: E731
            a = np.linalg.lstsq(features(x_fit), y_fit, rcond=None)[0]
            fitted = features(x) @ a
            errors[i, s] = np.max(np.abs(fitted - target))
            if s == 0:
                curves[width] = fitted
    return Approximation(x, target, widths, errors, curves, seeds)


# ----------------------------------------------------------------------------- cost of backprop


@dataclass
class BackpropCost:
    """Wall-clock seconds of forward and backward passes of one MLP, per repeat (paired)."""

    sizes: tuple
    batch: int
    forward_s: np.ndarray
    backward_s: np.ndarray
    n_params: int

    @property
    def ratio(self) -> float:
        """Median of backward / forward over the repeats."""
        return float(np.median(self.backward_s / self.forward_s))


def backprop_cost(sizes=(256, 512, 512, 10), batch: int = 256, repeats: int = 5, rng=0) -> BackpropCost:
    """Time ``net.forward(X)`` and ``net.backward(dout)`` (with the input gradient, as a
    layer inside a larger network would need) for a tanh MLP; each repeat times both, back
    to back, after one warm-up. Machine-dependent: a measurement, not a constant."""
    gen = as_generator(rng)
    net = nn.MLP(list(sizes), "tanh", "xavier_normal", rng=gen)
    X = gen.standard_normal((positive_int(batch, "batch"), sizes[0]))
    dout = gen.standard_normal((batch, sizes[-1])) / batch
    net.forward(X)
    net.backward(dout)
    f, b = np.empty(positive_int(repeats, "repeats")), np.empty(repeats)
    for r in range(repeats):
        t0 = time.perf_counter()
        net.forward(X)
        t1 = time.perf_counter()
        net.backward(dout)
        t2 = time.perf_counter()
        f[r], b[r] = t1 - t0, t2 - t1
    return BackpropCost(tuple(sizes), batch, f, b, int(sum(p.size for p in net.parameters())))


# ----------------------------------------------------------------------------- the step function


@dataclass
class StepLoss:
    """Training loss of one network against one of its first-layer weights, with step units and
    with sigmoid units (the same weights)."""

    w: np.ndarray
    step_loss: np.ndarray
    sigmoid_loss: np.ndarray
    original: float  # the weight's value in the network

    @property
    def jumps(self) -> int:
        """Number of grid intervals over which the step network's loss changes."""
        return int(np.count_nonzero(np.diff(self.step_loss)))

    @property
    def flat_fraction(self) -> float:
        """Fraction of grid intervals over which the step network's loss is exactly constant."""
        return float(np.mean(np.diff(self.step_loss) == 0))


def step_loss_landscape(sizes=(2, 8, 2), span: float = 3.0, points: int = 601, rng=0) -> StepLoss:
    """Vary the weight ``W₁[0, 0]`` of a step network on XOR and record the training loss.

    The step's output changes only when some example's pre-activation crosses 0, so the loss
    is piecewise constant in the weight: its derivative is 0 wherever it exists. The same
    weights with sigmoid units give a smooth curve.
    """
    gen = as_generator(rng)
    ds = data.xor(200, rng=gen)
    net = nn.MLP(list(sizes), "step", "xavier_normal", rng=gen)
    smooth = nn.MLP(list(sizes), "sigmoid", "xavier_normal", rng=0)
    smooth.weights = [W.copy() for W in net.weights]
    smooth.biases = [b.copy() for b in net.biases]
    original = float(net.weights[0][0, 0])
    w = original + np.linspace(-span, span, positive_int(points, "points"))
    losses = np.empty((2, w.size))
    for k, model in enumerate((net, smooth)):
        for i, value in enumerate(w):
            model.weights[0][0, 0] = value
            losses[k, i] = nn.softmax_cross_entropy(model.forward(ds.X_train), ds.y_train)[0]
        model.weights[0][0, 0] = original
    return StepLoss(w, losses[0], losses[1], original)


# ----------------------------------------------------------------------------- the chapter


@memoize
def run_chapter() -> dict:
    """Every result the chapter shows (seeds and sizes as in the text)."""
    xor = xor_linear_vs_nonlinear(rng=0)
    runs, spirals = boundary_grid(widths=(2, 4, 16), depths=(1, 3), rng=0)
    return {"collapse": linear_collapse(rng=0), "xor": xor, "xor_optimum": xor_linear_optimum(xor),
            "bending": bending_space(epochs=(5, 2000), rng=3), "runs": runs, "spirals": spirals,
            "uat": universal_approximation(rng=0), "chain_rule": chain_rule_example(),
            "backprop_cost": backprop_cost(rng=0), "checks": gradient_check_table(rng=0),
            "step_norms": step_network_gradient_norms(rng=0), "step_loss": step_loss_landscape(rng=0)}


def _direction_text(u) -> str:
    """``u`` as a combination of x₁ and x₂, scaled so that the larger coefficient is 1."""
    u = np.asarray(u) / np.max(np.abs(u))

    def term(c, name, first):
        if abs(abs(c) - 1) < 0.005:
            body = name
        else:
            body = f"{abs(c):.2f} {name}"
        if first:
            return ("−" if c < 0 else "") + body
        return (" − " if c < 0 else " + ") + body

    return term(u[0], "x₁", True) + term(u[1], "x₂", False)


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name."""
    xor, opt, light, trained = results["xor"], results["xor_optimum"], *results["bending"]
    by_shape = {(r.depth, r.width): r for r in results["runs"]}
    u, flat = squash_direction(trained.W)
    cr = results["chain_rule"]
    uat, cost, step = results["uat"], results["backprop_cost"], results["step_loss"]
    median_error = np.median(uat.max_error, axis=1)
    out = {
        "collapse-difference": results["collapse"].max_difference, "collapse-loss": results["collapse"].losses[-1],
        "xor-linear-acc": 100 * xor.linear_accuracy, "xor-tanh-acc": 100 * xor.nonlinear_accuracy,
        "xor-hidden": int(xor.nonlinear.sizes[1]),
        "xor-ln2": float(np.log(2)), "xor-trained-loss": opt.trained_loss, "xor-trained-norm": opt.trained_weight_norm,
        "xor-trained-train-acc": 100 * opt.trained_accuracy,
        "xor-ray-acc": 100 * float(np.median(opt.accuracy[opt.t > 0])),
        "xor-ray-loss-end": float(opt.loss[-1]), "xor-ray-t-end": float(opt.t[-1]),
        "xor-ray-min-loss": float(opt.loss.min()), "xor-ray-argmin": float(opt.t[np.argmin(opt.loss)]),
        "bend-light-epochs": light.epochs, "bend-light-norm": light.weight_norm, "bend-light-acc": 100 * light.accuracy,
        "bend-light-ratio": float(squash_direction(light.W)[1]),
        "bend-epochs": trained.epochs, "bend-acc": 100 * trained.accuracy, "bend-norm": trained.weight_norm,
        "bend-direction": _direction_text(u), "bend-ratio": flat,
        "spiral-1x2": 100 * by_shape[(1, 2)].test_accuracy, "spiral-1x4": 100 * by_shape[(1, 4)].test_accuracy,
        "spiral-1x16": 100 * by_shape[(1, 16)].test_accuracy,
        "spiral-3x4": 100 * by_shape[(3, 4)].test_accuracy, "spiral-3x16": 100 * by_shape[(3, 16)].test_accuracy,
        "uat-seeds": uat.seeds, "uat-min-width": uat.widths[0], "uat-max-width": uat.widths[-1],
        "uat-error-first": float(median_error[0]), "uat-error-last": float(median_error[-1]),
        "uat-error-16": float(median_error[uat.widths.index(16)]) if 16 in uat.widths else float("nan"),
        "bp-ratio": cost.ratio, "bp-total-ratio": 1 + cost.ratio, "bp-params": f"{cost.n_params:,}",
        "bp-batch": cost.batch, "bp-sizes": "-".join(str(s) for s in cost.sizes), "bp-repeats": len(cost.forward_s),
        "bp-forward-ms": 1e3 * float(np.median(cost.forward_s)), "bp-backward-ms": 1e3 * float(np.median(cost.backward_s)),
        "bp-passes": f"{2 * cost.n_params:,}",
        "max-check-error": max(e for _, e in results["checks"]),
        "step-hidden-norm": max(results["step_norms"][:-1]), "step-output-norm": results["step_norms"][-1],
        "step-jumps": step.jumps, "step-points": int(step.w.size), "step-flat": 100 * step.flat_fraction,
        "step-levels": int(np.unique(step.step_loss).size),
    }
    out |= {f"cr-{k}": float(cr[k]) for k in ("x", "w", "b", "y", "z", "h", "loss", "dL_dh", "dh_dz", "dL_dw",
                                              "dL_db", "numeric_dL_dw")}
    out["cr-error"] = float(abs(cr["dL_dw"] - cr["numeric_dL_dw"]) / abs(cr["dL_dw"]))
    return out
