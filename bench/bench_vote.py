"""The kNN vote's cross-validation, as each evaluate job runs it per seed; not a test.

``--texts`` random OR-pooled codes (default 10,060, Search Snippets' training texts) in 5 folds
and 8 classes are voted on for every k candidate of the workflow (1 to 31) by
``hamming_votes``, at the code widths of the default run (50 bits: sign on GloVe-50d; 1000: the
tol-5 spiking coders on GloVe-50d; 3000: Overcomplete-B and Izhikevich on the word2vec subset;
6000: the tol-5 spiking coders on it), with ``--threads`` threads. Each width is timed twice:
by the triangle of one n x n matrix (each pair of folds once) and by blocks of queries; the
workflow takes the triangle from ``_TRIANGLE_MIN_GROUPS`` uint64 groups up (marked *).
Prints the seconds of each, their ratio and whether the votes are identical.

    python bench/bench_vote.py --threads 1
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from machine import cpu_model

from binembed.evaluation import knn
from binembed.threads import use_threads


def best_seconds(function, repeats):
    """(best wall seconds over ``repeats`` calls, the result)."""
    best, result = None, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=10_060)
    parser.add_argument("--bits", type=int, nargs="+", default=[50, 1000, 3000, 6000])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    use_threads(args.threads)
    rng = np.random.default_rng(0)
    labels, folds = rng.integers(0, 8, args.texts), rng.integers(0, 5, args.texts)
    ks = [1, 3, 5, 7, 9, 11, 15, 21, 31]
    print(f"machine: {cpu_model()}")
    print(f"cross-validated vote of {args.texts:,} texts, 5 folds, {len(ks)} k, {args.threads} thread(s)")
    print(f"{'bits':>6} {'triangle s':>11} {'query blocks s':>15} {'ratio':>6}  identical")
    min_groups = knn._TRIANGLE_MIN_GROUPS
    for bits in args.bits:
        codes = np.packbits(rng.random((args.texts, bits)) < 0.3, axis=1)

        def vote(codes=codes):
            return knn.hamming_votes(codes, codes, labels, 8, ks, folds, folds)

        try:
            knn._TRIANGLE_MIN_GROUPS = 1
            vote()  # compile (or load the cache) and touch the matrix's memory first
            triangle, by_triangle = best_seconds(vote, args.repeats)
            knn._TRIANGLE_MIN_GROUPS = np.iinfo(np.int64).max
            blocks, by_blocks = best_seconds(vote, args.repeats)
        finally:
            knn._TRIANGLE_MIN_GROUPS = min_groups
        same = all((by_triangle[0][k] == by_blocks[0][k]).all() for k in ks)
        same &= bool((by_triangle[1] == by_blocks[1]).all())
        taken = "*" if -(-bits // 64) >= min_groups else " "
        print(f"{bits:>6} {triangle:>10.3f}{taken} {blocks:>15.3f} {blocks / triangle:>5.2f}x  {same}")


if __name__ == "__main__":
    main()
