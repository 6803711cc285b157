"""The LIF coder written as a NIR graph, read back, and run by snnTorch's and Norse's own NIR
import: the same bits as our kernel but for threshold ties, and every tie a real one."""

import json

import numpy as np
import pytest

from binembed.binarizers.spiking import LIFBinarizer, LIFNoiseBinarizer, PoissonBinarizer
from binembed.binarizers.spiking.izhikevich import IzhikevichRSFSBinarizer
from binembed.binarizers.spiking.nir_export import NotExportable, export_nir, load_nir
from binembed.binarizers.spiking.nir_simulators import (
    SIMULATORS,
    agreement,
    differing_neurons,
    nir_module,
    simulated_codes,
    tie_margins,
)
from binembed.codes import pack_bits, unpack_bits
from binembed.errors import InputError

nir = pytest.importorskip("nir")

SETTINGS = [
    {},  # the paper's LIF at I_boost 100
    {"i_boost": 800.0},  # as tuned on GloVe-50d
    {"i_boost": 250.0, "tau_m": 20.0, "v_th": 10.0, "tol": 10, "negative": "abs"},
]


def _vectors(n=3000, dims=24, seed=0):
    return np.random.default_rng(seed).uniform(-0.6, 1.0, size=(n, dims)).astype(np.float32)


def test_the_file_holds_the_coders_neuron_and_its_readout(tmp_path):
    coder = LIFBinarizer(i_boost=300.0, tau_m=20.0, v_th=12.0, v_reset=0.0, tol=10, negative="abs").fit(
        _vectors()
    )
    graph_path, readout_path = export_nir(coder, tmp_path / "lif.nir")
    assert readout_path == tmp_path / "lif.json" and sorted(p.name for p in tmp_path.iterdir()) == [
        "lif.json",
        "lif.nir",
    ]
    graph, readout = load_nir(graph_path)
    assert set(graph.edges) == {("input", "current"), ("current", "lif"), ("lif", "output")}
    lif, current = graph.nodes["lif"], graph.nodes["current"]
    np.testing.assert_allclose(lif.tau, 0.020)  # seconds, as NIR's are
    np.testing.assert_allclose(lif.v_threshold, 12.0)
    np.testing.assert_allclose(lif.r, 1.0)
    np.testing.assert_allclose(lif.v_leak, 0.0)
    np.testing.assert_array_equal(current.weight, np.diag(np.full(24, 300.0)))
    assert readout == json.loads(readout_path.read_text())
    assert (readout["input"], readout["steps"], readout["tol"], readout["windows"]) == ("abs", 100, 10, 10)
    assert readout["dt_s"] == pytest.approx(1e-4) and readout["dims"] == 24


@pytest.mark.parametrize("simulator", SIMULATORS)
@pytest.mark.parametrize("settings", SETTINGS, ids=["paper", "tuned", "other"])
def test_each_simulator_gives_our_bits_but_for_threshold_ties(tmp_path, simulator, settings):
    X = _vectors()
    coder = LIFBinarizer(**settings).fit(X)
    ours = coder.transform(X)
    graph, readout = load_nir(export_nir(coder, tmp_path / "lif.nir")[0])
    theirs = simulated_codes(
        nir_module(graph, simulator, readout["dt_s"]), simulator, readout, X, chunk_words=1000
    )
    assert theirs.shape == ours.shape and unpack_bits(ours, coder.n_bits_).any()
    found = agreement(X, ours, theirs, readout)
    assert found["agreement_percent"] >= 99.99
    assert found["threshold_ties"] == found["differing_neurons"]


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_a_tie_is_where_float32_and_float64_part(tmp_path, simulator):
    """Inputs placed so that the potential crosses the threshold by less than float32 can see:
    the simulators part from our float64 kernel on some of them, and only as ties."""
    coder = LIFBinarizer().fit(np.ones((1, 8), dtype=np.float32))
    decay, gain = 0.99, 0.01 * 100.0
    # the drive whose potential reaches exactly 15 at step n from 0: 15 (1 - decay) / (1 - decay^n)
    exact = np.array([15 * (1 - decay) / (1 - decay**n) / gain for n in range(20, 100, 2)])
    X = np.repeat(exact[:, None], 8, axis=1).astype(np.float32)
    X += np.float32(1e-7) * np.arange(8, dtype=np.float32)  # a few ulps either side
    ours = coder.transform(X)
    graph, readout = load_nir(export_nir(coder, tmp_path / "lif.nir")[0])
    theirs = simulated_codes(nir_module(graph, simulator, readout["dt_s"]), simulator, readout, X)
    found = agreement(X, ours, theirs, readout)
    assert found["differing_neurons"] > 0  # float32 parts from float64 here (3 to 7 of 320 neurons)
    assert found["threshold_ties"] == found["differing_neurons"]
    assert found["largest_margin"] < 1e-4


