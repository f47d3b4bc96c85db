"""Figures of the chapter on activation functions."""

from __future__ import annotations

import numpy as np

from nnbook import activations as act
from nnbook import style
from nnbook.figures._base import new_figure, styled

_X = np.linspace(-5.0, 5.0, 1001)


def _plot_function_and_slope(ax, f, x, color, label_f="f(x)", label_g="f′(x)"):
    ax.axhline(0, color="#999999", lw=0.8, zorder=0)
    ax.axvline(0, color="#999999", lw=0.8, zorder=0)
    ax.plot(x, f(x), color=color, label=label_f)
    ax.plot(x, f.grad(x), color=color, ls="--", lw=1.5, alpha=0.8, label=label_g)


_SYMBOLS = {"alpha": "α", "beta": "β", "lower": "l", "upper": "u"}


def _title(f) -> str:
    """The activation's name with its numeric parameters, e.g. ``elu α=1``."""
    params = [f"{_SYMBOLS.get(k, k)}={v:.3g}" for k, v in f.params().items() if isinstance(v, float)]
    return " ".join([f.name, *params])


@styled
def activation_panels(fs, *, ncols: int = 4, x=None, titles=None):
    """One panel per activation: the function (solid) and its derivative (dashed).

    Parameters
    ----------
    fs : list of activation objects or names
    ncols : int
    x : array, optional
        Inputs to plot (default: 1001 points on [−5, 5]).
    titles : list of str, optional
        Panel titles (default: each activation's name and parameters).
    """
    fs = [act.get(f) for f in fs]
    x = _X if x is None else np.asarray(x, dtype=float)
    ncols = min(ncols, len(fs))
    nrows = -(-len(fs) // ncols)
    fig = new_figure(2.0 * ncols + 0.4, 2.0 * nrows + 0.3)
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(fs):
            ax.set_visible(False)
            continue
        f = fs[i]
        _plot_function_and_slope(ax, f, x, style.color(f.name))
        title = titles[i] if titles else _title(f)
        ax.set_title(title)
        ax.set_xlim(x[0], x[-1])
        if i % ncols == 0:
            ax.set_ylabel("value")
        if i >= len(fs) - ncols:
            ax.set_xlabel("x")
    axes.flat[0].legend(loc="upper left")
    return fig


@styled
def activation_family(name, param, values, *, x=None):
    """The same activation for several values of one parameter (e.g. Leaky ReLU's α).

    Left: the functions; right: their derivatives.
    """
    x = _X if x is None else np.asarray(x, dtype=float)
    fig = new_figure(7.0, 2.8)
    ax_f, ax_g = fig.subplots(1, 2)
    colors = [style.PALETTE[c] for c in ("blue", "orange", "green", "red", "purple", "sky")]
    for value, c in zip(values, colors):
        f = act.get(name, **{param: value})
        ax_f.plot(x, f(x), color=c, label=f"{param} = {value:g}")
        ax_g.plot(x, f.grad(x), color=c)
    for ax, title in ((ax_f, f"{name}(x)"), (ax_g, f"{name}′(x)")):
        ax.axhline(0, color="#999999", lw=0.8, zorder=0)
        ax.axvline(0, color="#999999", lw=0.8, zorder=0)
        ax.set_title(title)
        ax.set_xlabel("x")
    ax_f.legend()
    return fig


@styled
def rrelu_band(x, train, eval_out, lower: float, upper: float):
    """RReLU: the band of slopes it samples from in training, samples, and the eval line.

    Parameters
    ----------
    x : (n,) inputs; train : (draws, n) training-mode outputs; eval_out : (n,) eval outputs
    """
    fig = new_figure(5.0, 3.2)
    ax = fig.subplots()
    neg = x <= 0
    ax.fill_between(x[neg], upper * x[neg], lower * x[neg], color=style.color("rrelu"), alpha=0.25,
                    label=f"slopes in [{lower:.3g}, {upper:.3g}]")
    for i, row in enumerate(train):
        ax.plot(x, row, ".", ms=3, color=style.PALETTE["grey"], label="training samples" if i == 0 else None)
    ax.plot(x, eval_out, color=style.color("rrelu"), label=f"evaluation: slope {(lower + upper) / 2:.3g}")
    ax.axhline(0, color="#999999", lw=0.8, zorder=0)
    ax.axvline(0, color="#999999", lw=0.8, zorder=0)
    ax.set_xlabel("x")
    ax.set_ylabel("RReLU(x)")
    ax.legend(loc="upper left")
    return fig


@styled
def maxout_pieces(examples, *, x=None):
    """Maxout units of one input and two pieces: the two lines and their maximum.

    Parameters
    ----------
    examples : list of (title, (w1, b1), (w2, b2))
    """
    x = _X if x is None else np.asarray(x, dtype=float)
    fig = new_figure(2.4 * len(examples) + 0.3, 2.6)
    axes = np.atleast_1d(fig.subplots(1, len(examples), sharey=True))
    for ax, (title, (w1, b1), (w2, b2)) in zip(axes, examples):
        W = np.array([[[w1]], [[w2]]])
        b = np.array([[b1], [b2]])
        out, _ = act.maxout_forward(x[:, None], W, b)
        ax.plot(x, w1 * x + b1, color=style.PALETTE["grey"], lw=1.2, ls="--")
        ax.plot(x, w2 * x + b2, color=style.PALETTE["grey"], lw=1.2, ls=":")
        ax.plot(x, out[:, 0], color=style.PALETTE["purple"], label="max of the two")
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.set_ylim(-3, 5)
    axes[0].set_ylabel("maxout(x)")
    axes[0].legend(loc="upper left")
    return fig


@styled
def selu_constants_figure(curves):
    """SELU's two conditions: the mean of ELU_α(z) crosses 0 at α*, and λ(α) there is λ*.

    Parameters
    ----------
    curves : :class:`nnbook.experiments.activations.SeluCurves`
    """
    fig = new_figure(7.0, 2.8)
    ax_m, ax_l = fig.subplots(1, 2, sharex=True)
    purple = style.color("selu")
    ax_m.plot(curves.alphas, curves.mean, color=purple)
    ax_m.axhline(0, color="#999999", lw=0.8)
    ax_m.axvline(curves.alpha_star, color=purple, ls=":", lw=1.2)
    ax_m.plot([curves.alpha_star], [0.0], "o", color=purple)
    ax_m.set_title("mean condition: E[ELU$_α$(z)] = 0")
    ax_m.set_xlabel("α")
    ax_m.set_ylabel("E[ELU$_α$(z)],  z ~ N(0,1)")
    ax_l.plot(curves.alphas, curves.lam, color=purple)
    ax_l.axvline(curves.alpha_star, color=purple, ls=":", lw=1.2)
    ax_l.plot([curves.alpha_star], [curves.lambda_star], "o", color=purple)
    ax_l.annotate(f"α* = {curves.alpha_star:.4f}\nλ* = {curves.lambda_star:.4f}",
                  (curves.alpha_star, curves.lambda_star), xytext=(10, 12), textcoords="offset points")
    ax_l.set_title("variance condition: λ = 1/√E[ELU$_α$(z)²]")
    ax_l.set_xlabel("α")
    ax_l.set_ylabel("λ(α)")
    return fig
