"""Tests of the activation chapter's experiments and tables."""

import math

import numpy as np
import pytest

from nnbook import activations as act
from nnbook import report
from nnbook.experiments import activations as exp


def test_gaussian_moments_of_known_functions():
    m, s = exp.gaussian_moments("relu")
    assert m == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-8)
    assert s == pytest.approx(0.5, abs=1e-8)
    m, s = exp.gaussian_moments("identity")
    assert abs(m) < 1e-12 and s == pytest.approx(1.0, abs=1e-8)
    assert exp.gaussian_moments("sigmoid")[0] == pytest.approx(0.5, abs=1e-10)


def test_properties_match_hand_analysis():
    props = {p.name: p for p in exp.activation_properties(act.names())}
    assert props["sigmoid"].range_text == "(0, 1)"
    assert props["tanh"].range_text == "(−1, 1)"
    assert props["relu"].range_text == "[0, ∞)"
    assert props["leaky_relu"].range_text == "(−∞, ∞)"
    assert props["elu"].range_text == "(−1, ∞)"
    assert props["softplus"].range_text == "(0, ∞)"
    assert props["gelu"].low == pytest.approx(-0.16997, abs=1e-4) and props["gelu"].low_attained
    assert props["sigmoid"].max_slope == pytest.approx(0.25)
    assert props["tanh"].max_slope == pytest.approx(1.0)
    assert {n for n, p in props.items() if p.zero_centered} == {"identity", "tanh", "selu"}
    assert props["sigmoid"].saturates == "both sides" and props["tanh"].saturates == "both sides"
    assert props["relu"].saturates.startswith("x < 0") and props["leaky_relu"].saturates == "no"
    assert props["step"].saturates.startswith("everywhere")
    assert not props["gelu"].monotonic and not props["silu"].monotonic and props["elu"].monotonic
    assert props["step"].continuity == "jump at 0"
    assert props["relu"].continuity == "kink at 0" and props["selu"].continuity == "kink at 0"
    assert props["elu"].continuity.startswith("C¹") and props["gelu"].continuity == "smooth"
    assert props["softplus"].continuity == "smooth" and props["silu"].continuity == "smooth"
    assert act.get("elu", alpha=2.0).name and exp.activation_properties([act.get("elu", alpha=2.0)])[0].continuity == "kink at 0"
    assert props["elu"].mean_output > 0.1  # ELU is closer to zero-centred than ReLU, not zero-centred
    assert props["elu"].mean_output < props["relu"].mean_output


def test_selu_curves_agree_with_closed_form():
    curves = exp.selu_moment_curves(np.linspace(0.5, 3.0, 26))
    lam, alpha = act.selu_constants()
    assert abs(curves.alpha_star - alpha) < 1e-7
    assert abs(curves.lambda_star - lam) < 1e-7
    assert np.all(np.diff(curves.mean) < 0)  # larger alpha, more negative mass
    with pytest.raises(ValueError, match="does not change sign"):
        exp.selu_moment_curves(np.linspace(2.0, 3.0, 5))
    with pytest.raises(ValueError, match="increasing"):
        exp.selu_moment_curves([1.0])


def test_derivative_check_is_tight_for_every_activation():
    errors = exp.derivative_check(act.names())
    assert set(errors) == set(act.names()) - {"step"}
    assert max(errors.values()) < 1e-7


def test_derivative_check_catches_a_wrong_derivative():
    class WrongTanh(act.Activation):
        name = "wrong"

        def _forward(self, x):
            return np.tanh(x)

        def _grad(self, x):
            return 1 - np.tanh(x)  # missing the square

    assert exp.derivative_check([WrongTanh()])["wrong"] > 0.1


def test_time_activations_returns_positive_times_for_each():
    costs = exp.time_activations(["relu", "sigmoid"], n=1000, repeats=2)
    assert [c.name for c in costs] == ["relu", "sigmoid"]
    assert all(c.forward_s > 0 and c.grad_s > 0 and c.n == 1000 for c in costs)
    table = report.cost_table(costs)
    assert "`sigmoid`" in table and "1.0×" in table
    with pytest.raises(ValueError, match="reference"):
        report.cost_table(costs, reference="tanh")


def test_rrelu_samples_shapes_and_determinism():
    x = np.linspace(-2, 2, 9)
    train, ev, f = exp.rrelu_samples(x, draws=4, rng=3)
    train2, _, _ = exp.rrelu_samples(x, draws=4, rng=3)
    assert train.shape == (4, 9)
    np.testing.assert_array_equal(train, train2)
    np.testing.assert_allclose(ev, np.where(x > 0, x, f.eval_alpha * x))


def test_markdown_table():
    t = report.markdown_table(["a", "b"], [[1, 2], [3, 4]], "lr")
    assert t.splitlines() == ["| a | b |", "|:--|--:|", "| 1 | 2 |", "| 3 | 4 |"]
    with pytest.raises(ValueError, match="as many cells"):
        report.markdown_table(["a", "b"], [[1]])
    with pytest.raises(ValueError, match="align"):
        report.markdown_table(["a"], [[1]], "x")
    props = report.properties_table(exp.activation_properties(["relu", "tanh"]))
    assert "`relu`" in props and "[0, ∞)" in props


def test_numbered_table():
    text = report.numbered_table("| a |\n|:--|\n| 1 |", "A caption.", "tbl-x")
    assert text.startswith(":::{table} A caption.\n:name: tbl-x\n\n| a |") and text.endswith("\n:::")
    with pytest.raises(ValueError, match="label"):
        report.numbered_table("| a |", "c", "two words")


