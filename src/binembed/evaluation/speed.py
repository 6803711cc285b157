"""What binary codes buy in time: a top-k neighbour query over a whole vocabulary, dense against
packed codes, timed on the running machine (one thread).

Dense: the query's unit float32 vector against the unit float32 matrix of the vocabulary (one BLAS
matrix-vector product, cosine), then the k largest by ``argpartition``. Codes: XOR and popcount of
the packed 64-bit groups against every word (:mod:`binembed.evaluation.knn`'s Hamming kernel, the groups
held group-major as it takes them), keeping the k nearest as it goes. Both exclude nothing (the
query word is its own nearest neighbour) and both are timed per query, after one untimed warm-up
query; the statistic is the median over the queries.
"""

from __future__ import annotations

import time

import numpy as np

from ..codes import uint64_groups
from .knn import group_major, hamming_neighbours_kernel, unit_rows


def dense_queries(vectors: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of each top-k cosine query for the words ``rows``, and the k rows found (nearest
    first)."""
    unit = unit_rows(vectors, np.float32)
    seconds, found = [], []
    for row in (rows[0], *rows):
        started = time.perf_counter()
        similarity = unit @ unit[row]
        top = np.argpartition(-similarity, k - 1)[:k]
        top = top[np.argsort(-similarity[top], kind="stable")]
        seconds.append(time.perf_counter() - started)
        found.append(top)
    return np.array(seconds[1:]), np.array(found[1:])


def code_queries(packed: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of each top-k Hamming query for the words ``rows`` over packed codes, and the k
    rows found (nearest first, ties by row)."""
    groups = uint64_groups(packed)
    by_group = group_major(groups)  # made once, like the dense side's unit matrix
    everyone = np.full(len(groups), -1, dtype=np.int64)
    alone = np.full(1, -1, dtype=np.int64)
    seconds, found = [], []
    for row in (rows[0], *rows):
        index = np.full((1, k), -1, dtype=np.int64)
        distance = np.full((1, k), np.iinfo(np.int64).max, dtype=np.int64)
        started = time.perf_counter()
        hamming_neighbours_kernel(groups[row : row + 1], by_group, alone, everyone, 1, index, distance)
        seconds.append(time.perf_counter() - started)
        found.append(index[0])
    return np.array(seconds[1:]), np.array(found[1:])
