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
:mod:`binembed.binarizers.random_streams`). A word is identified by the float32 bit patterns of its vector, not by
its row, so a word's bits do not depend on which other words are encoded with it or in what order
(tuning, which encodes a subset of the vocabulary, sees the bits the final run writes); two words
with identical vectors get identical codes.
"""

from __future__ import annotations

from .coders import LIFBinarizer, LIFNoiseBinarizer, PoissonBinarizer, SpikingBinarizer
from .izhikevich import (
    IZHIKEVICH_CLASSES,
    IZHIKEVICH_TYPE_NAMES,
    IzhikevichBinarizer,
    IzhikevichCHFSBinarizer,
    IzhikevichCHLTSBinarizer,
    IzhikevichIBFSBinarizer,
    IzhikevichIBLTSBinarizer,
    IzhikevichRSFSBinarizer,
    IzhikevichRSLTSBinarizer,
)
from .izhikevich_kernel import IZHIKEVICH_TYPES, IZHIKEVICH_V0, stable_potential
from .lif_kernels import lif_kernel
from .simulation import rate_sample, simulate_word, spikes_and_codes
from .time_windows import DT_MS, DURATION_MS, N_STEPS

#: The package's layout: time_windows (T, dt, the windows of ``tol`` steps and the helpers every
#: kernel shares), rank_levels (the empirical-CDF normalization), poisson_kernel, lif_kernels (LIF,
#: its periodic variant that must agree bit for bit, LIF with noise), izhikevich_kernel, coders
#: (the estimators), izhikevich (its estimator and six pairs), simulation (rasters for figures).
__all__ = [
    "DT_MS",
    "DURATION_MS",
    "IZHIKEVICH_CLASSES",
    "IZHIKEVICH_TYPES",
    "IZHIKEVICH_TYPE_NAMES",
    "IZHIKEVICH_V0",
    "N_STEPS",
    "IzhikevichBinarizer",
    "IzhikevichCHFSBinarizer",
    "IzhikevichCHLTSBinarizer",
    "IzhikevichIBFSBinarizer",
    "IzhikevichIBLTSBinarizer",
    "IzhikevichRSFSBinarizer",
    "IzhikevichRSLTSBinarizer",
    "LIFBinarizer",
    "LIFNoiseBinarizer",
    "PoissonBinarizer",
    "SpikingBinarizer",
    "lif_kernel",
    "rate_sample",
    "simulate_word",
    "spikes_and_codes",
    "stable_potential",
]
