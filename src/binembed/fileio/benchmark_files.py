"""Where the ``binembed`` command finds a benchmark file, with or without a checkout of the workflow.

A set is named by a file path or by a resource name: the package's benchmark files
(``binembed/data/benchmarks.yaml``), with the entries of a config.yaml added when one is given.
A named file is copied from a mirror folder (``--mirror``, else the ``BINEMBED_MIRROR`` environment
variable, else the config's ``mirror``) or downloaded from its URL, in either case with the
workflow's verified downloader (:func:`binembed.fileio.download.obtain`), into the user's cache folder
(``BINEMBED_CACHE``, else the platform's: ``$XDG_CACHE_HOME/binembed``, ``~/Library/Caches/binembed``
or ``%LOCALAPPDATA%\\binembed\\Cache``), where the next call finds it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import InputError
from .download import download_options, obtain
from .verified_files import sha256_file

MIRROR_VARIABLE = "BINEMBED_MIRROR"
CACHE_VARIABLE = "BINEMBED_CACHE"
#: The download behaviour without a config: that of config.yaml's ``download`` block.
DEFAULT_DOWNLOAD = {"retries": 5, "backoff_seconds": 2, "timeout_seconds": 60}


def cache_folder() -> Path:
    """The folder benchmark files are kept in between calls (``BINEMBED_CACHE`` overrides it)."""
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "binembed"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "binembed" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "binembed"


def mirror_folder(option: Path | None, config_mirror: Path | None) -> Path | None:
    """The mirror folder to try first: the option, the environment variable, the config's."""
    if option is not None:
        return option
    if os.environ.get(MIRROR_VARIABLE):
        return Path(os.environ[MIRROR_VARIABLE])
    return config_mirror


def benchmark_file(name: str, resources: dict, mirror: Path | None, download: dict | None = None) -> Path:
    """The file of set ``name``: a path as given, else the resource of that name in the cache,
    put there from the mirror or its URL (sha256-verified) unless a verified copy is there."""
    if Path(name).is_file():
        return Path(name)
    if name not in resources:
        raise InputError(
            f"{name!r} is neither a file nor a benchmark resource (known: {', '.join(sorted(resources))})"
        )
    spec = resources[name]
    cached = cache_folder() / "data" / name
    if cached.is_file() and spec.get("sha256") in (None, sha256_file(cached)):
        return cached
    return obtain(name, spec, cached, mirror=mirror, **download_options(download or DEFAULT_DOWNLOAD))
