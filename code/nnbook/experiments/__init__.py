"""The book's experiments: pure functions, configuration in, results out. They never plot.

The chapter modules are imported on first use (``from nnbook.experiments import dead_relu`` or
``nnbook.experiments.dead_relu``), so a chapter's kernel imports only what it runs — in
particular, only the chapters that preprocess data import scikit-learn (through
:mod:`nnbook.preprocessing`).
"""

import importlib

__all__ = ["activations", "nonlinearity", "softmax", "saturation", "zero_centering", "dead_relu",
           "preprocessing", "initialization",
           "hyperparameters", "practice"]


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"nnbook.experiments.{name}")
    raise AttributeError(f"module 'nnbook.experiments' has no attribute {name!r}")
