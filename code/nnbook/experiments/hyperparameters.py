"""Experiments of the chapter on hyperparameter search."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from nnbook import data, nn, search, stats
from nnbook import init as initializers
from nnbook._validation import as_generator, one_of, positive_int, positive_scalar
from nnbook.experiments._memo import memoize

__all__ = ["toy_loss", "RandomVsGrid", "random_vs_grid", "sampling_scales", "DigitsProblem", "digits_problem",
           "CoarseToFine", "coarse_to_fine", "lr_curves", "edge_example", "toy_loss_both", "SanityChecks",
           "sanity_checks", "train_val_curves", "UpdateRatios", "update_ratios", "LRRangeTest", "lr_range_test",
           "SuccessiveHalving", "successive_halving", "WinnersCurse", "winners_curse", "run_chapter", "summary",
           "claims"]


def toy_loss(x, y, peak: float) -> np.ndarray:
    """A loss in which only ``x`` matters much: a narrow valley at ``x = peak``, and a
    small, slow dependence on ``y``. Both live in [0, 1]."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return 1.0 - np.exp(-(((x - peak) / 0.07) ** 2)) + 0.05 * (y - 0.5) ** 2


def toy_loss_both(x, y, peak_x: float, peak_y: float) -> np.ndarray:
    """The control: a loss in which ``x`` and ``y`` matter equally — a round valley of the
    same width as :func:`toy_loss`'s at ``(peak_x, peak_y)``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return 1.0 - np.exp(-(((x - peak_x) / 0.07) ** 2) - ((y - peak_y) / 0.07) ** 2)


@dataclass
class RandomVsGrid:
    """Grid and random trials of one example problem, and the best loss each found on many problems."""

    grid: np.ndarray  # (9, 2) the 3×3 grid's points
    random: np.ndarray  # (9, 2) one random search's points
    peak: float  # the peak of the example problem
    best_grid: np.ndarray  # (seeds,) best loss found by the grid, one problem per seed
    best_random: np.ndarray  # (seeds,) best loss found by random search


def random_vs_grid(n_side: int = 3, problems: int = 2000, rng=0, important: str = "x") -> RandomVsGrid:
    """Grid search (``n_side²`` points at the cell centers) against random search with the
    same budget, on toy problems whose valley is drawn uniformly in [0.1, 0.9].

    ``important="x"``: only x matters (:func:`toy_loss`); ``"both"``: the control in which x
    and y matter equally (:func:`toy_loss_both`). Vectorized over ``problems``: for each, one
    fresh random search and the fixed grid, so the two strategies are paired by problem.
    """
    rng = as_generator(rng)
    one_of(important, ("x", "both"), "important")
    n_side = positive_int(n_side, "n_side")
    n = n_side * n_side
    centers = (np.arange(n_side) + 0.5) / n_side
    grid = np.array([(x, y) for x in centers for y in centers])
    problems = positive_int(problems, "problems")
    peaks = rng.uniform(0.1, 0.9, problems)
    random_points = rng.uniform(0.0, 1.0, (problems, n, 2))
    if important == "x":
        def loss(x, y):
            return toy_loss(x, y, peaks[:, None])
    else:
        peaks_y = rng.uniform(0.1, 0.9, problems)

        def loss(x, y):
            return toy_loss_both(x, y, peaks[:, None], peaks_y[:, None])
    best_grid = loss(grid[None, :, 0], grid[None, :, 1]).min(axis=1)
    best_random = loss(random_points[..., 0], random_points[..., 1]).min(axis=1)
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
    from nnbook.preprocessing import Standardizer  # here, not at the top: it imports scikit-learn (~0.5 s)

    scaler = Standardizer().fit(X[:n_train])
    return DigitsProblem(scaler.transform(X[:n_train]), y[:n_train], scaler.transform(X[n_train:n_train + n_val]),
                         y[n_train:n_train + n_val], scaler.transform(ds.X_test), ds.y_test)


def _train_digits(problem, lr, weight_decay, *, epochs, seed, hidden=32):
    net = nn.MLP([64, hidden, 10], "relu", "he_normal", rng=seed)
    history = nn.train(net, problem.X_train, problem.y_train, lr=lr, epochs=epochs, batch_size=32, momentum=0.9,
                       weight_decay=weight_decay, rng=seed, X_val=problem.X_val, y_val=problem.y_val,
                       on_divergence="stop")
    return net, history


def _evaluate_stage(problem, configs, epochs, seed):
    """Validation loss of every configuration ({"lr", "weight_decay"}) after ``epochs`` epochs,
    all trained together as one population. Every trial starts from the same initial weights
    and sees the same minibatch order (``seed``): common random numbers, so that trials differ
    only by their hyperparameters. Diverged runs score ``inf``."""
    configs = list(configs)
    values = _train_population(problem, [c["lr"] for c in configs], epochs, [seed] * len(configs),
                               weight_decay=[c["weight_decay"] for c in configs])
    return [search.Trial(dict(c), float(v)) for c, v in zip(configs, values)]


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
    coarse_space = {"lr": search.LogUniform(1e-4, 10.0), "weight_decay": search.LogUniform(1e-6, 1.0)}
    coarse = _evaluate_stage(problem, search.random_search(coarse_space, n_coarse, rng=rng), epochs, seed)
    fine_space = search.narrow(coarse, coarse_space, top=3, pad=0.3)
    fine = _evaluate_stage(problem, search.random_search(fine_space, n_fine, rng=rng), epochs, seed)
    winner = search.best(coarse + fine)
    net, _ = _train_digits(problem, epochs=epochs, seed=seed, **winner.config)
    return CoarseToFine(coarse_space, fine_space, coarse, fine, search.at_edge(coarse, coarse_space), winner,
                        nn.accuracy(net.forward(problem.X_test), problem.y_test))


def lr_curves(lrs=(0.001, 0.05, 0.18, 0.5), epochs: int = 20, seed: int = 0) -> dict:
    """Training-loss curves of the digits net for learning rates too low, about right, too
    high (the loss stalls, noisy, at a high value) and far too high (it blows up), with
    momentum SGD and no weight decay. Returns ``{lr: losses}`` (a diverged run stops)."""
    problem = digits_problem()
    return {lr: _train_digits(problem, lr, 0.0, epochs=epochs, seed=seed)[1].loss for lr in lrs}


def edge_example(n: int = 10, epochs: int = 8, seed: int = 0, rng=1) -> dict:
    """A search whose learning-rate range is too low ([1e-4, 3e-3]): the best value sits at
    the top edge, and :func:`nnbook.search.at_edge` says so."""
    problem = digits_problem()
    space = {"lr": search.LogUniform(1e-4, 3e-3), "weight_decay": search.LogUniform(1e-6, 1e-3)}
    trials = _evaluate_stage(problem, search.random_search(space, n, rng=rng), epochs, seed)
    return {"space": space, "trials": trials, "edge": search.at_edge(trials, space), "best": search.best(trials)}


def _digits_net(seed, hidden=32, init="he_normal"):
    return nn.MLP([64, hidden, 10], "relu", init, rng=seed)


@dataclass
class SanityChecks:
    """The two checks to run before any search.

    ``initial_losses`` are the losses of freshly initialized nets (one per seed) with the
    chapter's He weights, ``bad_initial_losses`` the same with N(0, 1) weights; ``log_classes``
    is ln C, the loss of a uniform guess. ``tiny_loss`` is the training-loss curve of a net
    trained on ``tiny`` examples only, which it should memorize.
    """

    initial_losses: np.ndarray
    bad_initial_losses: np.ndarray
    log_classes: float
    tiny: int
    tiny_loss: np.ndarray
    tiny_train_accuracy: float
    tiny_val_accuracy: float


def sanity_checks(seeds=range(10), tiny: int = 20, epochs: int = 100, lr: float = 0.05) -> SanityChecks:
    """Initial loss against ln C over ``seeds``, and overfitting ``tiny`` training digits
    (full batch, momentum 0.9, no weight decay) for ``epochs`` epochs."""
    problem = digits_problem()
    seeds = list(seeds)
    tiny = positive_int(tiny, "tiny")

    def initial(init):
        return np.array([nn.softmax_cross_entropy(_digits_net(s, init=init).forward(problem.X_train),
                                                  problem.y_train)[0] for s in seeds])

    bad = functools.partial(initializers.normal, std=1.0)
    net = _digits_net(seeds[0])
    history = nn.train(net, problem.X_train[:tiny], problem.y_train[:tiny], lr=lr, epochs=epochs, momentum=0.9,
                       X_val=problem.X_val, y_val=problem.y_val)
    return SanityChecks(initial("he_normal"), initial(bad), float(np.log(10)), tiny, np.array(history.loss),
                        history.accuracy[-1], history.val_accuracy[-1])


def train_val_curves(weight_decays=(0.0, 0.03), n_train: int = 150, epochs: int = 60, lr: float = 0.05,
                     seed: int = 0) -> dict:
    """Training and validation loss per epoch on a small training set (``n_train`` digits),
    without and with weight decay: ``{"n_train": n_train, "histories": {weight_decay: History}}``."""
    problem = digits_problem()
    X, y = problem.X_train[:n_train], problem.y_train[:n_train]
    weight_decays = [float(w) for w in weight_decays]
    histories = nn.train_many([_digits_net(seed) for _ in weight_decays], X, y, lr=lr, epochs=epochs, batch_size=32,
                              momentum=0.9, weight_decay=weight_decays, rng=[seed] * len(weight_decays),
                              X_val=problem.X_val, y_val=problem.y_val)
    return {"n_train": n_train, "histories": dict(zip(weight_decays, histories))}


def _momentum_steps(net, X, y, lrs, *, momentum=0.9, batch_size=32, rng=0):
    """Minibatch momentum SGD with a learning rate per step — the update rule and minibatch
    order of :func:`nnbook.nn.train` — recording each step's loss and, per layer, the size of
    the update relative to the weights, ``‖ΔW‖ / ‖W‖``. Stops early when the loss is not finite."""
    rng = as_generator(rng)
    n = len(X)
    lrs = iter(lrs)
    velocity = [np.zeros_like(p) for p in net.parameters()]
    losses, ratios = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        while True:
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                lr = next(lrs, None)
                if lr is None:
                    return np.array(losses), np.array(ratios)
                idx = order[start:start + batch_size]
                scores = net.forward(X[idx])
                if not np.all(np.isfinite(scores)):
                    return np.array(losses), np.array(ratios)
                value, dscores = nn.softmax_cross_entropy(scores, y[idx])
                net.backward(dscores)
                step = []
                for i, (p, g, v) in enumerate(zip(net.parameters(), net.gradients(), velocity)):
                    v *= momentum
                    v -= lr * g
                    if i < net.n_layers:
                        step.append(np.linalg.norm(v) / np.linalg.norm(p))
                    p += v
                losses.append(value)
                ratios.append(step)


@dataclass
class UpdateRatios:
    """Median update-to-weight ratio ``‖ΔW‖/‖W‖`` per layer (columns) over the first epoch,
    for each learning rate (rows), and the final validation loss of the same runs."""

    lrs: np.ndarray
    ratios: np.ndarray
    val_loss: np.ndarray


def update_ratios(lrs=(1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3), epochs: int = 8, seed: int = 0) -> UpdateRatios:
    """The update-to-weight ratio of the digits net trained with momentum SGD at each rate."""
    problem = digits_problem()
    steps_per_epoch = -(-len(problem.X_train) // 32)
    ratios, val = [], []
    for lr in lrs:
        net = _digits_net(seed)
        losses, r = _momentum_steps(net, problem.X_train, problem.y_train, [lr] * (epochs * steps_per_epoch),
                                    rng=seed)
        ratios.append(np.median(r[:steps_per_epoch], axis=0))
        scores = net.forward(problem.X_val)
        val.append(nn.softmax_cross_entropy(scores, problem.y_val)[0] if np.all(np.isfinite(scores)) else np.inf)
    return UpdateRatios(np.array(lrs, dtype=float), np.array(ratios), np.array(val))


@dataclass
class LRRangeTest:
    """Loss per step while the learning rate grows exponentially, and the rate it suggests."""

    lrs: np.ndarray  # learning rate of each step taken
    losses: np.ndarray  # raw minibatch loss per step
    smoothed: np.ndarray  # bias-corrected exponential moving average of the loss
    suggested: float  # one tenth of the rate at the smoothed minimum


def lr_range_test(lr_min: float = 1e-4, lr_max: float = 10.0, steps: int = 100, seed: int = 0,
                  beta: float = 0.9) -> LRRangeTest:
    """The learning-rate range test of Smith (2017): one short run whose rate grows from
    ``lr_min`` to ``lr_max`` geometrically over ``steps`` minibatches, stopped when the
    smoothed loss exceeds four times its minimum. The suggested rate is a tenth of the rate
    at the smoothed minimum — a rule of thumb, not a theorem."""
    lr_min, lr_max = positive_scalar(lr_min, "lr_min"), positive_scalar(lr_max, "lr_max")
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be larger than lr_min; got {lr_min} and {lr_max}")
    problem = digits_problem()
    schedule = np.geomspace(lr_min, lr_max, positive_int(steps, "steps"))
    losses, _ = _momentum_steps(_digits_net(seed), problem.X_train, problem.y_train, schedule, rng=seed)
    avg, smoothed = 0.0, []
    for i, loss in enumerate(losses, start=1):
        avg = beta * avg + (1 - beta) * loss
        smoothed.append(avg / (1 - beta ** i))
        if smoothed[-1] > 4 * min(smoothed):
            break
    smoothed = np.array(smoothed)
    k = len(smoothed)
    return LRRangeTest(schedule[:k], losses[:k], smoothed, float(schedule[int(np.argmin(smoothed))] / 10))


def _train_population(problem, lrs, epochs, seeds, weight_decay=0.0):
    """Train one digits net per (lr, seed[, weight decay]) together with
    :func:`nnbook.nn.train_many`; return the final validation losses (inf for runs that
    diverged)."""
    nets = [_digits_net(s) for s in seeds]
    histories = nn.train_many(nets, problem.X_train, problem.y_train, lr=[float(x) for x in lrs], epochs=epochs,
                              rng=list(seeds), batch_size=32, momentum=0.9, weight_decay=weight_decay,
                              X_val=problem.X_val, y_val=problem.y_val, on_divergence="stop")
    return np.array([h.val_loss[-1] if h.val_loss and not h.diverged else np.inf for h in histories])


@dataclass
class SuccessiveHalving:
    """Successive halving against random search with the same budget, over several searches.

    ``rungs[s]`` lists, for search ``s``, ``(epochs, lrs, val_losses)`` at every rung;
    ``best_halving[s]`` and ``best_random[s]`` are the best validation loss each strategy found.
    """

    eta: int
    budget: int  # epochs of training per search, the same for both strategies
    rungs: list
    best_halving: np.ndarray
    best_random: np.ndarray


def successive_halving(n_configs: int = 9, eta: int = 3, searches: int = 10, lr_range=(1e-3, 3.0),
                       min_epochs: int = 1) -> SuccessiveHalving:
    """Successive halving, the idea behind Hyperband (Li et al. 2018): train ``n_configs``
    learning rates for ``min_epochs``, keep the best ``1/eta``, train those ``eta`` times
    longer (from scratch), and so on until one is left. Random search spends the same total
    number of epochs on fewer configurations trained for the longest budget. Each of the
    ``searches`` searches draws its own rates and seeds; both strategies use the same draws
    (paired), and every rung of every search is trained as one population with
    :func:`nnbook.nn.train_many`."""
    problem = digits_problem()
    n_configs, eta, searches = (positive_int(v, k) for v, k in ((n_configs, "n_configs"), (eta, "eta"),
                                                                 (searches, "searches")))
    space = search.LogUniform(*lr_range)
    draws = [space.sample(np.random.default_rng(1000 + s), n_configs) for s in range(searches)]
    alive = [np.arange(n_configs) for _ in range(searches)]
    rungs = [[] for _ in range(searches)]
    epochs, budget = min_epochs, 0
    while True:
        members = [(s, i) for s in range(searches) for i in alive[s]]
        values = _train_population(problem, [draws[s][i] for s, i in members], epochs,
                                   [100 * s + int(i) for s, i in members])
        budget += epochs * len(alive[0])
        for s in range(searches):
            mine = np.array([v for (t, _), v in zip(members, values) if t == s])
            rungs[s].append((epochs, draws[s][alive[s]], mine))
            keep = max(1, len(alive[s]) // eta)
            alive[s] = alive[s][np.argsort(mine, kind="stable")[:keep]]
        if len(rungs[0][-1][1]) == 1:
            break
        epochs *= eta
    best_halving = np.array([r[-1][2][0] for r in rungs])
    # random search: the same budget spent on configurations trained for the longest time
    n_random = max(1, budget // epochs)
    members = [(s, i) for s in range(searches) for i in range(n_random)]
    values = _train_population(problem, [draws[s][i] for s, i in members], epochs,
                               [100 * s + i for s, i in members]).reshape(searches, n_random)
    return SuccessiveHalving(eta, budget, rungs, best_halving, values.min(axis=1))


@dataclass
class WinnersCurse:
    """The best trials of a search retrained with new seeds.

    ``search_values[k]`` is the validation loss trial ``k`` had in the search (one seed);
    ``retrained[k]`` its validation losses with each of ``seeds``; ``configs[k]`` its settings.
    """

    configs: list
    search_values: np.ndarray
    seeds: list
    retrained: np.ndarray


def winners_curse(ctf: CoarseToFine, top: int = 3, seeds=range(1, 11), epochs: int = 8) -> WinnersCurse:
    """Retrain the ``top`` trials of a coarse-to-fine search with new seeds (new initial
    weights and minibatch orders), to measure the noise floor of a single trial and how
    optimistic the winner's score is."""
    problem = digits_problem()
    seeds = list(seeds)
    ranked = sorted(ctf.coarse + ctf.fine, key=lambda t: t.value)[:positive_int(top, "top")]
    members = [(t, s) for t in ranked for s in seeds]
    retrained = _train_population(problem, [t.config["lr"] for t, _ in members], epochs, [s for _, s in members],
                                  weight_decay=[t.config["weight_decay"] for t, _ in members])
    retrained = retrained.reshape(len(ranked), len(seeds))
    return WinnersCurse([dict(t.config) for t in ranked], np.array([t.value for t in ranked]), seeds, retrained)


