import numba
import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist
from scipy.stats import spearmanr

from binembed.codes import BinaryCodes, pack_bits
from binembed.evaluation import knn
from binembed.evaluation.knn import cosine_neighbours, cosine_votes, hamming_neighbours, hamming_votes
from binembed.evaluation.scores import (
    KnnSettings,
    Representation,
    classify,
    nearest_words,
    stratified_folds,
    word_similarity,
)
from binembed.fileio.datasets import TextDataset
from binembed.fileio.embeddings import Embedding


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


@pytest.mark.parametrize("n_bits", [5, 130])
def test_hamming_neighbours_across_tiles_and_query_blocks(n_bits):
    """References over several tiles (the last one partial), ties across tile boundaries (5 bits:
    every distance is shared by hundreds), a fold excluded, and more queries than one block."""
    rng = np.random.default_rng(n_bits)
    refs = rng.integers(0, 2, size=(3 * knn.REF_TILE + 17, n_bits))
    queries = rng.integers(0, 2, size=(knn._QUERY_BLOCK + 6, n_bits))
    query_groups, ref_groups = rng.integers(-1, 3, len(queries)), rng.integers(0, 3, len(refs))
    index, distance = hamming_neighbours(pack_bits(queries), pack_bits(refs), 9, query_groups, ref_groups)
    expected = np.rint(cdist(queries, refs, "hamming") * n_bits)
    assert (index == reference_neighbours(expected, 9, query_groups, ref_groups)).all()
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


def reference_votes(distance, labels, n_classes, k):
    """Plain Python: average the majority vote of the k nearest over every ordering of the
    references tied at the k-th distance (each tied reference carries (k - closer) / tied of a
    vote); the highest score wins, then the class with the nearest member, then the first class."""
    from fractions import Fraction

    predictions = []
    for row in distance:
        kth = np.sort(row)[k - 1]
        closer, tied = row < kth, row == kth
        weight = Fraction(int(k - closer.sum()), int(tied.sum()))
        score = [closer[labels == c].sum() + weight * tied[labels == c].sum() for c in range(n_classes)]
        nearest = [row[labels == c].min() if (labels == c).any() else np.inf for c in range(n_classes)]
        predictions.append(min(range(n_classes), key=lambda c: (-score[c], nearest[c], c)))
    return np.array(predictions)


@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_hamming_votes_are_the_vote_averaged_over_tie_orders(k):
    # 6 bits: distances take 7 values, so nearly every k-th distance is tied
    rng = np.random.default_rng(k)
    queries, refs = rng.integers(0, 2, size=(80, 6)), rng.integers(0, 2, size=(120, 6))
    labels = rng.integers(0, 4, size=120)
    predictions, nearest = hamming_votes(pack_bits(queries), pack_bits(refs), labels, 4, [k])
    distance = np.rint(cdist(queries, refs, "hamming") * 6)
    assert (predictions[k] == reference_votes(distance, labels, 4, k)).all()
    assert (nearest == distance.min(axis=1)).all()


@pytest.mark.parametrize("k", [1, 3, 7])
def test_cosine_votes_are_the_vote_averaged_over_tie_orders(k):
    # rows drawn from 6 distinct directions (scaled): cosine distances tie exactly
    rng = np.random.default_rng(k)
    directions = rng.normal(size=(6, 5))
    queries = directions[rng.integers(0, 6, 50)] * rng.uniform(0.5, 3, (50, 1))
    refs = directions[rng.integers(0, 6, 90)] * rng.uniform(0.5, 3, (90, 1))
    labels = rng.integers(0, 3, size=90)
    predictions, _ = cosine_votes(queries, refs, labels, 3, [k], chunk=7)
    distance = np.round(cdist(queries, refs, "cosine"), 9)
    assert (predictions[k] == reference_votes(distance, labels, 3, k)).all()


def test_votes_skip_the_query_fold_and_identical_for_one_and_two_threads():
    rng = np.random.default_rng(3)
    bits = rng.integers(0, 2, size=(300, 10))
    labels, groups = rng.integers(0, 3, 300), np.arange(300) % 4
    distance = np.rint(cdist(bits, bits, "hamming") * 10)
    distance[groups[:, None] == groups[None, :]] = np.inf
    default = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one, _ = hamming_votes(pack_bits(bits), pack_bits(bits), labels, 3, [1, 5, 11], groups, groups)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two, _ = hamming_votes(pack_bits(bits), pack_bits(bits), labels, 3, [1, 5, 11], groups, groups)
    finally:
        numba.set_num_threads(default)
    for k in (1, 5, 11):
        assert (one[k] == two[k]).all()
        assert (one[k] == reference_votes(distance, labels, 3, k)).all()