def test_chapter_numbers_sigmoid_tanh_rrelu_selu():
    props = {p.name: p for p in exp.activation_properties(["sigmoid", "tanh", "relu"])}
    st = exp.sigmoid_tanh_numbers(props)
    assert st["tanh-identity-error"] < 1e-12
    assert st["sigmoid-max-slope"] == pytest.approx(0.25) and st["tanh-max-slope"] == pytest.approx(1.0)
    assert st["sigmoid-mean"] == pytest.approx(0.5, abs=1e-9) and st["relu-mean"] == pytest.approx(1 / np.sqrt(2 * np.pi))
    assert st["sigmoid-slope-at-5"] == pytest.approx(np.exp(-5) / (1 + np.exp(-5)) ** 2)
    demo = exp.rrelu_demo(draws=2, many=4000)
    rr = exp.rrelu_numbers(demo)
    assert rr["rrelu-eval-slope"] == pytest.approx((rr["rrelu-lower"] + rr["rrelu-upper"]) / 2)
    assert rr["rrelu-mean-gap"] < 0.05 and demo.train.shape == (2, demo.x.size)
    se = exp.selu_numbers(exp.selu_moment_curves(np.linspace(0.5, 3.0, 26)))
    assert se["selu-check-mean"] < 1e-8 and se["selu-check-var"] == pytest.approx(1.0, abs=1e-8)
    assert se["selu-numeric-gap"] < 1e-6


def test_formula_and_property_tables_cover_every_activation():
    formulas = exp.formula_table(act.names())
    assert all(f"`{name}`" in formulas for name in act.names())
    assert r"\Phi(x) + x\,\varphi(x)" in formulas  # GELU' = Phi + x phi
    rows = exp.properties_rows(exp.activation_properties(["relu", "elu"]))
    assert "zero-centered" in rows and "C¹" in rows


def test_numpy_costs_small_and_the_paired_claim():
    costs = exp.numpy_costs(n=1024, repeats=3, inner=1, rng=0)
    assert costs.n == 1024 and costs.written.shape == costs.buffered.shape == (3, len(costs.names))
    assert np.all(costs.written > 0) and np.all(costs.buffered > 0) and costs.matmul_ns > 0
    assert set(exp.EXP_BASED) <= set(costs.names)
    table = exp.numpy_cost_table(costs)
    assert "`np.maximum(x, 0.01 * x)`" in table and "matrix product" in table and "1.0×" in table
    with pytest.raises(ValueError, match="reference"):
        exp.numpy_cost_table(costs, reference="swish")
    with pytest.raises(ValueError, match="repeats"):
        exp.numpy_costs(n=1024, repeats=1)
    claim, = exp.claims({"costs": costs})
    assert claim.id == "relu-cheaper-than-exp" and claim.evidence == "tbl-numpy-cost"
    assert claim.effect.n == 3 and claim.verdict in ("holds with caveats", "does not hold", "no detectable difference")
    # a fake timing where ReLU is slower than every exp-based function: the claim does not hold
    slow = costs.buffered.copy()
    slow[:, costs.names.index("relu")] = 10 * slow.max() * np.array([1.0, 1.1, 1.2])
    fake = exp.NumpyCosts(costs.names, costs.expressions, costs.written, slow, costs.matmul, costs.n)
    assert exp.claims({"costs": fake})[0].verdict == "does not hold"


def test_numpy_expressions_compute_the_activations():
    x = np.linspace(-4, 4, 257)
    out, tmp = np.empty_like(x), np.empty_like(x)
    for name, (_, written, buffered) in exp._NUMPY_ROWS.items():
        reference = x if name == "copy" else np.exp(x) if name == "exp" else act.get(name.split(" ")[0])(x)
        np.testing.assert_allclose(written(x, out, tmp), reference, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(buffered(x, out, tmp), reference, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("gate", exp.GATES)
def test_glu_backward_matches_finite_differences(gate):
    assert exp.glu_gradient_check(gate, rng=1) < 1e-7


def test_glu_forward_formula_and_errors():
    rng = np.random.default_rng(0)
    x, W, V = rng.standard_normal((3, 2)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    b, c = rng.standard_normal(4), rng.standard_normal(4)
    out, _ = exp.glu_forward(x, W, V, b, c, gate="sigmoid")
    np.testing.assert_allclose(out, (x @ V + c) / (1 + np.exp(-(x @ W + b))))
    swiglu, _ = exp.glu_forward(x, W, V, b, c, gate="silu")
    a = x @ W + b
    np.testing.assert_allclose(swiglu, a / (1 + np.exp(-a)) * (x @ V + c))
    with pytest.raises(ValueError, match="gate"):
        exp.glu_forward(x, W, V, b, c, gate="tanh-ish")
    with pytest.raises(ValueError, match="same D"):
        exp.glu_forward(x, W[:1], V[:1], b, c)
    with pytest.raises(ValueError, match="b and c"):
        exp.glu_forward(x, W, V, b[:2], c)


def test_ffn_parameters_match_budget():
    p = exp.ffn_parameters(512)
    assert p["relu-params"] == 2 * 512 * 2048 and p["swiglu-hidden"] % 8 == 0
    assert abs(p["swiglu-params"] / p["relu-params"] - 1) < 0.01
