"""nnbook.explore and experiments.explorables: every chart's embedded data is the package's numbers.

Each chart is built from a small grid; the rows it embeds are compared, at sampled grid points,
with a direct call of the experiment the chapter uses (softmax.temperature_sweep,
initialization.layer_stats, nn.train + diagnostics, nonlinearity.bending_space).
"""

import inspect
from types import SimpleNamespace

import numpy as np
import pytest

from nnbook import activations, diagnostics, explore, nn
from nnbook.experiments import dead_relu, explorables, initialization, nonlinearity, softmax


def _rows(chart, name):
    return chart.data()[name]


def _params(chart):
    return {p["name"]: p for p in chart.spec()["params"]}


# ----------------------------------------------------------------------------- softmax


def test_temperature_chart_embeds_softmax_of_the_package():
    chart = explore.temperature(explorables.temperature_grid())
    bars, curve = _rows(chart, "bars"), _rows(chart, "curve")
    assert len(curve) == 121 and len(bars) == 121 * len(softmax.LOGITS)
    for lt in (-3.0, -1.0, -0.35, 0.0, 0.5, 3.0):
        direct = softmax.temperature_sweep(softmax.LOGITS, [10.0 ** lt])
        shown = [r["p"] for r in bars if r["lt"] == lt]
        np.testing.assert_allclose(shown, direct.probabilities[0], rtol=1e-5, atol=1e-12)
        (H,) = [r["H"] for r in curve if r["lt"] == lt]
        assert H == pytest.approx(float(direct.entropies[0]), rel=1e-5, abs=1e-12)
    slider = _params(chart)["lt"]["bind"]
    assert (slider["min"], slider["max"], slider["step"]) == (-3.0, 3.0, 0.05)


def test_explorable_bundle_is_offline_html_and_text_and_renders_a_png():
    chart = explore.temperature(explorables.temperature_grid(log10_t=[-1.0, 0.0, 1.0]))
    data = chart._repr_mimebundle_()
    assert set(data) == {"text/html", "text/plain"}
    page = data["text/html"]
    assert 'class="nnbook-explore"' in page and "<script src" not in page and "cdn" not in page.lower()
    assert explore.spec_from_html(page) == chart.spec()
    assert chart.spec()["config"]["font"] == explore.FONT
    png = chart.png()  # the PDF's fallback, from the same spec
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert 2 * 500 < width < 2 * 1000  # two pixels per CSS pixel


# ----------------------------------------------------------------------------- initialization


@pytest.fixture(scope="module")
def scale_grid():
    return explorables.init_scale_grid(log10_std=[-2.0, -1.0, 0.0], depth=3, width=40, n=20)


def test_scale_grid_equals_layer_stats(scale_grid):
    g = scale_grid
    assert g.xavier == pytest.approx(np.sqrt(1 / 40)) and g.he == pytest.approx(np.sqrt(2 / 40))
    # the exact Xavier and He stds are grid points, in increasing order
    assert np.all(np.diff(g.stds) > 0) and np.isclose(g.stds, g.xavier).any() and np.isclose(g.stds, g.he).any()
    for a, name in enumerate(g.activations):
        for s in (0, 2, 4):
            direct = initialization.layer_stats(name, ("normal", float(g.stds[s])), depth=3, width=40, n=20,
                                                samples=20 * 40, rng=0)
            np.testing.assert_allclose(g.act_std[a, s], direct.act_std, rtol=1e-12)
            np.testing.assert_allclose(g.grad_std[a, s], direct.grad_std, rtol=1e-12)
            for layer in range(3):
                counts, _ = np.histogram(direct.act_samples[layer], bins=explorables.HISTOGRAM_BINS,
                                         range=(g.lo[a, s], g.hi[a, s]))
                np.testing.assert_array_equal(g.counts[a, s, layer], counts)
                assert counts.sum() == 20 * 40  # every value inside the range


