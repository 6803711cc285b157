"""Values each method setting's schema must refuse, made from the schema itself: below a minimum,
above a maximum, outside an enum, of the wrong type. Used to check that config.yaml refuses each
with an error naming the key (tests/test_methods.py, tests/test_plugins.py)."""

import copy

import yaml
from conftest import REPO

from binembed.configuration.validation import ConfigError, load_schema, validate_config


def refused_values(schema: dict, root: dict) -> list:
    """Values ``schema`` must refuse (one per bound it states; a wrong type always)."""
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    if "oneOf" in schema or "anyOf" in schema:
        return [{"not": "a value"}]
    values = [{"not": "a value"}]
    if "enum" in schema:
        values.append("none-of-these")
    if "minimum" in schema:
        values.append(schema["minimum"] - 1)
    if "exclusiveMinimum" in schema:
        values.append(schema["exclusiveMinimum"])
    if "maximum" in schema:
        values.append(schema["maximum"] + 1)
    if schema.get("type") == "integer":
        values.append(1.5)
    if schema.get("type") == "boolean":
        values.append("yes")
    return values


def check_every_setting_is_bounded(method: str, config: dict | None = None) -> int:
    """Each refused value of each setting of ``method``, put in config.yaml's params block, gives a
    ConfigError naming ``params.<method>.<setting>``; returns how many were tried."""
    schema = load_schema()
    base = config or yaml.safe_load((REPO / "config.yaml").read_text())
    settings = schema["properties"]["params"]["properties"][method]["properties"]
    tried = 0
    for name, setting in settings.items():
        for value in refused_values(setting, schema):
            edited = copy.deepcopy(base)
            edited["params"].setdefault(method, {})[name] = value
            try:
                validate_config(edited)
            except ConfigError as error:
                assert f"params.{method}.{name}" in str(error), (method, name, value, str(error))
            else:
                raise AssertionError(f"params.{method}.{name} = {value!r} was accepted")
            tried += 1
    return tried
