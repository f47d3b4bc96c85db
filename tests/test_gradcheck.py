"""The gradient-check helpers themselves."""

import numpy as np
import pytest

from nnbook.gradcheck import elementwise_derivative, numerical_gradient, relative_error


def test_numerical_gradient_of_a_quadratic_and_restores_x():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.0])
    g = numerical_gradient(lambda v: 0.5 * v @ A @ v, x)
    np.testing.assert_allclose(g, A @ x, rtol=1e-9)
    np.testing.assert_array_equal(x, [0.5, -1.0])


def test_elementwise_derivative_of_sin():
    x = np.linspace(-3, 3, 50)
    np.testing.assert_allclose(elementwise_derivative(np.sin, x), np.cos(x), atol=1e-9)


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0
    assert relative_error([1.0], [1.1]) == pytest.approx(0.1 / 1.1)
    assert relative_error([0.0], [0.0]) == 0
    with pytest.raises(ValueError, match="same shape"):
        relative_error([1.0], [1.0, 2.0])
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["analytic", "numeric", "all"])
def test_a_non_finite_gradient_is_never_close(bad, where):
    """A NaN planted in a gradient must fail a check, not pass it with error 0."""
    from nnbook.gradcheck import norm_relative_error

    good = np.array([[0.5, -1.0], [2.0, 0.25]])
    broken = good.copy()
    if where == "all":
        broken[:] = bad
    else:
        broken[0, 1] = bad
    pairs = [(broken, good)] if where == "analytic" else [(good, broken)] if where == "numeric" else [(broken, broken)]
    for a, b in pairs:
        assert norm_relative_error(a, b) == np.inf
        assert relative_error(a, b) == np.inf


def test_norm_relative_error_values():
    from nnbook.gradcheck import norm_relative_error

    assert norm_relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert norm_relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert norm_relative_error([3.0, 4.0], [0.0, 0.0]) == pytest.approx(1.0)
    assert norm_relative_error([1.0, 0.0], [1.0, 1e-3]) == pytest.approx(1e-3 / np.hypot(1, 1e-3))
    with pytest.raises(ValueError, match="same shape"):
        norm_relative_error([1.0], [1.0, 2.0])
