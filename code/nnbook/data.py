"""Small datasets for the experiments: seeded synthetic 2-D problems and the offline 8×8 digits.

Every generator takes an explicit ``rng`` (Generator or seed) and returns a
:class:`Dataset` with a stratified train/test split, so the same seed gives the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

from nnbook._validation import as_generator, finite_array, nonnegative_scalar, positive_int, real_scalar

__all__ = ["Dataset", "split", "xor", "moons", "circles", "spirals", "blobs", "digits", "names", "get"]


@dataclass(frozen=True)
class Dataset:
    """Inputs and integer labels, split into a training and a test part."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str = ""

    @property
    def n_classes(self) -> int:
        return int(max(self.y_train.max(), self.y_test.max()) + 1)

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]


def split(X, y, *, test_fraction: float = 0.25, rng, name: str = "") -> Dataset:
    """Shuffle and split ``(X, y)``, keeping the class proportions in both parts (stratified).

    ``X`` (N, D) must be finite real numbers, ``y`` (N,) integer class labels; each class puts
    ``round(test_fraction · count)`` examples into the test part. A split that would leave the
    training or the test part empty is refused.
    """
    X = finite_array(X, "X").astype(np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (N, features); got shape {X.shape}")
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise TypeError(f"y must be a 1-D array of integer class labels; got dtype {y.dtype} and shape {y.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
    test_fraction = real_scalar(test_fraction, "test_fraction")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1); got {test_fraction}")
    rng = as_generator(rng)
    test = []
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        test.extend(members[: int(round(test_fraction * members.size))])
    is_test = np.zeros(y.shape[0], dtype=bool)
    is_test[test] = True
    if not 0 < is_test.sum() < y.shape[0]:
        part = "test" if is_test.sum() == 0 else "training"
        raise ValueError(f"test_fraction={test_fraction} with {y.shape[0]} examples leaves the {part} part empty; "
                         "use more examples or a test_fraction nearer 0.5")
    train_idx, test_idx = rng.permutation(np.flatnonzero(~is_test)), rng.permutation(np.flatnonzero(is_test))
    return Dataset(X[train_idx], y[train_idx], X[test_idx], y[test_idx], name)


def _counts(n: int, k: int) -> list[int]:
    """Split n examples as evenly as possible over k classes."""
    n = positive_int(n, "n")
    if n < k:
        raise ValueError(f"n must be at least the number of classes ({k}); got {n}")
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def xor(n: int = 200, *, noise: float = 0.2, test_fraction: float = 0.25, rng) -> Dataset:
    """Four Gaussian clusters at (±1, ±1); the label is 1 where the two coordinates differ in sign.

    No straight line separates the classes: each line leaves at least one cluster on the
    wrong side.
    """
    rng = as_generator(rng)
    noise = nonnegative_scalar(noise, "noise")
    centers = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]], dtype=float)
    labels = np.array([0, 0, 1, 1])
    X, y = [], []
    for center, label, count in zip(centers, labels, _counts(n, 4)):
        X.append(center + noise * rng.standard_normal((count, 2)))
        y.append(np.full(count, label))
    return split(np.vstack(X), np.concatenate(y), test_fraction=test_fraction, rng=rng, name="xor")


def moons(n: int = 200, *, noise: float = 0.1, test_fraction: float = 0.25, rng) -> Dataset:
    """Two interleaving half circles (the "two moons")."""
    rng = as_generator(rng)
    noise = nonnegative_scalar(noise, "noise")
    n0, n1 = _counts(n, 2)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n0 + n1, 2))
    y = np.concatenate([np.zeros(n0, int), np.ones(n1, int)])
    return split(X, y, test_fraction=test_fraction, rng=rng, name="moons")


