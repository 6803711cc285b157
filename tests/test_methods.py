import dataclasses
import importlib
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO
from settings_probes import check_every_setting_is_bounded

from binembed.evaluation.tuning import TuningError, tune
from binembed.fileio.embeddings import Embedding
from binembed.method_spec import Method, method_problems
from binembed.methods import (
    METHODS,
    SPIKING_DEFAULT_TOL,
    binarizer_class,
    build_binarizer,
    expand_variants,
    grid_for,
    parameter_defaults,
    resolve_n_bits,
    run_parameters,
)
from binembed.stated_settings import stated_parameters, vectors_family


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_setting_of_every_method_refuses_what_its_schema_bounds(method):
    """A value below a setting's minimum, above its maximum, outside its enum or of the wrong
    type is a ConfigError naming params.<method>.<setting>: the schema built from the registry
    holds each method's settings."""
    assert check_every_setting_is_bounded(method) >= len(METHODS[method].settings)


def test_the_schema_file_names_no_method():
    # the registry is the one place a method is added
    text = (REPO / "src" / "binembed" / "configuration" / "config.schema.yaml").read_text()
    assert not any(f" {method}:" in text or f"{method}," in text for method in METHODS if method != "sign")


@pytest.mark.parametrize("method", sorted(METHODS))
def test_the_registry_says_what_the_class_does(method):
    spec, cls = METHODS[method], binarizer_class(method)
    module, _, name = spec.estimator.partition(":")
    assert getattr(importlib.import_module(module), name) is cls
    assert spec.parameters == tuple(parameter_defaults(method)) == tuple(cls().get_params())
    assert spec.stochastic == cls.stochastic == ("random_state" in spec.parameters)
    assert method_problems(spec) == []
    assert set(spec.settings) <= set(spec.parameters) and spec.description
    if spec.family == "spiking":
        assert cls().tol == SPIKING_DEFAULT_TOL[method]


def test_build_binarizer_lays_tuning_over_params_and_sets_seed_and_threads():
    lif = build_binarizer("lif", {"tol": 5, "i_boost": 100.0}, tuned={"i_boost": 400.0}, seed=3, threads=2)
    assert (lif.tol, lif.i_boost) == (5, 400.0)  # deterministic: no random_state to set
    poisson = build_binarizer("poisson", {"max_rate": 1000.0}, seed=3)
    assert (poisson.max_rate, poisson.random_state) == (1000.0, 3)
    autoencoder = build_binarizer("ae_nste", {"n_bits": 16}, seed=1, threads=1)
    assert (autoencoder.n_bits, autoencoder.random_state, autoencoder.n_threads) == (16, 1, 1)


def test_variants_one_per_bit_budget():
    variants = expand_variants(["sign", "lif"], {"lif": {"tol": 5, "n_bits": [64, "20x"]}})
    assert variants == {
        "sign": ("sign", {}),
        "lif-64": ("lif", {"tol": 5, "n_bits": 64}),
        "lif-20x": ("lif", {"tol": 5, "n_bits": "20x"}),
    }
    assert resolve_n_bits("20x", 50) == 1000 and resolve_n_bits(256, 50) == 256


def test_a_method_at_its_papers_settings_is_a_variant_of_its_own():
    params = {"poisson": {"tol": 5, "normalization": "rank"}, "lif": {"tol": 5}}
    paper = {"enabled": True, "params": {"poisson": {"normalization": "minmax"}}}
    variants = expand_variants(["sign", "poisson", "lif"], params, paper)
    assert list(variants) == ["sign", "poisson", "poisson-paper", "lif", "lif-paper"]
    assert variants["poisson-paper"] == ("poisson", {"tol": 5, "normalization": "minmax"})
    assert variants["poisson"] == ("poisson", {"tol": 5, "normalization": "rank"})
    assert list(expand_variants(["sign", "lif"], params, {"enabled": False, "params": {}})) == ["sign", "lif"]


