"""Hyperparameter and practice experiments on small settings; the results cache; the API page's examples."""

import re
from pathlib import Path

import numpy as np
import pytest

from nnbook import figures
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
    comp = practice.activation_comparison(("tanh", "sigmoid"), lrs=(0.1,), seeds=(0, 1), epochs=3)
    assert comp.ranking() == ["tanh", "sigmoid"]
    m, sd = comp.accuracy("tanh")
    assert 0.5 < m <= 1 and sd >= 0
    rows = practice.comparison_rows(comp)
    assert rows[0][0] == "tanh" and rows[0][1] == "xavier_normal"


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


def test_claims_table_is_complete():
    rows = practice.claims(practice.run_chapter())
    assert len(rows) >= 15
    for c in rows:
        assert c.verdict in ("holds", "holds here, with caveats", "does not hold here", "does not hold")
        assert re.search(r"\d", c.evidence)  # every verdict cites a measured number
        assert c.where.startswith("{")


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


