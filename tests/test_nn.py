"""Tests of nnbook.nn: gradient checks of the whole network, training, recording, errors."""

import numpy as np
import pytest

from nnbook import activations as act
from nnbook import data, nn
from nnbook.gradcheck import norm_relative_error, numerical_gradient

FAMILIES = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus"]


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("activation", FAMILIES)
def test_whole_network_gradient_check(activation, loss):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 3))
    target = rng.integers(0, 3, 6) if loss == "cross_entropy" else rng.standard_normal((6, 3))
    net = nn.MLP([3, 5, 4, 3], activation, "xavier_normal", rng=1, bias=0.1)
    net.loss(X, target, loss=loss)
    analytic = [g.copy() for g in net.gradients()]
    for a, p in zip(analytic, net.parameters()):
        numeric = numerical_gradient(lambda _: net.loss(X, target, loss=loss), p)
        assert norm_relative_error(a, numeric) < 1e-7


def test_input_gradient_check():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((4, 3))
    y = np.array([0, 1, 1, 0])
    net = nn.MLP([3, 6, 2], "tanh", rng=0)
    _, dscores = nn.softmax_cross_entropy(net.forward(X), y)
    dX = net.backward(dscores)
    numeric = numerical_gradient(lambda x: nn.softmax_cross_entropy(net.forward(x), y)[0], X)
    assert norm_relative_error(dX, numeric) < 1e-7


def test_per_layer_activations_and_inits():
    net = nn.MLP([2, 3, 3, 2], ["tanh", "relu"], ["xavier_normal", "he_normal", "lecun_normal"], rng=0)
    assert [f.name for f in net.activations] == ["tanh", "relu"]
    assert [W.shape for W in net.weights] == [(2, 3), (3, 3), (3, 2)]
    with pytest.raises(ValueError, match="one per hidden layer"):
        nn.MLP([2, 3, 3, 2], ["tanh"], rng=0)


def test_weights_can_be_set_by_hand_and_float32():
    net = nn.MLP([2, 2], rng=0)
    net.weights[0][:] = np.eye(2)
    np.testing.assert_allclose(net.forward(np.array([[1.0, 2.0]])), [[1.0, 2.0]])
    net32 = nn.MLP([4, 8, 3], "tanh", rng=0, dtype=np.float32)
    X = np.random.default_rng(0).standard_normal((5, 4))
    assert net32.forward(X).dtype == np.float32
    net32.loss(X, np.array([0, 1, 2, 0, 1]))
    assert all(g.dtype == np.float32 for g in net32.gradients())


def test_linear_collapse_identity():
    rng = np.random.default_rng(0)
    net = nn.MLP([3, 7, 5, 2], "identity", "xavier_normal", rng=rng, bias=0.3)
    W = net.weights[0] @ net.weights[1] @ net.weights[2]
    b = (net.biases[0] @ net.weights[1] + net.biases[1]) @ net.weights[2] + net.biases[2]
    X = rng.standard_normal((50, 3))
    np.testing.assert_allclose(net.forward(X), X @ W + b, atol=1e-12)


def test_training_solves_xor_from_a_fixed_seed():
    ds = data.xor(200, rng=0)
    net = nn.MLP([2, 8, 2], "tanh", "xavier_normal", rng=0)
    history = nn.train(net, ds.X_train, ds.y_train, lr=0.5, epochs=300)
    assert history.accuracy[-1] == 1.0
    assert nn.accuracy(net.forward(ds.X_test), ds.y_test) == 1.0
    assert history.loss[-1] < history.loss[0] / 10


def test_minibatch_training_is_reproducible_and_records_validation():
    ds = data.moons(200, rng=0)

    def run():
        net = nn.MLP([2, 16, 2], "relu", rng=1)
        return nn.train(net, ds.X_train, ds.y_train, lr=0.1, epochs=5, batch_size=32, momentum=0.9,
                        rng=np.random.default_rng(2), X_val=ds.X_test, y_val=ds.y_test)

    a, b = run(), run()
    assert a.loss == b.loss and len(a.val_loss) == 5 and len(a.val_accuracy) == 5


def test_divergence_raises_or_is_recorded():
    # Gradient descent on a quadratic explodes geometrically once lr is far above 2 / curvature.
    rng = np.random.default_rng(0)
    X, target = rng.standard_normal((50, 3)), rng.standard_normal((50, 1))
    with pytest.raises(FloatingPointError, match="diverged"):
        nn.train(nn.MLP([3, 4, 1], "identity", rng=0), X, target, loss="mse", lr=50.0, epochs=200)
    history = nn.train(nn.MLP([3, 4, 1], "identity", rng=0), X, target, loss="mse", lr=50.0, epochs=200,
                       on_divergence="stop")
    assert history.diverged and len(history.loss) < 200


