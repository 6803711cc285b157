"""Spiking-neuron binarizers (Wang et al., "Biological neuron coding inspired binary word
embeddings", Cognitive Computation 2019).

Each dimension ``d`` of a word vector ``w`` drives one neuron for ``DURATION_MS`` = 10 ms, simulated
at ``DT_MS`` = 0.1 ms (``N_STEPS`` = 100 steps). The spike raster is cut into consecutive windows of
``tol`` steps; a window's bit is 1 if the neuron spiked in it, so a word gets
``dims * (N_STEPS // tol)`` bits.

Bit layout (dimension-major): the bit of dimension ``d`` and window ``k`` has index
``d * n_windows + k``, packed in the order of :mod:`binembed.codes`.

Every coder is a numba kernel that runs words in parallel (``prange``), steps time with the state
of one word's neurons in small per-word arrays (vectorised over dimensions) and writes bits straight
into the packed output, so the full raster is never allocated. ``transform`` converts the input to
float32 one chunk of ``chunk_size`` words at a time. All arithmetic is float64 without fastmath
(but for the LIF-noise's normal draws, float32 values from a function of their own that uses fused
multiply-adds), so the bits do not depend on the chunk size or the thread count.

Random numbers are counter based: the draw for (seed, word, dimension, step) is a pure function of
the seed, the word's vector, the dimension and the step (a splitmix64 hash, see
:mod:`binembed.random_streams`). A word is identified by the float32 bit patterns of its vector, not by
its row, so a word's bits do not depend on which other words are encoded with it or in what order
(tuning, which encodes a subset of the vocabulary, sees the bits the final run writes); two words
with identical vectors get identical codes.
"""

from __future__ import annotations

import numba
import numpy as np

from .binarizers import BaseBinarizer
from .progress import Progress
from .random_streams import LOW_32_BITS, fill_normal_pairs, neuron_key, row_keys, stream_value

DURATION_MS = 10.0
DT_MS = 0.1
N_STEPS = round(DURATION_MS / DT_MS)  # 100

# Izhikevich (2003), Fig. 2: (a, b, c, d) of each neuron type.
IZHIKEVICH_TYPES = {
    "RS": (0.02, 0.2, -65.0, 8.0),  # regular spiking (excitatory)
    "IB": (0.02, 0.2, -55.0, 4.0),  # intrinsically bursting (excitatory)
    "CH": (0.02, 0.2, -50.0, 2.0),  # chattering (excitatory)
    "FS": (0.1, 0.2, -65.0, 2.0),  # fast spiking (inhibitory)
    "LTS": (0.02, 0.25, -65.0, 2.0),  # low-threshold spiking (inhibitory)
}
IZHIKEVICH_V0 = -65.0


# --- kernels --------------------------------------------------------------------------------
# Each kernel runs words in parallel; per word, time steps in the outer loop and the neurons of
# the word in the inner, vectorised loop. Window k of neuron d is bit 63 - k % 64 of
# pattern[k // 64, d]; _pack_windows writes the patterns into the packed row when the word is
# done. ``raster`` and ``potential`` are None (the branches that record are then compiled out) or
# (words, dims, n_steps) arrays receiving every spike and the potential.


@numba.njit(cache=True, inline="always")
def _window_slot(pattern, t, tol):
    """The row of ``pattern`` holding the window of step t, and the shift of its bit."""
    window = t // tol
    return pattern[window >> 6], np.uint64(63 - (window & 63))


@numba.njit(cache=True, inline="always")
def _record(spike, trace, slot, shift, raster, potential, i, d, t):
    """Set the window bit of neuron d if it spiked; with a raster (not None), also keep the spike
    and the trace value of step t."""
    slot[d] |= np.uint64(spike) << shift
    if raster is not None:
        raster[i, d, t] = spike
        potential[i, d, t] = trace