def test_a_paper_variant_runs_at_what_the_paper_states_whatever_the_block_says():
    """Wang et al. state tol, tau_m and v_th, and I_boost 100 on GloVe, 200 on word2vec
    (published_settings.csv, "Experiment Details and Results"); an edited block changes the tuned
    variant's codes and never the -paper variant's."""
    paper = {"enabled": True, "params": {}}
    default = {"lif": {"tol": 5, "i_boost": 100.0, "tau_m": 10.0, "v_th": 15.0}}
    edited = {"lif": {"tol": 10, "i_boost": 400.0, "tau_m": 20.0, "v_th": 16.0, "negative": "abs"}}
    rng = np.random.default_rng(0)
    X = rng.normal(0, 0.4, size=(200, 8)).astype(np.float32)
    codes = {}
    for name, params in (("default", default), ("edited", edited)):
        method, block = expand_variants(["lif"], params, paper)["lif-paper"]
        assert block == {"tol": 5, "tau_m": 10.0, "v_th": 15.0}
        for vectors, i_boost in (("GloVe", 100.0), ("word2vec", 200.0)):
            run = run_parameters(method, block, 8, {"i_boost": 999.0}, stated_parameters(method, vectors))
            assert run["i_boost"] == i_boost
            codes[name, vectors] = build_binarizer(method, run).fit_transform(X)
        tuned = run_parameters("lif", expand_variants(["lif"], params, paper)["lif"][1], 8, {})
        codes[name, "tuned"] = build_binarizer("lif", tuned).fit_transform(X)
    assert np.array_equal(codes["default", "GloVe"], codes["edited", "GloVe"])
    assert np.array_equal(codes["default", "word2vec"], codes["edited", "word2vec"])
    assert not np.array_equal(codes["default", "GloVe"], codes["default", "word2vec"])
    assert codes["default", "tuned"].shape != codes["edited", "tuned"].shape  # tol 10: half the bits
    assert vectors_family({"e": {"paper": "word2vec GoogleNews 300d", "same": False}}, "e") == "word2vec"
    assert vectors_family({}, "mine") is None


def test_embedding_params_apply_only_where_the_method_takes_them():
    assert run_parameters("sign", {"threshold": 0.1}, 50, {"i_boost": 200.0}) == {"threshold": 0.1}
    assert run_parameters("lif", {"tol": 5, "i_boost": 100.0}, 50, {"i_boost": 200.0}) == {
        "tol": 5,
        "i_boost": 200.0,
    }


def test_grid_for_lays_method_entries_over_default():
    grid = {"default": {"tol": [5, 10], "v_th": [10, 15]}, "izh_rs_fs": {"v_th": [30]}}
    assert grid_for("izh_rs_fs", grid) == {"tol": [5, 10], "v_th": [30]}
    assert grid_for("lif", grid) == {"tol": [5, 10], "v_th": [10, 15]}


def test_tuning_finds_the_gain_that_makes_neurons_fire():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)]
    vectors = np.abs(rng.normal(0.1, 0.02, size=(60, 8))).astype(np.float32)
    vectors[:30, :4] += 0.1  # two groups of words, similar within a group
    vectors[30:, 4:] += 0.1
    pairs = pd.DataFrame(
        {"word1": [f"w{i}" for i in range(0, 58, 2)], "word2": [f"w{i + 1}" for i in range(0, 58, 2)]}
    )
    pairs["score"] = rng.normal(size=len(pairs))
    pairs.loc[len(pairs)] = ["w0", "w59", -5.0]
    pairs.loc[len(pairs)] = ["w1", "w40", -5.0]
    grid = {"i_boost": [1.0, 150.0], "tol": [5, 10], "max_rate": [1.0]}  # max_rate: not LIF's
    table, best = tune("lif", {"v_th": 15.0}, grid, Embedding(words, vectors), {"toy": pairs})
    assert list(table.columns) == ["i_boost", "tol", "toy", "score"]
    assert len(table) == 4
    # at i_boost = 1 no neuron reaches v_th: all codes are zero and Spearman is undefined
    assert table[table.i_boost == 1.0]["score"].isna().all()
    assert best["i_boost"] == 150.0 and isinstance(best["tol"], int)
    with pytest.raises(TuningError) as raised:  # a grid where no neuron ever fires
        tune("lif", {"v_th": 15.0}, {"i_boost": [0.5, 1.0]}, Embedding(words, vectors), {"toy": pairs})
    assert str(raised.value) == (
        "tuning lif: no point of its grid (2 points) gives a defined Spearman on any tuning set (toy: every "
        "pair has the same similarity (all-zero vectors or codes?)); check the sets (config keys "
        "'tuning.dataset' and 'tuning.test_sets') and the grid ('tuning.grid')"
    )


