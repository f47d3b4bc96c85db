"""Figure functions return a finished Figure, leave no pyplot state, and use the book's style."""

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnbook import figures, style
from nnbook.experiments import activations as exp


def _render(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def no_open_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before  # nothing left open in pyplot


def test_activation_panels():
    fig = figures.activation_panels(["sigmoid", "tanh", "relu"], ncols=2)
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3
    assert [ax.get_title() for ax in visible] == ["sigmoid", "tanh", "relu"]
    # each panel: the function and its derivative, in the activation's colour
    lines = [l for l in visible[0].get_lines() if l.get_linestyle() in ("-", "--")]
    assert matplotlib.colors.to_hex(lines[-2].get_color()) == style.color("sigmoid").lower()
    assert _render(fig)[:4] == b"\x89PNG"


def test_activation_family_and_maxout_and_rrelu():
    fig = figures.activation_family("elu", "alpha", [0.5, 1.0])
    assert len(fig.axes) == 2 and len(fig.axes[0].get_legend().get_texts()) == 2
    fig = figures.maxout_pieces([("relu", (1.0, 0.0), (0.0, 0.0))])
    line = fig.axes[0].get_lines()[-1]
    np.testing.assert_allclose(line.get_ydata(), np.maximum(line.get_xdata(), 0))
    x = np.linspace(-2, 2, 11)
    train, ev, f = exp.rrelu_samples(x, draws=2, rng=0)
    fig = figures.rrelu_band(x, train, ev, f.lower, f.upper)
    assert _render(fig)


def test_selu_figure_marks_the_solution():
    curves = exp.selu_moment_curves(np.linspace(1.0, 2.5, 7))
    fig = figures.selu_constants_figure(curves)
    marker = fig.axes[1].get_lines()[-1]
    assert marker.get_xdata()[0] == pytest.approx(curves.alpha_star)
    assert _render(fig)


def test_figures_are_reproducible():
    a = _render(figures.activation_panels(["gelu", "silu"]))
    b = _render(figures.activation_panels(["gelu", "silu"]))
    assert a == b


def test_style_color_errors():
    assert style.color("relu") == style.PALETTE["blue"]
    with pytest.raises(ValueError, match="no colour for 'magenta'"):
        style.color("magenta")


def test_library_does_not_choose_a_backend():
    import subprocess
    import sys

    code = "import matplotlib; b = matplotlib.rcParams._get_backend_or_none(); import nnbook.figures; " \
           "assert matplotlib.rcParams._get_backend_or_none() == b; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_figures_display_as_png_in_jupyter_without_pyplot():
    fig = figures.activation_panels(["relu"])
    png, meta = fig._repr_png_()
    assert png[:4] == b"\x89PNG" and meta["width"] > 0
    assert png == figures.activation_panels(["relu"])._repr_png_()[0]  # byte-for-byte reproducible


def test_book_figures_are_compact_high_dpi_pngs():
    from PIL import Image

    from nnbook.figures._base import PIXEL_RATIO, new_figure, png_bytes

    fig = new_figure(3.0, 2.0)
    ax = fig.subplots()
    ax.bar([0, 1], [1, 2], color=[style.PALETTE["blue"], style.PALETTE["orange"]])
    ax.set_axis_off()
    data, meta = fig._repr_png_()
    image = Image.open(io.BytesIO(data))
    # twice the pixels of the display width it declares, no alpha channel, indexed colours
    assert meta["width"] == round(3.0 * style.DPI)
    assert image.size[0] == PIXEL_RATIO * meta["width"]
    assert image.mode == "P"
    # with few colours the palette is exact: the same pixels as matplotlib's own PNG
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=style.DPI, facecolor="white")
    reference = np.asarray(Image.open(buf).convert("RGB"))
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(fig, style.DPI))).convert("RGB")), reference)


def test_figures_are_never_wider_than_the_text_column():
    from nnbook.figures._base import new_figure

    fig = new_figure(12.8, 4.0)
    assert fig.get_figwidth() == pytest.approx(style.TEXT_WIDTH)
    assert fig.get_figheight() == pytest.approx(2.0)
