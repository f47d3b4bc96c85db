"""Sphinx extension: what the book's HTML needs for its readers.

* Every figure's image gets its caption as alt text (myst-nb names a cell's image after its
  hash, which is what a screen reader would otherwise read).
* ``book/_static/nnbook.css`` is added to every page: wide tables and outputs scroll inside
  their own box instead of being cut off, and figures shrink to the column on small screens.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

STATIC = Path(__file__).resolve().parent.parent / "_static"


def alt_from_caption(app, doctree):
    """Give each image of a captioned figure the caption's text as ``alt``, unless it has one."""
    for figure in doctree.findall(nodes.figure):
        captions = [c for c in figure.children if isinstance(c, nodes.caption)]
        if not captions:
            continue
        text = " ".join(captions[0].astext().split())
        for image in figure.findall(nodes.image):
            if not image.get("alt"):
                image["alt"] = text


def _add_static(app):
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))
        app.add_css_file("nnbook.css")


def setup(app):
    app.connect("doctree-read", alt_from_caption)
    app.connect("builder-inited", _add_static)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
