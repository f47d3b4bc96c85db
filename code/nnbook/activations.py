"""Activation functions with their derivatives, softmax with temperature, and Maxout.

Every elementwise activation is an object ``f`` with ``f(x)`` (the function) and
``f.grad(x)`` (its derivative dσ/dx, elementwise), its parameters as attributes, and a
``name``. Get one by name with :func:`get`; :func:`names` lists the names::

    >>> from nnbook import activations
    >>> f = activations.get("leaky_relu", alpha=0.1)
    >>> f([-2.0, 3.0]), f.grad([-2.0, 3.0])
    (array([-0.2,  3. ]), array([0.1, 1. ]))

All functions work on float64 (default) or float32 arrays and are numerically stable over
the whole finite range of the dtype (up to ``|x| ≈ 1.8e308`` in float64, ``3.4e38`` in float32):
the function, its derivative and (where there is one) the derivative from the output are finite
and emit no warnings. The only infinities are honest overflows, where the true value itself lies
beyond the dtype's range: SELU's ``λx`` for ``x > max/λ`` (and PReLU/RReLU with a slope above 1
at the negative end), and ``log_softmax`` entries below ``−max``. At a kink (ReLU and friends at
0) ``grad`` returns the left derivative, as the common frameworks do.

NaN policy (the same in the whole package): the elementwise activations accept NaN and ±inf
without a warning, like numpy's own ufuncs, and do not check for them (they run inside training
loops). Their forward passes ``f(x)`` propagate NaN (NaN in, NaN out) — all except ``step``,
which is a comparison (``x > 0``) and gives 0. The derivatives of the smooth functions (sigmoid,
tanh, ELU, SELU, GELU, SiLU, softplus, also from the output) propagate NaN too; those of the
piecewise-linear ones (identity, step, ReLU, leaky ReLU, PReLU, RReLU) are comparisons and give
a finite slope (1 for the identity, the slope of the ``x ≤ 0`` branch for the others), as do
``grad_from_output`` of ReLU and leaky ReLU. Everything else refuses NaN and inf with a
``ValueError`` that names the argument: :func:`softmax`, :func:`log_softmax` (``x``),
:func:`softmax_backward` (``dout``, ``p``), :func:`entropy` (``p``) and the Maxout functions
(``x``, ``W``, ``b``, ``dout``) — and so do :class:`nnbook.nn.MLP` and the losses, which is why
a NaN never reaches an activation inside a network.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
from scipy.special import expit, ndtr

from nnbook._validation import (
    as_generator,
    as_real_array,
    axis_index,
    finite_array,
    nonnegative_scalar,
    positive_int,
    positive_scalar,
    real_scalar,
)

__all__ = [
    "Activation",
    "get",
    "names",
    "selu_constants",
    "softmax",
    "log_softmax",
    "softmax_backward",
    "entropy",
    "maxout_forward",
    "maxout_backward",
    "Maxout",
]

_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # scipy's expit evaluates 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) for x < 0, so no
    # exponent is ever positive and nothing overflows; it is also 3x faster than doing
    # the same with numpy temporaries.
    return expit(x)


def _unwrap(y: np.ndarray):
    """Return a numpy scalar for 0-d results, as numpy's own ufuncs do."""
    return y[()] if y.ndim == 0 else y


