"""Figures of the chapter on saturation, vanishing and exploding gradients."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from nnbook import style
from nnbook.figures._base import new_figure, styled

_RUN_STYLES = {"He": "-", "Xavier (normal)": "-", "LeCun": "-"}


def _run_color(run) -> str:
    return style.color(run.activation)


def _run_linestyle(run) -> str:
    return _RUN_STYLES.get(run.init, "--")


def _shade_regions(ax, x, mask, **kwargs):
    """Shade the x-intervals where ``mask`` is true."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    for i, (start, stop) in enumerate(zip(edges[::2], edges[1::2])):
        ax.axvspan(x[start], x[stop - 1], **(kwargs if i == 0 else {**kwargs, "label": None}))


@styled
def saturation_curves(curves):
    """Each activation (solid) and its derivative (dashed), saturated regions shaded."""
    names = list(curves.values)
    fig = new_figure(3.4 * len(names), 2.8)
    axes = np.atleast_1d(fig.subplots(1, len(names), sharey=True))
    for ax, name in zip(axes, names):
        c = style.color(name)
        _shade_regions(ax, curves.x, curves.saturated[name], color=style.PALETTE["grey"], alpha=0.15, lw=0,
                       label=f"saturated: f′ < {curves.threshold:.0%} of its max")
        ax.axhline(0, color="#999999", lw=0.8, zorder=0)
        ax.plot(curves.x, curves.values[name], color=c, label=f"{name}(x)")
        ax.plot(curves.x, curves.slopes[name], color=c, ls="--", lw=1.5, label=f"{name}′(x)")
        m = curves.max_slopes[name]
        ax.axhline(m, color=c, lw=0.8, ls=":")
        ax.annotate(f"max slope {m:.3g}", (curves.x[-1], m), xytext=(0, 3), textcoords="offset points",
                    ha="right", va="bottom", color=c)
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.set_xlim(curves.x[0], curves.x[-1])
        ax.legend(loc="upper left", fontsize=8)
    return fig


def _layer_axis(ax, depth):
    ax.set_xlabel("hidden layer (1 = next to the input)")
    ax.set_xticks(range(1, depth + 1))


@styled
def gradient_profiles(runs):
    """Per-layer size of the backward signal ∂L/∂z (log scale) and the saturated fraction.

    Runs whose initializer is one of the named schemes are drawn solid, plain N(0, σ²)
    weights dashed.
    """
    fig = new_figure(10.0, 3.2)
    ax_g, ax_s = fig.subplots(1, 2, width_ratios=[1.4, 1])
    for r in runs:
        layers = np.arange(1, r.depth + 1)
        kw = dict(color=_run_color(r), ls=_run_linestyle(r), marker="o", ms=3.5, label=r.label)
        ax_g.semilogy(layers, r.stats["grad_std"], **kw)
        ax_s.plot(layers, r.saturated, **kw)
    ax_g.set_ylabel("std of ∂L/∂z in the layer")
    ax_g.set_title("backward signal per layer at initialization")
    ax_s.set_ylabel("fraction of saturated units")
    ax_s.set_ylim(-0.03, 1.03)
    ax_s.set_title("saturated units per layer")
    for ax in (ax_g, ax_s):
        _layer_axis(ax, runs[0].depth)
    ax_g.legend(loc="best", fontsize=8)
    return fig


@styled
def gradient_histograms(runs):
    """One panel per run: histograms of ``log10 abs(∂L/∂z)``, one curve per layer (dark = input side)."""
    fig = new_figure(3.3 * len(runs), 2.9)
    axes = np.atleast_1d(fig.subplots(1, len(runs), sharey=True))
    all_logs = [np.log10(np.abs(g[g != 0])) for r in runs for g in r.grad_samples]
    lo = min(np.percentile(v, 0.5) for v in all_logs if v.size)
    hi = max(np.percentile(v, 99.5) for v in all_logs if v.size)
    bins = np.linspace(np.floor(lo), np.ceil(hi), 60)
    cmap = mpl.colormaps["viridis"]
    for ax, r in zip(axes, runs):
        for l, g in enumerate(r.grad_samples):
            v = np.log10(np.abs(g[g != 0]))
            ax.hist(v, bins=bins, histtype="step", density=True, lw=1.3, color=cmap(l / max(1, r.depth - 1)),
                    label=f"layer {l + 1}" if l in (0, r.depth - 1) else None)
        ax.set_title(r.label)
        ax.set_xlabel("log₁₀ |∂L/∂z|")
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel("density")
    return fig


@styled
def product_norms(norms):
    """‖x W_1 ⋯ W_l‖ against l for several weight scales (log scale)."""
    fig = new_figure(5.2, 3.0)
    ax = fig.subplots()
    colors = [style.PALETTE["red"], style.PALETTE["green"], style.PALETTE["blue"], style.PALETTE["purple"]]
    for (label, v), c in zip(norms.items(), colors):
        ax.semilogy(np.arange(v.size), v, color=c, label=label)
    ax.set_xlabel("number of matrices multiplied, l")
    ax.set_ylabel("‖x W₁ ⋯ W_l‖  (‖x‖ = 1)")
    ax.legend()
    return fig
