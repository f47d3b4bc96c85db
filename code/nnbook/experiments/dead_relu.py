"""Experiments of the chapter on dead ReLUs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import data, diagnostics, nn
from nnbook._validation import as_generator, positive_int
from nnbook.experiments._memo import memoize

__all__ = ["digits_subset", "SweepResult", "learning_rate_sweep", "bias_at_init", "Revival", "revival",
           "DataCloud", "data_cloud"]

#: ``|f'| ≤ 1e-6 · max|f'|`` at every example counts as dead: catches ELU units pushed
#: so far negative that their gradient is negligible, and is exactly 0 for ReLU.
DEAD_TOL = 1e-6


def digits_subset(n_train: int = 600, rng=0):
    """The first ``n_train`` training digits scaled to [0, 1] (pixel / 16), and their labels."""
    ds = data.digits(rng=rng)
    n = positive_int(n_train, "n_train")
    return ds.X_train[:n] / 16.0, ds.y_train[:n]


@dataclass
class SweepResult:
    """Dead fraction after training, per configuration, learning rate and seed.

    Arrays have shape (len(lrs), len(seeds)); entries of diverged runs are NaN.
    """

    configs: list  # labels
    lrs: np.ndarray
    seeds: list
    dead: dict  # label -> array
    inactive: dict  # label -> array: pre-activation ≤ 0 everywhere (ReLU: = dead)
    accuracy: dict  # label -> array: training accuracy at the end
    diverged: dict  # label -> bool array

    def mean_dead(self, label) -> np.ndarray:
        """Mean dead fraction over seeds at each learning rate (NaN where every seed diverged)."""
        d = self.dead[label]
        return np.array([np.nan if np.all(np.isnan(row)) else np.nanmean(row) for row in d])


_CONFIGS = {"ReLU": ("relu", 0.0), "ReLU, bias 0.1": ("relu", 0.1), "Leaky ReLU": ("leaky_relu", 0.0),
            "ELU": ("elu", 0.0)}


def learning_rate_sweep(configs=("ReLU", "Leaky ReLU", "ELU"), lrs=None, seeds=(0, 1, 2), *,
                        hidden=(64, 64), epochs: int = 6, batch_size: int = 32, n_train: int = 600,
                        dtype=np.float32) -> SweepResult:
    """Train a ``64-hidden-…-10`` net on digits at each learning rate and count dead units.

    ``configs`` are labels from: "ReLU", "ReLU, bias 0.1" (the small-positive-bias trick),
    "Leaky ReLU", "ELU". Minibatch SGD without momentum, He initialization; seed ``s``
    draws the initial weights and the minibatch order. Diverged runs are marked, not
    counted.
    """
    lrs = np.geomspace(0.03, 3.0, 7) if lrs is None else np.asarray(lrs, dtype=float)
    X, y = digits_subset(n_train)
    unknown = [c for c in configs if c not in _CONFIGS]
    if unknown:
        raise ValueError(f"unknown configurations {unknown}; choose from {list(_CONFIGS)}")
    shape = (lrs.size, len(seeds))
    res = SweepResult(list(configs), lrs, list(seeds), {}, {}, {}, {})
    for label in configs:
        activation, bias = _CONFIGS[label]
        dead, inactive, acc = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
        diverged = np.zeros(shape, dtype=bool)
        for i, lr in enumerate(lrs):
            for j, s in enumerate(seeds):
                net = nn.MLP([X.shape[1], *hidden, 10], activation, "he_normal", rng=s, bias=bias, dtype=dtype)
                history = nn.train(net, X, y, lr=lr, epochs=epochs, batch_size=batch_size, rng=s,
                                   on_divergence="stop")
                if history.diverged:
                    diverged[i, j] = True
                    continue
                dead[i, j] = diagnostics.dead_fraction(net, X, tol=DEAD_TOL)
                inactive[i, j] = diagnostics.inactive_fractions(net, X).mean()
                acc[i, j] = history.accuracy[-1]
        res.dead[label], res.inactive[label], res.accuracy[label], res.diverged[label] = dead, inactive, acc, diverged
    return res


def bias_at_init(biases=None, seeds=(0, 1, 2), *, hidden=(64, 64), n_train: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Dead fraction of a freshly initialized (He) ReLU net on the digits, per initial bias.

    Returns ``(biases, dead)`` with ``dead`` of shape (len(biases), len(seeds)).
    """
    biases = np.linspace(-3.0, 0.5, 15) if biases is None else np.asarray(biases, dtype=float)
    X, _ = digits_subset(n_train)
    dead = np.array([[diagnostics.dead_fraction(nn.MLP([X.shape[1], *hidden, 10], "relu", "he_normal", rng=s,
                                                         bias=b), X) for s in seeds] for b in biases])
    return biases, dead


@dataclass
class Revival:
    """Per-epoch record of one ReLU training run."""

    lr: float
    dead: np.ndarray  # (epochs + 1, hidden units) bool, layer by layer concatenated
    layer: np.ndarray  # (hidden units,) layer index (0 = first hidden layer) of each unit
    weight_change: np.ndarray  # (epochs, hidden units): ‖Δ incoming weights‖ in each epoch
    accuracy: list

    def revived(self, layer: int) -> int:
        """Units of ``layer`` that were dead at the end of some epoch and alive later."""
        d = self.dead[:, self.layer == layer]
        was_dead = np.maximum.accumulate(d, axis=0)
        return int(np.sum(np.any(was_dead[:-1] & ~d[1:], axis=0)))

    def frozen_change(self, layer: int) -> float:
        """Largest change of the incoming weights of a ``layer`` unit in an epoch that began
        with the unit dead."""
        mask = self.dead[:-1][:, self.layer == layer]
        changes = self.weight_change[:, self.layer == layer]
        return float(changes[mask].max()) if mask.any() else float("nan")


