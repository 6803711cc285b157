import gzip
import pickle
import struct
import sys
import types
import zipfile

import numpy as np
import pytest

from binembed.fileio.binary_vectors import read_word2vec_binary
from binembed.fileio.embeddings import Embedding, EmbeddingFormatError, load_embedding, save_embedding
from binembed.fileio.keyed_vectors import read_gensim_keyedvectors
from binembed.fileio.text_vectors import read_glove_text, read_word2vec_text

GLOVE = "the 0.1 0.2 -0.3\nof 1e-2 2.5 3\ncat -1 0 1\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_glove_text(tmp_path):
    emb = read_glove_text(write(tmp_path, "g.txt", GLOVE))
    assert emb.words == ["the", "of", "cat"]
    assert emb.vectors.dtype == np.float32
    np.testing.assert_allclose(emb.vectors[1], [0.01, 2.5, 3.0])


def test_glove_text_streamed_from_zip(tmp_path):
    archive = tmp_path / "glove.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("glove.6B.3d.txt", GLOVE)
    emb = read_glove_text(archive, member="glove.6B.3d.txt")
    assert emb.words == ["the", "of", "cat"] and emb.vectors.shape == (3, 3)


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("a 1 2 3\nb 1 2\n", 2, "ragged"),
        ("a 1 2 3\nb 1 x 3\n", 2, "non-numeric value 'x'"),
        ("a 1 2 3\nb 1 nan 3\n", 2, "NaN"),
        ("a 1 2 3\nb 1 2 3\nc 0 0 inf\n", 3, "NaN or infinite"),
        ("a 1 2 3\nb 1 2 3\na 4 5 6\n", 3, "duplicate word 'a'"),
    ],
)
def test_glove_errors_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(EmbeddingFormatError, match=message) as err:
        read_glove_text(path)
    assert f"{path}, line {line}" in str(err.value)


def test_empty_file_and_wrong_dimension(tmp_path):
    with pytest.raises(EmbeddingFormatError, match="empty"):
        read_glove_text(write(tmp_path, "empty.txt", ""))
    with pytest.raises(EmbeddingFormatError, match="g.txt, line 1: 3 values, config 'dim' says 4"):
        read_glove_text(write(tmp_path, "g.txt", GLOVE), expected_dim=4)


def test_word2vec_text(tmp_path):
    emb = read_word2vec_text(write(tmp_path, "w.txt", "3 3\n" + GLOVE))
    assert emb.words == ["the", "of", "cat"]
    with pytest.raises(EmbeddingFormatError, match="announces 4 words"):
        read_word2vec_text(write(tmp_path, "w2.txt", "4 3\n" + GLOVE))
    with pytest.raises(EmbeddingFormatError, match="line 1"):
        read_word2vec_text(write(tmp_path, "w3.txt", GLOVE))


def word2vec_binary_bytes(words, vectors):
    out = f"{len(words)} {vectors.shape[1]}\n".encode()
    for word, vector in zip(words, vectors):
        out += word.encode() + b" " + struct.pack(f"<{len(vector)}f", *vector) + b"\n"
    return out


@pytest.mark.parametrize("compressed", [False, True])
def test_word2vec_binary_round_trip(tmp_path, compressed):
    words = ["New_York", "car", "Car", "ü"]
    vectors = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    data = word2vec_binary_bytes(words, vectors)
    path = tmp_path / ("v.bin.gz" if compressed else "v.bin")
    path.write_bytes(gzip.compress(data) if compressed else data)
    emb = read_word2vec_binary(path)
    assert emb.words == words
    np.testing.assert_array_equal(emb.vectors, vectors)


def test_word2vec_binary_truncated_and_wrong_dim(tmp_path):
    vectors = np.ones((2, 4), dtype=np.float32)
    data = word2vec_binary_bytes(["a", "b"], vectors)
    path = tmp_path / "cut.bin"
    path.write_bytes(data[:-7])
    with pytest.raises(EmbeddingFormatError, match="line 3"):
        read_word2vec_binary(path)
    path.write_bytes(data)
    with pytest.raises(EmbeddingFormatError, match="config 'dim' says 300"):
        read_word2vec_binary(path, expected_dim=300)


