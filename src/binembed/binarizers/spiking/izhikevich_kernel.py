"""The Izhikevich (2003) neuron kernel and its constants: (a, b, c, d) per neuron type, v(0), and
the least potential at which forward Euler stays stable."""

from __future__ import annotations

import numba
import numpy as np

from .time_windows import DT_MS, empty_pattern, pack_windows, record_spike, window_slot

# Izhikevich (2003), Fig. 2: (a, b, c, d) of each neuron type.
IZHIKEVICH_TYPES = {
    "RS": (0.02, 0.2, -65.0, 8.0),  # regular spiking (excitatory)
    "IB": (0.02, 0.2, -55.0, 4.0),  # intrinsically bursting (excitatory)
    "CH": (0.02, 0.2, -50.0, 2.0),  # chattering (excitatory)
    "FS": (0.1, 0.2, -65.0, 2.0),  # fast spiking (inhibitory)
    "LTS": (0.02, 0.25, -65.0, 2.0),  # low-threshold spiking (inhibitory)
}
IZHIKEVICH_V0 = -65.0


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


STABLE_POTENTIAL = stable_potential(DT_MS)


@numba.njit(cache=True, inline="always", error_model="numpy")
def _izhikevich_word(x, constants, implicit, pattern, raster, potential, i):
    """Simulate the neurons of word ``x`` (row i) into ``pattern`` (zeroed first), as documented
    at izhikevich_pair_kernel with ``implicit``; without it every step is forward Euler, and the
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
        slot, shift = window_slot(pattern, t, tol)
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
            record_spike(spike, v_next, slot, shift, raster, potential, i, d, t)
            v[d] = c[d] if spike else v_next
            u[d] = u_next + d_jump[d] if spike else u_next
    return stiff


@numba.njit(parallel=True, cache=True, error_model="numpy")
def izhikevich_pair_kernel(
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
        pattern = empty_pattern(n_windows, dims)
        constants = (i_boost, a_dt, b, c, d_jump, v_th, v_stable, dt, n_steps, tol)
        if _izhikevich_word(X[i], constants, False, pattern, raster, potential, i):
            _izhikevich_word(X[i], constants, True, pattern, raster, potential, i)
        pack_windows(pattern, n_windows, out[i])