@memoize
def run_chapter(rng=0) -> dict:
    """Every experiment the chapter shows, with its default settings."""
    ctf = coarse_to_fine(rng=rng)
    return {"rvg": random_vs_grid(rng=rng), "rvg_both": random_vs_grid(rng=rng, important="both"),
            "scales": sampling_scales(rng=rng), "search": ctf, "curse": winners_curse(ctf),
            "curves": lr_curves(), "edge": edge_example(), "sanity": sanity_checks(), "trainval": train_val_curves(),
            "ratios": update_ratios(), "range": lr_range_test(), "halving": successive_halving()}


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
    for name, lr in zip(("low", "right", "high", "diverge"), lrs):
        out[f"curve-{name}-lr"] = lr
        out[f"curve-{name}-last"] = float(curves[lr][-1]) if curves[lr] else float("inf")
        out[f"curve-{name}-first"] = float(curves[lr][0]) if curves[lr] else float("inf")
    out["edge-best-lr"] = edge["best"].config["lr"]
    out["edge-high"] = edge["space"]["lr"].high
    out["edge-flagged"] = ", ".join(edge["edge"]) or "none"
    high = np.asarray(curves[lrs[2]], dtype=float)
    out["curve-high-min"], out["curve-high-max-late"] = float(high.min()), float(high[len(high) // 2:].max())
    out["curve-diverge-epochs"] = len(curves[lrs[3]])
    out["curve-diverge-max"] = float(np.max(curves[lrs[3]])) if curves[lrs[3]] else float("inf")
    both = results["rvg_both"]
    out["rvg-both-grid-mean"], out["rvg-both-random-mean"] = float(both.best_grid.mean()), float(both.best_random.mean())
    out["rvg-both-random-wins"] = 100 * float(np.mean(both.best_random < both.best_grid))
    sanity = results["sanity"]
    out["sanity-log-c"] = sanity.log_classes
    out["sanity-init-mean"] = float(sanity.initial_losses.mean())
    out["sanity-init-min"], out["sanity-init-max"] = float(sanity.initial_losses.min()), float(sanity.initial_losses.max())
    out["sanity-bad-mean"] = float(sanity.bad_initial_losses.mean())
    out["sanity-seeds"] = len(sanity.initial_losses)
    out["sanity-tiny"] = sanity.tiny
    out["sanity-tiny-epochs"] = len(sanity.tiny_loss)
    out["sanity-tiny-loss"] = float(sanity.tiny_loss[-1])
    out["sanity-tiny-train-acc"] = 100 * sanity.tiny_train_accuracy
    out["sanity-tiny-val-acc"] = 100 * sanity.tiny_val_accuracy
    tv = results["trainval"]
    (wd0, h0), (wd1, h1) = sorted(tv["histories"].items())
    out["tv-n-train"] = tv["n_train"]
    out["tv-wd"] = wd1
    out["tv-epochs"] = len(h0.loss)
    out["tv-train-0"], out["tv-val-0"] = float(h0.loss[-1]), float(h0.val_loss[-1])
    out["tv-val-0-min"] = float(np.min(h0.val_loss))
    out["tv-val-0-argmin"] = int(np.argmin(h0.val_loss)) + 1
    out["tv-train-1"], out["tv-val-1"] = float(h1.loss[-1]), float(h1.val_loss[-1])
    out["tv-acc-0"], out["tv-acc-1"] = 100 * h0.val_accuracy[-1], 100 * h1.val_accuracy[-1]
    ratios = results["ratios"]
    best = int(np.argmin(ratios.val_loss))
    out["ratio-best-lr"] = float(ratios.lrs[best])
    out["ratio-best-lo"], out["ratio-best-hi"] = float(ratios.ratios[best].min()), float(ratios.ratios[best].max())
    near = int(np.argmin(np.abs(np.log(ratios.ratios.mean(axis=1) / 1e-3))))
    out["ratio-1e-3-lr"] = float(ratios.lrs[near])
    out["ratio-1e-3-val"] = float(ratios.val_loss[near])
    out["ratio-best-val"] = float(ratios.val_loss[best])
    rt = results["range"]
    out["range-suggested"] = rt.suggested
    out["range-steps"] = len(rt.lrs)
    out["range-stop-lr"] = float(rt.lrs[-1])
    sh = results["halving"]
    out["sh-searches"] = len(sh.best_halving)
    out["sh-budget"] = sh.budget
    out["sh-configs"] = len(sh.rungs[0][0][1])
    out["sh-random-configs"] = sh.budget // sh.rungs[0][-1][0]
    out["sh-final-epochs"] = sh.rungs[0][-1][0]
    out["sh-eta"] = sh.eta
    out["sh-wins"] = int(np.sum(sh.best_halving < sh.best_random))
    curse = results["curse"]
    out["curse-seeds"] = len(curse.seeds)
    out["curse-top"] = len(curse.configs)
    out["curse-search-best"] = float(curse.search_values[0])
    out["curse-retrained-best"] = float(curse.retrained[0].mean())
    out["curse-noise"] = float(np.mean(curse.retrained.std(axis=1, ddof=1)))
    out["curse-gap"] = float(curse.search_values[-1] - curse.search_values[0])
    out.update(stats.claim_numbers(claims(results)))
    return out


def claims(results: dict) -> list[stats.Claim]:
    """The claims about hyperparameter search that this chapter tests, with their intervals.

    Random against grid search is paired by problem (both strategies face the same valley);
    successive halving against random search by search (the same drawn learning rates and
    seeds); the winner's curse by seed (the winner retrained with new seeds against its
    score in the search)."""
    rvg, both, sh, curse = results["rvg"], results["rvg_both"], results["halving"], results["curse"]
    unit = "best loss found (lower is better)"
    few = stats.paired(rvg.best_grid, rvg.best_random, unit=unit)
    every = stats.paired(both.best_grid, both.best_random, unit=unit)
    halving = stats.paired(sh.best_random, sh.best_halving, unit="validation loss")
    optimism = stats.one_sample(curse.retrained[0] - curse.search_values[0], unit="validation loss")
    return [
        stats.Claim("random-beats-grid", "Random search beats grid search with the same budget when only a few "
                    "hyperparameters matter.", "{cite:t}`bergstra2012random`",
                    f"toy problems where only x matters, 9 trials each, paired by problem: grid's best loss minus "
                    f"random search's over {few.n} problems", stats.verdict(few), few, "fig-random-vs-grid"),
        stats.Claim("random-beats-grid-everywhere", "Random search beats grid search even when every hyperparameter "
                    "matters.", "common advice", f"the control: x and y matter equally, 9 trials, {every.n} problems",
                    stats.verdict(every), every, "fig-random-vs-grid"),
        stats.Claim("halving-beats-random", "Successive halving finds a better configuration than random search with "
                    "the same budget.", "{cite:t}`li2018hyperband`",
                    f"learning rate of the digits net, {sh.budget} epochs per search, {halving.n} paired searches: "
                    "random search's best validation loss minus successive halving's", stats.verdict(halving),
                    halving, "fig-successive-halving"),
        stats.Claim("winners-curse", "The best validation score of a search is optimistic.",
                    "{cite:t}`cawley2010overfitting`",
                    f"the winning configuration retrained with {optimism.n} new seeds: retrained validation loss "
                    "minus its score in the search", stats.verdict(optimism), optimism, "fig-winners-curse"),
    ]
