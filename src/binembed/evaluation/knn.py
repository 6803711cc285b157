"""k-nearest-neighbour search and voting, for Hamming (packed bits) and cosine (dense) distance.

Two uses with two tie rules. :func:`hamming_neighbours` and :func:`cosine_neighbours` list the k
nearest references ordered by (distance, reference index), for listings such as the neighbours of
"car", where an order is needed. :func:`hamming_votes` and :func:`cosine_votes` classify, and there
no result may depend on the order of the training set: Hamming distances between OR-pooled codes
tie massively (saturated codes are all ones). Their vote among the k nearest is the expected vote
over every ordering of the tied references: with D the k-th smallest distance, s references closer
than D and t at distance D, a class gets

    score_c = t * (closer_c) + (k - s) * (at_D_c),

that is t times its votes, where each reference at distance D carries (k - s) / t of a vote
(integers, so exact). The class with the highest score wins; among equal scores the class whose
nearest member is closest, then the first class. Cosine distances are rounded to 12 decimals
first, so that equal vectors tie whatever the rounding of the matrix product.
``query_groups`` and ``ref_groups`` exclude references of the query's own group (a
cross-validation fold); a query with group -1 sees every reference.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from ..codes import uint64_groups


@intrinsic
def popcount64(typingctx, x):
    """Bits set in a uint64: LLVM's ctpop, one popcnt instruction on a CPU that has it."""

    def codegen(context, builder, signature, args):
        ctpop = builder.module.declare_intrinsic("llvm.ctpop", [ir.IntType(64)])
        return builder.call(ctpop, args)

    return types.uint64(types.uint64), codegen


#: The Hamming kernels hold the references group-major (n_groups x n_refs), so that XOR and
#: popcount run across references in vector registers, and score them a tile of REF_TILE at a
#: time; the neighbour search passes a block of up to _QUERY_BLOCK queries over each tile while it
#: is in the L1 cache. Measured at 400k x 256 bits, 1000 queries: 0.26 s for 64 x 256, 0.74 s as a
#: reference at a time (the vote's cost is its histogram, which the blocking did not speed up).
REF_TILE = 256
_QUERY_BLOCK = 64


@numba.njit(cache=True, inline="always")
def tile_distances(query, refs_by_group, start, distance):
    """distance[t] = Hamming distance of ``query`` (uint64 groups) to reference start + t, for the
    len(distance) references of the tile; refs_by_group is (n_groups, n_refs) uint64."""
    width = distance.size
    for t in range(width):
        distance[t] = 0
    for g in range(query.size):
        word = query[g]
        row = refs_by_group[g, start : start + width]
        for t in range(width):
            distance[t] += popcount64(word ^ row[t])


