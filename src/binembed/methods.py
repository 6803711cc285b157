"""The catalogue of binarization methods and how config.yaml turns into runs of them.

A *method* is a binarizer class (``method_name``). A *variant* is one setting of a method that the
workflow runs and reports under its own name: a method whose ``n_bits`` is given as a list in
config.yaml runs once per bit budget, as ``<method>-<n_bits>`` (``lsh-256``, ``ae_nste-128``);
otherwise the variant is the method itself. A bit budget may be an integer or ``"<k>x"``, k times
the embedding's dimension (``"20x"`` is the size of the spiking codes at tol = 5).
"""

from __future__ import annotations

import importlib
import inspect

#: Module of binembed that defines each method (imported only when the method is used).
METHOD_MODULES = {
    "sign": "binarizers",
    "poisson": "spiking",
    "lif": "spiking",
    "lif_noise": "spiking",
    "izh_rs_fs": "spiking",
    "izh_rs_lts": "spiking",
    "izh_ib_fs": "spiking",
    "izh_ib_lts": "spiking",
    "izh_ch_fs": "spiking",
    "izh_ch_lts": "spiking",
    "lsh": "classic",
    "itq": "classic",
    "overcomplete": "classic",
    "ae_nste": "autoencoder",
    "ae_ste": "autoencoder",
}


#: The paper each method comes from.
METHOD_SOURCES = {
    "sign": "Wang et al. 2019 (rude binarization)",
    "poisson": "Wang et al. 2019",
    "lif": "Wang et al. 2019",
    "lif_noise": "Wang et al. 2019",
    **{
        f"izh_{pair}": "Wang et al. 2019; Izhikevich 2003"
        for pair in ("rs_fs", "rs_lts", "ib_fs", "ib_lts", "ch_fs", "ch_lts")
    },
    "lsh": "Charikar 2002",
    "itq": "Gong & Lazebnik 2011",
    "overcomplete": "Faruqui et al. 2015 (Overcomplete-B)",
    "ae_nste": "Tissier et al. 2019, as in Entjes 2021",
    "ae_ste": "Entjes 2021",
}

#: The spiking coders and their default tol (Wang et al. 2019: 5, and 10 for Izhikevich), the
#: facts config validation needs without importing the coders.
SPIKING_DEFAULT_TOL = {
    method: 10 if method.startswith("izh_") else 5
    for method, module in METHOD_MODULES.items()
    if module == "spiking"
}


def binarizer_class(method: str):
    """The estimator class of ``method``."""
    module = importlib.import_module(f"binembed.{METHOD_MODULES[method]}")
    return {cls.method_name: cls for cls in module.BINARIZER_CLASSES}[method]


def parameter_names(method: str) -> list[str]:
    return [p for p in inspect.signature(binarizer_class(method).__init__).parameters if p != "self"]


def parameter_defaults(method: str) -> dict:
    """The method's parameters and their defaults (from ``__init__``)."""
    signature = inspect.signature(binarizer_class(method).__init__)
    return {name: p.default for name, p in signature.parameters.items() if name != "self"}


def build_binarizer(method: str, params: dict, seed: int | None = None, threads: int | None = None):
    """A configured binarizer: ``params`` as keyword arguments, the seed for a stochastic method
    (``random_state``) and, for methods that take it, the thread count (``n_threads``). Used by
    the workflow's binarize job and by the ``binembed encode`` command alike."""
    kwargs = dict(params)
    cls = binarizer_class(method)
    if cls.stochastic and seed is not None:
        kwargs["random_state"] = int(seed)
    if threads is not None and "n_threads" in parameter_names(method):
        kwargs["n_threads"] = int(threads)
    return cls(**kwargs)


def expand_variants(methods: list[str], params: dict) -> dict[str, tuple[str, dict]]:
    """Variant name -> (method, its parameter block), in config order."""
    variants = {}
    for method in methods:
        block = dict(params.get(method, {}))
        budgets = block.get("n_bits")
        if isinstance(budgets, list):
            for n_bits in budgets:
                variants[f"{method}-{n_bits}"] = (method, {**block, "n_bits": n_bits})
        else:
            variants[method] = (method, block)
    return variants


def resolve_n_bits(n_bits, dims: int) -> int:
    """An integer bit budget, or ``"<k>x"`` = k * dims."""
    if isinstance(n_bits, str):
        return int(n_bits[:-1]) * dims
    return int(n_bits)


def resolve_params(method: str, block: dict, dims: int, embedding_params: dict) -> dict:
    """The keyword arguments of one run: the method's block with bit budgets made concrete, and the
    embedding's own settings (e.g. ``i_boost``) for the parameters the method has."""
    names = parameter_names(method)
    resolved = {key: value for key, value in block.items() if key in names}
    if "n_bits" in resolved:
        resolved["n_bits"] = resolve_n_bits(resolved["n_bits"], dims)
    resolved.update({key: value for key, value in embedding_params.items() if key in names})
    return resolved
