"""A fully connected network with manual backpropagation, losses, an SGD trainer and recording.

Layers are forward/backward pairs in the style of CS231n: ``*_forward`` returns the output
and a cache, ``*_backward`` takes the upstream gradient and the cache and returns the
gradients. :class:`MLP` stacks them; its ``weights[l]`` has shape ``(fan_in, fan_out)`` and a
layer computes ``x @ W + b``, so a batch ``X`` is ``(N, features)``.

With ``record=True`` a forward and backward pass keep, for every layer, the pre-activations
``z``, the activations ``h``, and the gradients of the loss with respect to ``h``, ``z`` and
the weights (:class:`Trace`), so experiments can measure saturation, dead units and vanishing
gradients without writing their own forward passes.

:func:`train` trains one network; :func:`train_many` trains a population of networks of one
architecture (seeds, learning rates, an ensemble) at once, with the weights stacked on a
leading axis, and gives every member the numbers :func:`train` would give it alone.

Inputs with NaN or inf are refused with a ``ValueError`` that names the argument (``X``,
``X_val``, ``x``, ``W``, ``b``, ``dout``, ``dh``, ``scores``, ``predictions``, ``target``,
labels); only the elementwise :func:`activation_forward` propagates NaN, as the activations
themselves do. A run that diverges *during* training (non-finite or blown-up loss) is not an
input error: :func:`train` and :func:`train_many` detect it and raise ``FloatingPointError`` or
record it (``on_divergence="stop"``), see :data:`DIVERGENCE_FACTOR`.
"""

from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

from nnbook import activations as act
from nnbook import init as initializers
from nnbook._validation import (
    as_generator,
    as_real_array,
    nonnegative_scalar,
    one_of,
    positive_int,
    positive_scalar,
    real_scalar,
)

__all__ = [
    "affine_forward",
    "affine_backward",
    "activation_forward",
    "activation_backward",
    "softmax_cross_entropy",
    "mse_loss",
    "LOSSES",
    "Trace",
    "MLP",
    "History",
    "train",
    "train_many",
    "accuracy",
    "DIVERGENCE_FACTOR",
]


# ----------------------------------------------------------------------------- checks


def _generator(rng, name: str = "rng") -> np.random.Generator:
    """``as_generator`` that also names the argument for a negative seed."""
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng < 0:
        raise ValueError(f"{name} must be a numpy.random.Generator or a non-negative integer seed; got {rng}")
    return as_generator(rng, name)


def _matrix(x, name: str) -> np.ndarray:
    x = as_real_array(x, name)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array; got shape {x.shape}")
    return x


def _finite(x, name: str) -> np.ndarray:
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf; every value must be finite")
    return x


def _activation(f, name: str = "f") -> act.Activation:
    try:
        return act.get(f)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{name} must be an Activation or the name of one: {error}") from None


# ----------------------------------------------------------------------------- layers


def affine_forward(x, W, b):
    """Affine layer ``out = x W + b``.

    Parameters
    ----------
    x : array of shape (N, D); W : (D, M); b : (M,)

    Returns
    -------
    out : (N, M); cache : (x, W)
    """
    x, W = _finite(_matrix(x, "x"), "x"), _finite(_matrix(W, "W"), "W")
    b = _finite(as_real_array(b, "b"), "b")
    if x.shape[1] != W.shape[0]:
        raise ValueError(f"x has {x.shape[1]} features but W expects {W.shape[0]} (W must be (D, M))")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},) to match W {W.shape}; got {b.shape}")
    return x @ W + b, (x, W)


def affine_backward(dout, cache):
    """Backward pass of :func:`affine_forward`.

    Parameters
    ----------
    dout : (N, M) upstream gradient ∂L/∂out; cache : from the forward pass

    Returns
    -------
    dx : (N, D) = dout Wᵀ;  dW : (D, M) = xᵀ dout;  db : (M,) = Σ_n dout
    """
    if not (isinstance(cache, tuple) and len(cache) == 2):
        raise TypeError("cache must be the (x, W) pair returned by affine_forward")
    x, W = _matrix(cache[0], "cache x"), _matrix(cache[1], "cache W")
    dout = _finite(_matrix(dout, "dout"), "dout")
    if dout.shape != (x.shape[0], W.shape[1]):
        raise ValueError(f"dout must have shape {(x.shape[0], W.shape[1])} (N, M); got {dout.shape}")
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def activation_forward(z, f):
    """Elementwise activation ``h = f(z)``; returns ``(h, cache)``. ``f``: Activation or name.

    Like every elementwise activation it propagates NaN (NaN in, NaN out) instead of refusing it.
    """
    f = _activation(f)
    z = as_real_array(z, "z")
    return f(z), z


def activation_backward(dh, cache, f):
    """Backward pass of an elementwise activation: ``dz = dh ⊙ f'(z)`` (``cache`` is ``z``).

    ``dh`` and the cached ``z`` must be finite (NaN or inf raise ValueError naming them)."""
    f = _activation(f)
    dh, z = _finite(as_real_array(dh, "dh"), "dh"), _finite(as_real_array(cache, "cache"), "cache")
    if dh.shape != z.shape:
        raise ValueError(f"dh must have the shape of the cached z {z.shape}; got {dh.shape}")
    return dh * f.grad(z)


