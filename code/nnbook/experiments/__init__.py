"""The book's experiments: pure functions, configuration in, results out. They never plot."""

from nnbook.experiments import (
    activations,
    dead_relu,
    hyperparameters,
    initialization,
    nonlinearity,
    practice,
    preprocessing,
    saturation,
    softmax,
    zero_centering,
)

__all__ = ["activations", "nonlinearity", "softmax", "saturation", "zero_centering", "dead_relu",
           "preprocessing", "initialization",
           "hyperparameters", "practice"]
