"""Figures of the chapter on hyperparameter search."""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np

from nnbook import style
from nnbook.experiments.hyperparameters import toy_loss
from nnbook.figures._base import new_figure, styled


@styled
def sampling_scales(res):
    """Share of samples per decade when a learning rate is drawn linearly or log-uniformly."""
    fig = new_figure(style.TEXT_WIDTH, 2.9)
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


def _log_axes(ax):
    ax.set_xscale("log")
    ax.set_yscale("log")


def _plain_log_y(ax, ticks):
    """A log y-axis labelled with plain numbers at ``ticks`` (no 2×10⁰ minor labels)."""
    ax.set_yscale("log")
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.yaxis.set_minor_formatter(mticker.NullFormatter())


@styled
def random_vs_grid(res, both):
    """Nine grid trials vs nine random trials when only x matters (the trials in the unit
    square, the loss along x above each square, ticks at the x values tried), and the best
    loss each strategy found over many problems: when only x matters and, as a control, when
    x and y matter equally."""
    fig = new_figure(style.TEXT_WIDTH, 6.0)
    grid = fig.add_gridspec(3, 2, height_ratios=[0.55, 2.0, 1.7])
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
        top.set_title(f"{title}: {len(np.unique(pts[:, 0]))} values of x")
        ax = fig.add_subplot(grid[1, col])
        ax.scatter(pts[:, 0], pts[:, 1], color=color, s=40, zorder=3)
        ax.axvline(res.peak, color="black", ls=":", lw=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("x (important)")
        ax.set_ylabel("y (unimportant)")
    bins = np.linspace(0, 1.05, 22)
    for col, (r, title) in enumerate(((res, "only x matters"), (both, "control: x and y matter"))):
        ax = fig.add_subplot(grid[2, col])
        ax.hist(r.best_grid, bins=bins, color=style.PALETTE["red"], histtype="step", lw=2,
                label=f"grid (mean {r.best_grid.mean():.2f})")
        ax.hist(r.best_random, bins=bins, color=style.PALETTE["blue"], histtype="step", lw=2,
                label=f"random (mean {r.best_random.mean():.2f})")
        ax.set_xlabel("best loss found (0 = optimum)")
        ax.set_ylabel(f"problems (of {len(r.best_grid)})")
        ax.set_title(title)
        ax.legend(fontsize=8, loc="upper left" if col else "upper center")
    return fig


@styled
def coarse_to_fine(ctf, cap: float = 10.0):
    """Every trial of the coarse-to-fine search in the (learning rate, weight decay) plane,
    colored by its validation loss (log scale, diverged runs at the cap), with the fine
    stage's box and the best trial."""
    from matplotlib.colors import LogNorm
    from matplotlib.patches import Rectangle

    fig = new_figure(style.TEXT_WIDTH * 0.85, 3.9)
    ax = fig.subplots()
    fs = ctf.fine_space
    ax.add_patch(Rectangle((fs["lr"].low, fs["weight_decay"].low), fs["lr"].high - fs["lr"].low,
                           fs["weight_decay"].high - fs["weight_decay"].low, fill=False, ls="--",
                           ec=style.PALETTE["orange"], lw=1.5, label="fine stage's box"))
    values = np.array([t.value for t in ctf.coarse + ctf.fine])
    norm = LogNorm(vmin=max(values.min(), 1e-3), vmax=cap)
    for trials, marker, label in ((ctf.coarse, "o", "coarse trial"), (ctf.fine, "s", "fine trial")):
        lr = np.array([t.config["lr"] for t in trials])
        wd = np.array([t.config["weight_decay"] for t in trials])
        v = np.minimum([t.value for t in trials], cap)
        sc = ax.scatter(lr, wd, c=v, norm=norm, cmap="viridis_r", marker=marker, s=40, edgecolor="black", lw=0.4,
                        label=label, zorder=3)
    ax.scatter([ctf.best.config["lr"]], [ctf.best.config["weight_decay"]], marker="*", s=260, facecolor="none",
               edgecolor=style.PALETTE["red"], lw=1.8, zorder=4, label="best")
    _log_axes(ax)
    ax.set_xlim(ctf.coarse_space["lr"].low, ctf.coarse_space["lr"].high)
    ax.set_ylim(ctf.coarse_space["weight_decay"].low, ctf.coarse_space["weight_decay"].high)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("weight decay")
    fig.colorbar(sc, ax=ax, label=f"validation loss (≥ {cap:g}: diverged)")
    ax.legend(fontsize=8, loc="upper left")
    return fig


@styled
def lr_curves(curves):
    """Training loss per epoch at four learning rates: too low, about right, too high (the
    loss stalls, noisy) on the left; far too high (the loss blows up) on its own scale on the right."""
    fig = new_figure(style.TEXT_WIDTH, 2.9)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    names = ("too low", "about right", "too high: stalls", "blows up")
    colors = (style.PALETTE["sky"], style.PALETTE["green"], style.PALETTE["orange"], style.PALETTE["red"])
    for k, ((lr, loss), name, c) in enumerate(zip(sorted(curves.items()), names, colors)):
        loss = np.asarray(loss, dtype=float)
        ax = left if k < 3 else right
        ax.semilogy(np.arange(1, len(loss) + 1), loss, color=c, marker="o", ms=3, label=f"lr {lr:g}: {name}")
    left.set_ylim(5e-4, None)
    left.legend(fontsize=8, loc="lower left")
    right.legend(fontsize=8, loc="upper left")
    for ax in (left, right):
        ax.set_xlabel("epoch")
    left.set_ylabel("training loss")
    right.set_title("its own scale", fontsize=9)
    return fig


@styled
def sanity_checks(res):
    """Left: the loss of freshly initialized nets against ln C (one dot per seed), with the
    chapter's He weights and with N(0, 1) weights. Right: a net overfitting a tiny training set."""
    fig = new_figure(style.TEXT_WIDTH, 2.8)
    left, right = fig.subplots(1, 2)
    rng = np.random.default_rng(0)  # horizontal jitter of the dots only
    for x, (values, label, c) in enumerate(((res.initial_losses, "He", style.PALETTE["blue"]),
                                            (res.bad_initial_losses, "N(0, 1)", style.PALETTE["red"]))):
        left.scatter(x + rng.uniform(-0.12, 0.12, len(values)), values, color=c, s=18, zorder=3)
    left.axhline(res.log_classes, color="black", ls="--", lw=1, label=f"ln C = {res.log_classes:.2f}")
    _plain_log_y(left, [2, 5, 10, 20, 50])
    left.set_xticks([0, 1], ["He weights", "N(0, 1) weights"])
    left.set_xlim(-0.5, 1.5)
    left.set_ylabel("loss at initialization")
    left.legend(fontsize=8, loc="upper left")
    right.semilogy(np.arange(1, len(res.tiny_loss) + 1), res.tiny_loss, color=style.PALETTE["blue"])
    right.set_xlabel("epoch")
    right.set_ylabel("training loss")
    right.set_title(f"training on {res.tiny} examples only", fontsize=9)
    right.text(0.97, 0.95, f"accuracy: {100 * res.tiny_train_accuracy:.0f} % training,\n"
               f"{100 * res.tiny_val_accuracy:.0f} % validation", transform=right.transAxes, ha="right", va="top",
               fontsize=8)
    return fig


@styled
def train_val_curves(res):
    """Training (solid) and validation (dashed) loss per epoch on a small training set, without
    and with weight decay."""
    fig = new_figure(style.NARROW_WIDTH + 0.8, 3.0)
    ax = fig.subplots()
    for (wd, h), c in zip(sorted(res["histories"].items()), (style.PALETTE["blue"], style.PALETTE["orange"])):
        epochs = np.arange(1, len(h.loss) + 1)
        ax.semilogy(epochs, h.loss, color=c, label=f"training, weight decay {wd:g}")
        ax.semilogy(epochs, h.val_loss, color=c, ls="--", label=f"validation, weight decay {wd:g}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8, loc="lower left")
    return fig


@styled
def update_ratios(res):
    """Left: the median update-to-weight ratio ‖ΔW‖/‖W‖ of each layer over the first epoch,
    against the learning rate. Right: the validation loss after training at that rate."""
    fig = new_figure(style.TEXT_WIDTH, 2.8)
    left, right = fig.subplots(1, 2)
    for layer, c in zip(range(res.ratios.shape[1]), (style.PALETTE["blue"], style.PALETTE["green"],
                                                     style.PALETTE["purple"])):
        left.loglog(res.lrs, res.ratios[:, layer], color=c, marker="o", ms=4, label=f"layer {layer + 1}")
    left.axhline(1e-3, color="black", ls=":", lw=1, label="rule of thumb 1e-3")
    left.set_xlabel("learning rate")
    left.set_ylabel("‖ΔW‖ / ‖W‖ per step")
    left.legend(fontsize=8)
    finite = np.isfinite(res.val_loss)
    right.loglog(res.lrs[finite], res.val_loss[finite], color="black", marker="o", ms=4)
    right.set_xlabel("learning rate")
    right.set_ylabel("validation loss after training")
    return fig


@styled
def lr_range_test(res, search_best=None):
    """The learning-rate range test: minibatch loss (light) and its smoothed value against the
    rate, which grows at every step; the suggested rate and, if given, the search's best."""
    fig = new_figure(style.NARROW_WIDTH + 0.8, 3.0)
    ax = fig.subplots()
    ax.plot(res.lrs, res.losses, color=style.PALETTE["grey"], lw=0.8, alpha=0.6, label="minibatch loss")
    ax.plot(res.lrs, res.smoothed, color=style.PALETTE["blue"], label="smoothed")
    ax.axvline(res.suggested, color=style.PALETTE["green"], ls="--", lw=1.5,
               label=f"suggested: {res.suggested:.2g}")
    if search_best is not None:
        ax.axvline(search_best, color=style.PALETTE["red"], ls=":", lw=1.5, label=f"search's best: {search_best:.2g}")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.3 * res.smoothed.max())
    ax.set_xlabel("learning rate (grows every step)")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8)
    return fig


