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

import itertools
import threading

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


#: The neighbour searches hold the references group-major (n_groups x n_refs), so that XOR and
#: popcount run across references in vector registers, and score them a tile of REF_TILE at a
#: time; the neighbour search passes a block of up to _QUERY_BLOCK queries over each tile while it
#: is in the L1 cache. Measured at 400k x 256 bits, 1000 queries: 0.26 s for 64 x 256, 0.74 s as a
#: reference at a time. (The vote, which needs every distance, has its own kernel:
#: :func:`_distance_tiles`.)
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


#: Tiles of the vote's distance matrices: _TILE_QUERIES x _TILE_REFS pairs, a unit of parallel work
#: whose references (94 groups of 6000-bit codes: 190 kB) stay in the L2 cache while its queries
#: pass over them.
_TILE_QUERIES, _TILE_REFS = 64, 256

#: A cross-validation (queries are the references, each in a fold) is computed by the triangle
#: of its n x n matrix, each pair of folds once, when its codes have at least
#: _TRIANGLE_MIN_GROUPS uint64 groups and the matrix takes at most _TRIANGLE_MAX_BYTES. Narrower
#: codes gain nothing by it: at 50 bits the vote took 0.31 s either way on 10k texts, while the
#: first touch of a 200 MB matrix's pages took 0.2-0.5 s (at 1000 bits 1.3x, 3000 bits 1.6x:
#: bench/bench_vote.py). The matrix is kept for the job's next seed; at most 512 MB (16k texts) it
#: stays within the 1000 MB an evaluate job is given beside its codes (workflow evaluate_memory).
_TRIANGLE_MIN_GROUPS = 16
_TRIANGLE_MAX_BYTES = 512 * 2**20
#: Otherwise queries go in blocks whose distances take at most this many bytes.
_BLOCK_BYTES = 8 * 2**20


@numba.njit(cache=True, inline="always")
def _pair_distance(queries, refs, q, r):
    """Hamming distance of queries[q] and refs[r] (uint64 groups, word-major)."""
    total = np.uint64(0)
    for g in range(queries.shape[1]):
        total += popcount64(queries[q, g] ^ refs[r, g])
    return total


@numba.njit(cache=True)
def _block_distances(queries, refs, q_lo, q_hi, r_lo, r_hi, out, first_query):
    """out[q - first_query, r] = the Hamming distance of queries[q] and refs[r]
    (uint64 groups, word-major) for q in [q_lo, q_hi), r in [r_lo, r_hi). Four queries and two
    references at a time, their eight sums held in registers over the groups: each group read
    serves four or two pairs."""
    for q in range(q_lo, q_hi, 4):
        i = q - first_query
        for r in range(r_lo, r_hi, 2):
            if q + 4 <= q_hi and r + 2 <= r_hi:
                s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = np.uint64(0)
                for g in range(queries.shape[1]):
                    y0, y1 = refs[r, g], refs[r + 1, g]
                    x = queries[q, g]
                    s00 += popcount64(x ^ y0)
                    s01 += popcount64(x ^ y1)
                    x = queries[q + 1, g]
                    s10 += popcount64(x ^ y0)
                    s11 += popcount64(x ^ y1)
                    x = queries[q + 2, g]
                    s20 += popcount64(x ^ y0)
                    s21 += popcount64(x ^ y1)
                    x = queries[q + 3, g]
                    s30 += popcount64(x ^ y0)
                    s31 += popcount64(x ^ y1)
                out[i, r], out[i, r + 1], out[i + 1, r], out[i + 1, r + 1] = s00, s01, s10, s11
                out[i + 2, r], out[i + 2, r + 1], out[i + 3, r], out[i + 3, r + 1] = s20, s21, s30, s31
            else:  # the last rows or column
                for a in range(q, min(q + 4, q_hi)):
                    for b in range(r, min(r + 2, r_hi)):
                        out[a - first_query, b] = _pair_distance(queries, refs, a, b)


@numba.njit(parallel=True, cache=True)
def _distance_tiles(queries, refs, tiles, first_query, mirror, out):
    """For each tile (q_lo, q_hi, r_lo, r_hi) of ``tiles``: out[q - first_query, r] = the Hamming
    distance of queries[q] and refs[r] (:func:`_block_distances`), and out[r, q] as well where
    ``mirror`` (queries are refs: one triangle of a symmetric matrix). Tiles write disjoint
    entries, so they run in parallel."""
    for t in numba.prange(tiles.shape[0]):
        q_lo, q_hi, r_lo, r_hi = tiles[t, 0], tiles[t, 1], tiles[t, 2], tiles[t, 3]
        _block_distances(queries, refs, q_lo, q_hi, r_lo, r_hi, out, first_query)
        if mirror:  # the tile's transpose, while the tile is in the cache
            for b in range(r_lo, r_hi):
                for a in range(q_lo, q_hi):
                    out[b, a] = out[a, b]


