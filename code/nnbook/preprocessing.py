"""Data preprocessing: standardization, PCA, PCA- and ZCA-whitening, image centering.

Every transformer follows scikit-learn's contract: ``fit(X)`` learns statistics from the
training data and returns ``self``; learned attributes end in ``_``; ``transform`` applies
the *stored* statistics unchanged to any data (validation, test, production);
``fit_transform`` does both; ``inverse_transform`` undoes ``transform``::

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

from nnbook._validation import nonnegative_scalar, one_of, positive_int

__all__ = ["NotFittedError", "Standardizer", "PCA", "Whitener", "ImageCenterer"]


class NotFittedError(ValueError, AttributeError):
    """Raised when ``transform`` (or ``inverse_transform``) is called before ``fit``."""


def _check_array(X, name: str = "X", ndim: int = 2) -> np.ndarray:
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers; got {type(X).__name__}") from exc
    if arr.ndim != ndim:
        shape = "(N, D): one example per row" if ndim == 2 else "(N, H, W, C)"
        hint = " (for a single feature use X.reshape(-1, 1); for one example, X.reshape(1, -1))" if arr.ndim == 1 else ""
        raise ValueError(f"{name} must be a {ndim}-D array of shape {shape}; got shape {arr.shape}{hint}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no examples (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; remove or impute them before preprocessing")
    return arr


class _Transformer:
    """Shared checks: fitted or not, and the number of features seen in ``fit``."""

    _fitted_attribute = "mean_"

    def _check_fitted(self):
        if not hasattr(self, self._fitted_attribute):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet: call fit(X_train) first")

    def _check_features(self, X, name="X") -> np.ndarray:
        self._check_fitted()
        X = _check_array(X, name)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"{name} has {X.shape[1]} features, but {type(self).__name__} was fitted "
                             f"with {self.n_features_in_}")
        return X

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._params().items())})"


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
        self.with_mean = bool(with_mean)
        self.with_std = bool(with_std)

    def _params(self):
        return {"with_mean": self.with_mean, "with_std": self.with_std}

    def fit(self, X) -> "Standardizer":
        """Learn the mean and standard deviation of each column of ``X`` (N, D)."""
        X = _check_array(X)
        self.n_features_in_ = X.shape[1]
        self.mean_ = X.mean(axis=0) if self.with_mean else np.zeros(X.shape[1])
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0) if self.with_std else np.ones(X.shape[1])
        return self

    def transform(self, X) -> np.ndarray:
        """``(X − mean_) / scale_``."""
        X = self._check_features(X)
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, Z) -> np.ndarray:
        """``Z · scale_ + mean_``."""
        Z = self._check_features(Z, "Z")
        return Z * self.scale_ + self.mean_


def _principal_axes(X: np.ndarray):
    """Mean, principal axes (rows, by decreasing variance) and their variances, via the SVD
    of the centred data (more accurate than an eigendecomposition of the covariance)."""
    mean = X.mean(axis=0)
    _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    # a sign convention, so that results do not depend on the LAPACK build: the largest
    # entry of each axis is positive
    signs = np.sign(Vt[np.arange(Vt.shape[0]), np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0
    variances = s**2 / max(X.shape[0] - 1, 1)
    return mean, Vt * signs[:, None], variances, s


class PCA(_Transformer):
    """Principal component analysis: rotate the centred data onto its principal axes.

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
        self.n_components = None if n_components is None else positive_int(n_components, "n_components")

    def _params(self):
        return {"n_components": self.n_components}

    def fit(self, X) -> "PCA":
        """Learn the mean and principal axes of ``X`` (N, D)."""
        X = _check_array(X)
        n, d = X.shape
        k = min(n, d) if self.n_components is None else self.n_components
        if k > min(n, d):
            raise ValueError(f"n_components={k} is too large: at most min(n_samples, n_features) = {min(n, d)} "
                             f"for data of shape {X.shape}")
        mean, axes, variances, s = _principal_axes(X)
        total = variances.sum()
        self.n_features_in_ = d
        self.mean_ = mean
        self.components_ = axes[:k]
        self.explained_variance_ = variances[:k]
        self.explained_variance_ratio_ = variances[:k] / total if total > 0 else np.zeros(k)
        self.singular_values_ = s[:k]
        return self

    def transform(self, X) -> np.ndarray:
        """Coordinates on the principal axes, (N, k)."""
        X = self._check_features(X)
        return (X - self.mean_) @ self.components_.T

    def inverse_transform(self, Z) -> np.ndarray:
        """Back to the original space, (N, D): ``Z @ components_ + mean_``."""
        self._check_fitted()
        Z = _check_array(Z, "Z")
        if Z.shape[1] != self.components_.shape[0]:
            raise ValueError(f"Z must have {self.components_.shape[0]} columns (one per component); got {Z.shape[1]}")
        return Z @ self.components_ + self.mean_


