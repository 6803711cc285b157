"""Where the ``binembed`` command finds a benchmark file, with or without a checkout of the workflow.

A set is named by a file path or by a resource name: the package's benchmark files
(``binembed/data/benchmarks.yaml``), with the entries of a config.yaml added when one is given.
A named file is copied from a mirror folder (``--mirror``, else the ``BINEMBED_MIRROR`` environment
variable, else the config's ``mirror``) or downloaded from its URL, in either case with the
workflow's verified downloader (:func:`binembed.fileio.download.obtain`), into the user's cache folder
(``BINEMBED_CACHE``, else the platform's: ``$XDG_CACHE_HOME/binembed``, ``~/Library/Caches/binembed``
or ``%LOCALAPPDATA%\\binembed\\Cache``), where the next call finds it. A mirror named by the option
or the variable must be a folder (a mistyped one would send every set to the network); a cache that
cannot be written is only a lost optimisation: a verified mirror copy is then read where it lies,
and a download is kept in a temporary folder for this process.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sys
import tempfile
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
    """The mirror folder to try first: the option, the environment variable, the config's. A
    folder named by the option or the variable that is not one is an :class:`InputError`; the
    config's, as in the workflow, a warning before every set is downloaded."""
    if option is not None:
        if not option.is_dir():
            raise InputError(f"--mirror {option}: not a folder (the mirror of the benchmark datasets)")
        return option
    if os.environ.get(MIRROR_VARIABLE):
        named = Path(os.environ[MIRROR_VARIABLE])
        if not named.is_dir():
            raise InputError(
                f"{MIRROR_VARIABLE}={named}: not a folder (point it at the mirror of the benchmark "
                f"datasets, or unset it)"
            )
        return named
    if config_mirror is not None and not config_mirror.is_dir():
        print(
            f"binembed: warning: the config's mirror {config_mirror} is not a folder; sets will be downloaded",
            file=sys.stderr,
        )
    return config_mirror


def _writable_folder(folder: Path) -> bool:
    """Whether a file can be made in ``folder`` (made if missing): tried, since permission bits
    say nothing of a read-only file system, nor of what root may do."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


@functools.cache
def _session_folder() -> Path:
    """A temporary folder for this process's downloads (one per process), removed when it exits."""
    folder = Path(tempfile.mkdtemp(prefix="binembed-data-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def benchmark_file(name: str, resources: dict, mirror: Path | None, download: dict | None = None) -> Path:
    """The file of set ``name``: a path as given, else the resource of that name in the cache,
    put there from the mirror or its URL (sha256-verified) unless a verified copy is there. Where
    the cache cannot be written, a verified mirror copy is returned as it is, and a download goes
    to a temporary folder (:func:`_session_folder`)."""
    if Path(name).is_file():
        return Path(name)
    if name not in resources:
        raise InputError(
            f"{name!r} is neither a file nor a benchmark resource (known: {', '.join(sorted(resources))})"
        )
    spec = resources[name]
    cache = cache_folder() / "data"
    cached = cache / name
    if cached.is_file() and spec.get("sha256") in (None, sha256_file(cached)):
        return cached
    if not _writable_folder(cache):
        in_mirror = (
            Path(mirror) / spec["mirror_path"] if mirror is not None and spec.get("mirror_path") else None
        )
        if in_mirror is not None and in_mirror.is_file() and spec.get("sha256") == sha256_file(in_mirror):
            return in_mirror
        print(
            f"binembed: warning: the cache {cache} cannot be written ({CACHE_VARIABLE} chooses another); "
            f"{name} is kept for this call only",
            file=sys.stderr,
        )
        cached = _session_folder() / name
    return obtain(name, spec, cached, mirror=mirror, **download_options(download or DEFAULT_DOWNLOAD))