@numba.njit(parallel=True, cache=True)
def _votes_from_distances(distance, query_rows, ref_labels, ks, max_distance, scores, nearest):
    """scores[q, j, c] of the tie-averaged vote among the ks[j] nearest (module docstring) and
    nearest[q, c], the distance of class c's nearest reference (max_distance + 1 when it has
    none), for q = query_rows[i] from row i of ``distance``, which holds max_distance + 1 for an
    excluded reference. A count of the row's distances gives the depth of its ks[-1]-th nearest;
    only the references within it are tallied by class. Rows go in blocks of _TILE_QUERIES, each
    with its own counts."""
    n_rows, n_refs = distance.shape
    n_classes = nearest.shape[1]
    excluded = max_distance + 1
    for number in numba.prange(-(-n_rows // _TILE_QUERIES)):
        counts = np.empty(max_distance + 2, dtype=np.int32)
        closest = np.empty(n_classes, dtype=np.int64)
        for i in range(number * _TILE_QUERIES, min(n_rows, (number + 1) * _TILE_QUERIES)):
            row, q = distance[i], query_rows[i]
            counts[:] = 0
            closest[:] = excluded
            for r in range(n_refs):
                d = np.int64(row[r])
                counts[d] += 1
                closest[ref_labels[r]] = min(closest[ref_labels[r]], d)
            available = n_refs - counts[excluded]
            depth, within = 0, counts[0]
            while within < min(ks[-1], available):
                depth += 1
                within += counts[depth]
            histogram = np.zeros((depth + 1, n_classes), dtype=np.int64)
            for r in range(n_refs):
                if row[r] <= depth:
                    histogram[row[r], ref_labels[r]] += 1
            nearest[q] = closest
            _vote_scores(histogram, available, ks, scores[q])


@numba.njit(cache=True)
def _exclude_own_group(distance, first_query, query_groups, ref_groups, excluded):
    """distance[i, r] = ``excluded`` where reference r is in the group of query first_query + i."""
    for i in range(distance.shape[0]):
        group = query_groups[first_query + i]
        if group >= 0:
            for r in range(distance.shape[1]):
                if ref_groups[r] == group:
                    distance[i, r] = excluded


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


class _Scratch(threading.local):
    """Memory a cross-validation's n x n matrix is a view of, kept for the next call (per thread)
    and grown as needed. The matrix is 200 MB for 10k texts; fresh pages for it at every call cost,
    in system time, as much as computing its distances."""

    memory = np.empty(0, dtype=np.uint8)

    def array(self, shape, dtype):
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        if self.memory.size < size:
            self.memory = np.empty(size, dtype=np.uint8)
        return self.memory[:size].view(dtype).reshape(shape)


_scratch = _Scratch()


def _tiles(q_lo, q_hi, r_lo, r_hi):
    """(q_lo, q_hi, r_lo, r_hi) rows covering the pairs [q_lo, q_hi) x [r_lo, r_hi) in tiles."""
    q_starts = np.arange(q_lo, q_hi, _TILE_QUERIES)
    r_starts = np.arange(r_lo, r_hi, _TILE_REFS)
    q, r = (grid.ravel() for grid in np.meshgrid(q_starts, r_starts, indexing="ij"))
    return np.stack([q, np.minimum(q + _TILE_QUERIES, q_hi), r, np.minimum(r + _TILE_REFS, r_hi)], axis=1)


def hamming_votes(queries, refs, ref_labels, n_classes, ks, query_groups=None, ref_groups=None):
    """Predicted class of each query for each k in ``ks`` (a dict k -> int64 array) by the
    tie-averaged k-nearest vote in Hamming distance, and each query's distance to its nearest
    reference. ``queries`` and ``refs``: packed uint8 codes of equal width.

    A cross-validation (queries equal to refs, each in a fold: ``query_groups`` equal to
    ``ref_groups``, all >= 0) of wide codes sorts the texts by fold and computes each pair of
    different folds once, for both its texts (_TRIANGLE_MIN_GROUPS); the vote does not depend on
    the references' order."""
    q64, r64 = uint64_groups(queries), uint64_groups(refs)
    ks = np.asarray(sorted(ks), dtype=np.int64)
    labels = np.asarray(ref_labels, dtype=np.int64)
    qg, rg = _groups(query_groups, len(q64)), _groups(ref_groups, len(r64))
    max_distance = q64.shape[1] * 64
    dtype = np.uint16 if max_distance + 1 <= np.iinfo(np.uint16).max else np.int64
    itemsize = np.dtype(dtype).itemsize
    scores = np.zeros((len(q64), len(ks), n_classes), dtype=np.int64)
    nearest = np.zeros((len(q64), n_classes), dtype=np.int64)
    cross_validation = (
        q64.shape == r64.shape and (qg >= 0).all() and np.array_equal(qg, rg) and np.array_equal(q64, r64)
    )
    triangle_fits = len(q64) ** 2 * itemsize <= _TRIANGLE_MAX_BYTES
    if cross_validation and q64.shape[1] >= _TRIANGLE_MIN_GROUPS and triangle_fits:
        order = np.argsort(qg, kind="stable")
        codes = np.ascontiguousarray(q64[order])
        bounds = np.searchsorted(qg[order], np.unique(qg), side="left").tolist() + [len(codes)]
        folds = list(itertools.pairwise(bounds))
        tiles = [_tiles(lo, hi, hi, len(codes)) for lo, hi in folds]  # each fold against the later ones
        distance = _scratch.array((len(codes), len(codes)), dtype)
        for lo, hi in folds:
            distance[lo:hi, lo:hi] = max_distance + 1  # pairs in one fold: excluded; the tiles fill the rest
        _distance_tiles(codes, codes, np.concatenate(tiles).astype(np.int64), 0, True, distance)
        _votes_from_distances(distance, order, labels[order], ks, max_distance, scores, nearest)
    else:
        block = max(1, min(len(q64), _BLOCK_BYTES // max(1, len(r64) * itemsize)))
        distances = np.empty((block, len(r64)), dtype=dtype)
        for start in range(0, len(q64), block):
            stop = min(start + block, len(q64))
            distance = distances[: stop - start]
            _distance_tiles(q64, r64, _tiles(start, stop, 0, len(r64)), start, False, distance)
            _exclude_own_group(distance, start, qg, rg, max_distance + 1)
            _votes_from_distances(distance, np.arange(start, stop), labels, ks, max_distance, scores, nearest)
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
