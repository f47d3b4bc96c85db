"""Experiments of the chapters on preprocessing and initialization, on small settings."""

import numpy as np
import pytest

from nnbook import figures, stats
from nnbook.experiments import initialization as ini
from nnbook.experiments import preprocessing as pre

# ----------------------------------------------------------------------------- preprocessing


def test_transform_panels_have_the_promised_covariances():
    panels = pre.transform_panels(pre.correlated_cloud(n=300))
    assert np.abs(panels["zero-centered"].mean(axis=0)).max() < 1e-12
    np.testing.assert_allclose(panels["standardized"].std(axis=0), 1.0)
    c = np.cov(panels["decorrelated (PCA)"], rowvar=False)
    assert abs(c[0, 1]) < 1e-10 and c[0, 0] > c[1, 1]
    for key in ("PCA-whitened", "ZCA-whitened"):
        np.testing.assert_allclose(np.cov(panels[key], rowvar=False), np.eye(2), atol=1e-10)


def test_digits_pca_reconstruction_improves_with_k():
    res = pre.digits_pca(ks=(1, 10, 64), shown=2)
    assert res.variance_kept == sorted(res.variance_kept) and res.variance_kept[-1] == pytest.approx(1.0)
    errs = [res.test_errors[k] for k in res.ks]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-20
    assert res.mean_image.shape == (8, 8)


def test_photo_patches_and_centering():
    patches = pre.photo_patches(8)
    assert patches.ndim == 4 and patches.shape[1:] == (8, 8, 3)
    assert 0 <= patches.min() and patches.max() <= 1
    res = pre.patch_preprocessing(size=8, shown=3, n_components=4)
    np.testing.assert_allclose(res.channel_mean, res.train.mean(axis=(0, 1, 2)))
    np.testing.assert_allclose(res.by_channel, res.test - res.channel_mean)


def test_refitting_on_test_batches_changes_predictions():
    leak = pre.statistics_leak(seeds=(0, 1), epochs=15, n_train=300)
    assert np.all(leak.changed_predictions > 0)
    assert np.all(leak.accuracy_rule > leak.accuracy_batch_stats)
    assert leak.accuracy_fit_before_split.shape == (2,)


def test_centering_and_standardizing_speed_up_training():
    race = pre.input_scaling_race(lrs=(1.0, 3.0), seeds=(0, 1), pilot=1, epochs=25, n_train=300, n_val=100)
    assert race.best("centered/16")[0] < race.best("raw/16")[0]
    assert race.best("standardized")[0] < race.best("raw/16")[0]
    assert race.saturated["raw"] > 0.5 > race.saturated["raw/16"]  # raw pixels saturate tanh at init
    assert race.curves["raw"].shape == (2, 25)
    # the chosen rate has the lowest validation loss of the pilot
    for v in race.variants:
        assert race.val_loss[(v, race.chosen_lr[v])] == min(race.val_loss[(v, lr)] for lr in race.lrs)


def test_hessian_spectrum_has_the_mean_eigenvalue():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((2000, 5))
    centered = pre.hessian_spectrum(Z)
    shifted = pre.hessian_spectrum(Z + 3.0)
    # centered: eigenvalues ≈ 1 (the features and the bias); shifted by 3 in every feature: one
    # eigenvalue ≈ 1 + 5·9 = 46 along the mean input, and the bias direction squeezed to a small one
    assert centered.largest == pytest.approx(1.0, abs=0.15)
    assert shifted.largest == pytest.approx(46.0, rel=0.05) and shifted.mean_alignment > 0.99
    assert shifted.smallest < 0.1 * centered.smallest
    assert pre.hessian_condition(Z) == pytest.approx(centered.largest / centered.smallest, rel=1e-8)


def test_eps_sweep_damps_weak_directions():
    sweep = pre.whitening_eps_sweep(eps=(0.1, 100.0), shown=3)
    assert np.all(np.diff(sweep.eigenvalues) <= 1e-9)
    # a large ε makes ZCA close to a uniform rescaling by 1/√ε of the centered digits
    centered = sweep.originals - pre.PCA().fit(pre.data.digits(rng=0).X_train).mean_
    strong = sweep.whitened[100.0]
    assert np.corrcoef(strong.ravel(), centered.ravel())[0, 1] > 0.9
    assert np.corrcoef(sweep.whitened[0.1].ravel(), centered.ravel())[0, 1] < 0.9


def test_hessian_condition():
    X = pre.transform_panels(pre.correlated_cloud())["PCA-whitened"]
    # E[x̃ x̃ᵀ] = diag((N−1)/N, (N−1)/N, 1) for whitened x (covariance with 1/(N−1)) and the bias
    assert pre.hessian_condition(X) == pytest.approx(len(X) / (len(X) - 1), rel=1e-10)
    from nnbook.experiments.dead_relu import digits_subset

    raw, _ = digits_subset(600)
    centered = raw - raw.mean(axis=0)
    standardized = centered / np.where(raw.std(axis=0) > 0, raw.std(axis=0), 1)
    conds = [pre.hessian_condition(v) for v in (standardized, centered, raw)]
    assert conds == sorted(conds) and conds[0] < 1e3
    assert pre.hessian_condition(np.column_stack([np.arange(5.0), 2 * np.arange(5.0)])) == float("inf")


