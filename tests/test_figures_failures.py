"""Figures of the chapters on saturation, zero-centering and dead ReLUs: what they draw, on small results."""

import numpy as np
import pytest

from nnbook import figures
from nnbook.experiments import dead_relu, saturation, zero_centering


def _png(fig) -> bytes:
    return fig._repr_png_()[0]


def test_product_norms_label_is_mathtext_and_ticks_include_one():
    fig = figures.saturation.product_norms(saturation.matrix_product_norms(n=20, depth=30))
    ax = fig.axes[0]
    assert "_" not in ax.get_ylabel().replace(r"W_1", "").replace(r"W_l", "")  # no literal underscore shown
    assert ax.get_ylabel().count("$") % 2 == 0 and "W_l" in ax.get_ylabel()
    assert 1.0 in ax.get_yticks()
    assert _png(fig)[:4] == b"\x89PNG"


def test_gradient_histograms_have_their_own_x_ranges():
    runs = [saturation.deep_network_gradients(a, s, depth=4, width=20, n=50)
            for a, s in (("sigmoid", "xavier_normal"), ("relu", "he_normal"))]
    fig = figures.saturation.gradient_histograms(runs)
    (lo0, hi0), (lo1, hi1) = (ax.get_xlim() for ax in fig.axes)
    assert (lo0, hi0) != (lo1, hi1)
    assert hi1 - lo1 < hi0 - lo0  # ReLU's narrow spread is not squeezed into the sigmoid's range


def test_jacobian_and_slope_figures():
    chains = [saturation.jacobian_chain(a, s, depth=3, width=10) for a, s in
              (("sigmoid", "xavier_normal"), ("relu", "he_normal"))]
    fig = figures.saturation.jacobian_spectra(chains)
    assert len(fig.axes) == 2 and len(fig.axes[1].get_lines()) == 2
    slope = saturation.slope_versus_weights(multiples=(1.0, 2.0), seeds=(0,), depth=3, width=10, n=20)
    assert _png(figures.saturation.slope_versus_weights(slope))[:4] == b"\x89PNG"


def test_zero_centering_figures():
    paths = zero_centering.two_weight_problem(steps=30, lrs=(1.0,))
    full = zero_centering.full_batch_problem(paths, steps=30)
    fig = figures.zero_centering.full_batch_paths(paths, full)
    assert "κ" in fig.axes[0].get_title()
    eq = zero_centering.sigmoid_equivalence(depths=(("one", (4,)), ("two", (4, 4))), seeds=(0,), epochs=2, n_train=40)
    fig = figures.zero_centering.sigmoid_twin(eq)
    assert len(fig.axes) == 2 and all(len(ax.get_lines()) == 3 for ax in fig.axes)
    race = zero_centering.activation_race(lrs=(1.0, 2.0), epochs=2, seeds=(0,), n_train=60, n_val=30)
    fig = figures.zero_centering.race_curves(race)
    assert _png(fig)[:4] == b"\x89PNG"


def test_revival_shows_every_ever_dead_unit_on_its_own_axis():
    rec = dead_relu.revival(lr=0.7, epochs=3, hidden=(16, 16), n_train=100)
    fig = figures.dead_relu.revival(rec)
    for layer, ax in enumerate(fig.axes):
        lo, hi = sorted(ax.get_ylim())
        assert hi - lo == pytest.approx(max(rec.ever_dead(layer), 0))


def test_sweep_figure_draws_the_centered_arm_and_bias_figure_both_inputs():
    sweep = dead_relu.learning_rate_sweep((("ReLU", "raw"), ("ReLU", "centered")), lrs=(0.1, 1.0), seeds=(0,),
                                          epochs=1, hidden=(8,), n_train=60)
    fig = figures.dead_relu.learning_rate_sweep(sweep)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["ReLU, raw pixels", "ReLU, centered pixels"]
    bias = dead_relu.bias_at_init(biases=(-1.0, 0.0), seeds=(0,), hidden=(8,), n_train=60)
    fig = figures.dead_relu.bias_at_init(bias)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["raw pixels", "centered pixels"]
