"""Experiments of the chapter on data preprocessing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook import data, diagnostics, nn, stats
from nnbook._validation import as_generator, positive_int
from nnbook.preprocessing import PCA, ImageCenterer, Standardizer, Whitener
from nnbook.experiments._memo import memoize

__all__ = ["correlated_cloud", "transform_panels", "DigitsPCA", "digits_pca", "photo_patches", "PatchResult",
           "patch_preprocessing", "LeakResult", "statistics_leak", "HessianSpectrum", "hessian_spectrum",
           "hessian_condition", "RACE_VARIANTS", "ScalingRace", "input_scaling_race", "EpsSweep",
           "whitening_eps_sweep", "run_chapter", "summary", "claims"]


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
    """Photo patches centered per channel and per image, ZCA-whitened, and their principal components."""

    train: np.ndarray  # (N, s, s, 3)
    test: np.ndarray
    channel_mean: np.ndarray  # (3,)
    mean_image: np.ndarray  # (s, s, 3)
    by_channel: np.ndarray  # test patches minus the channel means
    by_image: np.ndarray  # test patches minus the mean image
    zca: np.ndarray  # test patches ZCA-whitened (in the patch shape)
    components: np.ndarray  # first principal components as patches (k, s, s, 3)
    pixel_std_range: tuple  # smallest and largest per-pixel std in the training patches
    channel_std: np.ndarray  # (3,) std of each colour channel over the training patches


def patch_preprocessing(size: int = 16, shown: int = 8, n_components: int = 12, zca_eps: float = 1e-3,
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
                       pca.components_.reshape(-1, size, size, 3), (float(pixel_std.min()), float(pixel_std.max())),
                       train.std(axis=(0, 1, 2)))


@dataclass
class LeakResult:
    """The two ways test data can leak into preprocessing (:func:`statistics_leak`), per seed.

    Every array has one entry per seed (a seed draws the train/test split and the initial
    weights); accuracies are fractions of the test digits.
    """

    seeds: list
    accuracy_rule: np.ndarray  # statistics from the training split, applied unchanged to the test digits
    accuracy_batch_stats: np.ndarray  # the same nets, each test batch standardized with its own statistics
    changed_predictions: np.ndarray  # share of test digits whose prediction changes with the batch they arrive in
    accuracy_fit_before_split: np.ndarray  # statistics fitted on all digits (train + test) before splitting
    batch_size: int
    lr: float
    epochs: int


def statistics_leak(seeds=range(10), batch_size: int = 10, epochs: int = 40, lr: float = 1.0,
                    n_train: int = 600) -> LeakResult:
    """Two different mistakes, measured on the same splits and initial weights.

    For each seed the digits are split into training and test digits, and a 64-32-10 tanh net
    is trained (full batch) on the first ``n_train`` training digits, standardized

    * with statistics from those training digits (the rule), or
    * with statistics fitted on *all* digits before the split (leakage: the test digits
      shaped the inputs the network was trained on).

    The rule's net is also evaluated with every test batch of ``batch_size`` digits
    standardized by its own statistics (code that calls ``fit_transform`` on whatever it is
    given), in two random batchings, to count the digits whose prediction depends on the
    other digits of their batch.
    """
    seeds = [int(s) for s in seeds]
    batch_size = positive_int(batch_size, "batch_size")
    rule, batch, changed, before = [], [], [], []
    for seed in seeds:
        ds = data.digits(rng=seed)
        X, y = ds.X_train[:positive_int(n_train, "n_train")], ds.y_train[:n_train]
        everything = Standardizer().fit(np.vstack([ds.X_train, ds.X_test]))
        scaler = Standardizer().fit(X)
        nets = []
        for fitted in (scaler, everything):
            net = nn.MLP([64, 32, 10], "tanh", "xavier_normal", rng=seed)
            nn.train(net, fitted.transform(X), y, lr=lr, epochs=epochs)
            nets.append(net)
        rule.append(np.mean(nets[0].predict(scaler.transform(ds.X_test)) == ds.y_test))
        before.append(np.mean(nets[1].predict(everything.transform(ds.X_test)) == ds.y_test))

        def per_batch(order, net=nets[0], X_test=ds.X_test):
            pred = np.empty(len(order), dtype=int)
            for start in range(0, len(order), batch_size):
                idx = order[start:start + batch_size]
                pred[idx] = net.predict(Standardizer().fit_transform(X_test[idx]))
            return pred

        shuffle = np.random.default_rng([seed, 1])
        n = len(ds.y_test)
        first, second = per_batch(shuffle.permutation(n)), per_batch(shuffle.permutation(n))
        batch.append(np.mean(first == ds.y_test))
        changed.append(np.mean(first != second))
    return LeakResult(seeds, np.array(rule), np.array(batch), np.array(changed), np.array(before), batch_size,
                      float(lr), int(epochs))


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
class HessianSpectrum:
    """Eigenvalues of ``E[x̃ x̃ᵀ]`` (:func:`hessian_spectrum`) and where the largest one points."""

    eigenvalues: np.ndarray  # descending
    mean_alignment: float  # |cos| between the top eigenvector and the mean input x̃ = (μ, 1)

    @property
    def largest(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def smallest(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def median(self) -> float:
        return float(np.median(self.eigenvalues))


def hessian_spectrum(X) -> HessianSpectrum:
    """Eigenvalues of the Hessian ``E[x̃ x̃ᵀ]`` of a linear least-squares model with a bias,
    ``x̃ = (x, 1)``, over the features of ``X`` that vary; and the alignment of the top
    eigenvector with the mean input (LeCun et al. 1998: uncentered inputs add one large
    eigenvalue along the mean)."""
    X = np.asarray(X, dtype=float)
    X = X[:, X.std(axis=0) > 0]
    Xa = np.hstack([X, np.ones((len(X), 1))]) / np.sqrt(len(X))
    _, s, vt = np.linalg.svd(Xa, full_matrices=False)
    mean = Xa.sum(axis=0) / np.sqrt(len(X))
    return HessianSpectrum(s**2, float(abs(vt[0] @ mean) / np.linalg.norm(mean)))


#: The inputs of the race: scale and mean changed one at a time.
RACE_VARIANTS = ("raw", "raw/16", "centered/16", "standardized")


def _race_inputs(X, reference):
    """The race's input variants of ``X``, every statistic from ``reference`` (the training digits)."""
    mu = reference.mean(axis=0)
    scaler = Standardizer().fit(reference)
    return {"raw": X, "raw/16": X / 16.0, "centered/16": (X - mu) / 16.0, "standardized": scaler.transform(X)}


