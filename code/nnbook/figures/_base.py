"""Helpers shared by the figure functions."""

from __future__ import annotations

import functools
import io

from matplotlib.figure import Figure

from nnbook import style

#: Pixel density of the PNG a notebook shows, as a multiple of the display density
#: (style.DPI pixels per inch of figure): 2 gives sharp text on high-DPI screens.
PIXEL_RATIO = 2


def png_bytes(fig: Figure, dpi: float) -> bytes:
    """The figure as a compact PNG, drawn once: opaque (no alpha channel) and indexed.

    A figure with at most 256 distinct colours is stored with exactly those colours
    (lossless). Otherwise — anti-aliased edges blend the few colours of a plot into many
    shades — the shades are reduced to 256 by octree quantization without dithering, which
    changes edge pixels by a few levels and the plot's own colours not at all, and cuts the
    bytes about threefold.
    """
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    buffer.seek(0)
    image = Image.open(buffer).convert("RGB")
    colours = image.getcolors(maxcolors=256)
    if colours is not None:
        palette = Image.new("P", (1, 1))
        palette.putpalette([v for _, rgb in colours for v in rgb])
        image = image.quantize(palette=palette, dither=Image.Dither.NONE)
    else:
        image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class BookFigure(Figure):
    """A matplotlib Figure that displays itself as a PNG in Jupyter.

    Figures made without pyplot get no display hook from the inline backend, so this class
    provides IPython's ``_repr_png_`` itself: a notebook shows the returned figure once, as
    an image, whatever backend (if any) the reader has chosen. The PNG has
    :data:`PIXEL_RATIO` times the pixels of its display size, which it declares as its
    width, so it is sharp on high-DPI screens and laid out at the size it was designed for.
    """

    def _repr_png_(self):
        data = png_bytes(self, self.dpi * PIXEL_RATIO)
        return data, {"width": int(round(self.get_figwidth() * self.dpi))}


def new_figure(width: float = style.TEXT_WIDTH, height: float = 3.0, **kwargs) -> BookFigure:
    """A figure that belongs to no pyplot state machine (so it is never shown twice and
    never needs closing), with constrained layout (laid out once, no tight bounding box).

    ``width`` is in inches; the book's text column is :data:`nnbook.style.TEXT_WIDTH` wide
    and a figure is never drawn wider than that (a wider request is scaled down with its
    aspect ratio kept), so that its text shows at the size it was set in.
    """
    if width > style.TEXT_WIDTH:
        height, width = height * style.TEXT_WIDTH / width, style.TEXT_WIDTH
    return BookFigure(figsize=(width, height), dpi=style.DPI, layout="constrained", **kwargs)


def styled(func):
    """Run a figure function inside the book's style context."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style.context():
            return func(*args, **kwargs)

    return wrapper
