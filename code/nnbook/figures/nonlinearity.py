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
        ax.set_title(f"{title}: test accuracy {acc:.0%}")
        ax.set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")
    return fig


@styled
def bending_space(stages):
    """The input grid and the data after ``x W``, ``+ b`` and tanh, for a trained 2-2-2 net."""
    fig = new_figure(9.5, 2.8)
    axes = fig.subplots(1, len(stages.titles))
    for i, (ax, title, grid, points) in enumerate(zip(axes, stages.titles, stages.grids, stages.points)):
        for line in grid:
            ax.plot(line[:, 0], line[:, 1], color=style.PALETTE["grey"], lw=0.5, alpha=0.7)
        _scatter(ax, points, stages.labels, size=8)
        ax.set_title(title)
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(False)
    # In the last panel, the output layer's decision line: the two class scores are equal.
    w = stages.output_weights[:, 1] - stages.output_weights[:, 0]
    c = stages.output_bias[1] - stages.output_bias[0]
    t = np.linspace(-1.05, 1.05, 50)
    ax = axes[-1]
    if abs(w[1]) > abs(w[0]):
        ax.plot(t, -(c + w[0] * t) / w[1], color="black", lw=1.5)
    else:
        ax.plot(-(c + w[1] * t) / w[0], t, color="black", lw=1.5)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(-1.1, 1.1)
    ax.set_ylim(-1.1, 1.1)
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
