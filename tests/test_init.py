"""Tests of nnbook.init: shapes, exact formulas, variances within statistical tolerance, errors."""

import math

import numpy as np
import pytest

from nnbook import init

FAN_IN, FAN_OUT = 300, 200
N = FAN_IN * FAN_OUT

# (initializer, kwargs, target std, excess kurtosis of the distribution: 0 normal, -1.2 uniform)
SCHEMES = [
    (init.normal, {"std": 0.01}, 0.01, 0.0),
    (init.uniform, {"limit": 0.05}, 0.05 / math.sqrt(3), -1.2),
    (init.xavier_normal, {}, math.sqrt(2 / (FAN_IN + FAN_OUT)), 0.0),
    (init.xavier_normal, {"mode": "fan_in"}, math.sqrt(1 / FAN_IN), 0.0),
    (init.xavier_uniform, {}, math.sqrt(2 / (FAN_IN + FAN_OUT)), -1.2),
    (init.xavier_normal, {"gain": 5 / 3}, 5 / 3 * math.sqrt(2 / (FAN_IN + FAN_OUT)), 0.0),
    (init.he_normal, {}, math.sqrt(2 / FAN_IN), 0.0),
    (init.he_normal, {"mode": "fan_out"}, math.sqrt(2 / FAN_OUT), 0.0),
    (init.he_uniform, {}, math.sqrt(2 / FAN_IN), -1.2),
    (init.lecun_normal, {}, math.sqrt(1 / FAN_IN), 0.0),
    (init.lecun_uniform, {}, math.sqrt(1 / FAN_IN), -1.2),
    (init.orthogonal, {}, math.sqrt(1 / FAN_IN), None),  # orthonormal columns: sum of squares = FAN_OUT
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("func,kwargs,std,excess_kurtosis", SCHEMES,
                         ids=[f"{f.__name__}-{k}" for f, k, _, _ in SCHEMES])
def test_std_matches_formula(func, kwargs, std, excess_kurtosis, seed):
    W = func(FAN_IN, FAN_OUT, rng=np.random.default_rng(seed), **kwargs)
    assert W.shape == (FAN_IN, FAN_OUT) and W.dtype == np.float64
    if excess_kurtosis is None:
        assert abs(np.sum(W**2) - FAN_OUT) < 1e-9
        return
    # Var(s^2) = sigma^4 (2 + excess kurtosis) / n, so the relative standard error of the
    # sample std is sqrt((2 + kappa) / n) / 2. Allow 6 standard errors.
    tolerance = 6 * math.sqrt((2 + excess_kurtosis) / N) / 2
    assert abs(W.std() / std - 1) < tolerance
    assert abs(W.mean()) < 6 * std / math.sqrt(N)


def test_uniform_limits_are_sqrt3_std():
    W = init.he_uniform(FAN_IN, FAN_OUT, rng=0)
    limit = math.sqrt(3) * math.sqrt(2 / FAN_IN)
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.99 * limit
    W = init.xavier_uniform(FAN_IN, FAN_OUT, rng=0)
    assert np.abs(W).max() <= math.sqrt(6 / (FAN_IN + FAN_OUT))


def test_he_normal_is_randn_times_sqrt_2_over_fan_in():
    W = init.he_normal(784, 100, rng=np.random.default_rng(5))
    expected = np.random.default_rng(5).standard_normal((784, 100)) * np.sqrt(2 / 784)
    np.testing.assert_allclose(W, expected, rtol=1e-15)


def test_xavier_fan_in_is_the_cs231n_form():
    W = init.xavier_normal(500, 500, rng=np.random.default_rng(5), mode="fan_in")
    expected = np.random.default_rng(5).standard_normal((500, 500)) / np.sqrt(500)
    np.testing.assert_allclose(W, expected, rtol=1e-15)


@pytest.mark.parametrize("fan_in,fan_out", [(50, 20), (20, 50), (30, 30)])
def test_orthogonal(fan_in, fan_out):
    W = init.orthogonal(fan_in, fan_out, rng=0, gain=2.0)
    assert W.shape == (fan_in, fan_out)
    small = min(fan_in, fan_out)
    gram = W.T @ W if fan_in >= fan_out else W @ W.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)


