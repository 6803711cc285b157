"""Fetch external resources: resumable, verified HTTP downloads (with retries, a deadline and a
low-speed limit), copies from a local mirror, and :func:`obtain`, which puts a named resource in
place from the first source that works (extracting an archive's member with
:mod:`binembed.fileio.archives`).

Every file is written under a temporary ``<dest>.part`` name in the destination folder and renamed
into place only after its SHA-256 has been checked, so ``dest`` is either complete or absent.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..progress import Progress
from .archives import extract_member
from .files import full_disk_reported
from .verified_files import (
    CHUNK_SIZE,
    ResourceError,
    normalize_pin,
    part_path,
    sha256_file,
    source_description,
    warn_unpinned,
)

log = logging.getLogger(__name__)

USER_AGENT = "binembed"
#: Seconds a whole download may take, retries included (GoogleNews' 1.6 GB at 1 MB/s: 27 min).
DEFAULT_DEADLINE = 4 * 3600.0
#: A transfer slower than MIN_SPEED bytes a second over a window of SPEED_WINDOW seconds has
#: stalled (curl's --speed-limit/--speed-time): it fails, at most two windows after it slowed down,
#: and the next attempt resumes where it stopped.
DEFAULT_MIN_SPEED = 1000.0
DEFAULT_SPEED_WINDOW = 30.0


class _Transient(Exception):
    """A failure worth retrying after a pause: network trouble, a short body, HTTP 5xx or 429."""


class _Restart(Exception):
    """The partial file cannot be trusted or resumed; drop it and start again from byte 0."""


def download_options(settings: dict) -> dict:
    """The keyword arguments of :func:`download` and :func:`obtain` from config.yaml's ``download``
    block (optional keys take their defaults)."""
    return {
        "retries": settings["retries"],
        "backoff": settings["backoff_seconds"],
        "timeout": settings["timeout_seconds"],
        "deadline": settings.get("deadline_seconds", DEFAULT_DEADLINE),
        "min_speed": settings.get("min_speed_bytes_per_second", DEFAULT_MIN_SPEED),
        "speed_window": settings.get("min_speed_window_seconds", DEFAULT_SPEED_WINDOW),
    }


@dataclass(frozen=True)
class _Pace:
    """When a download must end (monotonic time ``ends``, its ``deadline`` in seconds) and the
    slowest transfer it accepts (``min_speed`` bytes a second over ``speed_window`` seconds)."""

    ends: float
    deadline: float
    min_speed: float
    speed_window: float


def download(
    url: str,
    dest,
    *,
    sha256: str | None,
    name: str,
    retries: int = 5,
    backoff: float = 1.0,
    timeout: float = 60.0,
    deadline: float = DEFAULT_DEADLINE,
    min_speed: float = DEFAULT_MIN_SPEED,
    speed_window: float = DEFAULT_SPEED_WINDOW,
) -> Path:
    """Download url to dest via dest.part, resuming with HTTP Range after an interruption,
    retrying with exponential backoff (backoff * 2**attempt seconds), verifying sha256, then
    atomically renaming into place. sha256=None accepts the file and logs its digest. ``timeout``
    bounds each socket operation, ``deadline`` (seconds) the whole download, retries included, and
    an attempt slower than ``min_speed`` bytes a second over ``speed_window`` seconds fails (a
    server that trickles bytes never trips a socket timeout)."""
    dest = Path(dest)
    pin = normalize_pin(sha256, name)
    digest = _download(
        url, dest, pin, name, retries, backoff, timeout, _pace(deadline, min_speed, speed_window)
    )
    if pin is None:
        warn_unpinned(name, url, digest)
    return dest


def obtain(
    name: str,
    spec: dict,
    dest,
    *,
    mirror=None,
    retries: int = 5,
    backoff: float = 1.0,
    timeout: float = 60.0,
    deadline: float = DEFAULT_DEADLINE,
    min_speed: float = DEFAULT_MIN_SPEED,
    speed_window: float = DEFAULT_SPEED_WINDOW,
) -> Path:
    """Make the resource `name` exist at dest, from the mirror when it holds a matching copy,
    otherwise from spec['url'] (extracting spec['member'] from the archive there, if given).

    spec keys: 'url' (required), 'sha256' (64 hex digits or None; the checksum of the final file),
    'mirror_path' (relative to the mirror folder), 'member' (path inside the archive at 'url') and
    'archive_sha256' (the archive's checksum, verified before the member is extracted).
    """
    dest = Path(dest)
    url = spec.get("url")
    if not url:
        raise ResourceError(name, "spec has no 'url'")
    pin = normalize_pin(spec.get("sha256"), name)
    pace = _pace(deadline, min_speed, speed_window)
    source, digest = _obtain(name, url, pin, spec, dest, mirror, retries, backoff, timeout, pace)
    if pin is None:
        warn_unpinned(name, source, digest)
    return dest


def _obtain(
    name: str,
    url: str,
    pin: str | None,
    spec: dict,
    dest: Path,
    mirror,
    retries: int,
    backoff: float,
    timeout: float,
    pace: _Pace,
) -> tuple[str, str]:
    """Put the resource at dest from the first usable source; return that source and the sha256."""
    mirror_path = spec.get("mirror_path")
    if mirror is not None and mirror_path:
        mirror_file = Path(mirror) / mirror_path
        digest = _copy_from_mirror(mirror_file, dest, pin, name)
        if digest is not None:
            return str(mirror_file), digest
    member = spec.get("member")
    if member is None:
        return url, _download(url, dest, pin, name, retries, backoff, timeout, pace)
    archive = dest.with_name(dest.name + ".archive")
    archive_pin = normalize_pin(spec.get("archive_sha256"), name)
    try:
        _download(url, archive, archive_pin, name, retries, backoff, timeout, pace)
        return source_description(url, member), extract_member(archive, member, dest, pin, name)
    finally:
        archive.unlink(missing_ok=True)


def _pace(deadline: float, min_speed: float, speed_window: float) -> _Pace:
    """The pace of a download that starts now."""
    return _Pace(time.monotonic() + deadline, deadline, min_speed, speed_window)


def _download(
    url: str,
    dest: Path,
    pin: str | None,
    name: str,
    retries: int,
    backoff: float,
    timeout: float,
    pace: _Pace,
) -> str:
    """Fetch url into dest, verified against pin when given; return the file's sha256.

    The partial file is removed on any error but kept on KeyboardInterrupt, so a later run resumes.
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ResourceError(name, f"unsupported URL {url!r}: only http and https are supported")
    part = part_path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    log.info("resource '%s': downloading %s", name, url)
    attempt = 0
    restarted = False
    try:
        while True:
            try:
                start = _transfer(url, part, name, timeout, pace)
                digest = sha256_file(part)
                if pin is not None and digest != pin:
                    mismatch = f"sha256 mismatch for {url}: expected {pin}, got {digest}"
                    if start == 0:
                        raise ResourceError(name, mismatch)
                    raise _Restart(f"{mismatch} after resuming at byte {start}")
            except _Transient as exc:
                if attempt >= retries:
                    raise ResourceError(
                        name, f"could not download {url} after {attempt + 1} attempts: {exc}"
                    ) from exc
                delay = backoff * 2**attempt
                if time.monotonic() + delay > pace.ends:
                    raise ResourceError(
                        name,
                        f"could not download {url} within the deadline of {pace.deadline:g} s "
                        f"(config key 'download.deadline_seconds'): {exc}",
                    ) from exc
                log.warning(
                    "resource '%s': attempt %d of %d failed: %s; retrying in %.2f s",
                    name,
                    attempt + 1,
                    retries + 1,
                    exc,
                    delay,
                )
                time.sleep(delay)
                attempt += 1
                continue
            except _Restart as exc:
                if restarted:
                    raise ResourceError(name, str(exc)) from exc
                log.warning(
                    "resource '%s': %s; discarding the partial file and restarting from byte 0", name, exc
                )
                part.unlink()
                restarted = True
                continue
            os.replace(part, dest)
            log.info(
                "resource '%s': downloaded %s to %s (%d bytes, %d retries)",
                name,
                url,
                dest,
                dest.stat().st_size,
                attempt,
            )
            return digest
    except Exception:
        part.unlink(missing_ok=True)
        raise


def _transfer(url: str, part: Path, name: str, timeout: float, pace: _Pace) -> int:
    """Make one request for what part still lacks and write the body into it.

    Returns the byte offset the body was written from (0 when the file was written from scratch).
    Raises _Transient for retryable failures, _Restart when resuming is impossible and
    ResourceError for final HTTP errors.
    """
    offset = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        status = f"HTTP {exc.code} {exc.reason} from {url}"
        if exc.code == 416 and offset:
            raise _Restart(f"{status} when resuming at byte {offset}") from exc
        if exc.code == 429 or exc.code >= 500:
            raise _Transient(status) from exc
        raise ResourceError(name, status) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _Transient(f"cannot reach {url}: {exc}") from exc

    with response:
        if response.status == 206 and offset:
            content_range = response.headers.get("Content-Range")
            if _range_start(content_range) != offset:
                raise _Restart(
                    f"{url} answered Content-Range {content_range!r} to a request from byte {offset}"
                )
            log.info("resource '%s': resuming %s at byte %d", name, url, offset)
            mode = "ab"
        elif response.status == 200:
            if offset:
                log.info("resource '%s': %s ignored the range request; restarting from byte 0", name, url)
            offset, mode = 0, "wb"
        else:
            raise ResourceError(name, f"unexpected HTTP {response.status} {response.reason} from {url}")
        length = response.headers.get("Content-Length", "")
        megabytes = int(length) / 2**20 if length.isdigit() else 0.0
        with Progress(megabytes, f"resource '{name}'", "MiB", enabled=megabytes >= 16) as progress:
            received = _write_body(response, part, mode, url, name, pace, progress)
    if length.isdigit() and received < int(length):
        raise _Transient(f"short body from {url}: received {received} of {length} bytes")
    return offset


def _range_start(content_range: str | None) -> int | None:
    """First byte position of a 'bytes START-END/TOTAL' Content-Range value, or None."""
    unit, _, spec = (content_range or "").partition(" ")
    start, dash, _ = spec.partition("-")
    if unit.lower() != "bytes" or not dash or not start.strip().isdigit():
        return None
    return int(start)


def _write_body(response, part: Path, mode: str, url: str, name: str, pace: _Pace, progress: Progress) -> int:
    """Copy a response body into part as it arrives (at most 1 MiB a read, so that a slow server
    cannot hold one read for long); return the number of bytes received. Past the monotonic time
    ``pace.ends`` the download is abandoned; a window of ``pace.speed_window`` seconds in which
    fewer than ``pace.min_speed`` bytes a second arrived ends this attempt."""
    received = 0
    window_start, window_received = time.monotonic(), 0
    with full_disk_reported(part), open(part, mode) as out:
        while True:
            try:
                chunk = response.read1(CHUNK_SIZE)
            except (OSError, http.client.HTTPException) as exc:
                raise _Transient(f"transfer of {url} interrupted after {received} bytes: {exc!r}") from exc
            now = time.monotonic()
            if now > pace.ends:
                raise ResourceError(
                    name,
                    f"download of {url} exceeded the deadline of {pace.deadline:g} s after {received} bytes "
                    "of this attempt (config key 'download.deadline_seconds'; raise it for a slow link)",
                )
            if not chunk:
                return received
            out.write(chunk)
            received += len(chunk)
            progress.update(len(chunk) / 2**20)
            if now - window_start >= pace.speed_window:
                speed = (received - window_received) / (now - window_start)
                if speed < pace.min_speed:
                    raise _Transient(
                        f"transfer of {url} stalled: {speed:.0f} bytes/s over {now - window_start:.0f} s, "
                        f"below {pace.min_speed:g} (config keys 'download.min_speed_bytes_per_second', "
                        "'download.min_speed_window_seconds')"
                    )
                window_start, window_received = now, received


def _copy_from_mirror(source: Path, dest: Path, pin: str | None, name: str) -> str | None:
    """Copy a mirror file to dest via dest.part if it exists and matches pin; return its sha256,
    or None when the mirror cannot be used."""
    if not source.is_file():
        log.info("resource '%s': %s not in the mirror", name, source)
        return None
    part = part_path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with full_disk_reported(dest), open(source, "rb") as src, open(part, "wb") as out:
            while block := src.read(CHUNK_SIZE):
                digest.update(block)
                out.write(block)
        if pin is not None and digest.hexdigest() != pin:
            log.warning(
                "resource '%s': mirror file %s has sha256 %s, expected %s; using the URL instead",
                name,
                source,
                digest.hexdigest(),
                pin,
            )
            part.unlink()
            return None
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    log.info("resource '%s': copied %s from the mirror (%d bytes)", name, source, dest.stat().st_size)
    return digest.hexdigest()
