"""What the workflow knows of a binarization method without importing it: :class:`Method`, the one
entry that adds a method (built in, :data:`binembed.methods.BUILT_IN_METHODS`, or from a plugin,
:mod:`binembed.plugins`), and :func:`method_problems`, the checks an entry must pass.

A leaf: it imports nothing of the package, so that the registry and the plugins can both use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: The groups of methods the figures colour alike; a plugin's method joins one (``other`` if none fits).
FAMILIES = ("sign", "spiking", "classic", "autoencoder", "other")
#: Definitions of the config schema a method's settings may refer to ("#/$defs/<name>").
SHARED_DEFINITIONS = ("n_bits_list", "n_bits", "tol", "i_boost")


@dataclass(frozen=True)
class Method:
    """A method's registry entry (the built-ins give every field by keyword)."""

    estimator: str  #: ``"package.module:ClassName"`` of the estimator (binembed.binarizers.base's API)
    family: str  #: group in the figures, one of :data:`FAMILIES`
    stochastic: bool  #: takes ``random_state``; the workflow runs it once per configured seed
    parameters: tuple[str, ...]  #: the estimator's ``__init__`` parameters
    threads: int  #: threads of its binarize job
    runtime: int  #: minutes a binarize job may take at least (SLURM's time limit)
    source: str  #: the paper (or package) it comes from
    description: str = ""  #: one line on the method, the description of its params block
    #: the keys config.yaml's ``params`` block (and ``binembed encode --param``) may set: parameter
    #: name -> JSON schema of its value; "#/$defs/..." refers to the config schema's definitions
    #: (:data:`SHARED_DEFINITIONS`)
    settings: dict = field(default_factory=dict)
    #: peak MB of a binarize job per MB of 300-d float32 vectors it fits or codes, and its
    #: seconds per MB on the job's ``threads`` threads, at config.yaml's settings (the largest
    #: bit budget, all epochs or dictionary updates): from bench/bench_scale.py, they size SLURM
    #: requests
    memory_per_mb: float = 2.0
    seconds_per_mb: float = 0.05
    #: each seed is binarized by a job of its own, for a fit so long that its seeds are better
    #: spread over cores; otherwise one job fits every seed of a variant, reading the vectors and
    #: importing once
    own_job_per_seed: bool = False

    def job_memory_mb(self, vectors_mb: float) -> int:
        """mem_mb of a binarize-stage job that fits or codes ``vectors_mb`` MB of float32 vectors:
        the measured peak per MB (``memory_per_mb``) plus 1000 MB for the interpreter and libraries."""
        return int(1000 + self.memory_per_mb * vectors_mb)

    def job_minutes(self, vectors_mb: float, seeds: int) -> int:
        """SLURM minutes of a binarize-stage job fitting ``seeds`` seeds on ``vectors_mb`` MB:
        twice the measured time (``seconds_per_mb``), at least the method's own ``runtime``."""
        return max(self.runtime, math.ceil(2 * seeds * self.seconds_per_mb * vectors_mb / 60))


def _references(schema) -> list[str]:
    """Every ``$ref`` inside a JSON schema (a mapping, a list of them, or a value)."""
    if isinstance(schema, dict):
        found = [schema["$ref"]] if isinstance(schema.get("$ref"), str) else []
        return found + [ref for value in schema.values() for ref in _references(value)]
    if isinstance(schema, list):
        return [ref for value in schema for ref in _references(value)]
    return []


def method_problems(spec: Method) -> list[str]:
    """What in a registry entry contradicts itself or the workflow, one phrase each."""
    import jsonschema  # only where a plugin is checked: the registry of built-ins needs none

    problems = []
    module, colon, cls = spec.estimator.partition(":")
    if not (colon and module and cls.isidentifier()):
        problems.append(f"estimator {spec.estimator!r} is not 'package.module:ClassName'")
    if spec.family not in FAMILIES:
        problems.append(f"family {spec.family!r} is not one of {list(FAMILIES)}")
    if spec.stochastic != ("random_state" in spec.parameters):
        problems.append("a stochastic method takes random_state, and only a stochastic one")
    counts = (spec.threads, spec.runtime)
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in counts):
        problems.append("threads and runtime must be integers >= 1")
    unknown = sorted(set(spec.settings) - set(spec.parameters))
    if unknown:
        problems.append(f"settings {unknown} are not among its parameters {list(spec.parameters)}")
    try:
        jsonschema.Draft202012Validator.check_schema({"type": "object", "properties": spec.settings})
    except jsonschema.SchemaError as err:
        problems.append(f"settings are not a JSON schema: {err.message}")
    for reference in _references(spec.settings):
        if reference.removeprefix("#/$defs/") not in SHARED_DEFINITIONS or not reference.startswith(
            "#/$defs/"
        ):
            problems.append(
                f"settings refer to {reference!r}; only #/$defs/ {', '.join(SHARED_DEFINITIONS)} exist"
            )
    return problems
