"""Tests of the experiments of the chapters on nonlinearity and softmax, on small settings."""

import numpy as np
import pytest

from nnbook import figures
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
    logits, bars, curve = sm.run_chapter()
    s = sm.summary(bars, curve)
    assert s["entropy-T0.01"] < 1e-6 < s["entropy-T1"] < s["entropy-T5"] < s["log-k"] == pytest.approx(np.log(5))
    assert s["entropy-high"] == pytest.approx(s["log-k"], rel=1e-3) and s["k"] == logits.size
