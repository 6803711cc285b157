"""Binarizers from other packages: the example plugin (examples/binembed-rotation-median), installed
by pip as a user would, is a method in the registry, the config schema, the command and the
workflow; a broken plugin is one line naming it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from settings_probes import check_every_setting_is_bounded

from binembed.codes import BinaryCodes
from binembed.configuration.validation import (
    ConfigError,
    load_schema,
    method_parameter_problems,
    validate_config,
)
from binembed.methods import METHODS, binarizer_class, expand_variants
from binembed.plugins import PluginError
from binembed.testing import check_binarizer

EXAMPLE = REPO / "examples" / "binembed-rotation-median"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory) -> Path:
    """The example plugin installed by pip into a folder of its own (built from a copy, so that the
    checkout gets no build/ folder), to be put on the path."""
    work = tmp_path_factory.mktemp("plugin")
    source = work / "source"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    site = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            site,
            source,
        ],
        check=True,
        capture_output=True,
    )
    return site


def _installed(monkeypatch, *folders):
    """Put ``folders`` on this process's path and look for plugins again (undone after the test)."""
    for folder in folders:
        monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setattr(METHODS, "_methods", None)  # looked up again now, as before after the test


@pytest.fixture
def with_plugin(plugin_site, monkeypatch):
    _installed(monkeypatch, plugin_site)
    return plugin_site


def _fake_plugin(folder: Path, dist: str, entries: str, module: str = "", module_name: str = "") -> Path:
    """A distribution that declares ``entries`` in the group binembed.binarizers (what pip leaves in
    site-packages), with an optional module."""
    info = folder / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[binembed.binarizers]\n{entries}\n")
    if module:
        (folder / f"{module_name}.py").write_text(module)
    return folder


def _environment(*folders) -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(str(f) for f in folders)}


def _binembed(*args, env=None, cwd=None):
    return subprocess.run(
        [BIN / "binembed", *map(str, args)], capture_output=True, text=True, check=False, env=env, cwd=cwd
    )


def test_the_example_plugin_is_a_method_of_the_registry_and_the_schema(with_plugin):
    spec = METHODS["rotation_median"]
    assert (spec.family, spec.stochastic, spec.parameters) == ("classic", True, ("n_bits", "random_state"))
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config.update(
        methods=["sign", "rotation_median"],
        params={**config["params"], "rotation_median": {"n_bits": [16, "1x"]}},
    )
    config["tuning"]["enabled"] = False
    validate_config(config)
    assert check_every_setting_is_bounded("rotation_median", config) >= 1  # the plugin's bounds hold
    assert list(expand_variants(config["methods"], config["params"])) == [
        "sign",
        "rotation_median-16",
        "rotation_median-1x",
    ]
    config["params"]["rotation_median"] = {"bits": 16}
    with pytest.raises(
        ConfigError, match=r"config key 'params.rotation_median': unknown key\(s\) \['bits'\]"
    ):
        validate_config(config)
    assert method_parameter_problems("rotation_median", {"n_bits": "many"}) == [
        (
            "n_bits='many': 'many' is not allowed here; expected an integer (>= 1, <= 100000) or a string matching "
            "^[1-9][0-9]*x$; or a list of (an integer (>= 1, <= 100000) or a string matching ^[1-9][0-9]*x$)"
        )
    ]


def test_the_example_plugin_keeps_binembeds_promises(with_plugin):
    check_binarizer(binarizer_class("rotation_median"))
    check_binarizer(binarizer_class("rotation_median")(n_bits=40))


def test_without_the_plugin_the_method_is_unknown():
    assert "rotation_median" not in METHODS
    assert "rotation_median" not in load_schema()["$defs"]["method"]["enum"]


