"""nnbook.preprocessing: statistics, the scikit-learn contract, and clear errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbook.preprocessing import PCA, ImageCenterer, NotFittedError, Standardizer, Whitener


def _correlated(n=400, d=4, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d)) + 2 * np.eye(d)
    return rng.normal(size=(n, d)) @ A + rng.normal(size=d) * 5


@given(st.integers(0, 10_000), st.integers(2, 6))
@settings(max_examples=25)
def test_whitened_data_has_identity_covariance(seed, d):
    X = _correlated(n=300, d=d, seed=seed)
    for method in ("pca", "zca"):
        Z = Whitener(method, eps=0.0).fit_transform(X)
        np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-10)
        np.testing.assert_allclose(np.cov(Z, rowvar=False), np.eye(d), atol=1e-8)


def test_eps_shrinks_the_whitened_variance_as_documented():
    X = _correlated()
    w = Whitener("pca", eps=0.5).fit(X)
    var = np.var(w.transform(X), axis=0, ddof=1)
    np.testing.assert_allclose(var, w.explained_variance_ / (w.explained_variance_ + 0.5), rtol=1e-10)


def test_pca_matches_svd_up_to_sign_and_inverts_at_full_rank():
    X = _correlated()
    pca = PCA().fit(X)
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    for axis, ref in zip(pca.components_, Vt):
        assert min(np.abs(axis - ref).max(), np.abs(axis + ref).max()) < 1e-10
    np.testing.assert_allclose(pca.explained_variance_, s**2 / (len(X) - 1), rtol=1e-12)
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(X)), X, atol=1e-10)
    assert pca.explained_variance_ratio_.sum() == pytest.approx(1.0)
    Z = pca.transform(X)
    np.testing.assert_allclose(np.cov(Z, rowvar=False), np.diag(pca.explained_variance_), atol=1e-9)


def test_truncated_pca_is_the_best_low_rank_reconstruction():
    X = _correlated(d=5)
    err = [np.mean((PCA(k).fit(X).inverse_transform(PCA(k).fit(X).transform(X)) - X) ** 2) for k in range(1, 6)]
    assert all(a > b for a, b in zip(err, err[1:])) and err[-1] < 1e-20
    # the error left equals the variance of the dropped components
    pca = PCA().fit(X)
    dropped = pca.explained_variance_[2:].sum() * (len(X) - 1) / len(X) / X.shape[1]
    assert err[1] == pytest.approx(dropped, rel=1e-9)


def test_zca_is_pca_whitening_rotated_back():
    X = _correlated()
    pca, zca = Whitener("pca", eps=1e-3).fit(X), Whitener("zca", eps=1e-3).fit(X)
    np.testing.assert_allclose(pca.transform(X) @ pca.components_, zca.transform(X), atol=1e-10)
    np.testing.assert_allclose(zca.inverse_transform(zca.transform(X)), X, atol=1e-9)
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(X)), X, atol=1e-9)


def test_zca_changes_the_data_least():
    # among whitening transforms (any rotation of PCA-whitening), ZCA is closest to the centred data
    X = _correlated(d=2)
    Xc = X - X.mean(axis=0)
    Zp = Whitener("pca", eps=0).fit_transform(X)
    zca_dist = np.sum((Whitener("zca", eps=0).fit_transform(X) - Xc) ** 2)
    for t in np.linspace(0, 2 * np.pi, 73):
        R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        assert np.sum((Zp @ R - Xc) ** 2) >= zca_dist - 1e-8


def test_test_data_uses_training_statistics():
    X_train, X_test = _correlated(seed=0), _correlated(seed=1) + 3.0
    for t in (Standardizer(), PCA(2), Whitener("zca"), Whitener("pca")):
        t.fit(X_train)
        before = {k: np.copy(v) for k, v in vars(t).items() if k.endswith("_") and isinstance(v, np.ndarray)}
        out = t.transform(X_test)
        assert abs(out.mean()) > 0.1  # the test set's shift shows: it was not re-centred
        for k, v in before.items():
            np.testing.assert_array_equal(getattr(t, k), v)  # transform never re-fits
    s = Standardizer().fit(X_train)
    np.testing.assert_allclose(s.transform(X_test), (X_test - X_train.mean(0)) / X_train.std(0))


def test_standardizer_options_and_constant_features():
    X = np.column_stack([np.arange(10.0), np.full(10, 7.0)])
    s = Standardizer().fit(X)
    Z = s.transform(X)
    assert np.all(np.isfinite(Z)) and np.all(Z[:, 1] == 0)
    np.testing.assert_allclose(Z[:, 0].std(), 1.0)
    np.testing.assert_allclose(s.inverse_transform(Z), X)
    assert np.all(Standardizer(with_std=False).fit(X).scale_ == 1)
    assert np.all(Standardizer(with_mean=False).fit(X).mean_ == 0)


@pytest.mark.parametrize("make", [Standardizer, PCA, Whitener, lambda: Whitener("zca")])
def test_bad_input_gets_clear_errors(make):
    t = make()
    with pytest.raises(NotFittedError, match="fit"):
        t.transform(np.ones((3, 2)))
    with pytest.raises(ValueError, match="2-D"):
        t.fit(np.arange(5.0))
    with pytest.raises(ValueError, match="X must be a finite.*contains NaN"):
        t.fit(np.array([[1.0, np.nan], [2.0, 3.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="X must be a finite.*contains infinity"):
        t.fit(np.array([[1.0, np.inf], [2.0, 3.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="X must be .*0 sample"):
        t.fit(np.empty((0, 3)))
    with pytest.raises(ValueError, match=r"X must be .*N, D >= 1.*0 feature"):
        t.fit(np.empty((3, 0)))
    t.fit(_correlated(d=3))
    with pytest.raises(ValueError, match="features"):
        t.transform(np.ones((4, 5)))


def test_parameter_errors():
    with pytest.raises(ValueError, match="too large"):
        PCA(5).fit(np.ones((10, 3)))
    with pytest.raises(ValueError, match="too large"):
        PCA(5).fit(_correlated(n=4, d=8))
    X = _correlated()
    with pytest.raises(ValueError, match="method"):
        Whitener("svd").fit(X)
    with pytest.raises(ValueError, match="eps"):
        Whitener(eps=-1.0).fit(X)
    with pytest.raises(ValueError, match="n_components"):
        Whitener("zca", n_components=2).fit(X)
    with pytest.raises(ValueError, match="zero variance"):
        Whitener(eps=0.0).fit(np.column_stack([np.arange(5.0), np.ones(5)]))
    with pytest.raises(ValueError, match="columns"):
        PCA(2).fit(_correlated()).inverse_transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="X must be a finite, real"):
        Standardizer().fit([["a", "b"]])


def test_image_centerer_modes():
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(20, 4, 5, 3)) + np.array([0.1, 0.5, 0.9])
    ch = ImageCenterer("channel").fit(images)
    assert ch.mean_.shape == (3,)
    np.testing.assert_allclose(ch.transform(images).mean(axis=(0, 1, 2)), 0, atol=1e-12)
    im = ImageCenterer("image").fit(images)
    assert im.mean_.shape == (4, 5, 3)
    np.testing.assert_allclose(im.transform(images).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(im.inverse_transform(im.transform(images)), images)
    # channel mode accepts other image sizes (same channels), image mode does not
    assert ch.transform(rng.uniform(size=(2, 8, 8, 3))).shape == (2, 8, 8, 3)
    with pytest.raises(ValueError, match="image shape"):
        im.transform(rng.uniform(size=(2, 8, 8, 3)))
    with pytest.raises(ValueError, match="channels"):
        ch.transform(rng.uniform(size=(2, 4, 5, 1)))
    with pytest.raises(ValueError, match="4-D"):
        ImageCenterer().fit(np.ones((3, 4)))
    with pytest.raises(ValueError, match="mode"):
        ImageCenterer("pixel").fit(images)
    with pytest.raises(NotFittedError):
        ImageCenterer().transform(images)


def test_repr_and_fit_returns_self():
    s = Standardizer()
    assert s.fit(np.ones((3, 2))) is s
    assert repr(Whitener("zca", eps=0.1)) == "Whitener(eps=0.1, method='zca')"  # scikit-learn's repr


# ----------------------------------------------------------------------------- #10.5 scikit-learn contract

from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

from nnbook.preprocessing import ImageCenterer  # noqa: E402

#: check_estimator feeds 2-D (N, D) data; ImageCenterer takes images (N, H, W, C), so the checks
#: that fit or transform such data cannot apply to it. The API checks (get/set_params, clone,
#: constructor, tags, pickling of an unfitted estimator ...) run and pass.
_IMAGE_CHECKS_SKIPPED = dict.fromkeys(
    ["check_fit_score_takes_y", "check_estimators_overwrite_params", "check_dont_overwrite_parameters",
     "check_estimators_fit_returns_self", "check_readonly_memmap_input", "check_n_features_in_after_fitting",
     "check_positive_only_tag_during_fit", "check_estimators_dtypes", "check_dtype_object",
     "check_pipeline_consistency", "check_estimators_nan_inf", "check_estimators_pickle",
     "check_f_contiguous_array_estimator", "check_transformer_data_not_an_array", "check_transformer_general",
     "check_transformer_preserve_dtypes", "check_methods_sample_order_invariance",
     "check_methods_subset_invariance", "check_fit2d_1sample", "check_fit2d_1feature", "check_dict_unchanged",
     "check_fit_idempotent", "check_fit_check_is_fitted", "check_n_features_in", "check_fit2d_predict1d"],
    "it feeds 2-D (N, D) data; ImageCenterer takes images (N, H, W, C)")
#: The checks set n_components=1 on every estimator that has the parameter; only PCA-whitening uses it.
_ZCA_CHECKS_SKIPPED = dict.fromkeys(
    ["check_dont_overwrite_parameters", "check_methods_sample_order_invariance", "check_methods_subset_invariance",
     "check_fit2d_1sample", "check_fit2d_1feature", "check_fit2d_predict1d"],
    "the checks set n_components=1, which only PCA-whitening accepts")


@pytest.mark.parametrize("estimator,skipped", [
    (Standardizer(), {}), (PCA(), {}), (Whitener(), {}), (Whitener(method="zca"), _ZCA_CHECKS_SKIPPED),
    (ImageCenterer(), _IMAGE_CHECKS_SKIPPED),
], ids=["Standardizer", "PCA", "Whitener", "Whitener-zca", "ImageCenterer"])
def test_scikit_learn_check_estimator(estimator, skipped):
    results = check_estimator(estimator, expected_failed_checks=skipped, on_skip=None, on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
    assert failed == []
    ran = {r["check_name"] for r in results if r["status"] == "passed"}
    assert len(ran) >= 20 if not skipped else len(ran) >= 15  # the API checks ran


@pytest.mark.parametrize("make", [Standardizer, PCA, Whitener, lambda: Whitener(method="zca")])
def test_in_a_pipeline_with_a_classifier_and_cloned(make):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 4)) * [1.0, 10.0, 0.1, 3.0] + 5.0
    y = (X[:, 0] - 5 + 0.1 * (X[:, 1] - 5) > 0).astype(int)
    pipe = make_pipeline(make(), LogisticRegression())
    assert pipe.fit(X, y).score(X, y) > 0.9
    copy = clone(pipe)
    assert copy.get_params()["steps"][0][1].get_params() == make().get_params()
    assert not hasattr(copy.steps[0][1], "mean_")  # an unfitted copy
    t = make().set_params(**make().get_params())
    np.testing.assert_allclose(t.fit(X, y).transform(X), make().fit(X).transform(X))  # y accepted, ignored


@pytest.mark.parametrize("make", [Standardizer, PCA, Whitener, lambda: Whitener(method="zca")])
def test_float32_kept_complex_refused(make):
    X = _correlated().astype(np.float32)
    Z = make().fit_transform(X)
    assert Z.dtype == np.float32
    assert make().fit(X).inverse_transform(Z).dtype == np.float32
    assert make().fit_transform(X.astype(int)).dtype == np.float64
    with pytest.raises(ValueError, match="X must be a finite, real.*Complex data not supported"):
        make().fit(X + 1j)
    with pytest.raises(ValueError, match="Complex data not supported"):
        make().fit(X).transform(X + 1j)
    assert ImageCenterer().fit_transform(np.ones((2, 3, 3, 1), np.float32)).dtype == np.float32


def test_boolean_flags_must_be_bools():
    X = _correlated()
    with pytest.raises(TypeError, match="with_mean must be True or False; got 'no'"):
        Standardizer(with_mean="no").fit(X)
    with pytest.raises(TypeError, match="with_std must be True or False"):
        Standardizer(with_std=1).fit(X)
    assert Standardizer(with_mean=np.bool_(False)).fit(X).mean_.tolist() == [0.0] * X.shape[1]
