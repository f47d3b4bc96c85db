"""The code a reader sees runs when copied: each chapter's visible code cells, pasted in order
into a fresh notebook, run without error (issue 14, "copyable code").

Visible means every code cell not tagged ``remove-cell`` or ``remove-input`` (a ``hide-input``
cell is collapsed but shown). The cells run in one fresh namespace per chapter, from the
chapter's folder, with ``NNBOOK_RESULTS_CACHE`` pointing at the build's results cache
(``_build/.nnbook_results``), so each ``run_chapter()`` returns the build's results at once
instead of training again. Collected with ``--site-dir`` because it needs that build.
"""

from __future__ import annotations

import os
import re
import traceback
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HIDDEN = {"remove-cell", "remove-input"}


def _chapters() -> list[Path]:
    """The book's executable chapters: MyST notebooks (jupytext front matter with a kernelspec)."""
    chapters = []
    for path in sorted((ROOT / "book").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = re.match(r"---\n(.*?)\n---\n", text, re.S)
        if front and "kernelspec" in (yaml.safe_load(front.group(1)) or {}):
            chapters.append(path)
    return chapters


def visible_code_cells(path: Path) -> list[tuple[int, str]]:
    """``(cell number, source)`` of each code cell a reader sees, in order (numbered from 1
    among all the chapter's code cells, as they appear in the .md file)."""
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return [(number, cell.source) for number, cell in enumerate(cells, start=1)
            if not HIDDEN & set(cell.metadata.get("tags", []))]


def run_cells(cells, cwd: Path) -> None:
    """Run ``cells`` in order in one fresh namespace from ``cwd``; raise AssertionError naming
    the first cell that fails."""
    namespace = {"__name__": "__main__"}
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        for number, source in cells:
            try:
                exec(compile(source, f"<cell {number}>", "exec"), namespace)
            except Exception as error:  # noqa: BLE001 - any failure of a pasted cell is the finding
                raise AssertionError(
                    f"code cell {number} fails when the visible cells are pasted in order into a "
                    f"fresh notebook: {type(error).__name__}: {error}\n--- cell {number} ---\n{source}\n"
                    f"--- traceback ---\n{traceback.format_exc(limit=-3)}") from None
    finally:
        os.chdir(previous)


@pytest.fixture(scope="module")
def results_cache(request) -> Path:
    cache = Path(request.config.getoption("--site-dir")).resolve().parent / ".nnbook_results"
    assert cache.is_dir(), f"no results cache of the build at {cache}"
    return cache


@pytest.mark.parametrize("chapter", _chapters(), ids=lambda p: p.stem)
def test_visible_cells_run_in_a_fresh_namespace(chapter, results_cache, monkeypatch):
    cells = visible_code_cells(chapter)
    assert cells, f"{chapter.name}: no visible code cell"
    first = cells[0][1]
    assert re.search(r"\.run_chapter\(", first) and "import" in first, (
        f"{chapter.name}: the first visible cell must hold the imports and results = <module>.run_chapter()")
    assert not re.search(r"\bas exp\b|\bexp\.", "\n".join(source for _, source in cells)), (
        f"{chapter.name}: an experiment module imported as `exp`; import it by its own name")
    monkeypatch.setenv("NNBOOK_RESULTS_CACHE", str(results_cache))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    run_cells(cells, chapter.parent)


class _OutputText(HTMLParser):
    """The text of every ``<div class="cell_output ...">`` of a page, one string per output."""

    def __init__(self):
        super().__init__()
        self.depth = 0      # <div> nesting inside the current output (0: not in an output)
        self.outputs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag != "div":
            return
        if self.depth:
            self.depth += 1
        elif "cell_output" in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.outputs.append("")

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.outputs[-1] += data


def test_outputs_print_numbers_as_numbers(request):
    site = Path(request.config.getoption("--site-dir"))
    pages = sorted((site / "book").glob("*.html"))
    assert pages
    found = []
    for page in pages:
        parser = _OutputText()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.name}: {text[max(0, m.start() - 40):m.end() + 30].strip()!r}"
                  for text in parser.outputs for m in re.finditer(r"np\.(?:float|int)\d+\(", text)]
    assert not found, "outputs show numpy scalar reprs instead of numbers:\n" + "\n".join(found)
