"""Counter-based random numbers for the stochastic spiking coders, and the branch-free math that
turns them into normal draws inside vectorised numba loops.

The draw for (seed, word, dimension, step) is a pure function of its arguments: a word's *row key*
hashes the seed and the float32 bit patterns of its vector (:func:`row_keys`), a neuron's key
mixes in the dimension (:func:`neuron_key`), and the n-th value of the neuron's stream is
splitmix64 started at that key (:func:`stream_value`). Nothing depends on the row a word sits in,
the chunk it is encoded in or the thread that runs it.

Normals come from the Box-Muller transform (:func:`fill_normal_pairs`) in float32, with log, cos
and sin written as plain arithmetic (no branches, no libm calls), so that the loops drawing them
vectorise; they are within 4 float32 roundings (of r) of libm's float64 Box-Muller of the same
uniforms.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.core.extending import intrinsic

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
#: The mask of a stream value's low 32 bits: the coders use a value's two halves apart.
LOW_32_BITS = np.uint64(0xFFFFFFFF)


@numba.njit(cache=True, inline="always")
def mix64(z):
    """The splitmix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit avalanche hash."""
    z = (z ^ (z >> np.uint64(30))) * _MIX_1
    z = (z ^ (z >> np.uint64(27))) * _MIX_2
    return z ^ (z >> np.uint64(31))


@numba.njit(parallel=True, cache=True)
def _row_key_kernel(bits, seed, keys):
    for i in numba.prange(bits.shape[0]):
        key = mix64(np.uint64(seed) + _GOLDEN)
        for d in range(bits.shape[1]):
            key = mix64(key ^ np.uint64(bits[i, d]))
        keys[i] = key


def row_keys(X: np.ndarray, seed) -> np.ndarray:
    """Key of each row of float32 ``X`` under ``seed``: the seed and the bit patterns of the row's
    values hashed in turn (-0.0 counts as 0.0)."""
    bits = np.ascontiguousarray(X + np.float32(0.0)).view(np.uint32)
    keys = np.empty(X.shape[0], dtype=np.uint64)
    _row_key_kernel(bits, np.uint64(seed), keys)
    return keys


@numba.njit(cache=True, inline="always")
def neuron_key(row_key, dim):
    """Key of the random stream of neuron ``dim`` of the word whose row key is ``row_key``."""
    return mix64(row_key ^ np.uint64(dim))


@numba.njit(cache=True, inline="always")
def stream_value(key, n):
    """The n-th 64-bit value of a neuron's stream: splitmix64 started at ``key``."""
    return mix64(key + np.uint64(n + 1) * _GOLDEN)


# Branch-free log, cos and sin in float32 arithmetic (numba has no vector math library here).
_SQRT2 = np.float32(np.sqrt(2.0))
_LN2 = np.float32(np.log(2.0))
_TWO_PI = np.float32(2.0 * np.pi)
_FLOAT32_ONE_BITS = 127 << 23  # the bits of 1.0f
_FLOAT32_MANTISSA_MASK = (1 << 23) - 1
# Series truncated where the next term is under 1e-8 of the sum over the ranges used below.
_ATANH_SERIES = (1.0 / (2.0 * np.arange(5) + 1.0)).astype(np.float32)
_COS_TAYLOR = np.array([(-1.0) ** k / math.factorial(2 * k) for k in range(6)], dtype=np.float32)
_SIN_TAYLOR = np.array([(-1.0) ** k / math.factorial(2 * k + 1) for k in range(5)], dtype=np.float32)


@intrinsic
def float32_bits(typingctx, x):
    """The IEEE-754 bit pattern of a float32, as an int32 (a bit cast: free, and it vectorises)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))

    return types.int32(types.float32), codegen


@intrinsic
def float32_from_bits(typingctx, bits):
    """The float32 whose IEEE-754 bit pattern is the int32 ``bits`` (the inverse bit cast)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(types.int32), codegen


@numba.njit(cache=True, inline="always")
def _horner(coefficients, x):
    """sum_k coefficients[k] x^k."""
    total = coefficients[-1]
    for k in range(coefficients.size - 2, -1, -1):
        total = total * x + coefficients[k]
    return total


