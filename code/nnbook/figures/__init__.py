"""The book's figures: each function takes finished results and returns a matplotlib Figure.

A figure function never trains or samples: experiments in :mod:`nnbook.experiments` do
that. Figures are created without pyplot, so nothing is left open and a notebook shows each
returned figure exactly once.
"""

from nnbook.figures.activations import (
    activation_family,
    activation_panels,
    maxout_pieces,
    rrelu_band,
    selu_constants_figure,
)

from nnbook.figures.nonlinearity import bending_space, boundary_grid, xor_boundaries
from nnbook.figures.softmax import entropy_curve, temperature_bars
from nnbook.figures import dead_relu, hyperparameters, initialization, preprocessing, saturation, zero_centering
from nnbook.figures import practice

__all__ = [
    "saturation",
    "zero_centering",
    "dead_relu",
    "preprocessing",
    "initialization",
    "hyperparameters",
    "practice",
    "xor_boundaries",
    "bending_space",
    "boundary_grid",
    "temperature_bars",
    "entropy_curve",
    "activation_panels",
    "activation_family",
    "rrelu_band",
    "maxout_pieces",
    "selu_constants_figure",
]
