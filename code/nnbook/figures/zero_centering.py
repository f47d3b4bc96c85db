"""Figures of the chapter on zero-centered outputs."""

from __future__ import annotations

import numpy as np

from nnbook import style
from nnbook.experiments.zero_centering import loss_surface
from nnbook.figures._base import new_figure, styled

_RACE_COLORS = {"tanh": style.color("tanh"), "tanh+1": style.PALETTE["purple"], "sigmoid": style.color("sigmoid")}


@styled
def quadrant_paths(result, *, show_steps: int = 200):
    """Per-example gradient-descent paths over the loss contours: all-positive inputs
    (left) vs the same inputs centered (right)."""
    fig = new_figure(8.4, 3.9)
    axes = fig.subplots(1, 2, sharex=True, sharey=True)
    w1, w2 = np.meshgrid(np.linspace(-0.6, 1.6, 201), np.linspace(-1.6, 0.6, 201))
    titles = {"positive": "inputs all positive (sigmoid outputs)", "centered": "the same inputs, zero-mean"}
    for ax, key in zip(axes, ("positive", "centered")):
        X, y, run = result[key]
        L = loss_surface(X, y, w1, w2)
        ax.contour(w1, w2, L, levels=np.geomspace(L.min() + 1e-4, L.max(), 14), colors="#bbbbbb", linewidths=0.8)
        n = min(show_steps, len(run.path) - 1)
        ax.plot(run.path[:n + 1, 0], run.path[:n + 1, 1], color=style.PALETTE["blue"], lw=0.9, marker=".", ms=2.5,
                label=f"first {n} updates" if n < len(run.path) - 1 else "updates")
        ax.plot(*run.path[0], "o", color="black", ms=6, label="start (0, 0)")
        ax.plot(1.0, -1.0, "*", color=style.PALETTE["red"], ms=13, label="optimum w* = (1, −1)")
        steps = "never" if run.steps_to_tol is None else f"{run.steps_to_tol} steps"
        ax.set_title(f"{titles[key]}\n{steps} to reach w* (lr {run.lr:.2g});\n"
                     f"{run.same_sign:.0%} of the updates point into quadrant I or III", fontsize=9)
        ax.set_xlabel("$w_1$")
        ax.axhline(0, color="#999999", lw=0.6)
        ax.axvline(0, color="#999999", lw=0.6)
        ax.set_aspect("equal")
        ax.grid(False)
    axes[0].set_ylabel("$w_2$")
    axes[0].legend(loc="lower left", fontsize=8)
    return fig


@styled
def race_curves(race):
    """Training loss of the same net with tanh, tanh + 1 and sigmoid hidden units, one
    panel per learning rate; lines are the mean over seeds, bands the min–max."""
    fig = new_figure(3.6 * len(race.lrs), 3.0)
    axes = np.atleast_1d(fig.subplots(1, len(race.lrs), sharey=True))
    for ax, lr in zip(axes, race.lrs):
        for name in race.activations:
            curves = race.losses[(name, lr)]
            epochs = np.arange(1, curves.shape[1] + 1)
            c = _RACE_COLORS.get(name, style.PALETTE["grey"])
            ax.fill_between(epochs, np.nanmin(curves, axis=0), np.nanmax(curves, axis=0), color=c, alpha=0.2, lw=0)
            mean = race.mean_epochs(name, lr)
            tag = "not reached" if np.isinf(mean) else f"{mean:.1f} epochs"
            ax.semilogy(epochs, np.nanmean(curves, axis=0), color=c, label=f"{name}: {tag}")
        ax.axhline(race.target, color="black", lw=0.8, ls=":")
        ax.set_title(f"learning rate {lr:g}")
        ax.set_xlabel("epoch")
        ax.legend(fontsize=8, title=f"to loss {race.target:g}", title_fontsize=8)
    axes[0].set_ylabel("training loss")
    return fig
