"""Checks of the published ledger of claims, claims.json, and of the claims table in the built book
(run after the build: pytest tests/site --site-dir _build/html)."""

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from nnbook import stats

FIELDS = {"id", "claim", "source", "verdict", "effect", "ci", "unit", "n", "evidence"}


@pytest.fixture(scope="module")
def site(request) -> Path:
    path = Path(request.config.getoption("--site-dir"))
    assert path.is_dir(), f"no built site at {path}"
    return path


@pytest.fixture(scope="module")
def ledger(site):
    path = site / "claims.json"
    assert path.exists(), "the build did not publish claims.json at the site root"
    return json.loads(path.read_text(encoding="utf-8"))


def test_ledger_names_the_package_that_computed_it(ledger):
    assert ledger["package"] == "nnbook" and ledger["version"]
    assert re.fullmatch(r"[0-9a-f]{64}", ledger["source_hash"])
    assert ledger["verdicts"] == list(stats.VERDICTS)
    assert len(ledger["claims"]) >= 5


def test_every_verdict_agrees_with_its_own_interval(ledger):
    for c in ledger["claims"]:
        assert FIELDS <= set(c), f"{c.get('id')}: missing {FIELDS - set(c)}"
        assert c["verdict"] in stats.VERDICTS, c
        if c["ci"] is None:
            assert c["effect"] is None and c["n"] is None, c["id"]
            assert c["verdict"] in ("holds", "holds with caveats", "does not hold", "not tested at a comparable scale")
            continue
        lo, hi = c["ci"]
        assert lo <= c["effect"] <= hi and isinstance(c["n"], int) and c["n"] >= 2, c["id"]
        if c["verdict"] == "not tested at a comparable scale":
            continue
        assert (c["verdict"] in ("holds", "holds with caveats")) == (lo > 0), c["id"]
        assert (c["verdict"] == "does not hold") == (hi < 0), c["id"]
        assert (c["verdict"] == "no detectable difference") == (lo <= 0 <= hi), c["id"]

def test_claim_ids_are_unique_and_kebab_case(ledger):
    ids = [c["id"] for c in ledger["claims"]]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    for i in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i), i


def test_every_evidence_url_resolves_to_a_page_and_anchor(site, ledger):
    for c in ledger["claims"]:
        url = urlparse(c["evidence"])
        assert not url.scheme and url.path.endswith(".html"), f"{c['id']}: evidence {c['evidence']!r}"
        page = site / unquote(url.path)
        assert page.exists(), f"{c['id']}: no page {url.path}"
        if url.fragment:
            assert f'id="{url.fragment}"' in page.read_text(encoding="utf-8"), f"{c['id']}: no anchor #{url.fragment}"


def test_practice_page_links_the_ledger_and_lists_every_claim(site, ledger):
    html_file = site / "book" / "practice.html"
    html = html_file.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*claims\.json)"', html)
    assert links, "the practice page does not link claims.json"
    for link in links:
        assert (html_file.parent / unquote(link)).resolve() == (site / "claims.json").resolve()
    table = html[html.index('id="tbl-claims"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr") - 1 == len(ledger["claims"])  # one row per claim, plus the header
    assert 'id="fig-forest"' in html