@numba.njit(parallel=True, cache=True)
def hamming_neighbours_kernel(
    queries, refs_by_group, query_groups, ref_groups, block, out_index, out_distance
):
    """The k nearest references of each query by insertion into its sorted row of k; a tile whose
    closest reference is no closer than the k-th found so far is dropped whole. References are
    met in index order, so ties keep the earlier reference (whatever ``block`` and the threads)."""
    k = out_index.shape[1]
    n_refs = refs_by_group.shape[1]
    n_queries = queries.shape[0]
    for number in numba.prange(-(-n_queries // block)):
        first = number * block
        last = min(first + block, n_queries)
        distances = np.empty(REF_TILE, dtype=np.int64)
        filled = np.zeros(block, dtype=np.int64)
        worst = np.full(block, np.iinfo(np.int64).max, dtype=np.int64)  # the k-th distance once k are found
        for start in range(0, n_refs, REF_TILE):
            distance = distances[: min(REF_TILE, n_refs - start)]
            for q in range(first, last):
                tile_distances(queries[q], refs_by_group, start, distance)
                slot = q - first
                closest = np.iinfo(np.int64).max
                for t in range(distance.size):
                    closest = min(closest, distance[t])
                if closest >= worst[slot]:
                    continue
                for t in range(distance.size):
                    d, r = distance[t], start + t
                    if d >= worst[slot] or (query_groups[q] >= 0 and ref_groups[r] == query_groups[q]):
                        continue
                    # insertion sort step: strict comparison keeps earlier references first among ties
                    pos = min(filled[slot], k - 1)
                    while pos > 0 and out_distance[q, pos - 1] > d:
                        out_distance[q, pos] = out_distance[q, pos - 1]
                        out_index[q, pos] = out_index[q, pos - 1]
                        pos -= 1
                    out_distance[q, pos] = d
                    out_index[q, pos] = r
                    filled[slot] = min(filled[slot] + 1, k)
                    if filled[slot] == k:
                        worst[slot] = out_distance[q, k - 1]


def group_major(codes64: np.ndarray) -> np.ndarray:
    """uint64 codes (words, n_groups) as (n_groups, words), the layout the Hamming kernels read."""
    return np.ascontiguousarray(codes64.T)


def query_block(n_queries: int) -> int:
    """Queries per block: _QUERY_BLOCK, or fewer so that every numba thread gets a block."""
    return max(1, min(_QUERY_BLOCK, -(-n_queries // numba.get_num_threads())))


def _groups(groups, n):
    return np.full(n, -1, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)


def hamming_neighbours(queries, refs, k, query_groups=None, ref_groups=None):
    """Indices and Hamming distances (int64) of the k nearest references of each query; both
    arguments are packed uint8 codes of equal width."""
    q64, r64 = uint64_groups(queries), uint64_groups(refs)
    out_index = np.full((len(q64), k), -1, dtype=np.int64)
    out_distance = np.full((len(q64), k), np.iinfo(np.int64).max, dtype=np.int64)
    hamming_neighbours_kernel(
        q64, group_major(r64), _groups(query_groups, len(q64)), _groups(ref_groups, len(r64)),
        query_block(len(q64)), out_index, out_distance,
    )  # fmt: skip
    return out_index, out_distance


def unit_rows(X, dtype=np.float64):
    """The rows of ``X`` (as ``dtype``) divided by their Euclidean norms; a zero row stays zero."""
    X = np.asarray(X, dtype=dtype)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)


def cosine_distances(Q, refs, block=65536):
    """1 - cos (rounded to 12 decimals) of unit rows Q to every row of ``refs``, whose rows are made
    unit in float64 one block at a time (a vocabulary of 3M x 300 is never copied whole)."""
    distance = np.empty((len(Q), len(refs)))
    for start in range(0, len(refs), block):
        distance[:, start : start + block] = 1.0 - Q @ unit_rows(refs[start : start + block]).T
    return np.round(distance, 12, out=distance)


def cosine_neighbours(queries, refs, k, query_groups=None, ref_groups=None, chunk=512):
    """Indices and cosine distances (1 - cos, rounded to 12 decimals) of the k nearest references
    of each query, ties by index. A zero vector has cosine 0 with everything (distance 1)."""
    Q = unit_rows(queries)
    qg, rg = _groups(query_groups, len(Q)), _groups(ref_groups, len(refs))
    out_index = np.empty((len(Q), k), dtype=np.int64)
    out_distance = np.empty((len(Q), k), dtype=np.float64)
    for start in range(0, len(Q), chunk):
        stop = min(start + chunk, len(Q))
        distance = cosine_distances(Q[start:stop], refs)
        same = (qg[start:stop, None] >= 0) & (qg[start:stop, None] == rg[None, :])
        distance[same] = np.inf
        kth = np.partition(distance, k - 1, axis=1)[:, k - 1]
        for row in range(stop - start):
            candidates = np.flatnonzero(distance[row] <= kth[row])  # every member of a tie at the k-th
            order = np.lexsort((candidates, distance[row, candidates]))[:k]
            out_index[start + row] = candidates[order]
            out_distance[start + row] = distance[row, candidates[order]]
    return out_index, out_distance


@numba.njit(parallel=True, cache=True)
def _hamming_vote_kernel(
    queries, refs_by_group, ref_labels, query_groups, ref_groups, ks, block, scores, nearest
):
    """scores[q, j, c] of the tie-averaged vote among the ks[j] nearest (module docstring) and
    nearest[q, c], the distance of class c's nearest reference (64 x groups + 1 when it has none).
    Queries go in blocks of ``block``: each tile of REF_TILE references is scored against every
    query of the block while it is in the cache (codes of thousands of bits otherwise stream the
    references from memory once per query); then a count of each query's distances gives the
    depth of its ks[-1]-th nearest, and only the references within it are tallied by class."""
    max_distance = queries.shape[1] * 64
    n_queries, n_refs = queries.shape[0], refs_by_group.shape[1]
    for number in numba.prange(-(-n_queries // block)):
        first = number * block
        last = min(first + block, n_queries)
        rows = np.empty((last - first, n_refs), dtype=np.int64)
        for start in range(0, n_refs, REF_TILE):
            stop = min(start + REF_TILE, n_refs)
            for q in range(first, last):
                tile_distances(queries[q], refs_by_group, start, rows[q - first, start:stop])
        counts = np.empty(max_distance + 1, dtype=np.int64)
        for q in range(first, last):
            row = rows[q - first]
            counts[:] = 0
            nearest[q, :] = max_distance + 1
            available = 0
            for r in range(n_refs):
                if query_groups[q] >= 0 and ref_groups[r] == query_groups[q]:
                    row[r] = -1  # excluded: the query's own fold
                    continue
                counts[row[r]] += 1
                available += 1
                nearest[q, ref_labels[r]] = min(nearest[q, ref_labels[r]], row[r])
            depth, within = 0, counts[0]
            while within < min(ks[-1], available):
                depth += 1
                within += counts[depth]
            histogram = np.zeros((depth + 1, nearest.shape[1]), dtype=np.int64)
            for r in range(n_refs):
                if 0 <= row[r] <= depth:
                    histogram[row[r], ref_labels[r]] += 1
            _vote_scores(histogram, available, ks, scores[q])


@numba.njit(cache=True)
def _vote_scores(histogram, available, ks, scores):
    """One query's scores (len(ks) x n_classes) from its histogram of distances by class, which
    holds at least its min(ks[-1], available) nearest of the ``available`` references."""
    n_classes = histogram.shape[1]
    closer = np.zeros(n_classes, dtype=np.int64)
    n_closer = 0
    d = 0
    for j in range(ks.shape[0]):
        k = min(ks[j], available)
        at_d = histogram[d].sum()
        while n_closer + at_d < k:
            closer += histogram[d]
            n_closer += at_d
            d += 1
            at_d = histogram[d].sum()
        for c in range(n_classes):
            scores[j, c] = at_d * closer[c] + (k - n_closer) * histogram[d, c]


def hamming_votes(queries, refs, ref_labels, n_classes, ks, query_groups=None, ref_groups=None):
    """Predicted class of each query for each k in ``ks`` (a dict k -> int64 array) by the
    tie-averaged k-nearest vote in Hamming distance, and each query's distance to its nearest
    reference. ``queries`` and ``refs``: packed uint8 codes of equal width."""
    q64, r64 = uint64_groups(queries), uint64_groups(refs)
    ks = np.asarray(sorted(ks), dtype=np.int64)
    scores = np.zeros((len(q64), len(ks), n_classes), dtype=np.int64)
    nearest = np.zeros((len(q64), n_classes), dtype=np.int64)
    _hamming_vote_kernel(
        q64,
        group_major(r64),
        np.asarray(ref_labels, dtype=np.int64),
        _groups(query_groups, len(q64)),
        _groups(ref_groups, len(r64)),
        ks,
        query_block(len(q64)),
        scores,
        nearest,
    )
    return _decide(ks, scores, nearest.astype(np.float64)), nearest.min(axis=1)


@numba.njit(parallel=True, cache=True)
def _sorted_vote_kernel(distance, bound, ref_labels, ks, scores, nearest):
    """The same scores and nearest class distances as _hamming_vote_kernel, from rows of real
    distances (inf: excluded); ``bound[q]`` is at least row q's max(ks)-th smallest distance, so
    only the references within it are sorted."""
    n_classes = nearest.shape[1]
    for q in numba.prange(distance.shape[0]):
        row = distance[q]
        for c in range(n_classes):
            nearest[q, c] = np.inf
        n_within = 0
        for r in range(row.size):
            nearest[q, ref_labels[r]] = min(nearest[q, ref_labels[r]], row[r])
            n_within += row[r] <= bound[q]
        within = np.empty(n_within, dtype=np.int64)
        n_within = 0
        for r in range(row.size):
            if row[r] <= bound[q]:
                within[n_within] = r
                n_within += 1
        order = within[np.argsort(row[within])]
        available = 0
        while available < order.size and np.isfinite(row[order[available]]):
            available += 1
        closer = np.zeros(n_classes, dtype=np.int64)
        at_kth = np.zeros(n_classes, dtype=np.int64)
        start = 0  # first position of the run of equal distances holding the k-th
        for j in range(ks.shape[0]):
            k = min(ks[j], available)
            if k == 0:
                continue
            kth = row[order[k - 1]]
            while row[order[start]] < kth:
                closer[ref_labels[order[start]]] += 1
                start += 1
            stop = start
            at_kth[:] = 0
            while stop < available and row[order[stop]] == kth:
                at_kth[ref_labels[order[stop]]] += 1
                stop += 1
            for c in range(n_classes):
                scores[q, j, c] = (stop - start) * closer[c] + (k - start) * at_kth[c]


def cosine_votes(queries, refs, ref_labels, n_classes, ks, query_groups=None, ref_groups=None, chunk=512):
    """The same vote in cosine distance (1 - cos, rounded to 12 decimals) between dense rows; a
    zero vector has distance 1 to everything."""
    Q = unit_rows(queries)
    qg, rg = _groups(query_groups, len(Q)), _groups(ref_groups, len(refs))
    ks = np.asarray(sorted(ks), dtype=np.int64)
    labels = np.asarray(ref_labels, dtype=np.int64)
    scores = np.zeros((len(Q), len(ks), n_classes), dtype=np.int64)
    nearest = np.zeros((len(Q), n_classes))
    depth = min(ks[-1], len(refs))
    for start in range(0, len(Q), chunk):
        stop = min(start + chunk, len(Q))
        distance = cosine_distances(Q[start:stop], refs)
        distance[(qg[start:stop, None] >= 0) & (qg[start:stop, None] == rg[None, :])] = np.inf
        bound = np.partition(distance, depth - 1, axis=1)[:, depth - 1]
        _sorted_vote_kernel(distance, bound, labels, ks, scores[start:stop], nearest[start:stop])
    return _decide(ks, scores, nearest), nearest.min(axis=1)


def _decide(ks, scores, nearest) -> dict[int, np.ndarray]:
    """Per k, the class with the highest score; among equal scores the one with the nearest
    member, then the first."""
    predictions = {}
    for j, k in enumerate(ks):
        best = scores[:, j] == scores[:, j].max(axis=1, keepdims=True)
        distance = np.where(best, nearest, np.inf)
        best &= distance == distance.min(axis=1, keepdims=True)
        predictions[int(k)] = np.argmax(best, axis=1)
    return predictions