@pytest.mark.parametrize("min_groups, block_bytes", [(1, knn._BLOCK_BYTES), (99, 5500)])
def test_cross_validation_votes_match_the_reference_across_tiles_and_blocks(
    monkeypatch, min_groups, block_bytes
):
    # 301 texts in 3 folds of uneven size: fold pairs cut tiles of 64 x 256 at odd places and leave
    # rows and columns over from the 4 x 2 blocks (the triangle, taken for 2 groups of 64 bits
    # here). Without it, queries go in blocks of 9 rows of 5500 bytes, their own fold taken out.
    monkeypatch.setattr(knn, "_TRIANGLE_MIN_GROUPS", min_groups)
    monkeypatch.setattr(knn, "_BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(8)
    bits = rng.integers(0, 2, size=(301, 70))
    labels, folds = rng.integers(0, 3, 301), rng.choice(3, size=301, p=[0.5, 0.3, 0.2])
    distance = np.rint(cdist(bits, bits, "hamming") * 70)
    distance[folds[:, None] == folds[None, :]] = np.inf
    predictions, nearest = hamming_votes(pack_bits(bits), pack_bits(bits), labels, 3, [1, 4, 9], folds, folds)
    for k in (1, 4, 9):
        assert (predictions[k] == reference_votes(distance, labels, 3, k)).all()
    assert (nearest == distance.min(axis=1)).all()


def test_cross_validation_by_triangle_and_by_blocks_agree_when_k_exceeds_the_other_folds(monkeypatch):
    # k = 290 of 301 texts: more than any query's other folds hold, so every reference outside
    # the query's fold votes and none inside may
    rng = np.random.default_rng(10)
    codes = pack_bits(rng.integers(0, 2, size=(301, 70)))
    labels, folds = rng.integers(0, 3, 301), rng.integers(0, 3, 301)
    monkeypatch.setattr(knn, "_TRIANGLE_MIN_GROUPS", 1)
    by_triangle = hamming_votes(codes, codes, labels, 3, [1, 9, 290], folds, folds)
    monkeypatch.setattr(knn, "_TRIANGLE_MIN_GROUPS", 99)
    by_blocks = hamming_votes(codes, codes, labels, 3, [1, 9, 290], folds, folds)
    for k in (1, 9, 290):
        assert (by_triangle[0][k] == by_blocks[0][k]).all()
    assert (by_triangle[1] == by_blocks[1]).all()
    # at k = 290 each query's vote is its other folds' class counts
    others = np.array([np.bincount(labels[folds != f], minlength=3) for f in folds])
    assert (by_blocks[0][290] == np.argmax(others, axis=1)).all()


def test_votes_with_queries_outside_any_group_see_every_reference():
    # group -1 sees all references; a query in group g misses the references of g
    rng = np.random.default_rng(9)
    queries, refs = rng.integers(0, 2, size=(70, 130)), rng.integers(0, 2, size=(90, 130))
    labels, query_groups, ref_groups = rng.integers(0, 4, 90), rng.integers(-1, 2, 70), rng.integers(0, 2, 90)
    distance = np.rint(cdist(queries, refs, "hamming") * 130)
    distance[query_groups[:, None] == ref_groups[None, :]] = np.inf
    predictions, _ = hamming_votes(
        pack_bits(queries), pack_bits(refs), labels, 4, [3], query_groups, ref_groups
    )
    assert (predictions[3] == reference_votes(distance, labels, 4, 3)).all()


def test_stratified_folds_balance_classes_and_ignore_item_order():
    rng = np.random.default_rng(4)
    texts = [[f"w{rng.integers(0, 5)}", f"v{i % 7}"] for i in range(17)]
    labels = np.array([0] * 10 + [1] * 7)
    folds = stratified_folds(texts, labels, 3, seed=4)
    for c in (0, 1):
        counts = np.bincount(folds[labels == c], minlength=3)
        assert counts.max() - counts.min() <= 1
    assert (folds == stratified_folds(texts, labels, 3, seed=4)).all()
    order = rng.permutation(17)
    permuted = stratified_folds([texts[i] for i in order], labels[order], 3, seed=4)
    assert sorted(zip(map(tuple, texts), folds)) == sorted(zip((tuple(texts[i]) for i in order), permuted))
    assert not (folds == stratified_folds(texts, labels, 3, seed=5)).all()


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


class CountedWords(list):
    """A vocabulary that counts the passes made over it."""

    passes = 0

    def __iter__(self):
        self.passes += 1
        return super().__iter__()


def test_one_pass_over_the_vocabulary_finds_every_word_asked_at_once():
    words = CountedWords(["Cat", "cat", "dog", "car", "bus"])
    rep = Representation(Embedding(words, np.eye(5, 8, dtype=np.float32)))
    rep.look_up(["CAT", "dog", "unicorn", "bus"])
    assert words.passes == 1
    pairs = pd.DataFrame({"word1": ["cat", "unicorn"], "word2": ["dog", "bus"], "score": [1.0, 2.0]})
    per_pair, _ = word_similarity(rep, pairs)  # words already asked: no further pass
    _, known = rep.pool([["dog", "Bus"], ["unicorn"]])
    assert words.passes == 1
    assert rep.rows(["cat", "CAT", "unicorn", "bus"]).tolist() == [0, 0, -1, 4]  # the first casing's row
    assert per_pair["in_vocabulary"].tolist() == [True, False] and known.tolist() == [2, 0]
    rep.rows(["car", "zebra"])  # a word not asked before: one more pass
    assert words.passes == 2 and rep.rows(["car"]).tolist() == [3]


def test_undefined_spearman_says_why():
    pairs = pd.DataFrame(
        {"word1": ["cat", "car", "dog"], "word2": ["dog", "bus", "bus"], "score": [9.0, 8.0, 1.0]}
    )
    zeros = Embedding(["cat", "dog", "car", "bus"], np.zeros((4, 3), np.float32))
    _, summary = word_similarity(Representation(zeros), pairs)
    assert np.isnan(summary["spearman"]) and "every pair has the same similarity" in summary["undefined"]
    _, summary = word_similarity(Representation(toy_embedding()), pairs.iloc[:2])
    assert (
        np.isnan(summary["spearman"])
        and summary["undefined"] == "only 2 pair(s) have both words in the vocabulary"
    )
    _, summary = word_similarity(Representation(toy_embedding()), pairs)
    assert np.isfinite(summary["spearman"]) and "undefined" not in summary


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


def test_classify_gives_the_same_predictions_for_any_order_of_the_training_texts():
    # Codes with 60 % ones over 12 bits: OR-pooled texts of 3-6 words saturate (many are all ones),
    # so distances tie massively; the training file is sorted by class, like Search Snippets'.
    rng = np.random.default_rng(11)
    words = [f"w{i}" for i in range(60)]
    bits = rng.random((60, 12)) < 0.6
    vectors = rng.normal(size=(60, 4)).astype(np.float32)
    vectors[30:40] = vectors[30]  # identical vectors: exact cosine ties between texts
    classes = ["a", "b", "c"]

    def texts(n):
        labels = sorted(rng.choice(classes, n))
        return TextDataset(
            [list(rng.choice(words[10 * classes.index(y) : 10 * classes.index(y) + 30], rng.integers(3, 7)))
             for y in labels],
            labels,
        )  # fmt: skip

    train, test = texts(150), texts(60)
    order = rng.permutation(len(train))
    shuffled = TextDataset([train.texts[i] for i in order], [train.labels[i] for i in order])
    settings = KnnSettings((1, 3, 5, 9, 15), 5, 0)
    for rep in (
        Representation(BinaryCodes.from_bits(words, bits)),
        Representation(Embedding(words, vectors)),
    ):
        first, first_summary = classify(rep, train, test, settings)
        again, again_summary = classify(rep, shuffled, test, settings)
        assert first["predicted"].tolist() == again["predicted"].tolist()
        assert first_summary["k"] == again_summary["k"]
        assert first_summary["cv_accuracy"] == again_summary["cv_accuracy"]
    saturated = Representation(BinaryCodes.from_bits(words, bits)).pool(train.texts)[0]
    assert (np.bitwise_count(saturated).sum(axis=1) == 12).sum() > 10  # ties were there to break


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


def testcosine_distances_do_not_depend_on_the_reference_blocks():
    from binembed.evaluation.knn import cosine_distances, unit_rows

    rng = np.random.default_rng(5)
    refs, queries = rng.standard_normal((1000, 30)), unit_rows(rng.standard_normal((3, 30)))
    refs[17] = 0  # a zero vector: distance 1 to everything
    whole = cosine_distances(queries, refs, block=len(refs))
    assert np.array_equal(cosine_distances(queries, refs, block=64), whole)
    others = np.arange(len(refs)) != 17  # scipy's cosine distance to a zero vector is undefined
    assert np.allclose(whole[:, others], cdist(queries, refs[others], "cosine"), rtol=0, atol=1e-11)
    assert (whole[:, 17] == 1).all()


def test_a_classification_without_known_words_says_which_split():
    from binembed.evaluation.scores import UndefinedEvaluation

    rep = Representation(Embedding(["car", "bus"], np.eye(2, dtype=np.float32)))
    known = TextDataset([["car"], ["bus"]] * 5, ["a", "b"] * 5)
    unknown = TextDataset([["zebra"], ["yak"]], ["a", "b"])
    settings = KnnSettings((1, 3), 2, 0)
    with pytest.raises(UndefinedEvaluation, match="no word of the test texts is in the vocabulary"):
        classify(rep, known, unknown, settings)
    with pytest.raises(UndefinedEvaluation, match="no word of the training texts is in the vocabulary"):
        classify(rep, unknown, known, settings)
    with pytest.raises(UndefinedEvaluation, match=r"test labels absent from training: \['c'\]"):
        classify(rep, known, TextDataset([["car"]], ["c"]), settings)


def test_the_knn_settings_are_read_from_the_block_given():
    """A block unlike the package's (benchmarks.yaml, whose values test_config checks) in every
    field, in an order of its own: each field lands where it belongs."""
    block = {"seed": 7, "n_folds": 4, "k_candidates": [13, 2]}
    assert KnnSettings.from_config(block) == KnnSettings((13, 2), 4, 7)


def test_macro_f1_on_a_hand_computed_case_and_against_precision_and_recall():
    from binembed.evaluation.scores import macro_f1

    # per class: 0: P 1/2, R 1/2, F1 0.5; 1: P 2/3, R 1, F1 0.8; 2: P 1, R 1/2, F1 2/3
    truth, predicted = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 2, 0])
    assert macro_f1(truth, predicted, 3) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    rng = np.random.default_rng(3)
    for _ in range(50):
        n_classes = int(rng.integers(2, 6))
        truth, predicted = rng.integers(0, n_classes, 40), rng.integers(0, n_classes, 40)
        f1 = []
        for c in range(n_classes):  # the harmonic mean of precision and recall, 0 where undefined
            hits = np.sum((predicted == c) & (truth == c))
            precision = hits / max(np.sum(predicted == c), 1)
            recall = hits / max(np.sum(truth == c), 1)
            f1.append(0.0 if hits == 0 else 2 * precision * recall / (precision + recall))
        assert macro_f1(truth, predicted, n_classes) == pytest.approx(np.mean(f1))


def test_pooled_ones_fraction_is_the_share_of_ones_in_the_or_of_each_test_text():
    rng = np.random.default_rng(8)
    words = [f"w{i}" for i in range(12)]
    bits = rng.random((12, 20)) < 0.15
    codes = BinaryCodes.from_bits(words, bits)
    labels = ["a", "b"]
    train = TextDataset([list(rng.choice(words, 3)) for _ in range(16)], [labels[i % 2] for i in range(16)])
    test = TextDataset([list(rng.choice(words, int(rng.integers(1, 5)))) for _ in range(9)],
                       [labels[i % 2] for i in range(9)])  # fmt: skip
    _, summary = classify(Representation(codes), train, test, KnnSettings((1,), 2, 0))
    pooled = [np.any(bits[[words.index(w) for w in text]], axis=0) for text in test.texts]
    assert summary["pooled_ones_fraction"] == pytest.approx(np.mean(pooled))
