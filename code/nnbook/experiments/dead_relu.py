"""Experiments of the chapter on dead ReLUs."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from nnbook import data, diagnostics, nn, stats
from nnbook._validation import as_generator, one_of, positive_int
from nnbook.experiments._memo import memoize

__all__ = ["DEAD_TOL", "INPUTS", "CLAIM_LR", "CHAPTER_ARMS", "VARIANT_ARMS", "digits_subset", "SweepResult", "learning_rate_sweep", "BiasAtInit", "bias_at_init", "Revival",
           "revival", "DataCloud", "data_cloud", "run_chapter", "summary", "claims"]

#: ``|f'| ≤ 1e-6 · max|f'|`` at every example counts as dead: catches ELU units pushed
#: so far negative that their gradient is negligible (for ELU, z < ln 1e-6 ≈ −13.8 on every
#: example), and is exactly 0 for ReLU.
DEAD_TOL = 1e-6

#: The two input variants of the sweep: pixels in [0, 1] as they come, and the same pixels
#: minus their training mean.
INPUTS = ("raw", "centered")

#: The "high" learning rate at which the claims are read off (well past the cliff of raw
#: inputs, below that of centered inputs); fixed before looking at the results.
CLAIM_LR = 2.0


@functools.lru_cache(maxsize=4)
def _digits_by_seed(seed: int):
    ds = data.digits(rng=seed)
    for array in (ds.X_train, ds.y_train, ds.X_test, ds.y_test):
        array.setflags(write=False)  # shared by every caller (and every chapter of a build's kernel)
    return ds


def _digits(rng):
    """The digits split, loaded once per integer seed (every sweep arm reuses it)."""
    return _digits_by_seed(rng) if isinstance(rng, (int, np.integer)) else data.digits(rng=rng)


def digits_subset(n_train: int = 600, rng=0, *, inputs: str = "raw"):
    """The first ``n_train`` training digits scaled to [0, 1] (pixel / 16), and their labels.

    ``inputs="centered"`` subtracts the mean of each pixel over these ``n_train`` images.
    """
    one_of(inputs, INPUTS, "inputs")
    ds = _digits(rng)
    n = positive_int(n_train, "n_train")
    X = ds.X_train[:n] / 16.0
    if inputs == "centered":
        X = X - X.mean(axis=0)
    return X, ds.y_train[:n]


@dataclass
class SweepResult:
    """Dead fraction after training, per arm, learning rate and seed.

    An arm is a pair ``(config, inputs)``, e.g. ``("ReLU", "centered")``. Every array is
    indexed ``[learning rate, seed]`` (``dead_per_layer``: ``[learning rate, seed, layer]``);
    entries of diverged runs are NaN. Arms with the same seed share the initial weights
    and the minibatch order.

    Attributes
    ----------
    arms : list of (config, inputs)
    lrs : array (n_lrs,)
    seeds : list
    dead : dict arm -> (n_lrs, n_seeds): fraction of all hidden units dead (slope ≤ tol everywhere)
    dead_per_layer : dict arm -> (n_lrs, n_seeds, n_hidden_layers)
    inactive : dict arm -> (n_lrs, n_seeds): pre-activation ≤ 0 on every example (ReLU: = dead)
    accuracy : dict arm -> (n_lrs, n_seeds): training accuracy at the end
    diverged : dict arm -> bool (n_lrs, n_seeds)
    """

    arms: list
    lrs: np.ndarray
    seeds: list
    dead: dict
    dead_per_layer: dict
    inactive: dict
    accuracy: dict
    diverged: dict

    @property
    def configs(self) -> list:
        """The configurations, in order, without repeats."""
        return list(dict.fromkeys(c for c, _ in self.arms))

    def _arm(self, label, inputs):
        key = (label, inputs)
        if key not in self.dead:
            raise KeyError(f"no arm {key}; the sweep has {self.arms}")
        return key

    def mean_dead(self, label, inputs: str = "raw") -> np.ndarray:
        """Mean dead fraction over seeds at each learning rate (NaN where every seed diverged)."""
        d = self.dead[self._arm(label, inputs)]
        return np.array([np.nan if np.all(np.isnan(row)) else np.nanmean(row) for row in d])

    def mean_accuracy(self, label, inputs: str = "raw") -> np.ndarray:
        """Mean training accuracy over seeds, diverged runs counted as chance (10 %)."""
        return np.nanmean(np.where(self.diverged[self._arm(label, inputs)], 0.1,
                                   self.accuracy[self._arm(label, inputs)]), axis=1)

    def cliff(self, label: str = "ReLU", inputs: str = "raw", level: float = 0.4) -> float:
        """The first learning rate of the sweep at which the mean dead fraction reaches ``level``
        (NaN if it never does)."""
        d = self.mean_dead(label, inputs)
        hit = np.flatnonzero(np.nan_to_num(d, nan=1.0) >= level)
        return float(self.lrs[hit[0]]) if hit.size else float("nan")


_CONFIGS = {"ReLU": ("relu", 0.0), "ReLU, bias 0.1": ("relu", 0.1), "Leaky ReLU": ("leaky_relu", 0.0),
            "ELU": ("elu", 0.0)}

#: The arms of the chapter's main sweep (ten seeds): ReLU on raw and centered pixels, and with bias 0.1.
CHAPTER_ARMS = (("ReLU", "raw"), ("ReLU", "centered"), ("ReLU, bias 0.1", "raw"))

#: The activations that cannot die, on raw pixels (five seeds: their claim is a derivation).
VARIANT_ARMS = (("Leaky ReLU", "raw"), ("ELU", "raw"))


def _arms(arms):
    out = []
    for arm in arms:
        label, inputs = (arm, "raw") if isinstance(arm, str) else tuple(arm)
        if label not in _CONFIGS:
            raise ValueError(f"unknown configurations [{label!r}]; choose from {list(_CONFIGS)}")
        one_of(inputs, INPUTS, "inputs")
        out.append((label, inputs))
    return out


def learning_rate_sweep(arms=CHAPTER_ARMS, lrs=None, seeds=tuple(range(10)), *, hidden=(64, 64), epochs: int = 6,
                        batch_size: int = 32, n_train: int = 600, dtype=np.float32) -> SweepResult:
    """Train a ``64-hidden-…-10`` net on digits at each learning rate and count dead units.

    ``arms`` are configuration labels ("ReLU", "ReLU, bias 0.1" — the small-positive-bias
    trick —, "Leaky ReLU", "ELU"), each on raw pixels, or pairs ``(label, inputs)`` with
    ``inputs`` "raw" (pixels in [0, 1]) or "centered" (minus the training mean). Minibatch
    SGD without momentum, He initialization; seed ``s`` draws the initial weights and the
    minibatch order, the same in every arm. All learning rates and seeds of an arm are
    trained as one population (:func:`nnbook.nn.train_many`). Diverged runs are marked,
    not counted.
    """
    arms = _arms(arms)
    lrs = 0.03 * 2.0 ** np.arange(9) if lrs is None else np.asarray(lrs, dtype=float)
    seeds = list(seeds)
    shape = (lrs.size, len(seeds))
    res = SweepResult(arms, lrs, seeds, {}, {}, {}, {}, {})
    for arm in arms:
        label, inputs = arm
        X, y = digits_subset(n_train, inputs=inputs)
        activation, bias = _CONFIGS[label]
        nets = [nn.MLP([X.shape[1], *hidden, 10], activation, "he_normal", rng=s, bias=bias, dtype=dtype)
                for _ in lrs for s in seeds]
        histories = nn.train_many(nets, X, y, lr=[float(lr) for lr in lrs for _ in seeds], epochs=epochs,
                                  batch_size=batch_size, rng=[s for _ in lrs for s in seeds], on_divergence="stop")
        layers = np.full((*shape, len(hidden)), np.nan)
        inactive, acc = np.full(shape, np.nan), np.full(shape, np.nan)
        diverged = np.zeros(shape, dtype=bool)
        widths = np.asarray(hidden, dtype=float)
        for k, (net, history) in enumerate(zip(nets, histories)):
            i, j = divmod(k, len(seeds))
            if history.diverged:
                diverged[i, j] = True
                continue
            layers[i, j] = diagnostics.dead_fractions(net, X, tol=DEAD_TOL)
            # for ReLU, "inactive on every example" is "dead": skip the second pass
            inactive[i, j] = (layers[i, j] @ widths / widths.sum() if activation == "relu"
                              else diagnostics.inactive_fractions(net, X).mean())
            acc[i, j] = history.accuracy[-1]
        res.dead[arm] = layers @ widths / widths.sum()
        res.dead_per_layer[arm], res.inactive[arm], res.accuracy[arm], res.diverged[arm] = layers, inactive, acc, diverged
    return res


@dataclass
class BiasAtInit:
    """Dead fraction of a freshly initialized ReLU net per initial bias, for each input variant.

    ``dead[inputs]`` has shape (len(biases), len(seeds)).
    """

    biases: np.ndarray
    seeds: list
    dead: dict


def bias_at_init(biases=None, seeds=tuple(range(10)), *, inputs=INPUTS, hidden=(64, 64),
                 n_train: int = 600) -> BiasAtInit:
    """Dead fraction of a freshly initialized (He) ReLU net on the digits, per initial bias,
    on raw and on centered pixels (the same initial weights for both)."""
    biases = np.linspace(-3.0, 0.5, 15) if biases is None else np.asarray(biases, dtype=float)
    seeds = list(seeds)
    dead = {}
    for variant in inputs:
        X, _ = digits_subset(n_train, inputs=variant)
        dead[variant] = np.empty((biases.size, len(seeds)))
        for j, s in enumerate(seeds):
            net = nn.MLP([X.shape[1], *hidden, 10], "relu", "he_normal", rng=s)
            for i, b in enumerate(biases):
                for bias in net.biases[:-1]:
                    bias[...] = b
                dead[variant][i, j] = diagnostics.dead_fraction(net, X)
    return BiasAtInit(biases, seeds, dead)


@dataclass
class Revival:
    """Per-epoch record of one ReLU training run."""

    lr: float
    momentum: float
    dead: np.ndarray  # (epochs + 1, hidden units) bool, layer by layer concatenated
    layer: np.ndarray  # (hidden units,) layer index (0 = first hidden layer) of each unit
    weight_change: np.ndarray  # (epochs, hidden units): ‖Δ incoming weights and bias‖ in each epoch
    accuracy: list

    def revived(self, layer: int) -> int:
        """Units of ``layer`` that were dead at the end of some epoch and alive later."""
        d = self.dead[:, self.layer == layer]
        was_dead = np.maximum.accumulate(d, axis=0)
        return int(np.sum(np.any(was_dead[:-1] & ~d[1:], axis=0)))

    def ever_dead(self, layer: int) -> int:
        """Units of ``layer`` dead at the end of at least one epoch (or at the start)."""
        return int(self.dead[:, self.layer == layer].any(axis=0).sum())

    def frozen_change(self, layer: int) -> float:
        """Largest change of the incoming weights of a ``layer`` unit in an epoch that began
        with the unit dead (NaN if no unit of the layer was ever dead)."""
        mask = self.dead[:-1][:, self.layer == layer]
        changes = self.weight_change[:, self.layer == layer]
        return float(changes[mask].max()) if mask.any() else float("nan")

    def live_change(self, layer: int) -> float:
        """Median change of the incoming weights of a live ``layer`` unit in an epoch."""
        mask = ~self.dead[:-1][:, self.layer == layer]
        return float(np.median(self.weight_change[:, self.layer == layer][mask]))


def revival(lr: float = 0.7, epochs: int = 15, *, momentum: float = 0.0, seed: int = 2, hidden=(64, 64),
            batch_size: int = 32, n_train: int = 600) -> Revival:
    """Train a ReLU net on raw digits one epoch at a time, recording which units are dead and
    how much each unit's incoming weights (and bias) change per epoch.

    Minibatch SGD, with heavy-ball momentum ``v ← μ v − lr g, θ ← θ + v`` (the rule of
    :func:`nnbook.nn.train`) when ``momentum`` μ > 0; the velocity is kept across epochs.
    """
    X, y = digits_subset(n_train)
    rng = as_generator(seed)
    net = nn.MLP([X.shape[1], *hidden, 10], "relu", "he_normal", rng=seed)
    layer = np.concatenate([np.full(w, l) for l, w in enumerate(hidden)])
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1); got {momentum}")

    def incoming():
        return [np.vstack([W, b]) for W, b in zip(net.weights[:-1], net.biases[:-1])]

    dead = [np.concatenate(diagnostics.dead_units(net, X))]
    changes, acc = [], []
    params = net.parameters()
    velocity = [np.zeros_like(p) for p in params]
    for _ in range(positive_int(epochs, "epochs")):
        before = incoming()
        if momentum == 0:
            history = nn.train(net, X, y, lr=lr, epochs=1, batch_size=batch_size, rng=rng)
            acc.append(history.accuracy[-1])
        else:
            order = rng.permutation(X.shape[0])
            for begin in range(0, X.shape[0], batch_size):
                idx = order[begin:begin + batch_size]
                net.loss(X[idx], y[idx])
                for p, g, v in zip(params, net.gradients(), velocity):
                    v *= momentum
                    v -= lr * g
                    p += v
            acc.append(nn.accuracy(net.forward(X), y))
        changes.append(np.concatenate([np.linalg.norm(a - b, axis=0) for a, b in zip(incoming(), before)]))
        dead.append(np.concatenate(diagnostics.dead_units(net, X)))
    return Revival(lr, momentum, np.array(dead), layer, np.array(changes), acc)


@dataclass
class DataCloud:
    """The 2-D data and the first hidden layer of the net trained by :func:`data_cloud`, with its dead units."""

    X: np.ndarray
    y: np.ndarray
    W: np.ndarray  # (2, units): first-layer weights
    b: np.ndarray  # (units,)
    dead: np.ndarray  # (units,) bool
    accuracy: float


def data_cloud(lr: float = 1.0, epochs: int = 30, units: int = 12, seed: int = 0) -> DataCloud:
    """A 2-D picture of dying: train a ``2-units-units-2`` ReLU net on the two moons (not
    centered at the origin) with a large learning rate and return the first layer's units."""
    ds = data.moons(200, noise=0.15, rng=seed)
    X = ds.X_train + np.array([1.5, 1.0])  # a cloud away from the origin, as raw features often are
    net = nn.MLP([2, units, units, 2], "relu", "he_normal", rng=seed)
    history = nn.train(net, X, ds.y_train, lr=lr, epochs=epochs, batch_size=16, rng=seed, on_divergence="stop")
    return DataCloud(X, ds.y_train, net.weights[0].copy(), net.biases[0].copy(), diagnostics.dead_units(net, X)[0],
                     history.accuracy[-1] if history.accuracy else float("nan"))


