"""Experiments of the chapter on zero-centered outputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import data, nn
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
    "RaceResult",
    "activation_race",
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


def sgd_path(X, y, w0, *, lr: float, steps: int, w_star, tol: float, label: str = "") -> PathRun:
    """Per-example gradient descent on ``½ (w·x − y)²``, visiting the rows of X in order,
    cyclically. Each update is ``−lr (w·x − y) x``: a multiple of the input ``x``."""
    X, y = as_real_array(X, "X"), as_real_array(y, "y")
    lr, steps = positive_scalar(lr, "lr"), positive_int(steps, "steps")
    w = np.array(w0, dtype=float)
    w_star = np.asarray(w_star, dtype=float)
    path = np.empty((steps + 1, w.size))
    path[0] = w
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
    # The sign pattern of the updates on the way to the optimum (after it, they underflow to 0).
    moving = updates[:reached or steps]
    moving = moving[np.all(np.isfinite(moving), axis=1) & np.any(moving != 0, axis=1)]
    return PathRun(label, lr, path, reached, same_sign_fraction(moving) if moving.size else float("nan"))


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


@dataclass
class RaceResult:
    """Training-loss curves of :func:`activation_race`, per (activation, learning rate), and epochs to the target."""

    activations: list  # names
    lrs: list
    losses: dict  # (name, lr) -> array (seeds, epochs) of training loss
    epochs_to_target: dict  # (name, lr) -> array (seeds,): first epoch below the target (nan if never)
    target: float

    def mean_epochs(self, name, lr) -> float:
        """Mean epochs to the target over seeds (inf if any seed never got there)."""
        e = self.epochs_to_target[(name, lr)]
        return float("inf") if np.isnan(e).any() else float(e.mean())


def activation_race(activations=("tanh", "tanh+1", "sigmoid"), *, lrs=(1.0, 3.0), hidden: int = 32,
                    n_train: int = 600, epochs: int = 40, target: float = 0.2, seeds=(0, 1, 2), rng=0) -> RaceResult:
    """Train the same one-hidden-layer net on the 8×8 digits with each hidden activation.

    Inputs are standardized with training statistics; full-batch gradient descent on the
    first ``n_train`` training digits; Xavier initial weights from each of ``seeds``. The
    name ``"tanh+1"`` stands for :class:`ShiftedTanh`. Returns the training-loss curves and
    the epoch at which each run first gets below ``target``.
    """
    ds = data.digits(rng=rng)
    X, y = ds.X_train[:positive_int(n_train, "n_train")], ds.y_train[:n_train]
    std = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    losses, epochs_to = {}, {}
    for name in activations:
        f = ShiftedTanh() if name == "tanh+1" else act.get(name)
        for lr in lrs:
            curves = []
            for s in seeds:
                net = nn.MLP([X.shape[1], hidden, ds.n_classes], f, "xavier_normal", rng=s)
                history = nn.train(net, X, y, lr=lr, epochs=epochs, on_divergence="stop")
                curve = np.full(epochs, np.nan)
                curve[:len(history.loss)] = history.loss
                curves.append(curve)
            curves = np.array(curves)
            below = curves < target
            losses[(name, lr)] = curves
            epochs_to[(name, lr)] = np.where(below.any(axis=1), below.argmax(axis=1) + 1.0, np.nan)
    return RaceResult(list(activations), list(lrs), losses, epochs_to, target)


@memoize
def run_chapter(rng=0) -> dict:
    """Every experiment the chapter shows, with its default settings."""
    gen = as_generator(rng)
    X = act.get("sigmoid")(gen.standard_normal((1000, 5)))
    grads = single_unit_weight_gradients(X, gen.standard_normal(1000))
    return {"sign_positive": same_sign_fraction(grads),
            "sign_centered": same_sign_fraction(single_unit_weight_gradients(X - X.mean(axis=0), gen.standard_normal(1000))),
            "paths": two_weight_problem(rng=rng), "race": activation_race(rng=rng)}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    paths, race = results["paths"], results["race"]
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
    out["race-target"] = race.target
    out["race-epochs"] = race.losses[(race.activations[0], race.lrs[0])].shape[1]
    for name in race.activations:
        for lr in race.lrs:
            out[f"race-{name.replace('tanh+1', 'shifted')}-{lr:g}"] = race.mean_epochs(name, lr)
    return out