def revival(lr: float = 0.7, epochs: int = 15, *, seed: int = 2, hidden=(64, 64), batch_size: int = 32,
            n_train: int = 600) -> Revival:
    """Train a ReLU net on digits one epoch at a time, recording which units are dead and how
    much each unit's incoming weights (and bias) change per epoch."""
    X, y = digits_subset(n_train)
    rng = as_generator(seed)
    net = nn.MLP([X.shape[1], *hidden, 10], "relu", "he_normal", rng=seed)
    layer = np.concatenate([np.full(w, l) for l, w in enumerate(hidden)])

    def incoming():
        return [np.vstack([W, b]) for W, b in zip(net.weights[:-1], net.biases[:-1])]

    dead = [np.concatenate(diagnostics.dead_units(net, X))]
    changes, acc = [], []
    for _ in range(positive_int(epochs, "epochs")):
        before = incoming()
        history = nn.train(net, X, y, lr=lr, epochs=1, batch_size=batch_size, rng=rng)
        changes.append(np.concatenate([np.linalg.norm(a - b, axis=0) for a, b in zip(incoming(), before)]))
        dead.append(np.concatenate(diagnostics.dead_units(net, X)))
        acc.append(history.accuracy[-1])
    return Revival(lr, np.array(dead), layer, np.array(changes), acc)


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
    return {"cloud": data_cloud(), "sweep": learning_rate_sweep(configs=tuple(_CONFIGS)),
            "bias": bias_at_init(), "revival": revival()}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    cloud, sweep, (biases, bias_dead), rec = results["cloud"], results["sweep"], results["bias"], results["revival"]
    out = {"cloud-dead": int(cloud.dead.sum()), "cloud-units": int(cloud.dead.size),
           "cloud-accuracy": 100 * cloud.accuracy}
    relu = sweep.mean_dead("ReLU")
    acc = np.nanmean(sweep.accuracy["ReLU"], axis=1)
    good = acc >= acc.max() - 0.05  # learning rates that train about as well as the best
    out["relu-dead-good-max"] = 100 * float(np.nanmax(sweep.dead["ReLU"][good]))
    out["relu-good-lr-max"] = float(sweep.lrs[good].max())
    out["relu-best-acc"] = 100 * float(acc.max())
    first_40 = int(np.argmax(relu >= 0.4)) if np.any(relu >= 0.4) else None
    out["lr-first-40"] = float(sweep.lrs[first_40]) if first_40 is not None else float("nan")
    out["dead-first-40"] = 100 * float(relu[first_40]) if first_40 is not None else float("nan")
    out["acc-first-40"] = 100 * float(acc[first_40]) if first_40 is not None else float("nan")
    out["relu-dead-max"] = 100 * float(np.nanmax(relu))
    k = good.nonzero()[0].max()  # the largest learning rate that still trains well
    out["lr-edge"] = float(sweep.lrs[k])
    for label, key in (("ReLU", "relu"), ("ReLU, bias 0.1", "bias"), ("Leaky ReLU", "leaky"), ("ELU", "elu")):
        d = sweep.mean_dead(label)
        out[f"{key}-dead-edge"] = 100 * float(d[k])
        out[f"{key}-dead-next"] = 100 * float(d[k + 1]) if k + 1 < d.size else float("nan")
        out[f"{key}-inactive-next"] = 100 * float(np.nanmean(sweep.inactive[label][k + 1])) if k + 1 < d.size else float("nan")
        out[f"{key}-acc-next"] = 100 * float(np.nanmean(sweep.accuracy[label][k + 1])) if k + 1 < d.size else float("nan")
        out[f"{key}-acc-edge"] = 100 * float(np.nanmean(sweep.accuracy[label][k]))
        out[f"{key}-diverged"] = int(sweep.diverged[label].sum())
    out["lr-next"] = float(sweep.lrs[k + 1]) if k + 1 < sweep.lrs.size else float("nan")
    out["runs"] = int(sweep.lrs.size * len(sweep.seeds))
    out["bias-dead-0"] = 100 * float(bias_dead[np.argmin(np.abs(biases))].mean())
    out["bias-dead-1"] = 100 * float(bias_dead[np.argmin(np.abs(biases + 1))].mean())
    out["bias-dead-2"] = 100 * float(bias_dead[np.argmin(np.abs(biases + 2))].mean())
    out["rev-lr"] = rec.lr
    out["rev-dead-1"] = int(rec.dead[-1][rec.layer == 0].sum())
    out["rev-width-1"] = int(np.sum(rec.layer == 0))
    out["rev-dead-1-pct"] = 100 * out["rev-dead-1"] / out["rev-width-1"]
    out["rev-ever-1"] = int(rec.dead[:, rec.layer == 0].any(axis=0).sum())
    out["rev-revived-1"] = rec.revived(0)
    out["rev-revived-2"] = rec.revived(1)
    out["rev-ever-2"] = int(rec.dead[:, rec.layer == 1].any(axis=0).sum())
    out["rev-frozen-1"] = rec.frozen_change(0)
    out["rev-frozen-2"] = rec.frozen_change(1)
    out["rev-acc"] = 100 * rec.accuracy[-1]
    return out
