"""Figures of the chapter on data preprocessing."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from nnbook import style
from nnbook.figures._base import new_figure, styled

_VARIANT_COLORS = {"raw": style.PALETTE["grey"], "raw/16": style.PALETTE["purple"],
                   "centered/16": style.PALETTE["orange"], "standardized": style.PALETTE["blue"]}


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
        ax.set_title(f"{title}\ncov = [[{c[0, 0]:.2f}, {c[0, 1]:.2f}],\n[{c[1, 0]:.2f}, {c[1, 1]:.2f}]]", fontsize=8.5)
    return fig


def _show(ax, img, cmap="gray_r", **kw):
    ax.imshow(img, cmap=cmap, interpolation="nearest", **kw)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _tile(grid, gap: float = 0.18):
    """One array holding a grid of equally sized images (rows of lists; None leaves a cell
    empty), separated by gaps of ``gap`` × the image height; empty space is NaN (drawn as a
    pale frame for grey images, white for colour ones).

    Drawing a whole grid of small images as one ``imshow`` is many times faster than one
    axes per image, and looks the same.
    """
    first = next(img for row in grid for img in row if img is not None)
    h, w = first.shape[:2]
    g = max(1, int(round(gap * h)))
    extra = first.shape[2:]
    rows, cols = len(grid), max(len(row) for row in grid)
    out = np.full((rows * h + (rows - 1) * g, cols * w + (cols - 1) * g) + extra, np.nan)
    for r, row in enumerate(grid):
        for c, img in enumerate(row):
            if img is not None:
                out[r * (h + g):r * (h + g) + h, c * (w + g):c * (w + g) + w] = img
    return out, h + g, w + g


def _show_tiled(ax, grid, cmap="gray_r", row_labels=(), col_labels=(), fontsize=9):
    """Draw :func:`_tile`'s mosaic on ``ax`` with labels left of the rows and above the columns."""
    mosaic, dy, dx = _tile(grid)
    if mosaic.ndim == 3:  # RGB: NaN gaps become white
        mosaic = np.where(np.isnan(mosaic), 1.0, mosaic)
        ax.imshow(np.clip(mosaic, 0, 1), interpolation="nearest")
    else:
        # a pale frame in the gaps, so that white pixels at an image's edge stay visible
        cm = mpl.colormaps[cmap].with_extremes(bad="#c9d1dc")
        ax.imshow(np.ma.masked_invalid(mosaic), cmap=cm, vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    h = dy / (1 + 0.18)
    for r, label in enumerate(row_labels):
        ax.text(-0.15 * h, r * dy + h / 2, label, ha="right", va="center", fontsize=fontsize)
    for c, label in enumerate(col_labels):
        ax.text(c * dx + h / 2, -0.12 * h, label, ha="center", va="bottom", fontsize=fontsize)


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
    ax = fig.subplots()
    grid = [[np.clip(res.originals[r].reshape(8, 8) / 16, 0, 1)]
            + [np.clip(res.reconstructions[k][r].reshape(8, 8) / 16, 0, 1) for k in res.ks]
            + [_stretch(res.zca_images[r].reshape(8, 8))] for r in range(rows)]
    labels = ["test digit"] + [f"k = {k}\n{kept:.0%}" for k, kept in zip(res.ks, res.variance_kept)] \
        + ["ZCA-\nwhitened"]
    _show_tiled(ax, grid, col_labels=labels)
    return fig


@styled
def patch_centering(res, n_components: int = 8):
    """Photo patches: raw, minus the per-channel mean, minus the mean image, ZCA-whitened
    (rows), and the first principal components of the patches.

    Centered patches are drawn as ``0.5 + value`` (zero is mid-grey, the same mapping for every
    patch); whitened patches as ``0.5 + value / (6 std)``; components stretched to [0, 1].
    """
    shown = res.test.shape[0]
    cols = max(shown, n_components)
    fig = new_figure(style.TEXT_WIDTH, 5 * (style.TEXT_WIDTH - 0.7) / cols + 0.2)
    zca_scale = 6 * res.zca.std()
    rows = [("raw", res.test), ("− channel\nmean", 0.5 + res.by_channel), ("− mean\nimage", 0.5 + res.by_image),
            ("ZCA-\nwhitened", 0.5 + res.zca / zca_scale)]
    ax = fig.subplots()
    grid = [[np.clip(imgs[c], 0, 1) for c in range(shown)] for _, imgs in rows]
    grid.append([_stretch(res.components[c]) for c in range(n_components)])
    _show_tiled(ax, grid, row_labels=[label for label, _ in rows] + [f"PCs\n1–{n_components}"])
    return fig


@styled
def scaling_race(race):
    """Left: training loss for each input variant at its chosen learning rate (median over
    seeds, band = min–max). Right: epochs to the target loss against the learning rate (mean
    curve of the pilot seeds; chosen rates ringed)."""
    fig = new_figure(style.TEXT_WIDTH, 3.0)
    ax_l, ax_e = fig.subplots(1, 2)
    for v in race.variants:
        c = _VARIANT_COLORS.get(v, style.PALETTE["green"])
        epochs, lr = race.best(v)
        curves = race.curves[v]
        x = np.arange(1, curves.shape[1] + 1)
        with np.errstate(invalid="ignore"):
            lo, hi = np.nanmin(curves, axis=0), np.nanmax(curves, axis=0)
            med = np.nanmedian(curves, axis=0)
        ax_l.fill_between(x, lo, hi, color=c, alpha=0.25, lw=0)
        label = f"{v}, lr {lr:g}: " + (f"{epochs:.0f}" if np.isfinite(epochs) else f"> {race.epochs}")
        ax_l.semilogy(x, med, color=c, lw=1.6, label=label)
        e = np.array([race.epochs_to_target(v, r) for r in race.lrs])
        finite = np.isfinite(e)
        ax_e.plot(np.array(race.lrs)[finite], e[finite], "o-", color=c, ms=4, lw=1.4, label=v)
        if np.isfinite(race.epochs_to_target(v, lr)):
            ax_e.plot([lr], [race.epochs_to_target(v, lr)], "o", ms=9, mfc="none", mec=c, mew=1.5)
    ax_l.axhline(race.target, color="black", ls=":", lw=0.8)
    ax_l.set_xlabel("epoch")
    ax_l.set_ylabel("training loss")
    ax_l.legend(fontsize=8, title="chosen lr: median epochs", title_fontsize=8, loc="lower left")
    ax_e.set_xscale("log")
    ax_e.set_xlabel("learning rate")
    ax_e.set_ylabel(f"epochs to loss {race.target:g}")
    ax_e.set_ylim(0, race.epochs + 1)
    return fig


@styled
def hessian_spectrum(race):
    """Eigenvalues of E[x̃x̃ᵀ] (the Hessian of a linear least-squares model with a bias) for
    each input variant, largest first, on a log scale."""
    fig = new_figure(style.NARROW_WIDTH + 0.6, 3.0)
    ax = fig.subplots()
    for v in race.variants:
        lam = race.spectrum[v].eigenvalues
        ax.semilogy(np.arange(1, lam.size + 1), lam, color=_VARIANT_COLORS.get(v, style.PALETTE["green"]), lw=1.6,
                    label=f"{v}: largest {lam[0]:.3g}")
    ax.set_xlabel("eigenvalue index (largest first)")
    ax.set_ylabel("eigenvalue of E[x̃ x̃ᵀ]")
    ax.legend(fontsize=8)
    return fig


@styled
def eps_sweep(res, shown: int = 6):
    """Left: the factor 1/√(λᵢ + ε) by which ZCA scales each principal component, for each ε,
    with the components' variances λᵢ. Right: test digits ZCA-whitened with each ε (rows)."""
    fig = new_figure(style.TEXT_WIDTH, 3.6)
    shown = min(shown, len(res.originals))
    grid = fig.add_gridspec(1, 2, width_ratios=[1.15, 1])
    ax = fig.add_subplot(grid[0, 0])
    lam = res.eigenvalues
    idx = np.arange(1, lam.size + 1)
    colors = [style.PALETTE[k] for k in ("red", "orange", "green", "blue", "purple")]
    for e, c in zip(res.eps, colors * 2):
        ax.semilogy(idx, 1 / np.sqrt(lam + e), color=c, lw=1.5, label=f"ε = {e:g}")
    ax.semilogy(idx, np.maximum(lam, 1e-6), color="black", lw=1, ls=":", label="λᵢ")
    ax.set_xlabel("component i")
    ax.set_ylabel("ZCA factor 1/√(λᵢ + ε)")
    ax.set_ylim(1e-4, 1e3)
    ax.legend(fontsize=7, loc="upper left", ncols=2)
    a = fig.add_subplot(grid[0, 1])
    tiles = [[np.clip(res.originals[c].reshape(8, 8) / 16, 0, 1) for c in range(shown)]]
    tiles += [[_stretch(res.whitened[e][c].reshape(8, 8)) for c in range(shown)] for e in res.eps]
    _show_tiled(a, tiles, row_labels=["digit"] + [f"ε={e:g}" for e in res.eps], fontsize=8)
    return fig
