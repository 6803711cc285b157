"""Benchmark of the spiking binarizers (binembed.binarizers.spiking) against plain numpy.

For each coder (poisson, lif, lif_noise, izh_rs_fs), a child process generates a
(words, dims) float32 matrix ~ N(0, 0.4^2) (about the spread of GloVe coordinates), fits the
coder, compiles it on a few rows, then times ``transform`` on the whole matrix and reports its
peak resident memory (VmHWM). The numpy version of the same equations that the tests use
(``tests/spiking_reference.py``: vectorised over words x dims, time stepped in a Python loop) runs on a slice and is scaled per neuron-step; its
bits are compared with the kernel's. Finally the bits are checked to be identical for 1 and 2
numba threads and two chunk sizes. Not a test: run ``python bench/bench_spiking.py [--words N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np

from binembed.binarizers.spiking import (
    N_STEPS,
    IzhikevichRSFSBinarizer,
    LIFBinarizer,
    LIFNoiseBinarizer,
    PoissonBinarizer,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from spiking_reference import numpy_bits  # the tests' reference

CODERS = {
    "poisson": PoissonBinarizer,
    "lif": LIFBinarizer,
    "lif_noise": LIFNoiseBinarizer,
    "izh_rs_fs": IzhikevichRSFSBinarizer,
}
MIB = 2**20
#: issue 11's targets, neuron-steps per CPU second times the threads (2 cores)
TARGETS = {"poisson": 2e9, "lif": 5e9, "lif_noise": 1e9, "izh_rs_fs": 2e9}
MEMORY_SLACK = 256 * MIB


def make_input(words: int, dims: int) -> np.ndarray:
    X = np.random.default_rng(0).standard_normal((words, dims), dtype=np.float32)
    X *= 0.4
    return X


def peak_rss_bytes() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


# --- measurements ---------------------------------------------------------------------------------


def child(name: str, words: int, dims: int) -> None:
    """Time and measure one coder at full size; print a JSON line."""
    X = make_input(words, dims)
    binarizer = CODERS[name]().fit(X)
    binarizer.transform(X[:64])
    cpu, wall = time.process_time(), time.perf_counter()
    out = binarizer.transform(X)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    result = {"seconds": wall, "cpu_seconds": cpu, "input_bytes": X.nbytes, "output_bytes": out.nbytes}
    print(json.dumps(result | {"peak_rss": peak_rss_bytes()}))


def run_child(name: str, words: int, dims: int) -> dict:
    command = [sys.executable, __file__, "--child", name, "--words", str(words), "--dims", str(dims)]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def numpy_rate(name: str, words: int, dims: int) -> tuple[float, float, float]:
    """numpy neuron-steps per wall-clock second and per CPU second on ``words`` rows, and the
    fraction of bits it shares with the kernel."""
    X = make_input(words, dims)
    binarizer = CODERS[name]().fit(X)
    cpu, wall = time.process_time(), time.perf_counter()
    reference = numpy_bits(binarizer, X)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    agreement = np.mean(np.unpackbits(reference) == np.unpackbits(binarizer.transform(X)))
    return X.size * N_STEPS / wall, X.size * N_STEPS / cpu, float(agreement)


def identical_bits(name: str, words: int, dims: int) -> bool:
    """Whether 1 and 2 threads and chunk sizes of all rows and 997 rows give the same bits."""
    X = make_input(words, dims)
    results = []
    for threads in (1, 2):
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        for chunk_size in (words, 997):
            results.append(CODERS[name](chunk_size=chunk_size).fit(X).transform(X))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return all(np.array_equal(results[0], other) for other in results[1:])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=400_000)
    parser.add_argument("--dims", type=int, default=300)
    parser.add_argument("--numpy-words", type=int, default=10_000, help="rows of the numpy slice")
    parser.add_argument("--check-words", type=int, default=3000, help="rows of the determinism check")
    parser.add_argument("--child", choices=CODERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.words, args.dims)
        return

    threads = numba.config.NUMBA_NUM_THREADS
    print(f"{args.words} words x {args.dims} dims x {N_STEPS} steps, {threads} numba threads")
    print(
        f"{'coder':<10} {'seconds':>7} {'cpu use':>7} {'steps/s':>9} {'numpy/s':>9} {'ratio':>6} "
        f"{'idle/s':>9} {'numpy':>9} {'ratio':>6} {'numpy=':>7} {'peak MiB':>8} {'budget':>6} {'in':>3} "
        f"{'same bits':>9} {'target':>7}"
    )
    for name in CODERS:
        measured = run_child(name, args.words, args.dims)
        steps = args.words * args.dims * N_STEPS
        rate, idle_rate = steps / measured["seconds"], steps / measured["cpu_seconds"] * threads
        cpu_use = measured["cpu_seconds"] / measured["seconds"] / threads
        numpy_wall, numpy_cpu, agreement = numpy_rate(name, min(args.numpy_words, args.words), args.dims)
        budget = measured["input_bytes"] + measured["output_bytes"] + MEMORY_SLACK
        within = "yes" if measured["peak_rss"] <= budget else "NO"
        same = identical_bits(name, min(args.check_words, args.words), args.dims)
        print(
            f"{name:<10} {measured['seconds']:7.2f} {cpu_use:7.0%} {rate:9.3g} {numpy_wall:9.3g} "
            f"{rate / numpy_wall:6.1f} {idle_rate:9.3g} {numpy_cpu:9.3g} {idle_rate / numpy_cpu:6.1f} "
            f"{agreement:7.2%} {measured['peak_rss'] / MIB:8.0f} {budget / MIB:6.0f} {within:>3} {same!s:>9} "
            f"{'met' if idle_rate >= TARGETS[name] else 'MISSED':>7}"
        )
    print(
        "steps/s: neuron-steps per wall-clock second (words*dims*100/s) of transform after a warm-up"
        " compile; numpy/s: the numpy version on --numpy-words rows; ratio: steps/s over numpy/s."
        " cpu use: CPU time / (wall time x threads), under 100% when other processes share the"
        " machine; idle/s = neuron-steps per CPU second x threads and numpy (per CPU second, one"
        " thread) estimate an idle machine. numpy=: fraction of bits equal to numpy's. peak: the"
        " child's VmHWM; budget: input + output + 256 MiB. same bits: 1 vs 2 threads and two chunk"
        " sizes. target: idle/s against issue 11's lif >= 5e9, izh >= 2e9, poisson >= 2e9 and"
        " lif_noise >= 1e9 neuron-steps/s on 2 cores (CPU-time basis)."
    )


if __name__ == "__main__":
    main()