@numba.njit(cache=True, inline="always", error_model="numpy")
def box_muller_radius(high):
    """sqrt(-2 ln u1) for u1 = (high + 1) 2^-32, ``high`` a uint32, in float32.

    u1 = m 2^e with m in [1/sqrt 2, sqrt 2) read off the bits of float32(high + 1), and
    ln u1 = e ln 2 + 2 atanh(s), s = (m - 1)/(m + 1), |s| < 0.172, by its series to s^9. Where
    e = 0 (u1 >= 1/sqrt 2), m - 1 = u1 - 1 = -(2^32 - 1 - high) 2^-32 is taken from the integer,
    so that ln u1 keeps its relative precision as u1 nears 1 (float32(u1) has lost those bits)."""
    x = np.float32(high) + np.float32(1.0)  # u1 2^32, rounded
    bits = float32_bits(x)
    e = (bits >> 23) - (127 + 32)
    m = float32_from_bits((bits & _FLOAT32_MANTISSA_MASK) | _FLOAT32_ONE_BITS)  # in [1, 2)
    high_half = m >= _SQRT2
    m = np.float32(0.5) * m if high_half else m
    e = e + 1 if high_half else e
    below_one = np.float32(np.uint32(0xFFFFFFFF) - high) * np.float32(-(2.0**-32))
    s = (below_one if e == 0 else m - np.float32(1.0)) / (m + np.float32(1.0))
    log_u1 = np.float32(2.0) * s * _horner(_ATANH_SERIES, s * s) + np.float32(e) * _LN2
    return np.sqrt(np.float32(-2.0) * log_u1)


@numba.njit(cache=True, inline="always")
def cos_sin_turn(low):
    """(cos 2 pi u2, sin 2 pi u2) for u2 = j 2^-24, j the top 24 bits of the uint32 ``low``, in
    float32: q = round(4 u2) quarter turns and r = 2 pi (u2 - q/4) in [-pi/4, pi/4], both exact in
    integers, Taylor series of cos r and sin r to degrees 10 and 9, then the rotation by q."""
    j = np.int32(low >> np.uint32(8))
    q = (j + (1 << 21)) >> 22
    r = _TWO_PI * (np.float32(j - (q << 22)) * np.float32(2.0**-24))
    cos_r = _horner(_COS_TAYLOR, r * r)
    sin_r = r * _horner(_SIN_TAYLOR, r * r)
    odd = (q & 1) == 1
    cos_u, sin_u = (-sin_r if odd else cos_r), (cos_r if odd else sin_r)
    flip = (q & 2) == 2
    return (-cos_u if flip else cos_u), (-sin_u if flip else sin_u)


@numba.njit(cache=True, error_model="numpy", fastmath={"contract"})
def fill_normal_pairs(keys, first, second):
    """first[k, d] and second[k, d] get the two float32 N(0, 1) of value k of stream keys[d], by
    the Box-Muller transform: r cos 2 pi u2 and r sin 2 pi u2 with r = sqrt(-2 ln u1), u1 from the
    value's high 32 bits and u2 from its low (see :func:`box_muller_radius`, :func:`cos_sin_turn`).

    The 64-bit hashes are drawn in one loop and split into their halves; the transform runs in a
    second loop with only 32-bit lanes, 8 to a vector where the 64-bit multiplies of the hash
    would hold it to 4. ``first`` and ``second`` must be distinct C-contiguous arrays. Compiled on
    its own so that its series use fused multiply-adds (``contract``) without the callers'
    arithmetic doing so."""
    n_values, dims = first.shape
    halves = np.empty((2, n_values, dims), dtype=np.uint32)
    for k in range(n_values):
        for d in range(dims):
            value = stream_value(keys[d], k)
            halves[0, k, d] = np.uint32(value >> np.uint64(32))
            halves[1, k, d] = np.uint32(value & LOW_32_BITS)
    high, low = halves[0].reshape(first.size), halves[1].reshape(first.size)
    first_flat, second_flat = first.reshape(first.size), second.reshape(first.size)
    for i in range(first.size):
        r = box_muller_radius(high[i])
        cos_u, sin_u = cos_sin_turn(low[i])
        first_flat[i] = r * cos_u
        second_flat[i] = r * sin_u
