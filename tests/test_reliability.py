"""Issue #10: no silent wrong answer. NaN policy, extreme inputs, diagnostics, clear errors.

Each block names the item of the issue it covers; every test here failed on the code before the fix.
"""

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnbook import activations as act
from nnbook import data, diagnostics, gradcheck, init, nn, search
from nnbook import preprocessing as pp

# ----------------------------------------------------------------------------- #10.3 NaN policy

NAN = np.array([[np.nan, 1.0], [0.0, 1.0]])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: act.softmax(NAN), r"x \(the logits\) contains NaN"),
        (lambda: act.log_softmax(NAN), r"x \(the logits\) contains NaN"),
        (lambda: act.entropy(np.array([np.nan, 1.0])), "p contains NaN"),
        (lambda: act.softmax_backward(NAN, np.full((2, 2), 0.5)), "dout contains NaN"),
        (lambda: act.softmax_backward(np.ones((2, 2)), NAN), "p contains NaN"),
        (lambda: act.maxout_forward(NAN, np.ones((2, 2, 3)), np.ones((2, 3))), "x contains NaN"),
        (lambda: act.maxout_forward(np.ones((2, 2)), np.full((2, 2, 3), np.inf), np.ones((2, 3))), "W contains NaN"),
        (lambda: nn.affine_forward(NAN, np.eye(2), np.zeros(2)), "x contains NaN"),
        (lambda: nn.affine_forward(np.ones((2, 2)), np.eye(2), np.array([np.nan, 0.0])), "b contains NaN"),
        (lambda: nn.affine_backward(NAN, (np.ones((2, 2)), np.eye(2))), "dout contains NaN"),
        (lambda: nn.activation_backward(NAN, np.ones((2, 2)), "tanh"), "dh contains NaN"),
        (lambda: nn.accuracy(np.full((2, 2), np.nan), np.array([0, 1])), "scores contains NaN"),
        (lambda: nn.mse_loss(NAN, np.zeros((2, 2))), "predictions contains NaN"),
        (lambda: diagnostics.saturated_fraction(np.array([np.nan, 0.0]), "tanh"), "z contains NaN"),
        (lambda: diagnostics.inactive_units(NAN), "z contains NaN"),
        (lambda: data.split(np.array([[np.nan], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1]), rng=0),
         "X contains NaN"),
        (lambda: pp.Standardizer().fit(NAN), "X must be a finite.*NaN"),
    ],
)
def test_nan_and_inf_are_refused_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _nan_behaviour(name):
    f = act.get(name, **({"training": True, "rng": 0} if name == "rrelu" else {}))
    x = np.array([np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = [f(x), f.grad(x)] + ([f.grad_from_output(f(x))] if hasattr(f, "grad_from_output") else [])
    return [bool(np.isnan(v).all()) for v in out]


def test_elementwise_activations_treat_nan_as_documented():
    # The module docstring lists which functions propagate NaN (silently) and which give a slope.
    piecewise = {"identity", "step", "relu", "leaky_relu", "prelu", "rrelu"}
    for name in act.names():
        forward, derivative, *from_output = _nan_behaviour(name)
        assert forward == (name != "step"), name
        assert derivative == (name not in piecewise), name
        assert all(v == (name not in piecewise) for v in from_output), name


# ----------------------------------------------------------------------------- #10.7 extreme inputs

CONFIGS = [(name, {}) for name in act.names()] + [
    ("gelu", {"approximate": "tanh"}), ("silu", {"beta": 2.0}), ("silu", {"beta": 0.5}), ("elu", {"alpha": 2.0}),
    ("leaky_relu", {"alpha": 0.3}), ("prelu", {"alpha": np.float64(0.5)}),
]


def _paths(f, x):
    yield "forward", f(x)
    yield "grad", f.grad(x)
    if hasattr(f, "grad_from_output"):
        yield "grad_from_output", f.grad_from_output(f(x))


def _full_range(dtype, size=24):
    width = 32 if dtype == np.float32 else 64
    return hnp.arrays(dtype, size, elements=st.floats(allow_nan=False, allow_infinity=False, width=width))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_activation_is_finite_and_silent_over_the_whole_float_range(dtype):
    # GELU (both forms) was NaN and warned beyond 1e154 / 1.8e19, SiLU(β=2) at float32 1.7e38.
    limit = np.finfo(dtype).max / 1.06  # SELU's λx: beyond max/λ the true value is not a float

    @settings(max_examples=30)
    @given(_full_range(dtype))
    def check(x):
        x = np.clip(x, -limit, limit).astype(dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for name, params in CONFIGS:
                f = act.get(name, **params)
                for path, y in _paths(f, x):
                    assert y.dtype == dtype, (name, params, path)
                    assert np.all(np.isfinite(y)), (name, params, path, x[~np.isfinite(y)])

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_named_extreme_cases(dtype):
    big = np.finfo(dtype).max
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in [1e154, 1.8e19, 1.7e38, float(big)]:
            if x > float(big):
                continue
            for sign in (1, -1):
                v = np.array([sign * x], dtype=dtype)
                for name, params in [("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {"beta": 2.0})]:
                    f = act.get(name, **params)
                    expected_grad = 1.0 if sign > 0 else 0.0
                    assert f.grad(v)[0] == expected_grad, (name, params, x)
                    assert f(v)[0] == (v[0] if sign > 0 else 0.0), (name, params, x)
        # the one honest overflow: SELU(max) = λ·max is not a float; inf, without a warning
        assert act.get("selu")(np.array([big], dtype=dtype))[0] == np.inf
        np.testing.assert_array_equal(act.softmax(np.array([big, -big], dtype=dtype)), [1.0, 0.0])
        np.testing.assert_array_equal(act.log_softmax(np.array([big, -big], dtype=dtype)), [0.0, -np.inf])
        np.testing.assert_array_equal(act.softmax(np.array([1.0, -1.0], dtype=dtype), T=1e-300), [1.0, 0.0])
        assert act.softmax(np.array([1.0, -1.0], dtype=dtype), T=1e-300).dtype == dtype


def test_softmax_of_1e308_and_minus_1e308():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(act.softmax(np.array([1e308, -1e308])), [1.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_log_softmax_and_entropy_over_the_whole_float_range(dtype):
    @settings(max_examples=40)
    @given(_full_range(dtype, size=6), st.sampled_from([1e-3, 1.0, 1e3]))
    def check(x, T):
        x = np.append(x, -x[np.argmax(np.abs(x))])  # a spread of 2·max|x|: x − max overflows when it is large
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            p = act.softmax(x, T=T)
            logp = act.log_softmax(x, T=T)
            h = act.entropy(p.astype(np.float64))
        assert p.dtype == dtype and logp.dtype == dtype
        assert np.all(np.isfinite(p)) and abs(float(p.astype(np.float64).sum()) - 1) < 1e-5
        assert p[np.argmax(x)] == p.max()
        assert not np.any(np.isnan(logp)) and np.all(logp <= 0)  # −inf only below −max
        assert np.isfinite(h) and -1e-12 <= h <= math.log(7) + 1e-6

    check()


# ----------------------------------------------------------------------------- #10.8 diagnostics


def test_the_step_counts_as_saturated_everywhere():
    z = np.linspace(-3, 3, 11)
    assert diagnostics.saturated_fraction(z, "step") == 1.0  # was 0.0 although no gradient passes
    net = nn.MLP([2, 4, 2], "step", rng=0)
    X = np.random.default_rng(0).normal(size=(10, 2))
    np.testing.assert_array_equal(diagnostics.saturated_fractions(net, X), [1.0])
    np.testing.assert_array_equal(diagnostics.dead_fractions(net, X), [1.0])


def test_per_unit_prelu_max_slope_and_dead_units_with_a_tolerance():
    f = act.get("prelu", alpha=np.array([0.1, 2.5, 0.0]))
    assert diagnostics.max_slope(f) == 2.5  # was "unhashable type: 'numpy.ndarray'"
    assert diagnostics.max_slope(act.get("prelu", alpha=np.array([0.1, 0.2]))) == 1.0
    net = nn.MLP([2, 3, 2], f, rng=0)
    net.biases[0][...] = [-100.0, -100.0, -100.0]
    masks = diagnostics.dead_units(net, np.random.default_rng(0).normal(size=(20, 2)), tol=1e-3)
    np.testing.assert_array_equal(masks[0], [False, False, True])  # only the α = 0 unit is dead


# ----------------------------------------------------------------------------- #10.9 clear errors

TRIAL = [search.Trial({"a": 0.5}, 1.0)]
SPACE = {"a": search.Uniform(0.0, 1.0)}

BAD_CALLS = [
    # activations: axis, empty axis, PReLU broadcast, maxout
    (lambda: act.softmax([1.0, 2.0], axis=1.5), TypeError, r"axis must be an integer.*1\.5"),
    (lambda: act.softmax([1.0, 2.0], axis="0"), TypeError, "axis must be an integer"),
    (lambda: act.softmax([1.0, 2.0], axis=None), TypeError, "axis must be an integer"),
    (lambda: act.softmax([1.0, 2.0], axis=3), ValueError, r"axis=3 is out of range.*-1 to 0"),
    (lambda: act.log_softmax([1.0, 2.0], axis=1.5), TypeError, "axis must be an integer"),
    (lambda: act.log_softmax(np.ones((2, 2)), axis=-3), ValueError, "axis=-3 is out of range"),
    (lambda: act.entropy([0.5, 0.5], axis=1.5), TypeError, "axis must be an integer"),
    (lambda: act.entropy([0.5, 0.5], axis=None), TypeError, "axis must be an integer"),
    (lambda: act.entropy([0.5, 0.5], axis=2), ValueError, "axis=2 is out of range"),
    (lambda: act.softmax_backward([0.5, 0.5], [0.5, 0.5], axis=2), ValueError, "axis=2 is out of range"),
    (lambda: act.softmax(np.zeros((2, 0))), ValueError, "at least one entry along axis=-1; x has shape"),
    (lambda: act.log_softmax(np.zeros((0,))), ValueError, "at least one entry along axis"),
    (lambda: act.entropy(np.zeros((2, 0))), ValueError, "at least one entry along axis=-1; p has shape"),
    (lambda: act.get("prelu", alpha=np.ones(3))(np.ones((2, 4))), ValueError, r"alpha of shape \(3,\) does not broadcast"),
    (lambda: act.get("prelu", alpha=np.ones(3)).grad(np.ones((2, 4))), ValueError, "alpha of shape"),
    (lambda: act.get("prelu", alpha=np.ones((2, 1, 4))).grad_alpha(np.ones((2, 4))), ValueError, "alpha of shape"),
    (lambda: act.maxout_forward(np.ones((2, 3)), np.ones((0, 3, 2)), np.ones((0, 2))), ValueError, "W must have at least 1 piece"),
    (lambda: act.maxout_backward(np.ones((2, 2)), "cache"), TypeError, "cache must be the"),
    (lambda: act.maxout_backward(np.ones((2, 2)), (np.ones((2, 3)), np.ones((2, 3, 2)))), TypeError, "cache must be the"),
    (lambda: act.softmax_backward("a", [1.0]), TypeError, "dout must hold real numbers"),
    # nn
    (lambda: nn.affine_forward("abc", np.eye(2), np.zeros(2)), TypeError, "x must hold real numbers"),
    (lambda: nn.activation_forward("abc", "relu"), TypeError, "z must hold real numbers"),
    (lambda: nn.activation_backward("abc", np.zeros(2), "tanh"), TypeError, "dh must hold real numbers"),
    (lambda: nn.accuracy(np.zeros((3, 2)), np.zeros((3, 1), int)), ValueError, r"y must have shape \(3,\)"),
    (lambda: nn.MLP(3, rng=0), TypeError, "sizes must be a list"),
    (lambda: nn.MLP([2, 2], rng=-1), ValueError, "rng must be .* non-negative integer seed"),
    (lambda: nn.MLP([2, 2], init="constant", rng=0), ValueError, "init='constant' needs a value"),
    (lambda: nn.MLP([2, 2], init=["he_normal", "he_normal"], rng=0), ValueError, "init: expected one per"),
    (lambda: nn.train(nn.MLP([2, 2], rng=0), np.zeros((4, 2)), None, lr=0.1, epochs=1), TypeError, "y is missing"),
    # rng < 0 named in every module
    (lambda: init.xavier_normal(2, 2, rng=-1), ValueError, "rng must be .* non-negative integer seed"),
    (lambda: data.moons(rng=-1), ValueError, "rng must be .* non-negative integer seed"),
    (lambda: search.random_search(SPACE, 2, rng=-1), ValueError, "rng must be .* non-negative integer seed"),
    (lambda: act.get("rrelu", training=True, rng=-1), ValueError, "rng must be .* non-negative integer seed"),
    # get by name
    (lambda: init.get([1]), TypeError, "init must be an initializer name.*valid names are: zeros"),
    (lambda: data.get([1]), TypeError, "name must be a dataset name.*xor"),
    (lambda: act.get([1]), TypeError, "activation name must be a string"),
    # preprocessing
    (lambda: pp.PCA().fit(np.zeros((3, 0))), ValueError, r"X must be .*N, D >= 1.*0 feature"),
    (lambda: pp.Whitener().fit(np.zeros((3, 0))), ValueError, r"X must be .*0 feature"),
    (lambda: pp.Standardizer().fit(np.zeros((3, 0))), ValueError, r"X must be .*0 feature"),
    # search
    (lambda: search.Choice(None), TypeError, "values must be a list or tuple"),
    (lambda: search.Choice(3), TypeError, "values must be a list or tuple"),
    (lambda: search.LogUniform(1e-3, 1.0).position(0), ValueError, "value must be > 0"),
    (lambda: search.Uniform(0.0, 1.0).position("a"), TypeError, "value must be a real number"),
    (lambda: search.evaluate(lambda **c: None, [{"a": 1}]), TypeError, "objective must return a real number"),
    (lambda: search.evaluate(lambda **c: "x", [{"a": 1}]), TypeError, "objective must return a real number"),
    (lambda: search.evaluate(3, [{"a": 1}]), TypeError, "objective must be a function"),
    (lambda: search.narrow([], SPACE), ValueError, "trials is empty"),
    (lambda: search.narrow(TRIAL, {"b": search.Uniform(0.0, 1.0)}), ValueError, "dimension 'b'.*lacks"),
    (lambda: search.at_edge(TRIAL, {"b": search.Uniform(0.0, 1.0)}), ValueError, "dimension 'b'.*lacks"),
    (lambda: search.at_edge(TRIAL, SPACE, margin=-1), ValueError, "margin must be >= 0"),
    (lambda: search.at_edge(TRIAL, SPACE, margin=0.7), ValueError, r"margin must be in \[0, 0.5\)"),
    (lambda: search.at_edge(["x"], SPACE), TypeError, r"trials\[0\] must be a search.Trial"),
    (lambda: search.grid_search(SPACE, points={"b": 2}), ValueError, "points has key.*'b'.*allowed keys are: 'a'"),
    (lambda: search.grid_search(SPACE, points=0), ValueError, "points must be a positive integer"),
    (lambda: search.grid_search(SPACE, points={"a": 1.5}), TypeError, r"points\['a'\] must be a positive integer"),
    (lambda: search.Uniform(-1e308, 1e308), ValueError, "high - low must be a finite float"),
    # data
    (lambda: data.moons(8, test_fraction=0.99, rng=0), ValueError, "leaves the training part empty"),
    (lambda: data.moons(8, test_fraction=0.01, rng=0), ValueError, "leaves the test part empty"),
    (lambda: data.split(np.zeros((4, 1)), np.array([0.5, 0.5, 1.0, 1.0]), rng=0), TypeError, "y must be a 1-D array of integer"),
    (lambda: data.split(np.zeros((4, 1)), np.array(["a", "a", "b", "b"]), rng=0), TypeError, "y must be a 1-D array of integer"),
    (lambda: data.split(np.zeros(4), np.array([0, 0, 1, 1]), rng=0), ValueError, "X must be a 2-D array"),
    (lambda: data.spirals(turns=np.nan, rng=0), ValueError, "turns must be finite"),
    (lambda: data.blobs(centers=[[0.0, np.nan], [1.0, 1.0]], rng=0), ValueError, "centers contains NaN"),
    # gradcheck
    (lambda: gradcheck.relative_error([1.0, 2.0], [1.0]), ValueError, "a and b must have the same shape"),
]


@pytest.mark.parametrize("call,exc,match", BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_bad_calls_get_a_message_naming_the_argument(call, exc, match):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) is exc or issubclass(type(info.value), exc)
    assert re.search(match, str(info.value)), str(info.value)


# ----------------------------------------------------------------------------- #10.4 training


def test_every_training_argument_is_checked_before_the_network_changes():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.integers(0, 2, 20)
    net = nn.MLP([3, 4, 2], rng=0)
    before = [p.copy() for p in net.parameters()]
    bad = [dict(lr=-1.0), dict(lr=np.nan), dict(epochs=0), dict(momentum=1.0), dict(weight_decay=-0.1),
           dict(batch_size=0), dict(on_divergence="ignore"), dict(loss="hinge"), dict(batch_size=5, rng=-3),
           dict(X_val=X[:4], y_val=np.full(4, np.nan)), dict(X_val=np.full((4, 3), np.inf), y_val=y[:4])]
    for kwargs in bad:
        args = dict(lr=0.1, epochs=1) | kwargs
        with pytest.raises((ValueError, TypeError)):
            nn.train(net, X, y, **args)
        with pytest.raises((ValueError, TypeError)):
            nn.train_many([net], X, y, **(args | ({"rng": [args["rng"]]} if "rng" in args else {})))
    for p, q in zip(before, net.parameters()):
        np.testing.assert_array_equal(p, q)


def test_train_documents_its_conventions():
    # #10.10: the update rule and the losses, stated where a reader looks first.
    doc = " ".join(nn.train.__doc__.split())
    for phrase in ["classical (heavy-ball) momentum, not Nesterov", "v ← μ v − lr (g + λ W)",
                   "weights only, never the biases", "averaged over the batch", "(1/B) Σ_n ½ ‖ŷ_n − y_n‖²",
                   "DIVERGENCE_FACTOR"]:
        assert phrase in doc, phrase
