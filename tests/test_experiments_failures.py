"""Experiments of the chapters on saturation, zero-centering and dead ReLUs, on small settings."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnbook import figures
from nnbook.experiments import dead_relu, saturation, zero_centering
from nnbook.gradcheck import elementwise_derivative

# ----------------------------------------------------------------------------- saturation


def test_sigmoid_gradients_vanish_toward_the_input_and_relu_he_does_not():
    sig = saturation.deep_network_gradients("sigmoid", depth=6, width=50, n=200)
    relu = saturation.deep_network_gradients("relu", "he_normal", depth=6, width=50, n=200)
    assert sig.gradient_ratio < 1e-3  # input-side layer: orders of magnitude below the output side
    assert 0.2 < relu.gradient_ratio < 5
    assert np.all(sig.saturated == 0)  # vanishing without saturation: the 1/4 slope does it


def test_large_weights_saturate_tanh_and_make_gradients_grow():
    run = saturation.deep_network_gradients("tanh", ("normal", 1.0), depth=6, width=50, n=200)
    assert run.saturated.mean() > 0.6
    assert run.gradient_ratio > 10
    assert run.init == "N(0, 1²)"


def test_explicit_jacobians_multiply_to_the_input_gradient_and_obey_the_bound():
    from nnbook import nn
    from nnbook.experiments.initialization import scheme
    from nnbook.gradcheck import numerical_gradient

    for activation in ("sigmoid", "tanh", "relu"):
        chain = saturation.jacobian_chain(activation, depth=4, width=8, rng=1)
        assert 0 < chain.relative_error < 1e-12 or chain.relative_error == 0
        assert np.linalg.norm(chain.gradient) <= chain.bound
        # an independent oracle: finite differences of the same network's score at the same input
        rng = np.random.default_rng(1)
        net = nn.MLP([8] * 5 + [1], activation, scheme("xavier_normal"), rng=rng)
        x = rng.standard_normal((1, 8))
        numeric = numerical_gradient(lambda v: float(net.forward(v.reshape(1, -1))[0, 0]), x[0])
        np.testing.assert_allclose(chain.gradient, numeric, rtol=1e-6, atol=1e-9)
        # singular values of each J_l are those of diag(f'(z)) Wᵀ, and the last partial product is the product
        np.testing.assert_allclose(chain.singular_values[0], np.linalg.svd(chain.jacobians[0], compute_uv=False))
        assert chain.product_top[-1] == pytest.approx(np.linalg.norm(chain.product, 2))


def test_larger_weights_make_up_for_the_sigmoid_slope():
    result = saturation.slope_versus_weights(multiples=(1.0, 4.0), seeds=(0, 1), depth=5, width=30, n=50)
    assert result.ratio.shape == (2, 2)
    assert np.all(result.ratio[1] > 30 * result.ratio[0])
    assert np.all(result.per_layer()[1] > 0.25)  # not "at least 4× per layer" any more
    assert np.all(result.saturated[1] >= result.saturated[0])


def test_saturation_claims_follow_their_intervals():
    results = {"curves": saturation.derivative_curves(),
               "runs": saturation.standard_runs(depth=3, width=20),
               "jacobians": [saturation.jacobian_chain(a, s, depth=3, width=10) for a, s in
                             (("sigmoid", "xavier_normal"), ("tanh", "xavier_normal"), ("relu", "he_normal"))],
               "slope": saturation.slope_versus_weights(multiples=(1.0, 4.0), seeds=(0, 1), depth=3, width=20, n=30),
               "seeds": saturation.seed_runs(seeds=(0, 1), depth=3, width=20, n=30),
               "norms": saturation.matrix_product_norms(n=10, depth=12)}
    made = {c.id: c for c in saturation.claims(results)}
    assert set(made) == {"sigmoid-gradients-vanish", "sigmoid-shrinks-4x-per-layer", "tanh-large-weights-saturate",
                         "tanh-large-weights-vanish", "relu-solves-vanishing"}
    assert made["tanh-large-weights-saturate"].effect.n == 2


def test_matrix_products_explode_stay_or_vanish():
    norms = saturation.matrix_product_norms(n=50, depth=20, rng=0)
    assert norms["std 1"][-1] > 1e15
    assert 0.1 < norms["std 1/√n"][-1] < 10
    assert norms["std 0.5/√n"][-1] < 1e-4
    again = saturation.matrix_product_norms(n=50, depth=20, rng=0)
    np.testing.assert_array_equal(norms["std 1"], again["std 1"])


def test_derivative_curves_mark_the_flat_parts():
    curves = saturation.derivative_curves(threshold=0.05)
    assert curves.max_slopes["sigmoid"] == pytest.approx(0.25)
    x = curves.x
    assert curves.saturated["tanh"][np.abs(x) > 3].all() and not curves.saturated["tanh"][np.abs(x) < 2].any()




# ----------------------------------------------------------------------------- zero-centering

positive_rows = hnp.arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(1, 6)),
                           elements=st.floats(1e-3, 10))


@given(positive_rows, st.data())
def test_positive_inputs_give_one_signed_gradients(X, data):
    upstream = data.draw(hnp.arrays(np.float64, X.shape[0], elements=st.floats(-10, 10)))
    G = zero_centering.single_unit_weight_gradients(X, upstream)
    np.testing.assert_allclose(G, upstream[:, None] * X)
    assert zero_centering.same_sign_fraction(G) == 1.0


def test_centered_inputs_give_mixed_signs():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4000, 3))
    frac = zero_centering.same_sign_fraction(zero_centering.single_unit_weight_gradients(X, rng.standard_normal(4000)))
    assert frac == pytest.approx(2 / 2**3, abs=0.03)
    with pytest.raises(ValueError, match="upstream"):
        zero_centering.single_unit_weight_gradients(X, np.ones(3))


def test_shifted_tanh_has_tanh_slopes():
    f = zero_centering.ShiftedTanh()
    x = np.linspace(-4, 4, 81)
    np.testing.assert_allclose(f(x), np.tanh(x) + 1)
    np.testing.assert_allclose(f.grad(x), elementwise_derivative(f, x), rtol=1e-7, atol=1e-9)


def test_two_weight_problem_zigzags_with_positive_inputs():
    out = zero_centering.two_weight_problem(steps=600)
    pos, cen = out["positive"][2], out["centered"][2]
    assert pos.same_sign == 1.0 and cen.same_sign < 0.9
    assert pos.steps_to_tol > 3 * cen.steps_to_tol
    assert out["best"]["positive"].steps_to_tol > out["best"]["centered"].steps_to_tol
    assert out["condition"]["positive"] > 10 * out["condition"]["centered"]
    # every update is a multiple of an input: consecutive path points differ along ±x
    X = out["positive"][0]
    steps = np.diff(pos.path[:5], axis=0)
    for t, s in enumerate(steps):
        assert abs(s[0] * X[t, 1] - s[1] * X[t, 0]) < 1e-12


def test_activation_race_is_deterministic_and_picks_the_rate_on_validation():
    kw = dict(activations=("tanh", "sigmoid"), lrs=(0.5, 3.0), epochs=8, seeds=(0, 1), n_train=200, n_val=100,
              target=0.5)
    a, b = zero_centering.activation_race(**kw), zero_centering.activation_race(**kw)
    np.testing.assert_array_equal(a.losses[("tanh", 3.0)], b.losses[("tanh", 3.0)])
    for name in ("tanh", "sigmoid"):
        assert a.best_lr[name] == a.lrs[int(np.argmin(a.mean_val_loss(name)))]
        assert a.test_loss[name].shape == (2,) and np.all(a.test_accuracy[name] > 0.1)
    with pytest.raises(ValueError, match="n_train"):
        zero_centering.activation_race(n_train=1300, n_val=100)


def test_sigmoid_net_is_a_rescaled_tanh_plus_one_net():
    from nnbook import nn

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 5)), rng.integers(0, 3, 30)
    for hidden in ((7,), (7, 6)):
        net = nn.MLP([5, *hidden, 3], "sigmoid", "xavier_normal", rng=1)
        net.biases[0][...] = rng.standard_normal(hidden[0])  # nonzero biases, so their scaling is tested too
        twin = zero_centering.sigmoid_twin(net)
        np.testing.assert_allclose(twin.forward(X), net.forward(X), rtol=1e-12, atol=1e-12)
        # trained with each parameter's rescaled rate, the twin follows the sigmoid net step by step
        copy = nn.MLP([5, *hidden, 3], "sigmoid", "xavier_normal", rng=1)
        copy.biases[0][...] = net.biases[0]
        sig = zero_centering._full_batch_per_parameter(copy, X, y, [2.0] * (2 * copy.n_layers), 5)
        tw = zero_centering._full_batch_per_parameter(twin, X, y, zero_centering.twin_learning_rates(net, 2.0), 5)
        np.testing.assert_allclose(tw, sig, rtol=1e-10)
    assert zero_centering.twin_learning_rates(net, 16.0) == [4.0, 1.0, 4.0, 4.0, 4.0, 16.0]
    with pytest.raises(ValueError, match="sigmoid"):
        zero_centering.sigmoid_twin(nn.MLP([2, 3, 2], "tanh", rng=0))


def test_full_batch_steps_mix_signs_and_the_vectorized_grid_matches_single_paths():
    problem = zero_centering.two_weight_problem(steps=1, lrs=(1.0,))
    X, y, _ = problem["positive"]
    lrs = np.array([0.5, 1.0, 1.5])
    reached, one_sign = zero_centering.gd_steps(X, y, lrs, steps=300, w_star=(1.0, -1.0), tol=1e-2)
    for lr, r, o in zip(lrs, reached, one_sign):
        run = zero_centering.gd_path(X, y, (0.0, 0.0), lr=lr, steps=300, w_star=(1.0, -1.0), tol=1e-2)
        assert (run.steps_to_tol or np.inf) == r
        if run.steps_to_tol:
            assert run.same_sign == pytest.approx(o)
    full = zero_centering.full_batch_problem(problem)
    assert full["positive"].same_sign < 0.5  # summed over the batch, the steps are no longer one-signed
    assert full["positive"].steps_to_tol > 10 * full["centered"].steps_to_tol


def test_zero_centering_claims_follow_their_intervals():
    paths = zero_centering.two_weight_problem(steps=50, lrs=(1.0,))
    race = zero_centering.activation_race(lrs=(1.0, 4.0), epochs=4, seeds=(0, 1), n_train=100, n_val=50, target=2.0)
    results = {"sign_positive": 1.0, "sign_centered": 0.1, "paths": paths,
               "full_batch": zero_centering.full_batch_problem(paths, steps=50),
               "zigzag": zero_centering.zigzag_seeds(seeds=(0, 1), steps=50),
               "equivalence": zero_centering.sigmoid_equivalence(depths=(("one", (4,)),), seeds=(0,), epochs=2,
                                                                 n_train=50), "race": race}
    made = {c.id: c for c in zero_centering.claims(results)}
    assert set(made) == {"one-sign-gradient", "positive-inputs-zigzag", "zero-centered-trains-faster",
                         "tanh-beats-sigmoid", "sigmoid-slope-costs-more", "sigmoid-is-rescaled-tanh"}
    assert made["positive-inputs-zigzag"].effect.n == 2
    assert all(np.isfinite(v) for k, v in zero_centering.summary(results).items() if k.startswith("claim-"))


# ----------------------------------------------------------------------------- dead ReLUs

SMALL = dict(seeds=(0,), epochs=2, hidden=(32, 32), n_train=200)


def test_dead_fraction_rises_with_the_learning_rate_and_leaky_relu_never_dies():
    arms = (("ReLU", "raw"), ("ReLU", "centered"), "Leaky ReLU")
    sweep = dead_relu.learning_rate_sweep(arms, lrs=(0.05, 3.0), **SMALL)
    relu = sweep.mean_dead("ReLU")
    assert relu[1] > relu[0] + 0.3
    assert sweep.mean_dead("ReLU", "centered")[0] == 0  # centered pixels: no unit dead at a small rate
    leaky = sweep.dead[("Leaky ReLU", "raw")]
    assert np.all((leaky == 0) | np.isnan(leaky))
    # the per-layer fractions average (weighted by width) to the total
    per_layer = sweep.dead_per_layer[("ReLU", "raw")]
    assert per_layer.shape == (2, 1, 2)
    np.testing.assert_allclose(per_layer.mean(axis=-1), sweep.dead[("ReLU", "raw")])
    again = dead_relu.learning_rate_sweep(arms, lrs=(0.05, 3.0), **SMALL)
    np.testing.assert_array_equal(sweep.dead[("ReLU", "raw")], again.dead[("ReLU", "raw")])
    with pytest.raises(ValueError, match="unknown configurations"):
        dead_relu.learning_rate_sweep(("Swish",), **SMALL)
    with pytest.raises(ValueError, match="inputs"):
        dead_relu.learning_rate_sweep((("ReLU", "whitened"),), **SMALL)


def test_sweep_members_equal_single_runs():
    """The population sweep trains each (learning rate, seed) exactly as nn.train alone would."""
    from nnbook import diagnostics, nn

    sweep = dead_relu.learning_rate_sweep((("ReLU", "centered"),), lrs=(0.5,), seeds=(3,), epochs=1, hidden=(16,),
                                          n_train=100)
    X, y = dead_relu.digits_subset(100, inputs="centered")
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    net = nn.MLP([64, 16, 10], "relu", "he_normal", rng=3, dtype=np.float32)
    history = nn.train(net, X, y, lr=0.5, epochs=1, batch_size=32, rng=3)
    assert sweep.accuracy[("ReLU", "centered")][0, 0] == pytest.approx(history.accuracy[-1])
    assert sweep.dead[("ReLU", "centered")][0, 0] == diagnostics.dead_fraction(net, X, tol=dead_relu.DEAD_TOL)


def test_negative_biases_kill_units_at_initialization():
    result = dead_relu.bias_at_init(biases=(-3.0, 0.0), seeds=(0,), hidden=(32, 32), n_train=200)
    assert result.dead["raw"][0, 0] > 0.9 and result.dead["raw"][1, 0] < 0.2
    assert result.dead["centered"][1, 0] <= result.dead["raw"][1, 0]


def test_dead_first_layer_units_are_frozen_under_sgd_but_not_under_momentum():
    rec = dead_relu.revival(lr=0.7, epochs=4, hidden=(32, 32), n_train=200)
    assert rec.dead[:, rec.layer == 0].any()  # some died at this learning rate
    assert rec.revived(0) == 0
    assert rec.frozen_change(0) == 0.0
    mom = dead_relu.revival(lr=0.07, momentum=0.9, epochs=4, hidden=(32, 32), n_train=200)
    assert mom.dead[:, mom.layer == 0].any()
    assert mom.frozen_change(0) > 0  # the velocity keeps moving a unit that has just died
    with pytest.raises(ValueError, match="momentum"):
        dead_relu.revival(momentum=1.0, epochs=1)


def test_crossing_interpolates_in_log_learning_rate():
    assert dead_relu._crossing(np.array([1.0, 4.0]), [0.0, 0.8], 0.4) == pytest.approx(2.0)
    assert np.isnan(dead_relu._crossing(np.array([1.0, 4.0]), [0.0, 0.1], 0.4))


def test_dead_relu_claims_follow_their_intervals():
    tiny = dict(seeds=(0, 1), epochs=1, hidden=(16,), n_train=100)
    sweep = dead_relu.learning_rate_sweep(lrs=(0.1, dead_relu.CLAIM_LR), **tiny)
    results = {"cloud": dead_relu.data_cloud(epochs=1), "sweep": sweep,
               "variants": dead_relu.learning_rate_sweep(dead_relu.VARIANT_ARMS, lrs=(0.1, dead_relu.CLAIM_LR), **tiny),
               "bias": dead_relu.bias_at_init(biases=(-1.0, 0.0), seeds=(0,), hidden=(16,), n_train=100),
               "cliff": dead_relu.learning_rate_sweep(arms=(("ReLU", "raw"),), lrs=(0.3, 1.5), **tiny),
               "revival": dead_relu.revival(epochs=2, hidden=(16, 16), n_train=100),
               "momentum": dead_relu.revival(lr=0.07, momentum=0.9, epochs=2, hidden=(16, 16), n_train=100)}
    made = {c.id: c for c in dead_relu.claims(results)}
    assert set(made) == {"relu-dies-40-percent", "centering-keeps-relu-alive", "positive-bias-fewer-dead",
                         "leaky-elu-do-not-die", "dead-relu-never-revives"}
    assert made["relu-dies-40-percent"].effect.n == 2
    assert all(np.isfinite(v) for k, v in dead_relu.summary(results).items() if k.startswith("claim-"))
    for claim in made.values():
        if claim.effect is not None and claim.verdict == "does not hold":
            assert claim.effect.ci[1] < 0


def test_data_cloud_dead_units_miss_every_point():
    cloud = dead_relu.data_cloud(epochs=10)
    z = cloud.X @ cloud.W + cloud.b
    np.testing.assert_array_equal(cloud.dead, np.all(z <= 0, axis=0))


# ----------------------------------------------------------------------------- figures


def test_failure_chapter_figures_render():
    runs = [saturation.deep_network_gradients(a, depth=3, width=10, n=20) for a in ("sigmoid", "tanh")]
    sweep = dead_relu.learning_rate_sweep(("ReLU", ("ReLU", "centered")), lrs=(0.1, 1.0), **SMALL)
    race = zero_centering.activation_race(lrs=(1.0,), epochs=3, seeds=(0,), n_train=100, n_val=50)
    made = [
        figures.saturation.saturation_curves(saturation.derivative_curves()),
        figures.saturation.gradient_profiles(runs),
        figures.saturation.gradient_histograms(runs),
        figures.saturation.product_norms(saturation.matrix_product_norms(n=10, depth=5)),
        figures.zero_centering.quadrant_paths(zero_centering.two_weight_problem(steps=100, lrs=(1.0,))),
        figures.zero_centering.race_curves(race),
        figures.dead_relu.learning_rate_sweep(sweep),
        figures.dead_relu.bias_at_init(dead_relu.bias_at_init(biases=(-1.0, 0.0), seeds=(0,), n_train=50)),
        figures.dead_relu.revival(dead_relu.revival(epochs=2, hidden=(8, 8), n_train=50)),
        figures.dead_relu.data_cloud(dead_relu.data_cloud(epochs=2)),
    ]
    # laid out and every artist drawn, without rasterizing (the PNG path: test_figures.py)
    for fig in made:
        fig.draw_without_rendering()
        assert fig.axes
