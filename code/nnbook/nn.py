"""A fully connected network with manual backpropagation, losses, an SGD trainer and recording.

Layers are forward/backward pairs in the style of CS231n: ``*_forward`` returns the output
and a cache, ``*_backward`` takes the upstream gradient and the cache and returns the
gradients. :class:`MLP` stacks them; its ``weights[l]`` has shape ``(fan_in, fan_out)`` and a
layer computes ``x @ W + b``, so a batch ``X`` is ``(N, features)``.

With ``record=True`` a forward and backward pass keep, for every layer, the pre-activations
``z``, the activations ``h``, and the gradients of the loss with respect to ``h``, ``z`` and
the weights (:class:`Trace`), so experiments can measure saturation, dead units and vanishing
gradients without writing their own forward passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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
]


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
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def activation_forward(z, f):
    """Elementwise activation ``h = f(z)``; returns ``(h, cache)``."""
    return f(z), z


def activation_backward(dh, cache, f):
    """Backward pass of an elementwise activation: ``dz = dh ⊙ f'(z)``."""
    return dh * f.grad(cache)


# ----------------------------------------------------------------------------- losses


def _check_batch(scores, name="scores"):
    scores = as_real_array(scores, name)
    if scores.ndim != 2:
        raise ValueError(f"{name} must have shape (N, C); got {scores.shape}")
    if scores.shape[0] == 0:
        raise ValueError("the batch is empty: at least one example is needed")
    return scores


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of ``softmax(scores)`` against integer labels, and its gradient.

    ``L = −(1/N) Σ_n log p_{n, y_n}`` with ``p = softmax(scores)`` computed stably through
    log-softmax. The gradient is ``∂L/∂scores = (p − onehot(y)) / N``.

    Parameters
    ----------
    scores : (N, C) real; y : (N,) integers in [0, C)

    Returns
    -------
    loss : float; dscores : (N, C)
    """
    scores = _check_batch(scores)
    y = np.asarray(y)
    n, c = scores.shape
    if y.shape != (n,):
        raise ValueError(f"labels must have shape ({n},) to match the scores; got {y.shape}")
    if y.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers (class indices); got dtype {y.dtype}")
    if y.min() < 0 or y.max() >= c:
        raise ValueError(f"labels must be in [0, {c}) for {c} classes; got values from {y.min()} to {y.max()}")
    logp = act.log_softmax(scores, axis=1)
    rows = np.arange(n)
    loss = -logp[rows, y].mean()
    dscores = np.exp(logp)
    dscores[rows, y] -= 1.0
    return float(loss), dscores / n


def mse_loss(pred, target):
    """Mean squared error ``L = (1/N) Σ_n ½ ‖pred_n − target_n‖²`` and ``∂L/∂pred = (pred − target)/N``.

    Parameters
    ----------
    pred : (N, K); target : (N, K) or (N,) when K = 1
    """
    pred = _check_batch(pred, "predictions")
    target = as_real_array(target, "target")
    if target.ndim == 1 and pred.shape[1] == 1:
        target = target[:, None]
    if target.shape != pred.shape:
        raise ValueError(f"target must have the shape of the predictions {pred.shape}; got {target.shape}")
    diff = pred - target
    n = pred.shape[0]
    return float(0.5 * np.sum(diff * diff) / n), diff / n


LOSSES = {"cross_entropy": softmax_cross_entropy, "mse": mse_loss}


def _loss_function(name):
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; valid losses are: {', '.join(LOSSES)}")
    return LOSSES[name]


def accuracy(scores, y) -> float:
    """Fraction of rows whose largest score is at the true label."""
    return float(np.mean(np.argmax(scores, axis=1) == np.asarray(y)))


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
        layer is linear; losses apply softmax themselves.
    init : str, callable, or list of them, default "he_normal"
        Initializer from :mod:`nnbook.init` (name or function ``(fan_in, fan_out, *, rng)``),
        one for all layers or one per layer (including the output layer).
    rng : numpy.random.Generator or int
        Source of the initial weights.
    bias : float, default 0
        Initial value of every hidden bias (output biases start at 0).
    dtype : numpy float dtype, default float64
        float32 halves memory and time for large experiments.

    Attributes
    ----------
    weights, biases : lists of arrays; ``weights[l]`` has shape ``(sizes[l], sizes[l+1])``.
    grads : dict with lists ``"weights"`` and ``"biases"``, filled by :meth:`backward`.
    trace : :class:`Trace` of the last pass run with ``record=True``.
    """

    def __init__(self, sizes, activation="relu", init="he_normal", *, rng, bias: float = 0.0, dtype=np.float64):
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output width; got {sizes}")
        self.sizes = [positive_int(s, "every layer size") for s in sizes]
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64; got {self.dtype}")
        n_layers = len(sizes) - 1
        self.activations = [act.get(a) for a in _per_layer(activation, n_layers - 1, "activation")]
        inits = [initializers.get(i) for i in _per_layer(init, n_layers, "init")]
        rng = as_generator(rng)
        bias = real_scalar(bias, "bias")
        self.weights = [inits[l](sizes[l], sizes[l + 1], rng=rng).astype(self.dtype) for l in range(n_layers)]
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

    def _check_input(self, X):
        X = as_real_array(X, "X")
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (N, {self.sizes[0]}); got {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("the batch is empty: at least one example is needed")
        return X.astype(self.dtype, copy=False)

    def forward(self, X, record: bool = False) -> np.ndarray:
        """Scores (N, sizes[-1]) for inputs ``X`` (N, sizes[0]); keeps what backward needs.

        With ``record=True`` the pass is stored in :attr:`trace` (copies of z and h per layer).
        """
        X = self._check_input(X)
        caches = []
        h = X
        self.trace = Trace(inputs=X) if record else None
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z, affine_cache = affine_forward(h, W, b)
            if l < self.n_layers - 1:
                h, act_cache = activation_forward(z, self.activations[l])
            else:
                h, act_cache = z, None
            caches.append((affine_cache, act_cache))
            if record:
                self.trace.pre_activations.append(z)
                self.trace.activations.append(h)
        self._caches = caches
        return h

    def backward(self, dout) -> np.ndarray:
        """Backpropagate ∂L/∂scores (N, sizes[-1]); fill :attr:`grads`; return ∂L/∂X."""
        if self._caches is None:
            raise ValueError("call forward before backward")
        dout = as_real_array(dout, "dout")
        n = self._caches[0][0][0].shape[0]
        if dout.shape != (n, self.sizes[-1]):
            raise ValueError(f"dout must have shape ({n}, {self.sizes[-1]}); got {dout.shape}")
        record = self.trace is not None
        grad_h, grad_z = [None] * self.n_layers, [None] * self.n_layers
        dh = dout
        for l in reversed(range(self.n_layers)):
            affine_cache, act_cache = self._caches[l]
            grad_h[l] = dh
            dz = dh if act_cache is None else activation_backward(dh, act_cache, self.activations[l])
            grad_z[l] = dz
            dh, dW, db = affine_backward(dz, affine_cache)
            self.grads["weights"][l], self.grads["biases"][l] = dW, db
        if record:
            self.trace.grad_activations = grad_h
            self.trace.grad_pre_activations = grad_z
            self.trace.grad_weights = list(self.grads["weights"])
            self.trace.grad_biases = list(self.grads["biases"])
        return dh

    def loss(self, X, y, loss: str = "cross_entropy", record: bool = False) -> float:
        """Forward, loss and backward in one call; returns the loss and fills :attr:`grads`."""
        value, dscores = _loss_function(loss)(self.forward(X, record=record), y)
        self.backward(dscores)
        return value

    def record(self, X, y, loss: str = "cross_entropy") -> Trace:
        """Run a recorded forward and backward pass on a batch and return its :class:`Trace`."""
        self.loss(X, y, loss=loss, record=True)
        return self.trace

    def predict(self, X) -> np.ndarray:
        """Class indices (argmax of the scores)."""
        return np.argmax(self.forward(X), axis=1)


# ----------------------------------------------------------------------------- training


@dataclass
class History:
    """Per-epoch record of a training run."""

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    diverged: bool = False


def _evaluate(net, X, y, loss):
    scores = net.forward(X)
    if not np.all(np.isfinite(scores)):
        return float("inf"), float("nan")
    value, _ = _loss_function(loss)(scores, y)
    acc = accuracy(scores, y) if loss == "cross_entropy" else float("nan")
    return value, acc


def train(net: MLP, X, y, *, lr: float, epochs: int, loss: str = "cross_entropy", batch_size=None,
          momentum: float = 0.0, weight_decay: float = 0.0, rng=None, X_val=None, y_val=None,
          on_divergence: str = "raise") -> History:
    """Train ``net`` in place with minibatch SGD (optionally with momentum).

    Each epoch shuffles the data with ``rng`` (when ``batch_size`` is smaller than the data)
    and takes one step per minibatch: ``v ← μ v − lr (∇L + λ W)``, ``θ ← θ + v``, where the
    L2 term ``λ W`` (weight decay) applies to the weights, not the biases. After each epoch
    the loss and accuracy on the whole training set (and on the validation set if given)
    are appended to the returned :class:`History`.

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
    on_divergence : "raise" or "stop"
        What to do when the loss becomes inf or NaN: raise ``FloatingPointError`` or stop
        and mark ``History.diverged``.
    """
    lr = positive_scalar(lr, "lr")
    epochs = positive_int(epochs, "epochs")
    momentum = nonnegative_scalar(momentum, "momentum")
    weight_decay = nonnegative_scalar(weight_decay, "weight_decay")
    if momentum >= 1:
        raise ValueError(f"momentum must be in [0, 1); got {momentum}")
    one_of(on_divergence, ("raise", "stop"), "on_divergence")
    loss_fn = _loss_function(loss)
    X = net._check_input(X)
    n = X.shape[0]
    y = np.asarray(y)
    if y.shape[0] != n:
        raise ValueError(f"X has {n} examples but y has {y.shape[0]}")
    batch_size = n if batch_size is None else positive_int(batch_size, "batch_size")
    shuffle = batch_size < n
    if shuffle:
        if rng is None:
            raise ValueError("minibatch training shuffles the data: pass rng=np.random.default_rng(seed)")
        rng = as_generator(rng)
    velocity = [np.zeros_like(p) for p in net.parameters()]
    history = History()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(n) if shuffle else np.arange(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                scores = net.forward(X[idx])
                if not np.all(np.isfinite(scores)):
                    value = np.inf
                    break
                value, dscores = loss_fn(scores, y[idx])
                if not np.isfinite(value):
                    break
                net.backward(dscores)
                for i, (p, g, v) in enumerate(zip(net.parameters(), net.gradients(), velocity)):
                    v *= momentum
                    v -= lr * g
                    if weight_decay and i < net.n_layers:  # parameters() lists the weights first
                        v -= lr * weight_decay * p
                    p += v
            train_loss, train_acc = _evaluate(net, X, y, loss)
            if not np.isfinite(train_loss) or not np.isfinite(value):
                history.diverged = True
                if on_divergence == "raise":
                    raise FloatingPointError(
                        f"training diverged (loss became {train_loss}) after {len(history.loss)} epochs at lr={lr}; "
                        "lower the learning rate or pass on_divergence='stop' to record it")
                break
            history.loss.append(train_loss)
            history.accuracy.append(train_acc)
            if X_val is not None:
                val_loss, val_acc = _evaluate(net, X_val, y_val, loss)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_acc)
    return history


def _per_member(value, count, name):
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(f"{name}: expected one per network ({count}); got {len(value)}")
        return list(value)
    return [value] * count


def train_many(nets, X, y, *, lr, epochs: int, rng=None, **kwargs) -> list[History]:
    """Train a population of networks of one architecture; one :class:`History` per member.

    Each member is trained exactly as :func:`train` would train it alone: ``lr`` is one float
    for all or a list (one per member), and so is ``weight_decay``; ``rng`` a list of Generators/seeds (one per member,
    each shuffling that member's minibatches) or None for full-batch training. The other
    keyword arguments are those of :func:`train`.
    """
    nets = list(nets)
    if not nets:
        raise ValueError("nets must hold at least one MLP")
    lrs = _per_member(lr, len(nets), "lr")
    if rng is not None and not isinstance(rng, (list, tuple)):
        raise TypeError("rng must be a list with one Generator or seed per network (each member shuffles "
                        "its own minibatches), or None for full-batch training")
    rngs = _per_member(rng, len(nets), "rng")
    decays = _per_member(kwargs.pop("weight_decay", 0.0), len(nets), "weight_decay")
    return [train(net, X, y, lr=l, epochs=epochs, rng=r, weight_decay=w, **kwargs)
            for net, l, r, w in zip(nets, lrs, rngs, decays)]
