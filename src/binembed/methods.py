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

One entry of the registry is all a method needs: its estimator, what the workflow schedules by,
and the JSON schema of each key of its ``params`` block (from which the config schema is built).
The built-in methods are listed here; another package adds its own under the entry-point group
``binembed.binarizers`` (:mod:`binembed.plugins`), and :data:`METHODS` holds both. The registry is
plain data, so that building the job graph and validating the configuration import neither torch
nor numba; :func:`binarizer_class` imports a method's estimator only when it is used.

Parameters of a run, lowest precedence first: the method's ``params`` block, then the embedding's
own ``params`` (e.g. the paper's I_boost for its vectors), then the tuning choice
(:func:`run_parameters`).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator, Mapping

from .errors import InputError
from .method_spec import Method
from .plugins import plugin_failure, plugin_methods

_TOL = {"$ref": "#/$defs/tol"}
_I_BOOST = {"$ref": "#/$defs/i_boost"}
_N_BITS = {"$ref": "#/$defs/n_bits_list"}
_POSITIVE = {"type": "number", "exclusiveMinimum": 0}
_LIF_SETTINGS = {
    "tol": _TOL,
    "i_boost": _I_BOOST,
    "tau_m": {**_POSITIVE, "description": "membrane time constant in ms"},
    "v_th": {**_POSITIVE, "description": "firing threshold"},
    "v_reset": {"type": "number", "description": "potential after a spike and at t = 0"},
    "negative": {"enum": ["as_is", "abs"], "description": "treatment of negative inputs"},
}
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
_AUTOENCODER_SETTINGS = {
    "n_bits": _N_BITS,
    "n_epochs": {"type": "integer", "minimum": 0, "description": "passes over the vocabulary"},
    "learning_rate": {**_POSITIVE, "description": "Adam step size"},
    "batch_size": {"type": "integer", "minimum": 1, "description": "words per step"},
    "lambda_reg": {"type": "number", "minimum": 0, "description": "weight of the orthogonality regularizer"},
    "clip_input": {"type": "boolean", "description": "clip inputs to [-1, 1] as Tissier et al. do"},
}
#: The six excitatory-inhibitory pairs of Izhikevich neurons (Wang et al. 2019).
IZHIKEVICH_PAIRS = ("rs_fs", "rs_lts", "ib_fs", "ib_lts", "ch_fs", "ch_lts")
_WANG = "Wang et al. 2019"
_SPIKING = "binembed.binarizers.spiking"

# One thread a job, so that a 2-core machine runs two jobs side by side and the serial part of each
# (start-up, reading, writing) overlaps another's work; the autoencoders also train fastest on one
# (small matrices: threads only contend). A job of two threads would wait until two cores are free
# at once, which a queue of one-thread jobs never leaves: Overcomplete-B, the longest fit of a run,
# takes one thread and a job per seed instead.
#
# memory_per_mb and seconds_per_mb: measured by bench/bench_scale.py (100k, 300k and 1M words x
# 300, fitted as start-up plus a cost per word, rounded up). Seconds were measured with two threads
# a job (the autoencoders: one) and are given here for the job's one thread: twice the measurement.
# fmt: off
BUILT_IN_METHODS: dict[str, Method] = {
    "sign": Method(
        estimator="binembed.binarizers.base:SignBinarizer", family="sign", stochastic=False,
        parameters=("threshold",), threads=1, runtime=30,
        source=f"{_WANG} (rude binarization)", description="rude binarization (Wang et al. 2019)",
        settings={"threshold": {"type": "number", "description": "a bit is 1 where the value exceeds it"}},
        memory_per_mb=1.2, seconds_per_mb=0.02),
    "poisson": Method(
        estimator=f"{_SPIKING}:PoissonBinarizer", family="spiking", stochastic=True,
        parameters=("tol", "max_rate", "normalization", "random_state", "chunk_size"), threads=1, runtime=30,
        source=_WANG, description="Poisson rate coder (Wang et al. 2019)",
        settings={"tol": _TOL,
                  "max_rate": {**_POSITIVE, "maximum": 10000,
                               "description": "rate in Hz at normalized level 1 (10000 = 1/dt)"},
                  "normalization": {"enum": ["rank", "minmax"], "description": "per-dimension normalization "
                                    "to [0, 1]: rank (empirical CDF, outlier-robust) or minmax"}},
        memory_per_mb=1.7, seconds_per_mb=0.1),
    "lif": Method(
        estimator=f"{_SPIKING}:LIFBinarizer", family="spiking", stochastic=False,
        parameters=(*_LIF, "chunk_size"), threads=1, runtime=30,
        source=_WANG, description="leaky integrate-and-fire coder (Wang et al. 2019)", settings=_LIF_SETTINGS,
        memory_per_mb=1.8, seconds_per_mb=0.04),
    "lif_noise": Method(
        estimator=f"{_SPIKING}:LIFNoiseBinarizer", family="spiking", stochastic=True,
        parameters=(*_LIF, "sigma", "random_state", "chunk_size"), threads=1, runtime=30, source=_WANG,
        description="leaky integrate-and-fire coder with white-noise current (Wang et al. 2019)",
        settings={**_LIF_SETTINGS,
                  "sigma": {"type": "number", "minimum": 0, "description": "white-noise amplitude"}},
        memory_per_mb=1.8, seconds_per_mb=0.1),
    **{f"izh_{pair}": Method(
        estimator=f"{_SPIKING}:Izhikevich{pair.replace('_', '').upper()}Binarizer", family="spiking",
        stochastic=False, parameters=("tol", "i_boost", "v_th", "chunk_size"), threads=1, runtime=30,
        source=f"{_WANG}; Izhikevich 2003", description="Izhikevich (2003) neuron pair coder",
        settings={"tol": _TOL, "i_boost": _I_BOOST,
                  "v_th": {"type": "number", "description": "spike peak (30 in Izhikevich 2003)"}},
        memory_per_mb=1.5, seconds_per_mb=0.04)
       for pair in IZHIKEVICH_PAIRS},
    "lsh": Method(
        estimator="binembed.binarizers.classic:LSHBinarizer", family="classic", stochastic=True,
        parameters=("n_bits", "random_state"), threads=1, runtime=30,
        source="Charikar 2002", description="random-hyperplane LSH (Charikar 2002)", settings={"n_bits": _N_BITS},
        memory_per_mb=1.6, seconds_per_mb=0.06),
    "itq": Method(
        estimator="binembed.binarizers.classic:ITQBinarizer", family="classic", stochastic=True,
        parameters=("n_bits", "n_iter", "random_state"), threads=1, runtime=30,
        source="Gong & Lazebnik 2011", description="iterative quantization (Gong & Lazebnik 2011)",
        settings={"n_bits": _N_BITS,
                  "n_iter": {"type": "integer", "minimum": 1, "description": "rotation updates"}},
        memory_per_mb=1.2, seconds_per_mb=0.4),
    "overcomplete": Method(
        estimator="binembed.binarizers.overcomplete:OvercompleteBinarizer", family="classic", stochastic=True,
        parameters=("factor", "l1", "l2", "n_iter", "n_steps", "fit_words", "sample_per_atom", "sample_code_steps",
                    "random_state"), threads=1,
        runtime=240, source="Faruqui et al. 2015 (Overcomplete-B)",
        description="sparse overcomplete binary vectors, Overcomplete-B (Faruqui et al. 2015)",
        settings={
            "factor": {"type": "integer", "minimum": 1, "maximum": 100, "description": "atoms per input dimension"},
            "l1": {**_POSITIVE, "description": "lambda, weight of the L1 penalty on the codes"},
            "l2": {**_POSITIVE, "description": "tau, weight of the L2 penalty on the dictionary"},
            "n_iter": {"type": "integer", "minimum": 1, "description": "dictionary updates"},
            "n_steps": {"type": "integer", "minimum": 1, "description": "FISTA steps per dictionary update"},
            "fit_words": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
                          "description": "fit on the first (most frequent) fit_words words, null for all; "
                          "the others are coded with the fitted dictionary"},
            "sample_per_atom": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
                                "description": "the n_iter updates run on an evenly spaced sample of this many "
                                "words per atom, then all words are coded and updated once; null: on all words"},
            "sample_code_steps": {"type": "integer", "minimum": 1,
                                  "description": "FISTA steps coding the words outside the sample"}},
        memory_per_mb=12.0, seconds_per_mb=10.5, own_job_per_seed=True),
    "ae_nste": Method(
        estimator="binembed.binarizers.autoencoder:AutoencoderNSTEBinarizer", family="autoencoder",
        stochastic=True, parameters=_AUTOENCODER, threads=1, runtime=60,
        source="Tissier et al. 2019, as in Entjes 2021",
        description="autoencoder binarizer, step not differentiated (Entjes 2021, after Tissier et al. 2019)",
        settings=_AUTOENCODER_SETTINGS, memory_per_mb=1.0, seconds_per_mb=1.5),
    "ae_ste": Method(
        estimator="binembed.binarizers.autoencoder:AutoencoderSTEBinarizer", family="autoencoder",
        stochastic=True, parameters=_AUTOENCODER, threads=1, runtime=60, source="Entjes 2021",
        description="autoencoder binarizer, straight-through estimator (Entjes 2021)",
        settings=_AUTOENCODER_SETTINGS, memory_per_mb=1.0, seconds_per_mb=1.5),
}
# fmt: on


