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


# ----------------------------------------------------------------------------- issue #11: the lean path


def _reference_module():
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).parent / "data" / "make_nn_reference.py"
    spec = importlib.util.spec_from_file_location("make_nn_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, np.load(path.with_name("nn_reference.npz"))


REFERENCE, SAVED = _reference_module()


def _relative(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape
    assert np.array_equal(np.isfinite(a), np.isfinite(b))
    ok = np.isfinite(b)
    if not ok.any():
        return 0.0
    return float(np.max(np.abs(a[ok] - b[ok])) / max(np.max(np.abs(b[ok])), 1e-300))


@pytest.mark.parametrize("case", list(REFERENCE.CASES))
def test_lean_training_reproduces_the_saved_history_and_weights(case):
    # tests/data/nn_reference.npz was written by the code before the rewrite (make_nn_reference.py).
    net, history = REFERENCE.run(nn, case)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert _relative(getattr(history, key), SAVED[f"{case}/{key}"]) <= 1e-12, key
    for l in range(net.n_layers):
        assert _relative(net.weights[l], SAVED[f"{case}/W{l}"]) <= 1e-12
        assert _relative(net.biases[l], SAVED[f"{case}/b{l}"]) <= 1e-12


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_derivative_from_the_output_equals_the_derivative(name, dtype):
    f = act.get(name, alpha=0.2) if name in ("leaky_relu", "elu") else act.get(name)
    x = np.concatenate([np.linspace(-8, 8, 1601), [0.0, -0.0, 1e-9, -1e-9, -30.0, 30.0]]).astype(dtype)
    y = f(x)
    tol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(f.grad_from_output(y), f.grad(x), rtol=tol, atol=tol)
    assert f.grad_from_output(y).dtype == dtype


def test_backward_computes_the_input_gradient_only_when_asked():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    net = nn.MLP([3, 4, 2], "tanh", rng=0)
    _, d = nn.softmax_cross_entropy(net.forward(X), y)
    assert net.backward(d, input_grad=False) is None
    without = [g.copy() for g in net.gradients()]
    dX = net.backward(d)
    assert dX.shape == X.shape
    for a, b in zip(without, net.gradients()):
        np.testing.assert_array_equal(a, b)


def test_train_checks_its_inputs_once_per_call_not_once_per_step(monkeypatch):
    calls = []
    real = nn.as_real_array

    def counting(x, name="x"):
        calls.append(name)
        return real(x, name)

    monkeypatch.setattr(nn, "as_real_array", counting)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((200, 3)), rng.integers(0, 2, 200)
    nn.train(nn.MLP([3, 8, 2], "relu", rng=0), X, y, lr=0.1, epochs=5, batch_size=10, rng=0)
    assert len(calls) <= 4  # 100 steps: the old code checked every step's scores and labels


def test_trained_weights_are_updated_in_place():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.integers(0, 2, 20)
    net = nn.MLP([3, 4, 2], "tanh", rng=0)
    arrays = net.parameters()
    before = [p.copy() for p in arrays]
    nn.train(net, X, y, lr=0.1, epochs=2)
    assert all(a is b for a, b in zip(arrays, net.parameters()))
    assert all(not np.array_equal(a, b) for a, b in zip(before, arrays))


# ----------------------------------------------------------------------------- issue #10


def test_every_hidden_layer_owns_its_rrelu_state():
    # #10.2: with one shared RReLU object, layer 0's backward used the slopes drawn for layer 2.
    f = act.get("rrelu", training=True, rng=0)
    net = nn.MLP([4, 6, 6, 6, 3], f, "xavier_normal", rng=0)
    assert len({id(g) for g in net.activations}) == 3 and all(g.training for g in net.activations)
    rng = np.random.default_rng(1)
    trace = net.record(rng.standard_normal((8, 4)), rng.integers(0, 3, 8))
    for l in range(3):
        z, h = trace.pre_activations[l], trace.activations[l]
        negative = z < 0
        assert negative.sum() > 5
        expected = trace.grad_activations[l] * (h / np.where(negative, z, 1.0))
        np.testing.assert_allclose(trace.grad_pre_activations[l][negative], expected[negative], rtol=1e-12)
    slopes = [g.alpha_ for g in net.activations]
    assert not np.allclose(slopes[0], slopes[1])  # independent generators, not copies of one


def test_nan_is_refused_with_the_argument_named():
    # #10.3: all-NaN scores gave accuracy 1.0, NaN inputs class 0, mse NaN.
    net = nn.MLP([2, 3, 2], rng=0)
    with pytest.raises(ValueError, match="scores"):
        nn.accuracy(np.full((3, 2), np.nan), np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="X"):
        net.predict(np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match="predictions"):
        nn.mse_loss(np.array([[np.nan], [0.0]]), np.zeros(2))
    with pytest.raises(ValueError, match="target"):
        nn.mse_loss(np.zeros((2, 1)), np.array([np.inf, 0.0]))
    with pytest.raises(ValueError, match="scores"):
        nn.softmax_cross_entropy(np.array([[np.inf, 0.0]]), np.array([0]))


def test_training_refuses_nan_inputs_and_bad_validation_data_before_touching_the_network():
    # #10.4: NaN in X was reported as divergence; a bad y_val was noticed after an epoch.
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.integers(0, 2, 20)
    net = nn.MLP([3, 4, 2], rng=0)
    before = [p.copy() for p in net.parameters()]
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        nn.train(net, bad, y, lr=0.1, epochs=1)
    for kwargs, match in [(dict(X_val=X[:5], y_val=y[:4]), "y_val"), (dict(X_val=X[:5]), "X_val and y_val"),
                          (dict(X_val=bad, y_val=y), "X_val"), (dict(X_val=X[:5], y_val=y[:5] + 5), "y_val"),
                          (dict(X_val=X[:5, :2], y_val=y[:5]), "X_val")]:
        with pytest.raises(ValueError, match=match):
            nn.train(net, X, y, lr=0.1, epochs=1, **kwargs)
    for p, q in zip(before, net.parameters()):
        np.testing.assert_array_equal(p, q)


def test_a_finite_blow_up_counts_as_divergence():
    # #10.4: at lr = 1e3 this ReLU net's loss reaches 1e44 while staying finite; it used to
    # report diverged=False. The rule: loss > DIVERGENCE_FACTOR × max(first minibatch loss, 1).
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 8)), rng.integers(0, 3, 64)
    history = nn.train(nn.MLP([8, 32, 32, 3], "relu", rng=0), X, y, lr=1e3, epochs=20, on_divergence="stop")
    assert history.diverged and history.loss == []
    with pytest.raises(FloatingPointError, match="grew from"):
        nn.train(nn.MLP([8, 32, 32, 3], "relu", rng=0), X, y, lr=1e3, epochs=20)
    calm = nn.train(nn.MLP([8, 32, 32, 3], "relu", rng=0), X, y, lr=0.05, epochs=20)
    assert not calm.diverged and len(calm.loss) == 20
    assert nn.DIVERGENCE_FACTOR == 1e6


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: nn.affine_forward("abc", np.eye(2), np.zeros(2)), TypeError, "x must hold real numbers"),
        (lambda: nn.affine_forward(np.ones((3, 2)), np.eye(3), np.zeros(3)), ValueError, "x has 2 features"),
        (lambda: nn.affine_forward(np.ones((3, 2)), np.eye(2), np.zeros(3)), ValueError, "b must have shape"),
        (lambda: nn.affine_backward("abc", (np.eye(2), np.eye(2))), TypeError, "dout"),
        (lambda: nn.affine_backward(np.eye(2), "cache"), TypeError, "cache must be the"),
        (lambda: nn.activation_forward("abc", "tanh"), TypeError, "z must hold real numbers"),
        (lambda: nn.activation_forward(np.zeros(2), 3), TypeError, "f must be an Activation"),
        (lambda: nn.activation_backward(np.zeros(2), "abc", "tanh"), TypeError, "cache"),
        (lambda: nn.activation_backward(np.zeros(3), np.zeros(2), "tanh"), ValueError, "dh must have"),
        (lambda: nn.accuracy(np.zeros((3, 2)), np.zeros(4, int)), ValueError, r"y must have shape \(3,\)"),
        (lambda: nn.accuracy(np.zeros(3), np.zeros(3, int)), ValueError, r"scores must have shape \(N, C\)"),
        (lambda: nn.MLP(3, rng=0), TypeError, "sizes must be a list of layer widths"),
        (lambda: nn.MLP([2, 2], rng=-1), ValueError, "rng must be a numpy.random.Generator or a non-negative"),
        (lambda: nn.MLP([2, 2], init="constant", rng=0), ValueError, "needs a value"),
        (lambda: nn.train(nn.MLP([2, 2], rng=0), np.zeros((4, 2)), None, lr=0.1, epochs=1), TypeError,
         "y is missing"),
        (lambda: nn.train(nn.MLP([2, 2], rng=0), np.zeros((4, 2)), np.zeros(4, int), lr=0.1, epochs=1,
                          batch_size=2, rng=-1), ValueError, "rng must be"),
        (lambda: nn.train(nn.MLP([2, 2], rng=0), np.zeros((4, 2)), np.zeros(4), lr=0.1, epochs=1), TypeError,
         "y must be integers"),
        (lambda: nn.train(nn.MLP([2, 2], rng=0), np.zeros((4, 2)), np.zeros((4, 3)), lr=0.1, epochs=1,
                          loss="mse"), ValueError, "y must have the shape"),
    ],
)
def test_clear_messages_for_bad_arguments(call, exc, match):
    # #10.9: these raised raw numpy/Python errors that did not name the argument.
    with pytest.raises(exc, match=match):
        call()


