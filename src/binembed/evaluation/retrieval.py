"""Retrieval: how many of a word's true nearest neighbours a representation keeps.

Queries: ``n_queries`` rows of the vocabulary drawn uniformly without replacement with a fixed
seed (:func:`query_rows`). The *true* neighbours of a query are the k words of highest dense cosine
similarity (rounded to 12 decimals), the query itself excluded, ties at the k-th broken by row
(:func:`cosine_rankings` at depth k).

Recall@k at depth m of a representation (:func:`neighbour_hits`) is the share of the true k found
among the m words nearest to the query (the query excluded): Hamming distance for codes, cosine
for dense vectors. Hamming distances tie; the m nearest are then taken in a uniformly random
order of the tied words, and a true neighbour counts its probability of being taken: with D the
m-th smallest distance, b words closer than D and t words at D, a true neighbour closer than D
counts 1 and one at D counts (m - b) / t. The number then does not depend on the order of the
vocabulary.

recall@10 is depth 10. Re-ranked recall@10, the binary-then-float pipeline (take the code's top
100, re-rank them by dense cosine, keep 10), is depth 100: the true 10 are the 10 most similar
words of all, so each one among the 100 candidates ranks above every other candidate and is kept.
"""

from __future__ import annotations

import numba
import numpy as np

from ..codes import uint64_groups
from .knn import REF_TILE, cosine_neighbours, group_major, popcount64, query_block, tile_distances


def query_rows(n_words: int, n_queries: int, seed: int) -> np.ndarray:
    """Rows of the query words: ``n_queries`` distinct rows (all, if fewer words), drawn uniformly
    with ``numpy.random.default_rng(seed)``, in ascending order."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_words, size=min(n_queries, n_words), replace=False))


#: Queries a cosine ranking scores at once against the whole vocabulary: its memory, about
#: QUERY_CHUNK x words float64 distances, and one pass normalizing the vocabulary per chunk.
QUERY_CHUNK = 32


def cosine_rankings(vectors: np.ndarray, queries: np.ndarray, depth: int) -> np.ndarray:
    """For each query row, the rows of the ``depth`` words of highest cosine similarity to it
    (itself excluded), most similar first, ties by row: a (queries, depth) int64 array whose first
    m columns are the top m. :func:`binembed.evaluation.knn.cosine_neighbours` (float64, cosines
    rounded to 12 decimals so that equal vectors tie whatever the matrix product's rounding), with
    each word its own group so that a query does not find itself; ``vectors`` may be memory-mapped."""
    rows = np.arange(len(vectors))
    depth = min(depth, len(vectors) - 1)
    return cosine_neighbours(vectors[queries], vectors, depth, queries, rows, chunk=QUERY_CHUNK)[0]


@numba.njit(parallel=True, cache=True)
def _hamming_hits(groups, refs_by_group, queries, truth, depths, block, hits):
    """hits[q, j]: the expected number of truth[q]'s rows among the depths[j] rows nearest in
    Hamming distance to row queries[q] (itself excluded), the rows tied at the depths[j]-th distance
    shared. A histogram of each query's distances to every row gives each depth's threshold; a
    block of queries passes over each tile of rows while it is in the cache."""
    n_refs = refs_by_group.shape[1]
    max_distance = 64 * groups.shape[1]
    for number in numba.prange(-(-queries.size // block)):
        first = number * block
        last = min(first + block, queries.size)
        counts = np.zeros((last - first, max_distance + 1), dtype=np.int64)
        distances = np.empty(REF_TILE, dtype=np.int64)
        for start in range(0, n_refs, REF_TILE):
            distance = distances[: min(REF_TILE, n_refs - start)]
            for q in range(first, last):
                tile_distances(groups[queries[q]], refs_by_group, start, distance)
                for t in range(distance.size):
                    counts[q - first, distance[t]] += 1
        for q in range(first, last):
            histogram = counts[q - first]
            histogram[0] -= 1  # the query itself
            query = groups[queries[q]]
            for j in range(depths.size):
                closer, threshold = 0, 0
                while threshold < max_distance and closer + histogram[threshold] < depths[j]:
                    closer += histogram[threshold]
                    threshold += 1
                share = min(1.0, (depths[j] - closer) / max(histogram[threshold], 1))
                found = 0.0
                for i in range(truth.shape[1]):
                    d = 0
                    for g in range(query.size):
                        d += popcount64(query[g] ^ groups[truth[q, i], g])
                    if d < threshold:
                        found += 1.0
                    elif d == threshold:
                        found += share
                hits[q, j] = found


def neighbour_hits(
    representation, queries: np.ndarray, truth: np.ndarray, depths, binary: bool
) -> np.ndarray:
    """(queries, depths) expected number of each query's true neighbours (``truth``, one row of k
    per query) among its ``depths[j]`` nearest rows of ``representation``: packed codes
    (``binary``, Hamming distance, ties shared) or dense vectors (cosine, ties by row)."""
    depths = np.asarray(depths, dtype=np.int64)
    if len(queries) and max(np.max(queries), np.max(truth)) >= len(representation):
        raise ValueError(
            f"query or neighbour rows beyond the {len(representation)} rows of the representation"
        )
    hits = np.empty((len(queries), len(depths)), dtype=np.float64)
    if binary:
        groups = uint64_groups(np.asarray(representation))
        queries = np.asarray(queries, dtype=np.int64)
        _hamming_hits(groups, group_major(groups), queries, np.asarray(truth, dtype=np.int64), depths,
                      query_block(len(queries)), hits)  # fmt: skip
        return hits
    ranking = cosine_rankings(representation, queries, int(depths.max()))
    for j, depth in enumerate(depths):
        hits[:, j] = [np.isin(true, ranked[:depth]).sum() for true, ranked in zip(truth, ranking)]
    return hits


def recall_at(hits: np.ndarray, k: int) -> np.ndarray:
    """Recall per depth in percent: mean over the queries of hits / k."""
    return 100.0 * hits.mean(axis=0) / k