def test_constant_and_zeros():
    assert np.all(init.zeros(3, 4) == 0)
    assert np.all(init.constant(3, 4, value=0.5) == 0.5)


@pytest.mark.parametrize("name", init.names())
def test_seeded_and_no_global_state(name):
    func = init.get(name)
    kwargs = {"value": 0.1} if name == "constant" else {}
    state = np.random.get_state()[1].copy()
    a = func(20, 10, rng=np.random.default_rng(3), **kwargs)
    b = func(20, 10, rng=3, **kwargs)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_gains():
    assert init.gain("linear") == 1 and init.gain("sigmoid") == 1 and init.gain("identity") == 1
    assert init.gain("tanh") == pytest.approx(5 / 3)
    assert init.gain("relu") == pytest.approx(math.sqrt(2))
    assert init.gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.gain("leaky_relu", alpha=0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.gain("leaky_relu", alpha=0.0) == pytest.approx(init.gain("relu"))
    assert init.gain("selu") == 0.75


def test_he_gain_preserves_relu_second_moment():
    # Why sqrt(2): a ReLU layer with He weights keeps E[h^2] of its input.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2000, 400))
    W = init.he_normal(400, 400, rng=rng)
    h = np.maximum(x @ W, 0)
    assert abs(np.mean(h**2) / np.mean(x**2) - 1) < 0.05


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: init.he_normal(0, 5, rng=0), ValueError, "fan_in must be a positive integer"),
        (lambda: init.he_normal(5, -1, rng=0), ValueError, "fan_out must be a positive integer"),
        (lambda: init.he_normal(2.5, 5, rng=0), TypeError, "fan_in must be a positive integer"),
        (lambda: init.he_normal(True, 5, rng=0), TypeError, "fan_in must be a positive integer"),
        (lambda: init.he_normal(5, 5, rng=None), TypeError, "default_rng"),
        (lambda: init.he_normal(5, 5, rng=np.random.RandomState(0)), TypeError, "Generator"),
        (lambda: init.xavier_normal(5, 5, rng=0, mode="avg"), ValueError, "'fan_in', 'fan_out', 'fan_avg'"),
        (lambda: init.normal(5, 5, rng=0, std=-1.0), ValueError, ">= 0"),
        (lambda: init.gain("gelu"), ValueError, "valid names are: identity"),
        (lambda: init.gain("tanh", alpha=0.1), ValueError, "only used with 'leaky_relu'"),
        (lambda: init.get("kaiming"), ValueError, "valid names are: zeros"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def _ks_uniform(u, low=-1.0, high=1.0) -> float:
    """Kolmogorov–Smirnov distance of a sample from U(low, high)."""
    u = np.sort((np.asarray(u) - low) / (high - low))
    n = u.size
    return float(max(np.max(np.arange(1, n + 1) / n - u), np.max(u - np.arange(n) / n)))


@pytest.mark.parametrize("fan_in,fan_out", [(3, 3), (3, 2), (2, 3)])
def test_orthogonal_is_haar_distributed(fan_in, fan_out):
    # #10.10: without the sign correction (q *= sign(diag r)) QR gives a matrix whose first column
    # always has W[0, 0] < 0 (Householder's convention), not a uniform point on the sphere. Under
    # the Haar measure every column of length 3 (every row of length 3 when fan_in < fan_out) is uniform
    # on the sphere S², so each coordinate is uniform on [-1, 1] (Archimedes). The KS distance of M
    # draws stays below 1.95/√M with probability 0.999 per coordinate (seeded: deterministic).
    M = 2000
    rng = np.random.default_rng(12345)
    Ws = np.stack([init.orthogonal(fan_in, fan_out, rng=rng) for _ in range(M)])
    if fan_in < fan_out:
        Ws = np.swapaxes(Ws, 1, 2)  # rows are orthonormal: look at them as columns
    limit = 1.95 / np.sqrt(M)
    for j in range(Ws.shape[2]):
        for i in range(Ws.shape[1]):
            assert _ks_uniform(Ws[:, i, j]) < limit, (i, j)
    assert abs(np.mean(Ws[:, 0, 0] > 0) - 0.5) < 5 * 0.5 / np.sqrt(M)
