"""Binary word codes: one class holding the vocabulary, the packed bits and where they came from.

Bit order. Bits are packed row by row with :func:`numpy.packbits` (``bitorder="big"``): bit ``j``
of word ``i`` is ``(packed[i, j // 8] >> (7 - j % 8)) & 1``. The last byte is padded with zero bits.
The same order read as big-endian 64-bit groups is the layout of Tissier et al.'s
near-lossless-binarization tools, in which the first bit of each group of 64 is the most
significant bit of its integer; :meth:`BinaryCodes.to_tissier_text` writes that format.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from .errors import FileFormatError
from .fileio.files import atomic_output
from .fileio.vocabulary import decode_utf8_text, first_bad_word, utf8_lines, word_problem

#: The installed binembed's version (package metadata), recorded in every code's metadata.
VERSION = __version__


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """Pack a (words, n_bits) array of 0/1 (or bool) values into bytes, in the module's bit order."""
    return np.packbits(np.asarray(bits, dtype=bool), axis=1, bitorder="big")


def unpack_bits(packed: np.ndarray, n_bits: int) -> np.ndarray:
    """Inverse of :func:`pack_bits`: a (words, n_bits) uint8 array of 0/1."""
    return np.unpackbits(packed, axis=1, count=n_bits, bitorder="big")