# ----------------------------------------------------------------------------- losses
#
# The private _ce/_mse work on one batch (N, C) or on a stack of batches (P, N, C) and do no
# checks: the public functions and the trainers check their inputs once, then call them.


def _ce(scores, y, grad: bool = True):
    n = scores.shape[-2]
    z = scores - scores.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    at = (np.arange(n), y) if scores.ndim == 2 else (np.arange(scores.shape[0])[:, None], np.arange(n), y)
    loss = -logp[at].mean(axis=-1)
    if not grad:
        return loss, None
    dscores = np.exp(logp)
    dscores[at] -= 1.0
    dscores /= n
    return loss, dscores


def _mse(pred, target, grad: bool = True):
    n = pred.shape[-2]
    diff = pred - target
    loss = 0.5 * np.sum(diff * diff, axis=(-2, -1)) / n
    if not grad:
        return loss, None
    diff /= n
    return loss, diff


_KERNELS = {"cross_entropy": _ce, "mse": _mse}


def _check_batch(scores, name="scores"):
    scores = as_real_array(scores, name)
    if scores.ndim != 2:
        raise ValueError(f"{name} must have shape (N, C); got {scores.shape}")
    if scores.shape[0] == 0:
        raise ValueError("the batch is empty: at least one example is needed")
    return _finite(scores, name)


def _check_labels(y, n, c, name="labels"):
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) to match the scores; got {y.shape}")
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers (class indices); got dtype {y.dtype}")
    if n and (y.min() < 0 or y.max() >= c):
        raise ValueError(f"{name} must be in [0, {c}) for {c} classes; got values from {y.min()} to {y.max()}")
    return y


