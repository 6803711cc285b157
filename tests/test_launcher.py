"""`binembed run`: the configuration read as Snakemake reads it and checked before Snakemake starts;
each mistake one line with exit status 1, a good configuration handed on to Snakemake."""

import subprocess

import pytest
import yaml
from conftest import REPO

from binembed.configuration.validation import ConfigError
from binembed.launcher import config_entries, read_yaml_file, snakemake_options, workflow_config

BINEMBED = REPO / ".venv" / "bin" / "binembed"


def run(*args, cwd=REPO):
    return subprocess.run(
        [BINEMBED, "run", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_snakemake_options_are_read_by_snakemakes_own_parser():
    argv = [
        "--cores",
        "2",
        "--configfile",
        "a.yaml",
        "b.yaml",
        "-n",
        "--config",
        "x=1",
        "y=-2",
        "--directory=w",
    ]
    assert snakemake_options(argv) == {
        "configfiles": ["a.yaml", "b.yaml"],
        "config": ["x=1", "y=-2"],
        "directory": "w",
        "snakefile": None,
    }
    # `--configfile=` takes one value, so what follows is a target (a hand-made reader took it
    # for a second config file); an unambiguous abbreviation is the option it abbreviates
    after_equals = snakemake_options(["--configfile=c.yaml", "results/report.html", "-s", "S"])
    assert after_equals["configfiles"] == ["c.yaml"] and after_equals["snakefile"] == "S"
    abbreviated = snakemake_options(["--direc", "run", "--snakef", "S", "--config", "x=1"])
    assert (abbreviated["directory"], abbreviated["snakefile"], abbreviated["config"]) == (
        "run",
        "S",
        ["x=1"],
    )
    # what Snakemake's parser refuses or only prints, Snakemake reports itself
    assert snakemake_options(["--no-such-option"]) is None
    assert snakemake_options(["--confi", "x=1"]) is None  # ambiguous: --config, --configfile(s)
    assert snakemake_options(["--help"]) is None


def test_an_abbreviated_directory_is_the_folder_whose_config_is_checked(tmp_path):
    """`--direc run` makes Snakemake run with run/config.yaml: that file is the one checked."""
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "config.yaml").write_text(
        (REPO / "config.yaml").read_text().replace("chunk_rows: 524288", "chunk_rows: 1000")
    )
    result = run("-n", "--direc", folder, "-s", REPO / "Snakefile")
    assert result.returncode == 1, result.stderr
    assert "config key 'chunk_rows'" in result.stderr and "Traceback" not in result.stderr


def test_config_entries_are_parsed_by_snakemake_and_dotted_keys_refused():
    assert config_entries(["chunk_rows=8192", "methods=[sign, lsh]", "mirror=/m"]) == {
        "chunk_rows": 8192,
        "methods": ["sign", "lsh"],
        "mirror": "/m",
    }
    with pytest.raises(
        ConfigError, match=r"--config params.lif.tol=10: 'params.lif.tol' is not a top-level key \(a dotted"
    ):
        config_entries(["params.lif.tol=10"])
    with pytest.raises(ConfigError, match="--config mirror: expected KEY=VALUE"):
        config_entries(["mirror"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "params:\n  lif:\n   tol: 10\n  bad\n",
            r"mine.yaml:5:1: YAML syntax error: could not find expected ':' \(while scanning a simple key that starts at line 4, column 3\)",
        ),
        ("a: [1, 2\nb: 3\n", r"mine.yaml:2:2: YAML syntax error: expected ',' or '\]', but got ':'"),
        ("- sign\n- lsh\n", "mine.yaml: a config file holds keys and values, not a list"),
        (
            "params:\n  lif: {tol: 10}\nmethods: [sign]\nparams:\n  lsh: {n_bits: [8]}\n",
            r"mine.yaml:4:1: key 'params' appears twice in one mapping \(first on line 1\)",
        ),
    ],
)
def test_a_config_file_mistake_names_its_file_line_and_column(tmp_path, text, message):
    (tmp_path / "mine.yaml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_yaml_file(tmp_path / "mine.yaml", "--configfile")


def test_yaml_merge_keys_may_be_replaced_and_the_shipped_config_reads_as_pyyaml_reads_it(tmp_path):
    (tmp_path / "merge.yaml").write_text("a: &x {b: 1, c: 2}\nd:\n  <<: *x\n  b: 3\n")
    assert read_yaml_file(tmp_path / "merge.yaml", "--configfile") == {
        "a": {"b": 1, "c": 2},
        "d": {"b": 3, "c": 2},
    }
    assert read_yaml_file(REPO / "config.yaml", "--configfile") == yaml.safe_load(
        (REPO / "config.yaml").read_text()
    )


def test_the_merged_configuration_is_validated(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "embedding_sources:\n  w2v-googlenews-300d:\n    params: {i_bost: 3}\n"
    )
    with pytest.raises(
        ConfigError, match=r"'embedding_sources.w2v-googlenews-300d.params': unknown key\(s\) \['i_bost'\]"
    ):
        workflow_config(["-d", str(REPO), "--configfile", str(tmp_path / "mine.yaml")])
    (tmp_path / "small.yaml").write_text(
        "methods: [lsh]\ntuning: {enabled: false}\nproducts: {baseline: dense}\n"
    )
    options = ["-d", str(REPO), "--configfile", str(tmp_path / "small.yaml"), "--config", "chunk_rows=8192"]
    config = workflow_config(options)
    assert config["methods"] == ["lsh"] and config["chunk_rows"] == 8192 and not config["tuning"]["enabled"]
    assert config["tuning"]["methods"][0] == "poisson"  # merged key by key


def test_each_mistake_is_one_line_and_a_good_configuration_reaches_snakemake(tmp_path):
    (tmp_path / "bad.yaml").write_text("a: [1\n")
    for args, message in [
        (["--configfile", tmp_path / "bad.yaml"], "bad.yaml:2:1: YAML syntax error"),
        (
            ["--configfile", tmp_path / "missing.yaml"],
            "--configfile " + str(tmp_path / "missing.yaml") + ": no such file",
        ),
        (["--config", "params.lif.tol=10"], "is not a top-level key"),
        (["--config", "methods=[sgn]"], "config key 'methods.0': 'sgn' is not one of"),
    ]:
        result = run("-n", *args)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("binembed run: error: ") and message in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 2
    result = run("--list-rules")
    assert result.returncode == 0 and "prepare_embedding" in result.stdout.split()
    result = run("--list-rules", cwd=tmp_path)
    assert result.returncode == 1 and "Snakefile: no such file" in result.stderr
