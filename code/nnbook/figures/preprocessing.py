"""Figures of the chapter on data preprocessing."""

from __future__ import annotations

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
    cols = max(shown, n_components)
    fig = new_figure(style.TEXT_WIDTH, 5 * (style.TEXT_WIDTH - 0.7) / cols + 0.2)
    zca_scale = 6 * res.zca.std()
    rows = [("raw", res.test), ("− channel\nmean", 0.5 + res.by_channel), ("− mean\nimage", 0.5 + res.by_image),
            ("ZCA-\nwhitened", 0.5 + res.zca / zca_scale)]
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
    axes[-1, 0].set_ylabel(f"PCs\n1–{n_components}", fontsize=9)
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
    grid = fig.add_gridspec(len(res.eps) + 1, shown + 1, width_ratios=[shown * 0.62] + [1] * shown)
    ax = fig.add_subplot(grid[:, 0])
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
    for c in range(shown):
        a = fig.add_subplot(grid[0, c + 1])
        _show(a, res.originals[c].reshape(8, 8), vmin=0, vmax=16)
        if c == 0:
            a.set_ylabel("digit", fontsize=8)
    for r, e in enumerate(res.eps):
        for c in range(shown):
            a = fig.add_subplot(grid[r + 1, c + 1])
            _show(a, _stretch(res.whitened[e][c].reshape(8, 8)))
            if c == 0:
                a.set_ylabel(f"ε={e:g}", fontsize=8)
    return fig
