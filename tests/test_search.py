"""nnbook.search: seeded sampling, log-uniform range and distribution, grid coverage, edges."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnbook import search


def test_random_search_is_deterministic_under_a_seed():
    space = {"lr": search.LogUniform(1e-4, 1.0), "wd": search.Uniform(0.0, 0.1), "act": search.Choice(["a", "b"])}
    a = search.random_search(space, 20, rng=3)
    b = search.random_search(space, 20, rng=np.random.default_rng(3))
    c = search.random_search(space, 20, rng=4)
    assert a == b and a != c
    assert all(set(t) == {"lr", "wd", "act"} for t in a)
    assert all(isinstance(t["lr"], float) for t in a)


@given(st.floats(-8, 2), st.floats(0.5, 6), st.integers(0, 1000))
def test_log_uniform_stays_in_range(log_low, width, seed):
    low, high = 10.0**log_low, 10.0 ** (log_low + width)
    x = search.LogUniform(low, high).sample(seed, 200)
    assert np.all((x >= low * (1 - 1e-12)) & (x <= high * (1 + 1e-12)))


def test_log_uniform_gives_every_decade_the_same_share():
    x = search.LogUniform(1e-5, 1.0).sample(0, 100_000)
    counts, _ = np.histogram(np.log10(x), bins=np.arange(-5, 1))
    # each decade ~ Binomial(n, 1/5): std ≈ 126; allow 5 standard deviations
    assert np.all(np.abs(counts - 20_000) < 5 * math.sqrt(100_000 * 0.2 * 0.8))
    lin = search.Uniform(1e-5, 1.0).sample(0, 100_000)
    assert np.mean(lin > 0.1) > 0.85  # a linear draw wastes most samples on the top decade


def test_grid_search_covers_every_combination():
    space = {"lr": search.LogUniform(1e-3, 1e-1), "wd": search.Uniform(0, 1), "act": search.Choice(["relu", "tanh"])}
    grid = search.grid_search(space, points={"lr": 3, "wd": 2})
    assert len(grid) == 3 * 2 * 2
    combos = {(g["lr"], g["wd"], g["act"]) for g in grid}
    expected = set(itertools.product(np.geomspace(1e-3, 1e-1, 3), [0.0, 1.0], ["relu", "tanh"]))
    assert len(combos) == 12
    for c in expected:
        assert any(np.isclose(c[0], g[0]) and c[1] == g[1] and c[2] == g[2] for g in combos)
    assert search.Uniform(0, 1).grid(1)[0] == 0.5
    assert search.LogUniform(1e-4, 1).grid(1)[0] == pytest.approx(1e-2)


def test_evaluate_best_and_edges():
    space = {"lr": search.LogUniform(1e-4, 1.0)}
    trials = search.evaluate(lambda lr: (math.log10(lr) + 2) ** 2, search.grid_search(space, 5))
    assert search.best(trials).config["lr"] == pytest.approx(1e-2)
    assert search.at_edge(trials, space) == []
    trials = search.evaluate(lambda lr: -lr, search.grid_search(space, 5))  # best at the top end
    assert search.at_edge(trials, space) == ["lr"]
    diverged = search.evaluate(lambda lr: float("nan") if lr > 0.1 else lr, search.grid_search(space, 5))
    assert all(t.value == float("inf") for t in diverged if t.config["lr"] > 0.1)
    assert search.best(diverged).config["lr"] == pytest.approx(1e-4)


def test_narrow_zooms_in_around_the_best():
    space = {"lr": search.LogUniform(1e-5, 10.0), "act": search.Choice(["relu"])}
    trials = search.evaluate(lambda lr, act: abs(math.log10(lr) + 2), search.random_search(space, 40, rng=0))
    fine = search.narrow(trials, space, top=5)
    assert fine["act"] == space["act"]
    assert 1e-5 < fine["lr"].low < 1e-2 < fine["lr"].high < 10.0
    assert math.log10(fine["lr"].high / fine["lr"].low) < 3


def test_bad_spaces_and_ranges():
    with pytest.raises(ValueError, match="low < high"):
        search.Uniform(1.0, 1.0)
    with pytest.raises(ValueError, match="positive|> 0"):
        search.LogUniform(0.0, 1.0)
    with pytest.raises(ValueError, match="at least one"):
        search.Choice([])
    with pytest.raises(TypeError, match="Uniform, LogUniform or Choice"):
        search.random_search({"lr": (0.1, 1.0)}, 3, rng=0)
    with pytest.raises(ValueError, match="non-empty dict"):
        search.grid_search({})
    with pytest.raises(ValueError, match="trials is empty"):
        search.best([])
