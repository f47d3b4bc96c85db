"""Hyperparameter and practice experiments on small settings; the claims ledger on hand-made claims; the results
cache; the API page's examples."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from nnbook import figures, stats
from nnbook.experiments import _memo
from nnbook.experiments import hyperparameters as hp
from nnbook.experiments import practice

ROOT = Path(__file__).resolve().parents[1]


def test_random_beats_grid_on_average_when_one_parameter_matters():
    res = hp.random_vs_grid(problems=500, rng=0)
    assert len(np.unique(res.grid[:, 0])) == 3 and len(np.unique(res.random[:, 0])) == 9
    assert res.best_random.mean() < res.best_grid.mean()
    again = hp.random_vs_grid(problems=500, rng=0)
    np.testing.assert_array_equal(res.best_random, again.best_random)


def test_sampling_scales_shares():
    res = hp.sampling_scales(n=5000)
    assert res["share"]["linear"][-1] > 0.85
    np.testing.assert_allclose(res["share"]["log"], 0.2, atol=0.03)


def test_coarse_to_fine_and_edges_on_a_small_budget():
    ctf = hp.coarse_to_fine(n_coarse=4, n_fine=3, epochs=2)
    assert len(ctf.coarse) == 4 and len(ctf.fine) == 3
    assert ctf.best.value == min(t.value for t in ctf.coarse + ctf.fine)
    assert 0 < ctf.test_accuracy <= 1
    lo, hi = ctf.fine_space["lr"].low, ctf.fine_space["lr"].high
    assert ctf.coarse_space["lr"].low <= lo * 10 and hi <= ctf.coarse_space["lr"].high * 10
    edge = hp.edge_example(n=4, epochs=2)
    assert edge["edge"] == ["lr"]  # the range is too low: the best is at its top


def test_lr_curves_order():
    curves = hp.lr_curves(lrs=(0.001, 0.05), epochs=3)
    assert curves[0.05][-1] < curves[0.001][-1]


def test_activation_comparison_small():
    comp = practice.activation_comparison(("tanh", "sigmoid"), lrs=(0.03, 0.3), seeds=(0, 1, 2), epochs=3)
    assert comp.ranking() == ["tanh", "sigmoid"]
    for a in comp.activations:
        assert comp.val_accuracy[a].shape == (2, 3) and comp.train_loss[a].shape == (2, 3, 3)
        # the rate is the validation argmax; only the runs at that rate are scored on the test split
        assert comp.chosen_lr[a] == comp.lrs[int(np.argmax(comp.val_accuracy[a].mean(axis=1)))]
        assert comp.test_accuracy[a].shape == (3,)
    m, sd = comp.accuracy("tanh")
    assert 0.5 < m <= 1 and sd >= 0
    e = comp.effect("tanh", "sigmoid")
    assert e.n == 3 and e.unit == "test accuracy points"
    np.testing.assert_allclose(e.differences, 100 * (comp.test_accuracy["tanh"] - comp.test_accuracy["sigmoid"]))
    rows = practice.comparison_rows(comp)
    assert rows[0][0] == "tanh" and rows[0][1] == "xavier_normal"
    with pytest.raises(ValueError, match="seeds"):
        practice.activation_comparison(("tanh",), lrs=(0.1,), seeds=(0,), epochs=1)


def test_activation_comparison_pairs_seeds_and_chooses_on_validation_only(monkeypatch):
    # changing the test labels must not change the chosen learning rates
    comp = practice.activation_comparison(("relu",), lrs=(0.001, 0.03), seeds=(0, 1), epochs=2)
    problem = hp.digits_problem()
    real = hp.digits_problem

    def scrambled():
        p = real()
        p.y_test = (p.y_test + 1) % 10
        return p

    monkeypatch.setattr(practice, "digits_problem", scrambled)
    again = practice.activation_comparison(("relu",), lrs=(0.001, 0.03), seeds=(0, 1), epochs=2)
    assert again.chosen_lr == comp.chosen_lr
    np.testing.assert_array_equal(again.val_accuracy["relu"], comp.val_accuracy["relu"])
    assert len(problem.y_val) == 300


def _effect(diffs, unit="points"):
    return stats.one_sample(diffs, unit=unit)


def _claims():
    up, down, zero = _effect([1.0, 2.0, 1.5, 1.2]), _effect([-1.0, -2.0, -1.5, -1.2]), _effect([1.0, -1.0, 0.5, -0.4])
    return [("saturation", stats.Claim("a-holds", "A holds.", "{cite:t}`he2015delving`", "a", "holds", up, "fig-a")),
            ("saturation", stats.Claim("b-fails", "B.", "CS231n", "b", "does not hold", down, "tbl-b")),
            ("practice", stats.Claim("c-none", "C.", "notes", "c", "no detectable difference", zero, "practice")),
            ("practice", stats.Claim("d-identity", "D.", "notes", "d", "holds", None, "sec-d"))]


def test_weakest_effect_decides_a_claim_about_several_comparisons():
    up, big, zero, down = (_effect(d) for d in ([1.0, 2.0, 1.5], [5.0, 6.0, 5.5], [1.0, -1.0, 0.5], [-3.0, -2.0, -2.5]))
    assert practice._weakest([big, up]) is up
    assert stats.verdict(practice._weakest([big, up])) == "holds"
    assert practice._weakest([big, zero, up]) is zero
    assert practice._weakest([big, zero, down]) is down
    assert practice._kendall_tau(("a", "b", "c"), {"a": 3, "b": 2, "c": 1}) == 1.0
    assert practice._kendall_tau(("a", "b", "c"), {"a": 1, "b": 2, "c": 3}) == -1.0


def test_ledger_from_hand_made_claims():
    entries = _claims()
    urls = {"fig-a": "book/saturation.html#fig-a", "tbl-b": "book/saturation.html#tbl-b", "practice":
            "book/practice.html#practice", "sec-d": "book/practice.html#sec-d"}
    out = practice.ledger(entries, version="9.9", source_hash="abc", evidence_url=urls.__getitem__,
                          cite=lambda key: {"he2015delving": "He et al. 2015"}[key])
    assert out["version"] == "9.9" and out["source_hash"] == "abc" and out["verdicts"] == list(stats.VERDICTS)
    rows = {r["id"]: r for r in out["claims"]}
    assert list(rows) == ["a-holds", "b-fails", "c-none", "d-identity"]
    a = rows["a-holds"]
    assert a["source"] == "He et al. 2015" and a["chapter"] == "saturation"
    assert a["evidence"] == "book/saturation.html#fig-a" and a["evidence_label"] == "fig-a"
    assert a["n"] == 4 and a["unit"] == "points" and a["ci"][0] > 0 and a["effect"] > 0
    for r in out["claims"]:
        assert r["verdict"] in stats.VERDICTS
        if r["ci"] is not None:
            lo, hi = r["ci"]
            assert (r["verdict"] == "holds") == (lo > 0) and (r["verdict"] == "does not hold") == (hi < 0)
            assert (r["verdict"] == "no detectable difference") == (lo <= 0 <= hi)
    assert rows["d-identity"]["n"] is None and rows["d-identity"]["ci"] is None
    json.dumps(out, allow_nan=False)
    with pytest.raises(ValueError, match="twice"):
        practice.ledger(entries + entries[:1], version="1", source_hash="x")


def test_book_claims_rejects_duplicate_ids(monkeypatch):
    comp_claims = [stats.Claim("a-holds", "A again.", "x", "y", "holds", _effect([1.0, 1.2, 1.1]), "fig-x")]
    monkeypatch.setattr(practice, "claims", lambda results: comp_claims)
    results = {"chapters": [("saturation", [c for _, c in _claims()[:2]])]}
    with pytest.raises(ValueError, match="a-holds"):
        practice.book_claims(results)
    monkeypatch.setattr(practice, "claims", lambda results: [])
    assert [c.id for _, c in practice.book_claims(results)] == ["a-holds", "b-fails"]


def test_chapter_claims_skips_modules_without_claims(monkeypatch):
    from types import SimpleNamespace

    with_claims = SimpleNamespace(run_chapter=lambda: {"x": 1}, claims=lambda results: [_claims()[0][1]] * results["x"])
    modules = {"nnbook.experiments.one": with_claims, "nnbook.experiments.two": SimpleNamespace(run_chapter=None)}
    monkeypatch.setattr(practice.importlib, "import_module", modules.__getitem__)
    out = practice.chapter_claims(("one", "two"))
    assert [(name, [c.id for c in cs]) for name, cs in out] == [("one", ["a-holds"])]


def test_standardized_effect_keeps_the_verdict():
    for diffs in ([1.0, 2.0, 1.5], [-1.0, -2.0, -1.5], [1.0, -1.0, 0.5, 0.2]):
        e = _effect(diffs)
        d, lo, hi = practice.standardized(e)
        sd = np.std(diffs, ddof=1)
        assert d == pytest.approx(np.mean(diffs) / sd)
        assert (lo > 0) == (e.ci[0] > 0) and (hi < 0) == (e.ci[1] < 0)
        bare = stats.Effect(e.mean, e.ci, e.n)  # no stored differences: sd from the interval's width
        assert practice.standardized(bare) == pytest.approx((d, lo, hi))
    assert practice.standardized(_effect([1.0, 1.0, 1.0]))[0] == np.inf


def test_claims_rows_link_the_evidence():
    rows = practice.claims_rows(_claims())
    assert rows[0][-1] == "**holds** ({numref}`fig-a`)" and rows[2][-1].endswith("({ref}`practice`)")
    assert "n = 4" in rows[0][2] and rows[3][2] == "—"
    assert rows[1][0] == "B. (CS231n)"


def test_forest_plot_on_hand_made_claims():
    fig = figures.practice.forest_plot(_claims())
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Saturation", "a-holds", "b-fails", "In practice", "c-none"]  # d-identity has no interval
    with pytest.raises(ValueError, match="at least one"):
        figures.practice.forest_plot(_claims()[3:])
    context = stats.Claim("e-context", "E.", "x", "y", "not tested at a comparable scale", _effect([1.0, 2.0, 3.0]))
    assert len(figures.practice.forest_plot(_claims() + [("practice", context)]).axes[0].get_yticklabels()) == 5


def test_memoize_reuses_results_only_when_enabled(tmp_path, monkeypatch):
    calls = []

    @_memo.memoize
    def experiment(x, scale=1.0):
        calls.append(x)
        return {"value": x * scale if isinstance(x, int) else None}

    monkeypatch.delenv(_memo.ENV, raising=False)
    experiment(1)
    experiment(1)
    assert calls == [1, 1]  # no cache without the variable
    monkeypatch.setenv(_memo.ENV, str(tmp_path))
    assert experiment(2, scale=3.0) == {"value": 6.0}
    assert experiment(2, scale=3.0) == {"value": 6.0}
    assert experiment(2, scale=4.0) == {"value": 8.0}
    assert calls == [1, 1, 2, 2]
    assert not list(tmp_path.glob("*.lock"))
    experiment(np.random.default_rng(0))  # not a plain argument: computed, never cached
    experiment(np.random.default_rng(0))
    assert len(calls) == 6


def test_api_page_examples_run(tmp_path):
    # the three "reuse the package" examples on the API page must run as printed
    text = (ROOT / "book" / "api.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 3
    rng = np.random.default_rng(0)
    namespace = {"X_train": rng.normal(size=(50, 4)), "X_test": rng.normal(size=(10, 4))}
    for block in blocks:
        exec(compile(block, "api.md", "exec"), namespace)
    assert 0 <= namespace["stats"]["act_std"].min()


