"""nn.train_many, the batched population engine: every member equals nn.train on it alone."""

import copy

import numpy as np
import pytest

from nnbook import activations as act
from nnbook import nn

TOL = 1e-10
FAMILIES = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus",
            ["tanh", "relu"], ["elu", "gelu"]]


def _problem(loss="cross_entropy", n=90):
    rng = np.random.default_rng(42)
    X = rng.standard_normal((n, 4))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int) + (X[:, 2] > 0.5)
    if loss == "mse":
        y = np.c_[np.sin(X[:, 0]), X[:, 1] * X[:, 2]]
    return X[:60], y[:60], X[60:], y[60:]


def _relative(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape and np.array_equal(np.isfinite(a), np.isfinite(b))
    ok = np.isfinite(a)
    return 0.0 if not ok.any() else float(np.max(np.abs(a[ok] - b[ok])) / max(np.max(np.abs(a[ok])), 1e-300))


def _compare(make, X, y, *, lr, rng=None, momentum=0.0, weight_decay=0.0, **kwargs):
    nets = [make(seed) for seed in range(len(lr))]
    alone = [copy.deepcopy(net) for net in nets]
    arrays = [net.parameters() for net in nets]
    histories = nn.train_many(nets, X, y, lr=lr, rng=None if rng is None else list(rng), momentum=momentum,
                              weight_decay=weight_decay, **kwargs)
    pick = lambda v, i: v[i] if isinstance(v, list) else v  # noqa: E731
    for i, (net, history) in enumerate(zip(nets, histories)):
        expected = nn.train(alone[i], X, y, lr=lr[i], rng=None if rng is None else rng[i],
                            momentum=pick(momentum, i), weight_decay=pick(weight_decay, i), **kwargs)
        assert history.diverged == expected.diverged
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            assert _relative(getattr(expected, key), getattr(history, key)) <= TOL, (i, key)
        for p, q in zip(alone[i].parameters(), net.parameters()):
            assert _relative(p, q) <= TOL
        assert all(a is b for a, b in zip(arrays[i], net.parameters()))  # written back in place
    return nets, histories


@pytest.mark.parametrize("activation", FAMILIES, ids=str)
def test_members_equal_train_alone_minibatch_momentum_decay_validation(activation):
    X, y, Xv, yv = _problem()
    make = lambda seed: nn.MLP([4, 7, 5, 3], activation, "xavier_normal", rng=seed, bias=0.05)  # noqa: E731
    _compare(make, X, y, lr=[0.1, 0.03, 0.3], rng=[5, 6, 7], epochs=4, batch_size=16, momentum=0.9,
             weight_decay=1e-3, X_val=Xv, y_val=yv)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu"])
def test_members_equal_train_alone_full_batch(activation, dtype):
    X, y, _, _ = _problem()
    make = lambda seed: nn.MLP([4, 6, 3], activation, rng=seed, dtype=dtype)  # noqa: E731
    _compare(make, X, y, lr=[0.2, 0.5], epochs=6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mse_and_per_member_momentum_and_decay(dtype):
    X, y, Xv, yv = _problem("mse")
    make = lambda seed: nn.MLP([4, 6, 2], "tanh", rng=seed, dtype=dtype)  # noqa: E731
    _compare(make, X, y, loss="mse", lr=[0.05, 0.1, 0.02], rng=[1, 2, 3], epochs=3, batch_size=25,
             momentum=[0.0, 0.5, 0.9], weight_decay=[0.0, 1e-2, 1e-3], X_val=Xv, y_val=yv)


def test_rrelu_in_eval_mode_and_per_unit_prelu_are_batched():
    X, y, _, _ = _problem()
    for f in (act.get("rrelu"), act.get("prelu", alpha=np.linspace(0.1, 0.3, 6))):
        make = lambda seed: nn.MLP([4, 6, 3], f, rng=seed)  # noqa: E731, B023
        _compare(make, X, y, lr=[0.1, 0.2], rng=[0, 1], epochs=2, batch_size=20)


def test_a_diverging_member_stops_while_the_others_go_on():
    X, y, Xv, yv = _problem()
    make = lambda seed: nn.MLP([4, 16, 16, 3], "relu", rng=seed)  # noqa: E731
    # 1e30 overflows inside an epoch; 1e3 blows up finitely (the 1e6 rule); the others train on.
    _, histories = _compare(make, X, y, lr=[0.05, 1e30, 0.1, 1e3], rng=[0, 1, 2, 3], epochs=5, batch_size=15,
                            X_val=Xv, y_val=yv, on_divergence="stop")
    assert [h.diverged for h in histories] == [False, True, False, True]
    assert len(histories[0].loss) == len(histories[2].loss) == 5


def test_divergence_raises_like_train_and_names_the_member():
    X, y, _, _ = _problem()
    nets = [nn.MLP([4, 16, 3], "relu", rng=s) for s in range(3)]
    with pytest.raises(FloatingPointError, match=r"nets\[1\] diverged"):
        nn.train_many(nets, X, y, lr=[0.05, 1e3, 0.05], epochs=3)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(rng=0, batch_size=10), TypeError, "one Generator or seed per network"),
        (dict(batch_size=10), ValueError, "rng=\\[one Generator"),
        (dict(rng=[0, -1], batch_size=10), ValueError, r"rng\[1\]"),
        (dict(lr=[0.1]), ValueError, "lr: expected one per network"),
        (dict(lr=[0.1, -1.0]), ValueError, "lr must be > 0"),
        (dict(momentum=[0.1, 1.0]), ValueError, "momentum"),
        (dict(y_val=np.zeros(3, int)), ValueError, "X_val and y_val"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    X, y, _, _ = _problem()
    nets = [nn.MLP([4, 5, 3], rng=s) for s in range(2)]
    kwargs = {"lr": 0.1, **kwargs}
    with pytest.raises(exc, match=match):
        nn.train_many(nets, X, y, epochs=1, **kwargs)


def test_population_must_share_one_architecture_and_stateless_activations():
    X, y, _, _ = _problem()
    with pytest.raises(ValueError, match="same sizes"):
        nn.train_many([nn.MLP([4, 5, 3], rng=0), nn.MLP([4, 6, 3], rng=1)], X, y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="same activations"):
        nn.train_many([nn.MLP([4, 5, 3], "relu", rng=0), nn.MLP([4, 5, 3], "tanh", rng=1)], X, y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="training mode"):
        nets = [nn.MLP([4, 5, 3], act.get("rrelu", training=True, rng=s), rng=s) for s in range(2)]
        nn.train_many(nets, X, y, lr=0.1, epochs=1)
    net = nn.MLP([4, 5, 3], rng=0)
    with pytest.raises(ValueError, match="same MLP object more than once"):
        nn.train_many([net, net], X, y, lr=0.1, epochs=1)
    with pytest.raises(TypeError, match="list of MLPs"):
        nn.train_many(net, X, y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="at least one"):
        nn.train_many([], X, y, lr=0.1, epochs=1)
