"""The empirical-CDF (rank) normalization of the Poisson coder: each value's level in [0, 1] from
its dimension's quantile function, interpolated at ``RANK_KNOTS`` knots."""

from __future__ import annotations

import numba
import numpy as np

#: Words whose levels rank_level_kernel searches side by side.
LEVEL_BLOCK = 256


@numba.njit(parallel=True, cache=True)
def rank_level_kernel(X, quantiles, knots, level):
    """level[i, d] = np.interp(X[i, d], quantiles[d], knots), by the same arithmetic: knots[0]
    below the first quantile; else j the last knot with quantiles[d, j] <= x, knots[j] where x is
    that knot or beyond the last, else knots[j] + slope (x - quantiles[d, j]) with the slope of the
    segment; 0 for a constant dimension (first quantile = last).

    j comes from a binary search run for a block of LEVEL_BLOCK words of one dimension at a time,
    halving step by halving step across the block: the searches interleave (their comparisons
    become conditional moves, not mispredicted branches) and the dimension's quantiles (8 KiB)
    stay in the L1 cache. Five times faster than one search after the other."""
    n_words, dims = X.shape
    n_knots = knots.size
    for block in numba.prange((n_words + LEVEL_BLOCK - 1) // LEVEL_BLOCK):
        start = block * LEVEL_BLOCK
        size = min(LEVEL_BLOCK, n_words - start)
        x = np.empty(size)
        j = np.empty(size, dtype=np.int64)  # column[j] <= x, and the last such knot below j + span
        for d in range(dims):
            column = quantiles[d]
            varying = column[n_knots - 1] > column[0]
            for k in range(size):
                x[k] = X[start + k, d]
                j[k] = 0
            span = n_knots
            while span > 1:
                half = span >> 1
                for k in range(size):
                    j[k] += half if column[j[k] + half] <= x[k] else 0
                span -= half
            for k in range(size):
                i, at = start + k, j[k]
                if not varying:
                    level[i, d] = 0.0
                elif x[k] < column[0]:
                    level[i, d] = knots[0]
                elif at == n_knots - 1 or column[at] == x[k]:
                    level[i, d] = knots[at]
                else:
                    slope = (knots[at + 1] - knots[at]) / (column[at + 1] - column[at])
                    level[i, d] = slope * (x[k] - column[at]) + knots[at]