class _Registry(Mapping):
    """Method name -> :class:`Method`: the built-in methods, then those of the installed plugins,
    found on first use (a broken plugin is then one :class:`binembed.plugins.PluginError`)."""

    def __init__(self):
        self._methods: dict[str, Method] | None = None

    def _loaded(self) -> dict[str, Method]:
        if self._methods is None:
            self._methods = {**BUILT_IN_METHODS, **plugin_methods(BUILT_IN_METHODS)}
        return self._methods

    def reload(self) -> None:
        """Look for plugins again on next use (after one is installed into the running process)."""
        self._methods = None

    def __getitem__(self, name: str) -> Method:
        return self._loaded()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


#: Every method: built in, then from plugins (entry-point group ``binembed.binarizers``).
METHODS: Mapping[str, Method] = _Registry()

#: The spiking coders and their default tol (Wang et al. 2019: 5, and 10 for Izhikevich).
SPIKING_DEFAULT_TOL = {
    method: 10 if method.startswith("izh_") else 5
    for method, spec in BUILT_IN_METHODS.items()
    if spec.family == "spiking"
}


#: The optional dependency group (pyproject.toml) a method's module needs beyond the core ones.
EXTRAS = {"torch": "autoencoder"}


class MissingDependency(InputError):
    """A method whose module needs an optional dependency that is not installed."""


