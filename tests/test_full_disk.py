"""A full disk is the documented one-line message, naming the file being written, whichever writer
meets it, and leaves no partial output: numpy's np.save reports a short write without an errno,
which the first check of the errno missed."""

import errno
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from binembed.codes import BinaryCodes
from binembed.errors import DiskFullError, is_disk_full
from binembed.fileio.embeddings import Embedding, save_embedding
from binembed.fileio.files import atomic_output, write_table

FULL = r"\[Errno 28\] the disk is full: No space left on device while writing .*{name} \(.* MiB free"


def _contents(folder):
    return sorted(p.name for p in folder.rglob("*"))


def test_numpys_short_write_without_errno_counts_as_a_full_disk(tmp_path, monkeypatch):
    def short_write(*args, **kwargs):
        raise OSError("2400000 requested and 770016 written")

    monkeypatch.setattr(np, "save", short_write)
    embedding = Embedding(["a", "b"], np.zeros((2, 3), np.float32))
    with pytest.raises(DiskFullError, match=FULL.format(name="vectors.npy")):
        save_embedding(embedding, tmp_path / "e")
    assert _contents(tmp_path) == ["e"]
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert not is_disk_full(OSError("something else")) and not is_disk_full(
        ValueError("2 requested and 1 written")
    )


def test_every_writer_reports_a_real_full_disk(small_disk):
    big = Embedding([f"w{i}" for i in range(1000)], np.ones((1000, 400), np.float32))  # 1.6 MB
    with pytest.raises(DiskFullError, match=FULL.format(name="vectors.npy")):
        save_embedding(big, small_disk / "e")
    codes = BinaryCodes.from_bits(big.words, np.ones((1000, 9000), np.uint8))  # 1.1 MB packed
    with pytest.raises(DiskFullError, match=FULL.format(name="codes.npz")):
        codes.save(small_disk / "codes.npz")
    with pytest.raises(DiskFullError, match=FULL.format(name="table.csv")):
        write_table(pd.DataFrame({"x": np.arange(300_000)}), small_disk / "table.csv")
    with (
        pytest.raises(DiskFullError, match=FULL.format(name="note.txt")),
        atomic_output(small_disk / "note.txt") as tmp,
    ):
        tmp.write_bytes(b"x" * 2**21)
    assert _contents(small_disk) == ["e"]


def test_the_command_says_the_disk_is_full_in_one_line(small_disk, tmp_path):
    vectors = tmp_path / "v.txt"
    rng = np.random.default_rng(0)
    vectors.write_text(
        "".join(
            f"w{i} " + " ".join(f"{x:.3f}" for x in row) + "\n"
            for i, row in enumerate(rng.normal(size=(3000, 50)))
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "binembed",
            "encode",
            "lsh",
            vectors,
            small_disk / "codes.npz",
            "--param",
            "n_bits=4000",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("binembed encode: error: [Errno 28] the disk is full") and "codes.npz" in last
    assert "Traceback" not in result.stderr
    assert _contents(small_disk) == []