def test_tuning_records_each_points_firing_rate_by_a_count_of_its_spikes():
    """rate_hz of a grid point is the mean spikes per neuron per second on the sample words, counted
    here from the stepped LIF (numpy, independent of the kernels): the periodic LIF fires
    floor((100 - p) / p) + 1 times in 100 steps when its first spike comes at step p."""
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(40)]
    vectors = rng.uniform(0.0, 0.6, size=(40, 6)).astype(np.float32)
    pairs = pd.DataFrame({"word1": words[0:20], "word2": words[20:40], "score": rng.normal(size=20)})
    grid = {"i_boost": [50.0, 400.0], "tol": [5, 10]}
    sample = np.arange(0, 40, 3)
    table, _ = tune("lif", {"v_th": 15.0}, grid, Embedding(words, vectors), {"toy": pairs}, sample)
    assert list(table.columns) == ["i_boost", "tol", "rate_hz", "toy", "score"]
    for i_boost in (50.0, 400.0):
        drive = 0.01 * i_boost * vectors[sample].astype(np.float64)
        v, spikes = np.zeros_like(drive), np.zeros_like(drive)
        for _ in range(100):
            v = 0.99 * v + drive
            fired = v > 15.0
            spikes += fired
            v[fired] = 0.0
        expected = spikes.mean() * 100.0  # spikes in 10 ms -> per second
        rates = table[table.i_boost == i_boost].rate_hz
        assert rates.tolist() == pytest.approx([expected, expected])  # tol changes windows, not spikes
    assert table.rate_hz.iloc[0] < table.rate_hz.iloc[-1]
    # a method that is not a spiking coder has no rate
    plain, _ = tune("lsh", {}, {"n_bits": [8, 16]}, Embedding(words, vectors), {"toy": pairs}, sample)
    assert "rate_hz" not in plain.columns


@pytest.mark.parametrize("method", ["sign", "poisson", "lif", "lif_noise", "izh_rs_fs"])
def test_shipped_params_build_the_estimator(method):
    block = yaml.safe_load((REPO / "config.yaml").read_text())["params"][method]
    params = run_parameters(method, block, 50, {"i_boost": 200.0})
    assert params.keys() == block.keys()
    estimator = binarizer_class(method)(**params)
    assert {key: estimator.get_params()[key] for key in params} == params


def test_paper_scale_requests_fit_a_16_gb_node():
    # what the binarize-stage rules request (Method.job_memory_mb, which workflow/rules/common.smk
    # calls) for GoogleNews' 3M x 300 float32 vectors: a whole fit, and Overcomplete-B's fit on the
    # paper preset's 400k words
    vectors_mb = 3_000_000 * 300 * 4 / 2**20
    for name, spec in METHODS.items():
        share = 400_000 / 3_000_000 if name == "overcomplete" else 1.0
        assert spec.job_memory_mb(vectors_mb * share) < 16_000, name
        # a job holds at least the vectors it reads, beside the interpreter
        assert spec.job_memory_mb(vectors_mb) >= 1000 + int(vectors_mb)
        assert spec.job_minutes(0, 1) == spec.runtime and spec.job_minutes(vectors_mb, 5) >= spec.runtime
    lif = METHODS["lif"]  # twice the measured time: 1 MB at 0.02 s x 2 threads / 1 thread, 300 seeds
    assert lif.job_minutes(1000, 300) == math.ceil(2 * 300 * lif.seconds_per_mb * 1000 / 60) > lif.runtime


