"""Hyperparameter search: search spaces, random and grid search, seeded.

A search space is a dict from a hyperparameter's name to a *dimension*::

    >>> from nnbook import search
    >>> space = {"lr": search.LogUniform(1e-4, 1e-1), "hidden": search.Choice([16, 32, 64])}
    >>> trials = search.random_search(space, 3, rng=0)
    >>> sorted(trials[0])
    ['hidden', 'lr']

* :class:`Uniform` ``(low, high)`` — values spread evenly on a linear scale;
* :class:`LogUniform` ``(low, high)`` — ``10 ** Uniform(log10 low, log10 high)``: every decade
  gets the same share of samples, the right scale for learning rates and regularization;
* :class:`Choice` ``(values)`` — one of a finite list.

:func:`random_search` draws ``n`` independent configurations; :func:`grid_search` takes the
Cartesian product of ``k`` values per dimension. :func:`evaluate` runs an objective on each
configuration, and :func:`at_edge` warns when the best value sits at the border of its range.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from nnbook._validation import as_generator, nonnegative_scalar, positive_int, positive_scalar, real_scalar

__all__ = ["Uniform", "LogUniform", "Choice", "random_search", "grid_search", "Trial", "evaluate", "best",
           "at_edge", "narrow"]


@dataclass(frozen=True)
class Uniform:
    """Uniform on ``[low, high]``."""

    low: float
    high: float

    def __post_init__(self):
        low, high = real_scalar(self.low, "low"), real_scalar(self.high, "high")
        if not low < high:
            raise ValueError(f"need low < high; got low={low}, high={high}")
        if not math.isfinite(high - low):
            raise ValueError(f"the range high - low must be a finite float; got low={low}, high={high} "
                             f"(allowed: |high - low| <= {np.finfo(float).max:.3g})")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def sample(self, rng, size: int) -> np.ndarray:
        """``size`` independent draws."""
        return as_generator(rng).uniform(self.low, self.high, size)

    def grid(self, k: int) -> np.ndarray:
        """``k`` evenly spaced values including both ends (the middle for ``k = 1``)."""
        k = positive_int(k, "k")
        return np.array([(self.low + self.high) / 2]) if k == 1 else np.linspace(self.low, self.high, k)

    def position(self, value: float) -> float:
        """Where ``value`` lies in the range: 0 at ``low``, 1 at ``high``."""
        value = real_scalar(value, "value")
        return (value - self.low) / (self.high - self.low)


@dataclass(frozen=True)
class LogUniform:
    """Log-uniform on ``[low, high]`` (both > 0): ``10 ** Uniform(log10 low, log10 high)``."""

    low: float
    high: float

    def __post_init__(self):
        low, high = positive_scalar(self.low, "low"), positive_scalar(self.high, "high")
        if not low < high:
            raise ValueError(f"need low < high; got low={low}, high={high}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def sample(self, rng, size: int) -> np.ndarray:
        """``size`` independent draws; each decade of the range gets the same share."""
        return 10.0 ** as_generator(rng).uniform(math.log10(self.low), math.log10(self.high), size)

    def grid(self, k: int) -> np.ndarray:
        """``k`` geometrically spaced values including both ends."""
        k = positive_int(k, "k")
        return np.array([math.sqrt(self.low * self.high)]) if k == 1 else np.geomspace(self.low, self.high, k)

    def position(self, value: float) -> float:
        """Where ``value`` (> 0) lies on the log scale: 0 at ``low``, 1 at ``high``."""
        value = positive_scalar(value, "value")
        return (math.log10(value) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))


@dataclass(frozen=True)
class Choice:
    """One of ``values`` (sampled with equal probability)."""

    values: tuple

    def __post_init__(self):
        if isinstance(self.values, (str, bytes)) or not hasattr(self.values, "__iter__"):
            raise TypeError(f"values must be a list or tuple of the choices, e.g. Choice([16, 32, 64]); "
                            f"got {self.values!r}")
        values = tuple(self.values)
        if len(values) == 0:
            raise ValueError("values must hold at least one choice; got an empty sequence")
        object.__setattr__(self, "values", values)

    def sample(self, rng, size: int) -> list:
        """``size`` independent draws, each value equally likely."""
        idx = as_generator(rng).integers(0, len(self.values), size)
        return [self.values[i] for i in idx]

    def grid(self, k: int | None = None) -> list:
        """All values (``k`` is ignored: a choice is always enumerated in full)."""
        return list(self.values)


def _check_space(space) -> dict:
    if not isinstance(space, dict) or not space:
        raise ValueError("space must be a non-empty dict of name -> Uniform, LogUniform or Choice")
    for name, dim in space.items():
        if not isinstance(dim, (Uniform, LogUniform, Choice)):
            raise TypeError(f"space[{name!r}] must be Uniform, LogUniform or Choice; got {type(dim).__name__}")
    return space


def _scalar(v):
    return v.item() if isinstance(v, np.generic) else v


def random_search(space: dict, n_trials: int, *, rng) -> list[dict]:
    """``n_trials`` configurations, each dimension drawn independently.

    The same ``rng`` seed always gives the same configurations.
    """
    space = _check_space(space)
    n = positive_int(n_trials, "n_trials")
    rng = as_generator(rng)
    columns = {name: dim.sample(rng, n) for name, dim in space.items()}
    return [{name: _scalar(columns[name][i]) for name in space} for i in range(n)]


def grid_search(space: dict, points: int | dict = 3) -> list[dict]:
    """Every combination of ``points`` values per dimension (an int for all, or a dict per name).

    ``Uniform`` and ``LogUniform`` are gridded linearly and geometrically, ends included;
    ``Choice`` contributes all its values.
    """
    space = _check_space(space)
    if isinstance(points, dict):
        unknown = sorted(set(points) - set(space), key=str)
        if unknown:
            raise ValueError(f"points has key(s) {', '.join(map(repr, unknown))} that are not in the space; "
                             f"allowed keys are: {', '.join(map(repr, space))}")
        per = {name: positive_int(k, f"points[{name!r}]") for name, k in points.items()}
    else:
        per = {name: positive_int(points, "points") for name in space}
    axes = [dim.grid(per.get(name, 3)) for name, dim in space.items()]
    return [{name: _scalar(v) for name, v in zip(space, combo)} for combo in itertools.product(*axes)]


@dataclass
class Trial:
    """A configuration and the value the objective returned for it (lower is better)."""

    config: dict
    value: float


def evaluate(objective, configs) -> list[Trial]:
    """Run ``objective(**config)`` for each configuration. Non-finite values (a diverged run)
    are kept as ``inf`` so that they never win."""
    if not callable(objective):
        raise TypeError(f"objective must be a function called as objective(**config); got {objective!r}")
    trials = []
    for config in configs:
        result = objective(**config)
        if isinstance(result, bool) or not isinstance(result, (int, float, np.integer, np.floating)):
            raise TypeError(f"objective must return a real number (lower is better) for every config; "
                            f"for {config} it returned {result!r}")
        v = float(result)
        trials.append(Trial(dict(config), v if np.isfinite(v) else float("inf")))
    return trials


def _check_trials(trials) -> list:
    trials = list(trials)
    if not trials:
        raise ValueError("trials is empty: pass the list of Trial objects that evaluate() returned")
    for i, t in enumerate(trials):
        if not isinstance(t, Trial):
            raise TypeError(f"trials[{i}] must be a search.Trial (from evaluate); got {type(t).__name__}")
    return trials


def _check_key(trial, name):
    if name not in trial.config:
        raise ValueError(f"the space has a dimension {name!r} that the trial's config {trial.config} lacks; "
                         "trials and space must name the same hyperparameters")


def best(trials) -> Trial:
    """The trial with the lowest value."""
    trials = _check_trials(trials)
    return min(trials, key=lambda t: t.value)


def at_edge(trials, space: dict, margin: float = 0.1) -> list[str]:
    """Names of the continuous dimensions whose best value lies within ``margin`` (as a
    fraction of the range, on the dimension's own scale) of either end of its range.

    A best value at the edge means the optimum may lie outside the range searched: widen
    the range in that direction and search again.
    """
    space = _check_space(space)
    margin = nonnegative_scalar(margin, "margin")
    if margin >= 0.5:
        raise ValueError(f"margin must be in [0, 0.5) (a fraction of the range at each end); got {margin}")
    winner = best(trials)
    flagged = []
    for name, dim in space.items():
        if isinstance(dim, Choice):
            continue
        _check_key(winner, name)
        pos = dim.position(winner.config[name])
        if pos < margin or pos > 1 - margin:
            flagged.append(name)
    return flagged


def narrow(trials, space: dict, top: int = 5, pad: float = 0.5) -> dict:
    """A finer search space around the ``top`` best trials (coarse-to-fine search).

    For each continuous dimension, the new range spans the top trials' values, widened by
    ``pad`` times that span on each side (on the log scale for :class:`LogUniform`);
    ``Choice`` dimensions are kept.
    """
    space = _check_space(space)
    pad = nonnegative_scalar(pad, "pad")
    ranked = sorted(_check_trials(trials), key=lambda t: t.value)[:positive_int(top, "top")]
    for name, dim in space.items():
        if not isinstance(dim, Choice):
            for t in ranked:
                _check_key(t, name)
    out = {}
    for name, dim in space.items():
        if isinstance(dim, Choice):
            out[name] = dim
            continue
        vals = np.array([t.config[name] for t in ranked], dtype=float)
        if isinstance(dim, LogUniform):
            lo, hi = np.log10(vals.min()), np.log10(vals.max())
            span = max(hi - lo, 0.1)
            out[name] = LogUniform(10 ** (lo - pad * span), 10 ** (hi + pad * span))
        else:
            lo, hi = vals.min(), vals.max()
            span = max(hi - lo, 1e-3 * (dim.high - dim.low))
            out[name] = Uniform(lo - pad * span, hi + pad * span)
    return out
