"""Plain-text tables for the book (Markdown), built from experiment results."""

from __future__ import annotations

__all__ = ["markdown_table", "properties_table", "cost_table", "numbered_table"]


def markdown_table(header, rows, align=None) -> str:
    """A GitHub/MyST Markdown pipe table.

    Parameters
    ----------
    header : list of str
    rows : list of lists (converted with ``str``)
    align : str, optional
        One character per column: ``l``, ``c`` or ``r``.
    """
    header = [str(h) for h in header]
    rows = [[str(c) for c in row] for row in rows]
    if any(len(r) != len(header) for r in rows):
        raise ValueError("every row must have as many cells as the header")
    align = align or "l" * len(header)
    if len(align) != len(header) or set(align) - set("lcr"):
        raise ValueError("align must have one of 'l', 'c', 'r' per column")
    rule = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule[a] for a in align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def properties_table(props) -> str:
    """The activation property table from :func:`nnbook.experiments.activations.activation_properties`."""
    rows = [
        [
            f"`{p.name}`",
            p.range_text,
            f"{p.mean_output:.3f}".replace("-", "−"),
            "yes" if p.zero_centered else "no",
            f"{p.max_slope:.3g}",
            p.saturates,
            "yes" if p.monotonic else "no",
            p.continuity,
        ]
        for p in props
    ]
    header = ["activation", "output range", "E[f(z)], z~N(0,1)", "zero-centered", "max slope", "saturates",
              "monotonic", "at 0"]
    return markdown_table(header, rows, align="lcrcrlcl")


def cost_table(costs, reference: str = "relu") -> str:
    """Times per element and relative to ``reference`` from :func:`~nnbook.experiments.activations.time_activations`."""
    ref = {c.name: c for c in costs}.get(reference)
    if ref is None:
        raise ValueError(f"the reference {reference!r} is not among the timed activations")
    rows = [
        [
            f"`{c.name}`",
            f"{1e9 * c.forward_s / c.n:.2f}",
            f"{c.forward_s / ref.forward_s:.1f}×",
            f"{1e9 * c.grad_s / c.n:.2f}",
            f"{c.grad_s / ref.grad_s:.1f}×",
        ]
        for c in costs
    ]
    header = ["activation", "f(x): ns/element", f"vs {reference}", "f′(x): ns/element", f"vs {reference}"]
    return markdown_table(header, rows, align="lrrrr")


def numbered_table(table: str, caption: str, label: str) -> str:
    """Wrap a Markdown table in a MyST ``table`` directive so it is numbered and can be
    referenced with ``{numref}`label```. Display the result with ``IPython.display.Markdown``."""
    if not label or any(c.isspace() for c in label):
        raise ValueError(f"label must be a non-empty word without spaces; got {label!r}")
    return f":::{{table}} {caption}\n:name: {label}\n\n{table}\n:::"
