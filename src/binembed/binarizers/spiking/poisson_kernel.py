"""The Poisson rate coder's kernel: a spike in a step with probability level x p_max, drawn from
counter-based random streams (:mod:`binembed.binarizers.random_streams`)."""

from __future__ import annotations

import numba
import numpy as np

from ..random_streams import LOW_32_BITS, neuron_key, stream_value
from .time_windows import empty_pattern, pack_windows, record_spike, window_slot


@numba.njit(parallel=True, cache=True, error_model="numpy")
def poisson_spike_kernel(level, p_max, word_keys, n_steps, tol, out, raster, potential):
    """Homogeneous Poisson neurons: at step n neuron d spikes iff p_d > u_n, with
    p_d = p_max level_d (rate * dt; level_d in [0, 1] the normalized value) and u_n = k_n 2^-32
    the uniform of (word, d, n): steps 2m and 2m + 1 take the high and the low 32 bits of the
    neuron's stream value m as k_n (one hash for two steps, as the LIF-noise's two normals).
    ``potential`` receives p_d.

    The comparison is made in integers, exactly: p_d > k 2^-32 iff k < ceil(p_d 2^32) (p_d 2^32
    is exact, and at most 2^32)."""
    n_words, dims = level.shape
    n_windows = n_steps // tol
    for i in numba.prange(n_words):
        p = np.empty(dims)
        threshold = np.empty(dims, dtype=np.int64)
        key = np.empty(dims, dtype=np.uint64)
        value = np.empty(dims, dtype=np.uint64)
        for d in range(dims):
            p[d] = p_max * level[i, d]
            threshold[d] = np.int64(np.ceil(p[d] * 2.0**32))
            key[d] = neuron_key(word_keys[i], d)
        pattern = empty_pattern(n_windows, dims)
        for t in range(n_steps):
            if t % 2 == 0:
                for d in range(dims):
                    value[d] = stream_value(key[d], t // 2)
            half = np.uint64(32 if t % 2 == 0 else 0)
            slot, shift = window_slot(pattern, t, tol)
            for d in range(dims):
                spike = np.int64((value[d] >> half) & LOW_32_BITS) < threshold[d]
                record_spike(spike, p[d], slot, shift, raster, potential, i, d, t)
        pack_windows(pattern, n_windows, out[i])
