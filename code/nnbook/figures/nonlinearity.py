"""Figures of the chapter "Why nonlinearity"."""

from __future__ import annotations

import numpy as np

from nnbook import style
from nnbook.figures._base import new_figure, styled

_CLASS_COLORS = [style.PALETTE["blue"], style.PALETTE["orange"], style.PALETTE["green"]]


def _scatter(ax, X, y, size=10):
    for c in np.unique(y):
        ax.scatter(X[y == c, 0], X[y == c, 1], s=size, color=_CLASS_COLORS[int(c) % 3], edgecolor="white",
                   linewidth=0.3, label=f"class {c}", zorder=3)


def _surface(ax, surface):
    xx, yy, p = surface
    ax.contourf(xx, yy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    ax.contour(xx, yy, p, levels=[0.5], colors="black", linewidths=1.2)
    ax.set_aspect("equal")
    ax.grid(False)


@styled
def xor_boundaries(result):
    """XOR: the best a linear classifier finds vs a one-hidden-layer tanh net."""
    fig = new_figure(7.0, 3.3)
    axes = fig.subplots(1, 2, sharey=True)
    ds = result.dataset
    for ax, surface, acc, title in ((axes[0], result.linear_surface, result.linear_accuracy, "linear classifier"),
                                    (axes[1], result.nonlinear_surface, result.nonlinear_accuracy,
                                     f"tanh net, {result.nonlinear.sizes[1]} hidden units")):
        _surface(ax, surface)
        _scatter(ax, ds.X_test, ds.y_test)
        ax.set_title(f"{title}\ntest accuracy {acc:.0%}", fontsize=9)
        ax.set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")
    return fig


def _decision_line(ax, stages):
    """The output layer's decision line (equal class scores) in the tanh plane, if it crosses it."""
    w = stages.output_weights[:, 1] - stages.output_weights[:, 0]
    c = stages.output_bias[1] - stages.output_bias[0]
    if not np.any(w):
        return
    t = np.linspace(-1.05, 1.05, 50)
    if abs(w[1]) > abs(w[0]):
        ax.plot(t, -(c + w[0] * t) / w[1], color="black", lw=1.5, label="output layer's line")
    else:
        ax.plot(-(c + w[1] * t) / w[0], t, color="black", lw=1.5, label="output layer's line")


@styled
def bending_space(stages):
    """The input grid and the data after ``x W``, ``+ b`` and tanh, one row per network.

    Parameters
    ----------
    stages : SpaceStages or list of SpaceStages
        From :func:`nnbook.experiments.nonlinearity.bending_space` (one row each).
    """
    rows = [stages] if not isinstance(stages, (list, tuple)) else list(stages)
    ncols = len(rows[0].titles)
    fig = new_figure(style.TEXT_WIDTH, 1.75 * len(rows) + 0.55)
    axes = np.atleast_2d(fig.subplots(len(rows), ncols))
    for r, (row, st) in enumerate(zip(axes, rows)):
        for i, (ax, title, grid, points) in enumerate(zip(row, st.titles, st.grids, st.points)):
            for line in grid:
                ax.plot(line[:, 0], line[:, 1], color=style.PALETTE["grey"], lw=0.5, alpha=0.7)
            _scatter(ax, points, st.labels, size=5)
            if r == 0:
                ax.set_title(title, fontsize=9)
            ax.set_aspect("equal", adjustable="datalim")
            ax.grid(False)
            ax.tick_params(labelsize=8)
        ax = row[-1]
        _decision_line(ax, st)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlim(-1.1, 1.1)
        ax.set_ylim(-1.1, 1.1)
        row[0].set_ylabel(f"{st.epochs} epochs\n‖W‖₂ = {st.weight_norm:.2f}", fontsize=9)
    handles, labels = axes[-1, -1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9, markerscale=1.8)
    fig.get_layout_engine().set(rect=(0, 0.07, 1, 0.93))
    return fig


@styled
def xor_linear_optimum(result):
    """Cross-entropy (left) and accuracy (right) of XOR's linear classifier along the ray of a
    classifier that gets three of four clusters right, with ln 2 and the trained model's loss.

    Parameters
    ----------
    result : :class:`nnbook.experiments.nonlinearity.XorLinearOptimum`
    """
    fig = new_figure(style.TEXT_WIDTH, 2.6)
    ax_l, ax_a = fig.subplots(1, 2, sharex=True)
    blue, orange = style.PALETTE["blue"], style.PALETTE["orange"]
    ax_l.plot(result.t, result.loss, color=blue, label="along z = t (x₁ + x₂ + 1)")
    ax_l.axhline(np.log(2), color=orange, ls="--", lw=1.2, label="ln 2: p = ½ everywhere (w = 0)")
    ax_l.plot([0], [result.trained_loss], "o", color="black", ms=5, label="trained by gradient descent")
    ax_l.set_xlabel("t")
    ax_l.set_ylabel("training cross-entropy")
    ax_l.legend(loc="upper left")
    ax_a.plot(result.t, 100 * result.accuracy, color=blue)
    ax_a.axhline(100 * result.trained_accuracy, color="black", ls=":", lw=1.2, label="trained by gradient descent")
    ax_a.set_ylim(0, 100)
    ax_a.set_xlabel("t")
    ax_a.set_ylabel("training accuracy (%)")
    ax_a.legend(loc="lower right")
    return fig


@styled
def universal_approximation(result, show=(2, 8, 16)):
    """One-hidden-layer tanh networks of growing width against a 1-D target (left) and the
    largest error against the width (right, median over seeds with min–max band).

    Parameters
    ----------
    result : :class:`nnbook.experiments.nonlinearity.Approximation`
    show : widths whose fitted curves are drawn
    """
    fig = new_figure(style.TEXT_WIDTH, 2.7)
    ax_f, ax_e = fig.subplots(1, 2)
    ax_f.plot(result.x, result.target, color="black", lw=2.5, label="target f")
    colors = [style.PALETTE[c] for c in ("orange", "sky", "green", "red", "purple")]
    for width, color in zip(show, colors):
        ax_f.plot(result.x, result.curves[width], color=color, lw=1.4, ls="--", label=f"{width} units")
    ax_f.set_xlabel("x")
    ax_f.set_ylabel("f(x)")
    ax_f.legend(loc="upper center", ncol=2)
    ax_f.set_ylim(-1.4, 2.6)
    med = np.median(result.max_error, axis=1)
    ax_e.fill_between(result.widths, result.max_error.min(axis=1), result.max_error.max(axis=1),
                      color=style.PALETTE["blue"], alpha=0.25, lw=0)
    ax_e.loglog(result.widths, med, "o-", color=style.PALETTE["blue"], ms=4)
    ax_e.set_xticks(result.widths, [str(w) for w in result.widths])
    ax_e.minorticks_off()
    ax_e.set_xlabel("hidden units")
    ax_e.set_ylabel("max |f̂(x) − f(x)| on [−2, 2]")
    return fig


@styled
def step_loss(result):
    """Training loss against one first-layer weight with step units (left) and with sigmoid
    units and the same weights (right).

    Parameters
    ----------
    result : :class:`nnbook.experiments.nonlinearity.StepLoss`
    """
    fig = new_figure(style.TEXT_WIDTH, 2.5)
    ax_s, ax_g = fig.subplots(1, 2, sharex=True)
    ax_s.plot(result.w, result.step_loss, color=style.color("step"), lw=1.4, drawstyle="steps-mid")
    ax_s.set_title("step units: piecewise constant")
    ax_g.plot(result.w, result.sigmoid_loss, color=style.color("sigmoid"), lw=1.6)
    ax_g.set_title("sigmoid units: smooth")
    for ax in (ax_s, ax_g):
        ax.axvline(result.original, color="#999999", lw=0.8, ls=":")
        ax.set_xlabel("first-layer weight W₁[0, 0]")
    ax_s.set_ylabel("training cross-entropy")
    return fig


@styled
def boundary_grid(runs, dataset):
    """Decision regions of tanh nets of growing width (columns) and depth (rows)."""
    widths = sorted({r.width for r in runs})
    depths = sorted({r.depth for r in runs})
    fig = new_figure(2.3 * len(widths) + 0.3, 2.4 * len(depths) + 0.2)
    axes = np.atleast_2d(fig.subplots(len(depths), len(widths), sharex=True, sharey=True))
    for r in runs:
        ax = axes[depths.index(r.depth), widths.index(r.width)]
        xx, yy, p = r.surface
        ax.contourf(xx, yy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
        ax.contour(xx, yy, p, levels=[0.5], colors="black", linewidths=1.0)
        _scatter(ax, dataset.X_train, dataset.y_train, size=5)
        ax.set_title(f"{r.depth} × {r.width} units: {r.test_accuracy:.0%}")
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
