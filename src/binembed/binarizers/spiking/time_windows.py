"""The coding window of every spiking coder: T = 10 ms at dt = 0.1 ms, cut into windows of ``tol``
steps, a bit per window (1 if the neuron spiked in it), and the helpers the kernels share to
record a spike and pack a word's windows into its code."""

from __future__ import annotations

import numba
import numpy as np

DURATION_MS = 10.0
DT_MS = 0.1
N_STEPS = round(DURATION_MS / DT_MS)  # 100

# --- kernels --------------------------------------------------------------------------------
# Each kernel runs words in parallel; per word, time steps in the outer loop and the neurons of
# the word in the inner, vectorised loop. Window k of neuron d is bit 63 - k % 64 of
# pattern[k // 64, d]; pack_windows writes the patterns into the packed row when the word is
# done. ``raster`` and ``potential`` are None (the branches that record are then compiled out) or
# (words, dims, n_steps) arrays receiving every spike and the potential.


@numba.njit(cache=True, inline="always")
def window_slot(pattern, t, tol):
    """The row of ``pattern`` holding the window of step t, and the shift of its bit."""
    window = t // tol
    return pattern[window >> 6], np.uint64(63 - (window & 63))


@numba.njit(cache=True, inline="always")
def record_spike(spike, trace, slot, shift, raster, potential, i, d, t):
    """Set the window bit of neuron d if it spiked; with a raster (not None), also keep the spike
    and the trace value of step t."""
    slot[d] |= np.uint64(spike) << shift
    if raster is not None:
        raster[i, d, t] = spike
        potential[i, d, t] = trace


@numba.njit(cache=True, inline="always")
def empty_pattern(n_windows, dims):
    """The window bits of a word's neurons, 64 windows to a uint64 per dimension, all 0."""
    return np.zeros(((n_windows + 63) // 64, dims), dtype=np.uint64)


@numba.njit(cache=True, inline="always")
def pack_windows(pattern, n_windows, packed_row):
    """OR the window bits of every neuron into a packed row, bit d * n_windows + k for window k of
    dimension d, in the order of :mod:`binembed.codes`."""
    for d in range(pattern.shape[1]):
        position = d * n_windows
        for group in range(pattern.shape[0]):
            field = pattern[group, d]
            n_left = min(64, n_windows - 64 * group)
            while n_left > 0:
                offset = position & 7
                n_take = min(8 - offset, n_left)
                byte = (field >> np.uint64(64 - n_take)) << np.uint64(8 - offset - n_take)
                packed_row[position >> 3] |= np.uint8(byte)
                field <<= np.uint64(n_take)
                position += n_take
                n_left -= n_take
