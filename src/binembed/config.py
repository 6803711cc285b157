"""Validation of the workflow configuration: the JSON schema first, then the cross-references a
schema cannot express. Every problem is reported as one line naming the config key."""

from __future__ import annotations

import functools
import math
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import jsonschema
import yaml

from .datasets import CLASSIFICATION_RESOURCES, benchmarks
from .errors import InputError
from .methods import METHODS, SPIKING_DEFAULT_TOL, expand_variants, grid_for, resolve_n_bits
from .sources import origin

#: The most bits a code may have (a word's code is then 12.5 kB).
MAX_BITS = 100_000
#: Steps of the spiking coders' 10 ms at dt = 0.1 ms (binembed.spiking.N_STEPS, without importing it).
SPIKING_STEPS = 100

#: JSON Schema counts 5.0 as an integer; the methods do not, so an integer must be written as one.
#: And a number is finite: YAML's .nan and .inf would pass every bound (a NaN compares false).
_STRICT_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many(
    {
        "integer": lambda checker, value: isinstance(value, int) and not isinstance(value, bool),
        "number": lambda checker, value: (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        ),
    }
)
StrictValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_STRICT_TYPES)


#: The JSON schema of config.yaml (package data, so that the command checks parameters as the workflow does).
SCHEMA_PATH = Path(__file__).with_name("config.schema.yaml")


def load_schema(path=SCHEMA_PATH) -> dict:
    """The JSON schema at ``path``, read once per process (a shared dict: not to be changed)."""
    return _parsed_schema(Path(path).resolve())


