"""The package on its own: the wheel, installed into a fresh virtual environment with no checkout on
its path, lists, encodes and evaluates from another folder, finding the benchmark sets through a
mirror (the option or BINEMBED_MIRROR) and its cache, with the Spearman the workflow's code gives."""

import os
import re
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from conftest import REPO

from binembed.codes import BinaryCodes
from binembed.evaluation.scores import Representation, word_similarity
from binembed.fileio.datasets import read_word_similarity

# builds a wheel and a virtual environment (about half a minute), installing its dependencies from the index
pytestmark = [pytest.mark.slow, pytest.mark.needs_index]


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def test_the_wheel_works_outside_a_checkout(tmp_path, mirror):
    # built from a copy of what a wheel is made of, so that no build/ folder of the checkout (which
    # setuptools reuses, stale modules included) can slip into it
    source = tmp_path / "source"
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        tmp_path / "dist",
    ]
    run([*build, source])
    (wheel,) = (tmp_path / "dist").glob("binembed-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"binembed/data/benchmarks.yaml", "binembed/configuration/config.schema.yaml"} <= names
    assert "binembed/spiking.py" not in names and "binembed/binarizers/spiking/coders.py" in names
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv])
    # the checkout's pins as constraints: the same versions, from pip's cache where it has them
    run([venv / "bin" / "pip", "install", "-q", wheel, "-c", REPO / "requirements.txt"])

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pairs = read_word_similarity(mirror / "word-sim" / "EN-WS-353-ALL.txt")
    words = sorted({w.lower() for w in (*pairs.word1, *pairs.word2)})
    vectors = np.random.default_rng(0).normal(size=(len(words), 20))
    (elsewhere / "vectors.txt").write_text(
        "".join(f"{w} " + " ".join(f"{x:.4f}" for x in row) + "\n" for w, row in zip(words, vectors))
    )
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "BINEMBED_CACHE": str(tmp_path / "cache"),
        "OMP_NUM_THREADS": "1",
    }
    where = run(
        [venv / "bin" / "python", "-c", "import binembed; print(binembed.__file__)"], cwd=elsewhere, env=env
    )
    assert where.startswith(str(venv)) and str(REPO) not in where
    methods = run([venv / "bin" / "binembed", "methods"], cwd=elsewhere, env=env)
    assert "lif  [spiking]" in methods and "    tau_m = 10.0" in methods
    # torch is an optional dependency (the autoencoder extra): named, not a traceback
    assert "ae_nste needs torch, which is not installed: pip install 'binembed[autoencoder]'" in methods
    result = subprocess.run(
        [venv / "bin" / "binembed", "encode", "ae_nste", "vectors.txt", "ae.npz"],
        capture_output=True,
        text=True,
        check=False,
        cwd=elsewhere,
        env=env,
    )
    assert result.returncode == 1 and result.stderr.strip().endswith("pip install 'binembed[autoencoder]'")
    run(
        [venv / "bin" / "binembed", "encode", "lsh", "vectors.txt", "codes.npz", "--param", "n_bits=64"],
        cwd=elsewhere,
        env=env,
    )

    report = run(
        [venv / "bin" / "binembed", "evaluate", "codes.npz", "--word-sim", "ws353-all", "--mirror", mirror],
        cwd=elsewhere,
        env=env,
    )
    printed = float(re.search(r"ws353-all\s+spearman x 100\s+(\S+)", report).group(1))
    codes = BinaryCodes.load(elsewhere / "codes.npz")
    expected = word_similarity(Representation(codes), pairs)[1]["spearman"]
    assert printed == pytest.approx(expected, abs=0.05)
    assert (tmp_path / "cache" / "data" / "ws353-all").read_bytes() == (
        mirror / "word-sim" / "EN-WS-353-ALL.txt"
    ).read_bytes()
    # BINEMBED_MIRROR stands for --mirror; a second call finds the cached copy
    report = run(
        [venv / "bin" / "binembed", "evaluate", "codes.npz", "--word-sim", "ws353-all", "--word-sim", "rw"],
        cwd=elsewhere,
        env={**env, "BINEMBED_MIRROR": str(mirror)},
    )
    assert f"{printed:.1f}" in report and re.search(r"rw\s+spearman x 100", report)
    assert not os.path.exists(elsewhere / "config.yaml")
