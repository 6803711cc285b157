from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "data"


def estimators_in(module: str) -> tuple:
    """The estimator classes of the built-in methods defined in ``module`` (registry order)."""
    from binembed.methods import BUILT_IN_METHODS, binarizer_class

    return tuple(
        binarizer_class(name)
        for name, spec in BUILT_IN_METHODS.items()
        if spec.estimator.startswith(module + ":")
    )


@pytest.fixture(scope="session")
def mirror() -> Path:
    if not (MIRROR / "MANIFEST.md").exists():
        pytest.fail(f"benchmark mirror not found at {MIRROR}")
    return MIRROR


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a real 1 MiB file system (a tmpfs), to fill up: a full disk as the operating
    system reports it to each writer. Mounting needs root, as in this project's sandbox and CI; a
    machine that refuses it skips the test, saying so."""
    import subprocess

    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        check=False,
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a 1 MiB tmpfs here: {mounted.stderr.strip()}")
    yield folder
    subprocess.run(["umount", "--lazy", str(folder)], check=True)


@pytest.fixture(autouse=True)
def _own_benchmark_cache(tmp_path_factory, monkeypatch):
    """The command's benchmark cache in a temporary folder of each test's own, never the user's
    (BINEMBED_CACHE): what one test caches must not answer another's download."""
    monkeypatch.setenv("BINEMBED_CACHE", str(tmp_path_factory.mktemp("benchmark-cache")))


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 with configurable routes (test_download's _Server)."""
    import threading

    from test_download import _Server

    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)
