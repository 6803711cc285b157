"""Binarizers in the scikit-learn estimator style: ``fit(X)`` then ``transform(X)`` -> packed bits.

``X`` is a (words, dims) float matrix. ``transform`` returns uint8 of shape (words, ceil(n_bits_/8))
in the bit order of :mod:`binembed.codes` (use :func:`binembed.codes.unpack_bits` for 0/1 values).
Parameters are stored as given by ``__init__``; what ``fit`` resolves or learns ends in ``_``.
"""

from __future__ import annotations

import numpy as np

from ..codes import BinaryCodes, pack_bits

#: Rows that a transform computes at once (so at most ROW_BLOCK x n_bits floats beside the input).
#: A BLAS product's rows depend on how many rows it is given, so blocks start at row 0 of X; the
#: workflow splits an embedding into chunks of a multiple of ROW_BLOCK rows, and a chunk's codes
#: are then bit for bit those of the rows in a whole run.
ROW_BLOCK = 4096


def blockwise_bits(X, n_bits: int, project) -> np.ndarray:
    """Packed bits of float32 ``X``, one block of ``ROW_BLOCK`` rows at a time: ``project(block)``
    gives the block's (rows, n_bits) booleans."""
    out = np.empty((len(X), (n_bits + 7) // 8), dtype=np.uint8)
    for start in range(0, len(X), ROW_BLOCK):
        block = X[start : start + ROW_BLOCK]
        out[start : start + len(block)] = pack_bits(project(block))
    return out


class NotFittedError(RuntimeError):
    pass


class BaseBinarizer:
    """Common validation and the ``fit_transform`` / ``encode`` conveniences.

    Subclasses set ``method_name`` (the name used in config.yaml and result paths) and
    ``stochastic``: a stochastic method takes a ``random_state`` parameter (an int seed) and the
    workflow runs it once per configured seed.
    """

    method_name: str
    stochastic = False

    def get_params(self) -> dict:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set parameters by name, as scikit-learn's estimators do; an unknown name is a ValueError."""
        names = self._param_names()
        for key, value in params.items():
            if key not in names:
                raise ValueError(
                    f"{type(self).__name__} has no parameter {key!r} (it has {', '.join(names)})"
                )
            setattr(self, key, value)
        return self

    @classmethod
    def _param_names(cls):
        import inspect

        signature = inspect.signature(cls.__init__)
        return [p for p in signature.parameters if p != "self"]

    @staticmethod
    def _validate(X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"expected a non-empty (words, dims) matrix, got shape {X.shape}")
        for start in range(0, len(X), ROW_BLOCK):  # not a boolean copy of all of X at once
            if not np.isfinite(X[start : start + ROW_BLOCK]).all():
                raise ValueError("input contains NaN or infinite values")
        return X

    def _check_fitted(self, X):
        if not hasattr(self, "n_features_in_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit(X) first")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"fitted on {self.n_features_in_} dims, got {X.shape[1]}")

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)

    def transform_rows(self, X, start: int, stop: int) -> np.ndarray:
        """The codes of rows [start, stop) of the ``X`` the model was fitted on, as
        ``fit_transform(X)[start:stop]`` (``start`` a multiple of ROW_BLOCK): for a vocabulary
        encoded in chunks. Every method but Overcomplete-B transforms the rows."""
        return self.transform(X[start:stop])

    def fit_report(self, X) -> dict:
        """What the fitted model reports about itself on ``X`` (an objective, a loss, an error);
        recorded in the codes' metadata. Nothing by default."""
        return {}

    def checked_codes(self, packed, n_rows: int) -> np.ndarray:
        """``packed``, the transform of ``n_rows`` rows, if it is what the API promises: uint8 of
        shape (n_rows, ceil(n_bits_ / 8)); else a ValueError saying what came back instead."""
        n_bits = getattr(self, "n_bits_", None)
        if not isinstance(n_bits, int | np.integer) or n_bits < 1:
            raise ValueError(f"{type(self).__name__}.fit left n_bits_ = {n_bits!r}, not a positive integer")
        expected = (n_rows, (int(n_bits) + 7) // 8)
        shape, dtype = getattr(packed, "shape", None), getattr(packed, "dtype", type(packed).__name__)
        if dtype != np.uint8 or shape != expected:
            raise ValueError(
                f"{type(self).__name__}.transform returned {dtype} of shape {shape} for {n_rows} rows; "
                f"{n_bits} bits packed need uint8 of shape {expected}"
            )
        return packed

    def encode(self, words, X, metadata=None) -> BinaryCodes:
        """Fit on ``X``, transform it, and wrap the result with its vocabulary, parameters and
        fit report."""
        packed = self.checked_codes(self.fit_transform(X), len(X))
        return BinaryCodes(list(words), packed, self.n_bits_, self.codes_metadata(X, metadata))

    def codes_metadata(self, X, metadata=None) -> dict:
        """What codes of the fitted model record: method, parameters, ``metadata`` and the fit
        report on ``X``."""
        meta = {"method": self.method_name, "params": self.get_params(), **(metadata or {})}
        report = self.fit_report(X)
        if report:
            meta["fit"] = report
        return meta


class SignBinarizer(BaseBinarizer):
    """ "Rude" binarization (the baseline of Wang et al. 2019): bit j = 1 where x_j > threshold,
    one bit per dimension. ``threshold`` defaults to 0, the sign of each coordinate."""

    method_name = "sign"

    def __init__(self, threshold: float = 0.0):
        self.threshold = threshold

    def fit(self, X, y=None):
        X = self._validate(X)
        self.n_features_in_ = X.shape[1]
        self.n_bits_ = X.shape[1]
        return self

    def transform(self, X) -> np.ndarray:
        X = self._validate(X)
        self._check_fitted(X)
        return blockwise_bits(X, self.n_bits_, lambda block: block > self.threshold)
