"""Helpers shared by the figure functions."""

from __future__ import annotations

import functools
import io

from matplotlib.figure import Figure

from nnbook import style


class BookFigure(Figure):
    """A matplotlib Figure that displays itself as a PNG in Jupyter.

    Figures made without pyplot get no display hook from the inline backend, so this class
    provides IPython's ``_repr_png_`` itself: a notebook shows the returned figure once, as
    an image, whatever backend (if any) the reader has chosen.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=self.dpi, metadata={"Software": None})
        return buffer.getvalue()


def new_figure(width: float = 7.0, height: float = 3.0, **kwargs) -> BookFigure:
    """A figure that belongs to no pyplot state machine (so it is never shown twice and
    never needs closing), with constrained layout."""
    return BookFigure(figsize=(width, height), dpi=style.DPI, layout="constrained", **kwargs)


def styled(func):
    """Run a figure function inside the book's style context."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style.context():
            return func(*args, **kwargs)

    return wrapper