def test_initialization_chart_embeds_the_grid(scale_grid):
    g = scale_grid
    chart = explore.initialization_scale(g)
    rows = _rows(chart, "layers")
    assert len(rows) == len(g.activations) * g.stds.size * g.depth
    for a, name in enumerate(g.activations):
        for s in (1, 3):
            for layer in range(g.depth):
                (row,) = [r for r in rows if r["a"] == name and r["s"] == pytest.approx(g.stds[s], rel=1e-3)
                          and r["l"] == layer + 1]
                assert row["as"] == pytest.approx(g.act_std[a, s, layer], rel=1e-3)
                assert row["gs"] == pytest.approx(g.grad_std[a, s, layer], rel=1e-3)
                assert row["c"] == explore.histogram_heights(g.counts[a, s, layer]).tolist()
                assert max(row["c"]) == 100
    params = _params(chart)
    assert params["act"]["bind"]["options"] == list(g.activations)
    assert params["ls"]["value"] == pytest.approx(np.log10(g.xavier), abs=0.01)


def test_histogram_heights():
    np.testing.assert_array_equal(explore.histogram_heights([0, 5, 10, 2]), [0, 50, 100, 20])
    np.testing.assert_array_equal(explore.histogram_heights([0, 0]), [0, 0])


# ----------------------------------------------------------------------------- dead ReLUs

SMALL = dict(hidden=(16, 16), epochs=2, n_train=120)


@pytest.fixture(scope="module")
def dead_grid():
    return explorables.dead_relu_grid(lrs=[0.1, 3.0], seeds=(0, 1), **SMALL)


def test_dead_grid_members_equal_train_alone(dead_grid):
    X_raw, y = dead_relu.digits_subset(SMALL["n_train"])
    for k, prep in enumerate(dead_grid.inputs):
        X = X_raw if prep == "raw" else X_raw - X_raw.mean(axis=0)
        for i, j in ((0, 1), (1, 0)):
            lr, seed = float(dead_grid.lrs[i]), dead_grid.seeds[j]
            net = nn.MLP([64, *SMALL["hidden"], 10], "relu", "he_normal", rng=seed, dtype=np.float32)
            history = nn.train(net, X, y, lr=lr, epochs=SMALL["epochs"], batch_size=32, rng=seed,
                               on_divergence="stop")
            assert history.diverged == dead_grid.diverged[k, i, j]
            if not history.diverged:
                np.testing.assert_allclose(dead_grid.dead[k, i, j], diagnostics.dead_fractions(net, X, tol=1e-6))
                assert dead_grid.accuracy[k, i, j] == pytest.approx(history.accuracy[-1])


def test_dead_grid_is_the_chapter_sweep(dead_grid):
    if "arms" in inspect.signature(dead_relu.learning_rate_sweep).parameters:  # the sweep has input arms
        sweep = dead_relu.learning_rate_sweep(arms=[("ReLU", "raw"), ("ReLU", "centered")], lrs=dead_grid.lrs,
                                              seeds=dead_grid.seeds, **SMALL)
        converted = explorables.dead_relu_grid_from_sweep(sweep)
        for name in ("dead", "accuracy", "diverged"):
            np.testing.assert_allclose(getattr(converted, name), getattr(dead_grid, name))
    else:  # a sweep of raw inputs only
        sweep = dead_relu.learning_rate_sweep(configs=("ReLU",), lrs=dead_grid.lrs, seeds=dead_grid.seeds, **SMALL)
        np.testing.assert_allclose(dead_grid.dead[0].mean(axis=-1), sweep.dead["ReLU"])  # equal widths
        np.testing.assert_allclose(dead_grid.accuracy[0], sweep.accuracy["ReLU"])


def test_dead_chart_accepts_a_sweep_with_input_arms(dead_grid):
    arms = [("ReLU", "raw"), ("ReLU", "centered")]
    sweep = SimpleNamespace(arms=arms + [("ELU", "raw")], lrs=dead_grid.lrs, seeds=dead_grid.seeds,
                            dead_per_layer={arm: dead_grid.dead[k] for k, arm in enumerate(arms)},
                            accuracy={arm: dead_grid.accuracy[k] for k, arm in enumerate(arms)},
                            diverged={arm: dead_grid.diverged[k] for k, arm in enumerate(arms)})
    assert explore.dead_relu(sweep).data() == explore.dead_relu(dead_grid).data()
    with pytest.raises(ValueError, match="arms"):
        explorables.dead_relu_grid_from_sweep(SimpleNamespace(arms=[("ReLU", "raw")], dead_per_layer={}))