class Activation:
    """Base class of the elementwise activations.

    Subclasses define ``_forward`` and ``_grad`` on a validated float array, next to each
    other, so a formula and its derivative are read together.
    """

    name = "activation"
    #: The formula and its derivative in LaTeX, used for figure titles and tables.
    latex = ""
    latex_grad = ""

    def __call__(self, x):
        """Apply the function elementwise. ``x``: array-like of real numbers, any shape."""
        return _unwrap(self._forward(as_real_array(x)))

    def grad(self, x):
        """The derivative dσ/dx at ``x``, elementwise, same shape as ``x``."""
        return _unwrap(self._grad(as_real_array(x)))

    def params(self) -> dict:
        """The activation's parameters as a dict (empty for parameter-free functions)."""
        return {}

    def _forward(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _grad(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


class Step(Activation):
    """Heaviside step, 1 for x > 0 and 0 otherwise. Its derivative is 0 wherever it exists,
    so no gradient ever flows through it."""

    name = "step"
    latex = r"H(x) = \begin{cases}1 & x > 0\\ 0 & x \le 0\end{cases}"
    latex_grad = r"H'(x) = 0 \quad (x \ne 0)"

    def _forward(self, x):
        return (x > 0).astype(x.dtype)

    def _grad(self, x):
        return np.zeros_like(x)


class Identity(Activation):
    """The identity ``f(x) = x`` (a linear layer with no activation)."""

    name = "identity"
    latex = r"f(x) = x"
    latex_grad = r"f'(x) = 1"

    def _forward(self, x):
        return x.copy()

    def _grad(self, x):
        return np.ones_like(x)


class Sigmoid(Activation):
    """Logistic sigmoid ``σ(x) = 1 / (1 + e^{-x})``, range (0, 1); ``σ' = σ(1 − σ) ≤ 1/4``."""

    name = "sigmoid"
    latex = r"\sigma(x) = \frac{1}{1 + e^{-x}}"
    latex_grad = r"\sigma'(x) = \sigma(x)\,(1 - \sigma(x))"

    def _forward(self, x):
        return _sigmoid(x)

    def _grad(self, x):
        s = _sigmoid(x)
        return s * (1.0 - s)

    def grad_from_output(self, y):
        """σ' from the output ``y = σ(x)`` (an ndarray): ``y(1 − y)``, no second exponential."""
        return y * (1.0 - y)


class Tanh(Activation):
    """Hyperbolic tangent, range (−1, 1), ``tanh(x) = 2σ(2x) − 1``; ``tanh' = 1 − tanh² ≤ 1``."""

    name = "tanh"
    latex = r"\tanh(x) = 2\sigma(2x) - 1"
    latex_grad = r"\tanh'(x) = 1 - \tanh^2(x)"

    def _forward(self, x):
        return np.tanh(x)

    def _grad(self, x):
        t = np.tanh(x)
        return 1.0 - t * t

    def grad_from_output(self, y):
        """tanh' from the output ``y = tanh(x)`` (an ndarray): ``1 − y²``, no second tanh."""
        return 1.0 - y * y


class ReLU(Activation):
    """Rectified linear unit ``max(0, x)``."""

    name = "relu"
    latex = r"\mathrm{ReLU}(x) = \max(0, x)"
    latex_grad = r"\mathrm{ReLU}'(x) = \begin{cases}1 & x > 0\\ 0 & x \le 0\end{cases}"

    def _forward(self, x):
        return np.maximum(x, 0.0).astype(x.dtype, copy=False)

    def _grad(self, x):
        return (x > 0).astype(x.dtype)

    def grad_from_output(self, y):
        """ReLU' from the output ``y = max(0, x)`` (an ndarray): ``y > 0`` exactly when ``x > 0``."""
        return (y > 0).astype(y.dtype)


class LeakyReLU(Activation):
    """Leaky ReLU ``max(αx, x)`` with a fixed slope ``0 ≤ α ≤ 1`` for x < 0 (Maas et al. 2013).

    Parameters
    ----------
    alpha : float, default 0.01
        Slope for negative inputs. 0 gives ReLU, 1 the identity.
    """

    name = "leaky_relu"
    latex = r"\mathrm{LeakyReLU}(x) = \max(\alpha x, x)"
    latex_grad = r"\begin{cases}1 & x > 0\\ \alpha & x \le 0\end{cases}"

    def __init__(self, alpha: float = 0.01):
        alpha = nonnegative_scalar(alpha, "alpha")
        if alpha > 1:
            raise ValueError(f"alpha must be in [0, 1] for Leaky ReLU (max(alpha*x, x)); got {alpha}")
        self.alpha = alpha

    def params(self):
        return {"alpha": self.alpha}

    def _forward(self, x):
        return np.maximum(x, self.alpha * x)  # equals max(0,x) + alpha*min(0,x) because alpha <= 1

    def _grad(self, x):
        return np.where(x > 0, 1.0, self.alpha).astype(x.dtype, copy=False)

    def grad_from_output(self, y):
        """The derivative from the output ``y`` (an ndarray): ``y > 0`` exactly when ``x > 0`` (α ≥ 0)."""
        return np.where(y > 0, 1.0, self.alpha).astype(y.dtype, copy=False)


class PReLU(Activation):
    """Parametric ReLU (He et al. 2015): ``x`` for x > 0, ``α x`` otherwise, α learned.

    ``alpha`` is a float or an array that broadcasts against the input (one α per unit, as
    in the paper). :meth:`grad_alpha` gives ∂f/∂α elementwise; a learner sums it over the
    axes that share one α and updates ``f.alpha``.

    Parameters
    ----------
    alpha : float or array, default 0.25
        Initial slope for negative inputs (0.25 in He et al. 2015).
    """

    name = "prelu"
    latex = r"\mathrm{PReLU}(x) = \begin{cases}x & x > 0\\ \alpha x & x \le 0\end{cases}"
    latex_grad = r"\frac{\partial f}{\partial x} = \begin{cases}1 & x > 0\\ \alpha & x \le 0\end{cases},\ \frac{\partial f}{\partial \alpha} = \begin{cases}0 & x > 0\\ x & x \le 0\end{cases}"

    def __init__(self, alpha=0.25):
        if np.ndim(alpha) == 0:
            self.alpha = real_scalar(alpha, "alpha")
        else:
            alpha = as_real_array(alpha, "alpha")
            if not np.all(np.isfinite(alpha)):
                raise ValueError("alpha must be finite")
            self.alpha = alpha

    def params(self):
        return {"alpha": self.alpha}

    def _check_broadcast(self, x):
        if np.ndim(self.alpha) and np.shape(self.alpha) != x.shape:
            try:
                shape = np.broadcast_shapes(np.shape(self.alpha), x.shape)
            except ValueError:
                shape = None
            if shape != x.shape:
                raise ValueError(
                    f"PReLU's alpha of shape {np.shape(self.alpha)} does not broadcast against x of shape {x.shape}; "
                    f"allowed is a float or an array that broadcasts to x's shape, e.g. one alpha per unit "
                    f"(shape ({x.shape[-1] if x.ndim else 1},)) for x of shape (N, units)")
        return x

    def _forward(self, x):
        self._check_broadcast(x)
        return np.where(x > 0, x, self.alpha * x).astype(x.dtype, copy=False)

    def _grad(self, x):
        self._check_broadcast(x)
        return np.where(x > 0, 1.0, self.alpha * np.ones_like(x)).astype(x.dtype, copy=False)

    def grad_alpha(self, x):
        """∂f/∂α at ``x``, elementwise: 0 where x > 0 and ``x`` elsewhere."""
        x = self._check_broadcast(as_real_array(x))
        return _unwrap(np.where(x > 0, 0.0, x).astype(x.dtype, copy=False))


class RReLU(Activation):
    """Randomized leaky ReLU (Xu et al. 2015).

    In training mode each call draws a fresh slope ``α ~ U(lower, upper)`` for every
    element from the generator ``rng``; ``grad`` then uses the slopes of the last call
    (stored in ``alpha_``). In evaluation mode (the default) the slope is the mean
    ``(lower + upper) / 2``, so the eval output is the expected training output.

    Parameters
    ----------
    lower, upper : float, default 1/8 and 1/3
        Range of the random slope, ``0 ≤ lower ≤ upper``.
    training : bool, default False
    rng : numpy.random.Generator or int, optional
        Required in training mode.
    """

    name = "rrelu"
    latex = r"\mathrm{RReLU}(x) = \begin{cases}x & x > 0\\ \alpha x & x \le 0\end{cases},\ \alpha \sim U(l, u)"
    latex_grad = r"\begin{cases}1 & x > 0\\ \alpha & x \le 0\end{cases}"

    def __init__(self, lower: float = 1 / 8, upper: float = 1 / 3, *, training: bool = False, rng=None):
        lower = nonnegative_scalar(lower, "lower")
        upper = nonnegative_scalar(upper, "upper")
        if lower > upper:
            raise ValueError(f"RReLU needs lower <= upper; got lower={lower}, upper={upper}")
        self.lower, self.upper = lower, upper
        self.rng = None if rng is None else as_generator(rng)
        self.training = False
        self.alpha_ = None
        if training:
            self.train()

    def params(self):
        return {"lower": self.lower, "upper": self.upper}

    @property
    def eval_alpha(self) -> float:
        """The slope used in evaluation mode: the mean of U(lower, upper)."""
        return 0.5 * (self.lower + self.upper)

    def train(self, rng=None):
        """Switch to training mode (random slopes). Returns self."""
        if rng is not None:
            self.rng = as_generator(rng)
        if self.rng is None:
            raise ValueError("RReLU in training mode needs a random generator: pass rng=np.random.default_rng(seed)")
        self.training = True
        return self

    def eval(self):
        """Switch to evaluation mode (fixed slope ``eval_alpha``). Returns self."""
        self.training = False
        return self

    def _slopes(self, x):
        if self.training:
            self.alpha_ = self.rng.uniform(self.lower, self.upper, size=x.shape).astype(x.dtype)
            return self.alpha_
        return self.eval_alpha

    def _forward(self, x):
        return np.where(x > 0, x, self._slopes(x) * x).astype(x.dtype, copy=False)

    def _grad(self, x):
        if self.training:
            if self.alpha_ is None or self.alpha_.shape != x.shape:
                raise ValueError(
                    "in training mode grad(x) uses the slopes drawn by the last forward call; "
                    "call f(x) on an array of the same shape first"
                )
            alpha = self.alpha_
        else:
            alpha = self.eval_alpha
        return np.where(x > 0, 1.0, alpha * np.ones_like(x)).astype(x.dtype, copy=False)


class ELU(Activation):
    """Exponential linear unit (Clevert et al. 2015): ``x`` for x > 0, ``α(eˣ − 1)`` otherwise.

    Parameters
    ----------
    alpha : float, default 1.0
        Saturation value for x → −∞ is ``−alpha``; must be ≥ 0.
    """

    name = "elu"
    latex = r"\mathrm{ELU}(x) = \begin{cases}x & x > 0\\ \alpha(e^{x} - 1) & x \le 0\end{cases}"
    latex_grad = r"\begin{cases}1 & x > 0\\ \alpha e^{x} & x \le 0\end{cases}"

    def __init__(self, alpha: float = 1.0):
        self.alpha = nonnegative_scalar(alpha, "alpha")

    def params(self):
        return {"alpha": self.alpha}

    def _forward(self, x):
        # expm1 on min(x, 0): accurate near 0 and never overflows for large positive x.
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0.0))).astype(x.dtype, copy=False)

    def _grad(self, x):
        return np.where(x > 0, 1.0, self.alpha * np.exp(np.minimum(x, 0.0))).astype(x.dtype, copy=False)

    def grad_from_output(self, y):
        """ELU' from the output ``y`` (an ndarray): ``α eˣ = y + α`` for x ≤ 0, no second exponential.

        Exact to ~1e-16·α in absolute terms (so only relatively inexact where the derivative is
        itself below ~1e-12, for x ≲ −28)."""
        return np.where(y > 0, 1.0, y + self.alpha).astype(y.dtype, copy=False)


