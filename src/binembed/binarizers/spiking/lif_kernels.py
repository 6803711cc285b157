"""The leaky integrate-and-fire kernels: the general one (recording rasters for the figures), the
periodic one for a constant input, which must give the same bits, bit for bit, and the one with a
white-noise current."""

from __future__ import annotations

import numba
import numpy as np

from ..random_streams import fill_normal_pairs, neuron_key
from .time_windows import empty_pattern, pack_windows, record_spike, window_slot


@numba.njit(cache=True, inline="always")
def _lif_drive(x, gain, absolute):
    """The LIF's per-step input gain * w (gain * |w| with ``absolute``) of each dimension."""
    drive = np.empty(x.size)
    for d in range(x.size):
        drive[d] = gain * (abs(x[d]) if absolute else x[d])
    return drive


@numba.njit(parallel=True, cache=True, error_model="numpy")
def lif_kernel(X, gain, decay, v_th, v_reset, absolute, n_steps, tol, out, raster, potential):
    """Leaky integrate-and-fire neurons, forward Euler of tau_m dv/dt = -v + R I_boost w:
    v_{n+1} = decay v_n + gain w with decay = 1 - dt/tau_m, gain = (dt/tau_m) R I_boost; a spike
    when v_{n+1} > v_th, then v <- v_reset; v_0 = v_reset. ``absolute`` drives with |w|.
    ``potential`` receives v_{n+1} before the reset."""
    n_words, dims = X.shape
    n_windows = n_steps // tol
    for i in numba.prange(n_words):
        drive = _lif_drive(X[i], gain, absolute)
        v = np.full(dims, v_reset)
        pattern = empty_pattern(n_windows, dims)
        for t in range(n_steps):
            slot, shift = window_slot(pattern, t, tol)
            for d in range(dims):
                v_next = decay * v[d] + drive[d]
                spike = v_next > v_th
                record_spike(spike, v_next, slot, shift, raster, potential, i, d, t)
                v[d] = v_reset if spike else v_next
        pack_windows(pattern, n_windows, out[i])


@numba.njit(parallel=True, cache=True, error_model="numpy")
def lif_periodic_kernel(X, gain, decay, v_th, v_reset, absolute, n_steps, tol, out):
    """The bits of lif_kernel without stepping through its resets. A spike resets v to v_reset,
    the state the neuron started in, and the drive is constant, so the float trajectory after each
    spike repeats the first one exactly: a neuron whose first spike comes with the p-th step
    spikes at steps p - 1, 2p - 1, ... (0-based). p comes from the steps v <- decay v + drive of
    lif_kernel from v_reset, taken for all the word's neurons at once (the loop over dimensions
    vectorises) and without resets: the first step whose v exceeds v_th is p, what v does after
    it is never used. Bit d * n_windows + t // tol is set for each spike."""
    n_words, dims = X.shape
    n_windows = n_steps // tol
    for i in numba.prange(n_words):
        drive = _lif_drive(X[i], gain, absolute)
        v = np.full(dims, v_reset)
        period = np.zeros(dims, dtype=np.int64)  # 0 while the neuron has not spiked
        for t in range(n_steps):
            for d in range(dims):
                v[d] = decay * v[d] + drive[d]
                period[d] = t + 1 if (period[d] == 0) & (v[d] > v_th) else period[d]
        for d in range(dims):
            if period[d] == 0:
                continue
            for t in range(period[d] - 1, n_steps, period[d]):
                bit = d * n_windows + t // tol
                out[i, bit >> 3] |= np.uint8(0x80 >> (bit & 7))


@numba.njit(parallel=True, cache=True, error_model="numpy")
def lif_noise_kernel(
    X, gain, decay, noise_gain, v_th, v_reset, absolute, word_keys, n_steps, tol, out, raster, potential
):
    """Noisy LIF neurons, Euler-Maruyama: v_{n+1} = decay v_n + gain w + noise_gain xi_n with
    noise_gain = sigma sqrt(dt) / tau_m and xi_n the float32 N(0, 1) of (word, d, n): steps 2k
    and 2k + 1 take the two Box-Muller normals of stream value k. Spike and reset as in the LIF."""
    n_words, dims = X.shape
    n_windows = n_steps // tol
    for i in numba.prange(n_words):
        drive = _lif_drive(X[i], gain, absolute)
        key = np.empty(dims, dtype=np.uint64)
        for d in range(dims):
            key[d] = neuron_key(word_keys[i], d)
        v = np.full(dims, v_reset)
        xi_even = np.empty(((n_steps + 1) // 2, dims), dtype=np.float32)
        xi_odd = np.empty(((n_steps + 1) // 2, dims), dtype=np.float32)
        fill_normal_pairs(key, xi_even, xi_odd)
        pattern = empty_pattern(n_windows, dims)
        for t in range(n_steps):
            noise = xi_even[t // 2] if t % 2 == 0 else xi_odd[t // 2]
            slot, shift = window_slot(pattern, t, tol)
            for d in range(dims):
                v_next = decay * v[d] + drive[d] + noise_gain * noise[d]
                spike = v_next > v_th
                record_spike(spike, v_next, slot, shift, raster, potential, i, d, t)
                v[d] = v_reset if spike else v_next
        pack_windows(pattern, n_windows, out[i])
