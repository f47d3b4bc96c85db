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
    fig = new_figure(style.TEXT_WIDTH, 2.8)
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
        ax.set_ylim(-1.1, 1.2)
        ax.legend(loc="lower right", fontsize=8)
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
    fig = new_figure(style.TEXT_WIDTH, 3.6)
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
    ax_s.set_xlabel("hidden layer")
    handles, labels = ax_g.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=3, fontsize=8)
    return fig


@styled
def gradient_histograms(runs):
    """One panel per run: histograms of ``log10 abs(∂L/∂z)``, one curve per layer (dark = input
    side). Each panel has its own x-range (the sigmoid's spans many more decades than the others)."""
    fig = new_figure(style.TEXT_WIDTH, 2.9)
    axes = np.atleast_1d(fig.subplots(1, len(runs)))
    cmap = mpl.colormaps["viridis"]
    for ax, r in zip(axes, runs):
        logs = [np.log10(np.abs(g[g != 0])) for g in r.grad_samples]
        lo = min(np.percentile(v, 0.5) for v in logs if v.size)
        hi = max(np.percentile(v, 99.5) for v in logs if v.size)
        bins = np.linspace(np.floor(lo), np.ceil(hi), 50)
        for l, v in enumerate(logs):
            ax.hist(v, bins=bins, histtype="step", density=True, lw=1.3, color=cmap(l / max(1, r.depth - 1)),
                    label=f"layer {l + 1}" if l in (0, r.depth - 1) else None)
        ax.set_title(r.label, fontsize=9)
        ax.set_xlabel("log₁₀ |∂L/∂z|")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(5, integer=True))
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel("density")
    return fig


@styled
def jacobian_spectra(chains):
    """Left: singular values of one middle layer's Jacobian diag(f′(z)) Wᵀ for each run.
    Right: the largest singular value of the product of the Jacobians from the output side
    down, against the number of layers multiplied (log scale)."""
    fig = new_figure(style.TEXT_WIDTH, 3.0)
    ax_s, ax_p = fig.subplots(1, 2)
    for c in chains:
        color = style.color(c.label.split(",")[0])
        mid = len(c.jacobians) // 2
        sv = c.singular_values[mid]
        ax_s.plot(np.arange(1, sv.size + 1), sv, color=color, label=c.label)
        ax_p.semilogy(np.arange(1, c.product_top.size + 1), c.product_top, color=color, marker="o", ms=3.5,
                      label=c.label)
    ax_s.set_xlabel("index (largest first)")
    ax_s.set_ylabel("singular value")
    ax_s.set_ylim(bottom=0)
    ax_s.set_title(f"one layer's Jacobian (layer {len(chains[0].jacobians) // 2 + 1})", fontsize=9)
    ax_p.set_xlabel("layers multiplied (from the output)")
    ax_p.set_ylabel("largest singular value")
    ax_p.set_title("the product of the Jacobians", fontsize=9)
    ax_p.yaxis.set_major_locator(mpl.ticker.LogLocator(base=10, numticks=12))
    ax_s.legend(fontsize=8)
    return fig


@styled
def slope_versus_weights(result):
    """Left: first-to-last gradient ratio of a deep sigmoid net against its weight scale
    (geometric mean over seeds, band min–max), with the typical factor (1/4)^(depth−1) of
    Xavier weights dotted. Right: the fraction of saturated units."""
    fig = new_figure(style.TEXT_WIDTH, 3.0)
    ax_r, ax_s = fig.subplots(1, 2)
    c = style.color("sigmoid")
    m = result.multiples
    ax_r.fill_between(m, result.ratio.min(axis=1), result.ratio.max(axis=1), color=c, alpha=0.25, lw=0)
    ax_r.loglog(m, np.exp(np.log(result.ratio).mean(axis=1)), color=c, marker="o", ms=4, label="measured")
    ax_r.axhline(0.25 ** (result.depth - 1), color="black", ls=":", lw=1,
                 label=f"(1/4)$^{{{result.depth - 1}}}$")
    ax_r.axhline(1.0, color="#999999", lw=0.8)
    ax_r.yaxis.set_major_locator(mpl.ticker.LogLocator(base=10, numticks=12))
    ax_r.set_ylabel("gradient ratio, first / last layer")
    ax_s.semilogx(m, result.saturated.mean(axis=1), color=c, marker="o", ms=4)
    ax_s.set_ylim(-0.03, 1.03)
    ax_s.set_ylabel("fraction of units saturated")
    for ax in (ax_r, ax_s):
        ax.set_xticks(m, [f"{v:g}" for v in m])
        ax.minorticks_off()
        ax.set_xlabel("weight std, in multiples of Xavier's")
    ax_r.legend(fontsize=8)
    return fig


@styled
def product_norms(norms):
    """‖x W₁ ⋯ W_l‖ against l for several weight scales (log scale, a tick at every tenth power)."""
    fig = new_figure(style.NARROW_WIDTH * 1.3, 3.0)
    ax = fig.subplots()
    colors = [style.PALETTE["red"], style.PALETTE["green"], style.PALETTE["blue"], style.PALETTE["purple"]]
    for (label, v), c in zip(norms.items(), colors):
        ax.semilogy(np.arange(v.size), v, color=c, label=label)
    ax.yaxis.set_major_locator(mpl.ticker.LogLocator(base=10.0, subs=(1.0,), numticks=100))
    lo, hi = ax.get_ylim()
    step = max(1, int(np.ceil((np.log10(hi) - np.log10(lo)) / 8 / 10)) * 10)  # every 10th, 20th, … power
    ax.yaxis.set_major_locator(mpl.ticker.FixedLocator(10.0 ** np.arange(
        np.floor(np.log10(lo) / step) * step, np.log10(hi) + 1, step)))
    ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
    ax.set_xlabel("number of matrices multiplied, $l$")
    ax.set_ylabel(r"$\|x\, W_1 \cdots W_l\|$  (with $\|x\| = 1$)")
    ax.legend(fontsize=8)
    return fig
