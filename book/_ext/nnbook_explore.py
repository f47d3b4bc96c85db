"""Sphinx extension: the runtime of the book's interactive charts (:mod:`nnbook.explore`), served from the site.

* At the start of the build, one script is made with ``vl_convert.javascript_bundle()``: Vega,
  Vega-Lite and vega-embed (the versions inside the installed vl-convert wheel, nothing
  downloaded) plus the few lines of glue below, which draw every ``div.nnbook-explore`` of
  the page from the Vega-Lite spec it holds. It is written once to ``_static`` (the bundle
  takes a few seconds to make, so it is made in a child process while the chapters
  execute, and kept between builds in ``_build/.nnbook_explore``).
* Only pages that show a chart load it (``<script type="module">``, cached by the browser
  across pages), with ``nnbook-explore.css``.

* For the builders that cannot show HTML (LaTeX, for the PDF), each chart's output gets an
  ``image/png`` alternative before myst-nb chooses an output per builder: the chart at its
  initial slider values, drawn by vl-convert from the spec in the HTML
  (:func:`nnbook.explore.png_from_spec`) into the output folder. The HTML build never pays
  for these images.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

SCRIPT = "nnbook-explore.js"
STYLE = "nnbook-explore.css"
MARKER = 'class="nnbook-explore"'

#: Runs once per page after the bundle has defined vegaEmbed (a module script: after parsing).
GLUE = r"""
// On a narrow screen (a phone) panels side by side would shrink below legibility: stack them,
// and wrap a row of small multiples onto several rows.
const narrow = (spec) => {
  if (Array.isArray(spec.hconcat)) { spec.vconcat = spec.hconcat; delete spec.hconcat; }
  if (spec.facet && spec.facet.column) { spec.facet = spec.facet.column; spec.columns = 5; }
  for (const key of ["vconcat", "hconcat", "concat"]) (spec[key] || []).forEach(narrow);
  return spec;
};
for (const el of document.querySelectorAll("div.nnbook-explore")) {
  const source = el.querySelector("script.nnbook-explore-spec");
  if (!source || el.dataset.state) continue;
  el.dataset.state = "loading";
  const target = document.createElement("div");
  target.className = "nnbook-explore-chart";
  el.appendChild(target);
  let spec = JSON.parse(source.textContent);
  if (el.clientWidth < 600) { spec = narrow(spec); el.dataset.layout = "narrow"; }
  vegaEmbed(target, spec, {actions: false, renderer: "svg"})
    .then((result) => { el.nnbookView = result.view; el.dataset.state = "ready"; })
    .catch((error) => { el.dataset.state = "error"; el.dataset.error = String(error); console.error(error); });
}
"""

CSS = """/* nnbook.explore: interactive charts shrink to the column; their controls wrap */
div.nnbook-explore { margin: 1em 0; max-width: 100%; overflow-x: auto; }
div.nnbook-explore .vega-embed { display: block; max-width: 100%; }
div.nnbook-explore svg.marks { max-width: 100%; height: auto; }
div.nnbook-explore .vega-bindings { display: flex; flex-wrap: wrap; gap: 0.3em 1.5em; font-size: 0.9em;
  margin: 0.4em 0 0 0.3em; }
div.nnbook-explore .vega-bind, div.nnbook-explore .vega-bind label { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 0.6em; }
div.nnbook-explore .vega-bind-name { font-weight: 600; }
div.nnbook-explore .vega-bind input[type="range"] { width: min(14em, 55vw); }
"""


def _bundle_dir(app) -> Path:
    return Path(app.outdir).parent / ".nnbook_explore"


def _bundle_key() -> str:
    from importlib.metadata import version

    return hashlib.sha256((version("vl-convert-python") + GLUE + CSS).encode()).hexdigest()[:16]


def _make_bundle(folder) -> None:
    """Write the script and the stylesheet into ``folder`` (run in a child process: see _start)."""
    import vl_convert

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SCRIPT).write_text(vl_convert.javascript_bundle(GLUE), encoding="utf-8")
    (folder / STYLE).write_text(CSS, encoding="utf-8")
    (folder / "key").write_text(_bundle_key())


def _start(app):
    if app.builder.format != "html":
        return
    folder = _bundle_dir(app)
    app.config.html_static_path.append(str(folder))
    stamp = folder / "key"
    if stamp.exists() and stamp.read_text() == _bundle_key() and (folder / SCRIPT).exists():
        return
    # In a child process, not a thread: vl-convert holds the GIL while it bundles (~2 s), which
    # would stop Sphinx meanwhile.
    import subprocess
    import sys

    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); " \
           f"import nnbook_explore; nnbook_explore._make_bundle({str(folder)!r})"
    app._nnbook_explore_process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)


def _page_has_chart(doctree) -> bool:
    return any(MARKER in node.astext() for node in doctree.findall(nodes.raw) if "html" in node.get("format", ""))


def _add_to_page(app, pagename, templatename, context, doctree):
    if doctree is not None and _page_has_chart(doctree):
        app.add_js_file(SCRIPT, type="module")
        app.add_css_file(STYLE)


def _wait(app, *args):
    process = getattr(app, "_nnbook_explore_process", None)
    if process is not None:
        app._nnbook_explore_process = None
        _, err = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"nnbook_explore: making {SCRIPT} failed:\n{err.decode(errors='replace')}")
    return []


class StaticFallback(SphinxPostTransform):
    """Give every chart output a PNG alternative, for the builders that do not write HTML."""

    default_priority = 3  # before myst-nb's SelectMimeType (4) picks one output per builder

    def run(self, **kwargs):
        if self.app.builder.format == "html":
            return
        from nnbook import explore

        def is_bundle(node):
            return isinstance(node, nodes.container) and node.get("nb_element") == "mime_bundle"

        for bundle in list(self.document.findall(is_bundle)):
            types = {child.get("mime_type"): child for child in bundle.children}
            page = types.get("text/html")
            if page is None or "image/png" in types or MARKER not in page.astext():
                continue
            source = page.astext()
            name = f"explore-{hashlib.sha256(source.encode()).hexdigest()[:16]}.png"
            target = Path(self.app.builder.outdir) / name
            if not target.exists():
                target.write_bytes(explore.png_from_spec(explore.spec_from_html(source)))
            alt = source.split('aria-label="', 1)[1].split('"', 1)[0] if 'aria-label="' in source else "chart"
            image = nodes.image(uri=name, alt=alt, candidates={"*": name})
            image["width"] = "100%"
            bundle.append(nodes.container("", image, mime_type="image/png"))


def setup(app):
    app.add_post_transform(StaticFallback)
    app.connect("builder-inited", _start, priority=100)  # before the chapters execute (nnbook_cache)
    app.connect("html-page-context", _add_to_page)
    app.connect("html-collect-pages", _wait)  # static files are copied after this
    app.connect("build-finished", lambda app, exc: _wait(app))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
