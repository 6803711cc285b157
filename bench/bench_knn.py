"""Hamming top-k search of binembed.evaluation.knn against FAISS's exact binary index, side by side; not a test.

``--refs`` random codes of ``--bits`` bits (default 400k x 256, the size of GloVe's vocabulary at
the autoencoders' middle size) are searched for the ``--k`` nearest of ``--queries`` queries by
``hamming_neighbours`` and by ``faiss.IndexBinaryFlat`` (pip install faiss-cpu; not a dependency
of binembed), both with ``--threads`` threads (FAISS's OpenMP told to wait passively, as
binembed's threads are). Prints the wall and CPU seconds of each, their ratio (target: binembed
within 1.0x of FAISS) and whether the results are identical: the same distances everywhere and
the same indices (FAISS breaks ties at the k-th distance its own way, so rows where the k-th
distance is tied are compared as sets of the strictly closer references).

    python bench/bench_knn.py --threads 1
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
from machine import cpu_model

from binembed.evaluation.knn import hamming_neighbours
from binembed.threads import use_threads


def timed(function, repeats):
    """(best wall seconds, its CPU seconds, result) over ``repeats`` calls."""
    best = None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        if best is None or seconds < best[0]:
            best = (seconds, cpu, result)
    return best


def same_results(ours, theirs) -> bool:
    (index, distance), (faiss_distance, faiss_index) = ours, theirs
    if not np.array_equal(distance, faiss_distance.astype(np.int64)):
        return False
    for row in range(len(index)):
        closer = distance[row] < distance[row, -1]
        if set(index[row, closer]) != set(faiss_index[row, closer]):
            return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refs", type=int, default=400_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--bits", type=int, default=256)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import faiss

    use_threads(args.threads)
    faiss.omp_set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    refs = rng.integers(0, 256, size=(args.refs, args.bits // 8), dtype=np.uint8)
    queries = refs[rng.choice(args.refs, args.queries, replace=False)] ^ rng.integers(
        0, 256, size=(args.queries, args.bits // 8), dtype=np.uint8
    ) & np.uint8(0x11)  # near copies of references, so the nearest are not all ties
    hamming_neighbours(queries[:2], refs[:100], args.k)  # compile (or load the cache) first

    ours = timed(lambda: hamming_neighbours(queries, refs, args.k), args.repeats)

    def faiss_search():
        index = faiss.IndexBinaryFlat(args.bits)
        index.add(refs)
        return index.search(queries, args.k)

    theirs = timed(faiss_search, args.repeats)
    print(f"machine: {cpu_model()}")
    print(
        f"{args.queries} queries, top {args.k} of {args.refs:,} x {args.bits} bits, {args.threads} thread(s)"
    )
    print(f"{'':<22} {'wall s':>7} {'cpu s':>7}")
    print(f"{'binembed.evaluation.knn':<22} {ours[0]:7.3f} {ours[1]:7.3f}")
    print(f"{'faiss IndexBinaryFlat':<22} {theirs[0]:7.3f} {theirs[1]:7.3f}")
    print(
        f"ratio {ours[0] / theirs[0]:.2f}x FAISS's wall (target <= 1.0x); identical results: {same_results(ours[2], theirs[2])}"
    )


if __name__ == "__main__":
    main()