# ----------------------------------------------------------------------------- initialization


def test_constant_initialization_keeps_units_identical():
    runs = {r.label.split()[0]: r for r in ini.constant_init_symmetry(epochs=5)}
    assert max(runs["constant"].spread) == 0.0
    assert max(runs["zeros"].spread) == 0.0
    assert runs["Xavier"].spread[-1] > 0.1
    W = runs["constant"].first_layer
    assert np.all(W == W[:, :1])  # every column (unit) the same


SMALL = dict(depth=10, width=100, n=200, in_dim=100)


def test_small_weights_collapse_the_activations():
    small = ini.layer_stats("tanh", ("normal", 0.01), **SMALL)
    assert small.act_std[-1] < 1e-3 * small.act_std[0]
    assert small.grad_std[0] < 1e-3 * small.grad_std[-1]


def test_xavier_keeps_tanh_within_a_factor_of_a_few():
    xav = ini.layer_stats("tanh", "xavier_normal", **SMALL)
    ratio = xav.act_std / xav.act_std[0]
    assert np.all((ratio > 0.2) & (ratio <= 1.0 + 1e-9))


def test_large_weights_saturate_tanh():
    big = ini.layer_stats("tanh", ("normal", 1.0), **SMALL)
    assert np.mean(np.abs(np.concatenate(big.act_samples)) > 0.99) > 0.5


def test_he_keeps_relus_second_moment_and_xavier_halves_it():
    def second_moments(spec):
        s = ini.layer_stats("relu", spec, depth=8, width=400, n=400, in_dim=400)
        return s.act_mean**2 + s.act_std**2

    he, xav = second_moments("he_normal"), second_moments("xavier_normal")
    assert np.all((he / he[0] > 0.5) & (he / he[0] < 2.0))
    per_layer = (xav[-1] / xav[0]) ** (1 / (len(xav) - 1))
    assert per_layer == pytest.approx(0.5, abs=0.1)


def test_variance_rule_and_relu_moment():
    v = ini.variance_rule_check(trials=20_000)
    assert v["measured"] == pytest.approx(v["predicted"], rel=0.05)
    assert ini.relu_second_moment()["second"] == pytest.approx(0.5, abs=1e-8)


def test_selu_self_normalizes_through_many_layers():
    (selu,) = ini.self_normalization(depth=50, width=100, n=300, seeds=(0, 1), pairs=(("selu", "lecun_normal"),))
    assert selu["std"].shape == (2, 50)
    assert np.all(np.abs(selu["mean"][:, -1]) < 0.1) and np.all(np.abs(selu["std"][:, -1] - 1) < 0.1)
    np.testing.assert_allclose(selu["second"], selu["mean"] ** 2 + selu["std"] ** 2, rtol=1e-5)


def test_deep_relu_trains_with_he_not_xavier():
    xav, he, pt = ini.deep_relu_training(depth=12, width=24, epochs=5, n_train=200, n_val=100, seeds=(0, 1),
                                         lrs=(0.01,), schemes=("xavier_normal", "he_normal", "pytorch_default"))
    assert np.all(xav.act_std[:, -1] < 1e-1 * he.act_std[:, -1])
    assert np.all(pt.act_std[:, -1] < xav.act_std[:, -1])  # variance 1/(3 fan_in): faster than Xavier
    assert np.nanmedian(he.loss[:, -1]) < np.nanmedian(xav.loss[:, -1]) - 0.1


def test_pytorch_default_and_orthogonal_schemes():
    rng = np.random.default_rng(0)
    W = ini.pytorch_linear_default(400, 300, rng=rng)
    assert np.abs(W).max() <= 1 / np.sqrt(400) and W.var() * 3 * 400 == pytest.approx(1.0, rel=0.02)
    net = ini.build_net([400, 300, 10], "relu", "pytorch_default", rng=0)
    assert np.all(net.biases[0] != 0) and np.abs(net.biases[0]).max() <= 1 / np.sqrt(400)
    Q = ini.scheme(("orthogonal", np.sqrt(2)))(64, 64, rng=rng)
    np.testing.assert_allclose(Q.T @ Q, 2 * np.eye(64), atol=1e-10)
    assert ini.scheme(("orthogonal", np.sqrt(2))).label == "orthogonal × √2"


