"""nnbook.diagnostics: dead units, saturated units, per-layer statistics, on hand-made cases."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnbook import activations as act
from nnbook import diagnostics, nn


def _net(activation="relu", sizes=(3, 4, 5, 2), rng=0):
    return nn.MLP(list(sizes), activation, "he_normal", rng=rng)


def test_inactive_units_by_hand():
    z = np.array([[-1.0, 0.0, 2.0], [-3.0, -0.5, -1.0]])
    np.testing.assert_array_equal(diagnostics.inactive_units(z), [True, True, False])
    with pytest.raises(ValueError, match="2-D"):
        diagnostics.inactive_units(np.zeros(3))


def test_dead_units_match_negative_biases_and_spare_leaky_relu():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (50, 3))
    net = _net("relu")
    net.biases[0][[0, 2]] = -100.0  # z ≤ 0 for every input: dead
    net.biases[0][[1, 3]] = 100.0  # z > 0 for every input: alive
    masks = diagnostics.dead_units(net, X)
    np.testing.assert_array_equal(masks[0], [True, False, True, False])
    assert diagnostics.dead_fractions(net, X)[0] == 0.5
    assert diagnostics.dead_fraction(net, X) == pytest.approx((2 + masks[1].sum()) / 9)
    np.testing.assert_array_equal(diagnostics.inactive_fractions(net, X)[0], 0.5)

    leaky = _net("leaky_relu")
    leaky.biases[0][:] = -100.0
    assert diagnostics.dead_fraction(leaky, X) == 0.0  # slope 0.01, never zero
    assert diagnostics.inactive_fractions(leaky, X)[0] == 1.0  # but switched off everywhere


def test_tolerance_catches_saturated_elu_units():
    X = np.random.default_rng(1).uniform(-1, 1, (20, 3))
    net = _net("elu")
    net.biases[0][0] = -60.0  # slope α e^z ≈ 1e-26: not exactly 0, but negligible
    assert not diagnostics.dead_units(net, X)[0][0]
    assert diagnostics.dead_units(net, X, tol=1e-6)[0][0]
    with pytest.raises(ValueError, match="tol"):
        diagnostics.dead_units(net, X, tol=-1.0)


def test_non_finite_networks_are_reported():
    net = _net()
    net.weights[0][:] = np.nan
    with pytest.raises(ValueError, match="not finite"):
        diagnostics.dead_fraction(net, np.ones((2, 3)))


def test_max_slopes():
    assert diagnostics.max_slope("sigmoid") == pytest.approx(0.25, abs=1e-9)
    assert diagnostics.max_slope("tanh") == pytest.approx(1.0, abs=1e-9)
    assert diagnostics.max_slope("relu") == 1.0
    # SELU: λα e^z just left of 0
    assert diagnostics.max_slope("selu") == pytest.approx(act.SELU_LAMBDA * act.SELU_ALPHA, rel=1e-3)


@given(st.floats(-50, 50))
def test_saturated_fraction_is_the_small_slope_region(z):
    sat = diagnostics.saturated_fraction(np.array([z]), "tanh", threshold=0.05)
    assert sat == float(1 - np.tanh(z) ** 2 < 0.05)


def test_saturated_fraction_by_hand_and_errors():
    z = np.array([0.0, 1.0, 3.0, -10.0])
    assert diagnostics.saturated_fraction(z, "tanh") == 0.5
    assert diagnostics.saturated_fraction(z, "relu") == 0.5  # z = -10, and z = 0 (left derivative 0)
    assert diagnostics.saturated_fraction(np.array([0.0, -1.0]), "relu") == 1.0
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError, match="threshold"):
            diagnostics.saturated_fraction(z, "tanh", threshold=bad)
    with pytest.raises(ValueError, match="empty"):
        diagnostics.saturated_fraction(np.array([]), "tanh")
    with pytest.raises(ValueError, match="unknown activation"):
        diagnostics.saturated_fraction(z, "swishy")


def test_saturated_fractions_per_layer():
    net = nn.MLP([4, 6, 6, 2], "tanh", "xavier_normal", rng=0)
    X = np.random.default_rng(0).normal(size=(30, 4))
    assert np.all(diagnostics.saturated_fractions(net, X) < 0.2)
    assert np.all(diagnostics.saturated_fractions(net, 1e3 * X)[:1] > 0.9)  # huge inputs saturate layer 1


def test_layer_statistics_match_the_trace():
    net = _net("tanh")
    X = np.random.default_rng(0).normal(size=(10, 3))
    trace = net.record(X, np.array([0, 1] * 5))
    stats = diagnostics.layer_statistics(trace)
    assert set(stats) == {"act_mean", "act_std", "grad_std", "weight_grad_norm"}
    assert stats["act_std"].shape == (2,)
    assert stats["act_std"][1] == pytest.approx(trace.activations[1].std())
    assert stats["weight_grad_norm"][0] == pytest.approx(np.linalg.norm(trace.grad_weights[0]))
    forward_only = nn.MLP([3, 4, 2], "tanh", rng=0)
    forward_only.forward(X, record=True)
    assert set(diagnostics.layer_statistics(forward_only.trace)) == {"act_mean", "act_std"}
