import numba
import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist
from scipy.stats import spearmanr

from binembed.codes import BinaryCodes, pack_bits
from binembed.datasets import TextDataset
from binembed.embeddings import Embedding
from binembed.evaluation import (
    KnnSettings,
    Representation,
    classify,
    nearest_words,
    stratified_folds,
    word_similarity,
)
from binembed.knn import cosine_neighbours, hamming_neighbours, vote


def reference_neighbours(distance, k, query_groups=None, ref_groups=None):
    """Plain numpy: sort each row by (distance, index), skipping same-group references."""
    distance = distance.astype(float).copy()
    if query_groups is not None:
        distance[query_groups[:, None] == ref_groups[None, :]] = np.inf
    order = np.lexsort((np.broadcast_to(np.arange(distance.shape[1]), distance.shape), distance), axis=1)
    return order[:, :k]


@pytest.mark.parametrize("n_bits", [1, 13, 64, 100, 300])
def test_hamming_neighbours_match_scipy_with_index_tie_break(n_bits):
    rng = np.random.default_rng(n_bits)
    queries = rng.integers(0, 2, size=(40, n_bits))
    refs = rng.integers(0, 2, size=(90, n_bits))
    index, distance = hamming_neighbours(pack_bits(queries), pack_bits(refs), 7)
    expected = np.rint(cdist(queries, refs, "hamming") * n_bits).astype(int)
    assert (index == reference_neighbours(expected, 7)).all()
    assert (distance == np.take_along_axis(expected, index, axis=1)).all()


def test_neighbours_skip_the_query_fold():
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, size=(60, 32))
    groups = np.arange(60) % 4
    index, _ = hamming_neighbours(pack_bits(bits), pack_bits(bits), 5, groups, groups)
    assert (groups[index] != groups[:, None]).all()
    expected = reference_neighbours(cdist(bits, bits, "hamming") * 32, 5, groups, groups)
    assert (index == expected).all()
    X = rng.normal(size=(60, 8))
    index, _ = cosine_neighbours(X, X, 5, groups, groups)
    assert (index == reference_neighbours(cdist(X, X, "cosine"), 5, groups, groups)).all()


def test_cosine_neighbours_match_scipy():
    rng = np.random.default_rng(1)
    Q, R = rng.normal(size=(30, 12)), rng.normal(size=(200, 12))
    index, distance = cosine_neighbours(Q, R, 9, chunk=7)
    expected = cdist(Q, R, "cosine")
    assert (index == reference_neighbours(expected, 9)).all()
    np.testing.assert_allclose(distance, np.take_along_axis(expected, index, axis=1), atol=1e-12)


def test_hamming_neighbours_identical_for_one_and_two_threads():
    rng = np.random.default_rng(2)
    Q = pack_bits(rng.integers(0, 2, size=(500, 40)))
    R = pack_bits(rng.integers(0, 2, size=(700, 40)))
    default = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = hamming_neighbours(Q, R, 11)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = hamming_neighbours(Q, R, 11)
    finally:
        numba.set_num_threads(default)
    assert all((a == b).all() for a, b in zip(one, two))


def test_vote_majority_and_tie_break_by_nearest():
    labels = np.array([[2, 1, 1, 2, 0], [0, 1, 2, 2, 1]])
    predictions = vote(labels, [1, 2, 3, 5], 3)
    assert predictions[1].tolist() == [2, 0]
    assert predictions[2].tolist() == [2, 0]  # tie 2 vs 1 -> the nearest (2); tie 0 vs 1 -> 0
    assert predictions[3].tolist() == [1, 0]  # 1 wins 2:1; three-way tie -> nearest (0)
    assert predictions[5].tolist() == [2, 1]  # 2:2 ties, broken by the nearest member


def test_stratified_folds_balance_classes():
    labels = np.array([0] * 10 + [1] * 7)
    folds = stratified_folds(labels, 3, seed=4)
    for c in (0, 1):
        counts = np.bincount(folds[labels == c], minlength=3)
        assert counts.max() - counts.min() <= 1
    assert (folds == stratified_folds(labels, 3, seed=4)).all()


def toy_embedding():
    words = ["Cat", "dog", "car", "bus", "zero"]
    vectors = np.array([[1, 0.1, 0], [0.9, 0.2, 0], [0, 1, 0.2], [0, 0.9, 0.3], [0, 0, 0]], np.float32)
    return Embedding(words, vectors)


