"""Tests of nnbook.activations: derivatives against finite differences, properties, stability, errors."""
import math

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnbook import activations as act
from nnbook.gradcheck import elementwise_derivative, numerical_gradient, relative_error

# Points away from the kink at 0, where the centered difference is accurate.
HALF = np.geomspace(0.01, 4.0, 100)
X_AWAY_FROM_KINK = np.concatenate([-HALF[::-1], HALF])

CONFIGS = [
    ("identity", {}),
    ("sigmoid", {}),
    ("tanh", {}),
    ("relu", {}),
    ("leaky_relu", {}),
    ("leaky_relu", {"alpha": 0.2}),
    ("prelu", {"alpha": 0.25}),
    ("prelu", {"alpha": -0.3}),
    ("rrelu", {}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.0}),
    ("selu", {}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("silu", {}),
    ("silu", {"beta": 2.5}),
    ("softplus", {}),
]
finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


def test_names_cover_the_design_contract():
    expected = {"step", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "selu",
                "gelu", "silu", "softplus"}
    assert set(act.names()) == expected
    for name in act.names():
        f = act.get(name)
        assert f.name == name
        assert f.latex and f.latex_grad


@pytest.mark.parametrize("name,params", CONFIGS, ids=[f"{n}-{p}" for n, p in CONFIGS])
def test_derivative_matches_centered_difference(name, params):
    f = act.get(name, **params)
    # Where |f'| is tiny the difference quotient's round-off (~1e-11) dominates a relative
    # error; those tails are checked in absolute terms below.
    x = X_AWAY_FROM_KINK[np.abs(f.grad(X_AWAY_FROM_KINK)) >= 1e-2]
    assert x.size >= 100
    assert relative_error(f.grad(x), elementwise_derivative(f, x)) < 1e-7


@pytest.mark.parametrize("name,params", CONFIGS, ids=[f"{n}-{p}" for n, p in CONFIGS])
def test_derivative_in_saturated_tails_is_accurate_in_absolute_terms(name, params):
    f = act.get(name, **params)
    x = np.linspace(4.0, 30.0, 50)
    x = np.concatenate([-x, x])
    assert np.max(np.abs(f.grad(x) - elementwise_derivative(f, x))) < 1e-8


def test_step_has_zero_derivative_and_is_the_relu_derivative():
    x = np.linspace(-3, 3, 61)
    assert np.all(act.get("step").grad(x) == 0)
    np.testing.assert_array_equal(act.get("step")(x), act.get("relu").grad(x))


def test_prelu_alpha_gradient_matches_finite_difference():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3))
    upstream = rng.standard_normal((5, 3))
    alpha = np.array([0.1, 0.25, -0.2])
    f = act.get("prelu", alpha=alpha.copy())

    def loss(a):
        f.alpha = a
        return float(np.sum(upstream * f(x)))

    numeric = numerical_gradient(loss, alpha)
    f.alpha = alpha
    analytic = np.sum(upstream * f.grad_alpha(x), axis=0)
    assert relative_error(analytic, numeric) < 1e-7


def test_prelu_is_leaky_relu_for_fixed_alpha():
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(act.get("prelu", alpha=0.1)(x), act.get("leaky_relu", alpha=0.1)(x))


def test_rrelu_training_uses_the_sampled_slopes_and_eval_the_mean():
    f = act.get("rrelu", lower=0.1, upper=0.3, training=True, rng=np.random.default_rng(3))
    x = -np.ones(20000)
    y = f(x)
    slopes = -y
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert abs(slopes.mean() - 0.2) < 6 * (0.2 / np.sqrt(12)) / np.sqrt(x.size)
    np.testing.assert_array_equal(f.grad(x), slopes)
    assert np.all(f.grad(np.abs(x)) == 1)  # positive inputs: slope 1
    f.eval()
    np.testing.assert_allclose(f(x), -0.2 * np.ones_like(x))


def test_rrelu_is_reproducible_with_a_seed():
    a = act.get("rrelu", training=True, rng=np.random.default_rng(7))(-np.ones(10))
    b = act.get("rrelu", training=True, rng=np.random.default_rng(7))(-np.ones(10))
    np.testing.assert_array_equal(a, b)


def test_rrelu_errors():
    with pytest.raises(ValueError, match="lower <= upper"):
        act.get("rrelu", lower=0.5, upper=0.1)
    with pytest.raises(ValueError, match="random generator"):
        act.get("rrelu", training=True)
    f = act.get("rrelu", training=True, rng=0)
    with pytest.raises(ValueError, match="same shape"):
        f.grad(np.ones(3))


