"""Validation of the workflow configuration: the JSON schema first, then the cross-references a
schema cannot express. Every problem is reported as one line naming the config key."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

from .datasets import CLASSIFICATION_RESOURCES
from .methods import expand_variants, resolve_n_bits

#: The most bits a code may have (a word's code is then 12.5 kB).
MAX_BITS = 100_000


class ConfigError(ValueError):
    pass


def _key(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def _describe(error: jsonschema.ValidationError) -> str:
    key = _key(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"config key '{key}': unknown key(s) {extra}"
    if error.validator == "enum":
        return f"config key '{key}': {error.instance!r} is not one of {error.validator_value}"
    if error.validator == "oneOf" and error.schema.get("oneOf", [{}])[0].get("required"):
        return f"config key '{key}': give exactly one of package (with sha256, members), url (with sha256) or path"
    return f"config key '{key}': {error.message}"


def validate_config(config: dict, schema_path) -> dict:
    """Check ``config`` against the schema at ``schema_path`` and its cross-references; raise :class:`ConfigError`
    listing every problem, one per line."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    problems = [
        _describe(e) for e in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    ]
    if not problems:
        problems = _cross_references(config)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return config


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
    variants = expand_variants(config["methods"], config["params"])
    if config["products"]["baseline"] not in ("dense", *variants):
        problems.append(
            f"config key 'products.baseline': {config['products']['baseline']!r} is neither "
            f"'dense' nor a configured variant ({sorted(variants)})"
        )
    for name, source in sources.items():
        if source["format"] == "npy_parquet" and "vocab" not in source.get("members", {}):
            problems.append(
                f"config key 'embedding_sources.{name}.members': npy_parquet needs a 'vocab' member"
            )
    return problems


def _bit_budgets(config):
    """Every bit budget must be possible on every embedding it runs on: ITQ makes one bit per
    principal component (at most the dimension), and no code exceeds MAX_BITS."""
    problems = []
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
