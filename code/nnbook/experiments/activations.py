"""Experiments of the chapter on activation functions: properties, cost, SELU's constants."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from nnbook import activations as act
from nnbook._validation import as_generator, positive_int

__all__ = [
    "gaussian_moments",
    "ActivationProperties",
    "activation_properties",
    "ActivationCost",
    "time_activations",
    "SeluCurves",
    "selu_moment_curves",
    "rrelu_samples",
    "derivative_check",
    "sigmoid_tanh_numbers",
    "RreluDemo",
    "rrelu_demo",
    "rrelu_numbers",
    "selu_numbers",
]

# A fine grid for Gaussian expectations: deterministic (no sampling noise) and accurate to
# ~1e-9 even for functions with a kink, which trip up Gauss–Hermite quadrature.
_Z = np.linspace(-12.0, 12.0, 240_001)
_PHI = np.exp(-0.5 * _Z**2) / np.sqrt(2.0 * np.pi)


def gaussian_moments(f) -> tuple[float, float]:
    """``(E[f(z)], E[f(z)²])`` for ``z ~ N(0, 1)``, by the trapezoid rule on a fine grid.

    ``f`` is an activation (object or name) or any vectorized callable.
    """
    f = act.get(f) if isinstance(f, str) else f
    y = f(_Z)
    return float(np.trapezoid(y * _PHI, _Z)), float(np.trapezoid(y * y * _PHI, _Z))


@dataclass(frozen=True)
class ActivationProperties:
    """Measured properties of one activation (see :func:`activation_properties`)."""

    name: str
    low: float
    high: float
    low_attained: bool
    high_attained: bool
    mean_output: float  # E[f(z)], z ~ N(0, 1)
    max_slope: float  # max |f'(x)|
    saturates: str
    monotonic: bool
    continuity: str  # "smooth", "kink at 0" or "jump at 0"

    @property
    def zero_centered(self) -> bool:
        """True when a standard normal input gives a mean output within 0.01 of zero."""
        return abs(self.mean_output) < 0.01

    @property
    def range_text(self) -> str:
        """The output range in interval notation, e.g. ``(-1, 1)`` or ``[0, ∞)``."""

        def num(v):
            if np.isinf(v):
                return "∞" if v > 0 else "−∞"
            text = f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.3f}"
            return text.replace("-", "−")

        left = "[" if self.low_attained else "("
        right = "]" if self.high_attained else ")"
        return f"{left}{num(self.low)}, {num(self.high)}{right}"


def _bound(f, side: float, grid_extreme: float):
    """The limit of f at side·∞ (or ±inf if f grows linearly) and whether the grid attains it."""
    far, farther = float(f(np.array(side * 1e3))), float(f(np.array(side * 1e4)))
    if abs(farther) > 5.0 * max(abs(far), 1e-300) and abs(farther) > 1.0:
        return np.copysign(np.inf, farther), False
    return farther, grid_extreme == farther  # attained only if reached exactly (ReLU's 0)


def activation_properties(fs) -> list[ActivationProperties]:
    """Measure range, mean output, slope, saturation, monotonicity and continuity.

    Every entry is computed from the package's own ``f`` and ``f.grad``, not typed in:

    * range: limits at x = ±1e3, ±1e4 (linear growth → ±∞) and the extremes on [−15, 15];
    * mean output: ``E[f(z)]`` for ``z ~ N(0, 1)`` (:func:`gaussian_moments`);
    * saturates: where ``|f'|`` falls below 1e-3 of its maximum (at x = ±15), and whether it
      is exactly 0 on a whole half-line (as for ReLU);
    * continuity: jump of f or of f' across 0.

    Parameters
    ----------
    fs : list of activation objects or names
    """
    out = []
    grid = np.linspace(-15.0, 15.0, 30_001)
    for f in fs:
        f = act.get(f)
        y, g = f(grid), f.grad(grid)
        low, low_att = _bound(f, -1.0, float(y.min()))
        high, high_att = _bound(f, 1.0, float(y.max()))
        if y.min() < low - 1e-9:  # a minimum inside, below the limit (GELU, SiLU)
            low, low_att = float(y.min()), True
        max_slope = float(np.abs(g).max())
        left_flat = abs(float(f.grad(np.array(-15.0)))) < 1e-3 * max_slope
        right_flat = abs(float(f.grad(np.array(15.0)))) < 1e-3 * max_slope
        if max_slope == 0:
            saturates = "everywhere (f′ = 0)"
        elif left_flat and right_flat:
            saturates = "both sides"
        elif left_flat:
            exactly = np.all(f.grad(np.linspace(-15, -1e-6, 101)) == 0)
            saturates = "x < 0 (f′ = 0 exactly)" if exactly else "x → −∞"
        elif right_flat:
            saturates = "x → +∞"
        else:
            saturates = "no"
        eps = 1e-9
        jump_f = abs(float(f(np.array(eps)) - f(np.array(-eps))))
        jump_g = abs(float(f.grad(np.array(eps)) - f.grad(np.array(-eps))))
        continuity = "jump at 0" if jump_f > 1e-6 else ("kink at 0" if jump_g > 1e-6 else "smooth")
        out.append(
            ActivationProperties(
                name=f.name,
                low=low,
                high=high,
                low_attained=low_att,
                high_attained=high_att,
                mean_output=gaussian_moments(f)[0],
                max_slope=max_slope,
                saturates=saturates,
                monotonic=bool(np.all(g >= 0)),
                continuity=continuity,
            )
        )
    return out


@dataclass(frozen=True)
class ActivationCost:
    """Best-of-``repeats`` wall-clock time of one activation on ``n`` float64 numbers."""

    name: str
    forward_s: float
    grad_s: float
    n: int


def time_activations(fs, n: int = 1_000_000, repeats: int = 7, rng=0) -> list[ActivationCost]:
    """Time ``f(x)`` and ``f.grad(x)`` on one array of ``n`` standard normal numbers.

    The minimum over ``repeats`` runs is reported (the least disturbed by other work on
    the machine). Results depend on the machine, numpy's build and the load: they are a
    measurement, not a constant.
    """
    n, repeats = positive_int(n, "n"), positive_int(repeats, "repeats")
    x = as_generator(rng).standard_normal(n)
    out = []
    for f in fs:
        f = act.get(f)
        best = []
        for method in (f.__call__, f.grad):
            method(x)  # warm up caches and allocations
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                method(x)
                times.append(time.perf_counter() - t0)
            best.append(min(times))
        out.append(ActivationCost(f.name, best[0], best[1], n))
    return out


@dataclass(frozen=True)
class SeluCurves:
    """For ELU_α with z ~ N(0,1): the mean ``E[ELU_α(z)]`` and the λ making ``E[(λ ELU_α(z))²] = 1``."""

    alphas: np.ndarray
    mean: np.ndarray
    lam: np.ndarray
    alpha_star: float
    lambda_star: float


def selu_moment_curves(alphas) -> SeluCurves:
    """Solve SELU's two conditions numerically, independently of the closed form.

    For each α compute ``m(α) = E[ELU_α(z)]`` and ``λ(α) = 1/√E[ELU_α(z)²]`` on a grid; the
    mean condition ``λ m(α) = 0`` picks the root α* of m (found by interpolating the grid),
    the variance condition then gives λ* = λ(α*).
    """
    alphas = np.asarray(alphas, dtype=float)
    if alphas.ndim != 1 or alphas.size < 2 or np.any(np.diff(alphas) <= 0):
        raise ValueError("alphas must be an increasing 1-D array with at least 2 values")
    moments = np.array([gaussian_moments(act.get("elu", alpha=a)) for a in alphas])
    mean, lam = moments[:, 0], 1.0 / np.sqrt(moments[:, 1])
    crossing = np.nonzero(np.diff(np.sign(mean)) != 0)[0]
    if crossing.size == 0:
        raise ValueError("the mean E[ELU_alpha(z)] does not change sign on this alpha grid; widen it")
    i = crossing[0]
    # m is smooth in alpha: bisect on the exact function between the bracketing grid points.
    lo, hi = alphas[i], alphas[i + 1]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if np.sign(gaussian_moments(act.get("elu", alpha=mid))[0]) == np.sign(mean[i]):
            lo = mid
        else:
            hi = mid
    alpha_star = 0.5 * (lo + hi)
    lambda_star = 1.0 / np.sqrt(gaussian_moments(act.get("elu", alpha=alpha_star))[1])
    return SeluCurves(alphas, mean, lam, float(alpha_star), float(lambda_star))


def rrelu_samples(x, lower: float = 1 / 8, upper: float = 1 / 3, draws: int = 3, rng=0):
    """Training-mode outputs of RReLU on ``x`` for ``draws`` independent calls, and the eval output.

    Returns
    -------
    train : array (draws, len(x)); eval : array (len(x),); rrelu : the activation object
    """
    f = act.get("rrelu", lower=lower, upper=upper, training=True, rng=as_generator(rng))
    x = np.asarray(x, dtype=float)
    train = np.stack([f(x) for _ in range(positive_int(draws, "draws"))])
    return train, f.eval()(x), f


def derivative_check(fs, x=None, h: float = 1e-5) -> dict[str, float]:
    """Largest relative error between ``f.grad`` and a centered difference of ``f``.

    Evaluated at points away from 0 (the kink of the ReLU family): by default 400 points
    with 0.01 ≤ ``abs(x)`` ≤ 4 (further out, f′ of the saturating functions is so small
    that the round-off of the difference quotient, ~1e-11, dominates the relative error).
    RReLU is checked in evaluation mode (its training mode is random).
    """
    from nnbook.gradcheck import elementwise_derivative, relative_error

    if x is None:
        half = np.geomspace(0.01, 4.0, 200)
        x = np.concatenate([-half[::-1], half])
    out = {}
    for f in fs:
        f = act.get(f)
        if f.name == "step":
            continue  # piecewise constant: nothing to check but zeros
        out[f.name] = relative_error(f.grad(x), elementwise_derivative(f, x, h))
    return out


# ----------------------------------------------------------------------------- numbers the chapter quotes


def sigmoid_tanh_numbers(props: dict) -> dict:
    """Facts about sigmoid and tanh the chapter quotes, from ``props`` (name -> :class:`ActivationProperties`):
    the identity ``tanh(x) = 2σ(2x) − 1`` checked on [−20, 20], maximum slopes, mean outputs, σ'(5)."""
    x = np.linspace(-20.0, 20.0, 4001)
    sig, tanh = act.get("sigmoid"), act.get("tanh")
    return {"tanh-identity-error": float(np.abs(tanh(x) - (2 * sig(2 * x) - 1)).max()),
            "sigmoid-max-slope": float(props["sigmoid"].max_slope), "tanh-max-slope": float(props["tanh"].max_slope),
            "sigmoid-mean": float(props["sigmoid"].mean_output), "relu-mean": float(props["relu"].mean_output),
            "sigmoid-slope-at-5": float(sig.grad(5.0))}


