"""Helpers shared by the figure functions."""

from __future__ import annotations

import functools

from matplotlib.figure import Figure

from nnbook import style


def new_figure(width: float = 7.0, height: float = 3.0, **kwargs) -> Figure:
    """A figure that belongs to no pyplot state machine (so it is never shown twice and
    never needs closing), with constrained layout."""
    return Figure(figsize=(width, height), dpi=style.DPI, layout="constrained", **kwargs)


def styled(func):
    """Run a figure function inside the book's style context."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style.context():
            return func(*args, **kwargs)

    return wrapper
