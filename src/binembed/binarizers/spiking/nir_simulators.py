"""A NIR graph of the LIF coder (:mod:`.nir_export`) run by other simulators, through their own NIR
import, and compared with our codes.

snnTorch (``snntorch.import_nir.import_from_nir``) builds a ``Leaky`` neuron at dt = 1e-4 s with
beta = 1 - dt/tau; since the graph's r dt/tau is not 1, it divides the threshold by it instead
of scaling the input. Norse (``norse.torch.from_nir``) builds a ``LIFBoxCell`` at the dt it is
given, v <- v + dt/tau (v_leak - v + I). Both step in float32 from v = 0; our kernel steps in
float64 from v_reset. So where a neuron's potential comes within float32 rounding of the
threshold, the two may decide a spike differently, at that step. Nothing else can make them
differ: the input is constant and a spike resets v to where it started, so each neuron's spikes
repeat with the period of its first, and two neurons with the same first spike have the same
spikes. :func:`tie_margins` measures how close to the threshold each differing neuron came.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

from ...codes import pack_bits, unpack_bits
from .time_windows import DT_MS

#: The simulators whose NIR import is run.
SIMULATORS = ("snntorch", "norse")
#: Relative rounding of one float32 operation.
FLOAT32_ROUNDING = 2.0**-24


def nir_module(graph, simulator: str, dt_s: float):
    """The torch module ``simulator`` imports ``graph`` as (snnTorch's import prints its threshold
    scaling: kept out of our output)."""
    if simulator == "snntorch":
        from snntorch.import_nir import import_from_nir

        with contextlib.redirect_stdout(io.StringIO()):
            return import_from_nir(graph)
    if simulator == "norse":
        import norse.torch

        return norse.torch.from_nir(graph, dt=dt_s)
    raise ValueError(f"unknown simulator {simulator!r}; known: {', '.join(SIMULATORS)}")


def simulated_codes(module, simulator: str, sidecar: dict, X, chunk_words: int = 8192) -> np.ndarray:
    """Packed codes of ``X`` (words x dims) from an imported graph: each word's input (w, or |w|)
    held for the sidecar's steps, each neuron's spikes ORed over windows of ``tol`` steps, bit
    d * windows + k, as our codes hold them."""
    import torch

    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[1] != sidecar["dims"]:
        raise ValueError(f"the graph takes {sidecar['dims']} dimensions, the vectors have shape {X.shape}")
    steps, tol, windows = sidecar["steps"], sidecar["tol"], sidecar["windows"]
    bits = np.zeros((len(X), sidecar["dims"] * windows), dtype=np.uint8)
    with torch.no_grad():
        for start in range(0, len(X), chunk_words):
            chunk = X[start : start + chunk_words]
            drive = torch.from_numpy(np.abs(chunk) if sidecar["input"] == "abs" else chunk.copy())
            fired = torch.zeros((len(chunk), sidecar["dims"], windows), dtype=torch.bool)
            if simulator == "snntorch":  # its neurons keep their potential between calls
                import snntorch.utils

                snntorch.utils.reset(module)
            state = None
            for t in range(steps):
                spikes, state = module(drive, state)
                fired[:, :, t // tol] |= spikes.bool()
            bits[start : start + len(chunk)] = fired.reshape(len(chunk), -1).numpy()
    return pack_bits(bits)


def differing_neurons(ours: np.ndarray, theirs: np.ndarray, n_bits: int, windows: int) -> np.ndarray:
    """(word, dimension) of every neuron whose bits differ between two packed codes (only the
    words that differ are unpacked)."""
    rows = np.flatnonzero((ours != theirs).any(axis=1))
    differ = unpack_bits(ours[rows], n_bits) != unpack_bits(theirs[rows], n_bits)
    words, bits = np.nonzero(differ)
    return np.unique(np.column_stack([rows[words], bits // windows]), axis=0).reshape(-1, 2)


def tie_margins(X, params: dict, neurons: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """For each (word, dimension) in ``neurons``: how close our float64 potential came to the
    threshold up to its first spike (or through every step if it never fires), and the float32
    rounding bound of a simulator's potential at that step.

    Without resets, v_n = decay v_{n-1} + drive from v_reset rises (or falls) monotonically, so a
    float32 simulator can spike at another step than ours only where some v_n up to our first
    spike lies within its rounding of v_th: the margin is min |v_n - v_th| over those n. The bound
    allows 4 roundings of float32 per step (the product, the sum, the input, the threshold), each
    relative to the larger of |v_n| and v_th: (n + 1) * 4 * 2^-24 * max(|v_n|, |v_th|)."""
    X = np.asarray(X)
    decay = 1.0 - DT_MS / params["tau_m"]
    gain = DT_MS / params["tau_m"] * params["resistance"] * params["i_boost"]
    w = X[neurons[:, 0], neurons[:, 1]].astype(np.float64)
    drive = gain * (np.abs(w) if params["negative"] == "abs" else w)
    v = np.full(len(neurons), float(params["v_reset"]))
    margin = np.full(len(neurons), np.inf)
    bound = np.zeros(len(neurons))
    done = np.zeros(len(neurons), dtype=bool)
    for n in range(1, steps + 1):
        v = decay * v + drive
        here = np.abs(v - params["v_th"])
        closer = ~done & (here < margin)
        margin[closer] = here[closer]
        bound[closer] = (n + 1) * 4 * FLOAT32_ROUNDING * np.maximum(np.abs(v[closer]), abs(params["v_th"]))
        done |= v > params["v_th"]
    return margin, bound


def agreement(X, ours: np.ndarray, theirs: np.ndarray, sidecar: dict) -> dict:
    """How two packed codes of the same words agree: bits, words and neurons that differ, and how
    many of the differing neurons are threshold ties (:func:`tie_margins` within its bound)."""
    n_bits = sidecar["dims"] * sidecar["windows"]
    if ours.shape != theirs.shape:
        raise ValueError(f"codes of shape {ours.shape} and {theirs.shape} cannot be compared")
    differ = np.bitwise_count(ours ^ theirs)
    neurons = differing_neurons(ours, theirs, n_bits, sidecar["windows"])
    margin, bound = tie_margins(X, sidecar["params"], neurons, sidecar["steps"])
    bits = len(ours) * n_bits
    return {
        "words": len(ours),
        "bits": bits,
        "differing_bits": int(differ.sum()),
        "agreement_percent": float(100.0 * (1 - differ.sum() / bits)),
        "differing_words": int((differ.sum(axis=1) > 0).sum()),
        "differing_neurons": len(neurons),
        "threshold_ties": int((margin <= bound).sum()),
        "largest_margin": float(margin.max()) if len(margin) else 0.0,
    }