def test_activation_layer_functions_accept_a_name():
    z = np.array([[-1.0, 2.0]])
    h, cache = nn.activation_forward(z, "relu")
    np.testing.assert_array_equal(h, [[0.0, 2.0]])
    np.testing.assert_array_equal(nn.activation_backward(np.ones((1, 2)), cache, "relu"), [[0.0, 1.0]])


def _softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_update_rule_is_classical_momentum_with_decay_on_weights_only(loss):
    # #10.10: two steps computed by hand. A Nesterov step (gradient at W + μv), decay on the
    # biases, a summed instead of averaged loss or MSE without the ½ all give other numbers.
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -2.0]])
    y = np.array([0, 1, 1])
    T = np.array([[1.0, -1.0], [0.0, 2.0], [0.5, 0.5]])
    W = np.array([[0.2, -0.3], [0.1, 0.4]])
    b = np.array([0.05, -0.1])
    lr, mu, lam, n = 0.5, 0.9, 0.1, 3

    def grads(W, b):
        out = X @ W + b
        d = (_softmax(out) - np.eye(2)[y]) / n if loss == "cross_entropy" else (out - T) / n
        return X.T @ d, d.sum(axis=0)

    vW, vb, Wh, bh = np.zeros_like(W), np.zeros_like(b), W.copy(), b.copy()
    for _ in range(2):
        gW, gb = grads(Wh, bh)
        vW = mu * vW - lr * (gW + lam * Wh)
        vb = mu * vb - lr * gb
        Wh, bh = Wh + vW, bh + vb
    net = nn.MLP([2, 2], rng=0)
    net.weights[0][...], net.biases[0][...] = W, b
    nn.train(net, X, y if loss == "cross_entropy" else T, loss=loss, lr=lr, epochs=2, momentum=mu,
             weight_decay=lam)
    np.testing.assert_allclose(net.weights[0], Wh, rtol=1e-13)
    np.testing.assert_allclose(net.biases[0], bh, rtol=1e-13)


def test_losses_are_batch_means():
    scores = np.array([[2.0, -1.0, 0.5], [0.0, 1.0, -3.0]])
    y = np.array([2, 1])
    by_hand = -np.mean(np.log(_softmax(scores)[[0, 1], y]))
    assert nn.softmax_cross_entropy(scores, y)[0] == pytest.approx(by_hand, rel=1e-14)
    doubled = nn.softmax_cross_entropy(np.vstack([scores, scores]), np.r_[y, y])[0]
    assert doubled == pytest.approx(by_hand, rel=1e-14)  # a mean, not a sum
    pred, target = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([[0.0, 0.0], [1.0, 1.0]])
    assert nn.mse_loss(pred, target)[0] == pytest.approx((0.5 * (1 + 4) + 0.5 * (1 + 4)) / 2, rel=1e-14)
