"""The spiking coders' equations in plain numpy, as a reference for the numba kernels of
:mod:`binembed.binarizers.spiking`: vectorised over words x dimensions, time stepped in a Python loop, the
raster held in full. Written from the equations in the docstrings (not from the kernels); the
tests compare the kernels' bits with these, and ``bench/bench_spiking.py`` times both.
"""

from __future__ import annotations

import numpy as np

from binembed.binarizers.spiking import (
    DT_MS,
    IZHIKEVICH_TYPES,
    IZHIKEVICH_V0,
    N_STEPS,
    LIFBinarizer,
    LIFNoiseBinarizer,
    PoissonBinarizer,
)
from binembed.codes import pack_bits

MASK64 = 2**64 - 1
GOLDEN = 0x9E3779B97F4A7C15


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


def box_muller(bits):
    """The two float32 normals of 64-bit stream values: u1 = (high 32 bits + 1) 2^-32 and
    u2 = (top 24 of the low 32 bits) 2^-24, r = sqrt(-2 ln u1), (r cos 2 pi u2, r sin 2 pi u2) by
    libm in float64, rounded to float32."""
    u1 = ((bits >> np.uint64(32)) + np.uint64(1)) * 2.0**-32
    angle = 2.0 * np.pi * (((bits & np.uint64(0xFFFFFFFF)) >> np.uint64(8)) * 2.0**-24)
    r = np.sqrt(-2.0 * np.log(u1))
    return (r * np.cos(angle)).astype(np.float32), (r * np.sin(angle)).astype(np.float32)


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
            value = stream_value(keys, t // 2)  # steps 2m and 2m + 1: its high and low 32 bits
            k = value >> np.uint64(32) if t % 2 == 0 else value & np.uint64(0xFFFFFFFF)
            fired[:, :, t // tol] |= p > k * 2.0**-32
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
                    xi = box_muller(stream_value(keys, t // 2))
                v += noise_gain * xi[t % 2].astype(np.float64)
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
