"""Classic binary baselines: random-hyperplane LSH and iterative quantization (ITQ); the binary
sparse overcomplete vectors of Faruqui et al. (Overcomplete-B) are in :mod:`binembed.binarizers.overcomplete`.

- :class:`LSHBinarizer`: Charikar (STOC 2002), "Similarity estimation techniques from rounding
  algorithms", Sec. 3: the sign of random Gaussian projections.
- :class:`ITQBinarizer`: Gong & Lazebnik (CVPR 2011), "Iterative quantization: a Procrustean
  approach to learning binary codes", Sec. 2: PCA, then a rotation minimising the quantization loss.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from .base import ROW_BLOCK, BaseBinarizer, blockwise_bits


class LSHBinarizer(BaseBinarizer):
    """Sign random projections (Charikar 2002, Sec. 3): bit j = [x . r_j >= 0], r_j ~ N(0, I).

    For two vectors at angle theta, Pr[bit j differs] = theta / pi, so the normalized Hamming
    distance estimates theta / pi. ``n_bits`` defaults to 256; the projections are drawn from
    ``numpy.random.default_rng(random_state)`` (the same seed gives the same bits).
    Fitted: ``projections_`` of shape (dims, n_bits).
    """

    method_name = "lsh"
    stochastic = True

    def __init__(self, n_bits: int = 256, random_state: int = 0):
        self.n_bits = n_bits
        self.random_state = random_state

    def fit(self, X, y=None):
        X = self._validate(X)
        if self.n_bits < 1:
            raise ValueError(f"n_bits must be >= 1, got {self.n_bits}")
        rng = np.random.default_rng(self.random_state)
        self.projections_ = rng.standard_normal((X.shape[1], self.n_bits)).astype(np.float32)
        self.n_features_in_ = X.shape[1]
        self.n_bits_ = int(self.n_bits)
        return self

    def transform(self, X) -> np.ndarray:
        X = self._validate(X)
        self._check_fitted(X)
        return blockwise_bits(X, self.n_bits_, lambda block: block @ self.projections_ >= 0)


class ITQBinarizer(BaseBinarizer):
    """Iterative quantization (Gong & Lazebnik 2011, Sec. 2).

    Center X, project it on its top ``n_bits`` principal components (V = (X - mean_) W), then
    alternate ``n_iter`` times (default 50, as in the paper's experiments) from a random
    orthogonal rotation R drawn with ``random_state``:

    - fix R, update B = sign(V R);
    - fix B, update R by orthogonal Procrustes: with the SVD V^T B = U S Q^T, R = U Q^T maximises
      tr(R^T V^T B), i.e. minimises ||B - V R||_F^2 (the paper's R = Ŝ S^T from the SVD of B^T V).

    Bits are [V R > 0]. ITQ rotates principal directions, so it makes at most one bit per input
    dimension: ``n_bits`` > dims raises ValueError. ``n_bits=None`` (the default) takes all of them.
    PCA and the iterations use every row given to ``fit`` (no subsampling).

    Fitted: ``mean_``, ``components_`` (n_bits, dims: principal axes by decreasing variance, each
    signed so that its largest-magnitude entry is positive), ``rotation_`` (n_bits, n_bits),
    ``quantization_error_`` = ||B - V R||_F^2 / n with B in {-1, +1}, and
    ``pca_quantization_error_``, the same loss without rotation (R = I), for comparison.
    """

    method_name = "itq"
    stochastic = True

    def __init__(self, n_bits: int | None = None, n_iter: int = 50, random_state: int = 0):
        self.n_bits = n_bits
        self.n_iter = n_iter
        self.random_state = random_state

    def fit(self, X, y=None):
        X = self._validate(X)
        dims = X.shape[1]
        n_bits = dims if self.n_bits is None else int(self.n_bits)
        if not 1 <= n_bits <= dims:
            raise ValueError(
                f"ITQ makes one bit per principal component: n_bits must be between 1 and the "
                f"{dims} input dims, got {n_bits}"
            )
        self.mean_, covariance = _mean_and_covariance(X)
        _, vectors = linalg.eigh(covariance, subset_by_index=(dims - n_bits, dims - 1))
        components = vectors[:, ::-1].T
        signs = np.sign(components[np.arange(n_bits), np.abs(components).argmax(axis=1)])
        self.components_ = components * signs[:, None]

        rng = np.random.default_rng(self.random_state)
        q, r = np.linalg.qr(rng.standard_normal((n_bits, n_bits)))
        rotation = q * np.sign(np.diag(r))
        for _ in range(self.n_iter):
            # V^T B summed over blocks of V = (X - mean) W^T, B = sign(V R): V is never whole
            VtB = np.zeros((n_bits, n_bits))
            for V in self._principal_blocks(X):
                VtB += V.T @ np.where(V @ rotation.astype(np.float32) > 0, np.float32(1), np.float32(-1))
            u, _, qt = np.linalg.svd(VtB)
            rotation = u @ qt
        self.rotation_ = rotation
        self.quantization_error_, self.pca_quantization_error_ = self._sign_losses(X, rotation)
        self.n_features_in_ = dims
        self.n_bits_ = n_bits
        return self

    def transform(self, X) -> np.ndarray:
        X = self._validate(X)
        self._check_fitted(X)
        projection = (self.components_.T @ self.rotation_).astype(np.float32)
        mean = self.mean_.astype(np.float32)
        return blockwise_bits(X, self.n_bits_, lambda block: (block - mean) @ projection > 0)

    def _principal_blocks(self, X):
        """V = (X - mean_) components_^T, one float32 block of ROW_BLOCK rows at a time."""
        components, mean = self.components_.T.astype(np.float32), self.mean_.astype(np.float32)
        for start in range(0, len(X), ROW_BLOCK):
            yield (X[start : start + ROW_BLOCK] - mean) @ components

    def _sign_losses(self, X, rotation) -> tuple[float, float]:
        """||sign(P) - P||_F^2 / n = n_bits - 2 mean_i ||p_i||_1 + ||V||_F^2 / n for P = V R and
        for P = V (no rotation), in one pass over the blocks of V."""
        rotation = rotation.astype(np.float32)
        squared, rotated, plain = 0.0, 0.0, 0.0
        for V in self._principal_blocks(X):
            squared += np.einsum("ij,ij->", V, V, dtype=np.float64)
            rotated += np.abs(V @ rotation).sum(dtype=np.float64)
            plain += np.abs(V).sum(dtype=np.float64)
        n_bits, n = rotation.shape[1], len(X)
        return float(n_bits + (squared - 2 * rotated) / n), float(n_bits + (squared - 2 * plain) / n)


def _mean_and_covariance(X):
    """Mean and (biased) covariance of the rows of X in float64, summed one block at a time."""
    n, dims = X.shape
    total, gram = np.zeros(dims), np.zeros((dims, dims))
    for start in range(0, n, ROW_BLOCK):
        block = X[start : start + ROW_BLOCK].astype(np.float64)
        total += block.sum(axis=0)
        gram += block.T @ block
    mean = total / n
    return mean, gram / n - np.outer(mean, mean)