def test_dead_relu_chart_embeds_the_grid(dead_grid):
    chart = explore.dead_relu(dead_grid)
    dead, acc = _rows(chart, "dead"), _rows(chart, "accuracy")
    for k, prep in enumerate(dead_grid.inputs):
        for i in range(dead_grid.lrs.size):
            (row,) = [r for r in acc if r["in"] == prep and r["lr"] == pytest.approx(dead_grid.lrs[i], rel=1e-3)]
            assert row["acc"] == pytest.approx(np.nanmean(dead_grid.accuracy[k, i]), rel=1e-5)
            for layer in range(2):
                (bar,) = [r for r in dead if r["in"] == prep and r["llr"] == row["llr"] and r["l"] == f"layer {layer + 1}"]
                assert bar["d"] == pytest.approx(np.nanmean(dead_grid.dead[k, i, :, layer]), rel=1e-5, abs=1e-12)
                assert bar["hi"] == pytest.approx(np.nanmax(dead_grid.dead[k, i, :, layer]), rel=1e-5, abs=1e-12)


def test_center_and_bad_inputs():
    X = np.array([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(explorables.center(X), [[-1.0, -2.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="unknown inputs.*raw.*centered"):
        explorables.dead_relu_grid(inputs=("whitened",))


# ----------------------------------------------------------------------------- bending space


@pytest.fixture(scope="module")
def history():
    return explorables.bending_history(epochs=(0, 5, 40))


def test_bending_history_snapshots_equal_the_chapter_net(history):
    stages = nonlinearity.bending_space(epochs=40, rng=3)[0]  # the chapter's net, trained 40 epochs
    np.testing.assert_array_equal(history.X, stages.points[0])
    np.testing.assert_allclose(history.hidden(2, "linear"), stages.points[1], rtol=1e-12)
    np.testing.assert_allclose(history.hidden(2, "affine"), stages.points[2], rtol=1e-12)
    np.testing.assert_allclose(history.hidden(2, "tanh"), stages.points[3], rtol=1e-12)
    np.testing.assert_allclose(history.W2[2], stages.output_weights, rtol=1e-12)
    start = nn.MLP([2, 2, 2], "tanh", "xavier_normal", rng=np.random.default_rng(0))
    assert start.weights[0].shape == history.W1[0].shape
    assert not np.allclose(history.W1[0], history.W1[2])  # training moved the weights


def test_bending_chart_embeds_the_weights(history):
    chart = explore.bending_space(history)
    weights, points = _rows(chart, "weights"), _rows(chart, "points")
    assert [w["e"] for w in weights] == history.epochs.tolist()
    for k, w in enumerate(weights):
        np.testing.assert_allclose([[w["w11"], w["w12"]], [w["w21"], w["w22"]]], history.W1[k], rtol=1e-10)
        np.testing.assert_allclose([w["b1"], w["b2"]], history.b1[k], rtol=1e-10, atol=1e-14)
        assert w["c"] == pytest.approx(history.b2[k, 1] - history.b2[k, 0], rel=1e-10, abs=1e-14)
        assert w["acc"] == pytest.approx(history.accuracy[k], abs=1e-4)
    np.testing.assert_allclose([[p["x1"], p["x2"]] for p in points], history.X, rtol=1e-7)
    # the chart's tanh is written with exp: the same function
    z = np.linspace(-20, 20, 101)
    np.testing.assert_allclose(1 - 2 / (np.exp(2 * z) + 1), np.tanh(z), atol=1e-15)
    assert activations.get("tanh")(0.5) == pytest.approx(np.tanh(0.5))


def test_bending_bad_input(history):
    with pytest.raises(ValueError, match="stage"):
        history.hidden(0, "sigmoid")
    with pytest.raises(ValueError, match="epochs"):
        explorables.bending_history(epochs=(-1, 3))