@dataclass(frozen=True)
class RreluDemo:
    """RReLU on a grid: a few training-mode draws, the evaluation-mode output, and the gap between
    the mean of many training draws and the evaluation output."""

    x: np.ndarray
    train: np.ndarray  # (draws, x.size)
    eval: np.ndarray
    f: object  # the RReLU activation
    mean_gap: float


def rrelu_demo(draws: int = 3, many: int = 4000) -> RreluDemo:
    """The chapter's RReLU experiment: ``draws`` samples to plot (seed 0) and ``many`` (seed 1)
    whose mean must match the evaluation-mode output."""
    x = np.linspace(-4.0, 3.0, 57)
    train, evaluated, f = rrelu_samples(x, draws=draws, rng=0)
    samples, _, _ = rrelu_samples(x, draws=many, rng=1)
    return RreluDemo(x, train, evaluated, f, float(np.abs(samples.mean(axis=0) - evaluated).max()))


def rrelu_numbers(demo: RreluDemo) -> dict:
    """The RReLU numbers the chapter quotes (bounds, evaluation slope, mean gap, Xu et al.'s 2/11)."""
    return {"rrelu-lower": float(demo.f.lower), "rrelu-upper": float(demo.f.upper),
            "rrelu-eval-slope": float(demo.f.eval_alpha), "rrelu-mean-gap": demo.mean_gap, "xu-test-slope": 2 / 11}


def selu_numbers(curves: SeluCurves) -> dict:
    """SELU's constants, their agreement with the numerical solution in ``curves``, and the mean
    and variance of SELU(z) for z ~ N(0, 1) (which the constants make 0 and 1)."""
    lam, alpha = act.selu_constants()
    mean, second = gaussian_moments("selu")
    gap = max(abs(curves.alpha_star - alpha), abs(curves.lambda_star - lam))
    return {"selu-lambda": float(lam), "selu-alpha": float(alpha), "selu-numeric-gap": float(gap),
            "selu-check-mean": float(abs(mean)), "selu-check-var": float(second - mean**2)}
