"""Checks of the built HTML book (run by CI after the strict build: pytest tests/site --site-dir _build/html)."""

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _toc_files():
    """Every page of _toc.yml: the root, the chapters of each part and their sections."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())

    def walk(entries):
        for entry in entries:
            yield entry["file"]
            yield from walk(entry.get("sections", []))

    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += list(walk(part.get("chapters", [])))
    return files


@pytest.fixture(scope="module")
def site(request) -> Path:
    path = Path(request.config.getoption("--site-dir"))
    assert path.is_dir(), f"no built site at {path}"
    return path


@pytest.mark.parametrize("page", _toc_files())
def test_page_exists_and_is_clean(site, page):
    html_file = site / f"{page}.html"
    assert html_file.exists(), f"{page} from _toc.yml was not built"
    html = html_file.read_text(encoding="utf-8")
    for marker in ("Traceback (most recent call last)", 'class="output traceback', 'class="output stderr'):
        assert marker not in html, f"{page}: error output ({marker!r})"
    assert ">??<" not in html, f"{page}: unresolved reference"
    for src in re.findall(r'<img[^>]+src="([^"]+)"', html):
        if urlparse(src).scheme in ("http", "https", "data"):
            continue
        target = (html_file.parent / unquote(src)).resolve()
        assert target.exists(), f"{page}: missing image {src}"


def test_activations_page_shows_its_figures(site):
    html = (site / "book" / "activations.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<img[^>]+src="[^"]+\.png"', html)) >= 8
    assert html.count('class="caption-number"') >= 8
    for label in ("fig-classic-activations", "fig-selu-constants", "tbl-activation-properties"):
        assert f'id="{label}"' in html


def _pages(site):
    return [site / f"{page}.html" for page in _toc_files()]


EXTERNAL = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', re.I)


def test_no_page_loads_anything_from_outside(site):
    """Offline: every script, stylesheet, font and image comes from the site itself."""
    for html_file in _pages(site) + [site / "search.html", site / "genindex.html"]:
        html = html_file.read_text(encoding="utf-8")
        # <link rel="canonical"> and the like name a URL without loading it
        loaded = [url for url in EXTERNAL.findall(html)
                  if not re.search(rf'<link[^>]+rel="(?:canonical|author|license)"[^>]+href="{re.escape(url)}"', html)]
        assert not loaded, f"{html_file.name} loads external resources: {loaded}"
        for css in re.findall(r'href="([^"]+\.css)[^"]*"', html):
            if urlparse(css).scheme:
                continue
            text = (html_file.parent / unquote(css.split("?")[0])).resolve().read_text(encoding="utf-8", errors="replace")
            assert not re.search(r"url\((['\"]?)(https?:)?//", text), f"{css} loads a remote font or image"


def test_mathjax_is_served_locally(site):
    html = (site / "book" / "activations.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', html, re.I)
    assert scripts and all(not urlparse(s).scheme for s in scripts), scripts
    for src in scripts:
        assert (site / "book" / unquote(src.split("?")[0])).resolve().exists(), src


def test_every_figure_has_its_caption_as_alt_text(site):
    for html_file in _pages(site):
        html = html_file.read_text(encoding="utf-8")
        for img in re.findall(r"<img[^>]*>", html):
            alt = re.search(r'alt="([^"]*)"', img)
            assert alt and alt.group(1).strip(), f"{html_file.name}: image without alt text: {img[:120]}"
            assert not re.fullmatch(r"[./_a-z]*[0-9a-f]{32,}\.png", alt.group(1)), f"{html_file.name}: alt is a file name"


def test_chapter_pages_stay_light(site):
    """HTML plus images of each chapter page within 400 KB (scripts and styles are cached once).
    The generated API reference is text only and is not a chapter."""
    for html_file in _pages(site):
        if html_file.stem == "api" or html_file.parent.name == "api":
            continue
        html = html_file.read_text(encoding="utf-8")
        size = len(html.encode())
        for src in set(re.findall(r'<img[^>]+src="([^"]+)"', html)):
            if not urlparse(src).scheme:
                size += (html_file.parent / unquote(src)).resolve().stat().st_size
        assert size <= 400_000, f"{html_file.name}: {size / 1000:.0f} KB of HTML and images"


def test_page_titles_name_the_book_once(site):
    for html_file in _pages(site):
        title = re.search(r"<title>(.*?)</title>", html_file.read_text(encoding="utf-8"), re.S).group(1)
        assert title.count("Training Neural Networks, Part I") <= 1, title


def _chapter_pages():
    """Toc pages that are executed notebooks (jupytext front matter with a kernelspec)."""
    return [page for page in _toc_files() if "kernelspec" in (ROOT / f"{page}.md").read_text(encoding="utf-8")[:600]]


@pytest.mark.parametrize("page", _chapter_pages())
def test_each_chapter_offers_its_executed_notebook(site, page):
    import json

    html = (site / f"{page}.html").read_text(encoding="utf-8")
    link = re.search(r'href="([^"]*_sources/[^"]+\.ipynb)"', html)
    assert link, f"{page}: no .ipynb in the download menu"
    notebook = json.loads((site / page).parent.joinpath(unquote(link.group(1))).resolve().read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    outputs = [output for cell in code for output in cell.get("outputs", [])]
    assert code and outputs, f"{page}: the downloadable notebook has no outputs"
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    if page == "book/activations":  # its figures travel inside the notebook
        assert sum("image/png" in output.get("data", {}) for output in outputs) >= 8


def _search_index(site):
    import json

    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def test_search_finds_chapters_not_api_pages(site):
    index = _search_index(site)
    docnames = index["docnames"]
    api_pages = {i for i, name in enumerate(docnames) if name.startswith("book/api/")}
    assert api_pages, "no API pages in the search index"
    for term, docs in index["terms"].items():
        docs = {docs} if isinstance(docs, int) else set(docs)
        assert not docs & api_pages, f"API page in the full-text hits for {term!r}"
    hidden = [f"{prefix}.{entry[4]}" for prefix, entries in index["objects"].items() for entry in entries
              if prefix.startswith(("nnbook.experiments", "nnbook.figures"))]
    assert not hidden, f"the book's experiments and figures are searchable objects: {hidden[:5]}"
    reference = {f"{prefix}.{entry[4]}" for prefix, entries in index["objects"].items() for entry in entries}
    assert "nnbook.activations.get" in reference and "nnbook.init.he_normal" in reference


def test_reference_list_is_labelled_author_year(site):
    html = (site / "book" / "references.html").read_text(encoding="utf-8")
    labels = re.findall(r'<span class="fn-bracket">\[</span>([^<]+)<span class="fn-bracket">\]</span>', html)
    assert len(labels) >= 15
    assert all(re.fullmatch(r"[^\d]+, (19|20)\d\d[a-z]?", label) for label in labels), labels
    assert "He et al., 2015" in labels and "Glorot and Bengio, 2010" in labels