def _check_target(target, shape, name="target"):
    target = as_real_array(target, name)
    if target.ndim == 1 and shape[1] == 1:
        target = target[:, None]
    if target.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of the predictions {tuple(shape)}; got {target.shape}")
    return _finite(target, name)


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of ``softmax(scores)`` against integer labels, and its gradient.

    ``L = −(1/N) Σ_n log p_{n, y_n}`` (averaged over the batch) with ``p = softmax(scores)``
    computed stably through log-softmax. The gradient is ``∂L/∂scores = (p − onehot(y)) / N``.

    Parameters
    ----------
    scores : (N, C) real and finite; y : (N,) integers in [0, C)

    Returns
    -------
    loss : float; dscores : (N, C)

    Raises
    ------
    ValueError
        For NaN/inf scores, labels out of range or shapes that do not match.
    """
    scores = _check_batch(scores)
    y = _check_labels(y, *scores.shape)
    loss, dscores = _ce(scores, y)
    return float(loss), dscores


def mse_loss(pred, target):
    """Mean squared error ``L = (1/N) Σ_n ½ ‖pred_n − target_n‖²`` and ``∂L/∂pred = (pred − target)/N``.

    Summed over the K outputs, averaged over the N examples, with the factor ½ (so the
    gradient has no 2).

    Parameters
    ----------
    pred : (N, K) finite; target : (N, K) or (N,) when K = 1, finite

    Raises
    ------
    ValueError
        For NaN/inf in ``predictions`` or ``target`` (named in the message) or mismatched shapes.
    """
    pred = _check_batch(pred, "predictions")
    target = _check_target(target, pred.shape)
    loss, grad = _mse(pred, target)
    return float(loss), grad


LOSSES = {"cross_entropy": softmax_cross_entropy, "mse": mse_loss}


def _loss_function(name):
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; valid losses are: {', '.join(LOSSES)}")
    return LOSSES[name]


def accuracy(scores, y) -> float:
    """Fraction of rows whose largest score is at the true label.

    Parameters
    ----------
    scores : (N, C) finite real scores; y : (N,) integer labels in [0, C)

    Raises
    ------
    ValueError
        For NaN/inf scores (an all-NaN row has no largest score) or shapes that do not match.
    """
    scores = _check_batch(scores)
    y = _check_labels(y, *scores.shape, name="y")
    return float(np.mean(np.argmax(scores, axis=1) == y))


# ----------------------------------------------------------------------------- network kernels
#
# One forward and one backward for a single network (arrays (N, D) @ (D, M)) or a stacked
# population (arrays (P, N, D) @ (P, D, M), biases (P, 1, M)): the same code, so train and
# train_many run the same arithmetic. Activations whose derivative is a function of their output
# (tanh, sigmoid, ReLU, leaky ReLU, ELU, SELU) keep only the output h and compute f' from it;
# the others keep z. Tanh, sigmoid, ReLU and leaky ReLU are applied in place.

_FROM_OUTPUT = (act.Sigmoid, act.Tanh, act.ReLU, act.LeakyReLU, act.ELU, act.SELU)
_IN_PLACE = {
    act.Tanh: lambda f, z: np.tanh(z, out=z),
    act.Sigmoid: lambda f, z: expit(z, out=z),
    act.ReLU: lambda f, z: np.maximum(z, 0.0, out=z),
    act.LeakyReLU: lambda f, z: np.maximum(z, f.alpha * z, out=z),
}


def _forward(Ws, bs, acts, X, trace=None):
    """Scores and the caches (inputs of every layer, z where f' needs it)."""
    last = len(Ws) - 1
    xs, zs = [], []
    h = X
    for l, (W, b) in enumerate(zip(Ws, bs)):
        xs.append(h)
        z = h @ W
        z += b
        if l == last:
            h = z
            zs.append(None)
        else:
            f = acts[l]
            kind = type(f)
            if trace is None and kind in _IN_PLACE:
                h = _IN_PLACE[kind](f, z)
            else:
                h = f._forward(z)
            zs.append(None if kind in _FROM_OUTPUT else z)
        if trace is not None:
            trace.pre_activations.append(z)
            trace.activations.append(h)
    return h, xs, zs


def _backward(Ws, acts, xs, zs, dscores, input_grad=False, trace=None):
    """Gradients of the weights and biases (and of the input if asked) from ∂L/∂scores."""
    L = len(Ws)
    gW, gb = [None] * L, [None] * L
    stacked = dscores.ndim == 3
    dz = dscores
    if trace is not None:
        trace.grad_activations, trace.grad_pre_activations = [None] * L, [None] * L
        trace.grad_activations[L - 1] = trace.grad_pre_activations[L - 1] = dz
    for l in range(L - 1, -1, -1):
        x = xs[l]
        gW[l] = np.swapaxes(x, -1, -2) @ dz
        gb[l] = dz.sum(axis=-2, keepdims=stacked)
        if l == 0:
            return gW, gb, (dz @ np.swapaxes(Ws[0], -1, -2) if input_grad else None)
        dh = dz @ np.swapaxes(Ws[l], -1, -2)
        f = acts[l - 1]
        if trace is not None:
            trace.grad_activations[l - 1] = dh
            dh = dh.copy()
        kind = type(f)
        if kind is act.Tanh:  # 1 − h², one temporary (the same numbers as Tanh.grad_from_output)
            d = np.multiply(x, x)
            dh *= np.subtract(1.0, d, out=d)
        elif kind is act.Sigmoid:  # h (1 − h)
            d = np.subtract(1.0, x)
            dh *= np.multiply(x, d, out=d)
        elif kind in _FROM_OUTPUT:
            dh *= f.grad_from_output(x)  # x is this layer's input = the previous layer's output
        else:
            dh *= f._grad(zs[l - 1])
        dz = dh
        if trace is not None:
            trace.grad_pre_activations[l - 1] = dz


def _own_state(activations):
    """Give every hidden layer its own activation object (copies for repeated instances).

    A stateful activation (RReLU in training mode caches the slopes it drew) must not be
    shared: layer 0's backward would use the slopes drawn for layer 1. A copy of an activation
    with a random generator gets an independent child generator.
    """
    seen, owned = set(), []
    for f in activations:
        if id(f) in seen:
            original = f
            f = copy.deepcopy(original)
            rng = getattr(original, "rng", None)
            if isinstance(rng, np.random.Generator):
                try:
                    f.rng = rng.spawn(1)[0]
                except (TypeError, ValueError, AttributeError):  # bit generator without a SeedSequence
                    f.rng = np.random.default_rng(rng.integers(2**63))
        seen.add(id(f))
        owned.append(f)
    return owned


# ----------------------------------------------------------------------------- network


@dataclass
class Trace:
    """What one recorded forward/backward pass saw, layer by layer (hidden and output).

    ``pre_activations[l]`` and ``activations[l]`` are (N, width_l); for the output layer the
    activation is the identity. The ``grad_*`` lists are filled by the backward pass.
    """

    inputs: np.ndarray
    pre_activations: list = field(default_factory=list)
    activations: list = field(default_factory=list)
    grad_activations: list = field(default_factory=list)
    grad_pre_activations: list = field(default_factory=list)
    grad_weights: list = field(default_factory=list)
    grad_biases: list = field(default_factory=list)


def _per_layer(value, count, what):
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(f"{what}: expected one per hidden layer ({count}); got {len(value)}")
        return list(value)
    return [value] * count


class MLP:
    """A fully connected network: affine → activation → … → affine (scores).

    Parameters
    ----------
    sizes : list of int
        Layer widths from input to output, e.g. ``[2, 16, 16, 2]``.
    activation : str, Activation, or list of them, default "relu"
        Activation of the hidden layers (one for all, or one per hidden layer). The output
        layer is linear; losses apply softmax themselves. Every hidden layer owns its
        activation object: an instance given for several layers is copied (with an
        independent child generator for RReLU), so per-call state such as RReLU's sampled
        slopes is never shared between layers.
    init : str, callable, or list of them, default "he_normal"
        Initializer from :mod:`nnbook.init` (name or function ``(fan_in, fan_out, *, rng)``),
        one for all layers or one per layer (including the output layer). ``"constant"``
        needs a value, so pass a function, e.g. ``functools.partial(nnbook.init.constant, value=0.1)``.
    rng : numpy.random.Generator or int
        Source of the initial weights.
    bias : float, default 0
        Initial value of every hidden bias (output biases start at 0).
    dtype : numpy float dtype, default float64
        float32 halves memory and time for large experiments.

    Attributes
    ----------
    weights, biases : lists of arrays; ``weights[l]`` has shape ``(sizes[l], sizes[l+1])``.
    activations : list of Activation, one per hidden layer.
    grads : dict with lists ``"weights"`` and ``"biases"``, filled by :meth:`backward`.
    trace : :class:`Trace` of the last pass run with ``record=True``.
    """

    def __init__(self, sizes, activation="relu", init="he_normal", *, rng, bias: float = 0.0, dtype=np.float64):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"sizes must be a list of layer widths from input to output, e.g. [2, 16, 2]; "
                            f"got {sizes!r}")
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output width; got {sizes}")
        self.sizes = [positive_int(s, "every layer size") for s in sizes]
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64; got {self.dtype}")
        n_layers = len(sizes) - 1
        self.activations = _own_state([act.get(a) for a in _per_layer(activation, n_layers - 1, "activation")])
        init_specs = _per_layer(init, n_layers, "init")
        for spec in init_specs:
            if isinstance(spec, str) and spec.lower() == "constant":
                raise ValueError("init='constant' needs a value: pass init=functools.partial("
                                 "nnbook.init.constant, value=0.1) (or another value)")
        inits = [initializers.get(i) for i in init_specs]
        rng = _generator(rng)
        bias = real_scalar(bias, "bias")
        self.weights = []
        for l in range(n_layers):
            try:
                W = inits[l](sizes[l], sizes[l + 1], rng=rng)
            except TypeError as error:
                raise TypeError(f"init for layer {l} must be callable as init(fan_in, fan_out, rng=rng): {error}") \
                    from None
            self.weights.append(np.asarray(W).astype(self.dtype))
        self.biases = [np.full(sizes[l + 1], bias if l < n_layers - 1 else 0.0, dtype=self.dtype)
                       for l in range(n_layers)]
        self.grads = {"weights": [None] * n_layers, "biases": [None] * n_layers}
        self.trace = None
        self._caches = None

    @property
    def n_layers(self) -> int:
        """Number of affine layers (hidden layers + 1)."""
        return len(self.weights)

    def parameters(self) -> list[np.ndarray]:
        """Weights and biases, in the order :meth:`gradients` returns their gradients."""
        return [*self.weights, *self.biases]

    def gradients(self) -> list[np.ndarray]:
        """The gradients filled by the last :meth:`backward`, aligned with :meth:`parameters`."""
        return [*self.grads["weights"], *self.grads["biases"]]

    def _check_input(self, X, name="X"):
        X = as_real_array(X, name)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"{name} must have shape (N, {self.sizes[0]}); got {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("the batch is empty: at least one example is needed")
        _finite(X, name)
        return X.astype(self.dtype, copy=False)

    def forward(self, X, record: bool = False) -> np.ndarray:
        """Scores (N, sizes[-1]) for inputs ``X`` (N, sizes[0]); keeps what backward needs.

        ``X`` must be finite (NaN or inf raise ValueError). With ``record=True`` the pass is
        stored in :attr:`trace` (z and h per layer).
        """
        X = self._check_input(X)
        self.trace = Trace(inputs=X) if record else None
        scores, xs, zs = _forward(self.weights, self.biases, self.activations, X, self.trace)
        self._caches = (xs, zs)
        return scores

    def backward(self, dout, *, input_grad: bool = True):
        """Backpropagate ∂L/∂scores (N, sizes[-1]); fill :attr:`grads`; return ∂L/∂X.

        With ``input_grad=False`` the first layer's input gradient is not computed (saving one
        matrix product) and None is returned; :meth:`loss` and :func:`train` do this.
        """
        if self._caches is None:
            raise ValueError("call forward before backward")
        dout = as_real_array(dout, "dout")
        n = self._caches[0][0].shape[0]
        if dout.shape != (n, self.sizes[-1]):
            raise ValueError(f"dout must have shape ({n}, {self.sizes[-1]}); got {dout.shape}")
        return self._backprop(dout.copy(), input_grad)  # a copy: the caller's dout is not overwritten

    def _backprop(self, dscores, input_grad):
        xs, zs = self._caches
        gW, gb, dX = _backward(self.weights, self.activations, xs, zs, dscores, input_grad, self.trace)
        self.grads["weights"], self.grads["biases"] = gW, gb
        if self.trace is not None:
            self.trace.grad_weights = list(gW)
            self.trace.grad_biases = list(gb)
        return dX

    def loss(self, X, y, loss: str = "cross_entropy", record: bool = False) -> float:
        """Forward, loss and backward in one call; returns the loss and fills :attr:`grads`."""
        value, dscores = _loss_function(loss)(self.forward(X, record=record), y)
        self._backprop(dscores, input_grad=False)  # dscores is fresh and checked: no copy
        return value

    def record(self, X, y, loss: str = "cross_entropy") -> Trace:
        """Run a recorded forward and backward pass on a batch and return its :class:`Trace`."""
        self.loss(X, y, loss=loss, record=True)
        return self.trace

    def predict(self, X) -> np.ndarray:
        """Class indices (argmax of the scores). ``X`` with NaN or inf raises ValueError."""
        return np.argmax(self.forward(X), axis=1)


