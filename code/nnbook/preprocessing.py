"""Data preprocessing: standardization, PCA, PCA- and ZCA-whitening, image centering.

Every transformer is a scikit-learn estimator (a subclass of ``sklearn.base.BaseEstimator``
and ``TransformerMixin``, checked with scikit-learn's ``check_estimator``), so it works in a
``Pipeline``, with ``clone`` and in grid searches: ``fit(X, y=None)`` learns statistics from
the training data (``y`` is accepted and ignored) and returns ``self``; learned attributes end
in ``_``; ``transform`` applies the *stored* statistics unchanged to any data (validation,
test, production); ``fit_transform`` does both; ``inverse_transform`` undoes ``transform``.
The constructor only stores its arguments; they are checked in ``fit`` (flags must be real
booleans: ``with_mean="no"`` is refused, not read as True). float32 data stays float32,
integers become float64, complex data and NaN/inf are refused::

    >>> import numpy as np
    >>> from nnbook.preprocessing import Whitener
    >>> rng = np.random.default_rng(0)
    >>> X_train = rng.normal(size=(500, 3)) @ [[2, 1, 0], [0, 1, 0], [0, 0, 3]] + 5
    >>> w = Whitener(method="zca").fit(X_train)
    >>> np.allclose(np.cov(w.transform(X_train), rowvar=False), np.eye(3), atol=1e-4)
    True

Conventions: ``X`` has one example per row, shape (N, D). Covariances, explained variances
and whitening use the unbiased ``1/(N − 1)`` normalization, as ``numpy.cov`` and
scikit-learn's PCA do; :class:`Standardizer` uses the standard deviation with ``1/N``, as
scikit-learn's ``StandardScaler`` does.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from nnbook._validation import boolean, nonnegative_scalar, one_of, positive_int

__all__ = ["NotFittedError", "Standardizer", "PCA", "Whitener", "ImageCenterer"]

_FLOATS = (np.float64, np.float32)  # kept as they are; anything else numeric becomes float64


def _refuse_sparse(X, name):
    if sparse.issparse(X):
        raise TypeError(f"{name} is a sparse matrix; these transformers need a dense array (use {name}.toarray())")


def _explained(error, name, what):
    """Prefix scikit-learn's validation message with the argument's name and what is allowed."""
    # scikit-learn's message without its dump of the array and its advice on imputers
    lines = [line for line in str(error).strip().split("\n")
             if not line.startswith("array=") and "missing values encoded as NaN" not in line]
    return type(error)(f"{name} must be a finite, real {what}: {' '.join(lines)}")


class _Transformer(TransformerMixin, BaseEstimator):
    """Input checks of the 2-D transformers (scikit-learn's, with the argument named)."""

    # Z is data, not metadata to route: no set_inverse_transform_request method
    __metadata_request__inverse_transform = {"Z": UNUSED}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _validate(self, X, *, reset: bool, name: str = "X") -> np.ndarray:
        """``X`` as a float64/float32 array (N, D), N, D ≥ 1, finite; sets or checks ``n_features_in_``."""
        _refuse_sparse(X, name)
        if not reset:
            check_is_fitted(self)
        try:
            return validate_data(self, X, reset=reset, dtype=_FLOATS)
        except ValueError as error:
            raise _explained(error, name, "2-D array (N, D) with N, D >= 1 (one example per row)") from None

    def _validate_output_side(self, Z, columns: int, name: str = "Z") -> np.ndarray:
        """``Z`` for ``inverse_transform``: (N, columns), finite."""
        check_is_fitted(self)
        _refuse_sparse(Z, name)
        try:
            Z = check_array(Z, dtype=_FLOATS, input_name=name)
        except ValueError as error:
            raise _explained(error, name, f"2-D array (N, {columns})") from None
        if Z.shape[1] != columns:
            raise ValueError(f"{name} must have {columns} columns (one per component); got {Z.shape[1]}")
        return Z


class Standardizer(_Transformer):
    """Per-feature standardization ``(x − μ) / σ``, with μ and σ from the training data.

    Parameters
    ----------
    with_mean : bool, default True
        Subtract the mean (zero-centering).
    with_std : bool, default True
        Divide by the standard deviation. A feature that is constant in the training data has
        σ = 0; it is left unscaled (σ taken as 1) instead of producing inf or NaN.

    Attributes
    ----------
    mean_ : (D,) array (zeros when ``with_mean=False``)
    scale_ : (D,) array (ones when ``with_std=False``)
    n_features_in_ : int
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None) -> "Standardizer":
        """Learn the mean and standard deviation of each column of ``X`` (N, D); ``y`` is ignored."""
        with_mean, with_std = boolean(self.with_mean, "with_mean"), boolean(self.with_std, "with_std")
        X = self._validate(X, reset=True)
        self.mean_ = X.mean(axis=0) if with_mean else np.zeros(X.shape[1], dtype=X.dtype)
        std = X.std(axis=0)
        self.scale_ = (np.where(std > 0, std, 1.0) if with_std else np.ones(X.shape[1])).astype(X.dtype, copy=False)
        return self

    def transform(self, X) -> np.ndarray:
        """``(X − mean_) / scale_``."""
        X = self._validate(X, reset=False)
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, Z) -> np.ndarray:
        """``Z · scale_ + mean_``."""
        Z = self._validate_output_side(Z, self.n_features_in_)
        return Z * self.scale_ + self.mean_


def _principal_axes(X: np.ndarray):
    """Mean, principal axes (rows, by decreasing variance) and their variances, via the SVD
    of the centered data (more accurate than an eigendecomposition of the covariance)."""
    mean = X.mean(axis=0)
    _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    # a sign convention, so that results do not depend on the LAPACK build: the largest
    # entry of each axis is positive
    signs = np.sign(Vt[np.arange(Vt.shape[0]), np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0
    variances = s**2 / max(X.shape[0] - 1, 1)
    return mean, Vt * signs[:, None], variances, s


class PCA(_Transformer):
    """Principal component analysis: rotate the centered data onto its principal axes.

    ``transform(X) = (X − mean_) @ components_.T`` gives decorrelated coordinates whose
    variances are ``explained_variance_``, in decreasing order. With ``n_components = k < D``
    it keeps the ``k`` directions of largest variance, and ``inverse_transform`` gives the
    best rank-``k`` reconstruction in the least-squares sense.

    Parameters
    ----------
    n_components : int or None
        Number of components to keep (1 ≤ k ≤ min(N, D)); None keeps min(N, D).

    Attributes
    ----------
    mean_ : (D,) array
    components_ : (k, D) array, orthonormal rows (principal axes)
    explained_variance_ : (k,) array
    explained_variance_ratio_ : (k,) array, fraction of the total variance per component
    singular_values_ : (k,) array
    n_features_in_ : int
    """

    def __init__(self, n_components: int | None = None):
        self.n_components = n_components

    def fit(self, X, y=None) -> "PCA":
        """Learn the mean and principal axes of ``X`` (N, D); ``y`` is ignored."""
        k = None if self.n_components is None else positive_int(self.n_components, "n_components")
        X = self._validate(X, reset=True)
        n, d = X.shape
        k = min(n, d) if k is None else k
        if k > min(n, d):
            raise ValueError(f"n_components={k} is too large: at most min(n_samples, n_features) = {min(n, d)} "
                             f"for data of shape {X.shape}")
        mean, axes, variances, s = _principal_axes(X)
        total = variances.sum()
        self.mean_ = mean
        self.components_ = axes[:k]
        self.explained_variance_ = variances[:k]
        self.explained_variance_ratio_ = variances[:k] / total if total > 0 else np.zeros(k)
        self.singular_values_ = s[:k]
        return self

    def transform(self, X) -> np.ndarray:
        """Coordinates on the principal axes, (N, k)."""
        X = self._validate(X, reset=False)
        return (X - self.mean_) @ self.components_.T

    def inverse_transform(self, Z) -> np.ndarray:
        """Back to the original space, (N, D): ``Z @ components_ + mean_``."""
        Z = self._validate_output_side(Z, self.components_.shape[0])
        return Z @ self.components_ + self.mean_


class Whitener(_Transformer):
    """Whitening: centered data with identity covariance.

    With principal axes ``V`` (columns) and variances ``λ``:

    * ``method="pca"``: ``Z = (X − μ) V diag(1/√(λ + ε))`` — decorrelate, then scale each
      principal coordinate to unit variance;
    * ``method="zca"``: ``Z = (X − μ) V diag(1/√(λ + ε)) Vᵀ`` — the same, rotated back to
      the original axes. Of all whitening transforms, ZCA changes the data least (in the
      least-squares sense), so whitened images still look like images.

    Parameters
    ----------
    method : "pca" or "zca"
    eps : float ≥ 0, default 1e-5
        Added to every variance before the square root; keeps directions of (almost) zero
        variance from being blown up. With ``eps > 0`` the covariance of the result is
        ``λ / (λ + ε)`` per direction, slightly below 1.
    n_components : int or None
        PCA-whitening only: keep this many components (None: min(N, D)).

    Attributes
    ----------
    mean_ : (D,) array
    components_ : (k, D) principal axes
    explained_variance_ : (k,) variances λ
    whitening_ : (D, k) array for "pca", (D, D) for "zca": ``Z = (X − mean_) @ whitening_``
    dewhitening_ : its inverse map, ``X = Z @ dewhitening_ + mean_``
    n_features_in_ : int
    """

    def __init__(self, method: str = "pca", eps: float = 1e-5, n_components: int | None = None):
        self.method = method
        self.eps = eps
        self.n_components = n_components

    def _check_params(self):
        method = one_of(self.method, ("pca", "zca"), "method")
        eps = nonnegative_scalar(self.eps, "eps")
        if self.n_components is not None and method == "zca":
            raise ValueError("n_components applies to PCA-whitening only; ZCA keeps all dimensions")
        return method, eps

    def fit(self, X, y=None) -> "Whitener":
        """Learn the mean, principal axes and variances of ``X`` (N, D); ``y`` is ignored."""
        method, eps = self._check_params()
        X = self._validate(X, reset=True)
        pca = PCA(self.n_components).fit(X)
        lam = pca.explained_variance_
        if eps == 0 and np.any(lam <= 1e-12 * max(lam.max(), 1e-300)):
            raise ValueError("the data has directions of (almost) zero variance, which whitening would divide by "
                             "zero; use eps > 0 or n_components below the data's rank")
        V = pca.components_.T  # (D, k)
        scale = 1.0 / np.sqrt(lam + eps)
        self.mean_ = pca.mean_
        self.components_ = pca.components_
        self.explained_variance_ = lam
        if method == "pca":
            self.whitening_ = V * scale
            self.dewhitening_ = (V / scale).T
        else:
            if V.shape[1] < V.shape[0]:
                raise ValueError(f"ZCA needs at least as many examples as features; got {X.shape[0]} sample(s) "
                                 f"with {X.shape[1]} features")
            self.whitening_ = (V * scale) @ V.T
            self.dewhitening_ = (V / scale) @ V.T
        return self

    def transform(self, X) -> np.ndarray:
        """Whitened data ``(X − mean_) @ whitening_``."""
        X = self._validate(X, reset=False)
        return (X - self.mean_) @ self.whitening_

    def inverse_transform(self, Z) -> np.ndarray:
        """``Z @ dewhitening_ + mean_`` (exact for all components kept)."""
        Z = self._validate_output_side(Z, self.whitening_.shape[1])
        return Z @ self.dewhitening_ + self.mean_


class ImageCenterer(TransformerMixin, BaseEstimator):
    """Mean subtraction for images of shape (N, H, W, C), the usual preprocessing of CNNs.

    Parameters
    ----------
    mode : "image" or "channel"
        ``"image"`` subtracts the mean image (one value per pixel and channel, shape
        (H, W, C)), as AlexNet did; ``"channel"`` subtracts one mean per colour channel
        (shape (C,)), as VGG did.

    Attributes
    ----------
    mean_ : (H, W, C) or (C,) array
    image_shape_ : (H, W, C)
    """

    # images is the data, not metadata to route: no set_*_request methods
    __metadata_request__fit = {"images": UNUSED}
    __metadata_request__transform = {"images": UNUSED}
    __metadata_request__inverse_transform = {"images": UNUSED}

    def __init__(self, mode: str = "channel"):
        self.mode = mode

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    @staticmethod
    def _images(images, name="images") -> np.ndarray:
        _refuse_sparse(images, name)
        try:
            images = check_array(images, dtype=_FLOATS, allow_nd=True, ensure_2d=False, input_name=name)
        except ValueError as error:
            raise _explained(error, name, "4-D array of images (N, H, W, C)") from None
        if images.ndim != 4:
            raise ValueError(f"{name} must be a 4-D array of images (N, H, W, C); got shape {images.shape}")
        if images.shape[0] == 0:
            raise ValueError(f"{name} has no examples (shape {images.shape})")
        return images

    def fit(self, images, y=None) -> "ImageCenterer":
        """Learn the mean image or the per-channel means of ``images`` (N, H, W, C); ``y`` is ignored."""
        mode = one_of(self.mode, ("image", "channel"), "mode")
        images = self._images(images)
        self.image_shape_ = images.shape[1:]
        self.mean_ = images.mean(axis=0) if mode == "image" else images.mean(axis=(0, 1, 2))
        return self

    def _check_images(self, images, name):
        check_is_fitted(self)
        images = self._images(images, name)
        expected = self.image_shape_ if self.mode == "image" else self.image_shape_[-1:]
        got = images.shape[1:] if self.mode == "image" else images.shape[-1:]
        if got != expected:
            what = "image shape (H, W, C)" if self.mode == "image" else "number of channels"
            raise ValueError(f"{name} has {what} {got}, but the centerer was fitted with {expected}")
        return images

    def transform(self, images) -> np.ndarray:
        """``images − mean_`` (broadcast over examples, and over pixels for "channel")."""
        return self._check_images(images, "images") - self.mean_

    def inverse_transform(self, images) -> np.ndarray:
        """``images + mean_``."""
        return self._check_images(images, "images") + self.mean_
