"""Sphinx extension: what the book's HTML needs for its readers.

* Every figure's image gets its caption as alt text (myst-nb names a cell's image after its
  hash, which is what a screen reader would otherwise read).
* ``book/_static/nnbook.css`` is added to every page: wide tables and outputs scroll inside
  their own box instead of being cut off, and figures shrink to the column on small screens.
* Each inline script appears once per page. Sphinx 7.4 adds the inline scripts that
  extensions register after ``Builder.init()`` (sphinx-togglebutton's selector, sphinx-thebe's
  settings) a second time (``prepare_writing`` re-adds them as ``filename=''`` where the first
  copy has ``None``, so they do not compare equal); the second ``const THEBE_JS_URL`` is a
  JavaScript error on every page.
* Each chapter's *executed* notebook (cells and outputs) can be downloaded from its page: it
  is written beside the page's source in ``_sources/`` and offered by the theme's download
  button as ".ipynb" (sphinx-book-theme shows that entry when the page context has
  ``ipynb_source``, which nothing else sets). A notebook that nnbook_cache has just executed
  is written there by nnbook_cache; one served from the cache is merged with its outputs here.
* Search finds the chapters: the API pages are left out of the full-text index (``nosearch``
  in their front matter), and the objects of the book's own layers (``nnbook.experiments``,
  ``nnbook.figures``: config ``nnbook_unsearchable_modules``) get the search priority -1,
  which Sphinx defines as "never shown in search results". They stay documented and
  cross-referenceable; the reference code's functions and classes are still found by name.
* Saved doctrees stay small: MyST parses an ``{eval-rst}`` block (the API pages' autodoc) in a
  document of its own whose nodes keep pointing at it, and that document's settings still
  hold the whole build environment, so each API page's doctree was pickled with every other
  page's exercises inside it (2.2 MB for a page of 4 KB of text; loading them cost ~10 s a
  build). :func:`detach_foreign_documents` points those nodes back at their own doctree.
* A ``{numref}`` is resolved without unpickling the whole doctree of the page it points to
  each time (Sphinx 7.4 does, to look up the target's node type): the ~80 references of the
  book loaded a ~200 kB doctree each, in the serial part of the parallel write
  (:class:`BookStandardDomain`).
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from sphinx.domains.python import PythonDomain
from sphinx.domains.std import StandardDomain

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


def detach_foreign_documents(app, doctree):
    """Drop nodes' references to documents other than ``doctree`` (see the module docstring);
    a node without one finds its document through its parent, as docutils intends."""
    for node in doctree.findall():
        if node is not doctree and getattr(node, "_document", None) not in (None, doctree):
            node._document = None


def _add_static(app):
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))
        app.add_css_file("nnbook.css")


def unique_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated scripts from the page (see the module docstring), keeping the first."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script)
        key = (os.fspath(filename) if filename else "", getattr(script, "priority", None),
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _executed_notebook(app, pagename):
    """The page's notebook with its outputs, or None if the page is not an executed notebook.

    myst-nb writes ``_build/jupyter_execute/<page>.ipynb``, but when the outputs come from the
    execution cache it writes the notebook as read (without outputs); the outputs are merged
    from the cache here, as myst-nb merges them for the page.
    """
    import nbformat
    from myst_nb.core.read import create_nb_reader

    nb_config = getattr(app.env, "mystnb_config", None)
    source = Path(app.env.doc2path(pagename))
    if nb_config is None or source.suffix != ".md" or not source.is_file():
        return None
    text = source.read_text(encoding="utf-8")
    reader = create_nb_reader(str(source), app.env.myst_config, nb_config, text)
    if reader is None:
        return None  # a prose page or the API reference: not a notebook
    if nb_config.execution_mode == "cache":
        from jupyter_cache import get_cache

        try:
            return get_cache(nb_config.execution_cache_path).merge_match_into_notebook(reader.read(text))[1]
        except KeyError:
            return None
    executed = Path(nb_config.output_folder) / f"{pagename}.ipynb"
    return nbformat.read(executed, as_version=4) if executed.is_file() else None


def executed_notebook_download(app, pagename, templatename, context, doctree):
    """Offer ``_sources/<page>.ipynb``, the executed notebook, in the page's download menu."""
    if app.builder.format != "html" or doctree is None:
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    if not _fresh(app, pagename, target):
        notebook = _executed_notebook(app, pagename)
        if notebook is None:
            return
        import nbformat

        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _fresh(app, pagename, target: Path) -> bool:
    """Whether ``target`` was written after the page's source and after the execution cache
    was last emptied (nnbook_cache writes it when it pre-executes the notebook)."""
    if not target.is_file():
        return False
    nb_config = getattr(app.env, "mystnb_config", None)
    stamp = Path(nb_config.execution_cache_path) / "nnbook-source.sha256" if nb_config else None
    written = target.stat().st_mtime
    source = Path(app.env.doc2path(pagename))
    return (source.is_file() and written > source.stat().st_mtime
            and stamp is not None and stamp.is_file() and written > stamp.stat().st_mtime)


class BookPythonDomain(PythonDomain):
    """The Python domain, with the objects of ``nnbook_unsearchable_modules`` kept out of search."""

    def get_objects(self):
        hidden = tuple(self.env.config.nnbook_unsearchable_modules)
        for name, dispname, objtype, docname, anchor, priority in super().get_objects():
            if any(name == module or name.startswith(module + ".") for module in hidden):
                priority = -1
            yield name, dispname, objtype, docname, anchor, priority


#: Doctrees loaded to resolve numrefs, by (environment, page); emptied before and after writing.
_NUMREF_TARGETS: dict = {}


class BookStandardDomain(StandardDomain):
    """The standard domain, with the page a ``{numref}`` points to loaded once per build.

    Sphinx's resolver only reads the target node (its type and number) from the doctree it
    loads, so one read-only copy per page serves every reference to it.
    """

    def _resolve_numref_xref(self, env, *args, **kwargs):
        if "get_doctree" in vars(env):  # not ours to wrap
            return super()._resolve_numref_xref(env, *args, **kwargs)
        load = env.get_doctree

        def cached(docname):
            key = (id(env), docname)
            if key not in _NUMREF_TARGETS:
                _NUMREF_TARGETS[key] = load(docname)
            return _NUMREF_TARGETS[key]

        env.get_doctree = cached
        try:
            return super()._resolve_numref_xref(env, *args, **kwargs)
        finally:
            del env.get_doctree


def _forget_numref_targets(*args):
    _NUMREF_TARGETS.clear()


def setup(app):
    app.add_config_value("nnbook_unsearchable_modules", ["nnbook.experiments", "nnbook.figures"], "html")
    app.add_domain(BookPythonDomain, override=True)
    app.add_domain(BookStandardDomain, override=True)
    app.connect("env-updated", _forget_numref_targets)
    app.connect("build-finished", _forget_numref_targets)
    app.connect("doctree-read", alt_from_caption)
    app.connect("doctree-read", detach_foreign_documents, priority=900)  # after every other handler
    app.connect("html-page-context", unique_scripts, priority=900)
    app.connect("html-page-context", executed_notebook_download, priority=400)  # before the theme's buttons
    app.connect("builder-inited", _add_static)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
