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

from binembed.codes import BinaryCodes
from binembed.methods import METHODS, binarizer_class, expand_variants
from binembed.plugins import PluginError
from binembed.testing import check_binarizer
from binembed.workflow.config import ConfigError, load_schema, method_parameter_problems, validate_config

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
    schema = load_schema()
    assert "rotation_median" in schema["$defs"]["method"]["enum"]
    assert schema["properties"]["params"]["properties"]["rotation_median"]["properties"] == spec.settings
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config.update(
        methods=["sign", "rotation_median"],
        params={**config["params"], "rotation_median": {"n_bits": [16, "1x"]}},
    )
    config["tuning"]["enabled"] = False
    validate_config(config)
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
