import numpy as np
from scipy.spatial.distance import cdist

from binembed.codes import pack_bits
from binembed.evaluation.retrieval import query_rows
from binembed.evaluation.speed import code_queries, dense_queries


def test_timed_queries_find_the_true_nearest_words():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3000, 50)).astype(np.float32)
    rows = query_rows(len(vectors), 7, seed=1)
    assert len(set(rows.tolist())) == 7 and (query_rows(len(vectors), 7, seed=1) == rows).all()
    seconds, found = dense_queries(vectors, rows, 10)
    expected = np.argsort(cdist(vectors[rows], vectors, "cosine"), axis=1, kind="stable")[:, :10]
    assert (found == expected).all() and seconds.shape == (7,) and (seconds > 0).all()
    bits = vectors > 0
    seconds, found = code_queries(pack_bits(bits), rows, 10)
    hamming = np.rint(cdist(bits[rows], bits, "hamming") * 50)
    expected = np.argsort(hamming, axis=1, kind="stable")[:, :10]  # ties by row
    assert (found == expected).all() and (seconds > 0).all()
    assert len(query_rows(5, 7, 0)) == 5  # never more queries than words