@dataclass
class ScalingRace:
    """:func:`input_scaling_race`: loss curves per input variant, learning rate and seed.

    ``losses[(variant, lr)]`` is the mean training-loss curve over the pilot seeds (used to
    choose the learning rate); ``curves[variant]`` holds one training-loss curve per seed at
    the chosen learning rate (rows: seeds, NaN after a divergence).
    """

    variants: list
    lrs: list
    losses: dict  # (variant, lr) -> mean training-loss curve over the pilot seeds
    val_loss: dict  # (variant, lr) -> mean final validation loss over the pilot seeds
    chosen_lr: dict  # variant -> learning rate with the lowest validation loss
    seeds: list
    curves: dict  # variant -> (seeds, epochs) training loss at the chosen rate
    test_accuracy: dict  # variant -> (seeds,) test accuracy at the chosen rate (the test split, used once)
    saturated: dict  # variant -> share of tanh units saturated at initialization (on the training digits)
    spectrum: dict  # variant -> HessianSpectrum
    condition: dict  # variant -> Hessian condition number
    target: float
    epochs: int

    def epochs_to_target(self, variant, lr=None) -> float:
        """Median over seeds of the first epoch with training loss below ``target`` (inf if
        never); at the chosen rate, or the pilot mean curve at ``lr``."""
        if lr is None:
            return float(np.median(self.seed_epochs(variant)))
        return _first_below(self.losses[(variant, lr)], self.target)

    def seed_epochs(self, variant, cap: bool = False) -> np.ndarray:
        """Epochs to the target per seed at the chosen rate; with ``cap`` a run that never
        gets there counts as ``epochs + 1`` (a conservative value for comparisons)."""
        e = np.array([_first_below(c, self.target) for c in self.curves[variant]])
        return np.where(np.isinf(e), self.epochs + 1, e) if cap else e

    def best(self, variant) -> tuple[float, float]:
        """(median epochs to the target, the chosen learning rate)."""
        return self.epochs_to_target(variant), self.chosen_lr[variant]