def selu_constants() -> tuple[float, float]:
    """Derive SELU's (λ, α) from the self-normalizing fixed point (Klambauer et al. 2017).

    SELU is ``λ·ELU_α``. Require that a standard normal input ``z ~ N(0, 1)`` (the
    pre-activation of a layer with LeCun-normal weights and unit-variance inputs) gives an
    output of mean 0 and variance 1. With Φ the standard normal CDF, the two Gaussian
    integrals are

    * mean: ``λ [ 1/√(2π) + α (e^{1/2} Φ(−1) − 1/2) ] = 0``
    * second moment: ``λ² [ 1/2 + α² (e² Φ(−2) − 2 e^{1/2} Φ(−1) + 1/2) ] = 1``

    The first fixes α, the second then fixes λ.

    Returns
    -------
    (lambda_, alpha) : tuple of float
        About (1.0507, 1.6733).
    """
    Phi = lambda t: 0.5 * math.erfc(-t / math.sqrt(2.0))  # noqa: E731 - standard normal CDF
    e_neg = math.exp(0.5) * Phi(-1.0)  # E[e^z ; z < 0]
    e_neg2 = math.exp(2.0) * Phi(-2.0)  # E[e^{2z} ; z < 0]
    alpha = (1.0 / _SQRT_2PI) / (0.5 - e_neg)
    second_moment = 0.5 + alpha**2 * (e_neg2 - 2.0 * e_neg + 0.5)
    lambda_ = 1.0 / math.sqrt(second_moment)
    return lambda_, alpha