@given(st.lists(finite, min_size=1, max_size=50))
def test_sigmoid_symmetry_and_range(values):
    x = np.array(values)
    s = act.get("sigmoid")
    np.testing.assert_allclose(s(x) + s(-x), 1.0, atol=1e-15)
    assert np.all((s(x) >= 0) & (s(x) <= 1))


@given(st.lists(finite, min_size=1, max_size=50))
def test_tanh_is_a_rescaled_sigmoid(values):
    x = np.array(values)
    np.testing.assert_allclose(act.get("tanh")(x), 2 * act.get("sigmoid")(2 * x) - 1, atol=1e-15)


@given(st.lists(finite, min_size=1, max_size=50))
def test_ranges(values):
    x = np.array(values)
    assert np.all(np.abs(act.get("tanh")(x)) <= 1)
    assert np.all(act.get("relu")(x) >= 0)
    assert np.all(act.get("softplus")(x) >= act.get("relu")(x))
    assert np.all(act.get("elu", alpha=1.5)(x) >= -1.5)
    assert np.all(act.get("selu")(x) >= -act.SELU_LAMBDA * act.SELU_ALPHA)
    assert np.all(act.get("gelu")(x) >= -0.17)  # its minimum is about -0.16997
    assert np.all(act.get("silu")(x) >= -0.2785)  # its minimum is about -0.27846


@given(st.lists(finite, min_size=1, max_size=50), st.floats(0, 1))
def test_leaky_relu_is_max_of_alpha_x_and_x(values, alpha):
    x = np.array(values)
    np.testing.assert_array_equal(act.get("leaky_relu", alpha=alpha)(x), np.maximum(alpha * x, x))


@given(st.lists(finite, min_size=1, max_size=50))
def test_monotone_functions_have_nonnegative_slope(values):
    x = np.array(values)
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus"):
        assert np.all(act.get(name).grad(x) >= 0)


def test_selu_constants_match_the_paper_and_normalize():
    lam, alpha = act.selu_constants()
    assert abs(lam - 1.0507009873554804934193349852946) < 1e-12
    assert abs(alpha - 1.6732632423543772848170429916717) < 1e-12
    # Monte Carlo check of the fixed point, independent of the closed form.
    z = np.random.default_rng(0).standard_normal(2_000_000)
    y = act.get("selu")(z)
    se = y.std() / np.sqrt(z.size)
    assert abs(y.mean()) < 6 * se
    assert abs(y.var() - 1) < 6 * np.sqrt(2.0 / z.size) * 1.5  # generous: y is not Gaussian


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", act.names())
def test_extreme_inputs_are_finite_and_silent(name, dtype):
    x = np.array([-1e4, -1e3, -50, -1, 0, 1, 50, 1e3, 1e4], dtype=dtype)
    f = act.get(name)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y, g = f(x), f.grad(x)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(g))
    assert y.dtype == dtype and g.dtype == dtype


def test_scalar_in_scalar_out():
    assert act.get("relu")(-2.0) == 0.0
    assert np.ndim(act.get("sigmoid")(0.0)) == 0
    assert act.get("sigmoid")(0) == 0.5  # integers are accepted


def test_get_errors_name_what_is_allowed():
    with pytest.raises(ValueError, match="valid names are: step, identity, sigmoid"):
        act.get("relu6")
    with pytest.raises(TypeError, match="its parameters are: alpha"):
        act.get("elu", beta=1.0)
    with pytest.raises(TypeError, match="its parameters are: none"):
        act.get("relu", alpha=0.1)
    with pytest.raises(TypeError, match="must be a string"):
        act.get(3)
    f = act.get("tanh")
    assert act.get(f) is f
    assert act.get("Leaky-ReLU").name == "leaky_relu"


@pytest.mark.parametrize(
    "name,params,match",
    [
        ("elu", {"alpha": -1.0}, ">= 0"),
        ("leaky_relu", {"alpha": -0.1}, ">= 0"),
        ("leaky_relu", {"alpha": 1.5}, r"\[0, 1\]"),
        ("silu", {"beta": -1.0}, ">= 0"),
        ("gelu", {"approximate": "erf"}, "'none' or 'tanh'"),
        ("elu", {"alpha": float("nan")}, "finite"),
        ("prelu", {"alpha": np.array([0.1, np.inf])}, "finite"),
    ],
)
def test_invalid_parameters_raise(name, params, match):
    with pytest.raises(ValueError, match=match):
        act.get(name, **params)


