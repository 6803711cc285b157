"""Spearman's rank correlation: Pearson's correlation of the average ranks (ties share the mean
of the ranks they span), as scipy.stats.spearmanr computes it. Written here because importing
scipy.stats takes an evaluation job 1.5-3 s, more than its word-similarity work."""

from __future__ import annotations

import numpy as np


def average_ranks(x) -> np.ndarray:
    """1-based ranks of ``x`` (float64), tied values all getting the mean of their ranks."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    starts = np.concatenate(([0], np.flatnonzero(np.diff(x[order])) + 1))
    stops = np.append(starts[1:], len(x))
    ranks = np.empty(len(x))
    ranks[order] = np.repeat((starts + stops + 1) / 2.0, stops - starts)
    return ranks


def spearman(a, b) -> float:
    """Spearman's rho of two equally long finite sequences; NaN when either is constant."""
    ra, rb = average_ranks(a), average_ranks(b)
    ra -= ra.mean()
    rb -= rb.mean()
    denominator = np.sqrt((ra @ ra) * (rb @ rb))
    return float(ra @ rb / denominator) if denominator > 0 else float("nan")
