"""Experiments of the chapter on softmax and temperature.

Stable softmax and log-softmax, the softmax Jacobian and the ``p − y`` cancellation, the
two-class case, cross-entropy against squared error on a sigmoid, the entropy as a function
of the temperature, and temperature scaling as a calibration of a digits classifier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit

from nnbook import activations as act
from nnbook import data, nn, stats
from nnbook._validation import as_generator, as_real_array, positive_int, positive_scalar
from nnbook.experiments._memo import memoize
from nnbook.gradcheck import norm_relative_error, numerical_gradient

__all__ = ["naive_softmax", "TemperatureSweep", "temperature_sweep", "cross_entropy_gradient_check", "LOGITS",
           "softmax_jacobian", "jacobian_check", "two_class_gap", "BinaryGradients", "binary_gradients",
           "entropy_temperature_derivative", "nll", "expected_calibration_error", "Calibration",
           "temperature_calibration", "run_chapter", "summary", "claims"]


def naive_softmax(x) -> np.ndarray:
    """``exp(x) / Σ exp(x)`` as written, without subtracting the maximum — for demonstration only.

    Overflow and underflow are silenced so that the result (inf/inf or 0/0 = NaN) can be
    shown; never use this.
    """
    x = as_real_array(x)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
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


def softmax_jacobian(p) -> np.ndarray:
    """The Jacobian ``∂p_i/∂x_j = p_i (δ_ij − p_j)`` of softmax at ``p = softmax(x)``: ``diag(p) − p pᵀ``.

    Parameters
    ----------
    p : (K,) probabilities
    """
    p = as_real_array(p, "p")
    if p.ndim != 1:
        raise ValueError(f"p must be one probability vector of shape (K,); got shape {p.shape}")
    return np.diag(p) - np.outer(p, p)


def jacobian_check(classes: int = 5, rng=0) -> dict:
    """Check ``diag(p) − ppᵀ`` against finite differences, and the cancellation that gives ``p − y``.

    For the loss ``L = −log p_y`` the chain rule gives ``∂L/∂x_j = −(1/p_y) ∂p_y/∂x_j``; with row
    ``y`` of the Jacobian, ``p_y(δ_yj − p_j)``, the ``p_y`` cancels and leaves ``p_j − δ_yj``.
    Returns the relative errors of the Jacobian and of the chained gradient, and the pieces.
    """
    rng = as_generator(rng)
    x = rng.standard_normal(positive_int(classes, "classes"))
    y = int(rng.integers(0, classes))
    p = act.softmax(x)
    J = softmax_jacobian(p)
    numeric = np.stack([numerical_gradient(lambda v, i=i: act.softmax(v)[i], x.copy()) for i in range(classes)])
    chained = -J[y] / p[y]
    onehot = np.eye(classes)[y]
    numeric_grad = numerical_gradient(lambda v: -act.log_softmax(v)[y], x.copy())
    return {"x": x, "y": y, "p": p, "jacobian": J, "jacobian-error": norm_relative_error(J, numeric),
            "chain-error": norm_relative_error(chained, p - onehot),
            "grad-error": norm_relative_error(p - onehot, numeric_grad),
            "jacobian-row-sum": float(np.abs(J.sum(axis=1)).max())}


def two_class_gap(n: int = 1000, scale: float = 10.0, rng=0) -> float:
    """Largest ``|softmax((x₀, x₁))₁ − σ(x₁ − x₀)|`` over ``n`` random logit pairs of spread ``scale``."""
    x = scale * as_generator(rng).standard_normal((positive_int(n, "n"), 2))
    return float(np.abs(act.softmax(x, axis=1)[:, 1] - expit(x[:, 1] - x[:, 0])).max())


@dataclass
class BinaryGradients:
    """Loss and ∂L/∂z of one example with label 1 against its logit z, for two losses on ``p = σ(z)``:
    cross-entropy ``−log p`` and squared error ``½(p − 1)²``."""

    z: np.ndarray
    ce_loss: np.ndarray
    ce_grad: np.ndarray  # σ(z) − 1
    mse_loss: np.ndarray
    mse_grad: np.ndarray  # (σ(z) − 1) σ(z)(1 − σ(z))


def binary_gradients(z=None) -> BinaryGradients:
    """Cross-entropy and squared error of a sigmoid output, and their gradients in the logit.

    Confidently wrong means ``z ≪ 0`` for a positive example: there the cross-entropy's
    gradient tends to −1 while the squared error's carries the factor σ′(z) and vanishes.
    """
    z = np.linspace(-10.0, 10.0, 801) if z is None else as_real_array(z, "z")
    p = expit(z)
    return BinaryGradients(z, np.logaddexp(0.0, -z), p - 1.0, 0.5 * (p - 1.0) ** 2, (p - 1.0) * p * (1.0 - p))


def entropy_temperature_derivative(logits, T: float, h: float = 1e-5) -> tuple[float, float]:
    """``dH/dT`` of ``H(softmax(x/T))``: the closed form ``Var_p(x) / T³`` and a centered difference.

    Returns ``(closed_form, numerical)``.
    """
    x = as_real_array(logits, "logits")
    T = positive_scalar(T, "temperature T")
    p = act.softmax(x, T=T)
    var = float(np.sum(p * x**2) - np.sum(p * x) ** 2)
    H = lambda t: float(act.entropy(act.softmax(x, T=t)))  # noqa: E731
    return var / T**3, (H(T + h) - H(T - h)) / (2 * h)


# ----------------------------------------------------------------------------- calibration


def nll(scores, y, T: float = 1.0) -> float:
    """Mean negative log-likelihood ``−(1/N) Σ log softmax(s_n / T)_{y_n}`` (stable log-softmax)."""
    logp = act.log_softmax(scores, T=T, axis=1)
    return float(-logp[np.arange(len(y)), y].mean())


def expected_calibration_error(probabilities, y, bins: int = 15):
    """Expected calibration error (Guo et al. 2017) with ``bins`` equal-width confidence bins.

    ``ECE = Σ_b (n_b / N) |accuracy_b − confidence_b|`` where the confidence of an example is
    its largest probability. Returns ``(ece, confidence per bin, accuracy per bin, count per bin)``
    (NaN for empty bins).
    """
    p = as_real_array(probabilities, "probabilities")
    y = np.asarray(y)
    if p.ndim != 2 or y.shape != (p.shape[0],):
        raise ValueError(f"probabilities must be (N, K) and y (N,); got {p.shape} and {y.shape}")
    bins = positive_int(bins, "bins")
    conf, pred = p.max(axis=1), p.argmax(axis=1)
    correct = (pred == y).astype(float)
    index = np.minimum((conf * bins).astype(int), bins - 1)
    counts = np.bincount(index, minlength=bins).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(index, conf, bins) / counts
        mean_acc = np.bincount(index, correct, bins) / counts
    filled = counts > 0
    ece = float(np.sum(counts[filled] / len(y) * np.abs(mean_acc[filled] - mean_conf[filled])))
    return ece, mean_conf, mean_acc, counts


@dataclass
class Calibration:
    """Temperature scaling of one trained digits classifier (see :func:`temperature_calibration`)."""

    temperatures: np.ndarray
    val_nll: np.ndarray
    test_nll: np.ndarray
    test_accuracy: np.ndarray  # the same at every T
    best_T: float  # fitted on the validation split
    nll_before: float  # test, T = 1
    nll_after: float  # test, T = best_T
    ece_before: float
    ece_after: float
    confidence_before: float  # mean largest probability, test split
    confidence_after: float
    reliability_before: tuple  # (confidence, accuracy, count) per bin, test split
    reliability_after: tuple
    train_loss: float
    n_train: int
    n_val: int
    n_test: int
    epochs: int
    hidden: int


def temperature_calibration(n_train: int = 900, hidden: int = 64, epochs: int = 60, bins: int = 15,
                            temperatures=None, rng=0) -> Calibration:
    """Train a 64-``hidden``-10 ReLU net on the digits until it overfits, then scale its logits by 1/T.

    The digits are split three ways: ``n_train`` images for training, the rest of the
    training split for validation, and the held-out test split. T is fitted on the
    validation split by minimizing its negative log-likelihood (bounded scalar search on
    log T); the test split is used once, to report NLL, accuracy and ECE at T = 1 and at the
    fitted T.
    """
    seed = rng
    ds = data.digits(rng=seed)
    n_train = positive_int(n_train, "n_train")
    if n_train >= len(ds.X_train) - 10:
        raise ValueError(f"n_train must leave at least 10 validation images; got {n_train} of {len(ds.X_train)}")
    from nnbook.preprocessing import Standardizer  # imports scikit-learn: only where it is used

    scaler = Standardizer().fit(ds.X_train[:n_train])
    X_tr, y_tr = scaler.transform(ds.X_train[:n_train]), ds.y_train[:n_train]
    X_va, y_va = scaler.transform(ds.X_train[n_train:]), ds.y_train[n_train:]
    X_te, y_te = scaler.transform(ds.X_test), ds.y_test
    net = nn.MLP([64, positive_int(hidden, "hidden"), 10], "relu", "he_normal", rng=seed)
    history = nn.train(net, X_tr, y_tr, lr=0.05, epochs=positive_int(epochs, "epochs"), batch_size=32,
                       momentum=0.9, rng=seed)
    s_va, s_te = net.forward(X_va), net.forward(X_te)
    temps = np.geomspace(0.25, 8.0, 121) if temperatures is None else as_real_array(temperatures, "temperatures")
    val = np.array([nll(s_va, y_va, t) for t in temps])
    test = np.array([nll(s_te, y_te, t) for t in temps])
    acc = np.array([nn.accuracy(s_te / t, y_te) for t in temps])
    fit = minimize_scalar(lambda u: nll(s_va, y_va, float(np.exp(u))), bounds=(np.log(0.05), np.log(20.0)),
                          method="bounded", options={"xatol": 1e-6})
    best = float(np.exp(fit.x))
    before = expected_calibration_error(act.softmax(s_te, axis=1), y_te, bins)
    after = expected_calibration_error(act.softmax(s_te, T=best, axis=1), y_te, bins)
    conf_before = float(act.softmax(s_te, axis=1).max(axis=1).mean())
    conf_after = float(act.softmax(s_te, T=best, axis=1).max(axis=1).mean())
    return Calibration(temps, val, test, acc, best, nll(s_te, y_te), nll(s_te, y_te, best), before[0], after[0],
                       conf_before, conf_after, before[1:], after[1:], float(history.loss[-1]), len(y_tr),
                       len(y_va), len(y_te), epochs, hidden)


# ----------------------------------------------------------------------------- the chapter

#: The logits the chapter uses throughout.
LOGITS = (2.0, 1.0, 0.5, -1.0, 0.0)


@memoize
def run_chapter() -> dict:
    """Every result the chapter shows: the logits, their softmax at three temperatures and over
    300 log-spaced temperatures from 1e-3 to 1e3, the gradient checks, the two-class case, the
    binary losses' gradients and the calibration of a digits classifier."""
    logits = np.array(LOGITS)
    return {"logits": logits,
            "bars": temperature_sweep(logits, [0.01, 1.0, 5.0]),
            "curve": temperature_sweep(logits, np.geomspace(1e-3, 1e3, 300)),
            "ce_check": cross_entropy_gradient_check(n=5, classes=4, rng=0),
            "jacobian": jacobian_check(classes=5, rng=0),
            "two_class_gap": two_class_gap(rng=0),
            "binary": binary_gradients(),
            "calibration": temperature_calibration(rng=0)}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name."""
    bars, curve, jac, cal, b = (results[k] for k in ("bars", "curve", "jacobian", "calibration", "binary"))
    out = {f"entropy-T{t:g}": float(h) for t, h in zip(bars.temperatures, bars.entropies)}
    argmax_kept = all(np.argmax(p) == np.argmax(results["logits"]) for p in curve.probabilities)
    far = np.argmin(np.abs(b.z + 10.0))
    counts = cal.reliability_before[2]
    return out | {
        "log-k": curve.max_entropy, "k": int(curve.logits.size), "entropy-low": float(curve.entropies[0]),
        "entropy-high": float(curve.entropies[-1]), "n-temps": int(curve.temperatures.size),
        "argmax-kept": "yes" if argmax_kept else "no",
        "sum-error": float(np.max(np.abs(curve.probabilities.sum(axis=1) - 1))),
        "entropy-monotone": "yes" if np.all(np.diff(curve.entropies) >= -1e-12) else "no",
        "ce-error": float(results["ce_check"][0]),
        "jacobian-error": float(jac["jacobian-error"]), "chain-error": float(jac["chain-error"]),
        "grad-error": float(jac["grad-error"]), "jacobian-row-sum": float(jac["jacobian-row-sum"]),
        "two-class-gap": float(results["two_class_gap"]),
        "bin-z": float(b.z[far]), "bin-ce-grad": float(b.ce_grad[far]), "bin-mse-grad": float(b.mse_grad[far]),
        "bin-mse-max": float(np.abs(b.mse_grad).max()),
        "bin-mse-argmax": float(b.z[np.argmax(np.abs(b.mse_grad))]),
        "cal-T": cal.best_T, "cal-nll-before": cal.nll_before, "cal-nll-after": cal.nll_after,
        "cal-ece-before": 100 * cal.ece_before, "cal-ece-after": 100 * cal.ece_after,
        "cal-acc": 100 * float(cal.test_accuracy[0]),
        "cal-conf-before": 100 * cal.confidence_before, "cal-conf-after": 100 * cal.confidence_after,
        "cal-top-bin": 100 * float(counts[-1] / counts.sum()), "cal-other-bins": int(counts[:-1].max()),
        "cal-ece-direction": "fell" if cal.ece_after < cal.ece_before else "rose",
        "cal-acc-spread": 100 * float(cal.test_accuracy.max() - cal.test_accuracy.min()),
        "cal-train-loss": cal.train_loss, "cal-n-train": cal.n_train, "cal-n-val": cal.n_val,
        "cal-n-test": cal.n_test, "cal-epochs": cal.epochs, "cal-hidden": cal.hidden,
    }


def claims(results: dict) -> list[stats.Claim]:
    """The claim about temperature that this chapter settles (a deterministic one: no seeds)."""
    curve = results["curve"]
    monotone = bool(np.all(np.diff(curve.entropies) >= -1e-12))
    return [stats.Claim(
        "lower-temperature-higher-entropy", "A lower softmax temperature gives a higher entropy.",
        "a lecture deck summary (source notes)",
        f"over {curve.temperatures.size} temperatures from {curve.temperatures[0]:g} to {curve.temperatures[-1]:g} "
        f"the entropy {'rises monotonically' if monotone else 'is not monotone'} with T, from "
        f"{curve.entropies[0]:.1e} to {curve.entropies[-1]:.3f} nats (log K = {curve.max_entropy:.3f}); "
        "dH/dT = Var_p(x)/T³ ≥ 0 for any logits",
        "does not hold" if monotone else "holds", None, "fig-entropy-curve")]
