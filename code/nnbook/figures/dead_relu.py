"""Figures of the chapter on dead ReLUs."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

from nnbook import style
from nnbook.figures._base import new_figure, styled

#: Colour and line style of each arm of the sweep; ReLU on centered inputs is the black dashed line.
_ARM_STYLES = {("ReLU", "raw"): (style.color("relu"), "-"), ("ReLU", "centered"): (style.PALETTE["black"], "--"),
               ("ReLU, bias 0.1", "raw"): (style.PALETTE["purple"], "-"),
               ("Leaky ReLU", "raw"): (style.PALETTE["orange"], "-"), ("ELU", "raw"): (style.color("elu"), "-")}
_INPUT_NAMES = {"raw": "raw pixels", "centered": "centered pixels"}

#: Dead units are drawn in this colour (a red-orange, "vermilion", in the colour-blind-safe palette).
DEAD_COLOR = style.PALETTE["red"]


def _arm_label(arm, arms):
    label, inputs = arm
    if all(i == "raw" for _, i in arms):
        return label
    return f"{label}, {_INPUT_NAMES[inputs]}" if label == "ReLU" or inputs != "raw" else label


@styled
def data_cloud(cloud):
    """The data and, for each first-layer ReLU unit, the line where its pre-activation is 0,
    with an arrow to the side where the unit is active; dead units (active side misses every
    point) dashed, in red-orange."""
    fig = new_figure(style.TEXT_WIDTH * 0.8, 4.2)
    ax = fig.subplots()
    X = cloud.X
    pad = 1.0
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    for c, color in ((0, style.PALETTE["grey"]), (1, style.PALETTE["black"])):
        ax.scatter(*X[cloud.y == c].T, s=9, color=color, alpha=0.6, zorder=3, lw=0)
    t = np.linspace(-20, 20, 2)
    center = X.mean(axis=0)
    for k in range(cloud.W.shape[1]):
        w, b = cloud.W[:, k], cloud.b[k]
        if np.linalg.norm(w) == 0:
            continue
        # the point of the line w·x + b = 0 closest to the data's center, and the line's direction
        p0 = center - (w @ center + b) / (w @ w) * w
        d = np.array([-w[1], w[0]]) / np.linalg.norm(w)
        color = DEAD_COLOR if cloud.dead[k] else style.PALETTE["blue"]
        ls = "--" if cloud.dead[k] else "-"
        ax.plot(p0[0] + t * d[0], p0[1] + t * d[1], color=color, ls=ls, lw=1.3)
        # an arrow from the line into the unit's active side (w·x + b > 0)
        q = np.clip(p0, lo + 0.3, hi - 0.3)
        q = q - (w @ q + b) / (w @ w) * w
        ax.annotate("", q + 0.45 * w / np.linalg.norm(w), q,
                    arrowprops=dict(arrowstyle="->", color=color, lw=1.2))
    ax.plot([], [], color=style.PALETTE["blue"], label="live unit: w·x + b = 0")
    ax.plot([], [], color=DEAD_COLOR, ls="--", label="dead unit: active side (arrow) holds no data")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(f"first hidden layer after training: {int(cloud.dead.sum())} of {cloud.dead.size} units dead")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9, frameon=True)
    return fig


@styled
def learning_rate_sweep(sweep, *more, claim: float = 0.4):
    """Dead fraction (left) and training accuracy (right) against the learning rate, one line
    per arm (configuration × inputs) of each sweep given; lines are means over seeds, bands min–max. Diverged
    runs are left out of the dead fraction and count as chance (10 %) in the accuracy; a
    cross under the accuracy curves marks a learning rate at which a seed of that arm
    diverged."""
    fig = new_figure(style.TEXT_WIDTH, 3.6)
    ax_d, ax_a = fig.subplots(1, 2, sharex=True)
    arms = [(arm, sw) for sw in (sweep, *more) for arm in sw.arms]
    for n, (arm, sweep) in enumerate(arms):
        c, ls = _ARM_STYLES.get(arm, (style.PALETTE["grey"], ":"))
        label = _arm_label(arm, [a for a, _ in arms])
        diverged = sweep.diverged[arm]
        accuracy = np.where(diverged, 0.1, sweep.accuracy[arm])  # a diverged run is as good as chance
        for ax, values in ((ax_d, sweep.dead[arm]), (ax_a, accuracy)):
            ok = ~np.all(np.isnan(values), axis=1)
            v = values[ok]
            ax.fill_between(sweep.lrs[ok], np.nanmin(v, axis=1), np.nanmax(v, axis=1), color=c, alpha=0.15, lw=0)
            ax.plot(sweep.lrs[ok], np.nanmean(v, axis=1), color=c, ls=ls, marker="o", ms=3.5, label=label)
        div = diverged.any(axis=1)
        if div.any():  # one row of crosses per arm, under the accuracy curves
            ax_a.plot(sweep.lrs[div], np.full(div.sum(), 0.04 * n), "x", color=c, ms=5, mew=1.3)
    ax_d.axhline(claim, color="black", ls=":", lw=1)
    ax_d.annotate(f"“as much as {claim:.0%}”", (arms[0][1].lrs[0], claim), xytext=(0, 3), textcoords="offset points",
                  fontsize=8)
    ax_d.set_ylabel("fraction of hidden units dead")
    ax_a.set_ylabel("training accuracy after training")
    for ax in (ax_d, ax_a):
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylim(-0.05, 1.04)
    handles, labels = ax_d.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=min(3, len(labels)), fontsize=8)
    return fig


@styled
def bias_at_init(result):
    """Dead fraction of a fresh ReLU net against the initial bias of every hidden unit, one
    line per input variant (raw pixels solid blue, centered pixels dashed black)."""
    fig = new_figure(style.NARROW_WIDTH * 1.2, 3.0)
    ax = fig.subplots()
    for inputs, dead in result.dead.items():
        c, ls = _ARM_STYLES[("ReLU", inputs)]
        ax.fill_between(result.biases, dead.min(axis=1), dead.max(axis=1), color=c, alpha=0.15, lw=0)
        ax.plot(result.biases, dead.mean(axis=1), color=c, ls=ls, marker="o", ms=3.5, label=_INPUT_NAMES[inputs])
    ax.set_xlabel("initial bias of every hidden unit")
    ax.set_ylabel("fraction dead at initialization")
    ax.set_ylim(-0.04, 1.04)
    ax.legend(fontsize=8)
    return fig


@styled
def revival(rec):
    """Which units are dead after each epoch (red-orange), one panel per hidden layer, every
    unit that was ever dead shown (each panel has its own unit axis)."""
    layers = np.unique(rec.layer)
    fig = new_figure(style.TEXT_WIDTH, 3.4)
    axes = np.atleast_1d(fig.subplots(1, len(layers)))
    cmap = ListedColormap(["#f2f2f2", DEAD_COLOR])
    for ax, l in zip(axes, layers):
        d = rec.dead[:, rec.layer == l]
        # units that ever died, ordered by the epoch they first died
        ever = np.flatnonzero(d.any(axis=0))
        first = d[:, ever].argmax(axis=0)
        order = ever[np.argsort(first, kind="stable")]
        if not order.size:
            ax.text(0.5, 0.5, "no unit died", ha="center", va="center", transform=ax.transAxes)
        ax.imshow(d[:, order].T if order.size else np.zeros((1, d.shape[0])), aspect="auto", cmap=cmap, vmin=0,
                  vmax=1, interpolation="nearest", extent=(-0.5, d.shape[0] - 0.5, max(len(order), 1) - 0.5, -0.5))
        ax.set_title(f"hidden layer {l + 1}:\n{len(order)} units ever dead, {rec.revived(l)} revived", fontsize=9)
        ax.set_xlabel("epoch")
        ax.set_ylabel("unit (ordered by time of death)")
        ax.grid(False)
    return fig
