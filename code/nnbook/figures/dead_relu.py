"""Figures of the chapter on dead ReLUs."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

from nnbook import style
from nnbook.figures._base import new_figure, styled

_CONFIG_COLORS = {"ReLU": style.color("relu"), "ReLU, bias 0.1": style.PALETTE["purple"],
                  "Leaky ReLU": style.PALETTE["orange"], "ELU": style.color("elu")}


@styled
def data_cloud(cloud):
    """The data and, for each first-layer ReLU unit, the line where its pre-activation is 0,
    with a tick on the side where the unit is active; dead units (active side misses every
    point) in red."""
    fig = new_figure(5.4, 4.2)
    ax = fig.subplots()
    X = cloud.X
    pad = 1.0
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    for c, color in ((0, style.PALETTE["grey"]), (1, style.PALETTE["black"])):
        ax.scatter(*X[cloud.y == c].T, s=9, color=color, alpha=0.6, zorder=3, lw=0)
    t = np.linspace(-20, 20, 2)
    centre = X.mean(axis=0)
    for k in range(cloud.W.shape[1]):
        w, b = cloud.W[:, k], cloud.b[k]
        if np.linalg.norm(w) == 0:
            continue
        # the point of the line w·x + b = 0 closest to the data's centre, and the line's direction
        p0 = centre - (w @ centre + b) / (w @ w) * w
        d = np.array([-w[1], w[0]]) / np.linalg.norm(w)
        color = style.PALETTE["red"] if cloud.dead[k] else style.PALETTE["blue"]
        ls = "--" if cloud.dead[k] else "-"
        ax.plot(p0[0] + t * d[0], p0[1] + t * d[1], color=color, ls=ls, lw=1.3)
        # an arrow from the line into the unit's active side (w·x + b > 0)
        q = np.clip(p0, lo + 0.3, hi - 0.3)
        q = q - (w @ q + b) / (w @ w) * w
        ax.annotate("", q + 0.45 * w / np.linalg.norm(w), q,
                    arrowprops=dict(arrowstyle="->", color=color, lw=1.2))
    ax.plot([], [], color=style.PALETTE["blue"], label="live unit: w·x + b = 0")
    ax.plot([], [], color=style.PALETTE["red"], ls="--", label="dead unit: active side (arrow) holds no data")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(f"first hidden layer after training: {int(cloud.dead.sum())} of {cloud.dead.size} units dead")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9, frameon=True)
    return fig


@styled
def learning_rate_sweep(sweep, *, claim: float = 0.4):
    """Dead fraction (left) and training accuracy (right) against the learning rate; lines
    are means over seeds, bands min–max; crosses mark learning rates where a seed diverged."""
    fig = new_figure(9.6, 3.4)
    ax_d, ax_a = fig.subplots(1, 2, sharex=True)
    for label in sweep.configs:
        c = _CONFIG_COLORS.get(label, style.PALETTE["grey"])
        for ax, values in ((ax_d, sweep.dead[label]), (ax_a, sweep.accuracy[label])):
            ok = ~np.all(np.isnan(values), axis=1)
            v = values[ok]
            ax.fill_between(sweep.lrs[ok], np.nanmin(v, axis=1), np.nanmax(v, axis=1), color=c, alpha=0.18, lw=0)
            ax.plot(sweep.lrs[ok], np.nanmean(v, axis=1), color=c, marker="o", ms=4, label=label)
            div = np.any(sweep.diverged[label], axis=1)
            if div.any():
                ax.plot(sweep.lrs[div], np.full(div.sum(), 0.0), "x", color=c, ms=8, mew=2)
    ax_d.axhline(claim, color="black", ls=":", lw=1)
    ax_d.annotate(f"“as much as {claim:.0%}”", (sweep.lrs[0], claim), xytext=(0, 4), textcoords="offset points",
                  fontsize=8)
    ax_d.set_ylabel("fraction of hidden units dead")
    ax_a.set_ylabel("training accuracy after training")
    for ax in (ax_d, ax_a):
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylim(-0.04, 1.04)
    ax_d.legend(fontsize=8, loc="upper left")
    return fig


@styled
def bias_at_init(biases, dead):
    """Dead fraction of a fresh ReLU net against the initial bias of every hidden unit."""
    fig = new_figure(4.6, 2.9)
    ax = fig.subplots()
    ax.fill_between(biases, dead.min(axis=1), dead.max(axis=1), color=style.color("relu"), alpha=0.2, lw=0)
    ax.plot(biases, dead.mean(axis=1), color=style.color("relu"), marker="o", ms=4)
    ax.set_xlabel("initial bias of every hidden unit")
    ax.set_ylabel("fraction dead at initialization")
    ax.set_ylim(-0.04, 1.04)
    return fig


@styled
def revival(rec):
    """Which units are dead after each epoch (dark), first and second hidden layer."""
    layers = np.unique(rec.layer)
    fig = new_figure(4.2 * len(layers), 3.0)
    axes = np.atleast_1d(fig.subplots(1, len(layers), sharey=True))
    cmap = ListedColormap(["#f2f2f2", style.PALETTE["red"]])
    for ax, l in zip(axes, layers):
        d = rec.dead[:, rec.layer == l]
        # units that ever died, ordered by the epoch they first died
        ever = np.flatnonzero(d.any(axis=0))
        first = d[:, ever].argmax(axis=0)
        order = ever[np.argsort(first, kind="stable")]
        ax.imshow(d[:, order].T, aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest",
                  extent=(-0.5, d.shape[0] - 0.5, len(order) - 0.5, -0.5))
        ax.set_title(f"hidden layer {l + 1}: {len(order)} units ever dead, {rec.revived(l)} revived")
        ax.set_xlabel("epoch")
        ax.grid(False)
    axes[0].set_ylabel("unit (ordered by time of death)")
    return fig