def test_non_numeric_parameter_raises_type_error():
    with pytest.raises(TypeError, match="real number"):
        act.get("elu", alpha="1")


@pytest.mark.parametrize("bad", [["a", "b"], np.array([1 + 2j]), [[1.0], [1.0, 2.0]], None])
def test_non_numeric_input_raises_type_error(bad):
    with pytest.raises(TypeError, match="real numbers"):
        act.get("relu")(bad)


# ----------------------------------------------------------------------------- softmax


@given(
    arrays(np.float64, st.integers(2, 8), elements=st.floats(-1e4, 1e4)),
    st.floats(1e-3, 1e3),
)
def test_softmax_sums_to_one_and_keeps_the_argmax(x, T):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = act.softmax(x, T=T)
    assert abs(p.sum() - 1) < 1e-12
    assert np.all(p >= 0)
    # every maximal logit keeps a maximal probability
    assert p[np.argmax(x)] == p.max()


@given(arrays(np.float64, st.integers(2, 8), elements=st.floats(-100, 100)), st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant(x, c):
    np.testing.assert_allclose(act.softmax(x + c), act.softmax(x), atol=1e-12)


def test_softmax_temperature_limits_and_entropy():
    x = np.array([2.0, 1.0, 0.5, -1.0])
    K = x.size
    assert act.entropy(act.softmax(x, T=1e-3)) < 1e-12
    np.testing.assert_allclose(act.softmax(x, T=1e-3), [1, 0, 0, 0], atol=1e-12)
    assert abs(act.entropy(act.softmax(x, T=1e6)) - np.log(K)) < 1e-10
    temps = np.geomspace(0.01, 100, 50)
    H = np.array([act.entropy(act.softmax(x, T=t)) for t in temps])
    assert np.all(np.diff(H) > 0)  # entropy grows with temperature (distinct logits)


@given(arrays(np.float64, st.integers(2, 6), elements=st.floats(-10, 10), unique=True))
def test_entropy_tends_to_zero_and_log_k(x):
    assert act.entropy(act.softmax(x, T=1e-4)) < 1e-6 or np.sort(x)[-1] - np.sort(x)[-2] < 1e-2
    assert abs(act.entropy(act.softmax(x, T=1e8)) - np.log(x.size)) < 1e-6


def test_softmax_along_an_axis_and_log_softmax():
    x = np.random.default_rng(0).standard_normal((3, 5))
    p = act.softmax(x, axis=0)
    np.testing.assert_allclose(p.sum(axis=0), 1.0)
    np.testing.assert_allclose(act.log_softmax(x, T=2.0), np.log(act.softmax(x, T=2.0)), atol=1e-14)


@pytest.mark.parametrize("T", [0.5, 1.0, 3.0])
def test_softmax_backward_is_the_vector_jacobian_product(T):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 6))
    dout = rng.standard_normal((4, 6))
    numeric = numerical_gradient(lambda z: np.sum(dout * act.softmax(z, T=T)), x)
    analytic = act.softmax_backward(dout, act.softmax(x, T=T), T=T)
    assert relative_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize("T", [0, -1.0, float("inf"), float("nan")])
def test_softmax_rejects_bad_temperature(T):
    with pytest.raises(ValueError, match="temperature T must be"):
        act.softmax([1.0, 2.0], T=T)


def test_softmax_and_entropy_errors():
    with pytest.raises(ValueError, match="finite"):
        act.softmax([1.0, np.inf])
    with pytest.raises(ValueError, match="not a scalar"):
        act.softmax(1.0)
    with pytest.raises(ValueError, match="out of range"):
        act.softmax([1.0, 2.0], axis=1)
    with pytest.raises(TypeError, match="real number"):
        act.softmax([1.0, 2.0], T="1")
    with pytest.raises(ValueError, match="non-negative"):
        act.entropy([0.5, -0.5, 1.0])
    with pytest.raises(ValueError, match="sum to 1"):
        act.entropy([0.5, 0.6])
    with pytest.raises(ValueError, match="same shape"):
        act.softmax_backward(np.ones(3), np.ones(4) / 4)


# ------------------------------------------------------------------------------ Maxout


