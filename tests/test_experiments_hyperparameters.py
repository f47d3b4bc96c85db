"""Tests of the hyperparameter-search experiments and figures (small configurations)."""

import numpy as np
import pytest

from nnbook import figures, nn, stats
from nnbook.experiments import hyperparameters as hp


def test_toy_losses_have_their_valley_at_the_peak():
    assert hp.toy_loss(0.3, 0.5, 0.3) == pytest.approx(0.0)
    assert hp.toy_loss_both(0.3, 0.7, 0.3, 0.7) == pytest.approx(0.0)
    # y barely matters in toy_loss, as much as x in toy_loss_both
    assert hp.toy_loss(0.3, 0.9, 0.3) < 0.01
    assert hp.toy_loss_both(0.3, 0.9, 0.3, 0.7) == pytest.approx(hp.toy_loss_both(0.5, 0.7, 0.3, 0.7))


@pytest.mark.parametrize("important", ["x", "both"])
def test_random_vs_grid_pairs_strategies_by_problem(important):
    r = hp.random_vs_grid(n_side=3, problems=200, rng=1, important=important)
    assert r.grid.shape == (9, 2) and r.random.shape == (9, 2)
    assert r.best_grid.shape == r.best_random.shape == (200,)
    assert np.all((r.best_grid >= 0) & (r.best_grid <= 1.05)) and np.all(r.best_random >= 0)
    # the same seed gives the same problems and the same draws
    again = hp.random_vs_grid(n_side=3, problems=200, rng=1, important=important)
    np.testing.assert_array_equal(r.best_random, again.best_random)
    with pytest.raises(ValueError, match="important"):
        hp.random_vs_grid(important="y")


def test_random_search_wins_only_when_few_parameters_matter():
    few = stats.paired(*(lambda r: (r.best_grid, r.best_random))(hp.random_vs_grid(problems=400, rng=3)))
    both = stats.paired(*(lambda r: (r.best_grid, r.best_random))(hp.random_vs_grid(problems=400, rng=3,
                                                                                   important="both")))
    assert stats.verdict(few) == "holds"
    assert stats.verdict(both) == "does not hold"


def test_momentum_steps_follow_nn_train_exactly():
    problem = hp.digits_problem(n_train=100, n_val=20)
    a, b = hp._digits_net(4), hp._digits_net(4)
    nn.train(a, problem.X_train, problem.y_train, lr=0.05, epochs=2, batch_size=32, momentum=0.9, rng=7)
    losses, ratios = hp._momentum_steps(b, problem.X_train, problem.y_train, [0.05] * 8, batch_size=32, rng=7)
    for wa, wb in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(wa, wb, rtol=1e-12, atol=1e-15)
    assert losses.shape == (8,) and ratios.shape == (8, 2) and np.all(ratios > 0)


def test_sanity_checks_small():
    s = hp.sanity_checks(seeds=range(3), tiny=10, epochs=60)
    assert s.log_classes == pytest.approx(np.log(10))
    assert s.initial_losses.shape == (3,) and np.all(s.bad_initial_losses > 3 * s.initial_losses)
    assert s.tiny_loss[-1] < s.tiny_loss[0] / 100 and s.tiny_train_accuracy == 1.0


def test_update_ratios_grow_with_the_learning_rate():
    u = hp.update_ratios(lrs=(1e-3, 1e-2, 1e-1), epochs=1)
    assert u.ratios.shape == (3, 2)
    assert np.all(np.diff(u.ratios, axis=0) > 0)


def test_lr_range_test_rule():
    r = hp.lr_range_test(steps=60)
    assert np.all(np.diff(np.log(r.lrs)) > 0)
    k = int(np.argmin(r.smoothed))
    assert r.suggested == pytest.approx(r.lrs[k] / 10)
    # it stopped either at the end or because the smoothed loss passed 4 × its minimum
    assert len(r.lrs) == 60 or r.smoothed[-1] > 4 * r.smoothed.min()
    with pytest.raises(ValueError, match="lr_max"):
        hp.lr_range_test(lr_min=1.0, lr_max=0.1)


def test_successive_halving_keeps_the_best_of_each_rung():
    sh = hp.successive_halving(n_configs=4, eta=2, searches=2, min_epochs=1)
    assert sh.budget == 4 * 1 + 2 * 2 + 1 * 4
    for rungs in sh.rungs:
        assert [len(lrs) for _, lrs, _ in rungs] == [4, 2, 1]
        assert [e for e, _, _ in rungs] == [1, 2, 4]
        for (_, lrs, values), (_, kept, _) in zip(rungs, rungs[1:]):
            best = lrs[np.argsort(values, kind="stable")[:len(kept)]]
            np.testing.assert_array_equal(np.sort(best), np.sort(kept))
    np.testing.assert_array_equal(sh.best_halving, [r[-1][2][0] for r in sh.rungs])
    assert sh.best_random.shape == (2,)


def test_winners_curse_retrains_with_the_seeds_it_names():
    ctf = hp.coarse_to_fine(n_coarse=3, n_fine=2, epochs=1)
    w = hp.winners_curse(ctf, top=2, seeds=[1, 2], epochs=1)
    assert w.retrained.shape == (2, 2)
    assert w.search_values[0] == min(t.value for t in ctf.coarse + ctf.fine)
    problem = hp.digits_problem()
    cfg = w.configs[0]
    _, history = hp._train_digits(problem, cfg["lr"], cfg["weight_decay"], epochs=1, seed=2)
    assert w.retrained[0, 1] == pytest.approx(history.val_loss[-1], rel=1e-10)


@pytest.fixture(scope="module")
def small_results():
    ctf = hp.coarse_to_fine(n_coarse=3, n_fine=2, epochs=1)
    return {"rvg": hp.random_vs_grid(problems=60), "rvg_both": hp.random_vs_grid(problems=60, important="both"),
            "scales": hp.sampling_scales(n=100), "search": ctf, "curse": hp.winners_curse(ctf, seeds=[1, 2], epochs=1),
            "curves": hp.lr_curves(epochs=2), "edge": hp.edge_example(n=3, epochs=1),
            "sanity": hp.sanity_checks(seeds=range(2), tiny=10, epochs=5),
            "trainval": hp.train_val_curves(epochs=3), "ratios": hp.update_ratios(lrs=(1e-2, 0.1), epochs=1),
            "range": hp.lr_range_test(steps=30), "halving": hp.successive_halving(n_configs=4, eta=2, searches=2)}


def test_summary_and_claims(small_results):
    out = hp.summary(small_results)
    assert out["sh-budget"] == 12 and out["curse-seeds"] == 2
    claims = hp.claims(small_results)
    assert len({c.id for c in claims}) == len(claims)
    for c in claims:
        assert c.verdict in stats.VERDICTS and c.effect is not None
        assert c.verdict == stats.verdict(c.effect)
        assert out[f"claim-{c.id}-verdict"] == c.verdict


def test_hyperparameter_figures_render(small_results):
    r = small_results
    F = figures.hyperparameters
    figs = [F.random_vs_grid(r["rvg"], r["rvg_both"]), F.sampling_scales(r["scales"]), F.coarse_to_fine(r["search"]),
            F.lr_curves(r["curves"]), F.sanity_checks(r["sanity"]), F.train_val_curves(r["trainval"]),
            F.update_ratios(r["ratios"]), F.lr_range_test(r["range"], 0.1), F.successive_halving(r["halving"]),
            F.winners_curse(r["curse"])]
    for fig in figs:
        assert fig.axes
        assert fig.get_figwidth() <= 6.4 + 1e-9