def test_word_similarity_dense_with_oov_and_lowercase_lookup():
    pairs = pd.DataFrame(
        {
            "word1": ["cat", "CAT", "car", "cat", "unicorn"],
            "word2": ["dog", "car", "bus", "bus", "dog"],
            "score": [9.0, 1.0, 8.0, 0.5, 5.0],
        }
    )
    per_pair, summary = word_similarity(Representation(toy_embedding()), pairs)
    assert summary["n_used"] == 4 and summary["n_total"] == 5 and summary["coverage"] == 0.8
    assert per_pair["in_vocabulary"].tolist() == [True, True, True, True, False]
    V = toy_embedding().vectors.astype(float)
    expected = [1 - cdist(V[[0]], V[[1]], "cosine")[0, 0], 1 - cdist(V[[0]], V[[2]], "cosine")[0, 0]]
    np.testing.assert_allclose(per_pair["similarity"][:2], expected)
    rho = spearmanr([9.0, 1.0, 8.0, 0.5], per_pair["similarity"][:4]).statistic
    assert summary["spearman"] == pytest.approx(100 * rho)


def test_hamming_similarity_is_one_minus_normalized_distance():
    bits = np.random.default_rng(3).integers(0, 2, size=(6, 70))
    codes = BinaryCodes.from_bits(list("abcdef"), bits)
    rep = Representation(codes)
    rows1, rows2 = np.array([0, 1, 2, 5]), np.array([3, 4, 5, 5])
    expected = 1 - np.array([np.sum(bits[i] != bits[j]) for i, j in zip(rows1, rows2)]) / 70
    np.testing.assert_allclose(rep.pair_similarity(rows1, rows2), expected)


def test_or_pooling_and_mean_pooling():
    bits = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
    codes = BinaryCodes.from_bits(["a", "b", "c"], bits)
    features, known = Representation(codes).pool([["a", "B", "zzz"], ["zzz"], ["c"]])
    assert known.tolist() == [2, 0, 1]
    assert features.tolist() == [[0b1100_0000], [0], [0b0001_0000]]
    dense, _ = Representation(toy_embedding()).pool([["cat", "dog"]])
    np.testing.assert_allclose(dense[0], toy_embedding().vectors[:2].mean(axis=0), rtol=1e-6)


def clustered_texts(rng, n, centers):
    labels = rng.integers(0, len(centers), size=n)
    texts = [list(rng.choice(centers[y], size=3)) for y in labels]
    return TextDataset(texts, [f"class{y}" for y in labels])


def test_classify_separable_toy_task_perfectly():
    rng = np.random.default_rng(5)
    centers = [["cat", "dog"], ["car", "bus"]]
    train, test = clustered_texts(rng, 60, centers), clustered_texts(rng, 20, centers)
    for rep in (
        Representation(toy_embedding()),
        Representation(BinaryCodes.from_bits(toy_embedding().words, toy_embedding().vectors > 0.5)),
    ):
        per_text, summary = classify(rep, train, test, KnnSettings((1, 3, 5), 3, 0))
        assert summary["accuracy"] == 1.0 and summary["macro_f1"] == 1.0
        assert summary["k"] in (1, 3, 5) and set(summary["cv_accuracy"]) == {1, 3, 5}
        assert per_text["correct"].all() and len(per_text) == 20


def test_classify_rejects_no_vocabulary_overlap():
    data = TextDataset([["unicorn"], ["pegasus"]] * 3, ["a", "b"] * 3)
    with pytest.raises(ValueError, match="no word"):
        classify(Representation(toy_embedding()), data, data, KnnSettings((1,), 2, 0))


def test_nearest_words_by_hamming_distance_then_index():
    bits = [
        [0, 0, 0, 0, 0, 0],  # a  (index 0 is an ordinary word)
        [1, 1, 1, 1, 0, 0],  # b
        [1, 1, 1, 1, 1, 1],  # c
        [0, 0, 0, 0, 0, 1],  # d
        [1, 1, 1, 1, 0, 1],  # e
        [1, 1, 1, 1, 0, 0],  # f  identical to b
    ]
    rep = Representation(BinaryCodes.from_bits(list("abcdef"), np.array(bits)))
    assert nearest_words(rep, "b", k=3)["word"].tolist() == ["f", "e", "c"]
    assert nearest_words(rep, "F")["word"].tolist() == ["b", "e", "c", "a", "d"]
    assert nearest_words(rep, "c", k=3)["word"].tolist() == ["e", "b", "f"]  # b, f tie: index order
    assert nearest_words(rep, "a", k=1)["distance"].tolist() == [1]
    with pytest.raises(KeyError):
        nearest_words(rep, "zebra")


def test_nearest_words_dense_by_cosine():
    table = nearest_words(Representation(toy_embedding()), "cat", k=2)
    assert table["word"].tolist() == ["dog", "car"]
    assert table["rank"].tolist() == [1, 2]