# ----------------------------------------------------------------------------- training

#: A run has diverged when an epoch's training loss is inf/NaN or exceeds this factor times its
#: starting value (the loss of the first minibatch, before any step; at least 1), e.g. a ReLU
#: net at lr = 1e3 whose cross-entropy reaches 1e24 while staying finite.
DIVERGENCE_FACTOR = 1e6


@dataclass
class History:
    """Per-epoch record of a training run.

    ``loss``/``accuracy`` are measured on the whole training set after each epoch (accuracy
    is NaN for ``loss="mse"``), ``val_*`` on the validation set when one is given;
    ``diverged`` is True when the run stopped because the loss blew up (see :func:`train`).
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    diverged: bool = False


def _blew_up(loss, start) -> bool:
    return not np.isfinite(loss) or loss > DIVERGENCE_FACTOR * max(start, 1.0)


@dataclass
class _Setup:
    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray | None
    y_val: np.ndarray | None
    loss: str
    batch_size: int
    shuffle: bool


def _targets(y, n, net, loss, name):
    if y is None:
        raise TypeError(f"{name} is missing: pass the labels (or targets for loss='mse') of the examples")
    if loss == "cross_entropy":
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != n:
            raise ValueError(f"{name} must be integer class labels of shape ({n},) to match the inputs; "
                             f"got shape {y.shape}")
        return _check_labels(y, n, net.sizes[-1], name)
    # targets in the network's dtype, so a float32 network trains in float32 throughout
    return _check_target(y, (n, net.sizes[-1]), name).astype(net.dtype, copy=False)


def _check_training(net, X, y, loss, batch_size, X_val, y_val):
    """Check every data argument before the network is touched; return them prepared."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an nn.MLP; got {type(net).__name__}")
    _loss_function(loss)
    X = net._check_input(X)
    n = X.shape[0]
    y = _targets(y, n, net, loss, "y")
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val (validation inputs and labels) or neither")
    if X_val is not None:
        X_val = net._check_input(X_val, "X_val")
        y_val = _targets(y_val, X_val.shape[0], net, loss, "y_val")
    batch_size = n if batch_size is None else positive_int(batch_size, "batch_size")
    return _Setup(X, y, X_val, y_val, loss, batch_size, batch_size < n)


