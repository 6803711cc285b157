"""Getting an embedding from its configured source (a wheel, a download, or a local file) into
memory, ready for :func:`binembed.embeddings.save_embedding`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .download import ResourceError, sha256_file
from .embeddings import (
    READERS,
    Embedding,
    EmbeddingFormatError,
    read_glove_text,
    read_numpy_with_parquet_vocab,
)
from .files import atomic_output


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


def read_source(source: dict, file) -> Embedding:
    """Read the embedding described by a config ``embedding_sources`` entry from ``file`` (the
    fetched wheel or download, or the configured path), checking its dimension."""
    file = Path(file)
    fmt, dim = source["format"], source["dim"]
    if "package" in source:
        with zipfile.ZipFile(file) as wheel, tempfile.TemporaryDirectory() as tmp:
            members = source["members"]
            for member in members.values():
                if member not in wheel.namelist():
                    raise EmbeddingFormatError(file, f"the wheel has no member {member!r}")
                wheel.extract(member, tmp)
            local = {key: Path(tmp) / member for key, member in members.items()}
            if fmt == "npy_parquet":
                embedding = read_numpy_with_parquet_vocab(local["vectors"], local["vocab"])
            else:
                embedding = _read(fmt, local["vectors"], dim)
    elif fmt == "npy_parquet":
        raise EmbeddingFormatError(file, "npy_parquet is only read out of a package wheel")
    elif fmt == "glove_text" and "member" in source:
        embedding = read_glove_text(file, member=source["member"], expected_dim=dim)
    else:
        embedding = _read(fmt, file, dim)
    if embedding.dim != dim:
        raise EmbeddingFormatError(file, f"vectors have {embedding.dim} dimensions, config 'dim' says {dim}")
    return embedding


def _read(fmt: str, file, dim: int) -> Embedding:
    """Read with the format's reader, which checks the dimension on the first line where it can."""
    if fmt == "gensim_keyedvectors":
        return READERS[fmt](file)
    return READERS[fmt](file, expected_dim=dim)