@memoize
def run_chapter() -> dict:
    """Every experiment the chapter shows, with its default settings."""
    return {"cloud": data_cloud(), "sweep": learning_rate_sweep(),
            "variants": learning_rate_sweep(arms=VARIANT_ARMS, seeds=range(5)), "bias": bias_at_init(),
            "cliff": learning_rate_sweep(arms=(("ReLU", "raw"),), lrs=np.geomspace(0.3, 1.5, 6), seeds=range(5)),
            "revival": revival(), "momentum": revival(lr=0.07, momentum=0.9)}


def _crossing(lrs, values, level):
    """The learning rate at which ``values`` first reach ``level``, interpolated in log(lr)."""
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=1.0)
    hit = np.flatnonzero(v >= level)
    if not hit.size:
        return float("nan")
    k = hit[0]
    if k == 0:
        return float(lrs[0])
    t = (level - v[k - 1]) / (v[k] - v[k - 1])
    return float(np.exp(np.log(lrs[k - 1]) + t * (np.log(lrs[k]) - np.log(lrs[k - 1]))))


def _claim_index(sweep) -> int:
    return int(np.argmin(np.abs(np.log(sweep.lrs / CLAIM_LR))))


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    cloud, sweep, bias, rec = results["cloud"], results["sweep"], results["bias"], results["revival"]
    out = {"cloud-dead": int(cloud.dead.sum()), "cloud-units": int(cloud.dead.size),
           "cloud-accuracy": 100 * cloud.accuracy, "seeds": len(sweep.seeds), "n-lrs": int(sweep.lrs.size),
           "lr-min": float(sweep.lrs[0]), "lr-max": float(sweep.lrs[-1])}
    relu = sweep.mean_dead("ReLU")
    acc = sweep.mean_accuracy("ReLU")
    good = acc >= acc.max() - 0.05  # learning rates that train about as well as the best
    out["relu-dead-good-max"] = 100 * float(np.nanmax(sweep.dead[("ReLU", "raw")][good]))
    out["relu-good-lr-max"] = float(sweep.lrs[good].max())
    out["relu-best-acc"] = 100 * float(acc.max())
    first_40 = int(np.argmax(relu >= 0.4)) if np.any(relu >= 0.4) else None
    out["lr-first-40"] = float(sweep.lrs[first_40]) if first_40 is not None else float("nan")
    out["dead-first-40"] = 100 * float(relu[first_40]) if first_40 is not None else float("nan")
    out["acc-first-40"] = 100 * float(acc[first_40]) if first_40 is not None else float("nan")
    out["relu-dead-max"] = 100 * float(np.nanmax(relu))
    k = good.nonzero()[0].max()  # the largest learning rate that still trains well
    out["lr-edge"] = float(sweep.lrs[k])
    keys = (("ReLU", "raw", "relu"), ("ReLU", "centered", "centered"), ("ReLU, bias 0.1", "raw", "bias"),
            ("Leaky ReLU", "raw", "leaky"), ("ELU", "raw", "elu"))
    variants = results["variants"]

    def source(label, inputs):
        return sweep if (label, inputs) in sweep.dead else variants

    for label, inputs, key in keys:
        src = source(label, inputs)
        if (label, inputs) not in src.dead:
            continue
        d, a = src.mean_dead(label, inputs), src.mean_accuracy(label, inputs)
        inactive = src.inactive[(label, inputs)]
        out[f"{key}-dead-edge"] = 100 * float(d[k])
        out[f"{key}-acc-edge"] = 100 * float(a[k])
        nxt = k + 1 < d.size
        out[f"{key}-dead-next"] = 100 * float(d[k + 1]) if nxt else float("nan")
        out[f"{key}-inactive-next"] = 100 * float(np.nanmean(inactive[k + 1])) if nxt else float("nan")
        out[f"{key}-acc-next"] = 100 * float(a[k + 1]) if nxt else float("nan")
        out[f"{key}-diverged"] = int(src.diverged[(label, inputs)].sum())
        out[f"{key}-runs"] = int(src.diverged[(label, inputs)].size)
        out[f"{key}-cliff"] = _crossing(src.lrs, d, 0.4)
        out[f"{key}-best-acc"] = 100 * float(np.nanmax(a))
    out["lr-next"] = float(sweep.lrs[k + 1]) if k + 1 < sweep.lrs.size else float("nan")
    # ReLU on centered inputs: the largest dead fraction at the learning rates where raw inputs fall off the cliff
    centered_ok = sweep.lrs <= 2 * np.nan_to_num(out["relu-cliff"], nan=sweep.lrs[-1])
    out["centered-dead-upto"] = 100 * float(np.nanmax(sweep.dead[("ReLU", "centered")][centered_ok]))
    out["centered-upto-lr"] = float(sweep.lrs[centered_ok].max())
    past = centered_ok & (sweep.lrs > out["relu-cliff"])
    out["centered-acc-upto"] = (100 * float(sweep.mean_accuracy("ReLU", "centered")[past].min()) if past.any()
                                else float("nan"))
    # the ELU units counted as dead: only where the network has blown up
    # every ELU run (learning rate × seed) with more than 20 % of its units flagged
    elu_dead, elu_acc = variants.dead[("ELU", "raw")], variants.accuracy[("ELU", "raw")]
    blown = np.nan_to_num(elu_dead) > 0.2
    out["elu-dead-runs"] = int(blown.sum())
    out["elu-dead-acc-max"] = 100 * float(np.max(elu_acc[blown])) if blown.any() else float("nan")
    out["elu-dead-first-lr"] = float(variants.lrs[blown.any(axis=1)][0]) if blown.any() else float("nan")
    out["variant-seeds"] = len(variants.seeds)
    out["elu-z-threshold"] = float(np.log(DEAD_TOL))
    c = _claim_index(sweep)
    out["claim-lr"] = float(sweep.lrs[c])
    for label, inputs, key in keys:
        src = source(label, inputs)
        ci = int(np.argmin(np.abs(np.log(src.lrs / CLAIM_LR))))
        out[f"{key}-dead-claim"] = 100 * float(src.mean_dead(label, inputs)[ci])
        out[f"{key}-acc-claim"] = 100 * float(src.mean_accuracy(label, inputs)[ci])
    cv = int(np.argmin(np.abs(np.log(variants.lrs / CLAIM_LR))))
    out["leaky-inactive-claim"] = 100 * float(np.nanmean(variants.inactive[("Leaky ReLU", "raw")][cv]))
    out["leaky-diverged-claim"] = int(variants.diverged[("Leaky ReLU", "raw")][cv].sum())
    out["runs"] = int(sweep.lrs.size * len(sweep.seeds))
    for name, b in (("0", 0.0), ("1", -1.0), ("2", -2.0)):
        i = int(np.argmin(np.abs(bias.biases - b)))
        out[f"bias-dead-{name}"] = 100 * float(bias.dead["raw"][i].mean())
        out[f"bias-dead-{name}-centered"] = 100 * float(bias.dead["centered"][i].mean())
        out[f"bias-dead-{name}-max"] = 100 * float(bias.dead["raw"][i].max())
    cliff = results["cliff"]
    fine = cliff.mean_dead("ReLU")
    above = np.flatnonzero(fine >= 0.4)
    out["ex-cliff-lo"] = float(cliff.lrs[above[0] - 1]) if above.size and above[0] > 0 else float("nan")
    out["ex-cliff-hi"] = float(cliff.lrs[above[0]]) if above.size else float("nan")
    out["ex-cliff-dead-lo"] = 100 * float(fine[above[0] - 1]) if above.size and above[0] > 0 else float("nan")
    out["ex-cliff-dead-hi"] = 100 * float(fine[above[0]]) if above.size else float("nan")
    fine_acc = cliff.mean_accuracy("ReLU")
    out["ex-cliff-acc-lo"] = 100 * float(fine_acc[above[0] - 1]) if above.size and above[0] > 0 else float("nan")
    out["ex-cliff-acc-hi"] = 100 * float(fine_acc[above[0]]) if above.size else float("nan")
    out["rev-lr"] = rec.lr
    out["rev-dead-1"] = int(rec.dead[-1][rec.layer == 0].sum())
    out["rev-width-1"] = int(np.sum(rec.layer == 0))
    out["rev-dead-1-pct"] = 100 * out["rev-dead-1"] / out["rev-width-1"]
    out["rev-ever-1"] = rec.ever_dead(0)
    out["rev-revived-1"] = rec.revived(0)
    out["rev-revived-2"] = rec.revived(1)
    out["rev-ever-2"] = rec.ever_dead(1)
    out["rev-frozen-1"] = rec.frozen_change(0)
    out["rev-frozen-2"] = rec.frozen_change(1)
    out["rev-acc"] = 100 * rec.accuracy[-1]
    for name, effect in _effects(results).items():
        out[f"claim-{name}-mean"] = 100 * effect.mean
        out[f"claim-{name}-lo"], out[f"claim-{name}-hi"] = (100 * v for v in effect.ci)
    mom = results["momentum"]
    out["mom-lr"], out["mom-momentum"] = mom.lr, mom.momentum
    out["mom-ever-1"], out["mom-revived-1"] = mom.ever_dead(0), mom.revived(0)
    out["mom-frozen-1"] = mom.frozen_change(0)
    out["mom-live-1"] = mom.live_change(0)
    return out


