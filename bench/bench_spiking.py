"""Benchmark of the spiking binarizers (binembed.spiking) against plain numpy.

For each coder (poisson, lif, lif_noise, izh_rs_fs), a child process generates a
(words, dims) float32 matrix ~ N(0, 0.4^2) (about the spread of GloVe coordinates), fits the
coder, compiles it on a few rows, then times ``transform`` on the whole matrix and reports its
peak resident memory (VmHWM). The numpy version of the same equations (vectorised over
words x dims, time stepped in a Python loop) runs on a slice and is scaled per neuron-step; its
bits are compared with the kernel's. Finally the bits are checked to be identical for 1 and 2
numba threads and two chunk sizes. Not a test: run ``python bench/bench_spiking.py [--words N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numba
import numpy as np

from binembed.codes import pack_bits
from binembed.spiking import (
    DT_MS,
    IZHIKEVICH_TYPES,
    IZHIKEVICH_V0,
    N_STEPS,
    IzhikevichRSFSBinarizer,
    LIFBinarizer,
    LIFNoiseBinarizer,
    PoissonBinarizer,
)

CODERS = {
    "poisson": PoissonBinarizer,
    "lif": LIFBinarizer,
    "lif_noise": LIFNoiseBinarizer,
    "izh_rs_fs": IzhikevichRSFSBinarizer,
}
MIB = 2**20
MEMORY_SLACK = 256 * MIB
MASK64 = 2**64 - 1
GOLDEN = 0x9E3779B97F4A7C15


def make_input(words: int, dims: int) -> np.ndarray:
    X = np.random.default_rng(0).standard_normal((words, dims), dtype=np.float32)
    X *= 0.4
    return X


def peak_rss_bytes() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


# --- numpy versions of the same equations ------------------------------------------------------


def mix64(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def neuron_keys(seed, X32):
    """Stream key of every (word, dimension): the seed and the float32 bit patterns of the word's
    values hashed in turn, then the dimension."""
    bits = (X32 + np.float32(0.0)).view(np.uint32).astype(np.uint64)
    key = mix64(np.full(len(X32), (seed + GOLDEN) & MASK64, dtype=np.uint64))
    for d in range(X32.shape[1]):
        key = mix64(key ^ bits[:, d])
    return mix64(key[:, None] ^ np.arange(X32.shape[1], dtype=np.uint64)[None, :])


def stream_value(keys, n):
    return mix64(keys + np.uint64(((n + 1) * GOLDEN) & MASK64))


def numpy_bits(binarizer, X):
    """Packed bits of ``binarizer`` (fitted) on X, simulated with numpy arrays of words x dims."""
    X32, X = X.astype(np.float32), X.astype(np.float64)
    tol = binarizer.tol
    fired = np.zeros((*X.shape, N_STEPS // tol), dtype=bool)
    if isinstance(binarizer, PoissonBinarizer):
        if binarizer.normalization == "rank":
            knots = np.linspace(0.0, 1.0, binarizer.quantiles_.shape[0])
            scaled = np.stack(
                [np.interp(X32[:, d], binarizer.quantiles_[:, d], knots) for d in range(X.shape[1])], axis=1
            )
        else:
            spread = binarizer.data_max_ - binarizer.data_min_
            scaled = (X - binarizer.data_min_) * np.divide(
                1.0, spread, out=np.zeros_like(spread), where=spread > 0
            )
        p = binarizer.max_rate * DT_MS * 1e-3 * np.clip(scaled, 0.0, 1.0)
        keys = neuron_keys(binarizer.random_state, X32)
        for t in range(N_STEPS):
            fired[:, :, t // tol] |= p > (stream_value(keys, t) >> np.uint64(11)) * 2.0**-53
    elif isinstance(binarizer, LIFBinarizer):
        decay, gain = (
            1.0 - DT_MS / binarizer.tau_m,
            DT_MS / binarizer.tau_m * binarizer.resistance * binarizer.i_boost,
        )
        drive = gain * (np.abs(X) if binarizer.negative == "abs" else X)
        noisy = isinstance(binarizer, LIFNoiseBinarizer)
        if noisy:
            noise_gain = binarizer.sigma * np.sqrt(DT_MS) / binarizer.tau_m
            keys = neuron_keys(binarizer.random_state, X32)
        v = np.full(X.shape, float(binarizer.v_reset))
        for t in range(N_STEPS):
            v = decay * v + drive
            if noisy:
                if t % 2 == 0:
                    bits = stream_value(keys, t // 2)
                    u1 = ((bits >> np.uint64(32)) + np.uint64(1)) * 2.0**-32
                    angle = 2.0 * np.pi * ((bits & np.uint64(0xFFFFFFFF)) * 2.0**-32)
                    r = np.sqrt(-2.0 * np.log(u1))
                    xi = (r * np.cos(angle), r * np.sin(angle))
                v += noise_gain * xi[t % 2]
            spike = v > binarizer.v_th
            fired[:, :, t // tol] |= spike
            v[spike] = binarizer.v_reset
    else:
        inhibitory = np.arange(X.shape[1]) % 5 == 4
        a, b, c, d = np.where(
            inhibitory[:, None],
            IZHIKEVICH_TYPES[binarizer.inhibitory],
            IZHIKEVICH_TYPES[binarizer.excitatory],
        ).T
        current = binarizer.i_boost * X
        v = np.full(X.shape, IZHIKEVICH_V0)
        u = b * v
        for t in range(N_STEPS):
            step = DT_MS * (0.04 * v * v + 5.0 * v + 140.0 - u + current)
            stiffness = DT_MS * (0.08 * v + 5.0)  # linearly implicit where Euler is unstable
            step = np.where(stiffness >= -1.0, step, step / (1.0 - stiffness))
            v, u = v + step, u + a * DT_MS * (b * v - u)
            spike = v >= binarizer.v_th
            fired[:, :, t // tol] |= spike
            v = np.where(spike, c, v)
            u = np.where(spike, u + d, u)
    return pack_bits(fired.reshape(len(X), -1))


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
        f"{'same bits':>9}"
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
            f"{agreement:7.2%} {measured['peak_rss'] / MIB:8.0f} {budget / MIB:6.0f} {within:>3} {same!s:>9}"
        )
    print(
        "steps/s: neuron-steps per wall-clock second (words*dims*100/s) of transform after a warm-up"
        " compile; numpy/s: the numpy version on --numpy-words rows; ratio: steps/s over numpy/s."
        " cpu use: CPU time / (wall time x threads), under 100% when other processes share the"
        " machine; idle/s = neuron-steps per CPU second x threads and numpy (per CPU second, one"
        " thread) estimate an idle machine. numpy=: fraction of bits equal to numpy's. peak: the"
        " child's VmHWM; budget: input + output + 256 MiB. same bits: 1 vs 2 threads and two chunk"
        " sizes. Targets: lif >= 1e9 steps/s and >= 15x numpy, izh >= 5e8 steps/s."
    )


if __name__ == "__main__":
    main()
