"""k-nearest-neighbour search and voting, for Hamming (packed bits) and cosine (dense) distance.

Neighbours are ordered by (distance, reference index), so ties in distance, which are common for
Hamming distance, always resolve the same way whatever the thread count. ``query_groups`` and
``ref_groups`` exclude references of the query's own group (a cross-validation fold); a query with
group -1 sees every reference.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, inline="always")
def _popcount64(x):
    """Bits set in a uint64 (the SWAR count of Hacker's Delight, section 5-1)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@numba.njit(parallel=True, cache=True)
def _hamming_neighbours(queries, refs, query_groups, ref_groups, out_index, out_distance):
    k = out_index.shape[1]
    n_groups = queries.shape[1]
    for q in numba.prange(queries.shape[0]):
        filled = 0
        for r in range(refs.shape[0]):
            if query_groups[q] >= 0 and ref_groups[r] == query_groups[q]:
                continue
            d = 0
            for g in range(n_groups):
                d += _popcount64(queries[q, g] ^ refs[r, g])
            if filled == k and d >= out_distance[q, k - 1]:
                continue
            # insertion sort step: strict comparison keeps earlier references first among ties
            pos = filled if filled < k else k - 1
            while pos > 0 and out_distance[q, pos - 1] > d:
                out_distance[q, pos] = out_distance[q, pos - 1]
                out_index[q, pos] = out_index[q, pos - 1]
                pos -= 1
            out_distance[q, pos] = d
            out_index[q, pos] = r
            if filled < k:
                filled += 1


def as_uint64_groups(packed: np.ndarray) -> np.ndarray:
    """Packed uint8 codes (words, n_bytes) as (words, ceil(n_bytes/8)) uint64, zero-padded."""
    n_words, n_bytes = packed.shape
    padded = np.zeros((n_words, -(-n_bytes // 8) * 8), dtype=np.uint8)
    padded[:, :n_bytes] = packed
    return padded.view(np.uint64)


def _groups(groups, n):
    return np.full(n, -1, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)


def hamming_neighbours(queries, refs, k, query_groups=None, ref_groups=None):
    """Indices and Hamming distances (int64) of the k nearest references of each query; both
    arguments are packed uint8 codes of equal width."""
    q64, r64 = as_uint64_groups(queries), as_uint64_groups(refs)
    out_index = np.full((len(q64), k), -1, dtype=np.int64)
    out_distance = np.full((len(q64), k), np.iinfo(np.int64).max, dtype=np.int64)
    _hamming_neighbours(
        q64, r64, _groups(query_groups, len(q64)), _groups(ref_groups, len(r64)), out_index, out_distance
    )
    return out_index, out_distance


def _unit_rows(X):
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)


def cosine_neighbours(queries, refs, k, query_groups=None, ref_groups=None, chunk=512):
    """Indices and cosine distances (1 - cos) of the k nearest references of each query. A zero
    vector has cosine 0 with everything (distance 1)."""
    Q, R = _unit_rows(queries), _unit_rows(refs)
    qg, rg = _groups(query_groups, len(Q)), _groups(ref_groups, len(R))
    out_index = np.empty((len(Q), k), dtype=np.int64)
    out_distance = np.empty((len(Q), k), dtype=np.float64)
    for start in range(0, len(Q), chunk):
        stop = min(start + chunk, len(Q))
        distance = 1.0 - Q[start:stop] @ R.T
        same = (qg[start:stop, None] >= 0) & (qg[start:stop, None] == rg[None, :])
        distance[same] = np.inf
        candidates = np.argpartition(distance, k - 1, axis=1)[:, :k]
        picked = np.take_along_axis(distance, candidates, axis=1)
        order = np.lexsort((candidates, picked), axis=1)
        out_index[start:stop] = np.take_along_axis(candidates, order, axis=1)
        out_distance[start:stop] = np.take_along_axis(picked, order, axis=1)
    return out_index, out_distance


def vote(neighbour_labels: np.ndarray, ks, n_classes: int) -> dict[int, np.ndarray]:
    """Majority vote among the first k neighbours for each k in ``ks``. A tie goes to the tied
    class whose nearest member ranks first. ``neighbour_labels`` is (queries, max(ks)) int."""
    n_queries, k_max = neighbour_labels.shape
    counts = np.zeros((n_queries, n_classes), dtype=np.int64)
    first_rank = np.full((n_queries, n_classes), k_max, dtype=np.int64)
    rows = np.arange(n_queries)
    wanted = set(ks)
    predictions = {}
    for rank in range(k_max):
        labels = neighbour_labels[:, rank]
        counts[rows, labels] += 1
        first_rank[rows, labels] = np.minimum(first_rank[rows, labels], rank)
        if rank + 1 in wanted:
            predictions[rank + 1] = np.argmax(counts * (k_max + 1) - first_rank, axis=1)
    return predictions