@pytest.fixture
def fake_gensim(monkeypatch):
    """Classes under gensim's module names, so a test can pickle a gensim-3 style file."""
    module = types.ModuleType("gensim.models.keyedvectors")

    class Word2VecKeyedVectors:
        pass

    class Vocab:
        pass

    for cls in (Word2VecKeyedVectors, Vocab):
        cls.__module__, cls.__qualname__ = module.__name__, cls.__name__
        setattr(module, cls.__name__, cls)
    for name in ("gensim", "gensim.models"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_gensim_keyedvectors_without_gensim(tmp_path, fake_gensim):
    kv = fake_gensim.Word2VecKeyedVectors()
    kv.vectors = np.arange(6, dtype=np.float32).reshape(3, 2)
    kv.vocab = {}
    for index, word in [(2, "zebra"), (0, "car"), (1, "bus")]:
        entry = fake_gensim.Vocab()
        entry.index, entry.count = index, 1
        kv.vocab[np.str_(word)] = entry
    path = tmp_path / "model.kv"
    path.write_bytes(pickle.dumps(kv, protocol=4))
    emb = read_gensim_keyedvectors(path)
    assert emb.words == ["car", "bus", "zebra"]
    np.testing.assert_array_equal(emb.vectors[2], [4, 5])


def test_keyedvectors_loader_refuses_foreign_code(tmp_path):
    class Evil:
        def __reduce__(self):
            import os

            return (os.system, ("echo pwned",))

    path = tmp_path / "evil.kv"
    path.write_bytes(pickle.dumps(Evil()))
    with pytest.raises(EmbeddingFormatError, match="refusing to load"):
        read_gensim_keyedvectors(path)


def test_keyedvectors_with_vectors_in_a_separate_file_or_a_plain_pickle(tmp_path, fake_gensim):
    # gensim saves large arrays beside the pickle as <file>.vectors.npy and lists them in __numpys
    kv = fake_gensim.Word2VecKeyedVectors()
    kv.index_to_key = ["car", "bus"]
    kv.__dict__["__numpys"] = ["vectors"]
    path = tmp_path / "big.kv"
    path.write_bytes(pickle.dumps(kv, protocol=4))
    with pytest.raises(
        EmbeddingFormatError, match=r"stored in a separate file, big.kv.vectors.npy, which is not"
    ):
        read_gensim_keyedvectors(path)
    np.save(tmp_path / "big.kv.vectors.npy", np.array([[1, 2], [3, 4]], dtype=np.float32))
    emb = read_gensim_keyedvectors(path)
    assert emb.words == ["car", "bus"] and emb.vectors.tolist() == [[1, 2], [3, 4]]
    plain = tmp_path / "dict.kv"
    plain.write_bytes(pickle.dumps({"vectors": [1, 2]}))
    with pytest.raises(EmbeddingFormatError, match="holds a pickled dict, not a gensim KeyedVectors"):
        read_gensim_keyedvectors(plain)


def test_byte_order_mark_is_not_part_of_the_first_word(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + GLOVE.encode())
    assert read_glove_text(path).words[0] == "the"
    path.write_bytes(b"\xef\xbb\xbf3 3\n" + GLOVE.encode())
    assert read_word2vec_text(path).words == ["the", "of", "cat"]
    vectors = np.ones((1, 2), np.float32)
    path.write_bytes(b"\xef\xbb\xbf" + word2vec_binary_bytes(["love"], vectors))
    assert read_word2vec_binary(path).words == ["love"]


def test_word2vec_binary_with_more_words_than_announced_or_trailing_bytes(tmp_path):
    vectors = np.ones((3, 4), dtype=np.float32)
    data = word2vec_binary_bytes(["a", "b", "c"], vectors)
    path = tmp_path / "more.bin"
    path.write_bytes(data.replace(b"3 4\n", b"2 4\n", 1))
    with pytest.raises(EmbeddingFormatError, match="data after the 2 words the header announces"):
        read_word2vec_binary(path)
    path.write_bytes(data + b"junk")
    with pytest.raises(EmbeddingFormatError, match="data after the 3 words"):
        read_word2vec_binary(path)


def test_word2vec_binary_header_larger_than_the_file_fails_before_allocating(tmp_path):
    path = tmp_path / "huge.bin"
    path.write_bytes(b"100000000 300\n" + word2vec_binary_bytes(["a"], np.ones((1, 300), np.float32))[6:])
    with pytest.raises(EmbeddingFormatError, match=r"line 1: header announces 100,000,000 words x 300 dims"):
        read_word2vec_binary(path)
    gz = tmp_path / "huge.bin.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    with pytest.raises(EmbeddingFormatError, match="header announces 100,000,000 words"):
        read_word2vec_binary(gz)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is not gzip", "named .gz but not gzip-compressed"),
        (gzip.compress(GLOVE.encode())[:-12], "truncated"),
        (gzip.compress(GLOVE.encode())[:12] + b"\x00" * 30, "corrupt gzip data"),
    ],
    ids=["not-gzip", "truncated", "corrupt"],
)
def test_broken_gzip_files_are_named(tmp_path, content, message):
    path = tmp_path / "vectors.txt.gz"
    path.write_bytes(content)
    with pytest.raises(EmbeddingFormatError, match=message) as err:
        read_glove_text(path)
    assert str(path) in str(err.value)


