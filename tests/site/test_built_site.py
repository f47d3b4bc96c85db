"""Checks of the built HTML book (run by CI after the strict build: pytest tests/site --site-dir _build/html)."""

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
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
