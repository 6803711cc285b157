"""The Izhikevich coder (Wang et al. 2019; Izhikevich 2003) and its six excitatory-inhibitory pairs,
a class each, so that each is a method with its own name."""

from __future__ import annotations

import numpy as np

from ...methods import IZHIKEVICH_PAIRS as METHOD_PAIRS
from .coders import SpikingBinarizer
from .izhikevich_kernel import IZHIKEVICH_TYPES, STABLE_POTENTIAL, izhikevich_pair_kernel
from .time_windows import DT_MS


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
        izhikevich_pair_kernel(
            X,
            float(self.i_boost),
            a * DT_MS,
            b,
            c,
            d,
            float(self.v_th),
            STABLE_POTENTIAL,
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
#: The six pairs of Wang et al. (2019), excitatory RS, IB or CH with inhibitory FS or LTS: the
#: registry's ``izh_<e>_<i>`` methods (binembed.methods.IZHIKEVICH_PAIRS) as (E, I) type names.
IZHIKEVICH_PAIRS = [tuple(pair.upper().split("_")) for pair in METHOD_PAIRS]


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
# module attributes under their own names (the order of METHOD_PAIRS), so that a fitted pair can
# be pickled (chunked encoding); a test checks each name against its class
(
    IzhikevichRSFSBinarizer,
    IzhikevichRSLTSBinarizer,
    IzhikevichIBFSBinarizer,
    IzhikevichIBLTSBinarizer,
    IzhikevichCHFSBinarizer,
    IzhikevichCHLTSBinarizer,
) = IZHIKEVICH_CLASSES