def binarizer_class(method: str):
    """The estimator class of ``method`` (imports its module); a missing optional dependency is a
    :class:`MissingDependency` naming what to install, a plugin's class that cannot be imported a
    :class:`binembed.plugins.PluginError` naming the plugin."""
    spec = METHODS[method]
    module_name, _, class_name = spec.estimator.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as err:
        if method not in BUILT_IN_METHODS:
            raise plugin_failure(method, f"its estimator {spec.estimator!r} failed to import", err) from None
        if isinstance(err, ModuleNotFoundError) and err.name in EXTRAS:
            raise MissingDependency(
                f"{method} needs {err.name}, which is not installed: pip install 'binembed[{EXTRAS[err.name]}]'"
            ) from None
        raise
    cls = getattr(module, class_name, None)
    if cls is None or getattr(cls, "method_name", None) != method:
        found = (
            "no such class" if cls is None else f"its method_name is {getattr(cls, 'method_name', None)!r}"
        )
        what = f"estimator {spec.estimator!r}: {found}, not a class named {method!r}"
        if method in BUILT_IN_METHODS:  # binembed's own mistake, not the user's
            raise TypeError(f"built-in method {method!r}: {what}")
        raise plugin_failure(method, what)
    return cls


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


def rate_limited_variant(method: str, ceiling_hz: float) -> str:
    """The name of ``method`` run at its best tuning point whose neurons fire at most
    ``ceiling_hz`` on average: ``<method>-<ceiling>hz`` (``lif-1000hz``)."""
    return f"{method}-{ceiling_hz:g}hz"