@functools.cache
def _parsed_schema(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


class ConfigError(InputError):
    """An invalid configuration; one line per problem, each naming the config key."""


def _key(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def _alternative(schema: dict, root: dict) -> str:
    """One allowed form of a value, in words, from a schema branch."""
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    for combined in ("oneOf", "anyOf"):
        if combined in schema:
            return " or ".join(_alternative(branch, root) for branch in schema[combined])
    if "const" in schema:
        return repr(schema["const"])
    if "enum" in schema:
        return f"one of {schema['enum']}"
    kind = schema.get("type", "value")
    if kind == "array" and "items" in schema:
        return f"a list of ({_alternative(schema['items'], root)})"
    words = {"integer": "an integer", "string": "a string", "null": "null", "number": "a number"}.get(
        kind, kind
    )
    if "pattern" in schema:
        words += f" matching {schema['pattern']}"
    bounds = [
        f"{sign} {schema[bound]}" for bound, sign in (("minimum", ">="), ("maximum", "<=")) if bound in schema
    ]
    return words + (f" ({', '.join(bounds)})" if bounds else "")


def _describe(error: jsonschema.ValidationError, root: dict) -> str:
    key = _key(error.absolute_path)
    instance = error.instance
    if error.validator == "additionalProperties":
        extra = sorted(set(instance) - set(error.schema.get("properties", {})))
        return f"config key '{key}': unknown key(s) {extra}"
    if error.validator == "enum":
        return f"config key '{key}': {instance!r} is not one of {error.validator_value}"
    if error.validator == "oneOf" and error.schema.get("oneOf", [{}])[0].get("required"):
        return f"config key '{key}': give exactly one of package (with sha256, members), url (with sha256) or path"
    if error.validator == "type" and isinstance(instance, float) and not math.isfinite(instance):
        return f"config key '{key}': {instance!r} is not a finite number"
    integral_float = isinstance(instance, float) and instance.is_integer()
    if error.validator == "type" and "integer" in error.validator_value and integral_float:
        return f"config key '{key}': {instance!r} must be written as an integer ({int(instance)}, not {instance})"
    if error.validator in ("oneOf", "anyOf"):
        allowed = "; or ".join(_alternative(branch, root) for branch in error.validator_value)
        hint = ""
        if key.endswith("sha256") and isinstance(instance, int):
            hint = " (YAML read an unquoted sha256 made of digits as a number: put it in quotes)"
        elif key.endswith("sha256") and isinstance(instance, str) and instance.lower() != instance:
            hint = " (write the hex digits in lower case)"
        return f"config key '{key}': {instance!r} is not allowed here; expected {allowed}{hint}"
    return f"config key '{key}': {error.message}"


def with_package_benchmarks(config: dict) -> dict:
    """Complete ``config`` in place with the package's benchmark files and kNN settings
    (:func:`binembed.datasets.benchmarks`): its own ``resources`` entries add to or replace the
    package's by name, and ``evaluation.knn`` defaults to the package's."""
    if not isinstance(config, dict):
        return config
    package = benchmarks()
    own = config.get("resources", {})
    if isinstance(own, dict):
        config["resources"] = {**package["resources"], **own}
    if isinstance(config.get("evaluation"), dict):
        config["evaluation"].setdefault("knn", package["knn"])
    return config


def validate_config(config: dict, schema_path=SCHEMA_PATH) -> dict:
    """Complete ``config`` with the package's benchmarks (:func:`with_package_benchmarks`), then
    check it against the schema at ``schema_path`` and its cross-references; raise
    :class:`ConfigError` listing every problem, one per line."""
    with_package_benchmarks(config)
    schema = load_schema(schema_path)
    validator = StrictValidator(schema)
    problems = [
        _describe(e, schema)
        for e in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    ]
    if not problems:
        problems = (
            _cross_references(config) + _tuning_grid(config, validator) + _paper_settings(config, validator)
        )
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return config


def method_parameter_problems(method: str, params: dict) -> list[str]:
    """What is wrong with ``params`` as the ``params`` block of ``method`` (the schema's check of
    that block, for parameters given outside config.yaml: ``binembed encode --param``), one phrase
    per parameter."""
    schema = load_schema()
    block = schema["properties"]["params"]["properties"][method]
    validator = StrictValidator(schema).evolve(schema=block)
    problems = []
    for error in sorted(validator.iter_errors(params), key=lambda e: list(e.absolute_path)):
        if error.validator == "additionalProperties":
            known = ", ".join(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - set(error.schema.get("properties", {}))):
                problems.append(f"{name}: {method} has no such parameter (it has {known})")
            continue
        name = str(error.absolute_path[0])
        reason = _describe(error, schema).partition("': ")[2]
        problems.append(f"{name}={params[name]!r}: {reason}")
    return problems


def parameter_conflicts(config: dict) -> list[str]:
    """Method parameters set in ``params`` that an embedding's own ``params`` block replaces on that
    embedding (the precedence is: method block < embedding block < tuning), one line each."""
    lines = []
    for embedding in config["embeddings"]:
        own = config["embedding_sources"].get(embedding, {}).get("params", {})
        for method in config["methods"]:
            block = config["params"].get(method, {})
            for name, value in own.items():
                if name in block and block[name] != value:
                    lines.append(
                        f"config key 'params.{method}.{name}' ({block[name]!r}) is replaced on {embedding!r} "
                        f"by 'embedding_sources.{embedding}.params.{name}' ({value!r})"
                    )
    return lines


def _cross_references(config):
    problems = []
    sources, resources = config["embedding_sources"], config["resources"]
    for i, name in enumerate(config["embeddings"]):
        if name not in sources:
            problems.append(
                f"config key 'embeddings.{i}': no embedding_sources entry named {name!r} "
                f"(known: {sorted(sources)})"
            )
    for i, name in enumerate(config["evaluation"]["word_similarity"]):
        if name not in resources:
            problems.append(f"config key 'evaluation.word_similarity.{i}': no resources entry named {name!r}")
    for task in config["evaluation"]["classification"]:
        for part, name in CLASSIFICATION_RESOURCES[task].items():
            if name not in resources:
                problems.append(
                    f"config key 'resources': classification task {task!r} needs a "
                    f"resource named {name!r} ({part} split)"
                )
    tuning = config["tuning"]
    if tuning["enabled"]:
        for i, name in enumerate(tuning["embeddings"]):
            if name not in sources:
                problems.append(
                    f"config key 'tuning.embeddings.{i}': no embedding_sources entry named {name!r}"
                )
        names = [tuning["dataset"]] if tuning["protocol"] == "held_out" else tuning["test_sets"]
        key = "tuning.dataset" if tuning["protocol"] == "held_out" else "tuning.test_sets"
        problems += [
            f"config key '{key}': no resources entry named {n!r}" for n in names if n not in resources
        ]
        if tuning["protocol"] == "held_out" and tuning["dataset"] in config["evaluation"]["word_similarity"]:
            problems.append(
                f"config key 'tuning.dataset': {tuning['dataset']!r} is also reported in "
                "evaluation.word_similarity; a held-out tuning set must not be"
            )
    problems += _bit_budgets(config)
    variants = expand_variants(config["methods"], config["params"], config["paper_settings"])
    if config["products"]["baseline"] not in ("dense", *variants):
        problems.append(
            f"config key 'products.baseline': {config['products']['baseline']!r} is neither "
            f"'dense' nor a configured variant ({sorted(variants)})"
        )
    for method in config["seeds"]:
        if method != "default" and not METHODS[method].stochastic:
            problems.append(
                f"config key 'seeds.{method}': {method!r} does not depend on a seed; it runs once"
            )
    for name in config["products"]["paper_vectors"]:
        if name not in sources:
            problems.append(
                f"config key 'products.paper_vectors.{name}': no embedding_sources entry named {name!r}"
            )
    return problems + _declared_files(config)


def _declared_files(config) -> list[str]:
    """What an entry declares about a file must be something the workflow checks or uses for that
    entry's origin: ``members`` (a wheel's files) only with ``package``, ``member`` (a zip's file)
    only with ``url`` or ``path`` and a glove_text file, a ``vocab`` member only for npy_parquet,
    an ``archive_sha256`` only with the ``member`` it protects; and a URL must name a file."""
    problems = []
    for name, source in config["embedding_sources"].items():
        key, fmt = f"config key 'embedding_sources.{name}", source["format"]
        kind = origin(source)
        members = source.get("members", {})
        if "members" in source and kind != "package":
            problems.append(
                f"{key}.members': only a wheel (package) has members; for a zip archive at a {kind} "
                "give 'member'"
            )
        elif fmt == "npy_parquet" and "vocab" not in members:
            problems.append(f"{key}.members': npy_parquet needs a 'vocab' member")
        elif "vocab" in members and fmt != "npy_parquet":
            problems.append(
                f"{key}.members.vocab': only npy_parquet reads a separate vocabulary ({fmt} does not)"
            )
        if "member" in source and kind == "package":
            problems.append(f"{key}.member': a wheel's files are named in 'members', not 'member'")
        elif "member" in source and fmt != "glove_text":
            problems.append(
                f"{key}.member': only glove_text is read out of a zip archive; format {fmt!r} reads "
                "the file itself (remove 'member')"
            )
        if kind == "url":
            problems += _url_problems(f"{key}.url'", source["url"], names_a_file=True)
    for name, resource in config["resources"].items():
        key = f"config key 'resources.{name}"
        if "archive_sha256" in resource and "member" not in resource:
            problems.append(
                f"{key}.archive_sha256': the file at 'url' is not an archive here (no 'member' is "
                "extracted from it); its checksum is 'sha256'"
            )
        problems += _url_problems(f"{key}.url'", resource["url"], names_a_file=False)
    return problems


def _url_problems(key: str, url: str, names_a_file: bool) -> list[str]:
    """A download address needs a host, and where the download is stored under the last part of
    its path (an embedding's), a file name there (not '', '.' or '..')."""
    parts = urlsplit(url)
    if any(c.isspace() or not c.isprintable() for c in url):
        return [f"{key}: {url!r} holds a space or a control character (write it percent-encoded, %20)"]
    if not parts.hostname:
        return [f"{key}: {url!r} names no host"]
    last = PurePosixPath(parts.path).name if not parts.path.endswith("/") else ""
    if names_a_file and last in ("", ".", ".."):
        return [f"{key}: {url!r} does not end in a file name (the download is stored under it)"]
    return []


def _tuning_grid(config, validator) -> list[str]:
    """Tuned methods must be configured methods; every grid key must be a parameter of a tuned
    method it applies to, and every grid value a value that method's params block accepts."""
    tuning = config["tuning"]
    if not tuning["enabled"]:
        return []
    problems = []
    tuned = tuning["methods"]
    for i, method in enumerate(tuned):
        if method not in config["methods"]:
            problems.append(
                f"config key 'tuning.methods.{i}': {method!r} is not in 'methods', so it never runs"
            )
    schema = validator.schema["properties"]["params"]["properties"]
    for i, method in enumerate(tuned):
        if not any(name in METHODS[method].parameters for name in grid_for(method, tuning["grid"])):
            problems.append(
                f"config key 'tuning.methods.{i}': no parameter of {method!r} is in tuning.grid, "
                "so tuning would change nothing"
            )
    for group, grid in tuning["grid"].items():
        if group != "default" and group not in schema:
            problems.append(f"config key 'tuning.grid.{group}': not a method (or 'default')")
            continue
        applies = [m for m in tuned if group in ("default", m)]
        for name, values in grid.items():
            takers = [m for m in applies if name in METHODS[m].parameters]
            if applies and not takers:
                problems.append(
                    f"config key 'tuning.grid.{group}.{name}': not a parameter of "
                    f"{'any tuned method' if group == 'default' else repr(group)}"
                )
            for value in values:
                refused: dict[str, list[str]] = {}  # the schema's reason -> the methods refusing
                for method in takers:
                    for error in validator.evolve(schema=schema[method]).iter_errors({name: value}):
                        refused.setdefault(error.message, []).append(method)
                problems += [
                    f"config key 'tuning.grid.{group}.{name}': {value!r} is not a valid {name} of "
                    f"{', '.join(methods)} ({reason})"
                    for reason, methods in refused.items()
                ]
    return problems


def _paper_settings(config, validator) -> list[str]:
    """Each key laid over a method's block for its paper variant must be a parameter of that
    spiking method, with a value its params block accepts."""
    problems = []
    schema = validator.schema["properties"]["params"]["properties"]
    for method, block in config["paper_settings"]["params"].items():
        if METHODS[method].family != "spiking":
            problems.append(
                f"config key 'paper_settings.params.{method}': {method!r} is not a spiking method"
            )
            continue
        for name, value in block.items():
            if name not in METHODS[method].parameters:
                problems.append(
                    f"config key 'paper_settings.params.{method}.{name}': not a parameter of {method!r}"
                )
                continue
            problems += [
                f"config key 'paper_settings.params.{method}.{name}': {value!r} is not a valid {name} ({error.message})"
                for error in validator.evolve(schema=schema[method]).iter_errors({name: value})
            ]
    return problems


def _bit_budgets(config):
    """Every bit budget must be possible on every embedding it runs on: ITQ makes one bit per
    principal component (at most the dimension), and no code exceeds MAX_BITS, the spiking codes'
    dims x 100 / tol bits included (for every tol the method may be tuned to)."""
    problems = _spiking_bits(config)
    for method in config["methods"]:
        budgets = config["params"].get(method, {}).get("n_bits")
        if budgets is None:
            continue
        for n_bits in budgets if isinstance(budgets, list) else [budgets]:
            for embedding in config["embeddings"]:
                dim = config["embedding_sources"].get(embedding, {}).get("dim")
                if dim is None:
                    continue
                bits = resolve_n_bits(n_bits, dim)
                if bits > MAX_BITS or (method == "itq" and bits > dim):
                    limit = f"its {dim} dimensions" if method == "itq" else f"{MAX_BITS}"
                    problems.append(
                        f"config key 'params.{method}.n_bits': {n_bits!r} is {bits} bits on "
                        f"{embedding!r}, more than {limit}"
                    )
    return problems


def _spiking_bits(config) -> list[str]:
    """Spiking codes have dims x 100 / tol bits: every tol a spiking method runs with (configured,
    or in its tuning grid) must keep them within MAX_BITS; one line per key, tol and embedding."""
    tuning = config["tuning"]
    uses: dict[tuple[str, int], list[str]] = {}  # (config key, tol) -> methods
    for method in (m for m in config["methods"] if m in SPIKING_DEFAULT_TOL):
        tol = config["params"].get(method, {}).get("tol", SPIKING_DEFAULT_TOL[method])
        uses.setdefault((f"params.{method}.tol", tol), []).append(method)
        if tuning["enabled"] and method in tuning["methods"]:
            group = method if "tol" in tuning["grid"].get(method, {}) else "default"
            for tol in tuning["grid"].get(group, {}).get("tol", []):
                uses.setdefault((f"tuning.grid.{group}.tol", tol), []).append(method)
    problems = []
    for (key, tol), methods in uses.items():
        if not isinstance(tol, int) or tol <= 0:
            continue
        for embedding in config["embeddings"]:
            dim = config["embedding_sources"].get(embedding, {}).get("dim")
            if dim is not None and dim * (SPIKING_STEPS // tol) > MAX_BITS:
                problems.append(
                    f"config key '{key}': tol {tol} gives {dim} x {SPIKING_STEPS // tol} = "
                    f"{dim * (SPIKING_STEPS // tol)} bits on {embedding!r} ({', '.join(methods)}), "
                    f"more than {MAX_BITS}"
                )
    return problems