def _check_hyper(lr, epochs, momentum, weight_decay, on_divergence):
    lr = positive_scalar(lr, "lr")
    epochs = positive_int(epochs, "epochs")
    momentum = nonnegative_scalar(momentum, "momentum")
    weight_decay = nonnegative_scalar(weight_decay, "weight_decay")
    if momentum >= 1:
        raise ValueError(f"momentum must be in [0, 1); got {momentum}")
    one_of(on_divergence, ("raise", "stop"), "on_divergence")
    return lr, epochs, momentum, weight_decay


def _evaluate(Ws, bs, acts, X, y, loss, keep=None):
    """Loss and accuracy of one network (or a stack) on a whole set; (inf, NaN) if scores overflow.

    ``keep``, a list, receives the forward pass (scores and caches): in full-batch training the
    next step's forward pass is this one (same weights, same data), so it is not run twice.
    """
    forward = _forward(Ws, bs, acts, X)
    scores = forward[0]
    if keep is not None:
        keep[:] = forward
    finite = np.isfinite(scores).all(axis=(-2, -1))
    value = _KERNELS[loss](scores, y, grad=False)[0]
    acc = (np.mean(np.argmax(scores, axis=-1) == y, axis=-1) if loss == "cross_entropy"
           else np.full(np.shape(value), np.nan))
    value = np.where(finite, value, np.inf)
    acc = np.where(finite, acc, np.nan)
    return value, acc


def _diverged_error(loss, epochs_done, lr, start, who=""):
    reason = (f"loss became {loss}" if not np.isfinite(loss) else
              f"loss grew from {start:.3g} to {loss:.3g}, more than {DIVERGENCE_FACTOR:.0e} times its start")
    return FloatingPointError(
        f"training{who} diverged ({reason}) after {epochs_done} epochs at lr={lr}; "
        "lower the learning rate or pass on_divergence='stop' to record it")


