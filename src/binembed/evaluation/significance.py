"""Paired significance tests between two representations evaluated on the same items.

Word similarity: a paired bootstrap z-test of the Spearman difference itself. The word pairs
both representations cover are resampled with replacement; each resample is scored for both, so
the spread of Spearman(A) - Spearman(B) over the resamples estimates the standard error of the
observed difference that comes from the choice of pairs; for a method with several seeds the
spread of its per-seed Spearman adds the part that comes from its seeds. z = difference /
standard error, the two-sided p-value is 2 (1 - Phi(|z|)),
and the interval is difference +- Phi^-1(1 - alpha/2) standard errors: p < alpha exactly when the
(1 - alpha) interval leaves out zero, and a significant result always has the sign of the
difference. Beside it, for Entjes (2021) Table 4.1, the thesis' own binomial sign test (eq. 3.3-3.4),
on ranks: a pair counts for A when A's rank is closer to the human rank than B's.

Classification: an exact paired sign-flip permutation test on per-text correctness. Each text's
fraction of correct seeds is a number for A and one for B; under the null hypothesis that A's and
B's results are exchangeable on every text, the sign of each text's difference is a fair coin, and
the p-value is the exact probability that a random choice of signs gives a sum of differences at
least as far from zero as the observed one. With one seed on each side the differences are -1, 0
or 1 and the test is McNemar's exact test. Within one table the p-values are corrected with Holm's
step-down method (Holm 1979).

A stochastic method is tested on all its seeds at once, never on one seed's draw: its similarities
(or correctness) are given as a (items, seeds) matrix; the tested statistic is the difference of
the seed-mean Spearman correlations (or accuracies), the numbers the tables show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy.stats import binom, binomtest, rankdata


@dataclass(frozen=True)
class SignTest:
    """Entjes' binomial sign test (2021, eq. 3.3-3.4) on ranks: pairs for which A's rank is closer
    to the human rank, pairs for B, ties dropped; exact two-sided binomial p (1.0 when no pair
    separates the two)."""

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


def _resampled_centred_ranks(values: np.ndarray, resamples: np.ndarray) -> np.ndarray:
    """``_centred_ranks(values[resamples])`` by counting instead of sorting each resample: with
    the distinct values v_1 < ... < v_m of ``values`` sorted once and c_k the number of times a
    resample drew one equal to v_k, every element equal to v_k has the average rank
    c_1 + ... + c_(k-1) + (c_k + 1) / 2, the same float64 number ``rankdata`` computes (both are
    exact half-integers). A resample that drew a NaN ranks to NaN, as ``rankdata`` propagates it."""
    distinct, group = np.unique(values, return_inverse=True)
    drawn = group[resamples]
    n_resamples, n_groups = len(resamples), len(distinct)
    offsets = np.arange(n_resamples)[:, None] * n_groups
    counts = np.bincount((drawn + offsets).ravel(), minlength=n_resamples * n_groups).reshape(n_resamples, -1)
    below = np.cumsum(counts, axis=1) - counts
    group_rank = below + (counts + 1) / 2
    ranks = np.take_along_axis(group_rank, drawn, axis=1)
    ranks -= ranks.mean(axis=1, keepdims=True)
    drew_nan = np.isnan(values)[resamples].any(axis=1)
    ranks[drew_nan] = np.nan
    return ranks


def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman correlation of each row pair (rows = bootstrap resamples), given the centred ranks
    of both; NaN for a constant row."""
    denominator = np.sqrt((x * x).sum(axis=1) * (y * y).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * y).sum(axis=1) / denominator


class SpearmanBootstrap:
    """The paired bootstrap of one word-similarity set: ``n_resamples`` resamples of its pairs with
    replacement, drawn with ``numpy.random.default_rng(seed)``, and the human scores ranked in each,
    once for every model scored on them (:meth:`spearman`)."""

    def __init__(self, human, n_resamples: int = 1000, seed: int = 0):
        human = np.asarray(human, dtype=np.float64)
        self.resamples = np.random.default_rng(seed).integers(0, len(human), size=(n_resamples, len(human)))
        self._human_all = _centred_ranks(human[None])
        self._human_resampled = _resampled_centred_ranks(human, self.resamples)

    def spearman(self, similarity) -> tuple[np.ndarray, np.ndarray]:
        """A model's Spearman correlation on all pairs, per seed (the columns of a (pairs, seeds)
        matrix), and on each resample, the mean over its seeds."""
        columns = _by_seed(similarity).T
        observed = np.array([_spearman_rows(self._human_all, _centred_ranks(c[None]))[0] for c in columns])
        resampled = np.mean(
            [
                _spearman_rows(self._human_resampled, _resampled_centred_ranks(c, self.resamples))
                for c in columns
            ],
            axis=0,
        )
        return observed, resampled


@dataclass(frozen=True)
class SpearmanDifferenceTest:
    """Spearman(A) - Spearman(B) x 100 over the pairs both cover (each the mean over its seeds),
    its standard error (x 100) and the two parts it is made of, z, the two-sided p-value and the
    interval at the given confidence (x 100)."""

    n_pairs: int
    spearman_difference: float
    standard_error: float
    pairs_standard_error: float
    seeds_standard_error: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float


