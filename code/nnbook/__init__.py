"""nnbook: the tested numpy reference code behind *Training Neural Networks, Part I*.

Layers, from the bottom up:

* reference code a reader can reuse — :mod:`nnbook.activations`, :mod:`nnbook.init`,
  :mod:`nnbook.nn` (a network with manual backprop), :mod:`nnbook.data`;
* :mod:`nnbook.experiments` — pure functions, configuration in, results out (never plot);
* :mod:`nnbook.figures` (with :mod:`nnbook.style`) — results in, matplotlib Figure out.
"""

from nnbook import activations, data, diagnostics, init, nn, preprocessing, search, stats

__version__ = "0.1.0"
__all__ = ["activations", "init", "nn", "data", "diagnostics", "preprocessing", "search", "stats", "__version__"]