def train(net: MLP, X, y, *, lr: float, epochs: int, loss: str = "cross_entropy", batch_size=None,
          momentum: float = 0.0, weight_decay: float = 0.0, rng=None, X_val=None, y_val=None,
          on_divergence: str = "raise") -> History:
    """Train ``net`` in place with minibatch SGD (optionally with momentum).

    Each epoch shuffles the data with ``rng`` (one ``rng.permutation(N)`` per epoch, when
    ``batch_size`` is smaller than the data) and takes one step per minibatch. The update is
    classical (heavy-ball) momentum, not Nesterov: with g the gradient of the batch loss at
    the current parameters,

    ``v ← μ v − lr (g + λ W)``,   ``θ ← θ + v``

    where the weight-decay term ``λ W`` applies to the weights only, never the biases
    (``v`` starts at 0, so μ = 0 is plain SGD). The batch loss is the cross-entropy averaged
    over the batch, ``−(1/B) Σ log p_{n,y_n}``, or the MSE ``(1/B) Σ_n ½ ‖ŷ_n − y_n‖²``. After
    each epoch the loss and accuracy on the whole training set (and on the validation set if
    given) are appended to the returned :class:`History`.

    Every argument is checked before the network is touched; inputs and targets must be
    finite (NaN or inf raise ValueError).

    Divergence: the run has diverged when a minibatch gives non-finite scores or loss, or an
    epoch's training loss is inf/NaN or larger than :data:`DIVERGENCE_FACTOR` (10⁶) times
    ``max(L₀, 1)``, with L₀ the loss of the first minibatch before any step. A diverged
    epoch is not recorded; the weights stay as the failing step left them.

    Parameters
    ----------
    net : MLP
    X, y : training inputs (N, D) and labels (N,) (or targets (N, K) for ``loss="mse"``)
    lr : float > 0; epochs : int ≥ 1
    loss : "cross_entropy" or "mse"
    batch_size : int, optional
        Default: the whole training set (full-batch gradient descent).
    momentum : float in [0, 1)
    weight_decay : float ≥ 0
        L2 regularization strength λ: adds ``λ/2 · Σ‖W‖²`` to the minimized loss (not
        included in the reported loss).
    rng : numpy.random.Generator or int, optional
        Needed for minibatch shuffling.
    X_val, y_val : optional validation set (both or neither)
    on_divergence : "raise" or "stop"
        What to do when training diverges: raise ``FloatingPointError`` or stop and mark
        ``History.diverged``.
    """
    lr, epochs, momentum, weight_decay = _check_hyper(lr, epochs, momentum, weight_decay, on_divergence)
    setup = _check_training(net, X, y, loss, batch_size, X_val, y_val)
    if setup.shuffle:
        if rng is None:
            raise ValueError("minibatch training shuffles the data: pass rng=np.random.default_rng(seed)")
        rng = _generator(rng)
    elif rng is not None:
        _generator(rng)
    X, y, n, size = setup.X, setup.y, setup.X.shape[0], setup.batch_size
    kernel = _KERNELS[loss]
    Ws, bs, acts = net.weights, net.biases, net.activations
    params = [*Ws, *bs]
    decays = [bool(weight_decay)] * len(Ws) + [False] * len(bs)
    velocity = [np.zeros_like(p) for p in params] if momentum else None
    lr_decay = lr * weight_decay
    start = reuse = None
    history = History()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(n) if setup.shuffle else None
            broken = False
            for begin in range(0, n, size):
                if order is None:
                    Xb, yb = X, y
                else:
                    idx = order[begin:begin + size]
                    Xb, yb = X[idx], y[idx]
                scores, xs, zs = reuse or _forward(Ws, bs, acts, Xb)
                if not np.isfinite(scores).all():
                    broken = True
                    break
                value, dscores = kernel(scores, yb)
                if not np.isfinite(value):
                    broken = True
                    break
                if start is None:
                    start = float(value)
                gW, gb, _ = _backward(Ws, acts, xs, zs, dscores)
                if momentum:
                    for p, g, v, decay in zip(params, gW + gb, velocity, decays):
                        v *= momentum
                        g *= lr
                        v -= g
                        if decay:
                            v -= lr_decay * p
                        p += v
                else:  # v = −(lr g + lr λ W): the same floating-point numbers without a velocity buffer
                    for p, g, decay in zip(params, gW + gb, decays):
                        g *= lr
                        if decay:
                            g += lr_decay * p
                        p -= g
            reuse = [] if order is None else None
            train_loss, train_acc = _evaluate(Ws, bs, acts, X, y, loss, keep=reuse)
            train_loss, train_acc = float(train_loss), float(train_acc)
            if broken or _blew_up(train_loss, start):
                history.diverged = True
                if on_divergence == "raise":
                    raise _diverged_error(train_loss, len(history.loss), lr, start if start is not None else np.nan)
                break
            history.loss.append(train_loss)
            history.accuracy.append(train_acc)
            if setup.X_val is not None:
                val_loss, val_acc = _evaluate(Ws, bs, acts, setup.X_val, setup.y_val, loss)
                history.val_loss.append(float(val_loss))
                history.val_accuracy.append(float(val_acc))
    return history


# ----------------------------------------------------------------------------- populations


def _per_member(value, count, name):
    if isinstance(value, (list, tuple, np.ndarray)):
        if len(value) != count:
            raise ValueError(f"{name}: expected one per network ({count}); got {len(value)}")
        return list(value)
    return [value] * count


def _same_activation(f, g) -> bool:
    if type(f) is not type(g):
        return False
    a, b = f.params(), g.params()
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def _check_population(nets):
    if isinstance(nets, MLP):
        raise TypeError("nets must be a list of MLPs (one per member), not a single MLP")
    nets = list(nets)
    if not nets:
        raise ValueError("nets must hold at least one MLP")
    for i, net in enumerate(nets):
        if not isinstance(net, MLP):
            raise TypeError(f"nets[{i}] must be an nn.MLP; got {type(net).__name__}")
    if len({id(net) for net in nets}) != len(nets):
        raise ValueError("nets holds the same MLP object more than once; build one MLP per member")
    first = nets[0]
    for i, net in enumerate(nets[1:], 1):
        if net.sizes != first.sizes or net.dtype != first.dtype:
            raise ValueError(f"every member must have the same sizes and dtype: nets[0] is {first.sizes} "
                             f"{first.dtype}, nets[{i}] is {net.sizes} {net.dtype}")
        for l, (f, g) in enumerate(zip(first.activations, net.activations)):
            if not _same_activation(f, g):
                raise ValueError(f"every member must use the same activations: layer {l} of nets[0] is {f!r}, "
                                 f"of nets[{i}] {g!r}")
    for i, net in enumerate(nets):
        for f in net.activations:
            if getattr(f, "training", False):
                raise ValueError(
                    f"nets[{i}] uses {type(f).__name__} in training mode, whose random slopes come from one "
                    "generator per layer and network; train_many cannot batch them. Train such networks one by "
                    "one with nn.train, or switch the activation to evaluation mode with .eval()")
    return nets


