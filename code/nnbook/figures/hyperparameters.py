"""Figures of the chapter on hyperparameter search."""

from __future__ import annotations

import numpy as np

from nnbook import style
from nnbook.experiments.hyperparameters import toy_loss
from nnbook.figures._base import new_figure, styled


@styled
def random_vs_grid(res):
    """Nine grid trials vs nine random trials when only x matters: the trials in the unit
    square, the loss along x above each square (ticks mark the x values tried), and the best
    loss each strategy found over many random problems."""
    fig = new_figure(10.0, 3.8)
    grid = fig.add_gridspec(2, 3, height_ratios=[1, 2.6], width_ratios=[1, 1, 1.25])
    xs = np.linspace(0, 1, 400)
    response = 1 - toy_loss(xs, 0.5, res.peak)
    for col, (title, pts, color) in enumerate((("grid search", res.grid, style.PALETTE["red"]),
                                               ("random search", res.random, style.PALETTE["blue"]))):
        top = fig.add_subplot(grid[0, col])
        top.plot(xs, response, color="black", lw=1.2)
        top.vlines(pts[:, 0], 0, 1.05, color=color, lw=1.5, alpha=0.7)
        top.set_xlim(0, 1)
        top.set_xticks([])
        top.set_yticks([])
        top.set_title(f"{title}: {len(np.unique(pts[:, 0]))} distinct values of x")
        ax = fig.add_subplot(grid[1, col])
        ax.scatter(pts[:, 0], pts[:, 1], color=color, s=40, zorder=3)
        ax.axvline(res.peak, color="black", ls=":", lw=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("x (important)")
        ax.set_ylabel("y (unimportant)")
    ax = fig.add_subplot(grid[:, 2])
    bins = np.linspace(0, 1.05, 22)
    ax.hist(res.best_grid, bins=bins, color=style.PALETTE["red"], histtype="step", lw=2, label="grid")
    ax.hist(res.best_random, bins=bins, color=style.PALETTE["blue"], histtype="step", lw=2, label="random")
    ax.set_xlabel("best loss found (0 = optimum)")
    ax.set_ylabel(f"problems (of {len(res.best_grid)})")
    ax.set_title("same budget, many problems")
    ax.legend()
    return fig


@styled
def sampling_scales(res):
    """Share of samples per decade when a learning rate is drawn linearly or log-uniformly."""
    fig = new_figure(6.0, 2.9)
    ax = fig.subplots()
    edges = res["edges"]
    labels = [f"{lo:.0e}–{hi:.0e}" for lo, hi in zip(edges[:-1], edges[1:])]
    x = np.arange(len(labels))
    ax.bar(x - 0.2, res["share"]["linear"], width=0.4, color=style.PALETTE["grey"], label="uniform (linear)")
    ax.bar(x + 0.2, res["share"]["log"], width=0.4, color=style.PALETTE["blue"], label="log-uniform: 10**uniform(a, b)")
    ax.set_xticks(x, labels)
    ax.set_xlabel("decade of the learning rate")
    ax.set_ylabel("share of the samples")
    ax.legend()
    return fig


@styled
def coarse_to_fine(ctf, cap: float = 10.0):
    """Validation loss of every trial against its learning rate (both log scales), coarse and
    fine stage; runs worse than ``cap`` (or diverged) are drawn at the cap."""
    fig = new_figure(6.6, 3.4)
    ax = fig.subplots()
    ax.axvspan(ctf.fine_space["lr"].low, ctf.fine_space["lr"].high, color=style.PALETTE["orange"], alpha=0.12,
               lw=0, label="fine stage's range")
    for trials, color, marker, label in ((ctf.coarse, style.PALETTE["grey"], "o", "coarse"),
                                         (ctf.fine, style.PALETTE["orange"], "s", "fine")):
        lr = np.array([t.config["lr"] for t in trials])
        v = np.array([t.value for t in trials])
        ax.scatter(lr, np.minimum(v, cap), color=color, marker=marker, s=28, label=label, zorder=3)
    ax.scatter([ctf.best.config["lr"]], [ctf.best.value], marker="*", s=220, color=style.PALETTE["red"], zorder=4,
               label="best")
    ax.axhline(cap, color="black", lw=0.6, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("validation loss")
    ax.legend(fontsize=8, loc="lower left")
    return fig


@styled
def lr_curves(curves):
    """Training loss per epoch for a learning rate too low, about right and too high."""
    fig = new_figure(5.6, 3.0)
    ax = fig.subplots()
    names = ("too low", "about right", "too high")
    colors = (style.PALETTE["sky"], style.PALETTE["green"], style.PALETTE["red"])
    top = 30.0  # the exploding curve leaves the plot; its last value is written instead
    for (lr, loss), name, c in zip(sorted(curves.items()), names, colors):
        loss = np.asarray(loss, dtype=float)
        ax.semilogy(np.arange(1, len(loss) + 1), np.minimum(loss, top), color=c, marker="o", ms=3,
                    label=f"lr {lr:g}: {name}")
        if loss.size and loss.max() > top:
            ax.annotate(f"off the scale: {loss[-1]:.0e} at epoch {loss.size}", (loss.size, top), xytext=(0, -12),
                        textcoords="offset points", ha="right", color=c, fontsize=8)
    ax.set_ylim(top=top * 1.5)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    ax.legend(fontsize=8)
    return fig
