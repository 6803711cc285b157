"""Random rotations with median thresholds: bit j of a word x is [p_j . x > m_j].

The projections p_j are the rows of independent random orthogonal matrices (QR of a Gaussian
matrix, signs fixed so that the rotation is Haar-distributed), stacked until there are ``n_bits``;
within a block of ``dims`` bits they are orthogonal, so its bits are less redundant than those of
independent hyperplanes (Ji et al. 2012, "super-bit" LSH). m_j is the median of p_j . x over the
words the model is fitted on, so that each bit is 1 for half of them (the most information one
bit can carry), where a threshold of 0 gives unbalanced bits when the vectors are not centred.
"""

from __future__ import annotations

import numpy as np

from binembed.binarizers.base import BaseBinarizer, blockwise_bits


def haar_rotation(dims: int, rng: np.random.Generator) -> np.ndarray:
    """A (dims, dims) random orthogonal matrix, uniformly distributed (Mezzadri 2007)."""
    q, r = np.linalg.qr(rng.standard_normal((dims, dims)))
    return q * np.sign(np.diag(r))


class RotationMedianBinarizer(BaseBinarizer):
    """``n_bits`` median-thresholded random orthogonal projections (default: one per dimension)."""

    method_name = "rotation_median"
    stochastic = True

    def __init__(self, n_bits: int | None = None, random_state: int = 0):
        self.n_bits = n_bits
        self.random_state = random_state

    def fit(self, X, y=None):
        X = self._validate(X)
        dims = X.shape[1]
        n_bits = dims if self.n_bits is None else int(self.n_bits)
        if n_bits < 1:
            raise ValueError(f"n_bits must be at least 1, got {self.n_bits}")
        rng = np.random.default_rng(self.random_state)
        blocks = [haar_rotation(dims, rng) for _ in range(-(-n_bits // dims))]
        self.projection_ = np.concatenate(blocks, axis=0)[:n_bits].T.astype(np.float32)  # (dims, n_bits)
        self.thresholds_ = np.median(X @ self.projection_, axis=0)
        self.n_features_in_, self.n_bits_ = dims, n_bits
        return self

    def transform(self, X) -> np.ndarray:
        X = self._validate(X)
        self._check_fitted(X)
        return blockwise_bits(X, self.n_bits_, lambda block: block @ self.projection_ > self.thresholds_)
