"""Experiments of the chapter on data preprocessing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import data, nn
from nnbook._validation import as_generator, positive_int
from nnbook.preprocessing import PCA, ImageCenterer, Standardizer, Whitener
from nnbook.experiments._memo import memoize

__all__ = ["correlated_cloud", "transform_panels", "DigitsPCA", "digits_pca", "photo_patches", "PatchResult",
           "patch_preprocessing", "batch_statistics_leak", "ScalingRace", "input_scaling_race",
           "hessian_condition", "run_chapter", "summary"]


def correlated_cloud(n: int = 400, rng=0) -> np.ndarray:
    """2-D Gaussian data with correlated features, different scales and a mean far from 0."""
    rng = as_generator(rng)
    cov = np.array([[4.0, 2.2], [2.2, 1.6]])
    return rng.multivariate_normal([6.0, 3.0], cov, size=positive_int(n, "n"))


def transform_panels(X) -> dict:
    """The same data after each preprocessing step: ``{title: array}`` in the book's order."""
    return {
        "original": np.asarray(X, dtype=float),
        "zero-centered": Standardizer(with_std=False).fit_transform(X),
        "standardized": Standardizer().fit_transform(X),
        "decorrelated (PCA)": PCA().fit_transform(X),
        "PCA-whitened": Whitener("pca", eps=0.0).fit_transform(X),
        "ZCA-whitened": Whitener("zca", eps=0.0).fit_transform(X),
    }


@dataclass
class DigitsPCA:
    """PCA of the digits (:func:`digits_pca`): mean image, components, reconstructions and variance kept."""

    mean_image: np.ndarray  # (8, 8)
    pca: PCA
    ks: list
    variance_kept: list  # fraction of the training variance in the first k components
    originals: np.ndarray  # (m, 64) test digits
    reconstructions: dict  # k -> (m, 64)
    test_errors: dict  # k -> mean squared reconstruction error on the test digits
    zca_images: np.ndarray  # the test digits ZCA-whitened, (m, 64)
    zca_eps: float


def digits_pca(ks=(1, 5, 10, 20, 40, 64), shown: int = 6, zca_eps: float = 0.1, rng=0) -> DigitsPCA:
    """PCA of the 8×8 digits fitted on the training split; reconstructions of test digits."""
    ds = data.digits(rng=rng)
    pca = PCA().fit(ds.X_train)
    originals = ds.X_test[:shown]
    recon, errors, kept = {}, {}, []
    for k in ks:
        p = PCA(k).fit(ds.X_train)
        recon[k] = p.inverse_transform(p.transform(originals))
        errors[k] = float(np.mean((p.inverse_transform(p.transform(ds.X_test)) - ds.X_test) ** 2))
        kept.append(float(pca.explained_variance_ratio_[:k].sum()))
    zca = Whitener("zca", eps=zca_eps).fit(ds.X_train)
    return DigitsPCA(pca.mean_.reshape(8, 8), pca, list(ks), kept, originals, recon, errors,
                     zca.transform(originals), zca_eps)


