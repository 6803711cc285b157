"""Retrieval recall against brute force: every ordering of the tied words enumerated."""

import itertools

import numpy as np
import pytest

from binembed.codes import pack_bits
from binembed.evaluation.retrieval import (
    cosine_rankings,
    neighbour_hits,
    query_rows,
    recall_at,
)


def _cosine(vectors):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit @ unit.T


def _brute_truth(vectors, query, k):
    similarity = _cosine(vectors)[query]
    others = [row for row in range(len(vectors)) if row != query]
    return sorted(others, key=lambda row: (-similarity[row], row))[:k]


def _brute_hits(bits, vectors, query, truth, depth, k, rerank):
    """Mean over every ordering of the other words of the true neighbours found: the ``depth``
    nearest by Hamming distance (ties in that ordering), re-ranked by cosine to ``k`` if
    ``rerank``."""
    distance = (bits != bits[query]).sum(axis=1)
    similarity = _cosine(vectors)[query]
    others = [row for row in range(len(bits)) if row != query]
    found = []
    for order in itertools.permutations(others):
        nearest = sorted(order, key=lambda row: distance[row])[:depth]  # stable: ties in this order
        if rerank:
            nearest = sorted(nearest, key=lambda row: -similarity[row])[:k]
        found.append(len(set(nearest) & set(truth)))
    return np.mean(found)


def test_recall_with_ties_equals_every_ordering_enumerated():
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((7, 5))
    bits = rng.random((7, 3)) > 0.5  # 3 bits for 7 words: distances tie heavily
    codes = pack_bits(bits)
    queries, k = np.arange(7), 2
    truth = cosine_rankings(vectors, queries, k)
    assert [sorted(t) for t in truth] == [sorted(_brute_truth(vectors, q, k)) for q in queries]
    hits = neighbour_hits(codes, queries, truth, [2, 4], binary=True)
    for q in queries:
        assert hits[q, 0] == pytest.approx(_brute_hits(bits, vectors, q, truth[q], 2, k, rerank=False))
        # re-ranking the 4 nearest by cosine finds what depth 4 finds
        assert hits[q, 1] == pytest.approx(_brute_hits(bits, vectors, q, truth[q], 4, k, rerank=True))
        assert hits[q, 1] == pytest.approx(_brute_hits(bits, vectors, q, truth[q], 4, k, rerank=False))


def test_expected_share_formula_on_a_larger_case():
    """The kernel against a direct numpy reading of the formula (b closer, t at the threshold)."""
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((700, 16)).astype(np.float32)
    bits = vectors @ rng.standard_normal((16, 70)) > 0  # 70 bits: two uint64 groups, padding
    queries = query_rows(700, 50, seed=1)
    truth = cosine_rankings(vectors, queries, 10)
    hits = neighbour_hits(pack_bits(bits), queries, truth, [10, 100], binary=True)
    for i, q in enumerate(queries):
        distance = (bits != bits[q]).sum(axis=1)
        others = np.delete(distance, q)
        for j, depth in enumerate((10, 100)):
            threshold = np.sort(others)[depth - 1]
            closer, tied = (others < threshold).sum(), (others == threshold).sum()
            expected = (distance[truth[i]] < threshold).sum() + (distance[truth[i]] == threshold).sum() * (
                depth - closer
            ) / tied
            assert hits[i, j] == pytest.approx(expected)


def test_recall_does_not_depend_on_the_order_of_the_vocabulary():
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((500, 8))
    bits = vectors @ rng.standard_normal((8, 12)) > 0  # 12 bits: many ties
    queries = query_rows(500, 40, seed=0)
    permutation = rng.permutation(500)
    inverse = np.argsort(permutation)
    recall = recall_at(
        neighbour_hits(pack_bits(bits), queries, cosine_rankings(vectors, queries, 10), [10], True), 10
    )
    moved = inverse[queries]  # the same query words in the permuted vocabulary
    truth = cosine_rankings(vectors[permutation], moved, 10)
    assert recall_at(
        neighbour_hits(pack_bits(bits[permutation]), moved, truth, [10], True), 10
    ) == pytest.approx(recall)


def test_dense_vectors_find_their_own_neighbours_and_rankings_are_prefixes():
    rng = np.random.default_rng(2)
    vectors = rng.standard_normal((300, 6))
    queries = query_rows(300, 30, seed=4)
    truth = cosine_rankings(vectors, queries, 10)
    assert recall_at(neighbour_hits(vectors, queries, truth, [10, 100], binary=False), 10).tolist() == [
        100,
        100,
    ]
    deep = cosine_rankings(vectors, queries, 50)
    assert (deep[:, :10] == cosine_rankings(vectors, queries, 10)).all()
    assert all(q not in t for q, t in zip(queries, truth))


def test_identical_codes_share_the_places_they_tie_for():
    """All words with one code: each true neighbour is found with probability depth / (words - 1)."""
    vectors = np.random.default_rng(0).standard_normal((41, 4))
    codes = np.zeros((41, 1), dtype=np.uint8)
    queries = np.array([0, 7])
    truth = cosine_rankings(vectors, queries, 10)
    hits = neighbour_hits(codes, queries, truth, [10, 40, 100], binary=True)
    assert hits == pytest.approx(np.array([[10 * 10 / 40, 10, 10]] * 2))


def test_query_rows_are_fixed_by_the_seed():
    assert (query_rows(1000, 20, 0) == query_rows(1000, 20, 0)).all()
    assert not (query_rows(1000, 20, 0) == query_rows(1000, 20, 1)).all()
    assert sorted(query_rows(5, 20, 0)) == [0, 1, 2, 3, 4]


def test_equal_cosines_tie_and_are_ranked_by_row():
    """Every vector appears three times (scaled): each query's neighbours tie in threes, which the
    rounding to 12 decimals keeps tied whatever the matrix product's rounding."""
    base = np.random.default_rng(1).standard_normal((40, 5))
    vectors = np.concatenate([base, base * 2.0, base * 0.5])  # same directions: equal cosines
    queries = query_rows(len(vectors), 30, seed=2)
    similarity = _cosine(vectors)
    for q, ranked in zip(queries, cosine_rankings(vectors, queries, 20)):
        others = [row for row in range(len(vectors)) if row != q]
        assert list(ranked) == sorted(others, key=lambda row: (-round(similarity[q, row], 12), row))[:20]
