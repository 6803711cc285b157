"""What a word is, for every reader of words: embeddings, codes and benchmark files.

A word is a non-empty string of Unicode characters that is not only whitespace and holds no
control character (C0, DEL or C1: a NUL, a tab or a line break inside a word is a sign of a broken
file, and a word with a line break cannot be stored one per line). Bytes are decoded as UTF-8
strictly: a byte sequence that is not UTF-8 is an error naming its line, never a word guessed
from another encoding. No reader has a decoding fallback: every file the configuration names
(GloVe 6B, the word2vec GoogleNews subset, the benchmark sets) decodes as UTF-8.
"""

from __future__ import annotations

import codecs
import re

#: Characters no word holds: C0 controls, DEL and C1 controls, and lone surrogates (which only a
#: pickle or an Arrow column can smuggle in; they cannot be encoded back as UTF-8).
_NOT_IN_A_WORD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: An empty or whitespace-only line of the joined vocabulary (``\s`` is what str.strip removes).
_BLANK_LINE = re.compile(r"(?m)^[^\S\n]*$")


def word_problem(word) -> str | None:
    """Why ``word`` is not a word (one phrase), or None when it is one."""
    if word is None:
        return "a null instead of a word"
    if not isinstance(word, str):
        return f"{word!r} ({type(word).__name__}) instead of a word"
    if not word.strip():
        return f"an empty word ({word!r})"
    bad = _NOT_IN_A_WORD.search(word)
    if bad is not None:
        return f"word {word!r} holds the control character U+{ord(bad.group()):04X}"
    return None


def first_bad_word(words) -> tuple[int, str] | None:
    """(index, problem) of the first item of ``words`` that is not a word, or None. A whole
    vocabulary is checked in one pass over its joined text; only a hit is looked at word by word."""
    if set(map(type, words)) - {str}:  # (a set of types is quicker than an isinstance per word)
        index = next((i for i, word in enumerate(words) if not isinstance(word, str)), None)
        if index is not None:
            return index, word_problem(words[index])
    if not words:
        return None
    text = "\n".join(words)
    if (
        text.count("\n") == len(words) - 1
        and _NOT_IN_A_WORD.search(text.replace("\n", " ")) is None
        and _BLANK_LINE.search(text) is None
    ):
        return None
    index = next(i for i, word in enumerate(words) if word_problem(word) is not None)
    return index, word_problem(words[index])


def utf8_lines(raw_lines, error, first_line_number: int = 1):
    """(line number, text) of each line of a binary stream, decoded as UTF-8 one line at a time so
    that a bad byte is reported with its line, as ``error(message, line)``; a UTF-8 byte-order mark
    before the first line is dropped (it would otherwise stick to the first word)."""
    for number, raw in enumerate(raw_lines, start=first_line_number):
        if number == first_line_number and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        yield number, decode_utf8(raw, error, number)


def decode_utf8(raw: bytes, error, line) -> str:
    """``raw`` decoded as UTF-8, or ``error(message, line)`` raised naming the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise error(f"not UTF-8 text (byte 0x{raw[err.start]:02x} at column {err.start + 1})", line) from None


def decode_utf8_text(raw: bytes, error) -> str:
    """A whole file's bytes decoded as UTF-8, or ``error(message, line)`` raised naming the line and
    column of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        column = err.start - line_start + 1
        message = f"not UTF-8 text (byte 0x{raw[err.start]:02x} at column {column})"
        raise error(message, raw.count(b"\n", 0, err.start) + 1) from None