def photo_patches(size: int = 16) -> np.ndarray:
    """Non-overlapping ``size × size`` colour patches, (N, size, size, 3) in [0, 1], from the
    photograph of Grace Hopper that matplotlib ships (no download)."""
    import matplotlib.cbook as cbook
    import matplotlib.image as mpimg

    size = positive_int(size, "size")
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        img = mpimg.imread(f, format="jpg").astype(np.float64) / 255.0
    h, w = (img.shape[0] // size) * size, (img.shape[1] // size) * size
    patches = img[:h, :w].reshape(h // size, size, w // size, size, 3).swapaxes(1, 2)
    return patches.reshape(-1, size, size, 3)


@dataclass
class PatchResult:
    """Photo patches centred per channel and per image, ZCA-whitened, and their principal components."""

    train: np.ndarray  # (N, s, s, 3)
    test: np.ndarray
    channel_mean: np.ndarray  # (3,)
    mean_image: np.ndarray  # (s, s, 3)
    by_channel: np.ndarray  # test patches minus the channel means
    by_image: np.ndarray  # test patches minus the mean image
    zca: np.ndarray  # test patches ZCA-whitened (in the patch shape)
    components: np.ndarray  # first principal components as patches (k, s, s, 3)
    pixel_std_range: tuple  # smallest and largest per-pixel std in the training patches


def patch_preprocessing(size: int = 16, shown: int = 6, n_components: int = 12, zca_eps: float = 1e-3,
                        rng=0) -> PatchResult:
    """Mean-image and per-channel centering, PCA and ZCA of colour photo patches.

    The patches are split at random into training (80 %) and test patches; every statistic
    is learned from the training patches.
    """
    rng = as_generator(rng)
    patches = photo_patches(size)
    order = rng.permutation(len(patches))
    cut = int(0.8 * len(patches))
    train, test = patches[order[:cut]], patches[order[cut:]][:shown]
    by_channel = ImageCenterer("channel").fit(train)
    by_image = ImageCenterer("image").fit(train)
    flat = train.reshape(len(train), -1)
    pca = PCA(n_components).fit(flat)
    zca = Whitener("zca", eps=zca_eps).fit(flat)
    pixel_std = flat.std(axis=0)
    return PatchResult(train, test, by_channel.mean_, by_image.mean_, by_channel.transform(test),
                       by_image.transform(test), zca.transform(test.reshape(len(test), -1)).reshape(test.shape),
                       pca.components_.reshape(-1, size, size, 3), (float(pixel_std.min()), float(pixel_std.max())))


def batch_statistics_leak(batch_size: int = 10, epochs: int = 60, lr: float = 1.0, rng=0) -> dict:
    """What goes wrong when test data supplies its own statistics.

    A 64-32-10 tanh net is trained on standardized digits. Its test accuracy is measured
    twice: with the training statistics (the rule), and re-fitting the standardizer on each
    test batch of ``batch_size`` digits, as code that calls ``fit_transform`` on whatever it
    is given would do. Also counts how often the *same* digit gets a different prediction
    when it arrives in a different batch.
    """
    rng = as_generator(rng)
    ds = data.digits(rng=rng)
    scaler = Standardizer().fit(ds.X_train)
    net = nn.MLP([64, 32, 10], "tanh", "xavier_normal", rng=rng)
    nn.train(net, scaler.transform(ds.X_train), ds.y_train, lr=lr, epochs=epochs)
    rule = net.predict(scaler.transform(ds.X_test))

    def per_batch(order):
        pred = np.empty(len(order), dtype=int)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            pred[idx] = net.predict(Standardizer().fit_transform(ds.X_test[idx]))
        return pred

    n = len(ds.y_test)
    first, second = per_batch(rng.permutation(n)), per_batch(rng.permutation(n))
    return {"accuracy_train_stats": float(np.mean(rule == ds.y_test)),
            "accuracy_batch_stats": float(np.mean(first == ds.y_test)),
            "changed_predictions": float(np.mean(first != second)),
            "batch_size": batch_size}


def hessian_condition(X) -> float:
    """Condition number of ``E[x̃ x̃ᵀ]`` with ``x̃ = (x, 1)``: the Hessian of a linear
    least-squares model (weights and bias) on the features of ``X`` that vary."""
    X = np.asarray(X, dtype=float)
    X = X[:, X.std(axis=0) > 0]
    Xa = np.hstack([X, np.ones((len(X), 1))])
    # eigenvalues of Xaᵀ Xa / N are the squared singular values of Xa / √N (more accurate)
    s = np.linalg.svd(Xa / np.sqrt(len(X)), compute_uv=False)
    if s[-1] <= s[0] * np.finfo(float).eps * max(Xa.shape):
        return float("inf")  # singular: some directions have no curvature at all
    return float((s[0] / s[-1]) ** 2)


@dataclass
class ScalingRace:
    """Loss curves of :func:`input_scaling_race` per (input variant, learning rate), and the Hessian conditions."""

    variants: list
    lrs: list
    losses: dict  # (variant, lr) -> loss curve
    condition: dict  # variant -> Hessian condition number
    target: float

    def epochs_to_target(self, variant, lr) -> float:
        """First epoch with training loss below ``target`` (inf if never)."""
        curve = np.asarray(self.losses[(variant, lr)])
        below = np.flatnonzero(curve < self.target)
        return float(below[0] + 1) if below.size else float("inf")

    def best(self, variant) -> tuple[float, float]:
        """(fewest epochs to the target, the learning rate that achieved it)."""
        return min((self.epochs_to_target(variant, lr), lr) for lr in self.lrs)


def input_scaling_race(lrs=(0.1, 0.3, 1.0, 3.0, 10.0), epochs: int = 40, n_train: int = 600, target: float = 0.3,
                       rng=0) -> ScalingRace:
    """The same 64-32-10 tanh net, full-batch gradient descent, on raw, centered and
    standardized digits (statistics from the training digits), at each learning rate."""
    ds = data.digits(rng=rng)
    X, y = ds.X_train[:positive_int(n_train, "n_train")], ds.y_train[:n_train]
    variants = {"raw": X, "centered": Standardizer(with_std=False).fit_transform(X),
                "standardized": Standardizer().fit_transform(X)}
    losses = {}
    for name, Xv in variants.items():
        for lr in lrs:
            net = nn.MLP([64, 32, 10], "tanh", "xavier_normal", rng=0)
            history = nn.train(net, Xv, y, lr=lr, epochs=epochs, on_divergence="stop")
            curve = np.full(epochs, np.nan)
            curve[:len(history.loss)] = history.loss
            losses[(name, lr)] = curve
    return ScalingRace(list(variants), list(lrs), losses, {k: hessian_condition(v) for k, v in variants.items()},
                       target)


@memoize
def run_chapter(rng=0) -> dict:
    """Every experiment the chapter shows, with its default settings."""
    X = correlated_cloud(rng=rng)
    return {"cloud": X, "panels": transform_panels(X), "digits": digits_pca(rng=rng),
            "patches": patch_preprocessing(rng=rng), "leak": batch_statistics_leak(rng=rng),
            "race": input_scaling_race(rng=rng)}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    panels, digits, patches, leak, race = (results[k] for k in ("panels", "digits", "patches", "leak", "race"))
    out = {}
    cov = {k: np.cov(v, rowvar=False) for k, v in panels.items()}
    out["cloud-corr"] = float(cov["original"][0, 1] / np.sqrt(cov["original"][0, 0] * cov["original"][1, 1]))
    out["cloud-mean-x"], out["cloud-mean-y"] = (float(m) for m in panels["original"].mean(axis=0))
    out["white-offdiag"] = float(max(abs(cov["PCA-whitened"][0, 1]), abs(cov["ZCA-whitened"][0, 1])))
    out["white-diag-err"] = float(max(np.abs(np.diag(cov[k]) - 1).max() for k in ("PCA-whitened", "ZCA-whitened")))
    for k, v in zip(digits.ks, digits.variance_kept):
        out[f"digits-kept-{k}"] = 100 * v
        out[f"digits-err-{k}"] = digits.test_errors[k]
    ratio = digits.pca.explained_variance_ratio_
    out["digits-k90"] = int(np.searchsorted(np.cumsum(ratio), 0.90) + 1)
    out["digits-k99"] = int(np.searchsorted(np.cumsum(ratio), 0.99) + 1)
    out["zca-eps"] = digits.zca_eps
    for c, name in enumerate("rgb"):
        out[f"channel-mean-{name}"] = float(patches.channel_mean[c])
    out["patch-count"] = len(patches.train)
    out["patch-size"] = patches.train.shape[1]
    out["pixel-std-min"], out["pixel-std-max"] = patches.pixel_std_range
    d = 224 * 224 * 3
    out["imagenet-dim"] = d
    out["imagenet-cov-gb"] = d * d * 4 / 1e9
    out["leak-acc-train"] = 100 * leak["accuracy_train_stats"]
    out["leak-acc-batch"] = 100 * leak["accuracy_batch_stats"]
    out["leak-changed"] = 100 * leak["changed_predictions"]
    out["leak-batch"] = leak["batch_size"]
    out["race-target"] = race.target
    for v in race.variants:
        epochs, lr = race.best(v)
        out[f"race-{v}-epochs"] = epochs
        out[f"race-{v}-lr"] = lr
        out[f"cond-{v}"] = race.condition[v]
    return out
