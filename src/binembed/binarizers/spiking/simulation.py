"""One word's spike raster and membrane trace, and the spike counts of many words, from a fitted
spiking coder's own kernel: the material of Wang et al.'s Fig. 2 and of the firing-rate table."""

from __future__ import annotations

import numpy as np

from .coders import SpikingBinarizer
from .time_windows import N_STEPS


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


def rate_sample(n_words: int, n: int) -> np.ndarray:
    """The rows of ``n`` words evenly spaced over a vocabulary of ``n_words`` (all of them if it
    has fewer), whose spikes give a coder's firing rate: frequent and rare words alike."""
    return np.unique(np.linspace(0, n_words - 1, min(n, n_words)).astype(int))


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
