"""The LIF coder as a graph of the Neuromorphic Intermediate Representation (NIR), which snnTorch,
Norse, Lava, Rockpool, Sinabs, SpiNNaker2 and others import.

``nir.LIF`` is the continuous-time neuron tau dv/dt = (v_leak - v) + r I, spiking when
v > v_threshold and then set to v_reset. :class:`~binembed.binarizers.spiking.LIFBinarizer` is the
forward Euler solution of exactly that neuron at dt = 0.1 ms with v_leak = 0 and the input
current R I_boost w, so the coder is the graph

    Input (dims) -> Affine (weight R I_boost on the diagonal, bias 0) -> LIF (tau_m, r = 1,
    v_leak = 0, v_th, v_reset) -> Output (dims)

with time constants in seconds, as NIR's are. A graph holds no time step, duration, initial state
or readout: each importer discretizes the neuron its own way. What the coder adds around the
graph is written beside it as data, the *sidecar* (JSON): the input (w, or |w| where
``negative="abs"``), held constant for ``steps`` steps of ``dt`` seconds from v = v_reset, and
the readout, bit d * windows + k set when neuron d spiked in window k of ``tol`` steps
(:mod:`binembed.codes` packs them).

The other coders cannot be written as NIR: it has no noise source (LIF-noise), no spike source
of a given rate (Poisson) and no Izhikevich neuron or its recovery variable (:data:`NOT_EXPORTABLE`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ...errors import InputError
from ...fileio.files import atomic_output
from .time_windows import DT_MS, N_STEPS

#: Why a spiking coder other than LIF has no NIR graph.
NOT_EXPORTABLE = {
    "lif_noise": "NIR has no noise source for its white-noise current",
    "poisson": "NIR has no spike source firing at a given rate (a Poisson process)",
    "izh": "NIR has no Izhikevich neuron (nor its recovery variable u and reset d)",
}
#: The sidecar's format, for a reader to check.
SIDECAR_FORMAT = "binembed-nir-readout/1"


class NotExportable(InputError):
    """A coder that NIR cannot express."""


def _refusal(method) -> str:
    family = "izh" if str(method).startswith("izh_") else method
    return f"{method} cannot be exported to NIR: {NOT_EXPORTABLE.get(family, 'only the LIF coder is a NIR graph')}"


def _nir():
    """The nir package, or a clear error naming what to install."""
    try:
        import nir
    except ModuleNotFoundError:
        from ...methods import MissingDependency

        raise MissingDependency(
            "NIR export needs nir, which is not installed: pip install 'binembed[neuromorphic]'"
        ) from None
    return nir


def _lif_settings(binarizer) -> dict:
    method = getattr(binarizer, "method_name", type(binarizer).__name__)
    if method != "lif":
        raise NotExportable(_refusal(method))
    if not hasattr(binarizer, "n_features_in_"):
        raise NotExportable("the LIF coder must be fitted (its dimension known) before it is exported")
    return binarizer.get_params()


def lif_graph(binarizer):
    """The NIR graph of a fitted LIF coder (:mod:`nir` imported here, an optional dependency)."""
    nir = _nir()
    params = _lif_settings(binarizer)
    dims = binarizer.n_features_in_
    ones = np.ones(dims, dtype=np.float32)
    return nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type={"input": np.array([dims])}),
            "current": nir.Affine(
                weight=np.diag(np.full(dims, params["resistance"] * params["i_boost"], dtype=np.float32)),
                bias=np.zeros(dims, dtype=np.float32),
            ),
            "lif": nir.LIF(
                tau=params["tau_m"] / 1000.0 * ones,
                r=ones,
                v_leak=0.0 * ones,
                v_threshold=params["v_th"] * ones,
                v_reset=params["v_reset"] * ones,
            ),
            "output": nir.Output(output_type={"output": np.array([dims])}),
        },
        edges=[("input", "current"), ("current", "lif"), ("lif", "output")],
    )


def lif_coder_of(codes, source="codes"):
    """The fitted LIF coder whose settings a :class:`~binembed.codes.BinaryCodes` records (a LIF
    coder has nothing fitted but its dimension, which its bits give: n_bits / windows)."""
    from .coders import LIFBinarizer

    method = codes.metadata.get("method")
    if method != "lif":
        raise NotExportable(
            f"{source}: " + (_refusal(method) if method else "codes without binembed's metadata")
        )
    coder = LIFBinarizer(**codes.metadata["params"])
    dims, rest = divmod(codes.n_bits, N_STEPS // coder.tol)
    if rest or dims < 1:
        raise InputError(
            f"{source}: {codes.n_bits} bits are not whole neurons of {N_STEPS // coder.tol} windows"
        )
    return coder.fit(np.zeros((1, dims), dtype=np.float32))


def readout(binarizer) -> dict:
    """The sidecar of a fitted LIF coder: what runs around its graph, and its settings."""
    params = _lif_settings(binarizer)
    return {
        "format": SIDECAR_FORMAT,
        "method": "lif",
        "dims": int(binarizer.n_features_in_),
        "input": "abs" if params["negative"] == "abs" else "as_is",
        "dt_s": DT_MS / 1000.0,
        "steps": N_STEPS,
        "initial_v": params["v_reset"],
        "tol": int(params["tol"]),
        "windows": N_STEPS // int(params["tol"]),
        "bit_order": "bit d * windows + k: neuron d spiked in steps [k tol, (k + 1) tol); packed big-endian",
        "params": {key: value for key, value in params.items() if key != "chunk_size"},
    }


def sidecar_path(path) -> Path:
    """Where the sidecar of a graph file ``path`` is: ``<path without .nir>.json``."""
    return Path(path).with_suffix(".json")


def export_nir(binarizer, path) -> tuple[Path, Path]:
    """Write a fitted LIF coder's graph to ``path`` (``.nir``, HDF5) and its sidecar beside it;
    both appear whole or not at all."""
    nir = _nir()
    graph, sidecar = lif_graph(binarizer), readout(binarizer)
    path = Path(path)
    with atomic_output(path, suffix=".nir") as tmp:
        nir.write(tmp, graph)
    with atomic_output(sidecar_path(path), suffix=".json") as tmp:
        Path(tmp).write_text(json.dumps(sidecar, indent=2) + "\n")
    return path, sidecar_path(path)


def load_nir(path) -> tuple[object, dict]:
    """A graph written by :func:`export_nir` and its sidecar."""
    nir = _nir()
    sidecar_file = sidecar_path(path)
    try:
        sidecar = json.loads(sidecar_file.read_text())
    except FileNotFoundError:
        raise InputError(
            f"{path}: its readout {sidecar_file} is missing (binembed export-nir writes both)"
        ) from None
    if not isinstance(sidecar, dict) or sidecar.get("format") != SIDECAR_FORMAT:
        raise InputError(f"{sidecar_file}: not a binembed NIR readout ({SIDECAR_FORMAT})")
    return nir.read(path), sidecar
