"""Experiments of the chapter on activation functions: properties, formulas, cost, SELU's
constants, RReLU, and the gated linear units (GLU, SwiGLU, GeGLU) of today's transformers."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, ndtr

from nnbook import activations as act
from nnbook import report, stats
from nnbook._validation import as_generator, as_real_array, one_of, positive_int
from nnbook.experiments._memo import memoize

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
    "formula_table",
    "NumpyCosts",
    "numpy_costs",
    "numpy_cost_table",
    "GATES",
    "glu_forward",
    "glu_backward",
    "glu_gradient_check",
    "ffn_parameters",
    "run_chapter",
    "summary",
    "claims",
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
    continuity: str  # "smooth", "C¹ (f″ jumps at 0)", "kink at 0" or "jump at 0"

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
    * continuity: a jump of f, of f' or of f'' across 0 (f'' from one-sided differences of
      ``f.grad``): "jump at 0", "kink at 0" (f' jumps), "C¹ (f″ jumps at 0)", else "smooth"
      (no jump up to f'' at 0; every other point of these functions is smooth).

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
        d = 1e-4  # one-sided second differences of f' at 0
        right = (float(f.grad(np.array(2 * d))) - float(f.grad(np.array(d)))) / d
        left = (float(f.grad(np.array(-d))) - float(f.grad(np.array(-2 * d)))) / d
        jump_h = abs(right - left)
        continuity = ("jump at 0" if jump_f > 1e-6 else "kink at 0" if jump_g > 1e-6
                      else "C¹ (f″ jumps at 0)" if jump_h > 1e-2 else "smooth")
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
    # m is smooth in alpha: solve m(alpha) = 0 on the exact function between the bracketing grid points.
    alpha_star = brentq(lambda a: gaussian_moments(act.get("elu", alpha=a))[0], alphas[i], alphas[i + 1],
                        xtol=1e-14, rtol=4 * np.finfo(float).eps)
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


def formula_table(fs) -> str:
    """A Markdown table of each activation's formula and derivative, from the package's own
    ``latex`` and ``latex_grad`` attributes (the formulas the derivative check tests)."""
    rows = []
    for f in fs:
        f = act.get(f)
        rows.append([f"`{f.name}`", f"${f.latex}$", f"${f.latex_grad}$"])
    return report.markdown_table(["activation", "f(x)", "f′(x)"], rows, "lll")


def properties_rows(props) -> str:
    """The measured property table (Markdown) from :func:`activation_properties`."""
    rows = [[f"`{p.name}`", p.range_text, f"{p.mean_output:.3f}".replace("-", "−"),
             "yes" if p.zero_centered else "no", f"{p.max_slope:.3g}", p.saturates,
             "yes" if p.monotonic else "no", p.continuity] for p in props]
    header = ["activation", "output range", "E[f(z)], z~N(0,1)", "zero-centered", "max slope", "saturates",
              "monotonic", "at 0"]
    return report.markdown_table(header, rows, align="lcrcrlcl")


# ----------------------------------------------------------------------------- cost, in plain numpy

_ALPHA = 0.01
_WIDTH = 256  # the matrix product's inner dimension: a 256-to-256 layer

#: name → (what it computes, as written in numpy; the same into preallocated buffers). Each
#: callable takes (x, out, tmp) and the matrix-product row takes (X, W, out).
_NUMPY_ROWS = {
    "copy": ("x.copy()", lambda x, o, t: x.copy(), lambda x, o, t: (np.copyto(o, x), o)[1]),
    "relu": ("np.maximum(x, 0.0)", lambda x, o, t: np.maximum(x, 0.0), lambda x, o, t: np.maximum(x, 0.0, out=o)),
    "leaky_relu": ("np.maximum(x, 0.01 * x)", lambda x, o, t: np.maximum(x, _ALPHA * x),
                   lambda x, o, t: np.maximum(x, np.multiply(x, _ALPHA, out=t), out=o)),
    "exp": ("np.exp(x)", lambda x, o, t: np.exp(x), lambda x, o, t: np.exp(x, out=o)),
    "sigmoid": ("1 / (1 + np.exp(-x))", lambda x, o, t: 1 / (1 + np.exp(-x)),
                lambda x, o, t: np.reciprocal(np.add(np.exp(np.negative(x, out=o), out=o), 1.0, out=o), out=o)),
    "sigmoid (expit)": ("scipy.special.expit(x)", lambda x, o, t: expit(x), lambda x, o, t: expit(x, out=o)),
    "tanh": ("np.tanh(x)", lambda x, o, t: np.tanh(x), lambda x, o, t: np.tanh(x, out=o)),
    "elu": ("np.where(x > 0, x, np.expm1(x))", lambda x, o, t: np.where(x > 0, x, np.expm1(x)),
            lambda x, o, t: np.add(np.maximum(x, 0.0, out=o), np.expm1(np.minimum(x, 0.0, out=t), out=t), out=o)),
    "gelu": ("x * scipy.special.ndtr(x)", lambda x, o, t: x * ndtr(x),
             lambda x, o, t: np.multiply(ndtr(x, out=o), x, out=o)),
    "silu": ("x * scipy.special.expit(x)", lambda x, o, t: x * expit(x),
             lambda x, o, t: np.multiply(expit(x, out=o), x, out=o)),
}
#: The activations of :data:`_NUMPY_ROWS` that evaluate an exponential (or the normal CDF).
EXP_BASED = ("sigmoid", "sigmoid (expit)", "tanh", "elu", "gelu", "silu")


@dataclass(frozen=True)
class NumpyCosts:
    """Wall-clock times of elementwise numpy expressions on ``n`` float64 numbers.

    ``written[r, i]`` and ``buffered[r, i]`` are the seconds of row ``names[i]`` in repeat
    ``r`` (the fastest of a few back-to-back runs), as written (new arrays for every result and
    temporary) and into preallocated
    buffers (``out=``). ``matmul[r]`` is one ``(n/256, 256) @ (256, 256)`` product, which has
    ``n`` outputs. Within a repeat every expression runs once, back to back, so the
    repeats are paired samples: a disturbance of the machine hits a whole repeat.
    """

    names: tuple
    expressions: tuple
    written: np.ndarray
    buffered: np.ndarray
    matmul: np.ndarray
    n: int

    def per_element(self, which: str = "written") -> dict:
        """Median nanoseconds per element of each row (``which`` = "written" or "buffered")."""
        one_of(which, ("written", "buffered"), "which")
        t = self.written if which == "written" else self.buffered
        return {name: float(v) for name, v in zip(self.names, 1e9 * np.median(t, axis=0) / self.n)}

    @property
    def matmul_ns(self) -> float:
        """Median nanoseconds per output element of the 256-to-256 matrix product."""
        return float(1e9 * np.median(self.matmul) / self.n)


def numpy_costs(n: int = 2**18, repeats: int = 10, inner: int = 2, rng=0) -> NumpyCosts:
    """Time each activation as plain numpy, as written and into buffers, and a matrix product.

    ``n`` is rounded down to a multiple of 256. Each expression is run once before timing
    (warm-up); then each of the ``repeats`` rounds times every expression ``inner`` times in a
    row and keeps the fastest (the least disturbed by other work on the machine). Results
    depend on the machine, numpy's build and the load: they are a measurement, not a constant.
    """
    n = positive_int(n, "n") // _WIDTH * _WIDTH
    if n == 0:
        raise ValueError(f"n must be at least {_WIDTH}")
    repeats, inner = positive_int(repeats, "repeats"), positive_int(inner, "inner")
    if repeats < 2:
        raise ValueError(f"repeats must be at least 2 (they are the paired samples of the claim); got {repeats}")
    gen = as_generator(rng)
    x = gen.standard_normal(n)
    X, W = x.reshape(-1, _WIDTH), gen.standard_normal((_WIDTH, _WIDTH)) / np.sqrt(_WIDTH)
    out, tmp, out_m = np.empty_like(x), np.empty_like(x), np.empty((n // _WIDTH, _WIDTH))
    names = tuple(_NUMPY_ROWS)
    calls = [(row[1], row[2]) for row in _NUMPY_ROWS.values()]
    for written, buffered in calls:
        written(x, out, tmp), buffered(x, out, tmp)
    np.matmul(X, W, out=out_m)
    t_w, t_b, t_m = np.empty((repeats, len(names))), np.empty((repeats, len(names))), np.empty(repeats)
    clock = time.perf_counter

    def best(call, *args):
        times = []
        for _ in range(inner):
            t0 = clock()
            call(*args)
            times.append(clock() - t0)
        return min(times)

    for r in range(repeats):
        for i, (written, buffered) in enumerate(calls):
            t_w[r, i], t_b[r, i] = best(written, x, out, tmp), best(buffered, x, out, tmp)
        t_m[r] = best(np.matmul, X, W, out_m)
    return NumpyCosts(names, tuple(row[0] for row in _NUMPY_ROWS.values()), t_w, t_b, t_m, n)


def numpy_cost_table(costs: NumpyCosts, reference: str = "relu") -> str:
    """Markdown table: per-element median time of each expression, as written and into buffers,
    relative to ``reference`` (buffered), with the matrix product as the last row."""
    if reference not in costs.names:
        raise ValueError(f"reference must be one of {list(costs.names)}; got {reference!r}")
    w, b = costs.per_element("written"), costs.per_element("buffered")
    ref = b[reference]
    rows = [[f"`{name}`", f"`{expr}`", f"{w[name]:.2f}", f"{b[name]:.2f}", f"{b[name] / ref:.1f}×"]
            for name, expr in zip(costs.names, costs.expressions)]
    rows.append(["matrix product", f"`X @ W`, W of {_WIDTH} × {_WIDTH}", "", f"{costs.matmul_ns:.2f}",
                 f"{costs.matmul_ns / ref:.0f}×"])
    header = ["function", "numpy, as written", "as written: ns/element", "into buffers: ns/element",
              f"vs {reference} (buffers)"]
    return report.markdown_table(header, rows, "llrrr")


# ----------------------------------------------------------------------------- gated linear units

#: The gates of the GLU family (Shazeer 2020): GLU (sigmoid), ReGLU, GeGLU, SwiGLU, bilinear.
GATES = ("sigmoid", "relu", "gelu", "silu", "identity")


def glu_forward(x, W, V, b, c, gate: str = "silu"):
    """A gated linear unit ``g(x W + b) ⊙ (x V + c)``; ``gate`` names g.

    ``gate="sigmoid"`` is the GLU of Dauphin et al. 2017, ``"silu"`` is SwiGLU, ``"gelu"``
    GeGLU, ``"relu"`` ReGLU, ``"identity"`` the bilinear layer (Shazeer 2020).

    Parameters
    ----------
    x : (N, D) inputs, one example per row
    W, V : (D, M) weights of the gate and of the value
    b, c : (M,) biases

    Returns
    -------
    out : (N, M); cache : what :func:`glu_backward` needs
    """
    one_of(gate, GATES, "gate")
    x, W, V = as_real_array(x, "x"), as_real_array(W, "W"), as_real_array(V, "V")
    b, c = as_real_array(b, "b"), as_real_array(c, "c")
    if x.ndim != 2 or W.ndim != 2 or W.shape[0] != x.shape[1] or V.shape != W.shape:
        raise ValueError(f"x must be (N, D) and W, V (D, M) with the same D; got x {x.shape}, W {W.shape}, "
                         f"V {V.shape}")
    if b.shape != (W.shape[1],) or c.shape != (W.shape[1],):
        raise ValueError(f"b and c must have shape ({W.shape[1]},); got {b.shape} and {c.shape}")
    f = act.get(gate)
    a, u = x @ W + b, x @ V + c
    g = f(a)
    return g * u, (x, W, V, a, u, g, f)


def glu_backward(dout, cache):
    """Backward pass of :func:`glu_forward`: ``(dx, dW, dV, db, dc)``.

    With ``a = xW + b``, ``u = xV + c`` and ``out = g(a) ⊙ u``: ``∂L/∂a = dout ⊙ u ⊙ g′(a)``,
    ``∂L/∂u = dout ⊙ g(a)``, then the two affine maps as usual.
    """
    x, W, V, a, u, g, f = cache
    dout = as_real_array(dout, "dout")
    if dout.shape != g.shape:
        raise ValueError(f"dout must have shape {g.shape}; got {dout.shape}")
    da, du = dout * u * f.grad(a), dout * g
    return da @ W.T + du @ V.T, x.T @ da, x.T @ du, da.sum(axis=0), du.sum(axis=0)


def glu_gradient_check(gate: str = "silu", rng=0) -> float:
    """Largest relative error of :func:`glu_backward` against centered differences (float64)."""
    from nnbook.gradcheck import norm_relative_error, numerical_gradient

    gen = as_generator(rng)
    x, W, V = gen.standard_normal((5, 4)), gen.standard_normal((4, 3)), gen.standard_normal((4, 3))
    b, c, dout = gen.standard_normal(3), gen.standard_normal(3), gen.standard_normal((5, 3))
    grads = glu_backward(dout, glu_forward(x, W, V, b, c, gate)[1])
    loss = lambda _: float(np.sum(dout * glu_forward(x, W, V, b, c, gate)[0]))  # noqa: E731
    return max(norm_relative_error(g, numerical_gradient(loss, p)) for g, p in zip(grads, (x, W, V, b, c)))


def ffn_parameters(d: int = 512) -> dict:
    """Weights of a transformer feed-forward block of width ``d`` (no biases): the classic
    ``max(0, xW₁)W₂`` with hidden width 4d, and SwiGLU ``(SiLU(xW) ⊙ xV)W₂`` with hidden width
    ``8d/3`` rounded to a multiple of 8 (three matrices instead of two, same budget)."""
    d = positive_int(d, "d")
    hidden = int(round(8 * d / 3 / 8)) * 8
    return {"d": d, "relu-hidden": 4 * d, "relu-params": 2 * d * 4 * d, "swiglu-hidden": hidden,
            "swiglu-params": 3 * d * hidden}


# ----------------------------------------------------------------------------- the chapter


@memoize
def run_chapter() -> dict:
    """Everything the chapter shows: measured properties, derivative checks, SELU's constants,
    RReLU, the numpy timing, and the gated units' gradient checks."""
    names = act.names()
    xs = np.linspace(-5, 5, 100001)
    gelu, silu = act.get("gelu"), act.get("silu")
    smooth = {"gelu-min": float(gelu(xs).min()), "gelu-argmin": float(xs[gelu(xs).argmin()]),
              "silu-min": float(silu(xs).min()), "silu-argmin": float(xs[silu(xs).argmin()]),
              "gelu-tanh-gap": float(np.abs(gelu(xs) - act.get("gelu", approximate="tanh")(xs)).max())}
    return {"props": {p.name: p for p in activation_properties(names)},
            "derivative_errors": derivative_check(names),
            "rrelu": rrelu_demo(),
            "selu_curves": selu_moment_curves(np.linspace(0.5, 3.0, 51)),
            "smooth": smooth,
            "costs": numpy_costs(),
            "glu_errors": {g: glu_gradient_check(g, rng=0) for g in GATES},
            "ffn": ffn_parameters(512)}


