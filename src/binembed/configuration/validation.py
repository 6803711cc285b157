"""Validation of the workflow configuration: the JSON schema first, then the cross-references a
schema cannot express. Every problem is reported as one line naming the config key."""

from __future__ import annotations

import copy
import functools
import math
from pathlib import Path

import jsonschema
import yaml

from ..errors import InputError
from ..fileio.datasets import benchmarks
from ..methods import METHODS
from .cross_references import cross_reference_problems

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


#: The JSON schema of config.yaml (package data, so that the command checks parameters as the
#: workflow does), less what the registry of methods adds (:func:`load_schema`).
SCHEMA_PATH = Path(__file__).with_name("config.schema.yaml")


@functools.cache
def _schema_file() -> dict:
    return yaml.safe_load(SCHEMA_PATH.read_text())


def schema_definition(schema: dict) -> dict:
    """``schema`` itself, or what it refers to when it is a reference to one of the config schema's
    definitions (``{"$ref": "#/$defs/tol"}``, as a method's settings may be)."""
    while "$ref" in schema:
        schema = _schema_file()["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def load_schema() -> dict:
    """The JSON schema of config.yaml: the file's (read once per process), with the method names and
    a ``params`` block per method from the registry (:data:`binembed.methods.METHODS`, plugins
    included), so that a method is added in one place."""
    schema = copy.deepcopy(_schema_file())
    schema["$defs"]["method"]["enum"] = list(METHODS)
    schema["properties"]["params"]["properties"] = {
        name: {
            "type": "object",
            "additionalProperties": False,
            "description": spec.description or spec.source,
            "properties": spec.settings,
        }
        for name, spec in METHODS.items()
    }
    return schema


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
    (:func:`binembed.fileio.datasets.benchmarks`), merged key by key as Snakemake merges config
    files: an own ``resources`` entry of a new name is added, one of a known name changes the keys
    it gives (``{ws353-all: {url: ...}}`` keeps the package's sha256 and mirror path), and
    ``evaluation.knn`` changes the keys it gives."""
    if not isinstance(config, dict):
        return config
    package = benchmarks()
    own = config.get("resources", {})
    if isinstance(own, dict):
        config["resources"] = _merged(package["resources"], own)
    if isinstance(config.get("evaluation"), dict):
        config["evaluation"]["knn"] = _merged(package["knn"], config["evaluation"].get("knn", {}))
    return config


def _merged(base: dict, own) -> dict:
    """``own`` laid over ``base`` key by key, mappings within mappings too; a value of another
    kind replaces (the schema then judges it)."""
    if not isinstance(own, dict):
        return own
    merged = dict(base)
    for key, value in own.items():
        merged[key] = _merged(base[key], value) if isinstance(base.get(key), dict) else value
    return merged


def validate_config(config: dict) -> dict:
    """Complete ``config`` with the package's benchmarks (:func:`with_package_benchmarks`), then
    check it against the schema (:func:`load_schema`) and its cross-references; raise
    :class:`ConfigError` listing every problem, one per line."""
    with_package_benchmarks(config)
    schema = load_schema()
    validator = StrictValidator(schema)
    problems = [
        _describe(e, schema)
        for e in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    ]
    if not problems:
        problems = cross_reference_problems(config, validator)
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
