"""nnbook: the tested numpy reference code behind *Training Neural Networks, Part I*.

Layers, from the bottom up:

* reference code a reader can reuse — :mod:`nnbook.activations`, :mod:`nnbook.init`,
  :mod:`nnbook.nn` (a network with manual backprop), :mod:`nnbook.data`;
* :mod:`nnbook.experiments` — pure functions, configuration in, results out (never plot);
* :mod:`nnbook.figures` (with :mod:`nnbook.style`) — results in, matplotlib Figure out.
"""

import importlib

from nnbook import activations, data, diagnostics, init, nn, search, stats

__version__ = "0.1.0"
__all__ = ["activations", "init", "nn", "data", "diagnostics", "preprocessing", "search", "stats", "__version__"]


def __getattr__(name):
    # nnbook.preprocessing subclasses scikit-learn's estimators, and importing scikit-learn takes
    # ~0.5 s: it is imported on first use (nnbook.preprocessing or from nnbook import preprocessing),
    # so that chapters which never preprocess do not pay for it.
    if name == "preprocessing":
        return importlib.import_module("nnbook.preprocessing")
    raise AttributeError(f"module 'nnbook' has no attribute {name!r}")
