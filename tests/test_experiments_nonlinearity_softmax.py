"""Tests of the experiments of the chapters on nonlinearity and softmax, on small settings."""

import io

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
    light, trained = nl.bending_space(epochs=(5, 150), rng=3)
    assert (light.epochs, trained.epochs) == (5, 150)
    for stages in (light, trained):
        assert len(stages.grids) == len(stages.points) == 4
        assert np.all(np.abs(stages.points[-1]) <= 1)  # after tanh
        np.testing.assert_allclose(stages.points[1], stages.points[0] @ stages.W)
        np.testing.assert_allclose(stages.points[2], stages.points[1] + stages.b)
        np.testing.assert_allclose(stages.points[3], np.tanh(stages.points[2]))
    assert nl.squash_direction(trained.W)[1] < nl.squash_direction(light.W)[1]  # training squashes the plane
    with pytest.raises(ValueError, match="W must be"):
        nl.space_stages(np.eye(3), np.zeros(2), np.zeros((4, 2)), np.zeros(4))


def test_squash_direction_of_a_rank_one_map():
    W = np.outer([1.0, -1.0], [3.0, -2.0])  # x W depends on x1 - x2 only
    u, ratio = nl.squash_direction(W)
    np.testing.assert_allclose(u, np.array([1.0, -1.0]) / np.sqrt(2), atol=1e-12)
    assert ratio < 1e-12
    assert nl._direction_text(u) == "x₁ − x₂" and nl._direction_text([0.5, 0.25]) == "x₁ + 0.50 x₂"


def test_xor_linear_optimum_is_at_zero():
    result = nl.xor_linear_vs_nonlinear(epochs=300, rng=0)
    opt = nl.xor_linear_optimum(result)
    assert opt.loss[0] == pytest.approx(np.log(2))
    assert np.all(np.diff(opt.loss) > 0)  # along the 75 % classifier's ray the loss only rises
    assert np.all(opt.accuracy[opt.t > 0] >= 0.7)
    assert opt.trained_weight_norm < 0.05 and opt.trained_loss == pytest.approx(np.log(2), abs=1e-3)


def test_universal_approximation_error_falls_with_width():
    approx = nl.universal_approximation(widths=(1, 4, 16), seeds=2, rng=0)
    med = np.median(approx.max_error, axis=1)
    assert med[-1] < 0.1 * med[0] and med[-1] < 0.05
    assert approx.max_error.shape == (3, 2) and set(approx.curves) == {1, 4, 16}


def test_backprop_cost_small():
    cost = nl.backprop_cost(sizes=(8, 16, 4), batch=8, repeats=3, rng=0)
    assert cost.forward_s.shape == cost.backward_s.shape == (3,) and np.all(cost.forward_s > 0)
    assert cost.n_params == 8 * 16 + 16 + 16 * 4 + 4 and cost.ratio > 0


def test_step_loss_is_piecewise_constant_and_sigmoid_is_not():
    step = nl.step_loss_landscape(points=201, rng=0)
    assert 0 < step.jumps < 200 and step.flat_fraction > 0.5
    assert np.count_nonzero(np.diff(step.sigmoid_loss)) == 200  # smooth: changes everywhere
    assert np.unique(step.step_loss).size <= step.jumps + 1


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


def test_nonlinearity_summary_from_small_results():
    xor = nl.xor_linear_vs_nonlinear(epochs=100, rng=0)
    runs, ds = nl.boundary_grid(widths=(2, 4, 16), depths=(1, 3), epochs=5, rng=0)
    results = {"collapse": nl.linear_collapse(sizes=(3, 4, 2), epochs=5, rng=0), "xor": xor,
               "xor_optimum": nl.xor_linear_optimum(xor), "bending": nl.bending_space(epochs=(2, 20), rng=3),
               "runs": runs, "spirals": ds, "uat": nl.universal_approximation(widths=(1, 16), seeds=2),
               "chain_rule": nl.chain_rule_example(), "backprop_cost": nl.backprop_cost((4, 8, 2), 4, 2),
               "checks": [("x", 1e-10)], "step_norms": nl.step_network_gradient_norms(rng=0),
               "step_loss": nl.step_loss_landscape(points=21)}
    s = nl.summary(results)
    assert s["xor-ln2"] == pytest.approx(np.log(2)) and s["bend-epochs"] == 20 and s["uat-max-width"] == 16
    assert all(isinstance(v, (int, float, str)) for v in s.values())


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
    from nnbook.figures import softmax as fig_sm

    assert fig_sm.calibration(cal).savefig(io.BytesIO(), format="png", dpi=30) is None