def _effects(results: dict) -> dict:
    """The paired effects behind the seeded claims, at the learning rate nearest :data:`CLAIM_LR`."""
    sweep = results["sweep"]
    c = _claim_index(sweep)
    raw, cen = sweep.dead[("ReLU", "raw")][c], sweep.dead[("ReLU", "centered")][c]
    bias = sweep.dead[("ReLU, bias 0.1", "raw")][c]
    unit = "fraction of hidden units dead"
    return {"forty": stats.one_sample(raw - 0.4, unit=f"{unit}, minus 0.40"),
            "centering": stats.paired(raw, cen, unit=unit), "bias": stats.paired(raw, bias, unit=unit)}


def claims(results: dict) -> list[stats.Claim]:
    """The claims about dead ReLUs that this chapter tests.

    The seeded claims are read off the sweep at the learning rate nearest :data:`CLAIM_LR`,
    fixed before the results were seen; arms are paired by seed (same initial weights and
    minibatch order). No hyperparameter is tuned, so no validation split is involved.
    """
    sweep = results["sweep"]
    s = summary(results)
    lr = float(sweep.lrs[_claim_index(sweep)])
    effects = _effects(results)
    forty, centering, trick = effects["forty"], effects["centering"], effects["bias"]
    n = len(sweep.seeds)
    forty_caveat = (f"only with uncentered inputs (pixels in [0, 1]) and a learning rate past the cliff (lr {lr:g}, "
                    f"where the network no longer learns: {s['relu-acc-claim']:.0f} % training accuracy); with "
                    f"centered inputs {s['centered-dead-claim']:.0f} % die at the same rate")
    return [
        stats.Claim("relu-dies-40-percent", "As much as 40 % of a ReLU network can die with a learning rate that is "
                    "too high.", "Karpathy, CS231n notes (Neural Networks Part 1)",
                    f"dead fraction of a 64-64-64-10 ReLU net on the digits after 6 epochs of SGD at lr {lr:g}, "
                    f"{n} seeds: {s['relu-dead-claim']:.0f} % on average",
                    stats.verdict(forty, caveat=forty_caveat), forty, "fig-dead-sweep", forty_caveat),
        stats.Claim("centering-keeps-relu-alive", "Centering the inputs keeps ReLU units from dying at a high "
                    "learning rate.", "this book's control (the first remedy)",
                    f"dead fraction with raw minus centered inputs at lr {lr:g}, paired by seed ({n} seeds): "
                    f"{s['relu-dead-claim']:.0f} % vs {s['centered-dead-claim']:.0f} %",
                    stats.verdict(centering), centering, "fig-dead-sweep"),
        stats.Claim("positive-bias-fewer-dead", "A small positive initial bias (0.1) keeps ReLU units from dying.",
                    "CS231n lecture 6 (as a maybe)",
                    f"dead fraction with bias 0 minus bias 0.1 at lr {lr:g}, paired by seed ({n} seeds): "
                    f"{s['relu-dead-claim']:.0f} % vs {s['bias-dead-claim']:.0f} %",
                    stats.verdict(trick), trick, "fig-dead-sweep"),
        stats.Claim("leaky-elu-do-not-die", "Leaky ReLU and ELU do not die.", "common advice",
                    f"their slope is never exactly 0, so no unit can die (0 Leaky ReLU units dead at every rate); ELU "
                    f"units with slope < 1e-6 on every example (z < {s['elu-z-threshold']:.1f}) appear only in blown-up "
                    f"networks (at most {s['elu-dead-acc-max']:.0f} % accuracy there)",
                    "holds with caveats", None, "dead-relu-variants",
                    "not dying does not rescue a learning rate that is too high: past the cliff Leaky ReLU units are "
                    f"switched off on every example ({s['leaky-inactive-claim']:.0f} % at lr {lr:g}) and both fail "
                    "like ReLU"),
        stats.Claim("dead-relu-never-revives", "A dead ReLU unit never comes back.",
                    "Karpathy, CS231n notes (Neural Networks Part 1)",
                    f"first layer, plain SGD: weights of dead units change by exactly {s['rev-frozen-1']:g}; second "
                    f"layer: {s['rev-revived-2']} of {s['rev-ever-2']} dead units came back; with momentum "
                    f"{s['mom-momentum']:g} a dead unit's weights still moved by up to {s['mom-frozen-1']:.2f}",
                    "holds with caveats", None, "fig-revival",
                    "exact only for first-layer units under plain SGD; deeper units revive and momentum keeps moving "
                    "a dead unit's weights for a while"),
    ]
