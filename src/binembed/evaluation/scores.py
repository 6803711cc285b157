"""Intrinsic and extrinsic evaluation of dense vectors and binary codes.

Word similarity: Spearman correlation between the human scores and the model's similarity of each
pair, cosine for dense vectors and Hamming similarity 1 - d/n for n-bit codes (d by popcount of the
XOR of the packed bits). Words are looked up lowercased; a pair with an out-of-vocabulary word is
dropped and reported through the coverage (pairs used / pairs in the file).

Text classification (Wang et al. 2019, section 4.3): a text's binary code is the bitwise OR of its
words' codes, a dense text vector the mean of its word vectors; out-of-vocabulary words are skipped
and a text with no known word gets the all-zero code (or vector). A k-nearest-neighbour classifier
(Hamming or cosine distance) predicts the test labels; k is chosen by stratified cross-validation on
the training part only. Predictions do not depend on the order of the training texts: ties in
distance are averaged over (:mod:`binembed.evaluation.knn`) and the folds are dealt by a keyed hash of each
text (:func:`stratified_folds`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import BinaryCodes
from ..errors import InputError
from ..fileio.datasets import TextDataset
from ..fileio.embeddings import Embedding
from .correlation import spearman
from .knn import cosine_neighbours, cosine_votes, hamming_neighbours, hamming_votes


class Representation:
    """Word representations with a lowercase lookup: dense vectors or packed binary codes."""

    def __init__(self, source: Embedding | BinaryCodes):
        self.source = source
        self.binary = isinstance(source, BinaryCodes)
        self.matrix = source.packed if self.binary else np.asarray(source.vectors, dtype=np.float32)
        self._rows: dict[str, int] = {}  # lowercased word -> row, for the words asked so far

    def rows(self, words) -> np.ndarray:
        """Row of each word (lowercased; the row of its first casing in the vocabulary), -1 when
        out of vocabulary."""
        self.look_up(words)
        return self._known_rows(words)

    def _known_rows(self, words) -> np.ndarray:
        return np.array([self._rows[w.lower()] for w in words], dtype=np.int64)

    def look_up(self, words) -> None:
        """Find the rows of the words not asked before in one pass over the vocabulary, so that
        memory grows with the words asked, not with the vocabulary (3M words for word2vec). A
        caller with many word lists passes them all at once: each call with a word out of the
        vocabulary scans every word."""
        lowered = {w.lower() for w in words} - self._rows.keys()
        if not lowered:
            return
        self._rows.update(dict.fromkeys(lowered, -1))
        for i, word in enumerate(self.source.words):
            key = word.lower()
            if key in lowered:
                self._rows[key] = i
                lowered.discard(key)
                if not lowered:
                    return

    def pair_similarity(self, rows1: np.ndarray, rows2: np.ndarray) -> np.ndarray:
        """Similarity of each pair of rows: Hamming similarity 1 - d/n, or cosine."""
        a, b = self.matrix[rows1], self.matrix[rows2]
        if self.binary:
            distance = np.bitwise_count(a ^ b).sum(axis=1, dtype=np.int64)
            return 1.0 - distance / self.source.n_bits
        a, b = a.astype(np.float64), b.astype(np.float64)
        norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
        return np.divide((a * b).sum(axis=1), norms, out=np.zeros(len(a)), where=norms > 0)

    def pool(self, texts: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """One feature row per text (OR of codes, or mean of vectors) and each text's number of
        known tokens."""
        width = self.matrix.shape[1]
        features = np.zeros((len(texts), width), dtype=np.uint8 if self.binary else np.float64)
        known = np.zeros(len(texts), dtype=np.int64)
        self.look_up(w for tokens in texts for w in tokens)  # one pass for all texts
        for t, tokens in enumerate(texts):
            rows = self._known_rows(tokens)
            rows = rows[rows >= 0]
            known[t] = len(rows)
            if len(rows) == 0:
                continue
            block = self.matrix[rows]
            features[t] = np.bitwise_or.reduce(block, axis=0) if self.binary else block.mean(axis=0)
        return features, known

    def neighbours(self, queries, refs, k, query_groups=None, ref_groups=None):
        search = hamming_neighbours if self.binary else cosine_neighbours
        return search(queries, refs, k, query_groups, ref_groups)

    def votes(self, queries, refs, ref_labels, n_classes, ks, query_groups=None, ref_groups=None):
        """kNN predictions for each k in ``ks`` and each query's nearest distance (binembed.evaluation.knn)."""
        classify = hamming_votes if self.binary else cosine_votes
        return classify(queries, refs, ref_labels, n_classes, ks, query_groups, ref_groups)


