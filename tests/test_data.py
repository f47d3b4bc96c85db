"""Tests of nnbook.data: shapes, balance, determinism, splits, errors."""

import numpy as np
import pytest

from nnbook import data

SYNTHETIC = ["xor", "moons", "circles", "spirals", "blobs"]


@pytest.mark.parametrize("name", SYNTHETIC)
def test_shapes_balance_and_determinism(name):
    a = data.get(name, rng=3)
    b = data.get(name, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert a.n_features == 2 and a.X_train.shape[1] == 2
    n = a.X_train.shape[0] + a.X_test.shape[0]
    assert a.X_test.shape[0] == pytest.approx(0.25 * n, abs=a.n_classes)
    counts = np.bincount(np.concatenate([a.y_train, a.y_test]))
    assert counts.max() - counts.min() <= 1  # balanced classes
    train_counts = np.bincount(a.y_train)
    assert train_counts.max() - train_counts.min() <= 2  # stratified split
    assert not np.array_equal(data.get(name, rng=4).X_train, a.X_train)


def test_xor_labels_follow_the_sign_rule():
    ds = data.xor(400, noise=0.1, rng=0)
    X = np.vstack([ds.X_train, ds.X_test])
    y = np.concatenate([ds.y_train, ds.y_test])
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_spirals_multiclass_and_digits_offline():
    assert data.spirals(300, classes=3, rng=0).n_classes == 3
    d = data.digits(rng=0)
    assert d.n_features == 64 and d.n_classes == 10
    assert d.X_train.shape[0] + d.X_test.shape[0] == 1797
    assert d.X_train.min() >= 0 and d.X_train.max() <= 16


def test_split_keeps_pairs_together():
    X = np.arange(20, dtype=float)[:, None]
    y = np.arange(20) % 2
    ds = data.split(X, y, rng=0)
    np.testing.assert_array_equal(ds.X_train[:, 0].astype(int) % 2, ds.y_train)
    assert set(ds.X_train[:, 0]) | set(ds.X_test[:, 0]) == set(X[:, 0])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: data.get("mnist", rng=0), "valid names are: xor"),
        (lambda: data.xor(2, rng=0), "at least the number of classes"),
        (lambda: data.circles(rng=0, factor=1.5), r"factor must be in \(0, 1\)"),
        (lambda: data.spirals(rng=0, classes=1), "at least 2"),
        (lambda: data.moons(rng=0, noise=-1.0), ">= 0"),
        (lambda: data.split(np.zeros((3, 1)), np.zeros(2, int), rng=0), "rows"),
        (lambda: data.split(np.zeros((3, 1)), np.zeros(3, int), rng=0, test_fraction=1.0), r"\(0, 1\)"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_rng_is_required():
    with pytest.raises(TypeError, match="Generator"):
        data.xor(rng=None)


def test_digits_are_scikit_learns_copy_from_package_data():
    # #11.4: shipped as nnbook/_data/digits.npz so that loading them does not import scikit-learn
    from sklearn.datasets import load_digits

    reference = load_digits()
    X, y = data._load_digits()
    assert X.dtype == np.float64 and y.dtype == reference.target.astype(int).dtype
    np.testing.assert_array_equal(X, reference.data)
    np.testing.assert_array_equal(y, reference.target)
    ds = data.digits(rng=0)
    expected = data.split(reference.data.astype(float), reference.target.astype(int), rng=0, name="digits")
    for a, b in zip((ds.X_train, ds.y_train, ds.X_test, ds.y_test),
                    (expected.X_train, expected.y_train, expected.X_test, expected.y_test)):
        np.testing.assert_array_equal(a, b)


def test_loading_the_digits_does_not_import_scikit_learn():
    import subprocess
    import sys

    code = ("import sys, nnbook; from nnbook import data; from nnbook.experiments import dead_relu; "
            "data.digits(rng=0); assert 'sklearn' not in sys.modules, 'sklearn was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
