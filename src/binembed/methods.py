"""The registry of binarization methods, and how config.yaml turns into runs of them.

Words. A *method* is a binarization algorithm with an estimator class (``lsh``, ``lif``,
``ae_nste``): an entry of :data:`METHODS`, a name in config.yaml's ``methods`` and the key of its
``params`` block. A *variant* is one setting of a method that the workflow runs and reports under
its own name: a method whose ``n_bits`` is given as a list runs once per bit budget, as
``<method>-<n_bits>`` (``lsh-256``, ``ae_nste-128``); otherwise the variant is the method itself.
Wildcards, file paths and the ``method`` column of the result tables name variants, and ``dense``
(the uncompressed vectors, evaluated beside every variant). A bit budget may be an integer or
``"<k>x"``, k times the embedding's dimension (``"20x"`` is the size of the spiking codes at
tol = 5).

The registry is plain data, so that building the job graph and validating the configuration import
neither torch nor numba; :func:`binarizer_class` imports a method's module only when it is used.
A test checks each entry against its class.

Parameters of a run, lowest precedence first: the method's ``params`` block, then the embedding's
own ``params`` (e.g. the paper's I_boost for its vectors), then the tuning choice
(:func:`run_parameters`).
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, replace

from .errors import InputError


@dataclass(frozen=True)
class Method:
    """What the workflow knows of a method without importing it."""

    module: str  #: module (or package) of binembed whose BINARIZER_CLASSES lists the estimator
    family: str  #: group in the figures: sign, spiking, classic or autoencoder
    stochastic: bool  #: takes ``random_state``; the workflow runs it once per configured seed
    parameters: tuple[str, ...]  #: the estimator's ``__init__`` parameters
    threads: int  #: threads of its binarize job
    runtime: int  #: minutes a binarize job may take (SLURM's time limit)
    source: str  #: the paper it comes from
    #: peak MB of a binarize job per MB of 300-d float32 vectors it fits or codes, and its
    #: seconds per MB with ``threads`` threads, at config.yaml's settings (the largest bit
    #: budget, all epochs or dictionary updates): from bench/bench_scale.py, they size SLURM
    #: requests
    memory_per_mb: float = 2.0
    seconds_per_mb: float = 0.05
    #: each seed is binarized by a job of its own, for a fit so long that its seeds are better
    #: spread over cores; otherwise one job fits every seed of a variant, reading the vectors and
    #: importing once
    own_job_per_seed: bool = False


_LIF = ("tol", "i_boost", "tau_m", "v_th", "v_reset", "resistance", "negative")
_AUTOENCODER = (
    "n_bits",
    "n_epochs",
    "learning_rate",
    "batch_size",
    "lambda_reg",
    "clip_input",
    "random_state",
    "n_threads",
    "device",
    "progress",
)
#: The six excitatory-inhibitory pairs of Izhikevich neurons (Wang et al. 2019).
IZHIKEVICH_PAIRS = ("rs_fs", "rs_lts", "ib_fs", "ib_lts", "ch_fs", "ch_lts")
_WANG = "Wang et al. 2019"

# fmt: off
# One thread a job, so that a 2-core machine runs two jobs side by side and the serial part of each
# (start-up, reading, writing) overlaps another's work; the autoencoders also train fastest on one
# (small matrices: threads only contend). A job of two threads would wait until two cores are free
# at once, which a queue of one-thread jobs never leaves: Overcomplete-B, the longest fit of a run,
# takes one thread and a job per seed instead.
METHODS: dict[str, Method] = {
    "sign": Method("binarizers.base", "sign", False, ("threshold",), 1, 30, f"{_WANG} (rude binarization)"),
    "poisson": Method("binarizers.spiking", "spiking", True,
                      ("tol", "max_rate", "normalization", "random_state", "chunk_size"), 1, 30, _WANG),
    "lif": Method("binarizers.spiking", "spiking", False, (*_LIF, "chunk_size"), 1, 30, _WANG),
    "lif_noise": Method("binarizers.spiking", "spiking", True,
                        (*_LIF, "sigma", "random_state", "chunk_size"), 1, 30, _WANG),
    **{f"izh_{pair}": Method("binarizers.spiking", "spiking", False, ("tol", "i_boost", "v_th", "chunk_size"), 1, 30,
                             f"{_WANG}; Izhikevich 2003")
       for pair in IZHIKEVICH_PAIRS},
    "lsh": Method("binarizers.classic", "classic", True, ("n_bits", "random_state"), 1, 30, "Charikar 2002"),
    "itq": Method("binarizers.classic", "classic", True, ("n_bits", "n_iter", "random_state"), 1, 30,
                  "Gong & Lazebnik 2011"),
    "overcomplete": Method("binarizers.overcomplete", "classic", True,
                           ("factor", "l1", "l2", "n_iter", "n_steps", "fit_words", "random_state"), 1, 240,
                           "Faruqui et al. 2015 (Overcomplete-B)", own_job_per_seed=True),
    "ae_nste": Method("binarizers.autoencoder", "autoencoder", True, _AUTOENCODER, 1, 60,
                      "Tissier et al. 2019, as in Entjes 2021"),
    "ae_ste": Method("binarizers.autoencoder", "autoencoder", True, _AUTOENCODER, 1, 60, "Entjes 2021"),
}
# fmt: on

# Measured by bench/bench_scale.py (100k, 300k and 1M words x 300, fitted as start-up plus a
# cost per word, rounded up): peak MB per MB of vectors, seconds per MB, with the threads of
# _SCALE_THREADS a job; a job with fewer threads is given proportionally more seconds.
_SCALE_THREADS = {"ae_nste": 1, "ae_ste": 1}  # the others: 2
_SCALE = {
    "sign": (1.2, 0.01),
    "poisson": (1.7, 0.05),
    "lif": (1.8, 0.02),
    "lif_noise": (1.8, 0.05),
    **{f"izh_{pair}": (1.5, 0.02) for pair in IZHIKEVICH_PAIRS},
    "lsh": (1.6, 0.03),
    "itq": (1.2, 0.2),
    "ae_nste": (1.0, 1.5),
    "ae_ste": (1.0, 1.5),
    "overcomplete": (12.0, 3.5),
}
METHODS = {
    name: replace(
        spec,
        memory_per_mb=_SCALE[name][0],
        seconds_per_mb=_SCALE[name][1] * _SCALE_THREADS.get(name, 2) / spec.threads,
    )
    for name, spec in METHODS.items()
}

#: The spiking coders and their default tol (Wang et al. 2019: 5, and 10 for Izhikevich).
SPIKING_DEFAULT_TOL = {
    method: 10 if method.startswith("izh_") else 5
    for method, spec in METHODS.items()
    if spec.family == "spiking"
}


#: The optional dependency group (pyproject.toml) a method's module needs beyond the core ones.
EXTRAS = {"torch": "autoencoder"}


class MissingDependency(InputError):
    """A method whose module needs an optional dependency that is not installed."""


def binarizer_class(method: str):
    """The estimator class of ``method`` (imports its module); a missing optional dependency is a
    :class:`MissingDependency` naming what to install."""
    try:
        module = importlib.import_module(f"binembed.{METHODS[method].module}")
    except ModuleNotFoundError as err:
        if err.name not in EXTRAS:
            raise
        raise MissingDependency(
            f"{method} needs {err.name}, which is not installed: pip install 'binembed[{EXTRAS[err.name]}]'"
        ) from None
    return {cls.method_name: cls for cls in module.BINARIZER_CLASSES}[method]


def parameter_defaults(method: str) -> dict:
    """The method's parameters and their defaults (from ``__init__``; imports the method)."""
    signature = inspect.signature(binarizer_class(method).__init__)
    return {name: p.default for name, p in signature.parameters.items() if name != "self"}


