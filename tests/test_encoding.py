"""Encoding in row chunks: a model fitted once, chunks coded separately and joined, gives the codes
of one job byte for byte, for every method family."""

import numpy as np
import pytest

from binembed.binarizers.base import ROW_BLOCK
from binembed.binarizers.chunked import configured_binarizer, encode_rows, fit_model, gather_codes, row_chunks
from binembed.methods import METHODS

# one method of each family and kind: deterministic and seeded spiking coders, BLAS projections,
# a fitted rotation, both autoencoders, sparse coding
CASES = {
    "sign": {},
    "poisson": {"tol": 10},
    "lif_noise": {"tol": 10, "i_boost": 200.0},
    "izh_ch_lts": {"i_boost": 200.0},
    "lsh": {"n_bits": 300},
    "itq": {"n_bits": 12, "n_iter": 5},
    "ae_nste": {"n_bits": 24, "n_epochs": 1, "batch_size": 500},
    "ae_ste": {"n_bits": 24, "n_epochs": 1, "batch_size": 500},
    # learned codes for the first 5000 rows (the boundary inside the second chunk), fresh after
    "overcomplete": {"factor": 3, "n_iter": 2, "n_steps": 3, "fit_words": 5000},
}


@pytest.fixture(scope="module")
def vectors():
    rng = np.random.default_rng(7)
    X = (rng.standard_t(5, size=(3 * ROW_BLOCK + 123, 12)) * 0.4).astype(np.float32)
    return [f"w{i}" for i in range(len(X))], X


@pytest.mark.parametrize("method", CASES)
def test_chunks_joined_are_the_codes_of_one_job(method, vectors, tmp_path):
    words, X = vectors
    job = {"embedding": "e", "variant": method, "seed": "3"}
    binarizer, metadata = configured_binarizer(method, CASES[method], job, 1)
    binarizer.encode(words, X, metadata=metadata).save(tmp_path / "one.npz")

    binarizer, metadata = configured_binarizer(method, CASES[method], job, 1)
    model = fit_model(binarizer, X, metadata, tmp_path / "model.pkl")
    chunks = []
    for i, (start, stop) in enumerate(row_chunks(len(X), ROW_BLOCK)):
        chunks.append(encode_rows(model, X, start, stop, tmp_path / f"chunk-{i}.npy"))
    assert len(chunks) == 4
    gather_codes(words, model, chunks).save(tmp_path / "joined.npz")
    assert (tmp_path / "joined.npz").read_bytes() == (tmp_path / "one.npz").read_bytes()


def test_every_family_is_covered():
    assert {METHODS[name].family for name in CASES} == {spec.family for spec in METHODS.values()}


def test_chunks_are_whole_blocks(vectors, tmp_path):
    words, X = vectors
    assert row_chunks(10_000, 8192) == [(0, 8192), (8192, 10_000)]
    with pytest.raises(ValueError, match="multiple of 4096"):
        row_chunks(10_000, 5000)
    binarizer, metadata = configured_binarizer(
        "sign", {}, {"embedding": "e", "variant": "sign", "seed": 0}, 1
    )
    model = fit_model(binarizer, X, metadata, tmp_path / "model.pkl")
    with pytest.raises(ValueError, match="start at a multiple of 4096"):
        encode_rows(model, X, 100, 4196, tmp_path / "chunk.npy")
    part = encode_rows(model, X, 0, ROW_BLOCK, tmp_path / "chunk.npy")
    with pytest.raises(ValueError, match="the chunks hold 4096 rows"):
        gather_codes(words, model, [part])


def test_overcomplete_fits_on_the_first_words_and_solves_the_rest(vectors):
    from binembed.binarizers.overcomplete import OvercompleteBinarizer

    _, X = vectors
    model = OvercompleteBinarizer(factor=3, n_iter=2, n_steps=3, fit_words=5000)
    codes = model.fit_transform(X)
    assert model.fit_rows_ == 5000 and model.codes_.shape == (5000, 5)
    assert (codes[:5000] == model.codes_).all()
    assert (codes[2 * ROW_BLOCK :] == model.transform(X[2 * ROW_BLOCK :])).all()
    assert 0 < np.unpackbits(codes[5000:]).mean() < 0.9  # fresh codes, neither empty nor full
