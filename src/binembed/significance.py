"""Paired significance tests between two representations evaluated on the same items.

Word similarity: a two-sided binomial sign test on the pairs both representations cover: rank the
pairs by human score and by each model's similarity (average ranks for ties); a pair counts for A
when A's rank is closer to the human rank than B's, for B in the opposite case, and not at all when
both are equally close. Alongside, a paired bootstrap percentile interval of the Spearman
difference, resampling word pairs. Classification: McNemar's exact test on per-text correctness.
Within one table the p-values are corrected with Holm's step-down method (Holm 1979).

A stochastic method is tested on all its seeds at once, never on one seed's draw: its similarities
(or correctness) are given as a (items, seeds) matrix. The sign test then uses each pair's rank
distance to the human rank averaged over the seeds, the bootstrap the difference of the seed-mean
Spearman correlations (what the tables show), and McNemar's test each text's fraction of seeds
that classify it correctly (with one seed per method it is McNemar's exact test). The direction a
table marks (which method is better) is the direction of the test's own statistic.
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


def _by_seed(values) -> np.ndarray:
    """Per-item values as an (items, seeds) float matrix: a vector is one seed."""
    values = np.asarray(values, dtype=np.float64)
    return values[:, None] if values.ndim == 1 else values


def rank_distance(human, similarity) -> np.ndarray:
    """|rank of each pair's similarity - its human rank|, averaged over the seeds (columns)."""
    return np.abs(rankdata(_by_seed(similarity), axis=0) - rankdata(human)[:, None]).mean(axis=1)


def rank_sign_test(human, similarity_a, similarity_b) -> SignTest:
    """Two-sided binomial sign test of A against B on one word-similarity set (pairs both cover);
    ``similarity_a`` and ``similarity_b`` are vectors or (pairs, seeds) matrices."""
    human_rank = rankdata(human)
    distance_a = rank_distance(human, similarity_a)
    distance_b = rank_distance(human, similarity_b)
    a_closer = int(np.sum(distance_a < distance_b))
    b_closer = int(np.sum(distance_b < distance_a))
    decided = a_closer + b_closer
    p_value = binomtest(a_closer, decided, 0.5).pvalue if decided else 1.0
    return SignTest(len(human_rank), a_closer, b_closer, len(human_rank) - decided, float(p_value))


def _centred_ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks within each row, minus the row's mean rank."""
    ranks = rankdata(values, axis=1)
    ranks -= ranks.mean(axis=1, keepdims=True)
    return ranks


def _spearman_rows(x: np.ndarray, model: np.ndarray) -> np.ndarray:
    """Spearman correlation of each row pair (rows = bootstrap resamples), given the centred ranks
    ``x`` of the human scores' rows; NaN for a constant row."""
    y = _centred_ranks(model)
    denominator = np.sqrt((x * x).sum(axis=1) * (y * y).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * y).sum(axis=1) / denominator


class SpearmanBootstrap:
    """The paired bootstrap of one word-similarity set: ``n_resamples`` resamples of its pairs with
    replacement, drawn with ``numpy.random.default_rng(seed)``, and the human scores ranked in each,
    once for every model scored on them (:meth:`spearman`)."""

    def __init__(self, human, n_resamples: int = 1000, seed: int = 0):
        human = np.asarray(human, dtype=np.float64)
        self._everything = np.arange(len(human))[None]
        self._resamples = np.random.default_rng(seed).integers(0, len(human), size=(n_resamples, len(human)))
        self._human_all = _centred_ranks(human[self._everything])
        self._human_resampled = _centred_ranks(human[self._resamples])

    def spearman(self, similarity) -> tuple[float, np.ndarray]:
        """A model's Spearman correlation on all pairs and on each resample, each the mean over
        its seeds (the columns of a (pairs, seeds) matrix)."""
        columns = _by_seed(similarity).T
        observed = np.mean([_spearman_rows(self._human_all, c[self._everything]) for c in columns], axis=0)
        resampled = np.mean(
            [_spearman_rows(self._human_resampled, c[self._resamples]) for c in columns], axis=0
        )
        return observed[0], resampled


def spearman_difference_interval(
    spearman_a, spearman_b, confidence: float = 95.0
) -> tuple[float, float, float]:
    """Spearman(A) - Spearman(B), x 100, and its bootstrap percentile interval, from the
    :meth:`SpearmanBootstrap.spearman` of A and of B on the same resamples."""
    (observed_a, resampled_a), (observed_b, resampled_b) = spearman_a, spearman_b
    tail = (100.0 - confidence) / 2
    low, high = np.nanpercentile(resampled_a - resampled_b, [tail, 100.0 - tail])
    return 100.0 * float(observed_a - observed_b), 100.0 * float(low), 100.0 * float(high)


def spearman_difference_ci(
    human, similarity_a, similarity_b, n_resamples: int = 1000, seed: int = 0, confidence: float = 95.0
) -> tuple[float, float, float]:
    """Spearman(A) - Spearman(B), x 100 (each the mean over its seeds, the columns of a (pairs,
    seeds) matrix), and its paired bootstrap percentile interval: the word pairs are resampled with
    replacement ``n_resamples`` times with ``numpy.random.default_rng(seed)`` and the same resample
    is scored for both models. Returns (difference, low, high)."""
    bootstrap = SpearmanBootstrap(human, n_resamples, seed)
    return spearman_difference_interval(
        bootstrap.spearman(similarity_a), bootstrap.spearman(similarity_b), confidence
    )


@dataclass(frozen=True)
class McNemarTest:
    """Texts only A classifies correctly (more often, over seeds), texts only B does; exact
    two-sided binomial p on these discordant texts (1.0 when there are none)."""

    n_texts: int
    only_a_correct: int
    only_b_correct: int
    p_value: float


def mcnemar_exact(correct_a, correct_b) -> McNemarTest:
    """McNemar's exact test of two classifiers on the same test texts; ``correct_a`` and
    ``correct_b`` are vectors or (texts, seeds) matrices, compared by each text's fraction of
    correct seeds ("only A correct": A's fraction is the larger)."""
    fraction_a = _by_seed(correct_a).mean(axis=1)
    fraction_b = _by_seed(correct_b).mean(axis=1)
    only_a = int(np.sum(fraction_a > fraction_b))
    only_b = int(np.sum(fraction_b > fraction_a))
    discordant = only_a + only_b
    p_value = binomtest(only_a, discordant, 0.5).pvalue if discordant else 1.0
    return McNemarTest(len(fraction_a), only_a, only_b, float(p_value))


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