def train_many(nets, X, y, *, lr, epochs: int, rng=None, loss: str = "cross_entropy", batch_size=None,
               momentum=0.0, weight_decay=0.0, X_val=None, y_val=None, on_divergence: str = "raise") -> list[History]:
    """Train a population of networks of one architecture at once; one :class:`History` per member.

    This is how an ensemble or a seed/learning-rate sweep is trained: instead of a Python loop
    of :func:`train` calls, the P members' weights are stacked on a leading axis — layer l's
    weights become one array of shape (P, D, M) — and every layer runs one batched matrix
    product ``np.matmul`` of (P, B, D) @ (P, D, M) for all members. It is the numpy
    counterpart of ``jax.vmap`` / ``torch.func.vmap`` over a training step: the Python
    overhead of a step (dozens of small numpy calls) is paid once for the whole population
    instead of once per member, which is what makes small networks fast to train by the dozen.

    Each member is trained exactly as :func:`train` would train it alone — the same
    arithmetic on its own slice, so its weights and :class:`History` agree with
    ``train(nets[i], X, y, lr=lr[i], rng=rng[i], ...)`` to rounding (tested to 1e-10
    relative):

    * its own minibatch order: member i draws ``rng[i].permutation(N)`` each epoch, as
      :func:`train` does;
    * its own learning rate, momentum and weight decay if lists are given;
    * its own divergence: a member whose loss blows up (the rule of :func:`train`) stops,
      its weights frozen where :func:`train` would leave them and its History marked
      ``diverged``, while the others go on.

    The trained weights are written back into the members' arrays (``nets[i].weights[l]``
    is updated in place, as by :func:`train`).

    Parameters
    ----------
    nets : list of MLP
        Same sizes, dtype and activations (the same type and parameters in every layer);
        distinct objects, usually different initial weights (one seed each). RReLU in
        training mode is refused (its random slopes are drawn per network).
    X, y : training inputs (N, D) and labels (N,) (or targets (N, K) for ``loss="mse"``),
        shared by all members.
    lr : float or list of float
        One learning rate for all members or one per member (a learning-rate sweep).
    epochs : int ≥ 1
    rng : None or list of numpy.random.Generator / int
        One generator or seed per member (each shuffles its own minibatches); None for
        full-batch training.
    loss, batch_size, X_val, y_val : as in :func:`train` (shared by all members).
    momentum, weight_decay : float or list of float (one per member), as in :func:`train`.
    on_divergence : "raise" or "stop"
        "stop" marks a diverged member and trains the others on; "raise" raises
        ``FloatingPointError`` at the end of the epoch in which a member diverged (naming
        it), after writing every member's current weights back.

    Returns
    -------
    list of History, aligned with ``nets``.

    Examples
    --------
    Ten seeds of one network, trained together (the book's seed averages)::

        nets = [nn.MLP([2, 16, 2], "tanh", rng=seed) for seed in range(10)]
        histories = nn.train_many(nets, X, y, lr=0.1, epochs=50, batch_size=32,
                                  rng=[100 + seed for seed in range(10)])
        final = [h.accuracy[-1] for h in histories]

    Notes
    -----
    The cost of a step is P times the matrix work of one network plus one set of Python
    calls; the gain over a loop of :func:`train` is largest for small networks and small
    batches, where that overhead dominates.
    """
    nets = _check_population(nets)
    P = len(nets)
    lrs = [positive_scalar(v, "lr") for v in _per_member(lr, P, "lr")]
    moms = _per_member(momentum, P, "momentum")
    decays = _per_member(weight_decay, P, "weight_decay")
    for i in range(P):
        _, epochs, moms[i], decays[i] = _check_hyper(lrs[i], epochs, moms[i], decays[i], on_divergence)
    setup = _check_training(nets[0], X, y, loss, batch_size, X_val, y_val)
    if rng is not None and not isinstance(rng, (list, tuple)):
        raise TypeError("rng must be a list with one Generator or seed per network (each member shuffles "
                        "its own minibatches), or None for full-batch training")
    if rng is None:
        if setup.shuffle:
            raise ValueError("minibatch training shuffles the data: pass rng=[one Generator or seed per network]")
        rngs = [None] * P
    else:
        rngs = [_generator(r, f"rng[{i}]") for i, r in enumerate(_per_member(rng, P, "rng"))]
    return _Population(nets, setup, lrs, moms, decays, rngs).run(epochs, on_divergence)


class _Population:
    """The state of a population run: stacked parameters of the members still training."""

    def __init__(self, nets, setup, lrs, moms, decays, rngs):
        self.nets, self.setup, self.rngs = nets, setup, rngs
        dtype = nets[0].dtype
        L = nets[0].n_layers
        self.acts = nets[0].activations
        self.Ws = [np.stack([net.weights[l] for net in nets]) for l in range(L)]
        self.bs = [np.stack([net.biases[l] for net in nets])[:, None, :] for l in range(L)]
        col = lambda values: np.array(values, dtype=dtype)[:, None, None]  # noqa: E731 - (P, 1, 1)
        self.lr = col(lrs)
        self.lr_values = lrs
        self.mom = col(moms) if any(moms) else None
        self.lr_decay = col([a * b for a, b in zip(lrs, decays)]) if any(decays) else None
        self.vel = [np.zeros_like(p) for p in self.Ws + self.bs] if self.mom is not None else None
        self.alive = list(range(len(nets)))  # member index of every slice of the stacks
        self.start = np.full(len(nets), np.nan)
        self.histories = [History() for _ in nets]

    def write_back(self, slices=None):
        for i in range(len(self.alive)) if slices is None else slices:
            net = self.nets[self.alive[i]]
            for l in range(len(self.Ws)):
                net.weights[l][...] = self.Ws[l][i]
                net.biases[l][...] = self.bs[l][i, 0]

    def drop(self, slices):
        """Freeze the members at these slices (weights written back) and remove them from the stacks."""
        slices = list(slices)
        self.write_back(slices)
        keep = np.setdiff1d(np.arange(len(self.alive)), slices)
        self.Ws = [W[keep] for W in self.Ws]
        self.bs = [b[keep] for b in self.bs]
        self.lr = self.lr[keep]
        if self.mom is not None:
            self.mom = self.mom[keep]
            self.vel = [v[keep] for v in self.vel]
        if self.lr_decay is not None:
            self.lr_decay = self.lr_decay[keep]
        self.alive = [self.alive[i] for i in keep]

    def labels(self, y, count):
        return np.broadcast_to(y, (count, *y.shape)) if self.setup.loss == "cross_entropy" else y

    def run(self, epochs, on_divergence):
        s = self.setup
        X, y, n, size = s.X, s.y, s.X.shape[0], s.batch_size
        kernel = _KERNELS[s.loss]
        failures = []
        reuse = None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(epochs):
                orders = {m: self.rngs[m].permutation(n) for m in self.alive} if s.shuffle else None
                for begin in range(0, n, size):
                    while self.alive:  # repeated only when a member breaks on this batch
                        if orders is None:
                            Xb, yb = X, self.labels(y, len(self.alive))
                        else:
                            idx = np.stack([orders[m][begin:begin + size] for m in self.alive])
                            Xb, yb = X[idx], y[idx]
                        scores, xs, zs = reuse or _forward(self.Ws, self.bs, self.acts, Xb)
                        reuse = None
                        values, dscores = kernel(scores, yb)
                        ok = np.isfinite(scores).all(axis=(1, 2)) & np.isfinite(values)
                        if ok.all():
                            break
                        broken = np.flatnonzero(~ok)
                        for i in broken:
                            failures.append((self.alive[i], np.inf, epoch))
                            self.histories[self.alive[i]].diverged = True
                        self.drop(broken)
                    if not self.alive:
                        break
                    if begin == 0 and epoch == 0:
                        self.start[self.alive] = values
                    gW, gb, _ = _backward(self.Ws, self.acts, xs, zs, dscores)
                    self.update(gW + gb)
                if not self.alive:
                    break
                reuse = [] if orders is None else None
                train_loss, train_acc = _evaluate(self.Ws, self.bs, self.acts, X, self.labels(y, len(self.alive)),
                                                  s.loss, keep=reuse)
                blown = [i for i, m in enumerate(self.alive) if _blew_up(train_loss[i], self.start[m])]
                for i in blown:
                    m = self.alive[i]
                    self.histories[m].diverged = True
                    failures.append((m, float(train_loss[i]), epoch))
                for i, m in enumerate(self.alive):
                    if i not in blown:
                        self.histories[m].loss.append(float(train_loss[i]))
                        self.histories[m].accuracy.append(float(train_acc[i]))
                if blown:
                    self.drop(blown)
                    reuse = None  # the stacks changed
                if failures and on_divergence == "raise":
                    self.write_back()
                    m, value, done = failures[0]
                    raise _diverged_error(value, done, self.lr_values[m], self.start[m], who=f" of nets[{m}]")
                if s.X_val is not None and self.alive:
                    val_loss, val_acc = _evaluate(self.Ws, self.bs, self.acts, s.X_val,
                                                  self.labels(s.y_val, len(self.alive)), s.loss)
                    for i, m in enumerate(self.alive):
                        self.histories[m].val_loss.append(float(val_loss[i]))
                        self.histories[m].val_accuracy.append(float(val_acc[i]))
        self.write_back()
        return self.histories

    def update(self, grads):
        """One SGD/momentum step of every member, with the operations of :func:`train`."""
        L = len(self.Ws)
        params = self.Ws + self.bs
        for j, (p, g) in enumerate(zip(params, grads)):
            decay = self.lr_decay is not None and j < L
            if self.mom is not None:
                v = self.vel[j]
                v *= self.mom
                g *= self.lr
                v -= g
                if decay:
                    v -= self.lr_decay * p
                p += v
            else:
                g *= self.lr
                if decay:
                    g += self.lr_decay * p
                p -= g
