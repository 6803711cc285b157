"""Paired significance tests between two representations evaluated on the same items.

Word similarity: a two-sided binomial sign test on the pairs both representations cover: rank the
pairs by human score and by each model's similarity (average ranks for ties); a pair counts for A
when A's rank is closer to the human rank than B's, for B in the opposite case, and not at all when
both are equally close. Alongside, a paired bootstrap percentile interval of the Spearman
difference, resampling word pairs. Classification: McNemar's exact test on per-text correctness.
Within one table the p-values are corrected with Holm's step-down method (Holm 1979).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest, rankdata


@dataclass(frozen=True)
class SignTest:
    """Pairs for which A's rank is closer to the human rank, pairs for B, ties dropped; exact
    two-sided binomial p (1.0 when no pair separates the two)."""

    n_pairs: int
    a_closer: int
    b_closer: int
    ties: int
    p_value: float


def rank_sign_test(human, similarity_a, similarity_b) -> SignTest:
    """Two-sided binomial sign test of A against B on one word-similarity set (pairs both cover)."""
    human_rank = rankdata(human)
    distance_a = np.abs(rankdata(similarity_a) - human_rank)
    distance_b = np.abs(rankdata(similarity_b) - human_rank)
    a_closer = int(np.sum(distance_a < distance_b))
    b_closer = int(np.sum(distance_b < distance_a))
    decided = a_closer + b_closer
    p_value = binomtest(a_closer, decided, 0.5).pvalue if decided else 1.0
    return SignTest(len(human_rank), a_closer, b_closer, len(human_rank) - decided, float(p_value))


def _spearman_rows(human: np.ndarray, model: np.ndarray) -> np.ndarray:
    """Spearman correlation of each row pair (rows = bootstrap resamples); NaN for a constant row."""
    x = rankdata(human, axis=1)
    y = rankdata(model, axis=1)
    x -= x.mean(axis=1, keepdims=True)
    y -= y.mean(axis=1, keepdims=True)
    denominator = np.sqrt((x * x).sum(axis=1) * (y * y).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * y).sum(axis=1) / denominator


def spearman_difference_ci(
    human, similarity_a, similarity_b, n_resamples: int = 1000, seed: int = 0, confidence: float = 95.0
) -> tuple[float, float, float]:
    """Spearman(A) - Spearman(B), x 100, and its paired bootstrap percentile interval: the word
    pairs are resampled with replacement ``n_resamples`` times with ``numpy.random.default_rng(seed)``
    and the same resample is scored for both models. Returns (difference, low, high)."""
    human = np.asarray(human, dtype=np.float64)
    a = np.asarray(similarity_a, dtype=np.float64)
    b = np.asarray(similarity_b, dtype=np.float64)
    observed = _spearman_rows(human[None], a[None])[0] - _spearman_rows(human[None], b[None])[0]
    resamples = np.random.default_rng(seed).integers(0, len(human), size=(n_resamples, len(human)))
    differences = _spearman_rows(human[resamples], a[resamples]) - _spearman_rows(
        human[resamples], b[resamples]
    )
    tail = (100.0 - confidence) / 2
    low, high = np.nanpercentile(differences, [tail, 100.0 - tail])
    return 100.0 * float(observed), 100.0 * float(low), 100.0 * float(high)


@dataclass(frozen=True)
class McNemarTest:
    """Texts only A classifies correctly, texts only B does; exact two-sided binomial p on these
    discordant texts (1.0 when there are none)."""

    n_texts: int
    only_a_correct: int
    only_b_correct: int
    p_value: float


def mcnemar_exact(correct_a, correct_b) -> McNemarTest:
    """McNemar's exact test of two classifiers on the same test texts."""
    correct_a = np.asarray(correct_a, dtype=bool)
    correct_b = np.asarray(correct_b, dtype=bool)
    only_a = int(np.sum(correct_a & ~correct_b))
    only_b = int(np.sum(correct_b & ~correct_a))
    discordant = only_a + only_b
    p_value = binomtest(only_a, discordant, 0.5).pvalue if discordant else 1.0
    return McNemarTest(len(correct_a), only_a, only_b, float(p_value))


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the input order: the i-th smallest of m p-values is
    multiplied by m - i + 1 (i from 1), made non-decreasing along the sorted order, capped at 1."""
    p_values = np.asarray(p_values, dtype=np.float64)
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * (m - np.arange(m))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted
