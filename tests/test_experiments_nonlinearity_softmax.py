"""Tests of the experiments of the chapters on nonlinearity and softmax, on small settings."""

import numpy as np
import pytest

from nnbook import figures, nn
from nnbook.experiments import nonlinearity as nl
from nnbook.experiments import softmax as sm


def test_linear_collapse_is_exact():
    result = nl.linear_collapse(sizes=(3, 5, 2), epochs=20, rng=0)
    assert result.max_difference < 1e-12
    assert result.losses[-1] < result.losses[0]


def test_xor_needs_a_nonlinearity():
    result = nl.xor_linear_vs_nonlinear(epochs=300, rng=0)
    assert result.linear_accuracy <= 0.75
    assert result.nonlinear_accuracy == 1.0
    assert figures.xor_boundaries(result)._repr_png_()


def test_bending_space_stages_follow_the_layer():
    stages = nl.bending_space(epochs=300, rng=3)
    assert len(stages.grids) == len(stages.points) == 4
    assert np.all(np.abs(stages.points[-1]) <= 1)  # after tanh
    np.testing.assert_allclose(stages.points[3], np.tanh(stages.points[2]))
    assert figures.bending_space(stages)._repr_png_()


def test_boundary_grid_small():
    runs, ds = nl.boundary_grid(widths=(2, 8), depths=(1,), epochs=50, rng=0)
    assert [(r.depth, r.width) for r in runs] == [(1, 2), (1, 8)]
    assert all(r.surface[2].shape == (150, 150) for r in runs)
    assert figures.boundary_grid(runs, ds)._repr_png_()


def test_chain_rule_example_matches_numeric():
    cr = nl.chain_rule_example()
    assert cr["dL_dw"] == pytest.approx(cr["numeric_dL_dw"], rel=1e-8)
    assert cr["dL_db"] == pytest.approx(cr["numeric_dL_db"], rel=1e-8)
    assert cr["dL_dw"] == pytest.approx(cr["dL_dh"] * cr["dh_dz"] * cr["x"])


def test_step_network_gets_no_hidden_gradient():
    norms = nl.step_network_gradient_norms(rng=0)
    assert norms[:-1] == [0.0, 0.0] and norms[-1] > 0


def test_gradient_check_table_is_tight():
    rows = nl.gradient_check_table(rng=0)
    assert len(rows) >= 10 and max(e for _, e in rows) < 1e-7


def test_naive_softmax_overflows_and_stable_does_not():
    x = np.array([1000.0, 999.0])
    assert np.all(np.isnan(sm.naive_softmax(x)))


def test_temperature_sweep_entropy_is_monotone_and_bounded():
    sweep = sm.temperature_sweep([2.0, 1.0, 0.5, -1.0, 0.0], np.geomspace(1e-3, 1e3, 50))
    assert np.all(np.diff(sweep.entropies) >= -1e-12)
    assert sweep.entropies[0] < 1e-9
    assert sweep.entropies[-1] == pytest.approx(np.log(5), abs=1e-5)
    assert figures.entropy_curve(sweep)._repr_png_()
    assert figures.temperature_bars(sm.temperature_sweep([1.0, 0.0], [0.1, 1.0]))._repr_png_()


def test_cross_entropy_gradient_is_p_minus_y():
    error, analytic, _ = sm.cross_entropy_gradient_check(rng=0)
    assert error < 1e-7
    np.testing.assert_allclose(analytic.sum(axis=1), 0, atol=1e-15)  # p and y both sum to 1


def test_softmax_chapter_summary_limits():
    curve = sm.temperature_sweep(sm.LOGITS, np.geomspace(1e-3, 1e3, 300))
    bars = sm.temperature_sweep(sm.LOGITS, [0.01, 1.0, 5.0])
    assert bars.entropies[0] < 1e-6 < bars.entropies[1] < bars.entropies[2] < curve.max_entropy
    assert curve.max_entropy == pytest.approx(np.log(5))
    claim, = sm.claims({"curve": curve})
    assert claim.id == "lower-temperature-higher-entropy" and claim.verdict == "does not hold"
    assert claim.effect is None and claim.evidence == "fig-entropy-curve"
    # a made-up curve whose entropy falls with T would support the claim
    fake = sm.TemperatureSweep(curve.logits, curve.temperatures, curve.probabilities, curve.entropies[::-1])
    assert sm.claims({"curve": fake})[0].verdict == "holds"


