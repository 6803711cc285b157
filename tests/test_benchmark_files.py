"""The command's benchmark files outside a checkout: a path as given, else the named resource from a
mirror or its URL (a server on 127.0.0.1 here), verified, into the user's cache and reused."""

import hashlib

import pytest

from binembed.errors import InputError
from binembed.fileio.benchmark_files import benchmark_file, cache_folder, mirror_folder
from binembed.fileio.verified_files import ResourceError

PAIRS = b"car\ttruck\t9\ncar\tapple\t1\ncat\tdog\t8\n"


def test_the_cache_folder_is_the_platforms_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("BINEMBED_CACHE", str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"
    monkeypatch.delenv("BINEMBED_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "binembed"
    for folder in ("m", "option"):
        (tmp_path / folder).mkdir()
    monkeypatch.setenv("BINEMBED_MIRROR", str(tmp_path / "m"))
    assert mirror_folder(None, tmp_path / "config-mirror") == tmp_path / "m"
    assert mirror_folder(tmp_path / "option", None) == tmp_path / "option"


def test_a_named_set_is_downloaded_once_verified_and_reused(server, monkeypatch, tmp_path):
    monkeypatch.setenv("BINEMBED_CACHE", str(tmp_path / "cache"))
    resources = {
        "pairs": {"url": server.serve("/pairs.txt", PAIRS), "sha256": hashlib.sha256(PAIRS).hexdigest()}
    }
    path = benchmark_file("pairs", resources, mirror=None)
    assert path == tmp_path / "cache" / "data" / "pairs" and path.read_bytes() == PAIRS
    assert benchmark_file("pairs", resources, mirror=None) == path
    assert len(server.ranges("/pairs.txt")) == 1  # the second call found the verified copy
    path.write_bytes(b"damaged")
    assert benchmark_file("pairs", resources, mirror=None).read_bytes() == PAIRS
    assert len(server.ranges("/pairs.txt")) == 2
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "p.txt").write_bytes(PAIRS)
    resources["pairs"]["mirror_path"] = "p.txt"
    path.unlink()
    assert benchmark_file("pairs", resources, mirror=tmp_path / "mirror").read_bytes() == PAIRS
    assert len(server.ranges("/pairs.txt")) == 2  # from the mirror
    resources["bad"] = {
        "url": server.serve("/bad.txt", b"other"),
        "sha256": hashlib.sha256(PAIRS).hexdigest(),
    }
    with pytest.raises(ResourceError, match="resource 'bad': sha256 mismatch"):
        benchmark_file(
            "bad", resources, mirror=None, download={"retries": 0, "backoff_seconds": 0, "timeout_seconds": 5}
        )
    assert not (tmp_path / "cache" / "data" / "bad").exists()
    with pytest.raises(InputError, match="'ws-999' is neither a file nor a benchmark resource"):
        benchmark_file("ws-999", resources, mirror=None)


def test_a_mirror_named_by_the_option_or_the_variable_must_be_a_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("BINEMBED_MIRROR", str(tmp_path / "no-such-mirror"))
    with pytest.raises(InputError, match=r"^BINEMBED_MIRROR=.*no-such-mirror: not a folder"):
        mirror_folder(None, None)
    monkeypatch.delenv("BINEMBED_MIRROR")
    with pytest.raises(InputError, match=r"^--mirror .*typo: not a folder"):
        mirror_folder(tmp_path / "typo", None)


def test_a_cache_that_cannot_be_written_is_only_a_lost_optimisation(server, monkeypatch, tmp_path, capsys):
    """A verified mirror copy is read where it lies, a download kept for the call; nothing fails."""
    (tmp_path / "a-file").write_bytes(b"")
    monkeypatch.setenv("BINEMBED_CACHE", str(tmp_path / "a-file" / "cache"))  # cannot be made
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "p.txt").write_bytes(PAIRS)
    digest = hashlib.sha256(PAIRS).hexdigest()
    resources = {
        "pairs": {"url": server.serve("/pairs.txt", PAIRS), "sha256": digest, "mirror_path": "p.txt"}
    }
    assert benchmark_file("pairs", resources, mirror=tmp_path / "mirror") == tmp_path / "mirror" / "p.txt"
    assert server.ranges("/pairs.txt") == []
    downloaded = benchmark_file("pairs", resources, mirror=None)
    assert downloaded.read_bytes() == PAIRS and tmp_path not in downloaded.parents
    assert "cannot be written" in capsys.readouterr().err
