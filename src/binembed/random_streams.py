"""Counter-based random numbers for the stochastic spiking coders, and the branch-free math that
turns them into normal draws inside vectorised numba loops.

The draw for (seed, word, dimension, step) is a pure function of its arguments: a word's *row key*
hashes the seed and the float32 bit patterns of its vector (:func:`row_keys`), a neuron's key
mixes in the dimension (:func:`neuron_key`), and the n-th value of the neuron's stream is
splitmix64 started at that key (:func:`stream_value`). Nothing depends on the row a word sits in,
the chunk it is encoded in or the thread that runs it.

Normals come from the Box-Muller transform (:func:`normal_pair`) with log, cos and sin written
as plain arithmetic (no branches, no libm calls), so that the loops drawing them vectorise; they
agree with libm to about 1e-15.
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


# Branch-free log, cos and sin in plain arithmetic (numba has no vector math library here).
_SQRT2 = np.sqrt(2.0)
_LN2 = np.log(2.0)
_EXPONENT_BIAS = 1023
_MANTISSA_MASK = (1 << 52) - 1
_ONE_BITS = _EXPONENT_BIAS << 52  # the bits of 1.0
_ATANH_SERIES = 1.0 / (2.0 * np.arange(10) + 1.0)
_COS_TAYLOR = np.array([(-1.0) ** k / math.factorial(2 * k) for k in range(9)])
_SIN_TAYLOR = np.array([(-1.0) ** k / math.factorial(2 * k + 1) for k in range(9)])


@intrinsic
def float64_bits(typingctx, x):
    """The IEEE-754 bit pattern of a float64, as an int64 (a bit cast: free, and it vectorises)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def float64_from_bits(typingctx, bits):
    """The float64 whose IEEE-754 bit pattern is the int64 ``bits`` (the inverse bit cast)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@numba.njit(cache=True, inline="always")
def _horner(coefficients, x):
    """sum_k coefficients[k] x^k."""
    total = coefficients[-1]
    for k in range(coefficients.size - 2, -1, -1):
        total = total * x + coefficients[k]
    return total


@numba.njit(cache=True, inline="always", error_model="numpy")
def log_unit(x):
    """ln x for a positive normal float64 x: x = m 2^e with m in [1/sqrt 2, sqrt 2), e read from
    the exponent bits of x and m from its significand (both exact), then ln m = 2 atanh(s),
    s = (m - 1)/(m + 1), |s| < 0.172, by its series to s^19 (truncation < 1e-17)."""
    bits = float64_bits(x)
    e = np.float64((bits >> 52) - _EXPONENT_BIAS)
    m = float64_from_bits((bits & _MANTISSA_MASK) | _ONE_BITS)  # in [1, 2)
    high = m >= _SQRT2
    m = 0.5 * m if high else m
    e = e + 1.0 if high else e
    s = (m - 1.0) / (m + 1.0)
    return 2.0 * s * _horner(_ATANH_SERIES, s * s) + e * _LN2


@numba.njit(cache=True, inline="always")
def cos_sin_turn(u):
    """(cos 2 pi u, sin 2 pi u) for u in [0, 1): q = round(4 u) quarter turns, r = 2 pi (u - q/4)
    in [-pi/4, pi/4], Taylor series of cos r and sin r to degrees 16 and 17 (truncation < 1e-17),
    then the rotation by q quarter turns."""
    q = np.floor(4.0 * u + 0.5)
    r = 2.0 * np.pi * (u - 0.25 * q)
    cos_r = _horner(_COS_TAYLOR, r * r)
    sin_r = r * _horner(_SIN_TAYLOR, r * r)
    quarter_turns = np.int64(q)
    odd = (quarter_turns & 1) == 1
    cos_u, sin_u = (-sin_r if odd else cos_r), (cos_r if odd else sin_r)
    flip = (quarter_turns & 2) == 2
    return (-cos_u if flip else cos_u), (-sin_u if flip else sin_u)


@numba.njit(cache=True, inline="always", error_model="numpy")
def normal_pair(bits):
    """Two independent N(0, 1) from one 64-bit hash by the Box-Muller transform: with u1 in
    (0, 1] and u2 in [0, 1) (32 bits each), r = sqrt(-2 ln u1), z = (r cos 2 pi u2, r sin 2 pi u2)."""
    u1 = np.float64((bits >> np.uint64(32)) + np.uint64(1)) * 2.0**-32
    u2 = np.float64(bits & np.uint64(0xFFFFFFFF)) * 2.0**-32
    r = np.sqrt(-2.0 * log_unit(u1))
    cos_u, sin_u = cos_sin_turn(u2)
    return r * cos_u, r * sin_u


@numba.njit(cache=True, error_model="numpy", fastmath={"contract"})
def fill_normal_pairs(keys, xi):
    """xi[2 k, d] and xi[2 k + 1, d] get the two normals of value k of stream keys[d], for every
    row pair of xi. Compiled on its own so that its series may use fused multiply-adds
    (``contract``: 1.3x faster, and no less accurate) without the callers' arithmetic doing so."""
    for k in range(xi.shape[0] // 2):
        for d in range(keys.size):
            xi[2 * k, d], xi[2 * k + 1, d] = normal_pair(stream_value(keys[d], k))
