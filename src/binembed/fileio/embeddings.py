"""Dense word embeddings: the :class:`Embedding`, the checks every reader applies, and the on-disk
form the workflow uses.

Every reader (:mod:`binembed.fileio.embedding_readers`, one module per kind of file) returns an
:class:`Embedding` (a vocabulary and a float32 matrix) and validates what it reads: a ragged row, a non-numeric value, NaN/inf, a duplicate word, an empty file or a dimension
other than the announced one raises :class:`EmbeddingFormatError` naming the file and the line.

The on-disk form written by :func:`save_embedding` is a directory holding ``vectors.npy`` (float32,
row i is the vector of word i, memory-mappable) and ``vocab.txt`` (one word per line, UTF-8).
"""

from __future__ import annotations

import gzip
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import FileFormatError
from .files import atomic_output
from .vocabulary import decode_utf8_text, first_bad_word, utf8_lines


class EmbeddingFormatError(FileFormatError):
    """A malformed embedding file; the message names the file and, where it applies, the line."""


@dataclass
class Embedding:
    """A vocabulary and its vectors: ``vectors[i]`` belongs to ``words[i]``."""

    words: list[str]
    vectors: np.ndarray

    def __post_init__(self):
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise ValueError(f"{len(self.words)} words but vectors of shape {self.vectors.shape}")

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def index(self, lowercase: bool = True) -> dict[str, int]:
        """Word -> row. With ``lowercase``, keys are lowercased and a lowercased form that several
        words share maps to the first of them (in frequency-sorted files such as GoogleNews, the
        most frequent casing)."""
        return lowercase_index(self.words) if lowercase else {w: i for i, w in enumerate(self.words)}


def lowercase_index(words) -> dict[str, int]:
    """Lowercased word -> row of its first occurrence (the most frequent casing in
    frequency-sorted vocabularies)."""
    table: dict[str, int] = {}
    for i, word in enumerate(words):
        table.setdefault(word.lower(), i)
    return table


def check_vocabulary(path, words, lines, unit="line"):
    """Every item a word (:mod:`binembed.fileio.vocabulary`), none twice, and at least one; an error names
    the ``unit`` (line of a text file, row of a table) of ``lines`` where it is."""
    if not words:
        raise EmbeddingFormatError(path, "no vectors found (empty file)")
    bad = first_bad_word(words)
    if bad is not None:
        raise EmbeddingFormatError(path, bad[1], **{unit: lines[bad[0]]})
    if len(set(words)) == len(words):
        return
    seen: dict[str, int] = {}
    for word, line in zip(words, lines):
        if word in seen:
            raise EmbeddingFormatError(
                path, f"duplicate word {word!r} (first on {unit} {seen[word]})", **{unit: line}
            )
        seen[word] = line


def check_finite(path, vectors, lines, unit="line"):
    bad = ~np.isfinite(vectors).all(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise EmbeddingFormatError(path, "NaN or infinite value", **{unit: lines[row]})


def check_file(path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise EmbeddingFormatError(path, "is a folder, not a vectors file")
    if not path.exists():
        raise EmbeddingFormatError(path, "no such file")
    return path


def check_expected_dim(path, dim, expected_dim):
    if expected_dim is not None and dim != expected_dim:
        raise EmbeddingFormatError(path, f"vectors have {dim} dimensions, config 'dim' says {expected_dim}")


def decoded_lines(path, raw_lines, first_line_number):
    """(line number, text) of each line of a binary stream, decoded as strict UTF-8."""
    return utf8_lines(
        raw_lines, lambda message, line: EmbeddingFormatError(path, message, line), first_line_number
    )


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


@contextmanager
def open_binary(path):
    """The file's bytes, gunzipped when it starts with the gzip magic (whatever its name); a
    corrupt or truncated gzip stream is reported as such."""
    path = check_file(path)
    compressed = is_gzip(path)
    if path.suffix == ".gz" and not compressed:
        raise EmbeddingFormatError(path, "named .gz but not gzip-compressed")
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as stream:
            yield stream
    except (gzip.BadGzipFile, zlib.error) as err:
        raise EmbeddingFormatError(path, f"corrupt gzip data ({err})") from None
    except EOFError:
        raise EmbeddingFormatError(path, "the gzip stream ends early: the file is truncated") from None


def load_matrix(path, expected_dim=None, mmap=False) -> np.ndarray:
    """A 2-D float matrix from a ``.npy`` file (never unpickling), read into memory as float32
    unless ``mmap``; anything else is an :class:`EmbeddingFormatError` naming the file."""
    try:
        matrix = np.load(check_file(path), mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise EmbeddingFormatError(path, f"not a .npy matrix ({err})") from None
    if not isinstance(matrix, np.ndarray) or matrix.ndim != 2:
        raise EmbeddingFormatError(path, f"a (words, dims) matrix, not of shape {np.shape(matrix)}")
    if not (np.issubdtype(matrix.dtype, np.floating) or np.issubdtype(matrix.dtype, np.integer)):
        raise EmbeddingFormatError(path, f"holds {matrix.dtype} values, not numbers")
    check_expected_dim(path, matrix.shape[1], expected_dim)
    if mmap and matrix.dtype == np.float32:
        return matrix
    return np.array(matrix, dtype=np.float32)  # read into memory


def refuse_member(path, member, fmt):
    if member is not None:
        raise EmbeddingFormatError(
            path, f"only glove_text is read out of a zip archive, not {fmt} (member {member!r})"
        )


def save_embedding(embedding: Embedding, directory) -> Path:
    """Write ``vectors.npy`` and ``vocab.txt`` into ``directory`` (each via a temporary name)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    bad = first_bad_word(embedding.words)
    if bad is not None:
        raise ValueError(f"{bad[1]}: cannot be stored one per line")
    with atomic_output(directory / "vocab.txt") as tmp:
        tmp.write_text("\n".join(embedding.words) + "\n", encoding="utf-8")
    try:
        with atomic_output(directory / "vectors.npy", suffix=".npy") as tmp:
            np.save(tmp, np.ascontiguousarray(embedding.vectors, dtype=np.float32))
    except BaseException:
        (directory / "vocab.txt").unlink()  # no half of the pair without the other
        raise
    return directory


def load_embedding(directory, mmap: bool = True) -> Embedding:
    """Read the form written by :func:`save_embedding` (or by hand): ``vocab.txt`` must hold one
    word per line for each row of ``vectors.npy``, and every value must be finite. The matrix is
    memory-mapped by default."""
    directory = Path(directory)
    vocab, vectors_path = directory / "vocab.txt", directory / "vectors.npy"
    missing = [p.name for p in (vectors_path, vocab) if not p.is_file()]
    if missing:
        raise EmbeddingFormatError(
            directory,
            f"a folder must hold vectors.npy and vocab.txt (as results/embeddings/*); {' and '.join(missing)} missing",
        )
    raw = vocab.read_bytes()
    if raw and not raw.endswith(b"\n"):
        raw += b"\n"  # a last line without its line break
    text = decode_utf8_text(raw, lambda message, line: EmbeddingFormatError(vocab, message, line))
    words = text.split("\n")[:-1]
    vectors = load_matrix(vectors_path, mmap=mmap)
    if len(words) != vectors.shape[0]:
        raise EmbeddingFormatError(
            vocab, f"{len(words)} lines for the {vectors.shape[0]} rows of {vectors_path}"
        )
    lines = list(range(1, len(words) + 1))
    check_vocabulary(vocab, words, lines)
    check_finite(vectors_path, vectors, lines, unit="row")
    return Embedding(words, vectors)
