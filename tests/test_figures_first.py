"""Figures of the chapters on nonlinearity, activations and softmax, drawn from small results."""

import io

import numpy as np

from nnbook.experiments import nonlinearity as nl
from nnbook.experiments import softmax as sm
from nnbook.figures import nonlinearity as fig_nl
from nnbook.figures import softmax as fig_sm


def _png(fig):
    """Draw the figure at a low resolution (fast) and check that a PNG comes out."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=30)
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    return buffer.getvalue()


def test_nonlinearity_figures():
    xor = nl.xor_linear_vs_nonlinear(epochs=50, rng=0)
    _png(fig_nl.xor_linear_optimum(nl.xor_linear_optimum(xor, t=np.linspace(0, 1, 11))))
    _png(fig_nl.universal_approximation(nl.universal_approximation(widths=(2, 16), seeds=1), show=(2, 16)))
    _png(fig_nl.step_loss(nl.step_loss_landscape(points=21)))
    _png(fig_nl.bending_space(nl.bending_space(epochs=(2, 30), rng=3)))


def test_softmax_figures():
    _png(fig_sm.binary_loss_gradients(sm.binary_gradients(np.linspace(-5, 5, 21))))
    # the calibration figure is drawn in test_temperature_calibration_small (one training run)
