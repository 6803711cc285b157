"""Parsers for the evaluation benchmarks: word-similarity pairs, Search Snippets and SST trees.

Each parser raises :class:`DatasetFormatError` naming the file and line of anything it cannot read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import FileFormatError
from .vocabulary import first_bad_word, utf8_lines


class DatasetFormatError(FileFormatError):
    """A malformed benchmark file; the message names the file and, where it applies, the line."""


def _lines(path):
    """Yield (line number, text without the line ending) for the non-blank lines of a UTF-8 file;
    a line that is not UTF-8 is an error naming it."""
    with open(path, "rb") as stream:
        for number, text in utf8_lines(stream, lambda message, line: DatasetFormatError(path, message, line)):
            text = text.rstrip("\r\n")
            if text.strip():
                yield number, text


def _check_words(path, words, number):
    """Every token of a line a word (:mod:`binembed.fileio.vocabulary`): no control character inside."""
    bad = first_bad_word(words)
    if bad is not None:
        raise DatasetFormatError(path, bad[1], number)


def read_word_similarity(path) -> pd.DataFrame:
    """Word pairs with a human score: ``word1 word2 score`` per line, tab or space separated,
    LF or CRLF line endings, any score scale (0-10, 0-50: Spearman does not depend on it).
    Returns columns ``word1``, ``word2``, ``score`` in file order."""
    rows = []
    for number, text in _lines(path):
        fields = text.split("\t") if "\t" in text else text.split()
        fields = [f.strip() for f in fields]
        if len(fields) != 3 or not fields[0] or not fields[1]:
            raise DatasetFormatError(path, f"expected 'word1 word2 score', found {text[:80]!r}", number)
        try:
            score = float(fields[2])
        except ValueError:
            raise DatasetFormatError(path, f"score {fields[2]!r} is not a number", number) from None
        if not np.isfinite(score):
            raise DatasetFormatError(path, f"score {fields[2]!r} is not finite", number)
        _check_words(path, fields[:2], number)
        rows.append((fields[0], fields[1], score))
    if not rows:
        raise DatasetFormatError(path, "no word pairs found (empty file)")
    return pd.DataFrame(rows, columns=["word1", "word2", "score"])


@dataclass
class TextDataset:
    """Tokenized texts with one label each."""

    texts: list[list[str]]
    labels: list[str]

    def __post_init__(self):
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")

    def __len__(self):
        return len(self.texts)

    def __add__(self, other: TextDataset) -> TextDataset:
        return TextDataset(self.texts + other.texts, self.labels + other.labels)


def read_search_snippets(path) -> TextDataset:
    """Search Snippets (Phan et al. 2008): one snippet per line, whitespace-tokenized, the class
    label as the last token."""
    texts, labels = [], []
    for number, text in _lines(path):
        tokens = text.split()
        if len(tokens) < 2:
            raise DatasetFormatError(path, "a snippet needs at least one word and a label", number)
        _check_words(path, tokens, number)
        texts.append(tokens[:-1])
        labels.append(tokens[-1])
    if not texts:
        raise DatasetFormatError(path, "no snippets found (empty file)")
    return TextDataset(texts, labels)


_LEAF = re.compile(r"\(([0-4]) ([^()\s]+)\)")
_ROOT = re.compile(r"^\(([0-4]) ")


def read_sst_trees(path) -> tuple[list[list[str]], list[int]]:
    """Stanford Sentiment Treebank PTB trees, one per line: returns each sentence's tokens (the
    leaves, left to right) and its root label 0-4."""
    sentences, labels = [], []
    for number, text in _lines(path):
        text = text.strip()
        root = _ROOT.match(text)
        if root is None or text.count("(") != text.count(")"):
            raise DatasetFormatError(path, f"not a labelled PTB tree: {text[:60]!r}", number)
        leaves = _LEAF.findall(text)
        if not leaves:
            raise DatasetFormatError(path, "tree without leaves", number)
        _check_words(path, [word for _, word in leaves], number)
        sentences.append([word for _, word in leaves])
        labels.append(int(root.group(1)))
    if not sentences:
        raise DatasetFormatError(path, "no trees found (empty file)")
    return sentences, labels


def sst2(path) -> TextDataset:
    """SST-2 from the trees: root labels 0-1 are ``negative``, 3-4 ``positive``, neutral 2 dropped."""
    sentences, labels = read_sst_trees(path)
    kept = [(s, "negative" if y < 2 else "positive") for s, y in zip(sentences, labels) if y != 2]
    return TextDataset([s for s, _ in kept], [y for _, y in kept])


#: The benchmark files (name -> url, sha256, mirror_path, member, archive_sha256) and the kNN
#: settings of the evaluation protocol: package data, read by the workflow's configuration and by
#: the ``binembed evaluate`` command alike.
BENCHMARKS_PATH = Path(__file__).parents[1] / "data" / "benchmarks.yaml"


@functools.cache
def _benchmarks_text() -> str:
    return BENCHMARKS_PATH.read_text(encoding="utf-8")


def benchmarks() -> dict:
    """``{"resources": {...}, "knn": {...}}`` from the package's benchmarks.yaml (a fresh copy)."""
    return yaml.safe_load(_benchmarks_text())


#: Resource names (config.yaml ``resources``) of each classification task's splits.
CLASSIFICATION_RESOURCES = {
    "search_snippets": {"train": "snippets-train", "test": "snippets-test"},
    "sst2": {"train": "sst-train", "dev": "sst-dev", "test": "sst-test"},
}


def classification_split(task: str, paths: dict) -> tuple[TextDataset, TextDataset]:
    """The (train, test) split of a task from its files (keyed like CLASSIFICATION_RESOURCES):
    Search Snippets train -> test; SST-2 train + dev -> test."""
    if task == "search_snippets":
        return read_search_snippets(paths["train"]), read_search_snippets(paths["test"])
    if task == "sst2":
        return sst2(paths["train"]) + sst2(paths["dev"]), sst2(paths["test"])
    raise ValueError(f"unknown classification task {task!r}")
