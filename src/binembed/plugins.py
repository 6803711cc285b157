"""Binarizers from other packages: the entry-point group ``binembed.binarizers``.

A package registers a method by an entry point in that group whose name is the method's name and
whose object is a :class:`binembed.method_spec.Method` (importable as ``binembed.methods.Method``; in pyproject.toml,
``[project.entry-points."binembed.binarizers"]`` ``median_sign = "my_package.registry:MEDIAN_SIGN"``).
The module holding the :class:`~binembed.method_spec.Method` should import no heavy library: the
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
from .method_spec import Method, method_problems

#: The entry-point group a package registers its binarizers under.
ENTRY_POINT_GROUP = "binembed.binarizers"
#: A method's name: wildcards and file names use it, ``-`` separates a variant's bit budget, and
#: ``dense`` (the dense vectors) and ``default`` (config.yaml's ``seeds.default``) are taken.
METHOD_NAME = re.compile(r"[a-z][a-z0-9_]*")
RESERVED_NAMES = ("dense", "default")


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
    message and a workflow job's log alike. A built-in method's errors pass unchanged: only a
    method some entry point declares is wrapped (looked up here too, since a job may run an
    unpickled estimator before anything loaded the registry)."""
    if method not in _ORIGINS:
        entry = next(iter(entry_points(group=ENTRY_POINT_GROUP, name=method)), None)
        if entry is not None:
            _ORIGINS[method] = _origin(entry)
    if method not in _ORIGINS:
        yield
        return
    try:
        yield
    except PluginError:
        raise
    except Exception as err:  # noqa: BLE001 (whatever the plugin's code raises is the plugin's failure)
        raise plugin_failure(method, f"{step} failed", err) from None


def plugin_methods(built_in: dict) -> dict:
    """Method name -> :class:`~binembed.method_spec.Method` of every installed plugin, each checked
    (:func:`~binembed.method_spec.method_problems`); the first problem raises :class:`PluginError`."""
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