def spearman_difference_test(
    spearman_a, spearman_b, n_pairs: int, confidence: float = 95.0
) -> SpearmanDifferenceTest:
    """The z-test of Spearman(A) - Spearman(B) on ``n_pairs`` pairs, from the
    :meth:`SpearmanBootstrap.spearman` of A and of B on the same resamples. The variance of a
    difference of seed means has two parts (the law of total variance): the word pairs', the
    sample variance (ddof = 1) of the resampled differences, resamples where either model is
    constant left out; and the seeds', s_A^2 / S_A + s_B^2 / S_B from each method's per-seed
    Spearman on all pairs (zero for one seed), so that a stochastic method is judged as a method,
    not as the S models its seeds happened to give. Where either Spearman is undefined on all pairs
    (a method whose similarities are all equal), so is the test: every field but n_pairs is NaN,
    which no significance mark and no Holm family counts."""
    (seeds_a, resampled_a), (seeds_b, resampled_b) = spearman_a, spearman_b
    difference = float(seeds_a.mean() - seeds_b.mean())
    if not math.isfinite(difference):
        return SpearmanDifferenceTest(n_pairs, *[math.nan] * 8)
    resampled = resampled_a - resampled_b
    pairs_variance = float(np.var(resampled[np.isfinite(resampled)], ddof=1))
    seeds_variance = sum(float(np.var(s, ddof=1)) / len(s) for s in (seeds_a, seeds_b) if len(s) > 1)
    error = math.sqrt(pairs_variance + seeds_variance)
    if error > 0:
        z = difference / error
        p_value = math.erfc(abs(z) / math.sqrt(2.0))
    else:  # every resample gives the same difference: zero, or a difference with no spread
        z = 0.0 if difference == 0 else math.copysign(math.inf, difference)
        p_value = 1.0 if difference == 0 else 0.0
    half_width = NormalDist().inv_cdf(0.5 + confidence / 200.0) * error
    return SpearmanDifferenceTest(
        n_pairs,
        100.0 * difference,
        100.0 * error,
        100.0 * math.sqrt(pairs_variance),
        100.0 * math.sqrt(seeds_variance),
        float(z),
        float(p_value),
        100.0 * (difference - half_width),
        100.0 * (difference + half_width),
    )


@dataclass(frozen=True)
class PairedPermutationTest:
    """Accuracy(A) - accuracy(B) in points (each the mean over its seeds), the texts on which A's
    fraction of correct seeds is the higher and those on which B's is, the test that was run
    ("McNemar exact" with one seed a side, else "sign-flip permutation (exact)") and its
    two-sided p-value."""

    n_texts: int
    accuracy_difference: float
    a_better: int
    b_better: int
    test: str
    p_value: float


def sign_flip_p_value(differences) -> float:
    """The exact two-sided p-value of sum(differences) under independent fair random signs of
    each term: P(|sum s_i d_i| >= |sum d_i|). ``differences`` are integers (scale fractions to a
    common denominator first); the distribution is built by convolving, for each distinct |d|,
    the binomial count of its terms that keep their sign."""
    d = np.abs(np.asarray(differences, dtype=np.int64))
    observed = abs(int(np.sum(differences)))
    d = d[d > 0]
    if d.size == 0:
        return 1.0
    divisor = int(np.gcd.reduce(d))
    d //= divisor
    observed //= divisor
    total = int(d.sum())
    # S = the sum of the terms whose sign is +: sum s_i d_i = 2 S - total
    pmf = np.zeros(total + 1)
    pmf[0] = 1.0
    reach = 0
    for value, count in zip(*np.unique(d, return_counts=True)):
        value, count = int(value), int(count)
        weights = binom.pmf(np.arange(count + 1), count, 0.5)
        grown = np.zeros_like(pmf)
        for kept, weight in enumerate(weights):
            shift = kept * value
            grown[shift : shift + reach + 1] += weight * pmf[: reach + 1]
        pmf = grown
        reach += count * value
    statistic = np.abs(2 * np.arange(total + 1) - total)
    return float(min(1.0, pmf[statistic >= observed].sum()))


def paired_permutation_test(correct_a, correct_b) -> PairedPermutationTest:
    """The exact paired sign-flip test of A against B on the same texts; ``correct_a`` and
    ``correct_b`` are 0/1 vectors or (texts, seeds) matrices. Each text's difference of fractions
    of correct seeds is scaled by the two seed counts to an integer, so the test is exact."""
    a, b = _by_seed(correct_a), _by_seed(correct_b)
    seeds_a, seeds_b = a.shape[1], b.shape[1]
    # fraction_a - fraction_b = (seeds_b * correct seeds of A - seeds_a * correct seeds of B) / (seeds_a seeds_b)
    scaled = seeds_b * np.rint(a.sum(axis=1)).astype(np.int64) - seeds_a * np.rint(b.sum(axis=1)).astype(
        np.int64
    )
    name = "McNemar exact" if seeds_a == seeds_b == 1 else "sign-flip permutation (exact)"
    return PairedPermutationTest(
        len(scaled),
        100.0 * float(scaled.sum()) / (seeds_a * seeds_b * max(len(scaled), 1)),
        int(np.sum(scaled > 0)),
        int(np.sum(scaled < 0)),
        name,
        sign_flip_p_value(scaled),
    )


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the input order: the i-th smallest of m p-values is
    multiplied by m - i + 1 (i from 1), made non-decreasing along the sorted order, capped at 1.
    An undefined (NaN) p-value is not a test: it stays NaN and m counts the others."""
    p_values = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(len(p_values), np.nan)
    defined = np.flatnonzero(~np.isnan(p_values))
    m = len(defined)
    order = defined[np.argsort(p_values[defined], kind="stable")]
    scaled = p_values[order] * (m - np.arange(m))
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted
