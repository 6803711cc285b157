"""Tests for binembed.fileio.download against a real HTTP server on 127.0.0.1 run by the tests."""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import random
import socket
import struct
import tarfile
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple

import pytest

from binembed.errors import DiskFullError
from binembed.fileio import download as dl
from binembed.fileio.archives import extract_member
from binembed.fileio.download import download, obtain
from binembed.fileio.verified_files import ResourceError, sha256_file

MIB = 1 << 20
DATA = random.Random(20240601).randbytes(3 * MIB + 12345)
DATA_SHA = hashlib.sha256(DATA).hexdigest()
FAST = {"retries": 3, "backoff": 0.01, "timeout": 5.0}


class Request(NamedTuple):
    """What the test server saw of one request."""

    path: str
    range: str | None
    user_agent: str | None


class _Handler(BaseHTTPRequestHandler):
    """Serves the routes of its server; each route has a list of actions, one per request.

    Actions: ("ok",), ("status", code), ("ignore_range",) (full 200 body even for a Range request),
    ("truncate", n) (announce the full length, send n bytes, close), ("reset", n) (send n bytes,
    then abort the connection with a TCP reset), ("stall", n, seconds) (send n bytes, then wait) and
    ("trickle", n, seconds) (send n bytes, then one byte every so many seconds).
    The last action repeats once the list is used up.
    """

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        with server.lock:
            index = sum(1 for r in server.requests if r.path == self.path)
            headers = self.headers
            server.requests.append(Request(self.path, headers.get("Range"), headers.get("User-Agent")))
        if self.path not in server.routes:
            self.send_error(404)
            return
        data, actions = server.routes[self.path]
        kind, *args = actions[min(index, len(actions) - 1)]
        if kind == "status":
            self.send_error(args[0])
            return
        start = None if kind == "ignore_range" else _range_offset(self.headers.get("Range"))
        if start is not None and start >= len(data):
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = data[start or 0 :]
        if start is None:
            self.send_response(200)
        else:
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if kind in ("ok", "ignore_range"):
            self.wfile.write(body)
            return
        self.wfile.write(body[: min(args[0], len(body) - 1)])
        if kind == "reset":
            time.sleep(0.2)  # let the client read what was sent before the reset
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif kind == "stall":
            time.sleep(args[1])
        elif kind == "trickle":  # then one byte every args[1] seconds, until the client gives up
            for position in range(args[0], min(args[0] + 200, len(body))):
                time.sleep(args[1])
                try:
                    self.wfile.write(body[position : position + 1])
                    self.wfile.flush()
                except OSError:
                    return


def _range_offset(header: str | None) -> int | None:
    """Start of a 'bytes=K-' Range header, or None when there is none."""
    if header is None:
        return None
    assert header.startswith("bytes=") and header.endswith("-"), header
    return int(header[len("bytes=") : -1])


class _Server(ThreadingHTTPServer):
    """A ThreadingHTTPServer with configurable routes and a log of the requests it received."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, tuple[bytes, tuple]] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()

    def serve(self, path: str, data: bytes, *actions: tuple) -> str:
        """Serve data at path with the given per-request actions; return its URL."""
        self.routes[path] = (data, actions or (("ok",),))
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"

    def ranges(self, path: str) -> list[str | None]:
        """Range headers of the requests made for path, in order."""
        return [r.range for r in self.requests if r.path == path]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(folder) -> list[str]:
    """Names of all files below folder, relative to it."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# --- download -------------------------------------------------------------------------------


def test_sha256_file_matches_hashlib(tmp_path):
    path = tmp_path / "blob"
    path.write_bytes(DATA)
    assert sha256_file(path) == DATA_SHA
    assert sha256_file(str(path)) == DATA_SHA


def test_good_file_is_downloaded_and_verified(server, tmp_path):
    url = server.serve("/good.bin", DATA)
    dest = tmp_path / "nested" / "dir" / "good.bin"
    result = download(url, dest, sha256=DATA_SHA.upper(), name="good", **FAST)
    assert result == dest
    assert dest.read_bytes() == DATA
    assert sha256_file(dest) == DATA_SHA
    assert _files(tmp_path) == ["nested/dir/good.bin"]
    assert server.requests == [Request("/good.bin", None, "binembed")]


def test_wrong_checksum_fails_and_leaves_nothing(server, tmp_path):
    url = server.serve("/data.bin", DATA)
    dest = tmp_path / "data.bin"
    with pytest.raises(ResourceError) as err:
        download(url, dest, sha256="0" * 64, name="ws353", **FAST)
    message = str(err.value)
    assert message.startswith("resource 'ws353': sha256 mismatch for " + url)
    assert DATA_SHA in message and "0" * 64 in message
    assert err.value.resource == "ws353"
    assert _files(tmp_path) == []
    assert len(server.requests) == 1