SELU_LAMBDA, SELU_ALPHA = selu_constants()


class SELU(Activation):
    """Scaled ELU (Klambauer et al. 2017): ``λ·ELU_α(x)`` with λ and α from :func:`selu_constants`."""

    name = "selu"
    latex = r"\mathrm{SELU}(x) = \lambda\begin{cases}x & x > 0\\ \alpha(e^{x} - 1) & x \le 0\end{cases}"
    latex_grad = r"\lambda\begin{cases}1 & x > 0\\ \alpha e^{x} & x \le 0\end{cases}"

    def __init__(self):
        self.lambda_ = SELU_LAMBDA
        self.alpha = SELU_ALPHA

    def _forward(self, x):
        neg = self.alpha * np.expm1(np.minimum(x, 0.0))
        with np.errstate(over="ignore"):  # λx is inf only where the true value exceeds the dtype's range
            return (self.lambda_ * np.where(x > 0, x, neg)).astype(x.dtype, copy=False)

    def _grad(self, x):
        neg = self.alpha * np.exp(np.minimum(x, 0.0))
        return (self.lambda_ * np.where(x > 0, 1.0, neg)).astype(x.dtype, copy=False)

    def grad_from_output(self, y):
        """SELU' from the output ``y`` (an ndarray): ``λα eˣ = y + λα`` for x ≤ 0."""
        return np.where(y > 0, self.lambda_, y + self.lambda_ * self.alpha).astype(y.dtype, copy=False)