@styled
def successive_halving(res):
    """Left: the rungs of one successive-halving search (validation loss of every learning rate
    still in the race after each budget). Right: the best validation loss of successive halving
    and of random search with the same budget, search by search (lines join a pair)."""
    fig = new_figure(style.TEXT_WIDTH, 2.9)
    left, right = fig.subplots(1, 2)
    colors = (style.PALETTE["sky"], style.PALETTE["blue"], style.PALETTE["purple"], style.PALETTE["black"])
    for (epochs, lrs, values), c in zip(res.rungs[0], colors):
        finite = np.isfinite(values)
        left.scatter(lrs[finite], values[finite], color=c, s=20 + 6 * epochs, label=f"{epochs} epoch" + ("" if epochs == 1 else "s"), zorder=3)
    left.set_xscale("log")
    _plain_log_y(left, [0.2, 0.5, 1, 2, 5])
    left.set_xlabel("learning rate")
    left.set_ylabel("validation loss")
    left.legend(fontsize=8, title="budget", title_fontsize=8)
    for a, b in zip(res.best_halving, res.best_random):
        right.plot([0, 1], [a, b], color=style.PALETTE["grey"], lw=0.8)
    right.scatter(np.zeros(len(res.best_halving)), res.best_halving, color=style.PALETTE["blue"], zorder=3)
    right.scatter(np.ones(len(res.best_random)), res.best_random, color=style.PALETTE["red"], zorder=3)
    right.set_xticks([0, 1], ["successive\nhalving", "random\nsearch"])
    right.set_xlim(-0.4, 1.4)
    right.set_ylabel("best validation loss")
    right.set_title(f"{len(res.best_halving)} searches, {res.budget} epochs each", fontsize=9)
    return fig