class Whitener(_Transformer):
    """Whitening: centred data with identity covariance.

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
        self.method = one_of(method, ("pca", "zca"), "method")
        self.eps = nonnegative_scalar(eps, "eps")
        if n_components is not None and self.method == "zca":
            raise ValueError("n_components applies to PCA-whitening only; ZCA keeps all dimensions")
        self.n_components = None if n_components is None else positive_int(n_components, "n_components")

    def _params(self):
        return {"method": self.method, "eps": self.eps, "n_components": self.n_components}

    def fit(self, X) -> "Whitener":
        """Learn the mean, principal axes and variances of ``X`` (N, D)."""
        pca = PCA(self.n_components).fit(X)
        lam = pca.explained_variance_
        if self.eps == 0 and np.any(lam <= 1e-12 * max(lam.max(), 1e-300)):
            raise ValueError("the data has directions of (almost) zero variance, which whitening would divide by "
                             "zero; use eps > 0 or n_components below the data's rank")
        V = pca.components_.T  # (D, k)
        scale = 1.0 / np.sqrt(lam + self.eps)
        self.n_features_in_ = pca.n_features_in_
        self.mean_ = pca.mean_
        self.components_ = pca.components_
        self.explained_variance_ = lam
        if self.method == "pca":
            self.whitening_ = V * scale
            self.dewhitening_ = (V / scale).T
        else:
            if V.shape[1] < V.shape[0]:
                raise ValueError(f"ZCA needs at least as many examples as features; got data of shape "
                                 f"{np.shape(X)}")
            self.whitening_ = (V * scale) @ V.T
            self.dewhitening_ = (V / scale) @ V.T
        return self

    def transform(self, X) -> np.ndarray:
        """Whitened data ``(X − mean_) @ whitening_``."""
        X = self._check_features(X)
        return (X - self.mean_) @ self.whitening_

    def inverse_transform(self, Z) -> np.ndarray:
        """``Z @ dewhitening_ + mean_`` (exact for all components kept)."""
        self._check_fitted()
        Z = _check_array(Z, "Z")
        if Z.shape[1] != self.whitening_.shape[1]:
            raise ValueError(f"Z must have {self.whitening_.shape[1]} columns; got {Z.shape[1]}")
        return Z @ self.dewhitening_ + self.mean_


class ImageCenterer(_Transformer):
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

    def __init__(self, mode: str = "channel"):
        self.mode = one_of(mode, ("image", "channel"), "mode")

    def _params(self):
        return {"mode": self.mode}

    def fit(self, images) -> "ImageCenterer":
        """Learn the mean image or the per-channel means of ``images`` (N, H, W, C)."""
        images = _check_array(images, "images", ndim=4)
        self.image_shape_ = images.shape[1:]
        self.mean_ = images.mean(axis=0) if self.mode == "image" else images.mean(axis=(0, 1, 2))
        return self

    def _check_images(self, images, name):
        self._check_fitted()
        images = _check_array(images, name, ndim=4)
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
