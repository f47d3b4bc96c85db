"""Figures of the chapter on weight initialization."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from nnbook import style
from nnbook.figures._base import new_figure, styled

_SCHEME_COLORS = [style.PALETTE["blue"], style.PALETTE["red"], style.PALETTE["green"], style.PALETTE["purple"],
                  style.PALETTE["orange"], style.PALETTE["grey"]]
_VERDICT_COLORS = {"alive": "#e3f4ea", "vanishes": "#e4ecf7", "explodes": "#fbe3d9", "saturates": "#fdf1d3"}


@styled
def symmetry(runs):
    """Left: how different the first layer's units are (largest spread of a weight across
    units) after each epoch. Right: the first layer's weights after training."""
    fig = new_figure(9.6, 3.2)
    grid = fig.add_gridspec(1, 1 + len(runs), width_ratios=[2.2] + [1] * len(runs))
    ax = fig.add_subplot(grid[0])
    for r, c in zip(runs, _SCHEME_COLORS):
        ax.plot(np.arange(1, len(r.spread) + 1), r.spread, color=c, marker="o", ms=3,
                label=f"{r.label}: accuracy {r.accuracy:.0%}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("max spread of a weight\nacross hidden units")
    ax.legend(fontsize=8)
    lim = max(np.abs(r.first_layer).max() for r in runs) or 1.0
    for k, r in enumerate(runs):
        a = fig.add_subplot(grid[k + 1])
        a.imshow(r.first_layer, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto", interpolation="nearest")
        a.set_title(r.label, fontsize=9)
        a.set_xlabel("hidden unit")
        a.set_xticks([])
        a.set_yticks([])
        a.grid(False)
    fig.axes[1].set_ylabel("input pixel")
    return fig


def _compact(x: float) -> str:
    """A short label for a histogram's range: 0.0002084 → "2.1e-4", 0.94 → "0.94", 880.3 → "880"."""
    if x >= 100:
        return f"{x:.0f}"
    if x >= 0.01:
        return f"{x:.2g}"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


@styled
def layer_histograms(runs, what: str = "activations", layers=None):
    """CS231n's picture: one row per scheme, one histogram per layer of the activations
    (or of the gradients ∂L/∂h). Every panel of a row spans the same symmetric range,
    printed under the row's name (no tick labels to collide)."""
    depth = len(runs[0].act_std)
    layers = list(range(depth)) if layers is None else list(layers)
    fig = new_figure(style.TEXT_WIDTH, 0.95 * len(runs) + 0.45)
    # one axes per row, the layers' histograms side by side in it (one axes per histogram
    # would cost a second of drawing per figure)
    axes = fig.subplots(len(runs), 1, squeeze=False)[:, 0]
    width, gap = 1.0, 0.25
    for i, r in enumerate(runs):
        ax = axes[i]
        samples = r.act_samples if what == "activations" else r.grad_samples
        lim = max(np.abs(samples[l]).max() for l in layers) or 1.0
        hists = [np.histogram(samples[l], bins=np.linspace(-lim, lim, 41))[0] for l in layers]
        top = max(h.max() for h in hists) or 1
        for j, (l, counts) in enumerate(zip(layers, hists)):
            x0 = j * (width + gap)
            ax.stairs(counts / top, x0 + np.linspace(0, width, counts.size + 1), fill=True, color=_SCHEME_COLORS[i])
            ax.plot([x0, x0 + width], [0, 0], color="black", lw=0.8)
            if i == 0:
                ax.text(x0 + width / 2, 1.08, f"{l + 1}", ha="center", va="bottom", fontsize=9)
        ax.set_xlim(-gap / 2, len(layers) * (width + gap) - gap / 2)
        ax.set_ylim(0, 1.05)
        ax.set_axis_off()
        ax.text(-gap, 0.5, f"{r.label}\n±{_compact(lim)}", ha="right", va="center", fontsize=8,
                transform=ax.transData)
    fig.suptitle("layer", fontsize=9)
    return fig


@styled
def layer_curves(runs):
    """Per-layer std of the activations, of the gradient ∂L/∂h arriving at each layer's
    outputs, and of the weight gradient ∂L/∂W (log scales)."""
    fig = new_figure(style.TEXT_WIDTH, 2.6)
    axes = fig.subplots(1, 3)
    for r, c in zip(runs, _SCHEME_COLORS):
        layers = np.arange(1, len(r.act_std) + 1)
        axes[0].semilogy(layers, r.act_std, color=c, marker="o", ms=3, lw=1.5, label=r.label)
        axes[1].semilogy(layers, r.grad_std, color=c, marker="o", ms=3, lw=1.5)
        axes[2].semilogy(layers, r.weight_grad_std, color=c, marker="o", ms=3, lw=1.5)
    for ax, t in zip(axes, ("std of activations h", "std of ∂L/∂h", "std of ∂L/∂W")):
        ax.set_title(t, fontsize=9)
        ax.set_xlabel("hidden layer")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize=8)
    return fig


def _band(ax, x, values, color, label, log=True):
    with np.errstate(invalid="ignore"):
        lo, hi, med = np.nanmin(values, axis=0), np.nanmax(values, axis=0), np.nanmedian(values, axis=0)
    ax.fill_between(x, lo, hi, color=color, alpha=0.22, lw=0)
    (ax.semilogy if log else ax.plot)(x, med, color=color, lw=1.6, label=label)


_DEEP_COLORS = (style.PALETTE["red"], style.PALETTE["blue"], style.PALETTE["green"], style.PALETTE["grey"])


@styled
def deep_relu(runs):
    """A deep ReLU net per initialization scheme: the spread of each layer's activations
    across inputs at initialization, and the training loss per epoch (median over seeds,
    band = min–max)."""
    fig = new_figure(style.TEXT_WIDTH, 3.0)
    ax_s, ax_l = fig.subplots(1, 2)
    for r, c in zip(runs, _DEEP_COLORS):
        _band(ax_s, np.arange(1, r.act_std.shape[1] + 1), r.act_std, c, r.label)
        _band(ax_l, np.arange(1, r.loss.shape[1] + 1), r.loss, c,
              f"{r.label}, lr {r.lr:g}: test {np.mean(r.test_accuracy):.0%}", log=False)
    ax_s.set_xlabel("hidden layer")
    ax_s.set_ylabel("std across inputs, at init")
    ax_l.set_xlabel("epoch")
    ax_l.set_ylabel("training loss")
    ax_s.legend(fontsize=8)
    ax_l.legend(fontsize=8)
    return fig


@styled
def self_normalization(results):
    """Mean and second moment of the activations through a 100-layer net at initialization:
    median over seeds and the min–max band."""
    fig = new_figure(style.TEXT_WIDTH, 2.9)
    ax_m, ax_s = fig.subplots(1, 2)
    for r in results:
        c = style.color(r["activation"])
        layers = np.arange(1, r["std"].shape[1] + 1)
        _band(ax_m, layers, r["mean"], c, r["label"], log=False)
        _band(ax_s, layers, r["second"], c, r["label"])
    ax_m.set_ylabel("mean of activations")
    ax_s.set_ylabel("second moment E[h²]")
    ax_s.axhline(1.0, color="black", lw=0.7, ls=":")
    for ax in (ax_m, ax_s):
        ax.set_xlabel("hidden layer")
    ax_m.legend(fontsize=8)
    return fig


@styled
def init_vs_order(res):
    """Share of validation predictions that differ from the reference run, when only the
    initial weights change and when only the minibatch order changes (one dot per run)."""
    fig = new_figure(style.NARROW_WIDTH, 2.6)
    ax = fig.subplots()
    for k, (values, label, c) in enumerate(((res.disagreement_init, "initial weights\nchanged", style.PALETTE["blue"]),
                                            (res.disagreement_order, "minibatch order\nchanged",
                                             style.PALETTE["orange"]))):
        jitter = np.linspace(-0.12, 0.12, len(values))
        ax.plot(k + jitter, 100 * values, "o", color=c, ms=5)
        ax.plot([k - 0.25, k + 0.25], [100 * values.mean()] * 2, color="black", lw=1.5)
    ax.set_xticks([0, 1], ["initial weights\nchanged", "minibatch order\nchanged"])
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(0, None)
    ax.set_ylabel("validation predictions\nchanged (%)")
    return fig


@styled
def scale_sweep(sweep):
    """Final training accuracy against the std of the initial weights (log scale), with the
    std that Xavier and He would choose for this width."""
    fig = new_figure(6.0, 3.1)
    ax = fig.subplots()
    for a in sweep.activations:
        acc = sweep.accuracy[a]
        c = style.color(a)
        ok = ~np.all(np.isnan(acc), axis=1)
        ax.fill_between(sweep.stds[ok], np.nanmin(acc[ok], axis=1), np.nanmax(acc[ok], axis=1), color=c, alpha=0.2,
                        lw=0)
        ax.plot(sweep.stds[ok], np.nanmean(acc[ok], axis=1), "o-", color=c, label=a)
    for (label, std), ls in zip(sweep.marks.items(), (":", "--")):
        ax.axvline(std, color="black", ls=ls, lw=1, label=f"{label}: {std:.3f}")
    ax.set_xscale("log")
    ax.set_xlabel("std of the initial weights")
    ax.set_ylabel("training accuracy after training")
    ax.set_ylim(0, 1.03)
    ax.legend(fontsize=8)
    return fig


@styled
def signal_grid(grid):
    """Activation (rows) × initialization (columns): std of the activations across inputs per
    layer, on a log scale; the background says whether the signal vanishes, explodes,
    saturates or stays alive by the last layer."""
    A, S = len(grid["activations"]), len(grid["schemes"])
    fig = new_figure(1.6 * S + 0.6, 1.35 * A + 0.8)
    # limits and ticks set per panel instead of sharing the axes: 24 shared axes make
    # matplotlib's tick updates quadratic in the number of panels (seconds per draw)
    axes = fig.subplots(A, S, squeeze=False)
    depth = grid["std"].shape[-1]
    layers = np.arange(1, depth + 1)
    for i, a in enumerate(grid["activations"]):
        for j, s in enumerate(grid["schemes"]):
            ax = axes[i, j]
            v = grid["verdict"][i][j]
            ax.set_facecolor(_VERDICT_COLORS[v])
            y = np.clip(grid["std"][i, j], 1e-6, 1e6)
            ax.semilogy(layers, y, color=style.color(a), lw=1.6)
            ax.axhline(1.0, color="black", lw=0.5, ls=":")
            ax.text(0.5, 0.06, v, transform=ax.transAxes, ha="center", fontsize=8)
            ax.grid(False)
            if i == 0:
                ax.set_title(s, fontsize=8)
            if j == 0:
                ax.set_ylabel(a)
    for (i, j), ax in np.ndenumerate(axes):
        ax.set_ylim(1e-6, 1e6)
        ax.set_xlim(layers[0], layers[-1])
        ax.set_yticks([1e-4, 1, 1e4], ["1e-4", "1", "1e4"] if j == 0 else [])  # plain text: no mathtext
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
        if i < A - 1:
            ax.tick_params(labelbottom=False)
    for ax in axes[-1]:
        ax.set_xlabel("layer")
    return fig