def test_folders_missing_members_and_odd_lines(tmp_path):
    with pytest.raises(EmbeddingFormatError, match="is a folder, not a vectors file"):
        read_glove_text(tmp_path)
    archive = tmp_path / "glove.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("glove.6B.50d.txt", GLOVE)
    with pytest.raises(EmbeddingFormatError, match=r"no member 'glove.6B.300d.txt' .*holds glove.6B.50d.txt"):
        read_glove_text(archive, member="glove.6B.300d.txt")
    with pytest.raises(EmbeddingFormatError, match=r"line 1: '3 3' looks like a word2vec header"):
        read_glove_text(write(tmp_path, "w2v.txt", "3 3\n" + GLOVE))
    with pytest.raises(EmbeddingFormatError, match="line 2: the line starts with a space"):
        read_glove_text(write(tmp_path, "space.txt", "a 1 2\n b 1 2\n"))
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"a 1 2\nb 1 2\ncaf\xe9 1 2\n")
    with pytest.raises(
        EmbeddingFormatError, match=r"latin1.txt, line 3: not UTF-8 text \(byte 0xe9 at column 4\)"
    ):
        read_glove_text(bad)


def test_save_and_memory_map(tmp_path):
    emb = Embedding(["a", "b"], np.array([[1, 2], [3, 4]], dtype=np.float32))
    save_embedding(emb, tmp_path / "e")
    back = load_embedding(tmp_path / "e")
    assert back.words == ["a", "b"]
    assert isinstance(back.vectors, np.memmap)
    np.testing.assert_array_equal(back.vectors, emb.vectors)
    assert sorted(p.name for p in (tmp_path / "e").iterdir()) == ["vectors.npy", "vocab.txt"]


def test_lowercase_index_prefers_first_casing():
    emb = Embedding(["Apple", "apple", "CAR"], np.zeros((3, 1), dtype=np.float32))
    assert emb.index() == {"apple": 0, "car": 2}


def _binary_file(tmp_path, words: list[bytes], dim=2):
    path = tmp_path / "v.bin"
    body = b"".join(word + b" " + np.ones(dim, "<f4").tobytes() + b"\n" for word in words)
    path.write_bytes(f"{len(words)} {dim}\n".encode() + body)
    return path


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ([b"the", b"caf\xe9"], r"v.bin, line 3: not UTF-8 text \(byte 0xe9 at column 4\)"),  # Latin-1 before
        ([b"the", b""], r"v.bin, line 3: an empty word \(''\)"),
        ([b"the", b"a\x00b"], r"v.bin, line 3: word 'a\\x00b' holds the control character U\+0000"),
    ],
)
def test_word2vec_binary_never_invents_a_word(tmp_path, words, message):
    with pytest.raises(EmbeddingFormatError, match=message):
        read_word2vec_binary(_binary_file(tmp_path, words))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"the 1 2\nca\xfft 1 2\n", r"g.txt, line 2: not UTF-8 text \(byte 0xff at column 3\)"),
        (b"the 1 2\nc\x00t 1 2\n", r"g.txt, line 2: word 'c\\x00t' holds the control character U\+0000"),
        (b"the 1 2\nc\x85t 1 2\n", r"g.txt, line 2: not UTF-8 text"),
        (
            "the 1 2\nc\u0085t 1 2\n".encode(),
            r"g.txt, line 2: word 'c\\x85t' holds the control character U\+0085",
        ),
    ],
)
def test_text_readers_never_invent_a_word(tmp_path, text, message):
    path = tmp_path / "g.txt"
    path.write_bytes(text)
    with pytest.raises(EmbeddingFormatError, match=message):
        read_glove_text(path)
    path.write_bytes(b"2 2\n" + text)
    with pytest.raises(EmbeddingFormatError, match=message.replace("line 2", "line 3")):
        read_word2vec_text(path)


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["the", None], r"w.parquet, row 2: a null instead of a word"),
        (["the", ""], r"w.parquet, row 2: an empty word \(''\)"),
        (["the", " "], r"w.parquet, row 2: an empty word \(' '\)"),
        (["the", "a\nb"], r"w.parquet, row 2: word 'a\\nb' holds the control character U\+000A"),
        ([1, 2], r"w.parquet: column 'index' holds int64, not words"),
    ],
)
def test_a_parquet_vocabulary_never_turns_a_null_into_a_word(tmp_path, words, message):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from binembed.fileio.binary_vectors import read_numpy_with_parquet_vocab

    np.save(tmp_path / "v.npy", np.ones((2, 3), np.float32))
    pq.write_table(pa.table({"index": words}), tmp_path / "w.parquet")
    with pytest.raises(EmbeddingFormatError, match=message):
        read_numpy_with_parquet_vocab(tmp_path / "v.npy", tmp_path / "w.parquet")


