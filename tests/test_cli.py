"""The installed ``binembed`` command, run as a user would, in a subprocess."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from binembed.codes import BinaryCodes
from binembed.methods import METHODS

BINEMBED = Path(sys.executable).with_name("binembed")
WORDS = ["car", "truck", "bus", "cat", "dog", "tiger", "apple", "pear"]


def binembed(*args, cwd=None):
    return subprocess.run(
        [str(BINEMBED), *map(str, args)], capture_output=True, text=True, check=False, cwd=cwd
    )


@pytest.fixture
def glove(tmp_path):
    """A small GloVe text file: three clusters of words."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 20))
    rows = [centres[i * 3 // len(WORDS)] + 0.1 * rng.normal(size=20) for i in range(len(WORDS))]
    path = tmp_path / "vectors.txt"
    path.write_text(
        "".join(w + " " + " ".join(f"{v:.5f}" for v in row) + "\n" for w, row in zip(WORDS, rows))
    )
    return path


def test_the_command_is_installed_with_help_on_every_subcommand():
    assert BINEMBED.is_file()
    for command in ([], ["methods"], ["encode"], ["evaluate"], ["neighbours"], ["export-nir"]):
        result = binembed(*command, "--help")
        assert result.returncode == 0 and "usage: binembed" in result.stdout
    module = subprocess.run(
        [sys.executable, "-m", "binembed", "--help"], capture_output=True, text=True, check=False
    )
    assert module.returncode == 0 and "encode" in module.stdout


def test_methods_lists_every_method_with_defaults_and_paper():
    result = binembed("methods")
    assert result.returncode == 0
    for method in METHODS:
        assert f"\n{method}  [" in "\n" + result.stdout
    assert "Wang et al. 2019" in result.stdout and "normalization = 'rank'" in result.stdout


def test_encode_evaluate_and_neighbours(glove, tmp_path):
    codes = tmp_path / "lif.npz"
    result = binembed("encode", "lif", glove, codes, "--param", "i_boost=400", "--param", "tol=10")
    assert result.returncode == 0, result.stderr
    assert "8 words x 200 bits" in result.stderr
    loaded = BinaryCodes.load(codes)
    assert loaded.words == WORDS and loaded.n_bits == 200 and loaded.metadata["params"]["i_boost"] == 400
    tissier = tmp_path / "sign.txt"
    assert binembed("encode", "sign", glove, tissier, "--pad-header").returncode == 0
    assert tissier.read_text().splitlines()[0] == "8 64"
    pairs = tmp_path / "pairs.txt"
    pairs.write_text(
        "car\ttruck\t9\ncar\tapple\t1\ncat\tdog\t8\ndog\tpear\t2\ntiger\tcat\t9\nbus\tpear\t0.5\n"
    )
    for source in (codes, glove):
        result = binembed("evaluate", source, "--word-sim", pairs)
        assert result.returncode == 0, result.stderr
        assert "pairs.txt" in result.stdout and "6/6 pairs" in result.stdout
    result = binembed("evaluate", tissier, "--format", "tissier_codes", "--word-sim", pairs)
    assert result.returncode == 0 and "spearman x 100" in result.stdout
    result = binembed("neighbours", codes, "car", "-k", "2")
    assert result.returncode == 0
    assert sorted(line.split()[1] for line in result.stdout.splitlines()) == ["bus", "truck"]  # its cluster


def test_mistakes_are_one_line_with_exit_status_1_and_usage_errors_2(glove, tmp_path):
    cases = [
        (["encode", "lfi", glove, tmp_path / "x.npz"], "unknown method 'lfi'"),
        (["encode", "lif", glove, tmp_path / "x.npz", "--param", "i_bost=3"], "lif has no such parameter"),
        (
            ["encode", "lif", glove, tmp_path / "x.npz", "--param", "tol=7"],
            "--param tol=7: 7 is not one of [1, 2, 4, 5, 10, 20, 25, 50, 100]",
        ),
        (
            ["encode", "lif", glove, tmp_path / "x.npz", "--param", "i_boost=abc"],
            "--param i_boost='abc': 'abc' is not of type 'number'",
        ),
        (
            ["encode", "lif", glove, tmp_path / "x.npz", "--param", "i_boost=-3"],
            "--param i_boost=-3: -3 is less than or equal to the minimum of 0",
        ),
        (
            ["encode", "lsh", glove, tmp_path / "x.npz", "--param", "n_bits=ten"],
            "--param n_bits='ten': 'ten' is not allowed here; expected an integer",
        ),
        (
            ["encode", "lsh", glove, tmp_path / "x.npz", "--param", "n_bits=[8, 16]"],
            "one bit budget, not a list",
        ),
        (
            ["encode", "sign", glove, tmp_path / "made.npz"],
            "made.npz: is a folder; name the codes file to write",
        ),
        (["encode", "sign", tmp_path, tmp_path / "x.npz"], "a folder must hold vectors.npy and vocab.txt"),
        (["evaluate", tmp_path / "not-codes.npz"], "not-codes.npz: not a .npz archive"),
        (["evaluate", glove, "--config", tmp_path / "bad.yaml"], "bad.yaml:2:1: YAML syntax error: expected"),
        (
            ["evaluate", tmp_path / "one-bit.txt", "--format", "tissier_codes"],
            "one-bit.txt, line 2: expected",
        ),
        (["encode", "sign", glove, tmp_path / "x.csv"], "must end in .npz"),
        (["encode", "sign", tmp_path / "missing.txt", tmp_path / "x.npz"], "missing.txt: no such file"),
        (["neighbours", glove, "unicorn"], "'unicorn' is not in the vocabulary"),
        (["evaluate", glove, "--word-sim", "ws-999"], "'ws-999' is neither a file nor a benchmark resource"),
    ]
    (tmp_path / "not-codes.npz").write_text("hello")
    (tmp_path / "made.npz").mkdir()
    (tmp_path / "bad.yaml").write_text("resources: [1\n")
    (tmp_path / "one-bit.txt").write_text("1 64\ncar -1\n")
    for args, message in cases:
        result = binembed(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2  # a progress line at most, then the error
    assert not (tmp_path / "x.npz").exists()
    assert binembed("encode", "sign").returncode == 2
    assert binembed("encode", "sign", glove, tmp_path / "x.npz", "--seed", "-1").returncode == 2
    assert binembed("frobnicate").returncode == 2


def test_export_nir_writes_the_graph_of_lif_codes_and_refuses_what_nir_cannot_hold(glove, tmp_path):
    pytest.importorskip("nir")
    from binembed.binarizers.spiking.nir_export import load_nir

    codes = tmp_path / "lif.npz"
    assert (
        binembed("encode", "lif", glove, codes, "--param", "i_boost=400", "--param", "tol=10").returncode == 0
    )
    result = binembed("export-nir", codes, tmp_path / "lif.nir")
    assert result.returncode == 0, result.stderr
    graph, readout = load_nir(tmp_path / "lif.nir")
    assert readout["dims"] == 20 and readout["tol"] == 10 and readout["params"]["i_boost"] == 400.0
    assert graph.nodes["current"].weight[0, 0] == 400.0
    poisson = tmp_path / "poisson.npz"
    assert binembed("encode", "poisson", glove, poisson).returncode == 0
    for args, message in [
        ((poisson, tmp_path / "p.nir"), "poisson cannot be exported to NIR: NIR has no spike source"),
        ((codes, tmp_path / "lif.h5"), "lif.h5: name the graph file .nir"),
        ((glove, tmp_path / "g.nir"), "vectors.txt: not a .npz archive"),
    ]:
        refused = binembed("export-nir", *args)
        assert refused.returncode == 1 and message in refused.stderr and "Traceback" not in refused.stderr
    assert sorted(p.name for p in tmp_path.glob("*.nir")) == ["lif.nir"]