@numba.njit(cache=True, inline="always")
def _empty_pattern(n_windows, dims):
    """The window bits of a word's neurons, 64 windows to a uint64 per dimension, all 0."""
    return np.zeros(((n_windows + 63) // 64, dims), dtype=np.uint64)


@numba.njit(cache=True, inline="always")
def _lif_drive(x, gain, absolute):
    """The LIF's per-step input gain * w (gain * |w| with ``absolute``) of each dimension."""
    drive = np.empty(x.size)
    for d in range(x.size):
        drive[d] = gain * (abs(x[d]) if absolute else x[d])
    return drive


@numba.njit(cache=True, inline="always")
def _pack_windows(pattern, n_windows, packed_row):
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


#: Words whose levels _rank_level_kernel searches side by side.
LEVEL_BLOCK = 256


@numba.njit(parallel=True, cache=True)
def _rank_level_kernel(X, quantiles, knots, level):
    """level[i, d] = np.interp(X[i, d], quantiles[d], knots), by the same arithmetic: knots[0]
    below the first quantile; else j the last knot with quantiles[d, j] <= x, knots[j] where x is
    that knot or beyond the last, else knots[j] + slope (x - quantiles[d, j]) with the slope of the
    segment; 0 for a constant dimension (first quantile = last).

    j comes from a binary search run for a block of LEVEL_BLOCK words of one dimension at a time,
    halving step by halving step across the block: the searches interleave (their comparisons
    become conditional moves, not mispredicted branches) and the dimension's quantiles (8 KiB)
    stay in the L1 cache. Five times faster than one search after the other."""
    n_words, dims = X.shape
    n_knots = knots.size
    for block in numba.prange((n_words + LEVEL_BLOCK - 1) // LEVEL_BLOCK):
        start = block * LEVEL_BLOCK
        size = min(LEVEL_BLOCK, n_words - start)
        x = np.empty(size)
        j = np.empty(size, dtype=np.int64)  # column[j] <= x, and the last such knot below j + span
        for d in range(dims):
            column = quantiles[d]
            varying = column[n_knots - 1] > column[0]
            for k in range(size):
                x[k] = X[start + k, d]
                j[k] = 0
            span = n_knots
            while span > 1:
                half = span >> 1
                for k in range(size):
                    j[k] += half if column[j[k] + half] <= x[k] else 0
                span -= half
            for k in range(size):
                i, at = start + k, j[k]
                if not varying:
                    level[i, d] = 0.0
                elif x[k] < column[0]:
                    level[i, d] = knots[0]
                elif at == n_knots - 1 or column[at] == x[k]:
                    level[i, d] = knots[at]
                else:
                    slope = (knots[at + 1] - knots[at]) / (column[at + 1] - column[at])
                    level[i, d] = slope * (x[k] - column[at]) + knots[at]


@numba.njit(parallel=True, cache=True, error_model="numpy")
def _poisson_kernel(level, p_max, word_keys, n_steps, tol, out, raster, potential):
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
        pattern = _empty_pattern(n_windows, dims)
        for t in range(n_steps):
            if t % 2 == 0:
                for d in range(dims):
                    value[d] = stream_value(key[d], t // 2)
            half = np.uint64(32 if t % 2 == 0 else 0)
            slot, shift = _window_slot(pattern, t, tol)
            for d in range(dims):
                spike = np.int64((value[d] >> half) & LOW_32_BITS) < threshold[d]
                _record(spike, p[d], slot, shift, raster, potential, i, d, t)
        _pack_windows(pattern, n_windows, out[i])


@numba.njit(parallel=True, cache=True, error_model="numpy")
def _lif_kernel(X, gain, decay, v_th, v_reset, absolute, n_steps, tol, out, raster, potential):
    """Leaky integrate-and-fire neurons, forward Euler of tau_m dv/dt = -v + R I_boost w:
    v_{n+1} = decay v_n + gain w with decay = 1 - dt/tau_m, gain = (dt/tau_m) R I_boost; a spike
    when v_{n+1} > v_th, then v <- v_reset; v_0 = v_reset. ``absolute`` drives with |w|.
    ``potential`` receives v_{n+1} before the reset."""
    n_words, dims = X.shape
    n_windows = n_steps // tol
    for i in numba.prange(n_words):
        drive = _lif_drive(X[i], gain, absolute)
        v = np.full(dims, v_reset)
        pattern = _empty_pattern(n_windows, dims)
        for t in range(n_steps):
            slot, shift = _window_slot(pattern, t, tol)
            for d in range(dims):
                v_next = decay * v[d] + drive[d]
                spike = v_next > v_th
                _record(spike, v_next, slot, shift, raster, potential, i, d, t)
                v[d] = v_reset if spike else v_next
        _pack_windows(pattern, n_windows, out[i])


@numba.njit(parallel=True, cache=True, error_model="numpy")
def _lif_periodic_kernel(X, gain, decay, v_th, v_reset, absolute, n_steps, tol, out):
    """The bits of _lif_kernel without stepping through its resets. A spike resets v to v_reset,
    the state the neuron started in, and the drive is constant, so the float trajectory after each
    spike repeats the first one exactly: a neuron whose first spike comes with the p-th step
    spikes at steps p - 1, 2p - 1, ... (0-based). p comes from the steps v <- decay v + drive of
    _lif_kernel from v_reset, taken for all the word's neurons at once (the loop over dimensions
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
def _lif_noise_kernel(
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
        pattern = _empty_pattern(n_windows, dims)
        for t in range(n_steps):
            noise = xi_even[t // 2] if t % 2 == 0 else xi_odd[t // 2]
            slot, shift = _window_slot(pattern, t, tol)
            for d in range(dims):
                v_next = decay * v[d] + drive[d] + noise_gain * noise[d]
                spike = v_next > v_th
                _record(spike, v_next, slot, shift, raster, potential, i, d, t)
                v[d] = v_reset if spike else v_next
        _pack_windows(pattern, n_windows, out[i])


def stable_potential(dt: float) -> float:
    """The least float64 v at which the Izhikevich v update is forward Euler, dt (0.08 v + 5) >= -1
    evaluated in float64 (about -187.5 mV at dt = 0.1 ms). Each operation is monotone in v, so
    the condition holds exactly for v >= this value, found by bisection down to adjacent
    floats."""

    def stable(v: float) -> bool:
        return dt * (0.08 * v + 5.0) >= -1.0

    unstable, at = -1e300, 0.0
    while True:
        middle = unstable / 2 + at / 2
        if middle in (unstable, at):
            return at
        if stable(middle):
            at = middle
        else:
            unstable = middle


_STABLE_POTENTIAL = stable_potential(DT_MS)


@numba.njit(cache=True, inline="always", error_model="numpy")
def _izhikevich_word(x, constants, implicit, pattern, raster, potential, i):
    """Simulate the neurons of word ``x`` (row i) into ``pattern`` (zeroed first), as documented
    at _izhikevich_kernel with ``implicit``; without it every step is forward Euler, and the
    return value says whether some state needed the implicit step, so that the word must be run
    again with it. (Euler alone with that check made bench_spiking's Izhikevich 12 % faster than
    every step able to divide: 1.9e9 -> 2.1e9 neuron-steps per CPU second.)"""
    i_boost, a_dt, b, c, d_jump, v_th, v_stable, dt, n_steps, tol = constants
    dims = x.size
    current = np.empty(dims)
    u = np.empty(dims)
    v = np.full(dims, IZHIKEVICH_V0)
    for d in range(dims):
        current[d] = i_boost * x[d]
        u[d] = b[d] * IZHIKEVICH_V0
    pattern[:] = 0
    stiff = False
    for t in range(n_steps):
        slot, shift = _window_slot(pattern, t, tol)
        for d in range(dims):
            v_now = v[d]
            u_now = u[d]
            step = dt * (0.04 * v_now * v_now + 5.0 * v_now + 140.0 - u_now + current[d])
            if implicit:
                stiffness = dt * (0.08 * v_now + 5.0)
                v_next = v_now + (step if v_now >= v_stable else step / (1.0 - stiffness))
            else:
                stiff |= v_now < v_stable
                v_next = v_now + step
            u_next = u_now + a_dt[d] * (b[d] * v_now - u_now)
            spike = v_next >= v_th
            _record(spike, v_next, slot, shift, raster, potential, i, d, t)
            v[d] = c[d] if spike else v_next
            u[d] = u_next + d_jump[d] if spike else u_next
    return stiff


@numba.njit(parallel=True, cache=True, error_model="numpy")
def _izhikevich_kernel(
    X, i_boost, a_dt, b, c, d_jump, v_th, v_stable, dt, n_steps, tol, out, raster, potential
):
    """Izhikevich neurons, dv/dt = f(v, u) = 0.04 v^2 + 5 v + 140 - u + I and
    du/dt = a (b v - u), I = I_boost w, both updates from the old (v, u); a spike when
    v_{n+1} >= v_th, then v <- c, u <- u + d; v_0 = -65, u_0 = b v_0. Per-dimension constants
    a_dt = a dt, b, c and d_jump = d. ``potential`` receives v_{n+1} before the reset.

    The v update is forward Euler, v + dt f, wherever that is stable and monotone, i.e.
    dt f_v >= -1 with f_v = 0.08 v + 5 (v >= -187.5 mV at dt = 0.1 ms: every state an input that
    can fire reaches). Below, under a strong hyperpolarising current (I below about -4000), Euler
    would oscillate and blow up (the resting eigenvalue times dt falls below -2, and the overshoot
    fires spurious spikes), so the step is linearly implicit instead: v + dt f / (1 - dt f_v), the
    Rosenbrock-Euler step, which decays monotonically towards the equilibrium for any dt.
    ``v_stable`` = stable_potential(dt) is where the first begins, in float64 arithmetic as
    computed. A word is run with Euler steps alone first, and again with both only if one of its
    states is below v_stable: the same bits."""
    n_words, dims = X.shape
    n_windows = n_steps // tol
    for i in numba.prange(n_words):
        pattern = _empty_pattern(n_windows, dims)
        constants = (i_boost, a_dt, b, c, d_jump, v_th, v_stable, dt, n_steps, tol)
        if _izhikevich_word(X[i], constants, False, pattern, raster, potential, i):
            _izhikevich_word(X[i], constants, True, pattern, raster, potential, i)
        _pack_windows(pattern, n_windows, out[i])


# --- estimators -----------------------------------------------------------------------------


class SpikingBinarizer(BaseBinarizer):
    """Common ``fit`` / ``transform`` of the spiking coders. Subclasses store ``tol`` and
    ``chunk_size``, may resolve more in ``_fit_coder`` and run their kernel in ``_simulate``."""

    tol: int
    chunk_size: int

    def fit(self, X, y=None):
        X = self._validate(X)
        if not isinstance(self.tol, (int, np.integer)) or self.tol <= 0 or N_STEPS % self.tol:
            raise ValueError(f"tol={self.tol!r} must be a positive integer dividing the {N_STEPS} time steps")
        if not isinstance(self.chunk_size, (int, np.integer)) or self.chunk_size <= 0:
            raise ValueError(f"chunk_size={self.chunk_size!r} must be a positive integer")
        self._fit_coder(X)
        self.n_features_in_ = X.shape[1]
        self.n_windows_ = N_STEPS // self.tol
        self.n_bits_ = X.shape[1] * self.n_windows_
        return self

    def _fit_coder(self, X):
        pass

    def transform(self, X) -> np.ndarray:
        """Packed bits (words, ceil(n_bits_ / 8)), bit ``d * n_windows_ + k`` for dimension d and
        window k; the input is converted to float32 one chunk of ``chunk_size`` words at a time."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[0] == 0:
            X = self._validate(X)
        self._check_fitted(X)
        out = np.zeros((X.shape[0], (self.n_bits_ + 7) // 8), dtype=np.uint8)
        several = X.shape[0] > self.chunk_size  # report progress only on work of several chunks
        with Progress(X.shape[0], self.method_name, "words", step_percent=10, enabled=several) as progress:
            for start in range(0, X.shape[0], self.chunk_size):
                chunk = np.ascontiguousarray(self._validate(X[start : start + self.chunk_size]))
                self._simulate(chunk, N_STEPS, out[start : start + chunk.shape[0]], None, None)
                progress.update(chunk.shape[0])
        return out

    def _simulate(self, X, n_steps, out, raster, potential):
        """Run the kernel on float32 ``X``: bits into ``out``; when ``raster`` is an array, also
        the (words, dims, n_steps) spikes and trace."""
        raise NotImplementedError


def _check_seed(random_state):
    if not isinstance(random_state, (int, np.integer)):
        raise TypeError(f"random_state must be an int seed, got {random_state!r}")
    return np.uint64(int(random_state) % 2**64)


def _check_negative(negative):
    if negative not in ("as_is", "abs"):
        raise ValueError(f"negative must be 'as_is' or 'abs', got {negative!r}")


NORMALIZATIONS = ("rank", "minmax")
#: Levels of the per-dimension quantile function that the rank normalization interpolates.
RANK_KNOTS = 1025


class PoissonBinarizer(SpikingBinarizer):
    """Poisson rate coding (Wang et al. 2019): each step, neuron d spikes where
    rate_d * dt > u, u ~ U[0, 1) (a homogeneous Poisson process in the limit dt -> 0, at most one
    spike a step), with rate_d = max_rate * level_d and level_d in [0, 1] the value w_d normalized
    per dimension by ``fit``:

    - ``"rank"`` (default): the empirical CDF of dimension d over the fitted vocabulary, the
      fraction of words whose value is below w_d, interpolated linearly between the quantiles at
      ``RANK_KNOTS`` = 1025 evenly spaced levels (``quantiles_``, exact to 1/1024). Robust to
      outliers: the levels of any dimension spread uniformly over [0, 1].
    - ``"minmax"``: (w_d - min_d) / (max_d - min_d) over the fitted vocabulary (``data_min_``,
      ``data_max_``). This is the paper's wording, "the normalized value as the firing rate,
      compared per step with a uniform draw" (max_rate = 1 / dt = 10 kHz makes rate * dt the
      normalized value itself). On real embeddings a few outliers set each dimension's range: on
      GloVe 6B 50d 90 % of the levels lie in [0.34, 0.64], every bit fires with about the same
      probability whatever the word, and the codes are close to noise (WS-353 Spearman -5 to 9
      over seeds).

    Both keep the order of the values within a dimension (a negative value fires less than a
    positive one). Values outside the fitted range are clipped to levels 0 and 1; a constant
    dimension gets level 0.

    ``max_rate`` (Hz, at most 1 / dt = 10 kHz). Default 10 kHz, the paper's reading (spike
    probability a step = the level); the workflow tunes it per embedding (4 kHz on GloVe 6B 50d
    and on the word2vec subset, held-out MTurk-771).
    """

    method_name = "poisson"
    stochastic = True

    def __init__(
        self,
        tol: int = 5,
        max_rate: float = 10000.0,
        normalization: str = "rank",
        random_state: int = 0,
        chunk_size: int = 65536,
    ):
        self.tol = tol
        self.max_rate = max_rate
        self.normalization = normalization
        self.random_state = random_state
        self.chunk_size = chunk_size

    def _fit_coder(self, X):
        if not 0.0 < self.max_rate * DT_MS * 1e-3 <= 1.0:
            raise ValueError(f"max_rate={self.max_rate!r} Hz must lie in (0, {1e3 / DT_MS:g}]")
        if self.normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {self.normalization!r}")
        _check_seed(self.random_state)
        if self.normalization == "rank":
            levels = np.linspace(0.0, 1.0, RANK_KNOTS)
            self.quantiles_ = np.stack([np.quantile(X[:, d], levels) for d in range(X.shape[1])], axis=1)
        else:
            self.data_min_ = X.min(axis=0).astype(np.float64)
            self.data_max_ = X.max(axis=0).astype(np.float64)

    def levels(self, X) -> np.ndarray:
        """The normalized values level_d in [0, 1] of the rows of ``X`` (float64)."""
        X = np.asarray(X, dtype=np.float32)
        if self.normalization == "rank":
            level = np.empty(X.shape, dtype=np.float64)  # the kernel writes every entry
            quantiles = np.ascontiguousarray(self.quantiles_.T, dtype=np.float64)
            _rank_level_kernel(X, quantiles, np.linspace(0.0, 1.0, RANK_KNOTS), level)
            return level
        level = np.zeros(X.shape, dtype=np.float64)
        spread = self.data_max_ - self.data_min_
        varying = spread > 0
        level[:, varying] = np.clip((X[:, varying] - self.data_min_[varying]) / spread[varying], 0.0, 1.0)
        return level

    def _simulate(self, X, n_steps, out, raster, potential):
        p_max = self.max_rate * DT_MS * 1e-3
        keys = row_keys(X, _check_seed(self.random_state))
        _poisson_kernel(self.levels(X), p_max, keys, n_steps, self.tol, out, raster, potential)


class LIFBinarizer(SpikingBinarizer):
    """Leaky integrate-and-fire coding: tau_m dv/dt = -v + R I_boost w, forward Euler with dt
    (v_{n+1} = (1 - dt/tau_m) v_n + (dt/tau_m) R I_boost w), a spike when v > v_th, then
    v <- v_reset; v(0) = v_reset.

    Defaults: tau_m = 10 ms, v_th = 15, R = 1, v_reset = 0 (reset to the resting potential, the
    usual textbook LIF; with v(0) = v_reset a constant input fires periodically from t = 0).
    ``i_boost`` is 100 for GloVe 300d and 200 for word2vec in the paper. A neuron fires (in the
    long run) iff R I_boost w > v_th, at the interspike interval tau_m ln(R I / (R I - v_th)) in
    the continuum.

    ``negative``: the paper is silent on negative inputs. "as_is" (default) feeds w unchanged,
    so a negative value hyperpolarises the neuron, which never fires (its bits are 0, like a
    sub-threshold value); "abs" drives with |w|, coding magnitude but not sign.
    """

    method_name = "lif"

    def __init__(
        self,
        tol: int = 5,
        i_boost: float = 100.0,
        tau_m: float = 10.0,
        v_th: float = 15.0,
        v_reset: float = 0.0,
        resistance: float = 1.0,
        negative: str = "as_is",
        chunk_size: int = 65536,
    ):
        self.tol = tol
        self.i_boost = i_boost
        self.tau_m = tau_m
        self.v_th = v_th
        self.v_reset = v_reset
        self.resistance = resistance
        self.negative = negative
        self.chunk_size = chunk_size

    def _fit_coder(self, X):
        _check_negative(self.negative)
        if not self.tau_m > 0:
            raise ValueError(f"tau_m={self.tau_m!r} must be positive")

    def _euler_constants(self):
        """(decay, gain) = (1 - dt/tau_m, (dt/tau_m) R I_boost)."""
        return 1.0 - DT_MS / self.tau_m, DT_MS / self.tau_m * self.resistance * self.i_boost

    def _simulate(self, X, n_steps, out, raster, potential):
        decay, gain = self._euler_constants()
        absolute = self.negative == "abs"
        if raster is None:  # bits only: the periodic shortcut, bit for bit the stepped kernel's
            _lif_periodic_kernel(
                X, gain, decay, float(self.v_th), float(self.v_reset), absolute, n_steps, self.tol, out
            )
            return
        _lif_kernel(
            X,
            gain,
            decay,
            float(self.v_th),
            float(self.v_reset),
            absolute,
            n_steps,
            self.tol,
            out,
            raster,
            potential,
        )


class LIFNoiseBinarizer(LIFBinarizer):
    """LIF coding with white noise on the input current, Euler-Maruyama:
    v_{n+1} = v_n + (dt/tau_m)(-v_n + R I_boost w) + sigma sqrt(dt)/tau_m xi_n, xi_n ~ N(0, 1) drawn
    per (word, dimension, step), i.e. tau_m dv = (-v + R I_boost w) dt + sigma dW. The draws are
    float32 Box-Muller normals of 32-bit u1 and 24-bit u2 (:mod:`binembed.random_streams`); the
    membrane is float64.

    ``sigma`` (mV ms^1/2): a free membrane fluctuates with standard deviation sigma / sqrt(2 tau_m)
    in the long run. The default 10 gives 2.2 mV, 15 % of v_th: a moderate perturbation that
    jitters spike times by about 0.7 ms (one or two windows of tol = 5) at a typical GloVe input
    (R I_boost w = 40) while keeping the code close to the LIF's; inputs just below threshold
    fire only rarely within 10 ms. Other parameters as in :class:`LIFBinarizer`."""

    method_name = "lif_noise"
    stochastic = True

    def __init__(
        self,
        tol: int = 5,
        i_boost: float = 100.0,
        tau_m: float = 10.0,
        v_th: float = 15.0,
        v_reset: float = 0.0,
        resistance: float = 1.0,
        negative: str = "as_is",
        sigma: float = 10.0,
        random_state: int = 0,
        chunk_size: int = 65536,
    ):
        super().__init__(tol, i_boost, tau_m, v_th, v_reset, resistance, negative, chunk_size)
        self.sigma = sigma
        self.random_state = random_state

    def _fit_coder(self, X):
        super()._fit_coder(X)
        if not self.sigma >= 0:
            raise ValueError(f"sigma={self.sigma!r} must be non-negative")
        _check_seed(self.random_state)

    def _simulate(self, X, n_steps, out, raster, potential):
        decay, gain = self._euler_constants()
        noise_gain = self.sigma * np.sqrt(DT_MS) / self.tau_m
        _lif_noise_kernel(
            X,
            gain,
            decay,
            noise_gain,
            float(self.v_th),
            float(self.v_reset),
            self.negative == "abs",
            row_keys(X, _check_seed(self.random_state)),
            n_steps,
            self.tol,
            out,
            raster,
            potential,
        )


class IzhikevichBinarizer(SpikingBinarizer):
    """Izhikevich (2003) coding: dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u),
    if v >= v_th (30): v <- c, u <- u + d; forward Euler with dt, v(0) = -65, u(0) = b v(0),
    I = I_boost w (negative w as is: a hyperpolarising current).

    Dimensions are split 4:1 into excitatory and inhibitory neurons: dimension d is inhibitory
    iff d % 5 == 4 (``inhibitory_``). The subclass fixes the pair of types (``excitatory``,
    ``inhibitory``, keys of ``IZHIKEVICH_TYPES``)."""

    excitatory: str
    inhibitory: str

    def __init__(self, tol: int = 10, i_boost: float = 100.0, v_th: float = 30.0, chunk_size: int = 65536):
        self.tol = tol
        self.i_boost = i_boost
        self.v_th = v_th
        self.chunk_size = chunk_size

    def _fit_coder(self, X):
        self.inhibitory_ = np.arange(X.shape[1]) % 5 == 4

    def _simulate(self, X, n_steps, out, raster, potential):
        excitatory = np.array(IZHIKEVICH_TYPES[self.excitatory])
        inhibitory = np.array(IZHIKEVICH_TYPES[self.inhibitory])
        a, b, c, d = np.where(self.inhibitory_[:, None], inhibitory, excitatory).T.copy()
        _izhikevich_kernel(
            X,
            float(self.i_boost),
            a * DT_MS,
            b,
            c,
            d,
            float(self.v_th),
            _STABLE_POTENTIAL,
            DT_MS,
            n_steps,
            self.tol,
            out,
            raster,
            potential,
        )


#: Izhikevich (2003)'s names of the neuron types.
IZHIKEVICH_TYPE_NAMES = {
    "RS": "regular-spiking",
    "IB": "intrinsically bursting",
    "CH": "chattering",
    "FS": "fast-spiking",
    "LTS": "low-threshold-spiking",
}
#: The six pairs of Wang et al. (2019): excitatory RS, IB or CH with inhibitory FS or LTS.
IZHIKEVICH_PAIRS = [(e, i) for e in ("RS", "IB", "CH") for i in ("FS", "LTS")]


def _izhikevich_pair_class(excitatory: str, inhibitory: str) -> type:
    """The estimator of one pair, ``izh_<e>_<i>``: an :class:`IzhikevichBinarizer` with the pair
    fixed (a class per pair, so that each is a method with its own name and parameters)."""
    return type(
        f"Izhikevich{excitatory}{inhibitory}Binarizer",
        (IzhikevichBinarizer,),
        {
            "__module__": __name__,
            "__doc__": f"{IZHIKEVICH_TYPE_NAMES[excitatory].capitalize()} excitatory, "
            f"{IZHIKEVICH_TYPE_NAMES[inhibitory]} inhibitory neurons.",
            "method_name": f"izh_{excitatory.lower()}_{inhibitory.lower()}",
            "excitatory": excitatory,
            "inhibitory": inhibitory,
        },
    )


IZHIKEVICH_CLASSES = tuple(_izhikevich_pair_class(e, i) for e, i in IZHIKEVICH_PAIRS)
# module attributes under their own names, so that a fitted pair can be pickled (chunked encoding)
globals().update({cls.__name__: cls for cls in IZHIKEVICH_CLASSES})
IzhikevichRSFSBinarizer = IZHIKEVICH_CLASSES[0]


def simulate_word(binarizer: SpikingBinarizer, x, n_steps: int = N_STEPS):
    """Spike raster (dims, n_steps) bool and membrane trace (dims, n_steps) float64 of one word
    vector ``x`` under a fitted spiking binarizer, for figures like the paper's Fig. 2.

    Runs the binarizer's own kernel, so for the default ``n_steps`` the raster ORed over windows
    of ``tol`` steps is ``transform``'s code of ``x`` (a stochastic coder's random streams follow
    from the seed and ``x`` itself). The trace at step n is the potential after the update
    and before any reset (a spike shows as the crossing); Poisson neurons, which have no membrane,
    give their spike probability rate * dt. A longer ``n_steps`` (a multiple of ``tol``) runs the
    same neurons past the coding window, e.g. to show adaptation."""
    X = np.ascontiguousarray(binarizer._validate(np.asarray(x)[None, :]))
    binarizer._check_fitted(X)
    if n_steps <= 0 or n_steps % binarizer.tol:
        raise ValueError(f"n_steps={n_steps!r} must be a positive multiple of tol={binarizer.tol}")
    n_bits = X.shape[1] * (n_steps // binarizer.tol)
    out = np.zeros((1, (n_bits + 7) // 8), dtype=np.uint8)
    raster = np.zeros((1, X.shape[1], n_steps), dtype=np.bool_)
    potential = np.zeros((1, X.shape[1], n_steps), dtype=np.float64)
    binarizer._simulate(X, n_steps, out, raster, potential)
    return raster[0], potential[0]


def spikes_and_codes(binarizer: SpikingBinarizer, X, block_words: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Spikes each neuron fires in the T = 10 ms of its word, an int32 (words, dims) array, and the
    words' packed codes (``transform``'s), for the word vectors ``X`` under a fitted spiking
    binarizer, from one kernel run of ``block_words`` words at a time (the bits are the OR of these
    spikes over windows of ``tol`` steps). Counts divided by T are the neurons' firing rates."""
    X = np.ascontiguousarray(binarizer._validate(np.asarray(X)))
    binarizer._check_fitted(X)
    counts = np.empty(X.shape, dtype=np.int32)
    codes = np.zeros((X.shape[0], (binarizer.n_bits_ + 7) // 8), dtype=np.uint8)
    for start in range(0, X.shape[0], block_words):
        block = X[start : start + block_words]
        raster = np.zeros((block.shape[0], X.shape[1], N_STEPS), dtype=np.bool_)
        potential = np.zeros((block.shape[0], X.shape[1], N_STEPS), dtype=np.float64)
        binarizer._simulate(block, N_STEPS, codes[start : start + block.shape[0]], raster, potential)
        counts[start : start + block.shape[0]] = raster.sum(axis=2)
    return counts, codes


BINARIZER_CLASSES = (
    PoissonBinarizer,
    LIFBinarizer,
    LIFNoiseBinarizer,
    *IZHIKEVICH_CLASSES,
)