def _first_below(curve, target) -> float:
    below = np.flatnonzero(np.asarray(curve) < target)
    return float(below[0] + 1) if below.size else float("inf")


def input_scaling_race(lrs=(0.1, 0.3, 1.0, 3.0, 10.0), seeds=range(10), pilot: int = 2, epochs: int = 40,
                       n_train: int = 600, n_val: int = 300, target: float = 0.3, rng=0) -> ScalingRace:
    """The same 64-32-10 tanh net (Xavier), full-batch gradient descent, on four versions of
    the digits: raw pixels (0–16), raw/16, centered/16 (scale and mean changed one at a time)
    and standardized, every statistic from the training digits.

    For each variant the learning rate is the one of ``lrs`` with the lowest mean validation
    loss after ``epochs`` over the first ``pilot`` seeds (the validation digits follow the
    ``n_train`` training digits in the training split); then every seed is trained at that
    rate (the same initial weights for every variant: the seed fixes them), and its test
    accuracy is measured once.
    """
    ds = data.digits(rng=rng)
    n_train, n_val = positive_int(n_train, "n_train"), positive_int(n_val, "n_val")
    X, y = ds.X_train[:n_train], ds.y_train[:n_train]
    X_val, y_val = ds.X_train[n_train:n_train + n_val], ds.y_train[n_train:n_train + n_val]
    seeds = [int(s) for s in seeds]
    pilot = min(positive_int(pilot, "pilot"), len(seeds))
    train_in, val_in, test_in = (_race_inputs(Z, X) for Z in (X, X_val, ds.X_test))
    losses, val_loss, chosen, curves, test_acc, saturated = {}, {}, {}, {}, {}, {}
    for v in RACE_VARIANTS:
        members = [(lr, s) for lr in lrs for s in seeds[:pilot]]
        nets = [nn.MLP([64, 32, 10], "tanh", "xavier_normal", rng=s) for _, s in members]
        z = train_in[v] @ nets[0].weights[0] + nets[0].biases[0]
        saturated[v] = diagnostics.saturated_fraction(z, "tanh")
        hist = nn.train_many(nets, train_in[v], y, lr=[lr for lr, _ in members], epochs=epochs,
                             on_divergence="stop")
        final = [nn.softmax_cross_entropy(n.forward(val_in[v]), y_val)[0] if not h.diverged else np.inf
                 for n, h in zip(nets, hist)]
        for lr in lrs:
            idx = [i for i, (l, _) in enumerate(members) if l == lr]
            losses[(v, lr)] = np.mean([_padded(hist[i].loss, epochs) for i in idx], axis=0)
            val_loss[(v, lr)] = float(np.mean([final[i] for i in idx]))
        chosen[v] = min(lrs, key=lambda lr: val_loss[(v, lr)])
        # the remaining seeds at the chosen rate; the pilot seeds' runs are reused
        rest = seeds[pilot:]
        more = [nn.MLP([64, 32, 10], "tanh", "xavier_normal", rng=s) for s in rest]
        more_hist = nn.train_many(more, train_in[v], y, lr=chosen[v], epochs=epochs, on_divergence="stop") \
            if more else []
        at_lr = [i for i, (l, _) in enumerate(members) if l == chosen[v]]
        runs = [(nets[i], hist[i]) for i in at_lr] + list(zip(more, more_hist))
        curves[v] = np.array([_padded(h.loss, epochs) for _, h in runs])
        test_acc[v] = np.array([np.mean(n.predict(test_in[v]) == ds.y_test) for n, _ in runs])
    return ScalingRace(list(RACE_VARIANTS), list(lrs), losses, val_loss, chosen, seeds, curves, test_acc, saturated,
                       {v: hessian_spectrum(train_in[v]) for v in RACE_VARIANTS},
                       {v: hessian_condition(train_in[v]) for v in RACE_VARIANTS}, float(target), int(epochs))


