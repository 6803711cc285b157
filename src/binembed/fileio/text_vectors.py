"""Text formats of word vectors: GloVe (``word v1 ... vd`` per line, optionally a member of a zip)
and word2vec text (the same after a header ``N_WORDS DIM``)."""

from __future__ import annotations

import zipfile

import numpy as np

from .embeddings import (
    Embedding,
    EmbeddingFormatError,
    check_expected_dim,
    check_file,
    check_finite,
    check_vocabulary,
    decoded_lines,
    open_binary,
    refuse_member,
)


def _parse_text_lines(path, lines, dim=None, count=None, headerless=False):
    """Parse ``word v1 ... vd`` lines, (line number, text) pairs. ``dim``/``count`` are the header's
    announcement, if any; ``headerless`` (GloVe) refuses a first line that is a word2vec header."""
    words, rows, numbers = [], [], []
    for number, raw in lines:
        text = raw.rstrip("\r\n")
        if not text.strip():
            continue
        if text.startswith((" ", "\t")):
            raise EmbeddingFormatError(path, "the line starts with a space: its word is empty", number)
        word, _, rest = text.rstrip(" ").partition(" ")
        fields = rest.split()
        if dim is None:
            if headerless and len(fields) == 1 and word.isdigit() and fields[0].isdigit():
                raise EmbeddingFormatError(
                    path,
                    f"{text.strip()!r} looks like a word2vec header 'N_WORDS DIM': "
                    "the format is word2vec_text, not glove_text",
                    number,
                )
            dim = len(fields)
            if dim == 0:
                raise EmbeddingFormatError(path, f"word {word!r} has no values", number)
        elif headerless and not words and len(fields) != dim:
            raise EmbeddingFormatError(path, f"{len(fields)} values, config 'dim' says {dim}", number)
        if len(fields) != dim:
            raise EmbeddingFormatError(
                path, f"expected {dim} values, found {len(fields)} (ragged row)", number
            )
        try:
            rows.append(np.array(fields, dtype=np.float32))
        except ValueError:
            bad = next(f for f in fields if not _is_float(f))
            raise EmbeddingFormatError(path, f"non-numeric value {bad!r}", number) from None
        words.append(word)
        numbers.append(number)
    if count is not None and len(words) != count:
        raise EmbeddingFormatError(path, f"header announces {count} words but the file holds {len(words)}")
    check_vocabulary(path, words, numbers)
    vectors = np.vstack(rows)
    check_finite(path, vectors, numbers)
    return Embedding(words, vectors)


def _is_float(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_glove_text(path, *, member: str | None = None, expected_dim: int | None = None) -> Embedding:
    """GloVe text (``word v1 ... vd`` per line, no header), optionally streamed out of a zip archive
    (``member`` names the file inside it, e.g. ``glove.6B.300d.txt`` in ``glove.6B.zip``)."""
    if member is not None:
        path = check_file(path)
        label = f"{path}!{member}"
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise EmbeddingFormatError(path, "not a zip archive (a 'member' was given)") from None
        with archive:
            if member not in archive.namelist():
                names = archive.namelist()
                shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
                raise EmbeddingFormatError(path, f"no member {member!r} in the archive (it holds {shown})")
            with archive.open(member) as raw:
                lines = decoded_lines(label, raw, 1)
                return _parse_text_lines(label, lines, expected_dim, headerless=True)
    with open_binary(path) as raw:
        return _parse_text_lines(path, decoded_lines(path, raw, 1), expected_dim, headerless=True)


def read_word2vec_text(path, *, member: str | None = None, expected_dim: int | None = None) -> Embedding:
    """word2vec text: a header ``N_WORDS DIM`` and then one ``word v1 ... vd`` line per word."""
    refuse_member(path, member, "word2vec_text")
    with open_binary(path) as raw:
        lines = decoded_lines(path, raw, 1)
        header = next(lines, (1, ""))[1]
        count, dim = parse_header(path, header)
        check_expected_dim(path, dim, expected_dim)
        return _parse_text_lines(path, lines, dim, count)


def parse_header(path, header):
    fields = header.split()
    if not fields:
        raise EmbeddingFormatError(path, "empty file")
    if len(fields) != 2 or not all(f.isdigit() for f in fields):
        raise EmbeddingFormatError(path, f"expected a header 'N_WORDS DIM', found {header.strip()[:60]!r}", 1)
    count, dim = int(fields[0]), int(fields[1])
    if count == 0 or dim == 0:
        raise EmbeddingFormatError(path, "header announces no vectors", 1)
    return count, dim