def test_keyed_vectors_whose_keys_are_not_words_are_refused(tmp_path, fake_gensim):
    path = tmp_path / "v.kv"
    record = fake_gensim.Word2VecKeyedVectors()
    record.__dict__.update({"index_to_key": ["the", 7], "vectors": np.ones((2, 3), np.float32)})
    path.write_bytes(pickle.dumps(record))
    with pytest.raises(EmbeddingFormatError, match=r"v.kv, row 2: 7 \(int\) instead of a word"):
        read_gensim_keyedvectors(path)
    path.write_bytes(b"\x80\x04garbage")
    with pytest.raises(EmbeddingFormatError, match="v.kv: not a loadable KeyedVectors file"):
        read_gensim_keyedvectors(path)


@pytest.mark.parametrize(
    ("vocab", "vectors", "message"),
    [
        (
            b"the\nca\xfft\n",
            np.ones((2, 3), np.float32),
            r"vocab.txt, line 2: not UTF-8 text \(byte 0xff at column 3\)",
        ),
        (b"the\n\n", np.ones((2, 3), np.float32), r"vocab.txt, line 2: an empty word"),
        (b"the\nof\n", np.ones((3, 3), np.float32), r"vocab.txt: 2 lines for the 3 rows of"),
        (
            b"the\nthe\n",
            np.ones((2, 3), np.float32),
            r"vocab.txt, line 2: duplicate word 'the' \(first on line 1\)",
        ),
        (
            b"the\nof\n",
            np.array([[1, 2], [np.nan, 1]], np.float32),
            r"vectors.npy, row 2: NaN or infinite value",
        ),
        (b"the\nof\n", np.array(["a", "b"]), r"vectors.npy: a \(words, dims\) matrix, not of shape \(2,\)"),
        (
            b"the\nof\n",
            None,
            r"a folder must hold vectors.npy and vocab.txt \(as results/embeddings/\*\); vectors.npy missing",
        ),
    ],
)
def test_the_folder_form_is_checked_like_every_other_format(tmp_path, vocab, vectors, message):
    (tmp_path / "vocab.txt").write_bytes(vocab)
    if vectors is not None:
        np.save(tmp_path / "vectors.npy", vectors)
    with pytest.raises(EmbeddingFormatError, match=message):
        load_embedding(tmp_path)
    (tmp_path / "vocab.txt").write_bytes(b"the\nof\n")
    (tmp_path / "vectors.npy").write_bytes(b"not numpy")
    with pytest.raises(EmbeddingFormatError, match=r"vectors.npy: not a .npy matrix"):
        load_embedding(tmp_path)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("vectors.kv", b"", "gensim_keyedvectors"),
        ("GoogleNews.BIN.gz", b"", "word2vec_binary"),
        ("vectors.txt", b"3 2\nthe 0.1 0.2\n", "word2vec_text"),
        ("vectors.txt.gz", gzip.compress(b"3 2\nthe 0.1 0.2\n"), "word2vec_text"),
        ("vectors.txt", b"the 0.1 0.2\nof 0.3 0.4\n", "glove_text"),
        ("vectors.txt", b"300 -2\nthe 0.1 0.2\n", "glove_text"),  # not two counts
        ("vectors.txt", b"3 2 1\n", "glove_text"),
    ],
)
def test_the_format_is_guessed_from_the_name_then_the_first_line(tmp_path, name, content, expected):
    from binembed.fileio.embedding_readers import guess_format

    path = tmp_path / name
    path.write_bytes(content)
    assert guess_format(path) == expected


def test_open_embedding_reads_a_guessed_file_and_a_workflow_folder_alike(tmp_path):
    from binembed.fileio.embedding_readers import open_embedding

    (tmp_path / "w2v.txt").write_text("2 3\nthe 1 2 3\nof 4 5 6\n")
    read = open_embedding(tmp_path / "w2v.txt")
    assert read.words == ["the", "of"] and read.vectors.tolist() == [[1, 2, 3], [4, 5, 6]]
    saved = open_embedding(save_embedding(read, tmp_path / "folder"))
    assert saved.words == read.words and np.array_equal(saved.vectors, read.vectors)
