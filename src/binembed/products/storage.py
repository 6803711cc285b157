"""Storage: bits and bytes per word measured on the written codes and vectors, against float32."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codes import BinaryCodes


@dataclass(frozen=True)
class Storage:
    """Memory of one word: an n-bit code takes ceil(n / 8) bytes, a dims-dimensional float32
    vector dims x 4 bytes."""

    bits: int
    dims: int

    @property
    def code_bytes(self) -> int:
        return math.ceil(self.bits / 8)

    @property
    def float_bytes(self) -> int:
        return 4 * self.dims

    @property
    def saved_percent(self) -> float:
        return 100.0 * (1.0 - self.code_bytes / self.float_bytes)


#: Wang et al. (2019)'s storage claim: 3000-bit codes of 300-d vectors, 375 against 1200 bytes.
PAPER_STORAGE = Storage(bits=3000, dims=300)


def codes_storage(codes_path, dims: int) -> dict:
    """Bits and bytes measured on a written codes file, against float32 vectors of ``dims``."""
    codes = BinaryCodes.load(codes_path)
    n_words, bytes_per_word = codes.packed.shape
    per_word = Storage(codes.n_bits, dims)
    if bytes_per_word != per_word.code_bytes:
        raise ValueError(f"{codes_path}: {bytes_per_word} bytes per word for {codes.n_bits} bits")
    return {
        "n_words": n_words,
        "bits_per_word": codes.n_bits,
        "bytes_per_word": bytes_per_word,
        "vocabulary_bytes": codes.packed.nbytes,
        "float32_bytes": n_words * per_word.float_bytes,
    }


def vectors_storage(vectors_path) -> dict:
    """The same figures for the dense float32 vectors file (32 bits per dimension)."""
    vectors = np.load(vectors_path, mmap_mode="r")
    n_words, dims = vectors.shape
    return {
        "n_words": n_words,
        "bits_per_word": 8 * vectors.itemsize * dims,
        "bytes_per_word": vectors.itemsize * dims,
        "vocabulary_bytes": vectors.nbytes,
        "float32_bytes": n_words * 4 * dims,
    }


def storage_table(rows: list[dict]) -> pd.DataFrame:
    """Storage rows (embedding, method and the measured figures) with the ratio to float32 and the
    percentage saved."""
    table = pd.DataFrame(rows)
    ratio = table.vocabulary_bytes / table.float32_bytes
    return table.assign(ratio_to_float32=ratio, saved_percent=100.0 * (1.0 - ratio))