def test_invalid_pin_is_rejected(tmp_path):
    with pytest.raises(ResourceError, match="resource 'x': invalid sha256"):
        download("http://127.0.0.1:9/x", tmp_path / "x", sha256="abc", name="x", **FAST)


def test_truncated_every_time_fails_after_retries(server, tmp_path):
    url = server.serve("/short.bin", DATA, ("truncate", MIB + 500))
    dest = tmp_path / "short.bin"
    with pytest.raises(ResourceError) as err:
        download(url, dest, sha256=DATA_SHA, name="short", retries=2, backoff=0.01, timeout=5.0)
    message = str(err.value)
    assert message.startswith("resource 'short': could not download " + url + " after 3 attempts")
    assert "short body" in message
    assert _files(tmp_path) == []
    ranges = server.ranges("/short.bin")
    assert len(ranges) == 3
    assert ranges[0] is None
    assert _range_offset(ranges[1]) == MIB + 500
    assert _range_offset(ranges[2]) == 2 * (MIB + 500)


def test_truncated_once_is_resumed_with_range(server, tmp_path, caplog):
    cut = MIB + 777
    url = server.serve("/once.bin", DATA, ("truncate", cut), ("ok",))
    dest = tmp_path / "once.bin"
    with caplog.at_level(logging.INFO, logger=dl.__name__):
        download(url, dest, sha256=DATA_SHA, name="once", **FAST)
    assert dest.read_bytes() == DATA
    assert server.ranges("/once.bin") == [None, f"bytes={cut}-"]
    assert _files(tmp_path) == ["once.bin"]
    assert f"resuming {url} at byte {cut}" in caplog.text


def test_connection_reset_mid_transfer_is_resumed(server, tmp_path):
    sent = 2 * MIB + 5
    url = server.serve("/reset.bin", DATA, ("reset", sent), ("ok",))
    dest = tmp_path / "reset.bin"
    download(url, dest, sha256=DATA_SHA, name="reset", **FAST)
    assert dest.read_bytes() == DATA
    ranges = server.ranges("/reset.bin")
    assert len(ranges) == 2 and ranges[0] is None
    assert 0 < _range_offset(ranges[1]) <= sent
    assert _files(tmp_path) == ["reset.bin"]


def test_socket_timeout_mid_transfer_is_resumed(server, tmp_path):
    sent = MIB + 3
    url = server.serve("/slow.bin", DATA, ("stall", sent, 1.0), ("ok",))
    dest = tmp_path / "slow.bin"
    download(url, dest, sha256=DATA_SHA, name="slow", retries=2, backoff=0.01, timeout=0.3)
    assert dest.read_bytes() == DATA
    ranges = server.ranges("/slow.bin")
    assert len(ranges) == 2 and ranges[0] is None
    assert 0 < _range_offset(ranges[1]) <= sent


@pytest.mark.parametrize("status", [404, 403])
def test_client_error_is_final(server, tmp_path, status):
    url = server.serve("/missing", DATA, ("status", status))
    dest = tmp_path / "missing.bin"
    with pytest.raises(ResourceError) as err:
        download(url, dest, sha256=DATA_SHA, name="ws353", **FAST)
    assert str(err.value).startswith(f"resource 'ws353': HTTP {status} ")
    assert str(err.value).endswith(f" from {url}")
    assert len(server.requests) == 1
    assert _files(tmp_path) == []


def test_server_ignoring_range_restarts_from_zero(server, tmp_path):
    url = server.serve("/norange.bin", DATA, ("truncate", 2 * MIB), ("ignore_range",))
    dest = tmp_path / "norange.bin"
    download(url, dest, sha256=DATA_SHA, name="norange", **FAST)
    assert dest.read_bytes() == DATA
    assert server.ranges("/norange.bin") == [None, f"bytes={2 * MIB}-"]


def test_unreachable_host_fails_after_retries(tmp_path, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = []
    monkeypatch.setattr(dl.time, "sleep", sleeps.append)
    url = f"http://127.0.0.1:{port}/data.bin"
    dest = tmp_path / "data.bin"
    with pytest.raises(ResourceError) as err:
        download(url, dest, sha256=DATA_SHA, name="gone", retries=2, backoff=0.5, timeout=2.0)
    message = str(err.value)
    assert message.startswith(f"resource 'gone': could not download {url} after 3 attempts")
    assert "refused" in message.lower()
    assert sleeps == [0.5, 1.0]
    assert _files(tmp_path) == []


@pytest.mark.parametrize("status", [503, 429])
def test_retryable_status_then_success(server, tmp_path, monkeypatch, status):
    sleeps = []
    monkeypatch.setattr(dl.time, "sleep", sleeps.append)
    url = server.serve("/busy.bin", DATA, ("status", status), ("status", status), ("ok",))
    dest = tmp_path / "busy.bin"
    download(url, dest, sha256=DATA_SHA, name="busy", retries=5, backoff=0.25, timeout=5.0)
    assert dest.read_bytes() == DATA
    assert sleeps == [0.25, 0.5]
    assert server.ranges("/busy.bin") == [None, None, None]


def test_stale_part_from_earlier_run_is_resumed(server, tmp_path):
    url = server.serve("/stale.bin", DATA)
    dest = tmp_path / "stale.bin"
    kept = 1_500_000
    (tmp_path / "stale.bin.part").write_bytes(DATA[:kept])
    download(url, dest, sha256=DATA_SHA, name="stale", **FAST)
    assert dest.read_bytes() == DATA
    assert server.ranges("/stale.bin") == [f"bytes={kept}-"]
    assert _files(tmp_path) == ["stale.bin"]


def test_corrupt_part_is_discarded_after_checksum_mismatch(server, tmp_path):
    url = server.serve("/corrupt.bin", DATA)
    dest = tmp_path / "corrupt.bin"
    (tmp_path / "corrupt.bin.part").write_bytes(b"\0" * 1000)
    download(url, dest, sha256=DATA_SHA, name="corrupt", **FAST)
    assert dest.read_bytes() == DATA
    assert server.ranges("/corrupt.bin") == ["bytes=1000-", None]


def test_range_not_satisfiable_restarts_from_zero(server, tmp_path):
    url = server.serve("/long.bin", DATA)
    dest = tmp_path / "long.bin"
    (tmp_path / "long.bin.part").write_bytes(DATA + b"extra")
    download(url, dest, sha256=DATA_SHA, name="long", **FAST)
    assert dest.read_bytes() == DATA
    assert server.ranges("/long.bin") == [f"bytes={len(DATA) + 5}-", None]


def test_unpinned_download_warns_with_digest(server, tmp_path, caplog):
    url = server.serve("/free.bin", DATA)
    dest = tmp_path / "free.bin"
    with caplog.at_level(logging.WARNING, logger=dl.__name__):
        download(url, dest, sha256=None, name="free", **FAST)
    assert dest.read_bytes() == DATA
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "resource 'free'" in warnings[0] and DATA_SHA in warnings[0] and "config.yaml" in warnings[0]


# --- extract_member ---------------------------------------------------------------------------

PAYLOAD = random.Random(7).randbytes(2 * MIB + 99)
PAYLOAD_SHA = _sha(PAYLOAD)
MEMBER = "data/inner.txt"
OTHERS = {"README": b"read me\n", "data/other.txt": b"other\n"}


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/", b"")
        zf.writestr(MEMBER, PAYLOAD)
        for member, content in OTHERS.items():
            zf.writestr(member, content)
    return buffer.getvalue()


def _tar_bytes(mode: str = "w:gz", prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        for member, content in {MEMBER: PAYLOAD, **OTHERS}.items():
            info = tarfile.TarInfo(prefix + member)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


ARCHIVES = {"zip": _zip_bytes, "tar.gz": _tar_bytes, "tar": lambda: _tar_bytes("w")}


@pytest.mark.parametrize("kind", sorted(ARCHIVES))
def test_extract_member_from_archive(tmp_path, kind):
    archive = tmp_path / f"bundle.{kind}"
    archive.write_bytes(ARCHIVES[kind]())
    dest = tmp_path / "out" / "inner.bin"
    assert extract_member(archive, MEMBER, dest, PAYLOAD_SHA, "bundle") == PAYLOAD_SHA
    assert dest.read_bytes() == PAYLOAD
    assert _files(tmp_path / "out") == ["inner.bin"]


@pytest.mark.parametrize(("prefix", "member"), [("./", MEMBER), ("", "./" + MEMBER)])
def test_extract_member_ignores_leading_dot_slash_in_tar(tmp_path, prefix, member):
    archive = tmp_path / "bundle.tgz"
    archive.write_bytes(_tar_bytes(prefix=prefix))
    dest = tmp_path / "inner.bin"
    extract_member(archive, member, dest, PAYLOAD_SHA, "bundle")
    assert dest.read_bytes() == PAYLOAD


def test_extract_plain_gzip(tmp_path):
    archive = tmp_path / "vectors.txt.gz"
    archive.write_bytes(gzip.compress(PAYLOAD))
    dest = tmp_path / "vectors.txt"
    assert extract_member(archive, None, dest, None, "vectors") == PAYLOAD_SHA  # unpinned: its digest
    assert dest.read_bytes() == PAYLOAD
    assert _files(tmp_path) == ["vectors.txt", "vectors.txt.gz"]


@pytest.mark.parametrize("kind", sorted(ARCHIVES))
def test_extract_missing_member_lists_available_files(tmp_path, kind):
    archive = tmp_path / f"bundle.{kind}"
    archive.write_bytes(ARCHIVES[kind]())
    dest = tmp_path / "out" / "inner.bin"
    with pytest.raises(ResourceError) as err:
        extract_member(archive, "nope.txt", dest, PAYLOAD_SHA, "bundle")
    message = str(err.value)
    assert message.startswith("resource 'bundle': member 'nope.txt' not found in ")
    assert "3 files" in message and "README" in message and MEMBER in message
    assert _files(tmp_path / "out") == []


def test_extract_checksum_mismatch_leaves_nothing(tmp_path):
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(_zip_bytes())
    dest = tmp_path / "out" / "inner.bin"
    with pytest.raises(ResourceError, match="resource 'bundle': sha256 mismatch for member 'data/inner.txt'"):
        extract_member(archive, MEMBER, dest, "f" * 64, "bundle")
    assert _files(tmp_path / "out") == []


def test_extract_from_non_archive_is_a_resource_error(tmp_path):
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"this is not an archive" * 100)
    with pytest.raises(ResourceError, match="resource 'bundle': cannot read archive"):
        extract_member(archive, MEMBER, tmp_path / "inner.bin", None, "bundle")
    assert _files(tmp_path) == ["bundle.zip"]


# --- obtain -----------------------------------------------------------------------------------


def test_obtain_uses_matching_mirror_without_http(server, tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "ws").mkdir(parents=True)
    (mirror / "ws" / "data.bin").write_bytes(DATA)
    spec = {"url": server.url("/data.bin"), "sha256": DATA_SHA, "mirror_path": "ws/data.bin"}
    dest = tmp_path / "raw" / "data.bin"
    assert obtain("ws", spec, dest, mirror=mirror, **FAST) == dest
    assert dest.read_bytes() == DATA
    assert server.requests == []
    assert _files(tmp_path / "raw") == ["data.bin"]


def test_obtain_falls_back_to_url_when_mirror_checksum_differs(server, tmp_path, caplog):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    stale = b"an older version of the file"
    (mirror / "data.bin").write_bytes(stale)
    url = server.serve("/data.bin", DATA)
    spec = {"url": url, "sha256": DATA_SHA, "mirror_path": "data.bin"}
    dest = tmp_path / "raw" / "data.bin"
    with caplog.at_level(logging.WARNING, logger=dl.__name__):
        obtain("ws", spec, dest, mirror=mirror, **FAST)
    assert dest.read_bytes() == DATA
    assert server.ranges("/data.bin") == [None]
    assert (mirror / "data.bin").read_bytes() == stale
    assert any("mirror file" in r.getMessage() and _sha(stale) in r.getMessage() for r in caplog.records)
    assert _files(tmp_path / "raw") == ["data.bin"]


def test_obtain_downloads_when_mirror_lacks_the_file(server, tmp_path):
    url = server.serve("/data.bin", DATA)
    spec = {"url": url, "sha256": DATA_SHA, "mirror_path": "absent.bin"}
    dest = tmp_path / "data.bin"
    obtain("ws", spec, dest, mirror=tmp_path / "mirror", **FAST)
    assert dest.read_bytes() == DATA
    assert len(server.requests) == 1


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_obtain_extracts_member_from_served_archive(server, tmp_path, kind):
    url = server.serve(f"/bundle.{kind}", ARCHIVES[kind]())
    spec = {"url": url, "sha256": PAYLOAD_SHA, "member": MEMBER}
    dest = tmp_path / "raw" / "inner.txt"
    obtain("bundle", spec, dest, **FAST)
    assert dest.read_bytes() == PAYLOAD
    assert _files(tmp_path / "raw") == ["inner.txt"]
    assert len(server.requests) == 1


def test_obtain_missing_member_leaves_nothing(server, tmp_path):
    url = server.serve("/bundle.zip", _zip_bytes())
    spec = {"url": url, "sha256": PAYLOAD_SHA, "member": "data/nope.txt"}
    dest = tmp_path / "raw" / "inner.txt"
    with pytest.raises(ResourceError, match="resource 'bundle': member 'data/nope.txt' not found"):
        obtain("bundle", spec, dest, **FAST)
    assert _files(tmp_path / "raw") == []


def test_obtain_verifies_the_archive_before_its_member(server, tmp_path):
    # a pinned archive checksum (as the SST zip's) is checked before anything is extracted
    archive = _zip_bytes()
    url = server.serve("/bundle.zip", archive)
    spec = {"url": url, "sha256": PAYLOAD_SHA, "member": MEMBER, "archive_sha256": _sha(archive)}
    obtain("bundle", spec, tmp_path / "good" / "inner.txt", **FAST)
    assert (tmp_path / "good" / "inner.txt").read_bytes() == PAYLOAD
    wrong = {**spec, "archive_sha256": "0" * 64}
    with pytest.raises(
        ResourceError, match=f"sha256 mismatch for {url}: expected 0{{64}}, got {_sha(archive)}"
    ):
        obtain("bundle", wrong, tmp_path / "bad" / "inner.txt", **FAST)
    assert _files(tmp_path / "bad") == []


def test_obtain_unpinned_member_warns_with_member_digest(server, tmp_path, caplog):
    archive = _zip_bytes()
    url = server.serve("/bundle.zip", archive)
    dest = tmp_path / "inner.txt"
    with caplog.at_level(logging.WARNING, logger=dl.__name__):
        obtain("bundle", {"url": url, "sha256": None, "member": MEMBER}, dest, **FAST)
    assert dest.read_bytes() == PAYLOAD
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert PAYLOAD_SHA in warnings[0] and _sha(archive) not in warnings[0]
    assert _files(tmp_path) == ["inner.txt"]


def test_obtain_requires_url(tmp_path):
    with pytest.raises(ResourceError, match="resource 'x': spec has no 'url'"):
        obtain("x", {"sha256": None}, tmp_path / "x")


def test_trickling_server_is_abandoned_at_the_deadline(server, tmp_path):
    # one byte every 0.1 s never trips the 5 s socket timeout; the overall deadline ends it
    url = server.serve("/slow.bin", DATA, ("trickle", 1000, 0.1))
    dest = tmp_path / "slow.bin"
    began = time.monotonic()
    with pytest.raises(ResourceError, match=r"exceeded the deadline of 1 s .*download.deadline_seconds"):
        download(url, dest, sha256=DATA_SHA, name="slow", deadline=1.0, **FAST)
    assert time.monotonic() - began < 4.0
    assert _files(tmp_path) == []


def test_trickling_server_fails_the_attempt_within_two_speed_windows(server, tmp_path, caplog):
    # one byte every 0.1 s: 10 bytes/s, below a limit of 100 bytes/s over 0.5 s windows; the
    # attempt fails, and the retry resumes where it stopped (then the server serves the rest)
    url = server.serve("/slow.bin", DATA, ("trickle", 1000, 0.1), ("ok",))
    dest = tmp_path / "slow.bin"
    began = time.monotonic()
    with caplog.at_level(logging.WARNING):
        download(url, dest, sha256=DATA_SHA, name="slow", min_speed=100, speed_window=0.5, **FAST)
    assert time.monotonic() - began < 3.0
    assert dest.read_bytes() == DATA
    assert "stalled: " in caplog.text and "'download.min_speed_bytes_per_second'" in caplog.text
    ranges = server.ranges("/slow.bin")
    assert ranges[0] is None and 1000 < int(ranges[1].removeprefix("bytes=").rstrip("-")) < 1100
    began = time.monotonic()
    url = server.serve("/slower.bin", DATA, ("trickle", 1000, 0.1))
    with pytest.raises(
        ResourceError, match=r"after 1 attempts: transfer of .* stalled: \d+ bytes/s over \d+ s"
    ):
        options = {**FAST, "retries": 0}
        download(
            url,
            tmp_path / "slower.bin",
            sha256=DATA_SHA,
            name="x",
            min_speed=100,
            speed_window=0.5,
            **options,
        )
    assert time.monotonic() - began < 2.0
    assert _files(tmp_path) == ["slow.bin"]


def test_a_full_disk_ends_the_download_with_the_documented_message(server, small_disk):
    data = random.Random(1).randbytes(2 * 2**20)
    url = server.serve("/big.bin", data)
    with pytest.raises(
        DiskFullError, match=r"the disk is full: No space left on device while writing .*big.bin"
    ):
        download(url, small_disk / "big.bin", sha256=_sha(data), name="big", **FAST)
    assert _files(small_disk) == []
