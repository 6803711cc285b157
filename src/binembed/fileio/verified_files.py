"""Files that are checked before they are trusted: SHA-256 pins, the temporary ``<dest>.part`` name
a file is written under until its checksum has been compared, and the one error of a named
resource. Shared by the HTTP downloads (:mod:`binembed.fileio.download`) and the archive members
(:mod:`binembed.fileio.archives`)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ..errors import InputError

log = logging.getLogger("binembed.fileio.download")

CHUNK_SIZE = 1 << 20


class ResourceError(InputError):
    """One clear error about one named resource; message starts with "resource '<name>': "."""

    def __init__(self, name: str, message: str):
        super().__init__(f"resource '{name}': {message}")
        self.resource = name


def sha256_file(path) -> str:
    """Hex SHA-256 digest of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK_SIZE):
            digest.update(block)
    return digest.hexdigest()


def part_path(dest: Path) -> Path:
    """The temporary name a file is written under before being renamed to dest."""
    return dest.with_name(dest.name + ".part")


def source_description(archive, member: str | None) -> str:
    """Human-readable name of an archive member (or of the archive itself)."""
    return str(archive) if member is None else f"member '{member}' of {archive}"


def normalize_pin(sha256, name: str) -> str | None:
    """Lower-case a pinned checksum after checking it is 64 hex digits; None stays None."""
    if sha256 is None:
        return None
    pin = sha256.strip().lower() if isinstance(sha256, str) else ""
    if len(pin) != 64 or any(c not in "0123456789abcdef" for c in pin):
        raise ResourceError(name, f"invalid sha256 {sha256!r}: expected 64 hex digits or null")
    return pin


def warn_unpinned(name: str, source: str, digest: str) -> None:
    """Warn that a file was accepted without a pinned checksum, giving the digest to pin."""
    log.warning(
        "resource '%s': no sha256 pinned; accepted %s with sha256 %s - pin it in config.yaml",
        name,
        source,
        digest,
    )
