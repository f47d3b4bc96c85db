"""Figures of the chapter on zero-centered outputs."""

from __future__ import annotations

import numpy as np

from nnbook import style
from nnbook.experiments.zero_centering import loss_surface
from nnbook.figures._base import new_figure, styled

_RACE_COLORS = {"tanh": style.color("tanh"), "tanh+1": style.PALETTE["purple"], "sigmoid": style.color("sigmoid")}


def _path_panel(ax, X, y, path, n, label, ms):
    """One panel: the loss contours of (X, y) over the (w1, w2) plane, the first ``n`` steps of
    ``path``, the start and the optimum w* = (1, −1)."""
    w1, w2 = np.meshgrid(np.linspace(-0.6, 1.6, 201), np.linspace(-1.6, 0.6, 201))
    L = loss_surface(X, y, w1, w2)
    ax.contour(w1, w2, L, levels=np.geomspace(L.min() + 1e-4, L.max(), 14), colors="#bbbbbb", linewidths=0.8)
    ax.plot(path[:n + 1, 0], path[:n + 1, 1], color=style.PALETTE["blue"], lw=0.9, marker=".", ms=ms, label=label)
    ax.plot(*path[0], "o", color="black", ms=6, label="start (0, 0)")
    ax.plot(1.0, -1.0, "*", color=style.PALETTE["red"], ms=13, label="optimum w* = (1, −1)")
    ax.set_xlabel("$w_1$")
    ax.axhline(0, color="#999999", lw=0.6)
    ax.axvline(0, color="#999999", lw=0.6)
    ax.set_aspect("equal")
    ax.grid(False)


@styled
def quadrant_paths(result, *, show_steps: int = 200):
    """Per-example gradient-descent paths over the loss contours: all-positive inputs
    (left) vs the same inputs centered (right)."""
    fig = new_figure(style.TEXT_WIDTH, 3.6)
    axes = fig.subplots(1, 2, sharex=True, sharey=True)
    titles = {"positive": "inputs all positive (sigmoid outputs)", "centered": "the same inputs, centered"}
    for ax, key in zip(axes, ("positive", "centered")):
        X, y, run = result[key]
        n = min(show_steps, len(run.path) - 1)
        _path_panel(ax, X, y, run.path, n, f"first {n} updates" if n < len(run.path) - 1 else "updates", 2.5)
        steps = "never" if run.steps_to_tol is None else f"{run.steps_to_tol} steps"
        ax.set_title(f"{titles[key]}\n{steps} to reach w* (lr {run.lr:.2g});\n"
                     f"{run.same_sign:.0%} of updates in quadrant I/III", fontsize=8.5)
    axes[0].set_ylabel("$w_2$")
    axes[0].legend(loc="lower left", fontsize=8)
    return fig


@styled
def full_batch_paths(paths, full):
    """Full-batch gradient descent at its best step size over the loss contours: positive
    inputs (left) and the same inputs centered (right)."""
    fig = new_figure(style.TEXT_WIDTH, 3.5)
    axes = fig.subplots(1, 2, sharex=True, sharey=True)
    titles = {"positive": "inputs all positive", "centered": "the same inputs, centered"}
    for ax, key in zip(axes, ("positive", "centered")):
        X, y, _ = paths[key]
        run = full[key]
        n = len(run.path) - 1 if run.steps_to_tol is None else run.steps_to_tol
        _path_panel(ax, X, y, run.path, n, "full-batch steps", 3)
        kappa = np.linalg.cond(X.T @ X / X.shape[0])
        steps = "never" if run.steps_to_tol is None else f"{run.steps_to_tol} steps"
        ax.set_title(f"{titles[key]}: κ = {kappa:.3g}\n{steps} (best lr {run.lr:.2g}); "
                     f"{run.same_sign:.0%} one-signed", fontsize=9)
    axes[0].set_ylabel("$w_2$")
    axes[0].legend(loc="lower left", fontsize=8)
    return fig


@styled
def sigmoid_twin(eq):
    """Training loss of sigmoid nets at lr and of their tanh + 1 twins, one panel per depth:
    the twin with every parameter at its rescaled rate (dashed black) and at the one rate
    lr/4 (pink); mean over the seeds."""
    labels = list(eq.sigmoid)
    fig = new_figure(style.TEXT_WIDTH, 3.0)
    axes = np.atleast_1d(fig.subplots(1, len(labels), sharey=True))
    for ax, label in zip(axes, labels):
        epochs = np.arange(1, eq.sigmoid[label].shape[1] + 1)
        ax.semilogy(epochs, eq.sigmoid[label].mean(axis=0), color=style.color("sigmoid"), lw=3.5, alpha=0.8,
                    label=f"sigmoid, lr {eq.lr:g}")
        ax.semilogy(epochs, eq.exact[label].mean(axis=0), color="black", ls="--", lw=1.3,
                    label="tanh + 1 twin, each parameter's rate rescaled")
        ax.semilogy(epochs, eq.twin[label].mean(axis=0), color=_RACE_COLORS["tanh+1"], lw=1.5,
                    label=f"tanh + 1 twin, one rate lr/4 = {eq.lr / 4:g}")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("epoch")
    axes[0].set_ylabel("training loss")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside upper center", ncols=2, fontsize=8)
    return fig


@styled
def race_curves(race):
    """Left: mean validation loss after training against the learning rate, per activation.
    Right: training loss at each activation's chosen learning rate (mean over seeds, band
    min–max)."""
    fig = new_figure(style.TEXT_WIDTH, 3.2)
    ax_v, ax_c = fig.subplots(1, 2)
    for name in race.activations:
        c = _RACE_COLORS.get(name, style.PALETTE["grey"])
        val = race.mean_val_loss(name)
        ok = np.isfinite(val)
        ax_v.plot(np.array(race.lrs)[ok], val[ok], color=c, marker="o", ms=4, label=name)
        best = race.best_lr[name]
        ax_v.plot(best, val[race.lrs.index(best)], "o", ms=10, mfc="none", mec=c, mew=1.5)
        curves = race.losses[(name, best)]
        epochs = np.arange(1, curves.shape[1] + 1)
        ax_c.fill_between(epochs, np.nanmin(curves, axis=0), np.nanmax(curves, axis=0), color=c, alpha=0.2, lw=0)
        mean = race.mean_epochs(name, best)
        tag = "not reached" if np.isinf(mean) else f"{mean:.1f} epochs"
        ax_c.semilogy(epochs, np.nanmean(curves, axis=0), color=c, label=f"{name} at lr {best:g}: {tag}")
    ax_v.set_xscale("log")
    ax_v.set_xticks(race.lrs, [f"{v:g}" for v in race.lrs])
    ax_v.minorticks_off()
    ax_v.set_xlabel("learning rate")
    ax_v.set_ylabel("validation loss after training")
    ax_v.set_title("choosing the learning rate (circled)", fontsize=9)
    ax_v.legend(fontsize=8)
    ax_c.axhline(race.target, color="black", lw=0.8, ls=":")
    ax_c.set_xlabel("epoch")
    ax_c.set_ylabel("training loss")
    ax_c.set_title("at the chosen learning rates", fontsize=9)
    ax_c.legend(fontsize=8, title=f"to loss {race.target:g}", title_fontsize=8)
    return fig