def test_recording_shapes_and_consistency():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((7, 3))
    y = rng.integers(0, 2, 7)
    net = nn.MLP([3, 5, 4, 2], "tanh", rng=0)
    trace = net.record(X, y)
    assert [z.shape for z in trace.pre_activations] == [(7, 5), (7, 4), (7, 2)]
    assert [h.shape for h in trace.activations] == [(7, 5), (7, 4), (7, 2)]
    assert [g.shape for g in trace.grad_activations] == [(7, 5), (7, 4), (7, 2)]
    assert [g.shape for g in trace.grad_weights] == [(3, 5), (5, 4), (4, 2)]
    np.testing.assert_allclose(trace.activations[0], np.tanh(trace.pre_activations[0]))
    np.testing.assert_allclose(trace.grad_pre_activations[0],
                               trace.grad_activations[0] * act.get("tanh").grad(trace.pre_activations[0]))
    np.testing.assert_allclose(trace.grad_weights[1], trace.activations[0].T @ trace.grad_pre_activations[1])
    net.forward(X)
    assert net.trace is None  # recording is off unless asked for


def test_losses():
    scores = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    loss, d = nn.softmax_cross_entropy(scores, np.array([0, 1]))
    assert loss == 0.0 and np.all(np.isfinite(d))
    loss, d = nn.softmax_cross_entropy(scores, np.array([1, 0]))
    assert loss == pytest.approx(1000.0)
    loss, d = nn.mse_loss(np.array([[1.0], [3.0]]), np.array([0.0, 0.0]))
    assert loss == pytest.approx(0.5 * (1 + 9) / 2)
    np.testing.assert_allclose(d, [[0.5], [1.5]])


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda net: net.forward(np.zeros((4, 5))), ValueError, r"X must have shape \(N, 3\)"),
        (lambda net: net.forward(np.zeros((0, 3))), ValueError, "empty"),
        (lambda net: net.loss(np.zeros((2, 3)), np.array([0, 2])), ValueError, r"labels must be in \[0, 2\)"),
        (lambda net: net.loss(np.zeros((2, 3)), np.array([0.0, 1.0])), TypeError, "integers"),
        (lambda net: net.loss(np.zeros((2, 3)), np.array([0, 1, 1])), ValueError, "shape"),
        (lambda net: net.loss(np.zeros((2, 3)), np.array([0, 1]), loss="hinge"), ValueError,
         "valid losses are: cross_entropy, mse"),
        (lambda net: nn.MLP([3, 4, 2], rng=0).backward(np.zeros((1, 2))), ValueError, "forward before backward"),
        (lambda net: nn.train(net, np.zeros((4, 3)), np.zeros(4, int), lr=-1, epochs=1), ValueError, "lr must be > 0"),
        (lambda net: nn.train(net, np.zeros((4, 3)), np.zeros(4, int), lr=0.1, epochs=1, batch_size=2), ValueError,
         "rng"),
        (lambda net: nn.train(net, np.zeros((4, 3)), np.zeros(4, int), lr=0.1, epochs=1, momentum=1.0), ValueError,
         "momentum"),
        (lambda net: nn.MLP([3], rng=0), ValueError, "at least an input and an output"),
        (lambda net: nn.MLP([3, 0, 2], rng=0), ValueError, "positive integer"),
        (lambda net: nn.MLP([3, 2], rng=0, dtype=np.int64), ValueError, "float32 or float64"),
        (lambda net: nn.MLP([3, 4, 2], "swish", rng=0), ValueError, "valid names are"),
    ],
)
def test_bad_input(call, exc, match):
    net = nn.MLP([3, 4, 2], "relu", rng=0)
    with pytest.raises(exc, match=match):
        call(net)


def test_divergence_with_infinite_scores_is_recorded_not_a_crash():
    # A huge step makes the ReLU net's scores overflow to inf before the loss does; train
    # must report divergence, not fail inside the loss with a "logits must be finite" error.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 8))
    y = rng.integers(0, 3, 64)
    net = nn.MLP([8, 32, 32, 3], "relu", rng=0)
    history = nn.train(net, X, y, lr=1e30, epochs=5, on_divergence="stop")
    assert history.diverged
    net = nn.MLP([8, 32, 32, 3], "relu", rng=0)
    with pytest.raises(FloatingPointError, match="diverged"):
        nn.train(net, X, y, lr=1e30, epochs=5)


def test_weight_decay_adds_lambda_w_to_the_weight_gradient_only():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, 20)
    net = nn.MLP([3, 4, 2], "tanh", rng=0, bias=0.5)
    W0, b0 = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
    net.loss(X, y)
    grads_w, grads_b = [g.copy() for g in net.grads["weights"]], [g.copy() for g in net.grads["biases"]]
    nn.train(net, X, y, lr=0.1, epochs=1, weight_decay=0.3)
    for W, W_0, g in zip(net.weights, W0, grads_w):
        np.testing.assert_allclose(W, W_0 - 0.1 * (g + 0.3 * W_0), rtol=1e-12)
    for b, b_0, g in zip(net.biases, b0, grads_b):
        np.testing.assert_allclose(b, b_0 - 0.1 * g, rtol=1e-12)
    with pytest.raises(ValueError, match="weight_decay"):
        nn.train(net, X, y, lr=0.1, epochs=1, weight_decay=-1.0)
