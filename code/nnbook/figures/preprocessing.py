"""Figures of the chapter on data preprocessing."""

from __future__ import annotations

import numpy as np

from nnbook import style
from nnbook.figures._base import new_figure, styled

_VARIANT_COLORS = {"raw": style.PALETTE["grey"], "centered": style.PALETTE["orange"],
                   "standardized": style.PALETTE["blue"]}


@styled
def transform_panels(panels):
    """One scatter per preprocessing step, with both axes through the origin."""
    fig = new_figure(9.6, 6.0)
    axes = fig.subplots(2, 3)
    for ax, (title, Z) in zip(axes.flat, panels.items()):
        ax.scatter(Z[:, 0], Z[:, 1], s=5, color=style.PALETTE["blue"], alpha=0.5, lw=0)
        ax.axhline(0, color="black", lw=0.7)
        ax.axvline(0, color="black", lw=0.7)
        lim = 1.1 * np.abs(Z).max()
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        c = np.cov(Z, rowvar=False)
        ax.set_title(f"{title}\ncov = [[{c[0, 0]:.2f}, {c[0, 1]:.2f}], [{c[1, 0]:.2f}, {c[1, 1]:.2f}]]", fontsize=9)
    return fig


def _show(ax, img, cmap="gray_r", **kw):
    ax.imshow(img, cmap=cmap, interpolation="nearest", **kw)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _stretch(img):
    """Map an image to [0, 1] for display (centered and whitened images have negative values)."""
    lo, hi = img.min(), img.max()
    return (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)


@styled
def digits_components(res, n: int = 7):
    """The mean digit, the first principal components as images, and the cumulative share
    of variance against the number of components."""
    fig = new_figure(9.6, 3.3)
    grid = fig.add_gridspec(2, n + 1, width_ratios=[1] * (n + 1))
    ax = fig.add_subplot(grid[0, 0])
    _show(ax, res.mean_image)
    ax.set_title("mean", fontsize=9)
    for i in range(n):
        ax = fig.add_subplot(grid[0, i + 1])
        comp = res.pca.components_[i].reshape(8, 8)
        lim = np.abs(comp).max()
        _show(ax, comp, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(f"PC {i + 1}: {res.pca.explained_variance_ratio_[i]:.0%}", fontsize=9)
    ax = fig.add_subplot(grid[1, :])
    cum = np.cumsum(res.pca.explained_variance_ratio_)
    ax.plot(np.arange(1, cum.size + 1), cum, color=style.PALETTE["blue"])
    ax.set_xlabel("number of principal components k")
    ax.set_ylabel("variance kept")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, cum.size + 1)
    return fig


@styled
def digits_reconstructions(res, rows: int = 4):
    """Test digits reconstructed from k principal components (columns), and ZCA-whitened."""
    cols = len(res.ks) + 2
    fig = new_figure(1.05 * cols + 0.3, 1.1 * rows + 0.5)
    axes = fig.subplots(rows, cols)
    for r in range(rows):
        _show(axes[r, 0], res.originals[r].reshape(8, 8), vmin=0, vmax=16)
        for c, k in enumerate(res.ks):
            _show(axes[r, c + 1], res.reconstructions[k][r].reshape(8, 8), vmin=0, vmax=16)
        _show(axes[r, -1], _stretch(res.zca_images[r].reshape(8, 8)))
    axes[0, 0].set_title("test digit", fontsize=9)
    for c, (k, kept) in enumerate(zip(res.ks, res.variance_kept)):
        axes[0, c + 1].set_title(f"k = {k}\n{kept:.0%}", fontsize=9)
    axes[0, -1].set_title("ZCA-\nwhitened", fontsize=9)
    return fig


@styled
def patch_centering(res, n_components: int = 8):
    """Photo patches: raw, minus the per-channel mean, minus the mean image, ZCA-whitened
    (rows), and the first principal components of the patches.

    Centered patches are drawn as ``0.5 + value`` (zero is mid-grey, the same mapping for every
    patch); whitened patches as ``0.5 + value / (6 std)``; components stretched to [0, 1].
    """
    shown = res.test.shape[0]
    fig = new_figure(1.25 * max(shown, n_components) + 1.2, 6.9)
    zca_scale = 6 * res.zca.std()
    rows = [("raw", res.test), ("− channel mean", 0.5 + res.by_channel), ("− mean image", 0.5 + res.by_image),
            ("ZCA-whitened", 0.5 + res.zca / zca_scale)]
    axes = fig.subplots(len(rows) + 1, max(shown, n_components))
    for r, (label, imgs) in enumerate(rows):
        for c in range(axes.shape[1]):
            if c < shown:
                _show(axes[r, c], np.clip(imgs[c], 0, 1))
            else:
                axes[r, c].set_visible(False)
        axes[r, 0].set_ylabel(label, fontsize=9)
    for c in range(axes.shape[1]):
        if c < n_components:
            _show(axes[-1, c], _stretch(res.components[c]))
        else:
            axes[-1, c].set_visible(False)
    axes[-1, 0].set_ylabel("PCs 1–8", fontsize=9)
    return fig


@styled
def scaling_race(race):
    """Left: loss curves for raw, centered and standardized inputs, each at its best learning
    rate. Right: epochs to the target loss against the learning rate."""
    fig = new_figure(9.6, 3.2)
    ax_l, ax_e = fig.subplots(1, 2)
    for v in race.variants:
        c = _VARIANT_COLORS.get(v, style.PALETTE["purple"])
        epochs, lr = race.best(v)
        curve = race.losses[(v, lr)]
        ax_l.semilogy(np.arange(1, curve.size + 1), curve, color=c, label=f"{v} (lr {lr:g}): {epochs:.0f} epochs")
        e = [race.epochs_to_target(v, lr) for lr in race.lrs]
        finite = np.isfinite(e)
        ax_e.plot(np.array(race.lrs)[finite], np.array(e)[finite], "o-", color=c, label=v)
    ax_l.axhline(race.target, color="black", ls=":", lw=0.8)
    ax_l.set_xlabel("epoch")
    ax_l.set_ylabel("training loss")
    ax_l.legend(fontsize=8, title=f"best lr, epochs to loss {race.target:g}", title_fontsize=8)
    ax_e.set_xscale("log")
    ax_e.set_xlabel("learning rate")
    ax_e.set_ylabel(f"epochs to loss {race.target:g}")
    ax_e.set_title("missing points: never reached (or diverged)", fontsize=9)
    ax_e.legend(fontsize=8)
    return fig
