"""The book's experiments: pure functions, configuration in, results out. They never plot."""

from nnbook.experiments import activations, nonlinearity, softmax

__all__ = ["activations", "nonlinearity", "softmax"]