def test_every_family_a_method_may_declare_has_a_style_in_the_figures():
    from binembed.method_spec import FAMILIES
    from binembed.products.figures import FAMILY_STYLE

    assert set(FAMILY_STYLE) == {"dense", *FAMILIES}
    assert {spec.family for spec in METHODS.values()} <= set(FAMILIES)


@pytest.mark.parametrize(
    ("settings", "flagged"),
    [
        ({"n_bits": {"$ref": "#/$defs/n_bits_list"}}, None),
        ({"n_bits": {"oneOf": [{"$ref": "#/$defs/n_bits"}, {"$ref": "#/$defs/bits"}]}}, "#/$defs/bits"),
        ({"tol": {"$ref": "#/definitions/tol"}}, "#/definitions/tol"),
        # a description that quotes a reference refers to nothing
        ({"n_bits": {"type": "integer", "description": "not {'$ref': '#/$defs/elsewhere'}"}}, None),
    ],
)
def test_method_problems_follow_every_reference_in_the_settings(settings, flagged):
    spec = Method(
        estimator="m.mod:Cls",
        family="other",
        stochastic=False,
        parameters=tuple(settings),
        threads=1,
        runtime=30,
        source="test",
        settings=settings,
    )
    problems = method_problems(spec)
    if flagged is None:
        assert problems == []
    else:
        assert problems == [
            f"settings refer to {flagged!r}; only #/$defs/ n_bits_list, n_bits, tol, i_boost exist"
        ]


def test_a_built_in_whose_class_does_not_match_is_binembeds_own_error(monkeypatch):
    """A built-in entry naming the wrong class is a bug of binembed's, not a plugin's failure."""
    from binembed import methods
    from binembed.plugins import PluginError

    wrong = dataclasses.replace(
        methods.BUILT_IN_METHODS["lsh"], estimator="binembed.binarizers.classic:ITQBinarizer"
    )
    monkeypatch.setitem(methods.BUILT_IN_METHODS, "lsh", wrong)
    monkeypatch.setattr(methods.METHODS, "_methods", {**methods.BUILT_IN_METHODS})
    with pytest.raises(
        TypeError, match="built-in method 'lsh': estimator .*its method_name is 'itq'"
    ) as error:
        binarizer_class("lsh")
    assert not isinstance(error.value, PluginError)


def test_a_rate_limit_gives_each_tuned_spiking_method_a_variant_after_its_own():
    tuning = {"enabled": True, "methods": ["lif", "lsh", "poisson"], "rate_limits_hz": [1000, 250.5]}
    paper = {"enabled": True, "params": {}}
    variants = expand_variants(
        ["sign", "lif", "lsh", "poisson", "izh_rs_fs"], {"lsh": {"n_bits": [8]}}, paper, tuning
    )
    assert list(variants) == [
        "sign", "lif", "lif-paper", "lif-1000hz", "lif-250.5hz", "lsh-8", "poisson", "poisson-paper",
        "poisson-1000hz", "poisson-250.5hz", "izh_rs_fs", "izh_rs_fs-paper",
    ]  # fmt: skip
    assert variants["lif-1000hz"] == variants["lif"]  # its own block; the tuning picks its point
    off = expand_variants(["lif"], {}, paper, {**tuning, "enabled": False})
    assert list(off) == ["lif", "lif-paper"]


def test_the_choice_under_a_ceiling_keeps_the_grids_own_values():
    from binembed.evaluation.tuning import choice_under

    grid = {"tol": [5, 10], "i_boost": [50.0, 200.0]}
    table = pd.DataFrame(
        {"tol": [5, 5, 10, 10], "i_boost": [50.0, 200.0, 50.0, 200.0], "rate_hz": [90.0, 700.0, 90.0, 700.0],
         "score": [30.0, 45.0, 31.0, 44.0]}
    )  # fmt: skip
    choice = choice_under(table, grid, 100.0)
    assert choice == {"params": {"tol": 10, "i_boost": 50.0}, "score": 31.0, "rate_hz": 90.0}
    assert type(choice["params"]["tol"]) is int
    assert choice_under(table, grid, 1000.0)["params"] == {"tol": 5, "i_boost": 200.0}
    assert choice_under(table, grid, 50.0) is None