def _padded(loss, epochs):
    curve = np.full(epochs, np.nan)
    curve[:len(loss)] = loss
    return curve


@dataclass
class EpsSweep:
    """ZCA-whitened test digits for several ε (:func:`whitening_eps_sweep`)."""

    eps: list
    eigenvalues: np.ndarray  # variances of the training digits' principal components, descending
    originals: np.ndarray  # (m, 64)
    whitened: dict  # eps -> (m, 64)


def whitening_eps_sweep(eps=(0.01, 0.1, 1.0, 10.0, 100.0), shown: int = 6, rng=0) -> EpsSweep:
    """ZCA fitted on the training digits (pixels 0–16) with each ``eps``: component i is
    scaled by ``1/√(λᵢ + ε)``, so ε decides which directions are whitened (λᵢ ≫ ε) and which
    are left damped (λᵢ ≪ ε)."""
    ds = data.digits(rng=rng)
    eps = [float(e) for e in eps]
    originals = ds.X_test[:positive_int(shown, "shown")]
    whitened = {e: Whitener("zca", eps=e).fit(ds.X_train).transform(originals) for e in eps}
    return EpsSweep(eps, PCA().fit(ds.X_train).explained_variance_, originals, whitened)


@memoize
def run_chapter(rng=0) -> dict:
    """Every experiment the chapter shows, with its default settings."""
    X = correlated_cloud(rng=rng)
    race = input_scaling_race(rng=rng)
    return {"cloud": X, "panels": transform_panels(X), "digits": digits_pca(rng=rng),
            "patches": patch_preprocessing(rng=rng), "eps": whitening_eps_sweep(rng=rng), "race": race,
            # the learning rate the race chose on the validation digits for standardized inputs
            "leak": statistics_leak(lr=race.chosen_lr["standardized"])}


def summary(results: dict) -> dict:
    """The numbers the chapter quotes, by name, computed from :func:`run_chapter`'s results."""
    panels, digits, patches, leak, race, sweep = (results[k] for k in ("panels", "digits", "patches", "leak", "race",
                                                                        "eps"))
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
    lam = sweep.eigenvalues
    out["eps-lambda-max"] = float(lam[0])
    out["eps-lambda-median"] = float(np.median(lam))
    for e in sweep.eps:
        out[f"eps-below-{e:g}"] = int(np.sum(lam < e))
    out["eps-count"] = len(lam)
    for c, name in enumerate("rgb"):
        out[f"channel-mean-{name}"] = float(patches.channel_mean[c])
        out[f"channel-std-{name}"] = float(patches.channel_std[c])
    out["patch-count"] = len(patches.train)
    out["patch-size"] = patches.train.shape[1]
    out["pixel-std-min"], out["pixel-std-max"] = patches.pixel_std_range
    d = 224 * 224 * 3
    out["imagenet-dim"] = d
    out["imagenet-cov-gb"] = d * d * 4 / 1e9
    out["leak-seeds"] = len(leak.seeds)
    out["leak-acc-train"] = 100 * float(leak.accuracy_rule.mean())
    out["leak-acc-batch"] = 100 * float(leak.accuracy_batch_stats.mean())
    out["leak-changed"] = 100 * float(leak.changed_predictions.mean())
    out["leak-acc-before"] = 100 * float(leak.accuracy_fit_before_split.mean())
    out["leak-batch"] = leak.batch_size
    out["race-target"] = race.target
    out["race-seeds"] = len(race.seeds)
    out["race-epochs-budget"] = race.epochs
    for v in race.variants:
        key = v.replace("/16", "16")
        epochs, lr = race.best(v)
        out[f"race-{key}-epochs"] = epochs
        out[f"race-{key}-lr"] = lr
        out[f"race-{key}-test"] = 100 * float(race.test_accuracy[v].mean())
        out[f"race-{key}-saturated"] = 100 * race.saturated[v]
        out[f"cond-{key}"] = race.condition[v]
        spec = race.spectrum[v]
        out[f"lambda-max-{key}"] = spec.largest
        out[f"lambda-median-{key}"] = spec.median
        out[f"lambda-min-{key}"] = spec.smallest
        out[f"lambda-align-{key}"] = spec.mean_alignment
    out["lambda-max-ratio"] = race.spectrum["raw/16"].largest / race.spectrum["centered/16"].largest
    out.update(stats.claim_numbers(claims(results)))
    return out


