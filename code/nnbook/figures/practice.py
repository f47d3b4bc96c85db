"""Figures of the "In practice" chapter: the forest plot of every seeded claim in the book."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from nnbook import style
from nnbook.experiments.practice import standardized
from nnbook.figures._base import new_figure, styled

#: Color of each verdict in the forest plot.
VERDICT_COLORS = {"holds": style.PALETTE["green"], "holds with caveats": style.PALETTE["green"],
                  "does not hold": style.PALETTE["red"], "no detectable difference": style.PALETTE["grey"]}

#: How the chapters are titled in the forest plot's groups.
CHAPTER_TITLES = {"nonlinearity": "Why nonlinearity", "activations": "Activation functions",
                  "softmax": "Softmax", "saturation": "Saturation", "zero_centering": "Zero-centered outputs",
                  "dead_relu": "Dead ReLUs", "preprocessing": "Preprocessing", "initialization": "Initialization",
                  "hyperparameters": "Hyperparameter search", "practice": "In practice"}


@styled
def forest_plot(entries, *, titles=None):
    """One row per seeded claim (a claim with an interval): its standardized effect — the
    mean paired difference divided by the differences' standard deviation, so that effects
    in accuracy points, epochs and losses share one axis — with its 95 % interval, grouped by
    chapter. Green: the interval lies above 0 (holds); vermillion: below 0 (does not hold);
    grey, on a shaded row: the interval contains 0 (no detectable difference at this scale).
    The x-axis is linear within ±1 standard deviation and logarithmic beyond (symlog) when
    an effect is larger than 4; a claim whose runs all agree (standard deviation 0, an
    infinite standardized effect) is drawn as a triangle at the edge.

    ``entries`` is a list of (chapter, :class:`nnbook.stats.Claim`), e.g. from
    :func:`nnbook.experiments.practice.book_claims`; claims without an effect, and claims
    "not tested at a comparable scale" (whose interval, if any, decides nothing), are skipped.
    """
    titles = {**CHAPTER_TITLES, **(titles or {})}
    seeded = [(ch, c) for ch, c in entries
              if c.effect is not None and c.verdict != "not tested at a comparable scale"]
    if not seeded:
        raise ValueError("forest_plot needs at least one claim with an effect (a seeded claim)")
    rows = []  # (kind, text, claim or None)
    for ch, c in seeded:
        if not rows or rows[-1][3] != ch:
            rows.append(("group", titles.get(ch, ch), None, ch))
        rows.append(("claim", c.id, c, ch))
    values = np.array([standardized(c.effect) for _, c in seeded])
    finite = values[np.isfinite(values)]
    big = finite.size and np.abs(finite).max() > 4
    limit = 1.15 * max(np.abs(finite).max() if finite.size else 1.0, 1.0)
    fig = new_figure(style.NARROW_WIDTH + 0.6, 1.3 + 0.2 * len(rows))
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    k = 0
    for yi, (kind, text, c, _) in zip(y, rows):
        if kind == "group":
            continue
        clipped = not np.all(np.isfinite(values[k]))  # every run agreed (SD 0): off the scale
        mean, lo, hi = np.clip(values[k], -limit, limit)
        k += 1
        color = VERDICT_COLORS.get(c.verdict, style.PALETTE["black"])
        if lo <= 0 <= hi:
            ax.axhspan(yi - 0.5, yi + 0.5, color="#eeeeee", lw=0, zorder=0)
        ax.plot([lo, hi], [yi, yi], color=color, lw=2.2, solid_capstyle="butt", zorder=2)
        ax.plot([mean], [yi], (">" if mean > 0 else "<") if clipped else "o", color=color, ms=6 if clipped else 5,
                zorder=3)
    ax.axvline(0, color="black", lw=1, zorder=1)
    labels = [text for _, text, _, _ in rows]
    ax.set_yticks(y, labels)
    for tick, (kind, *_rest) in zip(ax.get_yticklabels(), rows):
        if kind == "group":
            tick.set_fontweight("bold")
            tick.set_fontsize(9)
        else:
            tick.set_fontsize(8.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    if big:
        limit *= 2  # on a log axis 15 % is no margin: the largest dot would sit on the frame
        ax.set_xscale("symlog", linthresh=1.0)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}".replace("-", "−")))
        # the decades only, every other one: neighbouring labels of a symlog axis collide
        decades = [10.0 ** k for k in range(0, int(np.floor(np.log10(limit))) + 1, 2)]
        ax.set_xticks(sorted([-d for d in decades] + [0.0] + decades))
    ax.set_xlim(-limit, limit)
    ax.set_xlabel("standardized effect: mean of the paired\n"
                  "differences / their SD (> 0 supports the claim)", fontsize=9, loc="right")
    handles = [ax.plot([], [], color=VERDICT_COLORS[v], lw=2.2, marker="o", ms=5)[0]
               for v in ("holds", "does not hold", "no detectable difference")]
    handles.append(Patch(color="#eeeeee"))
    ax.legend(handles, ["holds: interval above 0", "does not hold: below 0", "no detectable difference",
                        "not detectable at this scale"],
              loc="lower center", bbox_to_anchor=(0.35, 1.0), ncol=2, fontsize=8, frameon=False,
              handlelength=1.5, columnspacing=1.0)
    return fig