def test_the_command_lists_and_encodes_with_the_plugin(plugin_site, tmp_path):
    env = _environment(plugin_site)
    listing = _binembed("methods", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "\nrotation_median  [classic]  example plugin (binembed-rotation-median)" in listing.stdout
    assert (
        "    from plugin 'rotation_median' (entry point 'rotation_median = binembed_rotation_median:ROTATION_MEDIAN' "
        "of binembed-rotation-median, group binembed.binarizers)" in listing.stdout
    )
    rng = np.random.default_rng(0)
    vectors = tmp_path / "vectors.txt"
    vectors.write_text(
        "".join(f"w{i} " + " ".join(f"{v:.4f}" for v in rng.normal(size=8)) + "\n" for i in range(50))
    )
    out = tmp_path / "codes.npz"
    result = _binembed(
        "encode", "rotation_median", vectors, out, "--param", "n_bits=12", "--seed", "3", env=env
    )
    assert result.returncode == 0, result.stderr
    codes = BinaryCodes.load(out)
    assert codes.n_bits == 12 and codes.metadata["method"] == "rotation_median"
    assert codes.metadata["params"] == {"n_bits": 12, "random_state": 3}
    refused = _binembed(
        "encode", "rotation_median", vectors, tmp_path / "x.npz", "--param", "bits=12", env=env
    )
    assert refused.returncode == 1 and not (tmp_path / "x.npz").exists()
    assert refused.stderr.strip().splitlines() == [
        "binembed encode: error: --param bits: rotation_median has no such parameter (it has n_bits)"
    ]


BROKEN = [
    (
        "no-such-module",
        "broken = no_such_module:SPEC",
        "",
        (
            "plugin 'broken' (entry point 'broken = no_such_module:SPEC' of no-such-module, group "
            "binembed.binarizers): failed to import: ModuleNotFoundError: No module named 'no_such_module'"
        ),
    ),
    (
        "clashing",
        "sign = clashing_plugin:SPEC",
        "SPEC = None",
        (
            "plugin 'sign' (entry point 'sign = clashing_plugin:SPEC' of clashing, group binembed.binarizers): "
            "'sign' is a built-in method of binembed; give the entry point another name"
        ),
    ),
    (
        "not-a-method",
        "odd = not_a_method_plugin:SPEC",
        "SPEC = {'family': 'classic'}",
        (
            "plugin 'odd' (entry point 'odd = not_a_method_plugin:SPEC' of not-a-method, group binembed.binarizers): "
            "the entry point's object is a dict, not a binembed.methods.Method"
        ),
    ),
    (
        "raising",
        "raising = raising_plugin:SPEC",
        "raise RuntimeError('needs a licence file')",
        (
            "plugin 'raising' (entry point 'raising = raising_plugin:SPEC' of raising, group binembed.binarizers): "
            "failed to import: RuntimeError: needs a licence file"
        ),
    ),
    (
        "bad-name",
        "My-Method = bad_name_plugin:SPEC",
        "SPEC = None",
        (
            "plugin 'My-Method' (entry point 'My-Method = bad_name_plugin:SPEC' of bad-name, group "
            "binembed.binarizers): 'My-Method' cannot name a method (lower-case letters, digits and _, starting "
            "with a letter; not dense or default)"
        ),
    ),
    (
        "contradicting",
        "shaky = contradicting_plugin:SPEC",
        (
            "from binembed.methods import Method\n"
            "SPEC = Method('contradicting_plugin:Shaky', 'fancy', True, ('n_bits',), 1, 30, 'me',\n"
            "              settings={'n_bits': {'$ref': '#/$defs/lif'}, 'depth': {'type': 'integer'}})\n"
        ),
        (
            "plugin 'shaky' (entry point 'shaky = contradicting_plugin:SPEC' of contradicting, group "
            "binembed.binarizers): family 'fancy' is not one of ['sign', 'spiking', 'classic', 'autoencoder', "
            "'other']; a stochastic method takes random_state, and only a stochastic one; settings ['depth'] are "
            "not among its parameters ['n_bits']; settings refer to '#/$defs/lif'; only #/$defs/ n_bits_list, "
            "n_bits, tol, i_boost exist"
        ),
    ),
]


@pytest.mark.parametrize(("dist", "entry", "module", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_plugin_is_one_line_naming_it(tmp_path, monkeypatch, dist, entry, module, message):
    module_name = entry.split("= ")[1].split(":")[0]
    site = _fake_plugin(tmp_path / "site", dist, entry, module, module_name)
    _installed(monkeypatch, site)
    with pytest.raises(PluginError) as error:
        list(METHODS)
    assert str(error.value) == message
    result = _binembed("methods", env=_environment(site))
    assert result.returncode == 1 and result.stderr.splitlines() == [f"binembed methods: error: {message}"]
    # the workflow's own launcher says the same before Snakemake starts
    run = _binembed("run", "--dry-run", env=_environment(site), cwd=REPO)
    assert run.returncode == 1 and message in run.stderr and "Traceback" not in run.stderr


def test_a_plugin_whose_estimator_does_not_import_is_named_when_it_runs(tmp_path, monkeypatch):
    spec = (
        "from binembed.methods import Method\n"
        "SPEC = Method('lazy_estimator_module:Lazy', 'other', False, ('n_bits',), 1, 30, 'me')\n"
    )
    site = _fake_plugin(tmp_path / "site", "lazy", "lazy = lazy_plugin:SPEC", spec, "lazy_plugin")
    (site / "lazy_estimator_module.py").write_text(
        "import numpy\nraise ImportError('cannot load libfancy.so')\n"
    )
    _installed(monkeypatch, site)
    assert "lazy" in METHODS  # the registry entry is fine
    with pytest.raises(
        PluginError,
        match=r"^plugin 'lazy' \(entry point 'lazy = lazy_plugin:SPEC' of lazy, .*\): "
        r"its estimator 'lazy_estimator_module:Lazy' failed to import: ImportError: cannot load",
    ):
        binarizer_class("lazy")
    (site / "lazy_estimator_module.py").write_text("class Lazy:\n    method_name = 'idle'\n")
    with pytest.raises(
        PluginError, match="estimator 'lazy_estimator_module:Lazy': its method_name is 'idle', not"
    ):
        binarizer_class("lazy")


@pytest.mark.slow
def test_the_workflow_runs_the_plugin_in_every_stage(plugin_site, tmp_path, mirror):
    """binarize in chunks, evaluate, every product and the report, with the plugin's method."""
    shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")  # the working folder's, as Snakemake reads it
    extra = tmp_path / "plugin.yaml"
    extra.write_text(
        yaml.safe_dump(
            {
                "mirror": str(mirror),
                "embeddings": ["w2v-googlenews-subset"],
                "methods": ["sign", "rotation_median"],
                "params": {"rotation_median": {"n_bits": [64]}},
                "seeds": {"default": 2},
                "chunk_rows": 4096,
                "embedding_sources": {"w2v-googlenews-subset": {"words": 13013}},
                "tuning": {"enabled": False},
                "evaluation": {
                    "word_similarity": ["ws353-all", "simlex999", "rw"],
                    "neighbours": {"words": ["car"], "k": 5},
                },
            }
        )
    )
    run = subprocess.run(
        [
            BIN / "binembed",
            "run",
            "--cores",
            "2",
            "--configfile",
            REPO / "config.yaml",
            extra,
            "--directory",
            tmp_path,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env=_environment(plugin_site),
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "rule encode_chunk" in run.stdout + run.stderr  # the vocabulary went in chunks
    results = tmp_path / "results"
    scores = pd.read_csv(results / "tables" / "scores.csv")
    ours = scores[scores.method == "rotation_median-64"]
    assert set(ours.seed) == {0, 1} and set(ours.task) == {"word_similarity", "classification", "retrieval"}
    codes = BinaryCodes.load(
        results / "codes" / "w2v-googlenews-subset" / "rotation_median-64" / "seed-1.npz"
    )
    assert codes.metadata["method"] == "rotation_median" and codes.metadata["params"]["random_state"] == 1
    from binembed.fileio.embeddings import load_embedding

    sys.path.insert(0, str(plugin_site))
    try:
        from binembed_rotation_median.estimator import RotationMedianBinarizer

        whole = RotationMedianBinarizer(n_bits=64, random_state=1).fit_transform(
            load_embedding(results / "embeddings" / "w2v-googlenews-subset").vectors
        )
    finally:
        sys.path.remove(str(plugin_site))
    assert np.array_equal(codes.packed, whole)  # the chunked codes are those of one fit_transform
    speed = pd.read_csv(results / "products" / "tables" / "speed.csv")
    assert speed.set_index("method").loc["rotation_median-64", "recall"] > 0
    figure = pd.read_csv(results / "products" / "figures" / "recall_vs_cost.csv")
    assert "rotation_median-64" in set(figure.method)
    report = (results / "report.html").read_text()
    assert "rotation_median-64" in report and "Retrieval: recall against size and query time" in report


#: A plugin whose estimator misbehaves as its ``fault`` parameter says: raises in fit (an exception
#: class named by ``error``), or returns codes ``extra_rows`` / ``extra_bytes`` off, or of ``dtype``.
FAULTY = """
import builtins

import numpy as np
from binembed.binarizers.base import BaseBinarizer
from binembed.codes import pack_bits
from binembed.methods import Method

SPEC = Method("faulty_plugin:FaultyBinarizer", "other", False,
              ("fault", "error", "extra_rows", "extra_bytes", "dtype"), 1, 30, "tests",
              settings={"fault": {"enum": ["none", "fit", "transform"]}})


class FaultyBinarizer(BaseBinarizer):
    method_name = "faulty"

    def __init__(self, fault="none", error="RuntimeError", extra_rows=0, extra_bytes=0, dtype="uint8"):
        self.fault, self.error, self.extra_rows, self.extra_bytes, self.dtype = (
            fault, error, extra_rows, extra_bytes, dtype)

    def fit(self, X, y=None):
        X = self._validate(X)
        if self.fault == "fit":
            raise getattr(builtins, self.error)("the licence server did not answer")
        self.n_features_in_, self.n_bits_ = X.shape[1], 16
        return self

    def transform(self, X):
        X = self._validate(X)
        packed = pack_bits(np.hstack([X, X])[:, :16] > 0)
        if self.fault == "transform":
            rows = max(len(X) + self.extra_rows, 0)
            packed = np.zeros((rows, max(2 + self.extra_bytes, 0)), dtype=self.dtype)
        return packed
"""
ORIGIN = (
    r"plugin 'faulty' \(entry point 'faulty = faulty_plugin:SPEC' of faulty-dist, group binembed.binarizers\)"
)


@pytest.fixture
def faulty_site(tmp_path, monkeypatch):
    site = _fake_plugin(
        tmp_path / "site", "faulty-dist", "faulty = faulty_plugin:SPEC", FAULTY, "faulty_plugin"
    )
    _installed(monkeypatch, site)
    return site


def _faulty_codes(params, tmp_path):
    """The plugin's codes through each way the workflow encodes: one job, and fitted then chunked."""
    from binembed.binarizers.chunked import configured_binarizer, encode_rows, encode_vocabulary, fit_model

    X = np.random.default_rng(0).normal(size=(40, 8)).astype(np.float32)
    job = {"embedding": "e", "variant": "faulty", "seed": 0}
    binarizer, metadata = configured_binarizer("faulty", params, job, 1)
    encode_vocabulary(binarizer, [f"w{i}" for i in range(40)], X, metadata)
    model = fit_model(configured_binarizer("faulty", params, job, 1)[0], X, metadata, tmp_path / "m.pkl")
    encode_rows(model, X, 0, 40, tmp_path / "chunk.npy")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fault": "fit"}, "fitting and encoding failed: RuntimeError: the licence server did not answer"),
        ({"fault": "fit", "error": "KeyError"}, "failed: KeyError: 'the licence server did not answer'"),
        (
            {"fault": "transform", "extra_bytes": -1},
            (
                r"FaultyBinarizer.transform returned uint8 of shape \(40, 1\) for 40 rows; 16 bits packed "
                r"need uint8 of shape \(40, 2\)"
            ),
        ),
        ({"fault": "transform", "extra_rows": 3}, r"returned uint8 of shape \(43, 2\) for 40 rows"),
        ({"fault": "transform", "dtype": "int64"}, r"returned int64 of shape \(40, 2\)"),
    ],
)
def test_a_plugin_failing_at_run_time_is_one_error_naming_it(faulty_site, tmp_path, params, message):
    with pytest.raises(PluginError, match=f"^{ORIGIN}: .*{message}"):
        _faulty_codes(params, tmp_path)


def test_a_plugin_failing_at_run_time_is_one_line_in_the_command_and_the_job_log(faulty_site, tmp_path):
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("".join(f"w{i} {i % 3 - 1}.5 0.25 -0.5 1.0\n" for i in range(20)))
    env = _environment(faulty_site)
    result = _binembed("encode", "faulty", vectors, tmp_path / "c.npz", "--param", "fault=fit", env=env)
    assert result.returncode == 1 and not (tmp_path / "c.npz").exists()
    assert result.stderr.splitlines()[-1].startswith("binembed encode: error: plugin 'faulty' (entry point")
    assert "fitting and encoding failed: RuntimeError" in result.stderr and "Traceback" not in result.stderr
    # a workflow job's log: the same line, through report_input_errors_briefly
    job = (
        "import numpy as np\n"
        "from binembed.errors import report_input_errors_briefly\n"
        "report_input_errors_briefly()\n"
        "from binembed.binarizers.chunked import configured_binarizer, encode_vocabulary\n"
        "b, m = configured_binarizer('faulty', {'fault': 'transform', 'extra_rows': 1}, "
        "{'embedding': 'e', 'variant': 'faulty', 'seed': 0}, 1)\n"
        "encode_vocabulary(b, ['a', 'b'], np.ones((2, 4), dtype=np.float32), m)\n"
    )
    log = subprocess.run([sys.executable, "-c", job], capture_output=True, text=True, env=env, check=False)
    assert log.returncode == 1 and len(log.stderr.splitlines()) == 1, log.stderr
    assert log.stderr.startswith(
        "ERROR: plugin 'faulty' (entry point 'faulty = faulty_plugin:SPEC' of faulty-dist"
    )


def test_a_chunk_job_names_the_plugin_before_anything_loads_the_registry(faulty_site, tmp_path):
    """An encode_chunk job unpickles the fitted estimator and codes rows without ever looking up
    the registry: the plugin is still named (plugin_call finds its entry point itself)."""
    from binembed.binarizers.chunked import configured_binarizer, fit_model

    X = np.random.default_rng(0).normal(size=(40, 8)).astype(np.float32)
    job = {"embedding": "e", "variant": "faulty", "seed": 0}
    binarizer, metadata = configured_binarizer("faulty", {"fault": "transform", "extra_rows": 3}, job, 1)
    fit_model(binarizer, X, metadata, tmp_path / "m.pkl")
    np.save(tmp_path / "X.npy", X)
    chunk = (
        "import numpy as np\n"
        "from binembed.errors import report_input_errors_briefly\n"
        "report_input_errors_briefly()\n"
        "from binembed.binarizers.chunked import encode_rows\n"
        f"encode_rows({str(tmp_path / 'm.pkl')!r}, np.load({str(tmp_path / 'X.npy')!r}), 0, 40, "
        f"{str(tmp_path / 'c.npy')!r})\n"
    )
    env = _environment(faulty_site)
    log = subprocess.run([sys.executable, "-c", chunk], capture_output=True, text=True, env=env, check=False)
    assert log.returncode == 1 and len(log.stderr.splitlines()) == 1, log.stderr
    assert (
        log.stderr.startswith("ERROR: plugin 'faulty' (entry point")
        and "encoding rows 0 to 40 failed" in log.stderr
    )
    assert not (tmp_path / "c.npy").exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    error=st.sampled_from(
        ["RuntimeError", "ValueError", "KeyError", "IndexError", "MemoryError", "TypeError"]
    ),
    fault=st.sampled_from(["fit", "transform"]),
    extra_rows=st.integers(-40, 5),
    extra_bytes=st.integers(-2, 3),
    dtype=st.sampled_from(["uint8", "int8", "bool", "float32"]),
)
def test_whatever_a_plugin_does_wrong_at_run_time_it_is_named(
    faulty_site, tmp_path, error, fault, extra_rows, extra_bytes, dtype
):
    params = {
        "fault": fault,
        "error": error,
        "extra_rows": extra_rows,
        "extra_bytes": extra_bytes,
        "dtype": dtype,
    }
    well_formed = fault == "transform" and (extra_rows, extra_bytes, dtype) == (0, 0, "uint8")
    if well_formed:
        _faulty_codes(params, tmp_path)  # zero codes of the right shape are codes
        return
    with pytest.raises(PluginError, match=f"^{ORIGIN}: "):
        _faulty_codes(params, tmp_path)