def test_bias_rule_and_init_vs_order():
    b = ini.bias_rule(biases=(0.0, 0.1), seeds=(0, 1), lrs=(0.1,), pilot_seeds=(5,), epochs=2, n_train=200,
                      n_val=100)
    assert b.loss[0.0].shape == (2,) and b.dead[0.1].mean() <= b.dead[0.0].mean()
    o = ini.init_vs_order(alternatives=2, epochs=2, n_train=200, n_val=100)
    assert o.disagreement_init.shape == (2,) and np.all(o.disagreement_order > 0)


def test_scale_sweep_is_deterministic_and_tiny_weights_fail():
    kw = dict(stds=(1e-3, 0.15), activations=("tanh",), seeds=(0,), depth=3, epochs=3)
    a, b = ini.scale_sweep(**kw), ini.scale_sweep(**kw)
    np.testing.assert_array_equal(a.loss["tanh"], b.loss["tanh"])
    assert a.accuracy["tanh"][0, 0] < a.accuracy["tanh"][1, 0]


def test_gains_and_grid_verdicts():
    rows = {a: (g, with_gain, plain) for a, g, with_gain, plain in ini.gains_table(width=128, depth=10)}
    assert rows["relu"][1] > 10 * rows["relu"][2]  # √2 keeps what gain 1 loses
    grid = ini.signal_grid(activations=("tanh", "relu"), schemes=(("normal", 0.01), "he_normal", ("normal", 1.0)),
                           depth=10, width=64, n=64)
    verdict = dict(zip([(a, s) for a in grid["activations"] for s in grid["schemes"]], np.ravel(grid["verdict"])))
    assert verdict[("tanh", "N(0, 0.01²)")] == "vanishes"
    assert verdict[("tanh", "N(0, 1²)")] == "saturates"
    assert verdict[("relu", "He")] == "alive"
    assert verdict[("relu", "N(0, 1²)")] == "explodes"
    with pytest.raises(ValueError, match="unknown scheme"):
        ini.scheme(("gamma", 1.0))


# ----------------------------------------------------------------------------- figures


def test_cure_chapter_figures_render():
    runs = [ini.layer_stats("tanh", s, depth=3, width=20, n=30, in_dim=20) for s in (("normal", 0.01), "xavier_normal")]
    race = pre.input_scaling_race(lrs=(1.0,), seeds=(0,), epochs=2, n_train=50, n_val=20)
    made = [
        figures.preprocessing.transform_panels(pre.transform_panels(pre.correlated_cloud(n=50))),
        figures.preprocessing.digits_components(pre.digits_pca(ks=(1, 5), shown=2)),
        figures.preprocessing.digits_reconstructions(pre.digits_pca(ks=(1, 5), shown=2), rows=2),
        figures.preprocessing.patch_centering(pre.patch_preprocessing(size=8, shown=2, n_components=2), n_components=2),
        figures.preprocessing.scaling_race(race),
        figures.initialization.symmetry(ini.constant_init_symmetry(epochs=2)),
        figures.initialization.layer_histograms(runs),
        figures.initialization.layer_histograms(runs, what="gradients"),
        figures.initialization.layer_curves(runs),
        figures.initialization.deep_relu(ini.deep_relu_training(depth=3, width=8, epochs=2, n_train=50, n_val=20,
                                                                seeds=(0,), lrs=(0.01,))),
        figures.initialization.self_normalization(ini.self_normalization(depth=3, width=10, n=10, seeds=(0, 1))),
        figures.initialization.scale_sweep(ini.scale_sweep(stds=(0.1,), seeds=(0,), depth=2, epochs=1)),
        figures.initialization.signal_grid(ini.signal_grid(activations=("tanh",), schemes=("he_normal",), depth=3,
                                                           width=8, n=8)),
    ]
    # laid out and every artist drawn, without rasterizing (the PNG path: test_figures.py)
    for fig in made:
        fig.draw_without_rendering()
        assert fig.axes


def test_initialization_claims_follow_their_intervals():
    results = {
        "symmetry": ini.constant_init_symmetry(epochs=2),
        "selu": ini.self_normalization(depth=20, width=20, n=20, seeds=(0, 1, 2)),
        "deep_relu": ini.deep_relu_training(depth=3, width=8, epochs=2, n_train=50, n_val=20, seeds=(0, 1, 2),
                                            lrs=(0.01,)),
        "bias": ini.bias_rule(seeds=(0, 1, 2), lrs=(0.3,), epochs=1, n_train=64, n_val=32),
        "order": ini.init_vs_order(alternatives=3, epochs=1, n_train=64, n_val=32),
    }
    claims = {c.id: c for c in ini.claims(results)}
    # constant and zero weights keep every first-layer unit identical: a deterministic verdict
    assert claims["constant-init-keeps-symmetry"].verdict == "holds"
    assert claims["constant-init-keeps-symmetry"].effect is None
    selu = claims["selu-self-normalizes"]
    assert selu.effect.n == 3 and selu.verdict == stats.verdict(selu.effect)
    for c in claims.values():
        if c.effect is not None and c.verdict != "holds with caveats":
            assert c.verdict == stats.verdict(c.effect), c.id
