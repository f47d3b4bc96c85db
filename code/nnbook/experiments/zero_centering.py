"""Experiments of the chapter on zero-centered outputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import data, nn, stats
from nnbook._validation import as_generator, as_real_array, positive_int, positive_scalar
from nnbook.experiments._memo import memoize

__all__ = [
    "single_unit_weight_gradients",
    "same_sign_fraction",
    "ShiftedTanh",
    "PathRun",
    "sgd_path",
    "loss_surface",
    "two_weight_problem",
    "gd_path",
    "gd_steps",
    "full_batch_problem",
    "ZigzagSeeds",
    "zigzag_seeds",
    "sigmoid_twin",
    "twin_learning_rates",
    "Equivalence",
    "sigmoid_equivalence",
    "RaceResult",
    "activation_race",
    "run_chapter",
    "summary",
    "claims",
]


def single_unit_weight_gradients(X, upstream) -> np.ndarray:
    """Per-example gradients ``∂L/∂w = (∂L/∂f) · x`` of a linear unit ``f = w·x + b``.

    Parameters
    ----------
    X : array (N, D)
        The unit's inputs.
    upstream : array (N,)
        ``∂L/∂f`` for each example.

    Returns
    -------
    array (N, D): row ``i`` is ``upstream[i] * X[i]``.
    """
    X = as_real_array(X, "X")
    upstream = as_real_array(upstream, "upstream")
    if X.ndim != 2 or upstream.shape != (X.shape[0],):
        raise ValueError(f"X must be (N, D) and upstream (N,); got {X.shape} and {upstream.shape}")
    return upstream[:, None] * X


def same_sign_fraction(G) -> float:
    """Fraction of rows of ``G`` whose nonzero components all have the same sign — updates
    that can only point into the all-positive or the all-negative orthant."""
    G = as_real_array(G, "G")
    if G.ndim != 2 or G.shape[0] == 0:
        raise ValueError(f"G must be a non-empty 2-D array; got shape {G.shape}")
    pos = np.all(G >= 0, axis=1)
    neg = np.all(G <= 0, axis=1)
    return float(np.mean(pos | neg))


class ShiftedTanh(act.Activation):
    """``tanh(x) + 1``: tanh's slopes exactly, but outputs in (0, 2) — not zero-centered.

    Comparing it with tanh isolates the effect of the output mean from that of the slope
    (sigmoid differs from tanh in both).
    """

    name = "tanh+1"
    latex = r"\tanh(x) + 1"
    latex_grad = r"1 - \tanh^2(x)"

    def _forward(self, x):
        return np.tanh(x) + 1.0

    def _grad(self, x):
        return 1.0 - np.tanh(x) ** 2


@dataclass
class PathRun:
    """One per-example gradient-descent run of :func:`sgd_path`: the weight path and how fast it got to the optimum."""

    label: str
    lr: float
    path: np.ndarray  # (steps + 1, 2) weights after each step
    steps_to_tol: int | None  # first step with ‖w − w*‖ < tol, None if never
    same_sign: float  # fraction of updates with both components of one sign


def _start_path(X, y, w0, lr, steps, w_star):
    """The checked arguments of a path function and its path array, with row 0 = ``w0``."""
    X, y = as_real_array(X, "X"), as_real_array(y, "y")
    lr, steps = positive_scalar(lr, "lr"), positive_int(steps, "steps")
    w = np.array(w0, dtype=float)
    path = np.empty((steps + 1, w.size))
    path[0] = w
    return X, y, lr, steps, w, np.asarray(w_star, dtype=float), path


def _path_run(label, lr, path, reached, updates) -> PathRun:
    """The :class:`PathRun`, with the sign pattern of the updates on the way to the optimum
    (non-finite updates and those that underflowed to 0 after it left out)."""
    moving = updates[np.all(np.isfinite(updates), axis=1) & np.any(updates != 0, axis=1)]
    return PathRun(label, lr, path, reached, same_sign_fraction(moving) if moving.size else float("nan"))


def sgd_path(X, y, w0, *, lr: float, steps: int, w_star, tol: float, label: str = "") -> PathRun:
    """Per-example gradient descent on ``½ (w·x − y)²``, visiting the rows of X in order,
    cyclically. Each update is ``−lr (w·x − y) x``: a multiple of the input ``x``."""
    X, y, lr, steps, w, w_star, path = _start_path(X, y, w0, lr, steps, w_star)
    updates = np.empty((steps, w.size))
    reached = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            x = X[t % X.shape[0]]
            updates[t] = -lr * (w @ x - y[t % X.shape[0]]) * x
            w = w + updates[t]
            path[t + 1] = w
            if reached is None and np.linalg.norm(w - w_star) < tol:
                reached = t + 1
    return _path_run(label, lr, path, reached, updates[:reached or steps])


def loss_surface(X, y, w1, w2) -> np.ndarray:
    """Mean of ``½ (w·x − y)²`` on the grid ``w1 × w2`` (arrays from ``np.meshgrid``)."""
    W = np.stack([w1.ravel(), w2.ravel()], axis=1)
    r = X @ W.T - y[:, None]
    return (0.5 * np.mean(r * r, axis=0)).reshape(w1.shape)


def two_weight_problem(n: int = 40, w_star=(1.0, -1.0), *, step: float = 0.5, tol: float = 1e-2,
                       steps: int = 600, lrs=None, rng=0) -> dict:
    """The two-quadrant experiment on a 2-input linear unit.

    Inputs are sigmoid outputs ``σ(z)``, ``z ~ N(1, 1)`` — all positive, as when a layer
    follows a sigmoid layer; the zero-mean inputs are the same points minus their mean. The
    targets are ``y = x·w*`` (no noise), so ``w*`` is the exact optimum in both cases, and
    reaching it needs one weight to go up and the other down.

    Two fair ways to pick the learning rate are run for each input set: the step size
    normalized by the inputs' energy, ``lr = step / mean ‖x‖²`` (the path drawn in the
    book), and the best of ``lrs`` (fewest steps to ``‖w − w*‖ < tol``).

    Returns a dict with, for ``"positive"`` and ``"centered"``, ``(X, y, PathRun)`` for the
    normalized step; ``"best"``: the best-of-grid :class:`PathRun` for each; and
    ``"condition"``: the condition number of ``E[x xᵀ]`` (the Hessian of the loss) for each.
    """
    rng = as_generator(rng)
    step = positive_scalar(step, "step")
    lrs = np.geomspace(0.1, 50.0, 19) if lrs is None else np.asarray(lrs, dtype=float)
    X_pos = act.get("sigmoid")(rng.normal(1.0, 1.0, (positive_int(n, "n"), 2)))
    X_cen = X_pos - X_pos.mean(axis=0)
    w_star = np.asarray(w_star, dtype=float)
    out = {"condition": {}, "best": {}}
    for key, X in (("positive", X_pos), ("centered", X_cen)):
        y = X @ w_star
        lr = step / float(np.mean(np.sum(X * X, axis=1)))
        out[key] = (X, y, sgd_path(X, y, (0.0, 0.0), lr=lr, steps=steps, w_star=w_star, tol=tol, label=key))
        runs = [sgd_path(X, y, (0.0, 0.0), lr=lr, steps=steps, w_star=w_star, tol=tol, label=key) for lr in lrs]
        out["best"][key] = min(runs, key=lambda r: (r.steps_to_tol is None, r.steps_to_tol or 0))
        eig = np.linalg.eigvalsh(X.T @ X / X.shape[0])
        out["condition"][key] = float(eig[-1] / eig[0])
    return out


def gd_path(X, y, w0, *, lr: float, steps: int, w_star, tol: float, label: str = "") -> PathRun:
    """Full-batch gradient descent on the mean of ``½ (w·x − y)²``: each step is
    ``−lr · mean_n (w·x_n − y_n) x_n``, a sum of per-example updates whose signs can mix."""
    X, y, lr, steps, w, w_star, path = _start_path(X, y, w0, lr, steps, w_star)
    reached = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            w = w - lr * (X.T @ (X @ w - y)) / X.shape[0]
            path[t + 1] = w
            if reached is None and np.linalg.norm(w - w_star) < tol:
                reached = t + 1
    return _path_run(label, lr, path, reached, np.diff(path[:(reached or steps) + 1], axis=0))


def gd_steps(X, y, lrs, *, steps: int, w_star, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gd_path` from w = 0 for every learning rate of ``lrs`` at once (vectorized).

    Returns ``(steps_to_tol, same_sign)``: per learning rate, the first step with
    ``‖w − w*‖ < tol`` (inf if never) and the fraction of the steps up to it whose two
    components have one sign.
    """
    X, y = as_real_array(X, "X"), as_real_array(y, "y")
    lrs = np.asarray(lrs, dtype=float)[:, None]
    w_star = np.asarray(w_star, dtype=float)
    H, g0 = X.T @ X / X.shape[0], X.T @ y / X.shape[0]
    w = np.zeros((lrs.shape[0], X.shape[1]))
    reached = np.full(lrs.shape[0], np.inf)
    one_sign = np.zeros(lrs.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(positive_int(steps, "steps")):
            update = -lrs * (w @ H - g0)
            moving = np.isinf(reached)
            one_sign += moving & (np.all(update >= 0, axis=1) | np.all(update <= 0, axis=1))
            w = w + update
            reached[moving & (np.linalg.norm(w - w_star, axis=1) < tol)] = t + 1
    taken = np.where(np.isinf(reached), steps, reached)
    return reached, one_sign / taken


def full_batch_problem(result: dict, *, lrs=None, steps: int = 400, tol: float = 1e-2) -> dict:
    """Full-batch gradient descent on the inputs of :func:`two_weight_problem` at the best
    step size of a grid (fewest steps to ``‖w − w*‖ < tol``), for positive and centered
    inputs: ``{"positive": PathRun, "centered": PathRun}``.

    The grid defaults to multiples of ``1/λ_max`` of the Hessian ``E[x xᵀ]``, up to the
    stability limit ``2/λ_max``, so both input sets get the same range of relative steps.
    """
    out = {}
    for key in ("positive", "centered"):
        X, y, run = result[key]
        lam = float(np.linalg.eigvalsh(X.T @ X / X.shape[0])[-1])
        grid = np.linspace(0.1, 1.95, 38) / lam if lrs is None else np.asarray(lrs, dtype=float)
        reached, _ = gd_steps(X, y, grid, steps=steps, w_star=(1.0, -1.0), tol=tol)
        best = float(grid[int(np.argmin(reached))])
        out[key] = gd_path(X, y, (0.0, 0.0), lr=best, steps=steps, w_star=(1.0, -1.0), tol=tol, label=key)
    return out


@dataclass
class ZigzagSeeds:
    """Steps to the optimum of full-batch gradient descent at the best step size, per data seed
    (``steps + 1`` where the optimum was never reached)."""

    seeds: list
    steps: dict  # "positive" / "centered" -> array (seeds,)
    same_sign: dict  # "positive" / "centered" -> array (seeds,)
    condition: dict  # "positive" / "centered" -> array (seeds,)


def zigzag_seeds(seeds=tuple(range(10)), *, n: int = 40, steps: int = 400) -> ZigzagSeeds:
    """:func:`two_weight_problem` and :func:`full_batch_problem` on ``len(seeds)`` draws of
    the inputs; the positive and centered arms of a seed share the points (paired)."""
    out = ZigzagSeeds(list(seeds), {"positive": [], "centered": []}, {"positive": [], "centered": []},
                      {"positive": [], "centered": []})
    for s in seeds:
        problem = two_weight_problem(n, steps=1, lrs=(1.0,), rng=s)
        for key in ("positive", "centered"):
            X, y, _ = problem[key]
            lam = float(np.linalg.eigvalsh(X.T @ X / X.shape[0])[-1])
            reached, one_sign = gd_steps(X, y, np.linspace(0.1, 1.95, 38) / lam, steps=steps, w_star=(1.0, -1.0),
                                         tol=1e-2)
            best = int(np.argmin(reached))
            out.steps[key].append(min(reached[best], steps + 1.0))  # never reached: censored at steps + 1
            out.same_sign[key].append(one_sign[best])
            out.condition[key].append(problem["condition"][key])
    for d in (out.steps, out.same_sign, out.condition):
        for key in d:
            d[key] = np.array(d[key], dtype=float)
    return out


def sigmoid_twin(net: nn.MLP) -> nn.MLP:
    """The ``tanh + 1`` network that computes exactly what the sigmoid network ``net`` computes.

    From ``σ(z) = ½ (tanh(z/2) + 1)``: every sigmoid layer's output is half a tanh + 1 output
    whose pre-activation is halved. So the twin has the first layer's weights and biases
    halved, every later hidden layer's weights quartered and biases halved, and the output
    layer's weights halved (its bias unchanged). A parameter scaled by ``c`` learns like
    the original at ``c²`` times the learning rate: ``η/4`` for everything in a one-hidden-
    layer net except the output bias, ``η/16`` for the weights of deeper hidden layers.
    """
    if any(f.name != "sigmoid" for f in net.activations):
        raise ValueError("sigmoid_twin needs a network whose hidden layers are all sigmoid")
    twin = nn.MLP(net.sizes, ShiftedTanh(), "zeros", rng=0, dtype=net.dtype)
    L = net.n_layers
    for l in range(L):
        w_scale = 0.5 if l in (0, L - 1) else 0.25
        b_scale = 1.0 if l == L - 1 else 0.5
        twin.weights[l][...] = w_scale * net.weights[l]
        twin.biases[l][...] = b_scale * net.biases[l]
    return twin


def twin_learning_rates(net: nn.MLP, lr: float) -> list[float]:
    """The learning rate of each parameter of :func:`sigmoid_twin` (in the order of
    :meth:`nnbook.nn.MLP.parameters`) under which the twin trains exactly like the sigmoid
    network at ``lr``: ``c² · lr`` for a parameter scaled by ``c``."""
    L = net.n_layers
    w = [lr / 4 if l in (0, L - 1) else lr / 16 for l in range(L)]
    b = [lr if l == L - 1 else lr / 4 for l in range(L)]
    return w + b


def _full_batch_per_parameter(net, X, y, lrs, epochs):
    """Full-batch gradient descent with one learning rate per parameter array; the
    training loss after each epoch (as :class:`nnbook.nn.History` records it)."""
    params = net.parameters()
    losses = []
    net.loss(X, y)
    for _ in range(epochs):
        for p, g, lr in zip(params, net.gradients(), lrs):
            p -= lr * g
        losses.append(net.loss(X, y))  # the loss after the step, and the gradient for the next one
    return np.array(losses)


@dataclass
class Equivalence:
    """Training-loss curves, per depth, of sigmoid nets at ``lr`` (``sigmoid``), of their
    tanh + 1 twins with every parameter at its rescaled rate (``exact``), and of the twins
    at the one global rate ``lr / 4`` (``twin``); each (seeds, epochs)."""

    lr: float
    hidden: dict  # depth label -> tuple of hidden widths
    sigmoid: dict
    exact: dict
    twin: dict
    start_gap: dict  # depth label -> largest |score difference| at initialization

    def gap(self, label, arm: str = "twin") -> float:
        """Largest relative difference between the mean training-loss curve of ``arm``
        ("twin" or "exact") and the sigmoid's."""
        a, b = self.sigmoid[label].mean(axis=0), getattr(self, arm)[label].mean(axis=0)
        return float(np.max(np.abs(a - b) / a))

    def end_gap(self, label, arm: str = "twin") -> float:
        """Relative difference of the mean training losses after the last epoch."""
        a, b = self.sigmoid[label].mean(axis=0)[-1], getattr(self, arm)[label].mean(axis=0)[-1]
        return float(abs(a - b) / a)


def sigmoid_equivalence(lr: float = 4.0, *, depths=(("one hidden layer", (32,)), ("two hidden layers", (32, 32))),
                        seeds=tuple(range(3)), epochs: int = 30, n_train: int = 600, rng=0) -> Equivalence:
    """Train sigmoid nets (Xavier weights) at ``lr`` and their exact tanh + 1 twins
    (:func:`sigmoid_twin`), once with the rescaled rate of every parameter
    (:func:`twin_learning_rates`) and once at the single rate ``lr / 4``; full batch on the
    standardized digits, float64."""
    lr = positive_scalar(lr, "lr")
    X, y, *_ = _digits_splits(n_train, 1, rng)
    out = Equivalence(lr, {}, {}, {}, {}, {})
    for label, hidden in depths:
        nets = [nn.MLP([X.shape[1], *hidden, 10], "sigmoid", "xavier_normal", rng=s) for s in seeds]
        twins = [sigmoid_twin(net) for net in nets]
        out.start_gap[label] = float(max(np.max(np.abs(a.forward(X) - b.forward(X))) for a, b in zip(nets, twins)))
        out.hidden[label] = tuple(hidden)
        out.exact[label] = np.array([_full_batch_per_parameter(sigmoid_twin(net), X, y, twin_learning_rates(net, lr),
                                                               epochs) for net in nets])
        out.sigmoid[label] = np.array([h.loss for h in nn.train_many(nets, X, y, lr=lr, epochs=epochs)])
        out.twin[label] = np.array([h.loss for h in nn.train_many(twins, X, y, lr=lr / 4, epochs=epochs)])
    return out


def _digits_splits(n_train: int, n_val: int, rng):
    """Standardized digits: the first ``n_train`` training images, the next ``n_val`` as
    validation, and the test split, all scaled with the training images' statistics."""
    ds = data.digits(rng=rng)
    n_train, n_val = positive_int(n_train, "n_train"), positive_int(n_val, "n_val")
    if n_train + n_val > ds.X_train.shape[0]:
        raise ValueError(f"n_train + n_val must be at most {ds.X_train.shape[0]}; got {n_train + n_val}")
    X, y = ds.X_train[:n_train], ds.y_train[:n_train]
    mean, std = X.mean(axis=0), X.std(axis=0)
    std = np.where(std > 0, std, 1.0)

    def scale(A):
        return (A - mean) / std

    return (scale(X), y, scale(ds.X_train[n_train:n_train + n_val]), ds.y_train[n_train:n_train + n_val],
            scale(ds.X_test), ds.y_test)


@dataclass
class RaceResult:
    """The race of :func:`activation_race`: curves per (activation, learning rate), each
    activation's learning rate chosen on the validation split, and its test results there.

    ``losses[(name, lr)]``: (seeds, epochs) training loss; ``val_loss[(name, lr)]``: (seeds,)
    validation loss after the last epoch (inf for a diverged run); ``best_lr[name]``: the lr
    with the lowest mean validation loss; ``test_loss[name]``, ``test_accuracy[name]``:
    (seeds,) on the test split, at ``best_lr[name]`` only.
    """

    activations: list
    lrs: list
    seeds: list
    losses: dict
    epochs_to_target: dict
    val_loss: dict
    best_lr: dict
    test_loss: dict
    test_accuracy: dict
    target: float

    def mean_epochs(self, name, lr) -> float:
        """Mean epochs to the target over seeds (inf if any seed never got there)."""
        e = self.epochs_to_target[(name, lr)]
        return float("inf") if np.isnan(e).any() else float(e.mean())

    def mean_val_loss(self, name) -> np.ndarray:
        """Mean validation loss at each learning rate (inf where a seed diverged)."""
        return np.array([np.mean(self.val_loss[(name, lr)]) for lr in self.lrs])


def _loss(net, X, y) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        scores = net.forward(X)
    return float(nn.softmax_cross_entropy(scores, y)[0]) if np.isfinite(scores).all() else float("inf")


def _activation(name):
    return ShiftedTanh() if name == "tanh+1" else act.get(name)


def activation_race(activations=("tanh", "tanh+1", "sigmoid"), *, lrs=(1.0, 2.0, 3.0, 4.0, 8.0, 12.0),
                    hidden: int = 32, n_train: int = 600, n_val: int = 300, epochs: int = 30, target: float = 0.2,
                    seeds=tuple(range(10)), rng=0, dtype=np.float32) -> RaceResult:
    """Train the same one-hidden-layer net on the 8×8 digits with each hidden activation.

    Inputs are standardized with training statistics; full-batch gradient descent on the
    first ``n_train`` training digits; Xavier initial weights from each of ``seeds`` (the
    same seed gives the same weights in every arm). Each activation's learning rate is the
    one of ``lrs`` with the lowest mean validation loss after ``epochs`` epochs (the next
    ``n_val`` training digits); the test split is evaluated once, at that rate. The name
    ``"tanh+1"`` stands for :class:`ShiftedTanh`. All rates and seeds of an activation train
    as one population (:func:`nnbook.nn.train_many`).
    """
    X, y, X_val, y_val, X_test, y_test = _digits_splits(n_train, n_val, rng)
    lrs, seeds = [float(v) for v in lrs], list(seeds)
    res = RaceResult(list(activations), lrs, seeds, {}, {}, {}, {}, {}, {}, target)
    for name in activations:
        f = _activation(name)
        nets = [nn.MLP([X.shape[1], hidden, 10], f, "xavier_normal", rng=s, dtype=dtype) for _ in lrs for s in seeds]
        histories = nn.train_many(nets, X, y, lr=[lr for lr in lrs for _ in seeds], epochs=epochs,
                                  on_divergence="stop")
        for i, lr in enumerate(lrs):
            block = histories[i * len(seeds):(i + 1) * len(seeds)]
            curves = np.full((len(seeds), epochs), np.nan)
            for j, h in enumerate(block):
                curves[j, :len(h.loss)] = h.loss
            below = curves < target
            res.losses[(name, lr)] = curves
            res.epochs_to_target[(name, lr)] = np.where(below.any(axis=1), below.argmax(axis=1) + 1.0, np.nan)
            res.val_loss[(name, lr)] = np.array([np.inf if h.diverged else _loss(net, X_val, y_val)
                                                 for net, h in zip(nets[i * len(seeds):(i + 1) * len(seeds)], block)])
        best = int(np.argmin(res.mean_val_loss(name)))
        res.best_lr[name] = lrs[best]
        chosen = nets[best * len(seeds):(best + 1) * len(seeds)]
        res.test_loss[name] = np.array([_loss(net, X_test, y_test) for net in chosen])
        res.test_accuracy[name] = np.array([nn.accuracy(net.forward(X_test), y_test) for net in chosen])
    return res


@memoize
def run_chapter(rng=0) -> dict:
    """Every experiment the chapter shows, with its default settings."""
    gen = as_generator(rng)
    X = act.get("sigmoid")(gen.standard_normal((1000, 5)))
    grads = single_unit_weight_gradients(X, gen.standard_normal(1000))
    paths = two_weight_problem(rng=rng)
    return {"sign_positive": same_sign_fraction(grads),
            "sign_centered": same_sign_fraction(single_unit_weight_gradients(X - X.mean(axis=0), gen.standard_normal(1000))),
            "paths": paths, "full_batch": full_batch_problem(paths), "zigzag": zigzag_seeds(),
            "equivalence": sigmoid_equivalence(rng=rng), "race": activation_race(rng=rng)}


def _epochs(race, name) -> np.ndarray:
    """Epochs to the target at the activation's chosen learning rate, per seed; a run that
    never gets there counts as one epoch more than the budget (censored)."""
    e = race.epochs_to_target[(name, race.best_lr[name])]
    return np.where(np.isnan(e), race.losses[(name, race.best_lr[name])].shape[1] + 1.0, e)


def _effects(results: dict) -> dict:
    """The paired effects behind the seeded claims (positive supports the claim)."""
    zz, race = results["zigzag"], results["race"]
    unit = f"epochs to training loss {race.target:g}"
    return {"zigzag": stats.paired(zz.steps["positive"], zz.steps["centered"], unit="gradient-descent steps"),
            "centered": stats.paired(_epochs(race, "tanh+1"), _epochs(race, "tanh"), unit=unit),
            "tanh": stats.paired(_epochs(race, "sigmoid"), _epochs(race, "tanh"), unit=unit),
            "slope": stats.paired(_epochs(race, "sigmoid") - _epochs(race, "tanh+1"),
                                  _epochs(race, "tanh+1") - _epochs(race, "tanh"), unit=f"{unit} (difference of gaps)")}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    paths, race, full, zz, eq = (results[k] for k in ("paths", "race", "full_batch", "zigzag", "equivalence"))
    out = {"sign-positive": 100 * results["sign_positive"], "sign-centered": 100 * results["sign_centered"]}
    for key in ("positive", "centered"):
        run = paths[key][2]
        out[f"steps-{key}"] = run.steps_to_tol if run.steps_to_tol is not None else float("inf")
        out[f"lr-{key}"] = run.lr
        out[f"same-sign-{key}"] = 100 * run.same_sign
        best = paths["best"][key]
        out[f"best-steps-{key}"] = best.steps_to_tol if best.steps_to_tol is not None else float("inf")
        out[f"best-lr-{key}"] = best.lr
        out[f"cond-{key}"] = paths["condition"][key]
        out[f"gd-steps-{key}"] = full[key].steps_to_tol if full[key].steps_to_tol is not None else float("inf")
        out[f"gd-same-sign-{key}"] = 100 * full[key].same_sign
        out[f"gd-lr-{key}"] = full[key].lr
        out[f"zz-steps-{key}-median"] = float(np.median(zz.steps[key]))
        out[f"zz-same-sign-{key}-max"] = 100 * float(np.max(zz.same_sign[key]))
        out[f"zz-cond-{key}-median"] = float(np.median(zz.condition[key]))
    out["zz-seeds"] = len(zz.seeds)
    out["race-target"] = race.target
    out["race-epochs"] = race.losses[(race.activations[0], race.lrs[0])].shape[1]
    out["race-seeds"] = len(race.seeds)
    out["race-n-lrs"] = len(race.lrs)
    for name in race.activations:
        key = name.replace("tanh+1", "shifted")
        for lr in race.lrs:
            out[f"race-{key}-{lr:g}"] = race.mean_epochs(name, lr)
        out[f"race-{key}-best-lr"] = race.best_lr[name]
        out[f"race-{key}-best-epochs"] = race.mean_epochs(name, race.best_lr[name])
        out[f"race-{key}-test-loss"] = float(race.test_loss[name].mean())
        out[f"race-{key}-test-acc"] = 100 * float(race.test_accuracy[name].mean())
    out["eq-lr"] = eq.lr
    out["eq-twin-lr"] = eq.lr / 4
    labels = list(eq.sigmoid)
    out["eq-gap-1"] = 100 * eq.gap(labels[0])
    out["eq-gap-2"] = 100 * eq.gap(labels[-1])
    out["eq-end-gap-1"] = 100 * eq.end_gap(labels[0])
    out["eq-end-gap-2"] = 100 * eq.end_gap(labels[-1])
    out["eq-exact-gap"] = 100 * max(eq.gap(label, "exact") for label in labels)
    out["eq-seeds"] = eq.sigmoid[labels[0]].shape[0]
    out["eq-start-gap"] = max(eq.start_gap.values())
    out["eq-loss-sigmoid-2"] = float(eq.sigmoid[labels[-1]].mean(axis=0)[-1])
    out["eq-loss-twin-2"] = float(eq.twin[labels[-1]].mean(axis=0)[-1])
    for name, effect in _effects(results).items():
        out[f"claim-{name}-mean"] = effect.mean
        out[f"claim-{name}-lo"], out[f"claim-{name}-hi"] = effect.ci
    return out


def claims(results: dict) -> list[stats.Claim]:
    """The claims about zero-centered outputs that this chapter tests.

    The race's learning rates are chosen per activation on a validation split, and the
    test loss is compared once, paired by seed (same initial weights in every arm; full
    batch, so there is no minibatch order). The zig-zag claim is paired by the draw of the
    inputs (both arms see the same points, centered or not)."""
    s = summary(results)
    e = _effects(results)
    n = s["race-seeds"]
    lrs = (f"learning rates chosen on validation (tanh {s['race-tanh-best-lr']:g}, tanh + 1 "
           f"{s['race-shifted-best-lr']:g}, sigmoid {s['race-sigmoid-best-lr']:g}), {n} seeds")
    return [
        stats.Claim("one-sign-gradient", "With all-positive inputs, a gradient step can only increase every weight of "
                    "a unit at once or decrease every one.", "CS231n lecture 6",
                    f"per example: {s['sign-positive']:.0f} % of per-example gradients have one sign (centered: "
                    f"{s['sign-centered']:.1f} %); full-batch steps at the best step size: "
                    f"{s['gd-same-sign-positive']:.0f} % one-signed", "holds with caveats", None, "fig-quadrant-paths",
                    "per example (and so for plain SGD with batch size 1) only; summed over a batch the signs mix"),
        stats.Claim("positive-inputs-zigzag", "Inputs that are all positive slow gradient descent down (the zig-zag).",
                    "CS231n lecture 6; LeCun et al. 1998", f"full-batch gradient descent at the best step size on a "
                    f"two-weight problem, {e['zigzag'].n} draws of the inputs: steps with positive minus centered "
                    f"inputs (median {s['zz-steps-positive-median']:.0f} vs {s['zz-steps-centered-median']:.0f}); "
                    "the cause is the condition number of E[xxᵀ], not the sign of the steps",
                    stats.verdict(e["zigzag"]), e["zigzag"], "fig-full-batch"),
        stats.Claim("zero-centered-trains-faster", "Zero-centered hidden outputs train faster than positive ones (tanh "
                    "against tanh + 1).", "CS231n lecture 6",
                    f"one-hidden-layer net on the digits, {s['race-epochs']} full-batch epochs, {lrs}: epochs to training loss "
                    f"{s['race-target']:g} of tanh + 1 minus tanh ({s['race-shifted-best-epochs']:.1f} vs "
                    f"{s['race-tanh-best-epochs']:.1f})", stats.verdict(e["centered"]), e["centered"], "fig-race"),
        stats.Claim("tanh-beats-sigmoid", "Prefer tanh to the sigmoid in hidden layers.", "CS231n lecture 6",
                    f"the same race: epochs of sigmoid minus tanh ({s['race-sigmoid-best-epochs']:.1f} vs "
                    f"{s['race-tanh-best-epochs']:.1f}); test loss {s['race-sigmoid-test-loss']:.3f} vs "
                    f"{s['race-tanh-test-loss']:.3f}", stats.verdict(e["tanh"]), e["tanh"], "fig-race"),
        stats.Claim("sigmoid-slope-costs-more", "The sigmoid's small slope costs more than its positive outputs.",
                    "a common reading of sigmoid against tanh",
                    "the same race: (sigmoid − tanh + 1) minus (tanh + 1 − tanh) epochs, the slope's cost minus the "
                    "positive outputs' cost; in a one-hidden-layer net the sigmoid is a tanh + 1 net at a quarter "
                    "of the learning rate, so with each rate chosen on validation the slope costs little",
                    stats.verdict(e["slope"]), e["slope"], "fig-race"),
        stats.Claim("sigmoid-is-rescaled-tanh", "A sigmoid network is a tanh + 1 network with half-size weights, "
                    "trained at a quarter of the learning rate.", "σ(z) = ½ (tanh(z/2) + 1)",
                    f"the same function at initialization (largest score difference {s['eq-start-gap']:.1e}) and the "
                    f"same training curve with each parameter's rate rescaled (within {s['eq-exact-gap']:.0e} %); "
                    f"with the one rate lr/4, final losses {s['eq-end-gap-1']:.0f} % apart for one hidden layer, "
                    f"{s['eq-end-gap-2']:.0f} % for two", "holds with caveats", None, "fig-sigmoid-twin",
                    "exactly only with per-parameter rates (c² · lr for a parameter scaled by c); one global rate "
                    "lr/4 misses the output bias (lr) and, in deeper nets, the inner weights (lr/16)"),
    ]
