"""Experiments of the chapter on softmax and temperature."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook import nn
from nnbook._validation import as_generator, as_real_array
from nnbook.gradcheck import norm_relative_error, numerical_gradient

__all__ = ["naive_softmax", "TemperatureSweep", "temperature_sweep", "cross_entropy_gradient_check", "LOGITS",
           "run_chapter", "summary"]


def naive_softmax(x) -> np.ndarray:
    """``exp(x) / Σ exp(x)`` as written, without subtracting the maximum — for demonstration only.

    Overflow is silenced so that the result (inf/inf = NaN) can be shown; never use this.
    """
    x = as_real_array(x)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True)


@dataclass
class TemperatureSweep:
    """Softmax probabilities (one row per temperature) and their entropies, for one vector of logits."""

    logits: np.ndarray
    temperatures: np.ndarray
    probabilities: np.ndarray  # (n_T, K)
    entropies: np.ndarray  # (n_T,)

    @property
    def max_entropy(self) -> float:
        """log K, the entropy of the uniform distribution."""
        return float(np.log(self.logits.size))


def temperature_sweep(logits, temperatures) -> TemperatureSweep:
    """Softmax probabilities and their entropy for each temperature."""
    logits = as_real_array(logits, "logits")
    temps = as_real_array(temperatures, "temperatures")
    probs = np.stack([act.softmax(logits, T=t) for t in temps])
    return TemperatureSweep(logits, temps, probs, act.entropy(probs, axis=1))


def cross_entropy_gradient_check(n: int = 5, classes: int = 4, rng=0) -> tuple[float, np.ndarray, np.ndarray]:
    """Compare ``(p − onehot(y)) / N`` with a numerical gradient of the mean cross-entropy.

    Returns the relative error, the analytic gradient and the numerical one.
    """
    rng = as_generator(rng)
    scores = rng.standard_normal((n, classes))
    y = rng.integers(0, classes, n)
    p = act.softmax(scores, axis=1)
    analytic = (p - np.eye(classes)[y]) / n
    numeric = numerical_gradient(lambda s: nn.softmax_cross_entropy(s, y)[0], scores)
    return norm_relative_error(analytic, numeric), analytic, numeric


#: The logits the chapter uses throughout.
LOGITS = (2.0, 1.0, 0.5, -1.0, 0.0)


def run_chapter() -> tuple[np.ndarray, TemperatureSweep, TemperatureSweep]:
    """The chapter's logits, their softmax at three temperatures, and over 300 log-spaced
    temperatures from 1e-3 to 1e3."""
    logits = np.array(LOGITS)
    return (logits, temperature_sweep(logits, [0.01, 1.0, 5.0]),
            temperature_sweep(logits, np.geomspace(1e-3, 1e3, 300)))


def summary(bars: TemperatureSweep, curve: TemperatureSweep) -> dict:
    """The numbers the chapter quotes, by name."""
    out = {f"entropy-T{t:g}": float(h) for t, h in zip(bars.temperatures, bars.entropies)}
    return out | {"log-k": curve.max_entropy, "k": int(curve.logits.size), "entropy-low": float(curve.entropies[0]),
                  "entropy-high": float(curve.entropies[-1])}