def claims(results: dict) -> list[stats.Claim]:
    """The chapter's seeded claims about preprocessing, each on paired seeds.

    The race pairs its variants by seed (the seed fixes the initial weights; training is full
    batch, so there is no minibatch order); epochs to the target loss count a run that never
    reaches it as the budget + 1, which can only shrink a difference. The leakage claims pair
    the two evaluations (or the two fits) by seed: the same split and initial weights.
    """
    race, leak = results["race"], results["leak"]
    unit = f"epochs to training loss {race.target:g}"

    def faster(slow, fast):
        return stats.paired(race.seed_epochs(slow, cap=True), race.seed_epochs(fast, cap=True), unit=unit)

    whole, mean_only, beyond = faster("raw", "standardized"), faster("raw/16", "centered/16"), \
        faster("centered/16", "standardized")
    batch = stats.paired(leak.accuracy_rule * 100, leak.accuracy_batch_stats * 100, unit="test accuracy points")
    before = stats.paired(leak.accuracy_fit_before_split * 100, leak.accuracy_rule * 100,
                          unit="test accuracy points")
    lrs = ", ".join(f"{v} {race.chosen_lr[v]:g}" for v in race.variants)
    return [
        stats.Claim("standardizing-speeds-training", "Standardizing the inputs speeds up training.",
                    "LeCun et al. 1998; CS231n notes",
                    f"64-32-10 tanh net on the digits, full batch, learning rate per input chosen on validation "
                    f"digits ({lrs}): epochs to loss {race.target:g}, raw minus standardized, {whole.n} seeds (a run "
                    f"that never gets there counts as {race.epochs + 1} epochs, so the effect is a lower bound)",
                    stats.verdict(whole), whole, "fig-scaling-race"),
        stats.Claim("centering-speeds-training", "Zero-centering the inputs speeds up training.",
                    "LeCun et al. 1998",
                    f"the same race with the scale held fixed: raw/16 minus centered/16 epochs, {mean_only.n} seeds",
                    stats.verdict(mean_only), mean_only, "fig-scaling-race"),
        stats.Claim("per-feature-scaling-speeds-training",
                    "Dividing each centered feature by its standard deviation speeds up training further.",
                    "CS231n notes",
                    f"centered/16 minus standardized epochs, {beyond.n} seeds", stats.verdict(beyond), beyond,
                    "fig-scaling-race"),
        stats.Claim("test-batch-statistics-hurt", "Preprocessing statistics must come from the training data, "
                    "not from the data being predicted.", "CS231n notes",
                    f"the same trained nets, test digits standardized with training statistics minus with "
                    f"statistics of their own batch of {leak.batch_size}, {batch.n} splits",
                    stats.verdict(batch), batch, "sec-train-only"),
        stats.Claim("fit-before-split-inflates-test", "Fitting preprocessing statistics before splitting leaks "
                    "the test data and inflates the test score.", "CS231n notes",
                    f"standardizer fitted on all digits minus on the training split only, test accuracy, "
                    f"{before.n} splits", stats.verdict(before), before, "sec-train-only"),
    ]
