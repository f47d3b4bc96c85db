"""Experiments of the chapter on hyperparameter search."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import data, nn, search
from nnbook._validation import as_generator, positive_int
from nnbook.preprocessing import Standardizer
from nnbook.experiments._memo import memoize

__all__ = ["toy_loss", "RandomVsGrid", "random_vs_grid", "sampling_scales", "DigitsProblem", "digits_problem",
           "CoarseToFine", "coarse_to_fine", "lr_curves", "edge_example", "run_chapter", "summary"]


def toy_loss(x, y, peak: float) -> np.ndarray:
    """A loss in which only ``x`` matters much: a narrow valley at ``x = peak``, and a
    small, slow dependence on ``y``. Both live in [0, 1]."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return 1.0 - np.exp(-(((x - peak) / 0.07) ** 2)) + 0.05 * (y - 0.5) ** 2


@dataclass
class RandomVsGrid:
    """Grid and random trials of one example problem, and the best loss each found on many problems."""

    grid: np.ndarray  # (9, 2) the 3×3 grid's points
    random: np.ndarray  # (9, 2) one random search's points
    peak: float  # the peak of the example problem
    best_grid: np.ndarray  # (seeds,) best loss found by the grid, one problem per seed
    best_random: np.ndarray  # (seeds,) best loss found by random search


def random_vs_grid(n_side: int = 3, problems: int = 2000, rng=0) -> RandomVsGrid:
    """Grid search (``n_side²`` points at the cell centres) against random search with the
    same budget, on :func:`toy_loss` problems whose peak is drawn uniformly in [0.1, 0.9].

    Vectorized over ``problems``: for each, one fresh random search and the fixed grid.
    """
    rng = as_generator(rng)
    n_side = positive_int(n_side, "n_side")
    n = n_side * n_side
    centres = (np.arange(n_side) + 0.5) / n_side
    grid = np.array([(x, y) for x in centres for y in centres])
    peaks = rng.uniform(0.1, 0.9, positive_int(problems, "problems"))
    random_points = rng.uniform(0.0, 1.0, (problems, n, 2))
    best_grid = toy_loss(grid[None, :, 0], grid[None, :, 1], peaks[:, None]).min(axis=1)
    best_random = toy_loss(random_points[..., 0], random_points[..., 1], peaks[:, None]).min(axis=1)
    return RandomVsGrid(grid, random_points[0], float(peaks[0]), best_grid, best_random)


def sampling_scales(low: float = 1e-5, high: float = 1.0, n: int = 2000, rng=0) -> dict:
    """Samples of a learning rate in ``[low, high]`` drawn linearly and log-uniformly, and the
    share of each that falls in every decade."""
    rng = as_generator(rng)
    linear = search.Uniform(low, high).sample(rng, n)
    log = search.LogUniform(low, high).sample(rng, n)
    edges = np.geomspace(low, high, int(round(np.log10(high / low))) + 1)
    share = {k: np.histogram(v, bins=edges)[0] / n for k, v in (("linear", linear), ("log", log))}
    return {"linear": linear, "log": log, "edges": edges, "share": share}


