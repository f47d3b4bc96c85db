"""Figures of the chapter on softmax and temperature."""

from __future__ import annotations

import numpy as np

from nnbook import style
from nnbook.figures._base import new_figure, styled


@styled
def temperature_bars(sweep):
    """The same logits turned into probabilities at each temperature of the sweep (bars)."""
    k = sweep.logits.size
    fig = new_figure(2.4 * len(sweep.temperatures) + 0.3, 2.6)
    axes = fig.subplots(1, len(sweep.temperatures), sharey=True)
    for ax, t, p, h in zip(axes, sweep.temperatures, sweep.probabilities, sweep.entropies):
        ax.bar(np.arange(k), p, color=style.PALETTE["blue"])
        ax.set_title(f"T = {t:g}: entropy {h:.2f}")
        ax.set_xticks(np.arange(k))
        ax.set_xlabel("class")
        ax.set_ylim(0, 1.05)
    axes[0].set_ylabel("probability")
    return fig


@styled
def entropy_curve(sweep):
    """Entropy of softmax(x / T) against T (log axis), between 0 and log K."""
    fig = new_figure(5.5, 3.0)
    ax = fig.subplots()
    ax.semilogx(sweep.temperatures, sweep.entropies, color=style.PALETTE["blue"], label="entropy of softmax(x / T)")
    ax.axhline(sweep.max_entropy, color=style.PALETTE["orange"], ls="--", lw=1.2,
               label=f"log K = {sweep.max_entropy:.3f} (uniform)")
    ax.axhline(0, color=style.PALETTE["grey"], ls=":", lw=1.2, label="0 (one-hot)")
    ax.set_xlabel("temperature T")
    ax.set_ylabel("entropy (nats)")
    ax.legend(loc="center right")
    return fig


@styled
def binary_loss_gradients(result):
    """Cross-entropy and squared error of a sigmoid output against the logit z (label 1):
    the losses (left) and their gradients ∂L/∂z (right).

    Parameters
    ----------
    result : :class:`nnbook.experiments.softmax.BinaryGradients`
    """
    fig = new_figure(style.TEXT_WIDTH, 2.7)
    ax_l, ax_g = fig.subplots(1, 2, sharex=True)
    blue, orange = style.PALETTE["blue"], style.PALETTE["orange"]
    ax_l.plot(result.z, result.ce_loss, color=blue, label="cross-entropy −log σ(z)")
    ax_l.plot(result.z, result.mse_loss, color=orange, label="squared error ½(σ(z) − 1)²")
    ax_l.set_ylim(-0.2, 5)
    ax_l.set_title("loss, label 1")
    ax_l.set_ylabel("L")
    ax_l.legend(loc="upper right")
    ax_g.plot(result.z, result.ce_grad, color=blue, label="σ(z) − 1")
    ax_g.plot(result.z, result.mse_grad, color=orange, label="(σ(z) − 1) σ′(z)")
    ax_g.axhline(0, color="#999999", lw=0.8, zorder=0)
    ax_g.set_title("gradient ∂L/∂z")
    ax_g.legend(loc="lower right")
    for ax in (ax_l, ax_g):
        ax.set_xlabel("logit z  (z ≪ 0: confidently wrong)")
    return fig


@styled
def calibration(result):
    """Temperature scaling of a digits classifier: NLL against T on the validation and test
    splits with the fitted T (left), and the reliability diagram of the test split at T = 1
    and at the fitted T (right).

    Parameters
    ----------
    result : :class:`nnbook.experiments.softmax.Calibration`
    """
    fig = new_figure(style.TEXT_WIDTH, 2.9)
    ax_n, ax_r = fig.subplots(1, 2)
    blue, orange, grey = style.PALETTE["blue"], style.PALETTE["orange"], style.PALETTE["grey"]
    ax_n.semilogx(result.temperatures, result.val_nll, color=blue, label="validation")
    ax_n.semilogx(result.temperatures, result.test_nll, color=orange, ls="--", label="test")
    ax_n.axvline(result.best_T, color="black", lw=1.0, ls=":", label=f"fitted T = {result.best_T:.2f}")
    ax_n.axvline(1.0, color=grey, lw=0.8)
    ax_n.set_ylim(0, min(1.0, float(max(result.val_nll.max(), result.test_nll.max()))))
    ticks = [t for t in (0.25, 0.5, 1, 2, 4, 8) if result.temperatures[0] <= t <= result.temperatures[-1]]
    ax_n.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax_n.minorticks_off()
    ax_n.set_xlabel("temperature T")
    ax_n.set_ylabel("negative log-likelihood")
    ax_n.set_title(f"test accuracy {result.test_accuracy[0]:.1%} at every T")
    ax_n.legend(loc="upper right")
    ax_r.plot([0, 1], [0, 1], color=grey, lw=0.8)
    for (conf, acc, count), color, marker, label in (
            (result.reliability_before, blue, "o", f"T = 1: ECE {result.ece_before:.1%}"),
            (result.reliability_after, orange, "s", f"T = {result.best_T:.2f}: ECE {result.ece_after:.1%}")):
        filled = count > 0
        ax_r.scatter(conf[filled], acc[filled], s=6 + 60 * np.sqrt(count[filled] / count.sum()), marker=marker,
                     color=color, alpha=0.8, label=label, zorder=3)
    ax_r.set_xlim(0.3, 1.02)
    ax_r.set_ylim(0.3, 1.02)
    ax_r.set_aspect("equal")
    ax_r.set_xlabel("confidence (mean of the bin)")
    ax_r.set_ylabel("accuracy in the bin")
    ax_r.set_title("reliability, test split (area ∝ images)")
    ax_r.legend(loc="upper left")
    return fig