def test_a_flipped_bit_far_from_the_threshold_is_no_tie():
    """A planted difference where the potential is nowhere near v_th is not counted as a tie."""
    X = _vectors(200, 16)
    coder = LIFBinarizer(i_boost=800.0).fit(X)
    ours = coder.transform(X)
    bits = unpack_bits(ours, coder.n_bits_)
    word = int(np.argmax(bits.sum(axis=1)))
    dim = int(np.argmax(X[word]))  # its strongest neuron: it crosses v_th by far
    bits[word, dim * coder.n_windows_] ^= 1
    readout = {"dims": 16, "windows": coder.n_windows_, "steps": 100, "params": coder.get_params()}
    found = agreement(X, ours, pack_bits(bits), readout)
    assert (found["differing_neurons"], found["threshold_ties"]) == (1, 0)
    assert found["largest_margin"] > 0.1  # bounds are about 1e-5


def test_differing_neurons_and_margins_by_hand():
    ours = pack_bits(np.array([[1, 0, 0, 0, 0, 0, 0, 0], [0] * 8, [0, 0, 1, 1, 0, 0, 0, 0]]))
    theirs = pack_bits(np.array([[1, 0, 0, 0, 0, 0, 0, 0], [0] * 8, [0, 0, 0, 1, 0, 0, 1, 0]]))
    # 2 windows a neuron: bits 2 and 6 of word 2 are neurons 1 and 3
    assert differing_neurons(ours, theirs, 8, 2).tolist() == [[2, 1], [2, 3]]
    params = {
        "tau_m": 10.0,
        "resistance": 1.0,
        "i_boost": 100.0,
        "negative": "as_is",
        "v_reset": 0.0,
        "v_th": 15.0,
    }
    # a drive of 0.2 per step rises to 0.2 (1 - 0.99^n) / 0.01 < 20: it reaches 15 at n = 138 > 100 steps
    margin, bound = tie_margins(np.full((1, 1), 0.2), params, np.array([[0, 0]]), 100)
    v100 = 0.2 * (1 - 0.99**100) / 0.01
    assert margin[0] == pytest.approx(15 - v100) and bound[0] == pytest.approx(101 * 4 * 2.0**-24 * 15)


@pytest.mark.parametrize(
    ("coder", "reason"),
    [
        (LIFNoiseBinarizer(), "no noise source"),
        (PoissonBinarizer(), "given rate"),
        (IzhikevichRSFSBinarizer(), "no Izhikevich neuron"),
    ],
)
def test_a_coder_nir_cannot_hold_is_refused_with_the_reason(tmp_path, coder, reason):
    with pytest.raises(NotExportable, match=reason):
        export_nir(coder.fit(_vectors(10, 4)), tmp_path / "x.nir")
    assert list(tmp_path.iterdir()) == []


def test_an_unfitted_coder_and_a_graph_without_its_readout_are_errors(tmp_path):
    with pytest.raises(NotExportable, match="must be fitted"):
        export_nir(LIFBinarizer(), tmp_path / "x.nir")
    graph_path, readout_path = export_nir(LIFBinarizer().fit(_vectors(10, 4)), tmp_path / "x.nir")
    readout_path.unlink()
    with pytest.raises(InputError, match=r"x\.nir: its readout .*x\.json is missing"):
        load_nir(graph_path)