def _cheapest_exp_gap(costs: NumpyCosts) -> np.ndarray:
    """Per repeat: the cheapest exp-based activation's time minus ReLU's, in ns per element (buffered)."""
    i = {n: k for k, n in enumerate(costs.names)}
    exp_times = costs.buffered[:, [i[n] for n in EXP_BASED]]
    return 1e9 * (exp_times.min(axis=1) - costs.buffered[:, i["relu"]]) / costs.n


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name."""
    props, costs = results["props"], results["costs"]
    w, b = costs.per_element("written"), costs.per_element("buffered")
    out = sigmoid_tanh_numbers(props) | rrelu_numbers(results["rrelu"]) | selu_numbers(results["selu_curves"])
    out |= results["smooth"]
    ffn = results["ffn"]
    out |= {f"ffn-{k}": int(v) for k, v in ffn.items()}
    out |= {
        "max-derivative-error": float(max(results["derivative_errors"].values())),
        "elu-mean": float(props["elu"].mean_output),
        "selu-left-slope": float(act.get("selu").grad(-1e-12)),
        "maxout-params": int(act.Maxout(100, 100, pieces=2, rng=0).n_params), "affine-params": 100 * 100 + 100,
        "cost-n": f"{costs.n:,}", "cost-repeats": int(costs.written.shape[0]),
        "cost-relu": b["relu"], "cost-tanh": b["tanh"], "cost-exp": b["exp"], "cost-copy": b["copy"],
        "cost-sigmoid-written": w["sigmoid"], "cost-sigmoid-buffered": b["sigmoid"], "cost-expit": b["sigmoid (expit)"],
        "cost-leaky-written": w["leaky_relu"], "cost-leaky-buffered": b["leaky_relu"],
        "cost-relu-written": w["relu"],
        "cost-leaky-ratio-written": w["leaky_relu"] / w["relu"], "cost-leaky-ratio-buffered": b["leaky_relu"] / b["relu"],
        "cost-cheapest-exp-ratio": min(b[n] for n in EXP_BASED) / b["relu"],
        "cost-costliest-exp-ratio": max(b[n] for n in EXP_BASED) / b["relu"],
        "cost-matmul": costs.matmul_ns, "cost-matmul-ratio": costs.matmul_ns / b["relu"],
        "cost-gelu-matmul-share": 100 * b["gelu"] / costs.matmul_ns,
        "glu-max-error": float(max(results["glu_errors"].values())),
        "gelu-max-slope": float(props["gelu"].max_slope), "silu-max-slope": float(props["silu"].max_slope),
        "cost-verdict": claims(results)[0].verdict,
    }
    gap = stats.one_sample(_cheapest_exp_gap(costs), unit="ns per element")
    out |= {"cost-gap-mean": gap.mean, "cost-gap-lo": gap.ci[0], "cost-gap-hi": gap.ci[1]}
    return out


def claims(results: dict) -> list[stats.Claim]:
    """The cost claim, measured: repeats of the timing are paired samples (every expression runs
    once per repeat, back to back, so a disturbance of the machine hits both arms)."""
    costs = results["costs"]
    gap = stats.one_sample(_cheapest_exp_gap(costs), unit="ns per element")
    b = costs.per_element("buffered")
    w = costs.per_element("written")
    caveat = (f"per element in numpy on the build machine's CPU; the gap ({gap.mean:.2f} ns) is small next to the "
              f"layer's matrix product ({costs.matmul_ns:.1f} ns per output element), and numpy's temporary arrays "
              f"cost more than the arithmetic (Leaky ReLU as written {w['leaky_relu'] / w['relu']:.0f}× ReLU, "
              f"{b['leaky_relu'] / b['relu']:.1f}× into buffers)")
    verdict = stats.verdict(gap, caveat=caveat)
    return [stats.Claim(
        "relu-cheaper-than-exp", "ReLU is cheaper to compute than exp-based activations.", "CS231n",
        f"{costs.written.shape[0]} paired timing repeats on {costs.n:,} float64 numbers, into preallocated buffers: "
        f"the cheapest exp-based activation minus ReLU, {gap.mean:.2f} ns per element "
        f"(95% interval {gap.ci[0]:.2f} to {gap.ci[1]:.2f})",
        verdict, gap, "tbl-numpy-cost", caveat if verdict == "holds with caveats" else None)]