def uint64_groups(packed: np.ndarray, most_significant_first: bool = False) -> np.ndarray:
    """Packed uint8 codes (words, n_bytes) as (words, ceil(n_bytes / 8)) uint64, the last group
    zero-padded. Each group holds 8 consecutive bytes in the machine's byte order, which is all
    XOR and popcount need (:mod:`binembed.evaluation.knn`); with ``most_significant_first`` the first bit
    of each group is its integer's most significant bit (Tissier's layout)."""
    n_words, n_bytes = packed.shape
    padded = np.zeros((n_words, -(-n_bytes // 8) * 8), dtype=np.uint8)
    padded[:, :n_bytes] = packed
    if most_significant_first:
        return padded.view(">u8").astype(np.uint64)
    return padded.view(np.uint64)


@dataclass
class BinaryCodes:
    """Binary codes of a vocabulary.

    ``packed`` is uint8 of shape (len(words), ceil(n_bits / 8)); ``metadata`` records the method,
    its parameters, the seed, the source embedding and the binembed version that made the codes.
    """

    words: list[str]
    packed: np.ndarray
    n_bits: int
    metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        self.packed = np.ascontiguousarray(self.packed, dtype=np.uint8)
        n_bytes = (self.n_bits + 7) // 8
        if self.packed.shape != (len(self.words), n_bytes):
            raise ValueError(
                f"{len(self.words)} words of {self.n_bits} bits need packed shape "
                f"{(len(self.words), n_bytes)}, got {self.packed.shape}"
            )
        if self.n_bits % 8 and (self.packed[:, -1] & ((1 << (8 - self.n_bits % 8)) - 1)).any():
            raise ValueError("padding bits after the last code bit must be zero")
        self.metadata.setdefault("binembed_version", VERSION)

    @classmethod
    def from_bits(cls, words, bits, metadata=None) -> BinaryCodes:
        """Codes from an unpacked (words, n_bits) 0/1 array."""
        bits = np.asarray(bits)
        return cls(list(words), pack_bits(bits), int(bits.shape[1]), dict(metadata or {}))

    def bits(self) -> np.ndarray:
        """The unpacked (words, n_bits) uint8 0/1 array."""
        return unpack_bits(self.packed, self.n_bits)

    def save(self, path) -> Path:
        """Write a ``.npz`` atomically: ``words`` (UTF-8, newline-separated, as uint8), ``packed``,
        ``n_bits`` and ``metadata`` (JSON)."""
        if any("\n" in word for word in self.words):
            raise ValueError("a word containing a newline cannot be saved")
        with atomic_output(path, suffix=".npz") as tmp:
            np.savez(
                tmp,
                words=np.frombuffer("\n".join(self.words).encode("utf-8"), dtype=np.uint8),
                packed=self.packed,
                n_bits=np.int64(self.n_bits),
                metadata=np.array(json.dumps(self.metadata, sort_keys=True)),
            )
        return Path(path)

    @classmethod
    def load(cls, path) -> BinaryCodes:
        """Read a ``.npz`` written by :meth:`save`; a file that is not one is a
        :class:`~binembed.errors.FileFormatError` naming it (and the word's line, for a bad word)."""
        if Path(path).is_file() and not zipfile.is_zipfile(path):
            raise FileFormatError(path, "not a .npz archive (the codes written by binembed encode)")
        try:
            with np.load(path, allow_pickle=False) as data:
                packed, n_bits = data["packed"], int(data["n_bits"])
                raw_words, metadata = data["words"].tobytes(), json.loads(str(data["metadata"]))
        except (OSError, EOFError, KeyError, ValueError, TypeError, zipfile.BadZipFile) as err:
            if isinstance(err, FileNotFoundError | IsADirectoryError):
                raise FileFormatError(path, "no such file") from None
            raise FileFormatError(
                path, f"not the codes of binembed encode (.npz of BinaryCodes: {err})"
            ) from None
        words = decode_utf8_text(
            raw_words, lambda message, line: FileFormatError(path, f"words: {message}", line)
        )
        words = words.split("\n") if len(packed) else []
        if packed.dtype != np.uint8 or packed.ndim != 2:
            raise FileFormatError(
                path, f"packed codes of {packed.dtype} and shape {packed.shape}, not uint8 rows"
            )
        bad = first_bad_word(words)
        if bad is not None:
            raise FileFormatError(path, f"words: {bad[1]}", bad[0] + 1)
        try:
            return cls(words, packed, n_bits, metadata)
        except ValueError as err:
            raise FileFormatError(path, str(err)) from None

    def to_tissier_text(self, path, pad_header: bool = False) -> Path:
        """Export in the text format of Tissier's near-lossless-binarization tools: a first line
        ``N_WORDS N_BITS``, then per word the word and its bits as unsigned 64-bit decimal
        integers, 64 bits each, most significant bit first. When n_bits is not a multiple of 64
        the last integer is padded with zero low-order bits.

        Tissier's tools compute the number of integers as N_BITS / 64 with integer division, so a
        file whose N_BITS is not a multiple of 64 (50 bits: 0 integers) gives NaN there;
        ``pad_header=True`` writes N_BITS rounded up to a multiple of 64 (the padding bits are 0
        in every word, so Hamming distances are unchanged, but a reader learns the padded size).
        Words holding whitespace cannot be written: the format separates fields by spaces."""
        bad = next((w for w in self.words if not w or any(c.isspace() for c in w)), None)
        if bad is not None:
            raise ValueError(
                f"{path}: word {bad!r} is empty or holds whitespace, which Tissier's space-separated "
                "text format cannot represent"
            )
        groups = self.uint64_groups()
        n_bits = 64 * groups.shape[1] if pad_header else self.n_bits
        with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
            out.write(f"{len(self.words)} {n_bits}\n")
            out.writelines(
                word + " " + " ".join(map(str, row.tolist())) + "\n" for word, row in zip(self.words, groups)
            )
        return Path(path)

    @classmethod
    def from_tissier_text(cls, path, metadata=None) -> BinaryCodes:
        """Read codes written in Tissier's text format (by us or by his tools); anything else is a
        :class:`~binembed.errors.FileFormatError` naming the file and line."""

        def error(message, line=None):
            return FileFormatError(path, message, line)

        with open(path, "rb") as stream:
            lines = utf8_lines(stream, error)
            header = next(lines, (1, ""))[1].split()
            if len(header) != 2 or not all(_is_decimal(x) for x in header):
                raise error(f"expected a header 'N_WORDS N_BITS', found {' '.join(header)[:60]!r}", 1)
            if 0 in (int(header[0]), int(header[1])):
                raise error("the header announces no codes", 1)
            n_words, n_bits = (int(x) for x in header)
            n_groups = (n_bits + 63) // 64
            words, rows = [], []
            for number, line in lines:
                fields = line.split()
                if len(fields) != n_groups + 1 or not all(
                    _is_decimal(x) and int(x) < 2**64 for x in fields[1:]
                ):
                    raise error(f"expected a word and {n_groups} unsigned 64-bit integers", number)
                if word_problem(fields[0]) is not None:
                    raise error(word_problem(fields[0]), number)
                words.append(fields[0])
                rows.append([int(x) for x in fields[1:]])
        if len(words) != n_words:
            raise error(f"header announces {n_words} words, found {len(words)}")
        groups = np.array(rows, dtype=np.uint64).reshape(len(words), n_groups)
        packed = groups.astype(">u8").view(np.uint8).reshape(len(words), -1)[:, : (n_bits + 7) // 8]
        try:
            return cls(words, packed, n_bits, dict(metadata or {}))
        except ValueError as err:
            raise error(str(err)) from None

    def uint64_groups(self) -> np.ndarray:
        """The codes as (words, ceil(n_bits/64)) uint64, first bit = most significant bit."""
        return uint64_groups(self.packed, most_significant_first=True)


def _is_decimal(text: str) -> bool:
    return text.isascii() and text.isdigit()
