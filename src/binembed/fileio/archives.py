"""One member of an archive (a zip, a plain or compressed tar, or a whole gzip file), streamed to its
destination via ``<dest>.part`` and renamed into place only after its SHA-256 has been checked."""

from __future__ import annotations

import gzip
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

from .files import full_disk_reported
from .verified_files import (
    CHUNK_SIZE,
    ResourceError,
    log,
    part_path,
    sha256_file,
    source_description,
)

_LISTED_NAMES = 10


def extract_member(archive: Path, member: str | None, dest: Path, pin: str | None, name: str) -> str:
    """Write a member of ``archive`` (a zip or tar archive, plain, .tar.gz/.tgz or another tarfile
    compression; ``member=None``: a plain gzip file as a whole) to ``dest`` via ``dest.part``,
    verified against ``pin`` (a normalized sha256, or None) of resource ``name``; return its sha256."""
    part = part_path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    source = source_description(archive, member)
    try:
        with full_disk_reported(dest), open(part, "wb") as out:
            _write_member(archive, member, out, name)
        digest = sha256_file(part)
        if pin is not None and digest != pin:
            raise ResourceError(name, f"sha256 mismatch for {source}: expected {pin}, got {digest}")
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    log.info("resource '%s': extracted %s to %s (%d bytes)", name, source, dest, dest.stat().st_size)
    return digest


def _write_member(archive: Path, member: str | None, out, name: str) -> None:
    """Stream the content of one archive member (or of a whole gzip file) into out."""
    try:
        if member is None:
            with gzip.open(archive, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK_SIZE)
        elif zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                info = next((i for i in zf.infolist() if i.filename == member and not i.is_dir()), None)
                if info is None:
                    files = [i.filename for i in zf.infolist() if not i.is_dir()]
                    raise _missing_member(name, member, archive, files[:_LISTED_NAMES], len(files))
                with zf.open(info) as src:
                    shutil.copyfileobj(src, out, CHUNK_SIZE)
        else:
            _write_tar_member(archive, member, out, name)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, gzip.BadGzipFile) as exc:
        raise ResourceError(name, f"cannot read archive {archive}: {exc}") from exc


def _write_tar_member(archive: Path, member: str, out, name: str) -> None:
    """Stream one regular file out of a (possibly compressed) tar archive into out."""
    wanted = member.removeprefix("./")
    listed, count = [], 0
    with tarfile.open(archive, "r|*") as tar:
        for info in tar:
            if not info.isfile():
                continue
            if info.name.removeprefix("./") == wanted:
                shutil.copyfileobj(tar.extractfile(info), out, CHUNK_SIZE)
                return
            count += 1
            if len(listed) < _LISTED_NAMES:
                listed.append(info.name)
    raise _missing_member(name, member, archive, listed, count)


def _missing_member(name: str, member: str, archive: Path, listed: list[str], count: int) -> ResourceError:
    """The error for a member that is not a file in archive, naming a few files that are."""
    available = ", ".join(listed) + (", ..." if count > len(listed) else "") if listed else "no files"
    return ResourceError(
        name, f"member '{member}' not found in {archive}; it holds {count} files: {available}"
    )
