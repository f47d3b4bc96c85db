"""One look for every figure of the book: colours, fonts, sizes.

Figure functions build their figures inside :func:`context`; the library never selects a
matplotlib backend and never touches global pyplot state.
"""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["PALETTE", "ACTIVATION_COLORS", "RC", "DPI", "TEXT_WIDTH", "NARROW_WIDTH", "context", "color"]

#: Okabe–Ito colours: distinguishable with the common forms of colour blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "red": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#7F7F7F",
}

#: The colour each activation keeps throughout the book.
ACTIVATION_COLORS = {
    "step": PALETTE["grey"],
    "identity": PALETTE["black"],
    "sigmoid": PALETTE["orange"],
    "tanh": PALETTE["red"],
    "relu": PALETTE["blue"],
    "leaky_relu": PALETTE["sky"],
    "prelu": PALETTE["sky"],
    "rrelu": PALETTE["sky"],
    "elu": PALETTE["green"],
    "selu": PALETTE["purple"],
    "gelu": PALETTE["black"],
    "silu": PALETTE["orange"],
    "softplus": PALETTE["green"],
}

DPI = 110

#: Width of the HTML text column in inches: a full-width figure is at most this wide (6.4 in at
#: the column's ~105 px per inch), so 9-pt text shows at ~13 px on a desktop screen.
TEXT_WIDTH = 6.4
#: Width of a figure that need not fill the column (a single small panel).
NARROW_WIDTH = 4.2

RC = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "axes.prop_cycle": mpl.cycler(color=[PALETTE[k] for k in ("blue", "orange", "green", "red", "purple", "sky")]),
    "image.cmap": "viridis",
    "svg.hashsalt": "nnbook",
}


def context():
    """A context manager applying the book's rcParams (``matplotlib.rc_context``)."""
    return mpl.rc_context(RC)


def color(name: str) -> str:
    """The book's colour for an activation name or a palette key."""
    if name in ACTIVATION_COLORS:
        return ACTIVATION_COLORS[name]
    if name in PALETTE:
        return PALETTE[name]
    raise ValueError(f"no colour for {name!r}; use an activation name or one of: {', '.join(PALETTE)}")
