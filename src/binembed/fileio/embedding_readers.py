"""The one way in for every embedding format: :func:`read_embedding`, the reader of each
single-file format (:data:`READERS`), and :func:`open_embedding`, which also guesses a file's
format (:func:`guess_format`) or reads a folder the workflow wrote."""

from __future__ import annotations

from pathlib import Path

from .binary_vectors import read_numpy_with_parquet_vocab, read_word2vec_binary
from .embeddings import Embedding, EmbeddingFormatError, load_embedding, open_binary, refuse_member
from .keyed_vectors import read_gensim_keyedvectors
from .text_vectors import read_glove_text, read_word2vec_text

#: The reader of each single-file format, all called as ``reader(path, member=, expected_dim=)``.
READERS = {
    "glove_text": read_glove_text,
    "word2vec_text": read_word2vec_text,
    "word2vec_binary": read_word2vec_binary,
    "gensim_keyedvectors": read_gensim_keyedvectors,
}


#: Every format :func:`read_embedding` reads: the single-file ones and npy_parquet.
FORMATS = (*READERS, "npy_parquet")


def read_embedding(
    fmt: str, files, *, member: str | None = None, expected_dim: int | None = None
) -> Embedding:
    """The one way in for every format: ``files`` is the vectors file, or a mapping with its
    ``"vectors"`` (and for npy_parquet its ``"vocab"``) file; ``member`` names a file inside a zip
    archive (glove_text); ``expected_dim`` is checked as early as the format allows (on the first
    line of a text file, in the header of a binary one), so a wrong dimension fails before the
    file is read through."""
    files = files if isinstance(files, dict) else {"vectors": files}
    if fmt == "npy_parquet":
        if "vocab" not in files:
            raise EmbeddingFormatError(
                files["vectors"], "npy_parquet needs its vocabulary file (a 'vocab' member)"
            )
        refuse_member(files["vectors"], member, fmt)
        return read_numpy_with_parquet_vocab(files["vectors"], files["vocab"], expected_dim=expected_dim)
    return READERS[fmt](files["vectors"], member=member, expected_dim=expected_dim)


def guess_format(path: Path) -> str:
    """The format of an embedding file from its name and first line: .kv is a KeyedVectors file,
    .bin (.bin.gz) word2vec binary, and a text file whose first line is two integers word2vec
    text, otherwise GloVe text."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".kv"):
        return "gensim_keyedvectors"
    if name.endswith(".bin"):
        return "word2vec_binary"
    with open_binary(path) as stream:
        first = stream.readline(4096).split()
    return "word2vec_text" if len(first) == 2 and all(f.isdigit() for f in first) else "glove_text"


def open_embedding(path, fmt: str | None = None, member: str | None = None) -> Embedding:
    """An Embedding from a file in ``fmt`` (guessed where None: :func:`guess_format`; GloVe text
    for a zip ``member``), or from a folder the workflow wrote (:func:`load_embedding`)."""
    path = Path(path)
    if path.is_dir():
        return load_embedding(path)
    if member is not None:
        fmt = fmt or "glove_text"
    return read_embedding(fmt or guess_format(path), path, member=member)