@dataclass
class DigitsProblem:
    """The digits split into training, validation and test sets, standardized with training statistics."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def digits_problem(n_train: int = 600, n_val: int = 300, rng=0) -> DigitsProblem:
    """Digits split three ways (train / validation for the search / test, held out),
    standardized with the training statistics."""
    ds = data.digits(rng=rng)
    n_train, n_val = positive_int(n_train, "n_train"), positive_int(n_val, "n_val")
    if n_train + n_val > len(ds.X_train):
        raise ValueError(f"n_train + n_val must be at most {len(ds.X_train)}")
    X, y = ds.X_train, ds.y_train
    scaler = Standardizer().fit(X[:n_train])
    return DigitsProblem(scaler.transform(X[:n_train]), y[:n_train], scaler.transform(X[n_train:n_train + n_val]),
                         y[n_train:n_train + n_val], scaler.transform(ds.X_test), ds.y_test)


def _train_digits(problem, lr, weight_decay, *, epochs, seed, hidden=32):
    net = nn.MLP([64, hidden, 10], "relu", "he_normal", rng=seed)
    history = nn.train(net, problem.X_train, problem.y_train, lr=lr, epochs=epochs, batch_size=32, momentum=0.9,
                       weight_decay=weight_decay, rng=seed, X_val=problem.X_val, y_val=problem.y_val,
                       on_divergence="stop")
    return net, history


def _objective(problem, epochs, seed):
    def validation_loss(lr, weight_decay):
        _, history = _train_digits(problem, lr, weight_decay, epochs=epochs, seed=seed)
        return history.val_loss[-1] if not history.diverged else float("inf")

    return validation_loss


@dataclass
class CoarseToFine:
    """Both stages of :func:`coarse_to_fine`: search spaces, trials, the best trial and its test accuracy."""

    coarse_space: dict
    fine_space: dict
    coarse: list  # Trials
    fine: list
    edge: list  # dimensions whose coarse best lies at the edge of its range
    best: search.Trial
    test_accuracy: float


def coarse_to_fine(n_coarse: int = 16, n_fine: int = 12, epochs: int = 8, seed: int = 0, rng=0) -> CoarseToFine:
    """Random search of learning rate and weight decay for a 64-32-10 ReLU net on digits:
    a coarse stage over wide log ranges, then a fine stage around the best coarse trials.
    The best configuration is retrained and scored once on the held-out test set."""
    rng = as_generator(rng)
    problem = digits_problem()
    objective = _objective(problem, epochs, seed)
    coarse_space = {"lr": search.LogUniform(1e-4, 10.0), "weight_decay": search.LogUniform(1e-6, 1.0)}
    coarse = search.evaluate(objective, search.random_search(coarse_space, n_coarse, rng=rng))
    fine_space = search.narrow(coarse, coarse_space, top=3, pad=0.3)
    fine = search.evaluate(objective, search.random_search(fine_space, n_fine, rng=rng))
    winner = search.best(coarse + fine)
    net, _ = _train_digits(problem, epochs=epochs, seed=seed, **winner.config)
    return CoarseToFine(coarse_space, fine_space, coarse, fine, search.at_edge(coarse, coarse_space), winner,
                        nn.accuracy(net.forward(problem.X_test), problem.y_test))


def lr_curves(lrs=(0.001, 0.05, 2.0), epochs: int = 20, seed: int = 0) -> dict:
    """Training-loss curves of the digits net for a learning rate too low, about right and
    too high (momentum SGD, no weight decay). Returns ``{lr: losses}`` (a diverged run stops)."""
    problem = digits_problem()
    return {lr: _train_digits(problem, lr, 0.0, epochs=epochs, seed=seed)[1].loss for lr in lrs}


def edge_example(n: int = 10, epochs: int = 8, seed: int = 0, rng=1) -> dict:
    """A search whose learning-rate range is too low ([1e-4, 3e-3]): the best value sits at
    the top edge, and :func:`nnbook.search.at_edge` says so."""
    problem = digits_problem()
    space = {"lr": search.LogUniform(1e-4, 3e-3), "weight_decay": search.LogUniform(1e-6, 1e-3)}
    trials = search.evaluate(_objective(problem, epochs, seed), search.random_search(space, n, rng=rng))
    return {"space": space, "trials": trials, "edge": search.at_edge(trials, space), "best": search.best(trials)}


@memoize
def run_chapter(rng=0) -> dict:
    """Every experiment the chapter shows, with its default settings."""
    return {"rvg": random_vs_grid(rng=rng), "scales": sampling_scales(rng=rng), "search": coarse_to_fine(rng=rng),
            "curves": lr_curves(), "edge": edge_example()}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    rvg, scales, ctf, curves, edge = (results[k] for k in ("rvg", "scales", "search", "curves", "edge"))
    out = {"rvg-problems": len(rvg.best_grid),
           "rvg-grid-distinct": len(np.unique(rvg.grid[:, 0])), "rvg-random-distinct": len(np.unique(rvg.random[:, 0])),
           "rvg-grid-mean": float(rvg.best_grid.mean()), "rvg-random-mean": float(rvg.best_random.mean()),
           "rvg-random-wins": 100 * float(np.mean(rvg.best_random < rvg.best_grid)),
           "rvg-grid-miss": 100 * float(np.mean(rvg.best_grid > 0.5)),
           "rvg-random-miss": 100 * float(np.mean(rvg.best_random > 0.5))}
    share = scales["share"]
    out["lin-top-decade"] = 100 * float(share["linear"][-1])
    out["lin-bottom-three"] = 100 * float(share["linear"][:3].sum())
    out["log-per-decade"] = 100 * float(share["log"].mean())
    out["decades"] = len(share["log"])
    finite = [t for t in ctf.coarse + ctf.fine if np.isfinite(t.value)]
    out["ctf-n-coarse"], out["ctf-n-fine"] = len(ctf.coarse), len(ctf.fine)
    out["ctf-diverged"] = sum(1 for t in ctf.coarse + ctf.fine if not np.isfinite(t.value))
    out["ctf-best-lr"] = ctf.best.config["lr"]
    out["ctf-best-wd"] = ctf.best.config["weight_decay"]
    out["ctf-best-val"] = ctf.best.value
    out["ctf-best-coarse"] = search.best(ctf.coarse).value
    out["ctf-fine-lo"], out["ctf-fine-hi"] = float(ctf.fine_space["lr"].low), float(ctf.fine_space["lr"].high)
    out["ctf-test-acc"] = 100 * ctf.test_accuracy
    out["ctf-worst-finite"] = max(t.value for t in finite)
    out["ctf-good"] = 2 * ctf.best.value  # "good": validation loss within twice the best
    out["ctf-coarse-good"] = sum(t.value < 2 * ctf.best.value for t in ctf.coarse)
    out["ctf-fine-good"] = sum(t.value < 2 * ctf.best.value for t in ctf.fine)
    out["ctf-best-stage"] = "coarse" if any(t is ctf.best for t in ctf.coarse) else "fine"
    lrs = sorted(curves)
    for name, lr in zip(("low", "right", "high"), lrs):
        out[f"curve-{name}-lr"] = lr
        out[f"curve-{name}-last"] = float(curves[lr][-1]) if curves[lr] else float("inf")
        out[f"curve-{name}-first"] = float(curves[lr][0]) if curves[lr] else float("inf")
    out["edge-best-lr"] = edge["best"].config["lr"]
    out["edge-high"] = edge["space"]["lr"].high
    out["edge-flagged"] = ", ".join(edge["edge"]) or "none"
    return out