def test_maxout_backward_matches_numerical_gradient():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 4))
    W = rng.standard_normal((3, 4, 5))
    b = rng.standard_normal((3, 5))
    dout = rng.standard_normal((6, 5))
    out, cache = act.maxout_forward(x, W, b)
    dx, dW, db = act.maxout_backward(dout, cache)

    def loss():
        return np.sum(dout * act.maxout_forward(x, W, b)[0])

    assert relative_error(dx, numerical_gradient(lambda _: loss(), x)) < 1e-7
    assert relative_error(dW, numerical_gradient(lambda _: loss(), W)) < 1e-7
    assert relative_error(db, numerical_gradient(lambda _: loss(), b)) < 1e-7


def test_maxout_forward_is_the_max_of_the_pieces():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3))
    W = rng.standard_normal((2, 3, 4))
    b = rng.standard_normal((2, 4))
    out, _ = act.maxout_forward(x, W, b)
    np.testing.assert_allclose(out, np.maximum(x @ W[0] + b[0], x @ W[1] + b[1]))


def test_maxout_layer_doubles_parameters_and_learns_gradients():
    layer = act.Maxout(10, 7, pieces=2, rng=np.random.default_rng(0))
    assert layer.n_params == 2 * (10 * 7 + 7)
    x = np.random.default_rng(1).standard_normal((3, 10))
    out = layer.forward(x)
    dx = layer.backward(np.ones_like(out))
    assert out.shape == (3, 7) and dx.shape == (3, 10)
    assert layer.grads["W"].shape == (2, 10, 7) and layer.grads["b"].shape == (2, 7)
    relu_as_maxout = act.Maxout.from_params(np.array([[[1.0]], [[0.0]]]), np.zeros((2, 1)))
    z = np.linspace(-2, 2, 9)[:, None]
    np.testing.assert_array_equal(relu_as_maxout.forward(z), np.maximum(z, 0))


def test_maxout_shape_errors():
    W, b = np.zeros((2, 3, 4)), np.zeros((2, 4))
    with pytest.raises(ValueError, match=r"x must have shape \(N, fan_in\) = \(N, 3\)"):
        act.maxout_forward(np.zeros((5, 2)), W, b)
    with pytest.raises(ValueError, match="b must have shape"):
        act.maxout_forward(np.zeros((5, 3)), W, np.zeros((4,)))
    with pytest.raises(ValueError, match="W must have shape"):
        act.maxout_forward(np.zeros((5, 3)), np.zeros((3, 4)), b)
    _, cache = act.maxout_forward(np.zeros((5, 3)), W, b)
    with pytest.raises(ValueError, match="dout must have shape"):
        act.maxout_backward(np.zeros((5, 3)), cache)
    with pytest.raises(ValueError, match="positive integer"):
        act.Maxout(0, 3, rng=0)
    with pytest.raises(ValueError, match="forward before backward"):
        act.Maxout(2, 3, rng=0).backward(np.zeros((1, 3)))


def _decimal_gelu_tanh(x: str, digits: int = 50):
    """0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))) evaluated in 50-digit decimal arithmetic."""
    from decimal import Decimal, getcontext

    getcontext().prec = digits + 10
    # π by the Gauss–Legendre iteration (quadratic convergence: 7 rounds give > 100 digits)
    a, b, t, p = Decimal(1), Decimal(1) / Decimal(2).sqrt(), Decimal(1) / 4, Decimal(1)
    for _ in range(7):
        a, b, t, p = (a + b) / 2, (a * b).sqrt(), t - p * ((a - b) / 2) ** 2, 2 * p
    pi = (a + b) ** 2 / (4 * t)
    x = Decimal(x)
    u = (2 / pi).sqrt() * (x + Decimal("0.044715") * x**3)
    e = (2 * u).exp()
    return float(x / 2 * (1 + (e - 1) / (e + 1)))


def test_gelu_tanh_form_matches_a_high_precision_evaluation():
    # #10.10: the constant 0.044715 (Hendrycks & Gimpel 2016) changed to 0.04715 went unnoticed.
    f = act.get("gelu", approximate="tanh")
    for x in ["-5", "-3", "-1.5", "-0.5", "0.25", "0.7", "1", "2", "3.5", "6"]:
        assert f(np.array([float(x)]))[0] == pytest.approx(_decimal_gelu_tanh(x), rel=1e-13, abs=1e-15), x  # 1 + tanh cancels for x < 0


def test_exact_gelu_matches_the_erfc_formula():
    f = act.get("gelu")
    for x in [-8.0, -3.0, -1.0, -0.1, 0.3, 1.0, 2.5, 7.0]:
        assert f(np.array([x]))[0] == pytest.approx(0.5 * x * math.erfc(-x / math.sqrt(2.0)), rel=1e-13), x
