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