class GELU(Activation):
    """Gaussian error linear unit (Hendrycks & Gimpel 2016): ``x Φ(x)``.

    Parameters
    ----------
    approximate : {"none", "tanh"}, default "none"
        ``"none"`` is the exact ``x Φ(x)``; ``"tanh"`` is the paper's approximation
        ``x/2 · (1 + tanh(√(2/π)(x + 0.044715 x³)))``.
    """

    name = "gelu"
    latex = r"\mathrm{GELU}(x) = x\,\Phi(x)"
    latex_grad = r"\Phi(x) + x\,\varphi(x)"
    _C = math.sqrt(2.0 / math.pi)
    _K = 0.044715
    #: Beyond |x| = 10 the tanh form's tanh is exactly ±1, and beyond |x| = 40 the exact form's
    #: density e^{−x²/2} is exactly 0 (in float32 and float64), so the polynomial and the Gaussian
    #: are evaluated on x clipped to those ranges: the same numbers, and no x³ or x² overflowing
    #: for |x| near the dtype's maximum.
    _CLIP_TANH, _CLIP_PDF = 10.0, 40.0

    def __init__(self, approximate: str = "none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"approximate must be 'none' or 'tanh'; got {approximate!r}")
        self.approximate = approximate

    def params(self):
        return {"approximate": self.approximate}

    def _forward(self, x):
        if self.approximate == "tanh":
            c = np.clip(x, -self._CLIP_TANH, self._CLIP_TANH)
            return 0.5 * x * (1.0 + np.tanh(self._C * (c + self._K * c**3)))
        return (x * ndtr(x)).astype(x.dtype, copy=False)

    def _grad(self, x):
        if self.approximate == "tanh":
            c = np.clip(x, -self._CLIP_TANH, self._CLIP_TANH)
            t = np.tanh(self._C * (c + self._K * c**3))
            return 0.5 * (1.0 + t) + 0.5 * c * (1.0 - t * t) * self._C * (1.0 + 3.0 * self._K * c * c)
        c = np.clip(x, -self._CLIP_PDF, self._CLIP_PDF)
        pdf = np.exp(-0.5 * c * c) / _SQRT_2PI  # exactly 0 beyond |x| = 40 (in float32 and float64)
        return (ndtr(x) + c * pdf).astype(x.dtype, copy=False)


class SiLU(Activation):
    """SiLU / Swish (Ramachandran et al. 2017): ``x σ(βx)``; β = 1 is SiLU.

    Parameters
    ----------
    beta : float, default 1.0
        Must be ≥ 0 (β = 0 gives x/2, β → ∞ approaches ReLU).
    """

    name = "silu"
    latex = r"\mathrm{SiLU}(x) = x\,\sigma(\beta x)"
    latex_grad = r"\sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))"

    def __init__(self, beta: float = 1.0):
        self.beta = nonnegative_scalar(beta, "beta")

    def params(self):
        return {"beta": self.beta}

    def _bx(self, x):
        # βx clipped to ±1000: σ is exactly 0 or 1 there (float32 and float64), so nothing
        # changes, and βx·σ(1 − σ) never becomes inf·0 = NaN for |x| near the dtype's maximum.
        with np.errstate(over="ignore"):
            bx = self.beta * x
        return np.clip(bx, -1000.0, 1000.0)

    def _forward(self, x):
        return x * _sigmoid(self._bx(x))

    def _grad(self, x):
        bx = self._bx(x)
        s = _sigmoid(bx)
        return s + bx * s * (1.0 - s)


class Softplus(Activation):
    """Softplus ``log(1 + eˣ)``, a smooth ReLU; its derivative is the sigmoid."""

    name = "softplus"
    latex = r"\mathrm{softplus}(x) = \log(1 + e^{x})"
    latex_grad = r"\sigma(x)"

    def _forward(self, x):
        with np.errstate(invalid="ignore"):  # NaN in, NaN out, without a warning
            return np.logaddexp(0.0, x).astype(x.dtype, copy=False)

    def _grad(self, x):
        return _sigmoid(x)


_REGISTRY: dict[str, type[Activation]] = {
    cls.name: cls
    for cls in (Step, Identity, Sigmoid, Tanh, ReLU, LeakyReLU, PReLU, RReLU, ELU, SELU, GELU, SiLU, Softplus)
}


def names() -> list[str]:
    """The names :func:`get` accepts, in the order the book introduces them."""
    return list(_REGISTRY)


def get(name, **params) -> Activation:
    """Return the activation called ``name``, built with ``params``.

    Parameters
    ----------
    name : str or Activation
        One of :func:`names`; an :class:`Activation` instance is returned unchanged.
    **params
        The activation's parameters, e.g. ``alpha=0.1`` for ``"leaky_relu"``.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones) or an invalid parameter value.
    TypeError
        For a parameter the activation does not have (the message lists the ones it has).
    """
    if isinstance(name, Activation):
        if params:
            raise TypeError("parameters can only be given with a name, not with an Activation instance")
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string; got {name!r}")
    key = name.lower().replace("-", "_")
    if key not in _REGISTRY:
        raise ValueError(f"unknown activation {name!r}; valid names are: {', '.join(names())}")
    cls = _REGISTRY[key]
    allowed = [p for p in inspect.signature(cls).parameters]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        listed = ", ".join(allowed) if allowed else "none"
        raise TypeError(f"{key} has no parameter(s) {', '.join(unknown)}; its parameters are: {listed}")
    return cls(**params)


# --------------------------------------------------------------------------- softmax


def _check_probability_axis(x, axis, name, what):
    """Refuse a scalar, a bad ``axis`` and an empty reduction axis; return the axis as an int."""
    if x.ndim == 0:
        raise ValueError(f"{what} needs {name} with at least one axis, not a scalar")
    axis = axis_index(axis, x.ndim)
    if x.shape[axis] == 0:
        raise ValueError(f"{what} needs at least one entry along axis={axis}; {name} has shape {x.shape}")
    return axis


def _check_logits(x, axis, what="softmax"):
    x = as_real_array(x)
    axis = _check_probability_axis(x, axis, "x", what)
    if not np.all(np.isfinite(x)):
        raise ValueError("x (the logits) contains NaN or inf; every value must be finite")
    return x, axis


def _shifted(x, T, axis):
    """``(x − max x) / T``: every entry ≤ 0, and −inf only where the true value is below −max."""
    if x.dtype == np.float32 and not np.finfo(np.float32).tiny <= T <= np.finfo(np.float32).max:
        dtype = np.float64  # T itself is not a float32 (it would round to 0 or inf)
    else:
        dtype = x.dtype
    with np.errstate(over="ignore"):  # x − max and /T may pass −max: the limit −inf is exact for exp
        z = (x - x.max(axis=axis, keepdims=True)).astype(dtype, copy=False) / T
    return z


def softmax(x, T: float = 1.0, axis: int = -1) -> np.ndarray:
    """Softmax with temperature: ``exp(x_i / T) / Σ_j exp(x_j / T)`` along ``axis``.

    Subtracting the maximum first leaves the result unchanged (the factor ``e^{-max/T}``
    cancels) and keeps every exponent ≤ 0, so nothing overflows even for T = 1e-3 and
    logits of size 1e4.

    Parameters
    ----------
    x : array_like of real numbers, at least 1-D
        Logits.
    T : float > 0, default 1
        Temperature. Small T sharpens towards the one-hot argmax, large T flattens towards
        the uniform distribution. The argmax never changes.
    axis : int, default -1
        The axis that sums to 1.
    """
    T = positive_scalar(T, "temperature T")
    x, axis = _check_logits(x, axis)
    e = np.exp(_shifted(x, T, axis))
    return (e / e.sum(axis=axis, keepdims=True)).astype(x.dtype, copy=False)


def log_softmax(x, T: float = 1.0, axis: int = -1) -> np.ndarray:
    """``log softmax(x, T)`` computed without forming tiny probabilities (stable)."""
    T = positive_scalar(T, "temperature T")
    x, axis = _check_logits(x, axis, "log_softmax")
    z = _shifted(x, T, axis)
    return (z - np.log(np.exp(z).sum(axis=axis, keepdims=True))).astype(x.dtype, copy=False)


def softmax_backward(dout, p, T: float = 1.0, axis: int = -1) -> np.ndarray:
    """Backward pass of softmax: given ``dout = ∂L/∂p`` and ``p = softmax(x, T)``, return ∂L/∂x.

    The Jacobian is ``∂p_i/∂x_j = p_i (δ_ij − p_j) / T``, so the vector-Jacobian product is
    ``p ⊙ (dout − Σ_j dout_j p_j) / T`` — O(K), never forming the K×K matrix.
    """
    T = positive_scalar(T, "temperature T")
    dout = finite_array(dout, "dout")
    p = finite_array(p, "p")
    if dout.shape != p.shape:
        raise ValueError(f"dout and p must have the same shape; got {dout.shape} and {p.shape}")
    axis = _check_probability_axis(p, axis, "p", "softmax_backward")
    return p * (dout - np.sum(dout * p, axis=axis, keepdims=True)) / T


def entropy(p, axis: int = -1) -> np.ndarray:
    """Shannon entropy ``−Σ p_i log p_i`` in nats along ``axis`` (with 0 log 0 = 0).

    Ranges from 0 (one-hot) to ``log K`` (uniform over K classes).
    """
    p = as_real_array(p, "p")
    if p.ndim == 0:
        raise ValueError("entropy needs a probability vector p, not a scalar")
    axis = _check_probability_axis(p, axis, "p", "entropy")
    if not np.all(np.isfinite(p)):
        raise ValueError("p contains NaN or inf; p must hold finite, non-negative probabilities")
    if np.any(p < 0):
        raise ValueError("p must hold finite, non-negative probabilities")
    total = p.sum(axis=axis)
    if not np.allclose(total, 1.0, atol=1e-6):
        raise ValueError("p must sum to 1 along the given axis")
    logp = np.log(p, out=np.zeros_like(p), where=p > 0)
    return -np.sum(p * logp, axis=axis) + 0.0  # + 0.0 turns the -0.0 of a one-hot into 0.0


# --------------------------------------------------------------------------- Maxout


def _check_maxout(x, W, b):
    x = finite_array(x, "x")
    W = finite_array(W, "W")
    b = finite_array(b, "b")
    if W.ndim != 3:
        raise ValueError(f"W must have shape (pieces, fan_in, fan_out); got shape {W.shape}")
    k, d, m = W.shape
    if min(W.shape) < 1:
        raise ValueError(f"W must have at least 1 piece, 1 input and 1 output (pieces, fan_in, fan_out >= 1); "
                         f"got shape {W.shape}")
    if b.shape != (k, m):
        raise ValueError(f"b must have shape (pieces, fan_out) = {(k, m)}; got {b.shape}")
    if x.ndim != 2 or x.shape[1] != d:
        raise ValueError(f"x must have shape (N, fan_in) = (N, {d}); got {x.shape}")
    return x, W, b


def maxout_forward(x, W, b):
    """Maxout layer forward pass (Goodfellow et al. 2013): ``out = max_k (x W_k + b_k)``.

    Parameters
    ----------
    x : array of shape (N, D)
    W : array of shape (k, D, M) — k linear pieces, each D → M
    b : array of shape (k, M)

    Returns
    -------
    out : array of shape (N, M)
    cache : tuple needed by :func:`maxout_backward`
    """
    x, W, b = _check_maxout(x, W, b)
    z = np.matmul(x, W) + b[:, None, :]  # (k, N, M)
    winner = np.argmax(z, axis=0)  # (N, M): which piece is active
    out = np.take_along_axis(z, winner[None], axis=0)[0]
    return out, (x, W, winner)


def maxout_backward(dout, cache):
    """Maxout backward pass: the gradient flows only through the winning piece.

    Parameters
    ----------
    dout : array of shape (N, M)
    cache : from :func:`maxout_forward`

    Returns
    -------
    dx : (N, D), dW : (k, D, M), db : (k, M)
    """
    if not (isinstance(cache, tuple) and len(cache) == 3 and all(isinstance(c, np.ndarray) for c in cache)
            and cache[1].ndim == 3 and cache[0].ndim == 2 and cache[2].ndim == 2
            and cache[0].shape[1] == cache[1].shape[1] and cache[2].shape == (cache[0].shape[0], cache[1].shape[2])):
        raise TypeError("cache must be the (x, W, winner) tuple returned by maxout_forward")
    x, W, winner = cache
    dout = finite_array(dout, "dout")
    if dout.shape != winner.shape:
        raise ValueError(f"dout must have shape {winner.shape}; got {dout.shape}")
    k = W.shape[0]
    dz = np.where(winner[None] == np.arange(k)[:, None, None], dout[None], 0.0)  # (k, N, M)
    dx = np.einsum("knm,kdm->nd", dz, W)
    dW = np.matmul(x.T[None], dz)
    db = dz.sum(axis=1)
    return dx, dW, db


class Maxout:
    """A Maxout layer holding its parameters ``W`` (k, D, M) and ``b`` (k, M).

    With k pieces it has k times the parameters of a plain affine layer of the same width.

    Parameters
    ----------
    fan_in, fan_out : int
    pieces : int, default 2
    rng : numpy.random.Generator or int
        For the initial weights, drawn per piece with Glorot's normal scheme.
    """

    def __init__(self, fan_in: int, fan_out: int, pieces: int = 2, *, rng):
        from nnbook import init  # local import: init does not depend on activations

        fan_in, fan_out = positive_int(fan_in, "fan_in"), positive_int(fan_out, "fan_out")
        pieces = positive_int(pieces, "pieces")
        rng = as_generator(rng)
        self.W = np.stack([init.xavier_normal(fan_in, fan_out, rng=rng) for _ in range(pieces)])
        self.b = np.zeros((pieces, fan_out))
        self.grads: dict[str, np.ndarray] = {}
        self._cache = None

    @classmethod
    def from_params(cls, W, b) -> Maxout:
        """Build a layer from given ``W`` (k, D, M) and ``b`` (k, M)."""
        layer = cls.__new__(cls)
        W, b = as_real_array(W, "W"), as_real_array(b, "b")
        _check_maxout(np.zeros((1, W.shape[1] if W.ndim == 3 else 0)), W, b)
        layer.W, layer.b, layer.grads, layer._cache = W, b, {}, None
        return layer

    @property
    def n_params(self) -> int:
        """Number of parameters, ``k (D M + M)``."""
        return self.W.size + self.b.size

    def forward(self, x) -> np.ndarray:
        """``max_k (x W_k + b_k)`` for ``x`` of shape (N, D); returns (N, M)."""
        out, self._cache = maxout_forward(x, self.W, self.b)
        return out

    def backward(self, dout) -> np.ndarray:
        """Given ∂L/∂out (N, M), store ``grads['W']``, ``grads['b']`` and return ∂L/∂x (N, D)."""
        if self._cache is None:
            raise ValueError("call forward before backward")
        dx, dW, db = maxout_backward(dout, self._cache)
        self.grads = {"W": dW, "b": db}
        return dx