def expand_variants(
    methods: list[str], params: dict, paper_settings: dict | None = None, tuning: dict | None = None
) -> dict[str, tuple[str, dict]]:
    """Variant name -> (method, its parameter block), in config order; where
    ``paper_settings["enabled"]``, each spiking method also runs as ``<method>-paper``, whose block
    is not the method's: ``paper_settings["params"][method]`` (our reading of what the paper leaves
    unstated) with the settings the paper states laid over it
    (:func:`binembed.stated_settings.stated_parameters`); the estimator's defaults fill the rest,
    and it is never tuned. Where ``tuning`` (config.yaml's block) is enabled, each tuned spiking
    method also runs once per ceiling of ``tuning["rate_limits_hz"]``
    (:func:`rate_limited_variant`), with the method's block and the tuning's best point under
    that ceiling."""
    from .stated_settings import stated_parameters

    paper_settings = paper_settings or {"enabled": False, "params": {}}
    tuning = tuning or {"enabled": False}
    variants = {}
    for method in methods:
        block = dict(params.get(method, {}))
        budgets = block.get("n_bits")
        if isinstance(budgets, list):
            for n_bits in budgets:
                variants[f"{method}-{n_bits}"] = (method, {**block, "n_bits": n_bits})
        else:
            variants[method] = (method, block)
        spiking = METHODS[method].family == "spiking"
        if paper_settings["enabled"] and spiking:
            paper_block = {**paper_settings["params"].get(method, {}), **stated_parameters(method)}
            variants[method + PAPER_SUFFIX] = (method, paper_block)
        if tuning["enabled"] and spiking and method in tuning["methods"]:
            for ceiling in tuning.get("rate_limits_hz", []):
                variants[rate_limited_variant(method, ceiling)] = (method, block)
    return variants


def grid_for(method: str, grid: dict) -> dict[str, list]:
    """A method's tuning grid: ``grid["default"]`` with the method's own entries laid over it."""
    return {**grid.get("default", {}), **grid.get(method, {})}


def resolve_n_bits(n_bits, dims: int) -> int:
    """An integer bit budget, or ``"<k>x"`` = k * dims."""
    if isinstance(n_bits, str):
        return int(n_bits[:-1]) * dims
    return int(n_bits)


def run_parameters(
    method: str, block: dict, dims: int, embedding_params: dict, stated: dict | None = None
) -> dict:
    """The keyword arguments of one run before tuning: the method's block with bit budgets made
    concrete, over it the embedding's own settings (e.g. ``i_boost``) for the parameters the
    method has, and over those, for a ``-paper`` variant, what the paper ``stated`` for the
    embedding's vectors (its I_boost). :func:`build_binarizer` lays the tuning choice over these."""
    names = METHODS[method].parameters
    resolved = {key: value for key, value in block.items() if key in names}
    if "n_bits" in resolved:
        resolved["n_bits"] = resolve_n_bits(resolved["n_bits"], dims)
    resolved.update({key: value for key, value in embedding_params.items() if key in names})
    resolved.update(stated or {})
    return resolved