@styled
def winners_curse(res):
    """The best trials of the search retrained with new seeds: one dot per seed, their mean with
    its 95 % interval, and (star) the score the trial had in the search."""
    from nnbook import stats

    fig = new_figure(style.NARROW_WIDTH + 0.8, 2.9)
    ax = fig.subplots()
    rng = np.random.default_rng(0)  # horizontal jitter of the dots only
    for k, (values, found) in enumerate(zip(res.retrained, res.search_values)):
        ax.scatter(k + rng.uniform(-0.1, 0.1, len(values)), values, color=style.PALETTE["grey"], s=14, zorder=2)
        e = stats.one_sample(values)
        ax.errorbar(k + 0.25, e.mean, yerr=[[e.mean - e.ci[0]], [e.ci[1] - e.mean]], fmt="o",
                    color=style.PALETTE["blue"], capsize=4, zorder=3, label="retrained: mean, 95 % CI" if k == 0 else None)
        ax.scatter([k + 0.25], [found], marker="*", s=160, color=style.PALETTE["red"], zorder=4,
                   label="score in the search" if k == 0 else None)
    ax.set_xticks(range(len(res.configs)), [f"#{k + 1}\nlr {c['lr']:.2g}" for k, c in enumerate(res.configs)])
    ax.set_ylabel("validation loss")
    ax.set_xlabel("trial, by its rank in the search")
    ax.legend(fontsize=8)
    return fig