def circles(n: int = 200, *, noise: float = 0.05, factor: float = 0.5, test_fraction: float = 0.25, rng) -> Dataset:
    """Two concentric circles, radius 1 (class 0) and ``factor`` (class 1)."""
    rng = as_generator(rng)
    noise = nonnegative_scalar(noise, "noise")
    factor = real_scalar(factor, "factor")
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1); got {factor}")
    n0, n1 = _counts(n, 2)
    t0, t1 = rng.uniform(0, 2 * np.pi, n0), rng.uniform(0, 2 * np.pi, n1)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   factor * np.column_stack([np.cos(t1), np.sin(t1)])])
    X += noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0, int), np.ones(n1, int)])
    return split(X, y, test_fraction=test_fraction, rng=rng, name="circles")


def spirals(n: int = 300, *, classes: int = 2, noise: float = 0.2, turns: float = 1.0, test_fraction: float = 0.25,
            rng) -> Dataset:
    """Interleaved spiral arms, one per class (the CS231n toy problem), radius up to 1."""
    rng = as_generator(rng)
    classes = positive_int(classes, "classes")
    if classes < 2:
        raise ValueError(f"classes must be at least 2; got {classes}")
    noise = nonnegative_scalar(noise, "noise")
    turns = real_scalar(turns, "turns")
    X, y = [], []
    for c, count in enumerate(_counts(n, classes)):
        r = np.linspace(0.05, 1.0, count)
        theta = (2 * np.pi * turns) * r + 2 * np.pi * c / classes + noise * rng.standard_normal(count)
        X.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        y.append(np.full(count, c))
    return split(np.vstack(X), np.concatenate(y), test_fraction=test_fraction, rng=rng, name="spirals")


def blobs(n: int = 200, *, centers=((-1.5, 0.0), (1.5, 0.0)), std: float = 0.5, test_fraction: float = 0.25,
          rng) -> Dataset:
    """Isotropic Gaussian blobs, one class per center."""
    rng = as_generator(rng)
    std = nonnegative_scalar(std, "std")
    centers = finite_array(centers, "centers").astype(np.float64)
    if centers.ndim != 2 or centers.shape[0] < 2:
        raise ValueError(f"centers must be a (k, d) array with k >= 2; got shape {centers.shape}")
    X, y = [], []
    for c, (center, count) in enumerate(zip(centers, _counts(n, len(centers)))):
        X.append(center + std * rng.standard_normal((count, centers.shape[1])))
        y.append(np.full(count, c))
    return split(np.vstack(X), np.concatenate(y), test_fraction=test_fraction, rng=rng, name="blobs")


def _load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The digits' pixels (1797, 64) as float64 and labels (1797,) as int, from the package data."""
    with resources.files("nnbook").joinpath("_data/digits.npz").open("rb") as file, np.load(file) as stored:
        images, target = stored["images"], stored["target"]
    return images.reshape(len(images), 64).astype(np.float64), target.astype(int)


def digits(*, test_fraction: float = 0.25, rng) -> Dataset:
    """The 1,797 handwritten 8×8 digits that scikit-learn ships (no download), pixels in [0, 16].

    Returns 64 features per image; reshape a row to (8, 8) to see it. The images are the same as
    ``sklearn.datasets.load_digits()`` (the UCI *Optical Recognition of Handwritten Digits* test
    set, CC BY 4.0), stored in the package as ``nnbook/_data/digits.npz`` so that loading them
    does not import scikit-learn.
    """
    X, y = _load_digits()
    return split(X, y, test_fraction=test_fraction, rng=rng, name="digits")


_GENERATORS = {"xor": xor, "moons": moons, "circles": circles, "spirals": spirals, "blobs": blobs, "digits": digits}


def names() -> list[str]:
    """The dataset names :func:`get` accepts."""
    return list(_GENERATORS)


def get(name: str, **kwargs) -> Dataset:
    """The dataset called ``name``, built with ``kwargs`` (which must include ``rng``)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a dataset name (a string), one of: {', '.join(names())}; got {name!r}")
    if name not in _GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; valid names are: {', '.join(names())}")
    return _GENERATORS[name](**kwargs)