def test_softmax_jacobian_and_the_p_minus_y_cancellation():
    check = sm.jacobian_check(classes=4, rng=1)
    assert check["jacobian-error"] < 1e-8 and check["chain-error"] < 1e-14 and check["grad-error"] < 1e-8
    J = sm.softmax_jacobian(check["p"])
    np.testing.assert_allclose(J, J.T)
    np.testing.assert_allclose(J.sum(axis=1), 0, atol=1e-15)
    with pytest.raises(ValueError, match="one probability vector"):
        sm.softmax_jacobian(np.ones((2, 2)) / 2)


def test_two_classes_reduce_to_the_sigmoid():
    assert sm.two_class_gap(n=200, rng=0) < 1e-14


def test_binary_gradients_are_derivatives_of_the_losses():
    from nnbook.gradcheck import elementwise_derivative

    z = np.linspace(-8, 8, 41)
    b = sm.binary_gradients(z)
    ce = lambda t: sm.binary_gradients(t).ce_loss  # noqa: E731
    mse = lambda t: sm.binary_gradients(t).mse_loss  # noqa: E731
    np.testing.assert_allclose(b.ce_grad, elementwise_derivative(ce, z), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(b.mse_grad, elementwise_derivative(mse, z), rtol=1e-6, atol=1e-10)
    assert b.ce_grad[0] < -0.999 and abs(b.mse_grad[0]) < 1e-3  # confidently wrong: CE pushes, MSE does not


def test_entropy_derivative_is_variance_over_T_cubed():
    for T in (0.1, 0.7, 3.0, 20.0):
        closed, numeric = sm.entropy_temperature_derivative([1.5, -0.3, 0.2, 2.0], T)
        assert closed >= 0 and closed == pytest.approx(numeric, rel=1e-6, abs=1e-10)
    closed, _ = sm.entropy_temperature_derivative([0.5, 0.5, 0.5], 1.0)
    assert closed == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ValueError, match="temperature"):
        sm.entropy_temperature_derivative([1.0, 0.0], -1.0)


def test_nll_and_expected_calibration_error():
    scores = np.array([[2.0, 0.0], [0.0, 1.0], [3.0, -1.0]])
    y = np.array([0, 1, 1])
    assert sm.nll(scores, y) == pytest.approx(nn.softmax_cross_entropy(scores, y)[0])
    assert sm.nll(scores, y, T=2.0) == pytest.approx(nn.softmax_cross_entropy(scores / 2, y)[0])
    p = np.tile([0.8, 0.2], (5, 1))
    assert sm.expected_calibration_error(p, np.array([0, 0, 0, 0, 1]))[0] == pytest.approx(0.0, abs=1e-12)
    assert sm.expected_calibration_error(np.tile([1.0, 0.0], (4, 1)), np.array([0, 1, 0, 1]))[0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="probabilities"):
        sm.expected_calibration_error(p, np.zeros(3, dtype=int))


def test_temperature_calibration_small():
    cal = sm.temperature_calibration(n_train=300, hidden=16, epochs=5, temperatures=np.geomspace(0.5, 4, 15), rng=0)
    assert np.ptp(cal.test_accuracy) == 0  # the temperature never changes a prediction
    assert sm.nll(np.zeros((1, 10)), [0]) == pytest.approx(np.log(10))
    assert cal.n_train == 300 and cal.n_val + cal.n_train == 1347 and cal.n_test == 450
    step = np.log(cal.temperatures[1] / cal.temperatures[0])
    assert abs(np.log(cal.temperatures[np.argmin(cal.val_nll)] / cal.best_T)) <= step  # fitted T minimizes val NLL
    assert 0 <= cal.ece_after <= 1 and cal.reliability_before[2].sum() == cal.n_test
    with pytest.raises(ValueError, match="n_train"):
        sm.temperature_calibration(n_train=1340)