def word_similarity(rep: Representation, pairs: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Per-pair similarities and the summary (Spearman x 100, pairs used, coverage). Where the
    correlation is undefined (fewer than three pairs, or one similarity for every pair) Spearman is
    NaN and ``undefined`` says why."""
    rows = rep.rows([*pairs["word1"], *pairs["word2"]])  # one look-up for both columns
    rows1, rows2 = rows[: len(pairs)], rows[len(pairs) :]
    used = (rows1 >= 0) & (rows2 >= 0)
    similarity = np.full(len(pairs), np.nan)
    if used.any():
        similarity[used] = rep.pair_similarity(rows1[used], rows2[used])
    per_pair = pairs.assign(in_vocabulary=used, similarity=similarity)
    n_used = int(used.sum())
    summary = {"spearman": np.nan, "n_used": n_used, "n_total": len(pairs), "coverage": n_used / len(pairs)}
    if n_used < 3:
        summary["undefined"] = f"only {n_used} pair(s) have both words in the vocabulary"
    elif np.ptp(similarity[used]) == 0:
        summary["undefined"] = "every pair has the same similarity (all-zero vectors or codes?)"
    else:
        summary["spearman"] = 100.0 * spearman(pairs["score"][used], similarity[used])
    return per_pair, summary


def nearest_words(rep: Representation, word: str, k: int = 10) -> pd.DataFrame:
    """The k words nearest to ``word`` (lowercase lookup) over the whole vocabulary, by Hamming or
    cosine distance, ties broken by vocabulary index, the word's own row excluded (Entjes 2021,
    Table 4.2 lists them for "car")."""
    row = int(rep.rows([word])[0])
    if row < 0:
        raise KeyError(f"{word!r} is not in the vocabulary")
    own = np.full(len(rep.source.words), -1, dtype=np.int64)
    own[row] = 0
    k = min(k, len(own) - 1)
    index, distance = rep.neighbours(rep.matrix[row : row + 1], rep.matrix, k, np.zeros(1, np.int64), own)
    return pd.DataFrame(
        {
            "query": word,
            "rank": np.arange(1, k + 1),
            "word": [rep.source.words[i] for i in index[0]],
            "distance": distance[0],
        }
    )


def stratified_folds(texts: list[list[str]], labels: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number of each item, whatever the order of the items: each class's items, ordered by
    a blake2b hash of their tokens keyed with ``seed``, are dealt round-robin (identical texts of
    one class are interchangeable, so their own order does not matter)."""
    key = int(seed).to_bytes(8, "little", signed=True)
    digests = np.array(
        [
            int.from_bytes(hashlib.blake2b("\x1f".join(tokens).encode(), digest_size=8, key=key).digest())
            for tokens in texts
        ],
        dtype=np.uint64,
    )
    folds = np.empty(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        members = members[np.argsort(digests[members], kind="stable")]
        folds[members] = np.arange(len(members)) % n_folds
    return folds


def macro_f1(truth: np.ndarray, predicted: np.ndarray, n_classes: int) -> float:
    scores = []
    for c in range(n_classes):
        tp = np.sum((predicted == c) & (truth == c))
        fp = np.sum((predicted == c) & (truth != c))
        fn = np.sum((predicted != c) & (truth == c))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


class UndefinedEvaluation(InputError):
    """Inputs on which a score cannot be computed (a test label never seen in training, texts
    without one known word); the caller adds which inputs."""


@dataclass
class KnnSettings:
    """k candidates tried by cross-validation, folds, and the seed of the fold assignment; the
    protocol's values are the package's (``knn`` of binembed/data/benchmarks.yaml), which
    config.yaml's ``evaluation.knn`` may replace."""

    k_candidates: tuple[int, ...]
    n_folds: int
    seed: int

    @classmethod
    def from_config(cls, knn: dict) -> KnnSettings:
        """From a ``knn`` block: ``k_candidates``, ``n_folds`` and ``seed``."""
        return cls(tuple(knn["k_candidates"]), knn["n_folds"], knn["seed"])


def classify(rep: Representation, train: TextDataset, test: TextDataset, settings: KnnSettings):
    """kNN text classification. Returns per-text predictions and a summary: accuracy, macro-F1,
    the chosen k, cross-validated accuracy of every candidate, and token coverage."""
    classes = sorted(set(train.labels))
    unknown = sorted(set(test.labels) - set(classes))
    if unknown:
        raise UndefinedEvaluation(f"test labels absent from training: {unknown}")
    code = {label: i for i, label in enumerate(classes)}
    y_train = np.array([code[y] for y in train.labels])
    y_test = np.array([code[y] for y in test.labels])
    X_train, known_train = rep.pool(train.texts)
    X_test, known_test = rep.pool(test.texts)
    if known_train.sum() == 0 or known_test.sum() == 0:
        split = "training" if known_train.sum() == 0 else "test"
        raise UndefinedEvaluation(f"no word of the {split} texts is in the vocabulary")

    ks = sorted(settings.k_candidates)
    folds = stratified_folds(train.texts, y_train, settings.n_folds, settings.seed)
    cv_votes, _ = rep.votes(X_train, X_train, y_train, len(classes), ks, folds, folds)
    cv_accuracy = {k: float(np.mean(cv_votes[k] == y_train)) for k in ks}
    best_k = max(ks, key=lambda k: (cv_accuracy[k], -k))

    test_votes, test_distance = rep.votes(X_test, X_train, y_train, len(classes), [best_k])
    predicted = test_votes[best_k]
    per_text = pd.DataFrame(
        {
            "label": test.labels,
            "predicted": [classes[p] for p in predicted],
            "correct": predicted == y_test,
            "known_tokens": known_test,
            "tokens": [len(t) for t in test.texts],
            "nearest_distance": test_distance,
        }
    )
    summary = {
        "accuracy": float(np.mean(predicted == y_test)),
        "macro_f1": macro_f1(y_test, predicted, len(classes)),
        "k": best_k,
        "cv_accuracy": cv_accuracy,
        "n_train": len(train),
        "n_test": len(test),
        "token_coverage": float(
            (known_train.sum() + known_test.sum()) / sum(len(t) for t in train.texts + test.texts)
        ),
        "texts_without_known_words": int((known_train == 0).sum() + (known_test == 0).sum()),
    }
    if rep.binary:  # OR-pooling saturates when codes are dense: report how full the test codes are
        summary["pooled_ones_fraction"] = float(
            np.bitwise_count(X_test).sum() / (len(X_test) * rep.source.n_bits)
        )
    return per_text, summary


def load_representations(files) -> Iterator[Representation]:
    """The representations a workflow job names: ``codes`` (BinaryCodes .npz files, one per seed),
    or ``vectors`` and ``vocab`` (the form of :func:`binembed.fileio.embeddings.save_embedding`). Each is
    read when the iteration reaches it, so a job holds one at a time."""
    from ..fileio.embeddings import load_embedding

    if "codes" not in files.keys():  # noqa: SIM118 (Snakemake InputFiles: `in` would test values)
        yield Representation(load_embedding(Path(files["vectors"]).parent))
        return
    paths = files["codes"]
    for path in [paths] if isinstance(paths, str) else paths:
        yield Representation(BinaryCodes.load(path))
