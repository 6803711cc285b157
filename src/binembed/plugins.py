"""Binarizers from other packages: the entry-point group ``binembed.binarizers``.

A package registers a method by an entry point in that group whose name is the method's name and
whose object is a :class:`binembed.methods.Method` (in pyproject.toml,
``[project.entry-points."binembed.binarizers"]`` ``median_sign = "my_package.registry:MEDIAN_SIGN"``).
The module holding the :class:`~binembed.methods.Method` should import no heavy library: the
registry loads it whenever a configuration is checked, the estimator only when the method runs.

Whatever is wrong with a plugin, it is one :class:`PluginError` naming the plugin (its entry point
and distribution): a module that fails to import, an object that is not a Method, a name that is
a built-in method's or another plugin's, or an entry that contradicts itself; and, when it runs
(:func:`plugin_call`), an estimator that raises or whose transform returns codes of the wrong
shape or type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import EntryPoint, entry_points

from .errors import InputError

#: The entry-point group a package registers its binarizers under.
ENTRY_POINT_GROUP = "binembed.binarizers"
#: A method's name: wildcards and file names use it, ``-`` separates a variant's bit budget, and
#: ``dense`` (the dense vectors) and ``default`` (config.yaml's ``seeds.default``) are taken.
METHOD_NAME = re.compile(r"[a-z][a-z0-9_]*")
RESERVED_NAMES = ("dense", "default")
#: Definitions of the config schema a plugin's settings may refer to ("#/$defs/<name>").
SHARED_DEFINITIONS = ("n_bits_list", "n_bits", "tol", "i_boost")


class PluginError(InputError):
    """A plugin that cannot be used, named with its entry point and distribution."""


#: method name -> how its plugin is named in messages, for the plugins found so far.
_ORIGINS: dict[str, str] = {}


def _origin(entry: EntryPoint) -> str:
    dist = entry.dist.name if entry.dist is not None else "an unknown distribution"
    return f"plugin {entry.name!r} (entry point '{entry.name} = {entry.value}' of {dist}, group {ENTRY_POINT_GROUP})"


def plugin_origin(method: str) -> str:
    """How the plugin that declared ``method`` is named: its entry point and distribution."""
    return _ORIGINS.get(method, f"method {method!r}")


def plugin_failure(method: str, what: str, error: BaseException | None = None) -> PluginError:
    """A :class:`PluginError` saying ``what`` went wrong with ``method``'s plugin (and ``error``)."""
    origin = plugin_origin(method)
    reason = f": {type(error).__name__}: {error}" if error is not None else ""
    return PluginError(f"{origin}: {what}{reason}")


@contextmanager
def plugin_call(method: str, step: str) -> Iterator[None]:
    """Around a call into ``method``'s estimator (``step``: what binembed asked of it): whatever a
    plugin's estimator raises becomes one :class:`PluginError` naming the plugin, in the command's
    message and a workflow job's log alike. A built-in method's errors pass unchanged."""
    from .methods import BUILT_IN_METHODS

    if method in BUILT_IN_METHODS:
        yield
        return
    try:
        yield
    except PluginError:
        raise
    except Exception as err:  # noqa: BLE001 (whatever the plugin's code raises is the plugin's failure)
        raise plugin_failure(method, f"{step} failed", err) from None


def plugin_methods(built_in: dict) -> dict:
    """Method name -> :class:`~binembed.methods.Method` of every installed plugin, each checked;
    the first problem raises :class:`PluginError`."""
    from .methods import Method

    found: dict = {}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        name, origin = entry.name, _origin(entry)
        if name in built_in:
            raise PluginError(
                f"{origin}: {name!r} is a built-in method of binembed; give the entry point another name"
            )
        if name in found:
            raise PluginError(
                f"{origin}: {name!r} is also declared by {_ORIGINS[name]}; uninstall one of them"
            )
        if not METHOD_NAME.fullmatch(name) or name in RESERVED_NAMES:
            raise PluginError(
                f"{origin}: {name!r} cannot name a method (lower-case letters, digits and _, starting with a "
                f"letter; not {' or '.join(RESERVED_NAMES)})"
            )
        _ORIGINS[name] = origin
        try:
            spec = entry.load()
        except Exception as err:  # noqa: BLE001 (whatever the plugin's module raises is the plugin's failure)
            raise plugin_failure(name, "failed to import", err) from None
        if not isinstance(spec, Method):
            raise plugin_failure(
                name, f"the entry point's object is a {type(spec).__name__}, not a binembed.methods.Method"
            )
        problems = method_problems(spec)
        if problems:
            raise plugin_failure(name, "; ".join(problems))
        found[name] = spec
    return found


def method_problems(spec) -> list[str]:
    """What in a registry entry contradicts itself or the workflow, one phrase each."""
    import jsonschema  # only where a plugin is installed: the registry of built-ins needs none

    from .methods import FAMILIES

    problems = []
    module, colon, cls = spec.estimator.partition(":")
    if not (colon and module and cls.isidentifier()):
        problems.append(f"estimator {spec.estimator!r} is not 'package.module:ClassName'")
    if spec.family not in FAMILIES:
        problems.append(f"family {spec.family!r} is not one of {list(FAMILIES)}")
    if spec.stochastic != ("random_state" in spec.parameters):
        problems.append("a stochastic method takes random_state, and only a stochastic one")
    if not (
        isinstance(spec.threads, int)
        and spec.threads >= 1
        and isinstance(spec.runtime, int)
        and spec.runtime >= 1
    ):
        problems.append("threads and runtime must be integers >= 1")
    unknown = sorted(set(spec.settings) - set(spec.parameters))
    if unknown:
        problems.append(f"settings {unknown} are not among its parameters {list(spec.parameters)}")
    block = {"type": "object", "properties": spec.settings}
    try:
        jsonschema.Draft202012Validator.check_schema(block)
    except jsonschema.SchemaError as err:
        problems.append(f"settings are not a JSON schema: {err.message}")
    for reference in re.findall(r"'\$ref': '([^']*)'", repr(spec.settings)):
        if reference.removeprefix("#/$defs/") not in SHARED_DEFINITIONS:
            problems.append(
                f"settings refer to {reference!r}; only #/$defs/ {', '.join(SHARED_DEFINITIONS)} exist"
            )
    return problems