def build_binarizer(method: str, params: dict, tuned: dict | None = None, seed: int | None = None,
                    threads: int | None = None):  # fmt: skip
    """A configured binarizer: ``params`` (a run's parameters, :func:`run_parameters`) with the
    ``tuned`` choice laid over them, the seed of a stochastic method (``random_state``) and, for
    methods that take it, the thread count (``n_threads``). The one way the workflow's binarize,
    tune and spike-raster jobs and the ``binembed encode`` command make an estimator."""
    spec = METHODS[method]
    kwargs = {**params, **(tuned or {})}
    if spec.stochastic and seed is not None:
        kwargs["random_state"] = int(seed)
    if threads is not None and "n_threads" in spec.parameters:
        kwargs["n_threads"] = int(threads)
    return binarizer_class(method)(**kwargs)


#: Suffix of the variant that runs a method untuned at the settings its paper states.
PAPER_SUFFIX = "-paper"


def expand_variants(
    methods: list[str], params: dict, paper_settings: dict | None = None
) -> dict[str, tuple[str, dict]]:
    """Variant name -> (method, its parameter block), in config order; where
    ``paper_settings["enabled"]``, each spiking method also runs as ``<method>-paper``, its block
    with ``paper_settings["params"][method]`` laid over it (and never tuned)."""
    paper_settings = paper_settings or {"enabled": False, "params": {}}
    variants = {}
    for method in methods:
        block = dict(params.get(method, {}))
        budgets = block.get("n_bits")
        if isinstance(budgets, list):
            for n_bits in budgets:
                variants[f"{method}-{n_bits}"] = (method, {**block, "n_bits": n_bits})
        else:
            variants[method] = (method, block)
        if paper_settings["enabled"] and METHODS[method].family == "spiking":
            variants[method + PAPER_SUFFIX] = (method, {**block, **paper_settings["params"].get(method, {})})
    return variants


def grid_for(method: str, grid: dict) -> dict[str, list]:
    """A method's tuning grid: ``grid["default"]`` with the method's own entries laid over it."""
    return {**grid.get("default", {}), **grid.get(method, {})}


def resolve_n_bits(n_bits, dims: int) -> int:
    """An integer bit budget, or ``"<k>x"`` = k * dims."""
    if isinstance(n_bits, str):
        return int(n_bits[:-1]) * dims
    return int(n_bits)


def run_parameters(method: str, block: dict, dims: int, embedding_params: dict) -> dict:
    """The keyword arguments of one run before tuning: the method's block with bit budgets made
    concrete, and over it the embedding's own settings (e.g. ``i_boost``) for the parameters the
    method has. :func:`build_binarizer` lays the tuning choice over these."""
    names = METHODS[method].parameters
    resolved = {key: value for key, value in block.items() if key in names}
    if "n_bits" in resolved:
        resolved["n_bits"] = resolve_n_bits(resolved["n_bits"], dims)
    resolved.update({key: value for key, value in embedding_params.items() if key in names})
    return resolved
