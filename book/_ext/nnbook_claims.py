"""Sphinx extension: publish the book's ledger of claims as ``claims.json`` at the site root.

When the HTML build has finished, the extension asks the package for every claim the book
tests — ``practice.book_claims(practice.run_chapter())`` — which the build's results cache
(``nnbook.experiments._memo``, set up by ``nnbook_cache``) answers from the results the
chapters' kernels stored, so the ledger holds the numbers the pages print and nothing is
trained again. Each claim's evidence label is resolved to the page and anchor that show it
with Sphinx's standard-domain labels (``book/dead-relu.html#fig-dead-sweep``), citations in
the sources are written out from ``references.bib``, and :func:`nnbook.experiments.practice.ledger`
builds the JSON, with the package version and source hash. An evidence label that names
nothing in the book is a warning (an error in the strict build).
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
FILENAME = "claims.json"


def _citation_text(bibfiles):
    """key -> "Clevert et al. 2015, Fast and Accurate …" from the book's BibTeX files."""
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    entries = {}
    for path in bibfiles:
        entries.update(parse_file(path).entries)

    def cite(key):
        entry = entries.get(key)
        if entry is None:
            return key
        last = [Text.from_latex(" ".join(p.last_names)).render_as("text") for p in entry.persons.get("author", [])]
        names = (last[0] if len(last) == 1 else " & ".join(last) if len(last) == 2
                 else f"{last[0]} et al." if last else "")
        title = Text.from_latex(entry.fields.get("title", "")).render_as("text")
        return f"{names} {entry.fields.get('year', '')}, {title}".strip()

    return cite


def _evidence_resolver(app):
    std = app.env.get_domain("std")

    def url(label):
        target = std.labels.get(label) or std.anonlabels.get(label)
        if target is None:
            LOGGER.warning("claims ledger: evidence label %r names no figure, table or section of the book", label,
                           type="nnbook", subtype="claims")
            return ""
        docname, anchor = target[0], target[1]
        return app.builder.get_target_uri(docname) + (f"#{anchor}" if anchor else "")

    return url


def _note_pages_read(app, env, docnames):
    app._nnbook_pages_read = len(docnames)


def write_ledger(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / FILENAME
    if path.is_file() and getattr(app, "_nnbook_pages_read", 1) == 0:
        return  # a build that read no page: the book, its results and so the ledger are unchanged
    import nnbook
    from nnbook.experiments import _memo, practice

    entries = practice.book_claims(practice.run_chapter())
    bibfiles = [Path(app.srcdir) / f for f in getattr(app.config, "bibtex_bibfiles", [])]
    data = practice.ledger(entries, version=nnbook.__version__, source_hash=_memo.source_hash(),
                           evidence_url=_evidence_resolver(app), cite=_citation_text(bibfiles))
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    LOGGER.info("nnbook: wrote %d claims to %s", len(data["claims"]), path)


def setup(app):
    app.connect("env-before-read-docs", _note_pages_read)
    app.connect("build-finished", write_ledger)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
