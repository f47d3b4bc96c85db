"""The Sphinx extension that publishes claims.json: citations as plain text, evidence labels as URLs, the file."""

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

from nnbook import stats
from nnbook.experiments import practice

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nnbook_claims", ROOT / "book" / "_ext" / "nnbook_claims.py")
nnbook_claims = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nnbook_claims)

BIB = """@article{one2020, title = {A {Single} Author}, author = {G{\\'e}ron, Aur{\\'e}lien}, year = {2020}}
@article{two2021, title = {Two}, author = {Bergstra, James and Bengio, Yoshua}, year = {2021}}
@article{many2015, title = {Many}, author = {He, K. and Zhang, X. and Ren, S.}, year = {2015}}
"""


def test_citations_are_written_out_from_the_bibliography(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    cite = nnbook_claims._citation_text([bib])
    assert cite("one2020") == "Géron 2020, A Single Author"
    assert cite("two2021") == "Bergstra & Bengio 2021, Two"
    assert cite("many2015") == "He et al. 2015, Many"
    assert cite("missing") == "missing"
    assert practice.plain_source("{cite:t}`two2021` and {cite:p}`one2020,many2015`", cite) == \
        "Bergstra & Bengio 2021, Two and Géron 2020, A Single Author; He et al. 2015, Many"


def _app(tmp_path, labels):
    std = SimpleNamespace(labels=labels, anonlabels={"fig-anon": ("book/b", "fig-anon")})
    return SimpleNamespace(env=SimpleNamespace(get_domain=lambda name: std),
                           builder=SimpleNamespace(format="html", get_target_uri=lambda doc: f"{doc}.html"),
                           srcdir=str(tmp_path), outdir=str(tmp_path / "html"), config=SimpleNamespace(bibtex_bibfiles=[]))


def test_evidence_labels_resolve_to_page_and_anchor(tmp_path):
    app = _app(tmp_path, {"fig-a": ("book/a", "fig-a", "A figure"), "dead-relu": ("book/dead-relu", "dead-relu", "")})
    url = nnbook_claims._evidence_resolver(app)
    assert url("fig-a") == "book/a.html#fig-a"
    assert url("fig-anon") == "book/b.html#fig-anon"
    assert url("dead-relu") == "book/dead-relu.html#dead-relu"


def test_build_finished_writes_the_ledger(tmp_path, monkeypatch):
    effect = stats.one_sample([1.0, 1.2, 0.9], unit="points")
    claim = stats.Claim("a-claim", "A.", "notes", "m", "holds", effect, "fig-a")
    monkeypatch.setattr(practice, "run_chapter", lambda: {"chapters": [("saturation", [claim])]})
    monkeypatch.setattr(practice, "claims", lambda results: [])
    app = _app(tmp_path, {"fig-a": ("book/a", "fig-a", "A figure")})
    (tmp_path / "html").mkdir()
    nnbook_claims.write_ledger(app, None)
    data = json.loads((tmp_path / "html" / "claims.json").read_text(encoding="utf-8"))
    assert [c["evidence"] for c in data["claims"]] == ["book/a.html#fig-a"]
    assert data["claims"][0]["ci"] == list(effect.ci)
    nnbook_claims.write_ledger(SimpleNamespace(builder=SimpleNamespace(format="latex")), None)  # not HTML: nothing
