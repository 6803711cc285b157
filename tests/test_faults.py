"""Faults and bad input on the real workflow: runs killed with SIGTERM or SIGKILL at several points
(one inside a long binarizer job) and resumed must end byte-identical to an uninterrupted run, as
must a run on one core; bad input stops with one clear message and leaves no partial output."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import yaml
from conftest import REPO

SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
pytestmark = pytest.mark.slow  # each runs the workflow: left out of `make test-quick`

# One small embedding, a deterministic, a stochastic and a trained method; the autoencoder trains
# long enough (tens of seconds) to be killed mid-job.
FAULT_CONFIG = {
    "embeddings": ["w2v-googlenews-subset"],
    "methods": ["sign", "lif_noise", "ae_nste"],
    "seeds": {"default": 1, "lif_noise": 2, "ae_nste": 1},
    "params": {"ae_nste": {"n_bits": [64], "n_epochs": 60}},
    "paper_settings": {"enabled": False},
    "tuning": {"enabled": False},
    "evaluation": {
        "word_similarity": ["ws353-all", "simlex999"],
        "classification": ["sst2"],
        "knn": {"k_candidates": [1, 5], "n_folds": 3, "seed": 0},
    },
}


def command(workdir, *args):
    return [
        *SNAKEMAKE,
        "--directory",
        str(workdir),
        "--configfile",
        str(REPO / "config.yaml"),
        str(workdir / "fault.yaml"),
        *args,
    ]


def prepare(workdir, mirror, resources=None):
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "fault.yaml").write_text(yaml.safe_dump({**FAULT_CONFIG, "mirror": str(mirror)}))
    if resources is not None:  # the fetched files of an earlier run: no second download
        shutil.copytree(resources, workdir / "resources", copy_function=shutil.copy2)
    return workdir


def run(workdir, *args):
    result = subprocess.run(
        command(workdir, "--cores", "2", *args), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


# measured wall times, memory and query times differ from run to run by nature (and so do the
# recall figure, which plots recall against query time, and the report page that shows both); the
# recall itself is in scores.csv
TIMINGS = {
    "tables/benchmarks.csv",
    *(f"products/tables/speed.{suffix}" for suffix in ("csv", "md", "html", "tex")),
    *(f"products/figures/recall_vs_cost.{suffix}" for suffix in ("csv", "png", "pdf")),
    "report.html",
}


def digests(workdir):
    """sha256 of every result file under results/ (all but the timings table)."""
    root = workdir / "results"
    files = (p for p in sorted(root.rglob("*")) if p.is_file())
    return {
        name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files
        if (name := str(p.relative_to(root))) not in TIMINGS
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory, mirror):
    workdir = prepare(tmp_path_factory.mktemp("reference"), mirror)
    run(workdir)
    return workdir, digests(workdir)


def kill_when(workdir, marker, sig, timeout=600):
    """Start the workflow, send ``sig`` to its whole process group once ``marker`` (a path under
    workdir) exists, and wait for it to end. Returns False if the run ended before the marker."""
    process = subprocess.Popen(
        command(workdir, "--cores", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while not (workdir / marker).exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            return False
        time.sleep(0.05)
    time.sleep(1.0)  # well inside the job
    os.killpg(process.pid, sig)
    process.wait(timeout=120)
    return True


AE_LOG = "logs/binarize/w2v-googlenews-subset/ae_nste-64.log"
EVALUATE_LOG = "logs/evaluate/w2v-googlenews-subset/dense.log"


@pytest.mark.parametrize(
    "sig, marker",
    [
        (signal.SIGTERM, AE_LOG),  # inside the long autoencoder job
        (signal.SIGKILL, AE_LOG),
        (signal.SIGKILL, EVALUATE_LOG),  # inside an evaluation job
        (signal.SIGTERM, "results/embeddings/w2v-googlenews-subset/vectors.npy"),  # as binarizing starts
    ],
    ids=["sigterm-in-autoencoder", "sigkill-in-autoencoder", "sigkill-in-evaluate", "sigterm-after-prepare"],
)
def test_killed_run_resumes_to_identical_results(reference, tmp_path, mirror, sig, marker):
    reference_dir, expected = reference
    workdir = prepare(tmp_path / "run", mirror, reference_dir / "resources")
    assert kill_when(workdir, marker, sig), f"the run ended before {marker} appeared"
    interrupted = digests(workdir) if (workdir / "results").exists() else {}
    assert len(interrupted) < len(expected), "the kill came too late to interrupt anything"
    for name, digest in interrupted.items():  # what a killed run leaves is finished or absent
        assert digest == expected[name], f"{name} differs after the kill"
    # a hard kill leaves Snakemake's lock behind: --unlock, as the README says, then rerun
    subprocess.run(command(workdir, "--unlock"), capture_output=True, check=True)
    run(workdir)
    assert digests(workdir) == expected


def test_one_core_gives_identical_results(reference, tmp_path, mirror):
    reference_dir, expected = reference
    workdir = prepare(tmp_path / "one-core", mirror, reference_dir / "resources")
    result = subprocess.run(command(workdir, "--cores", "1"), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert digests(workdir) == expected


# --- bad input: one clear message, no partial output -------------------------------------------


def with_extra(workdir, extra_config, *targets):
    """The command of a one-core run of ``targets`` with ``extra_config`` laid over the fault config."""
    (workdir / "extra.yaml").write_text(yaml.safe_dump(extra_config))
    extra = [
        "--configfile",
        str(REPO / "config.yaml"),
        str(workdir / "fault.yaml"),
        str(workdir / "extra.yaml"),
    ]
    return command(workdir, *extra, "--cores", "1", *targets)


def failing_run(workdir, extra_config, *targets):
    result = subprocess.run(
        with_extra(workdir, extra_config, *targets),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    return result.stdout + result.stderr


def own_embedding(workdir, text):
    path = workdir / "mine.txt"
    path.write_text(text)
    return {
        "embedding_sources": {"mine": {"path": str(path), "format": "glove_text", "dim": 3}},
        "embeddings": ["mine"],
        "methods": ["sign"],
    }


def mirror_with(workdir, mirror, word_sim_file, text):
    """A copy of the read-only mirror in which one word-similarity file holds ``text``."""
    copy = workdir / "mirror"
    shutil.copytree(mirror, copy)
    os.chmod(copy / "word-sim", 0o755)
    os.chmod(copy / "word-sim" / word_sim_file, 0o644)
    (copy / "word-sim" / word_sim_file).write_text(text)
    return copy


def test_malformed_embedding_file(reference, tmp_path, mirror):
    workdir = prepare(tmp_path / "bad-embedding", mirror, reference[0] / "resources")
    output = failing_run(workdir, own_embedding(workdir, "cat 1 2 3\ndog 1 2\n"))
    assert f"ERROR: {workdir / 'mine.txt'}, line 2: expected 3 values, found 2 (ragged row)" in output
    assert "Error in rule prepare_embedding" in output and "Traceback" not in output
    assert not (workdir / "results" / "embeddings" / "mine").exists() or not any(
        (workdir / "results" / "embeddings" / "mine").iterdir()
    )


def test_empty_vocabulary_overlap(reference, tmp_path, mirror):
    workdir = prepare(tmp_path / "no-overlap", mirror, reference[0] / "resources")
    small_retrieval = {"evaluation": {"retrieval": {"queries": 2, "k": 1, "candidates": 1, "seed": 0}}}
    output = failing_run(workdir, {**own_embedding(workdir, "qqq 1 2 3\nzzz 3 2 1\n"), **small_retrieval})
    assert "no pair of 'ws353-all' has both words in the vocabulary of 'mine'" in output
    assert "Traceback" not in output
    assert not list((workdir / "results" / "eval").rglob("*.csv"))


def test_retrieval_deeper_than_the_vocabulary(reference, tmp_path, mirror):
    """Two words hold one neighbour a query: k = 10 would divide by 10 a truth of one (recall@10
    of the dense vectors themselves far below 100 %), so the truth job refuses it, naming the key."""
    workdir = prepare(tmp_path / "small-vocabulary", mirror, reference[0] / "resources")
    output = failing_run(
        workdir, own_embedding(workdir, "qqq 1 2 3\nzzz 3 2 1\n"), "results/retrieval/mine/truth.npz"
    )
    assert (
        "ERROR: config key 'evaluation.retrieval.queries': 1000 is more than the 2 distinct query words that "
        "embedding 'mine' of 2 words has; config key 'evaluation.retrieval.k': 10 is more than the 1 true "
        "neighbours of a query (the other words)"
    ) in output
    assert "Traceback" not in output and not (workdir / "results" / "retrieval" / "mine").exists()


def test_malformed_dataset_file(reference, tmp_path, mirror):
    workdir = prepare(tmp_path / "bad-dataset", mirror, reference[0] / "resources")
    bad_mirror = mirror_with(workdir, mirror, "EN-WS-353-ALL.txt", "love\tsex\t6.77\ntiger\tcat\tvery\n")
    digest = hashlib.sha256((bad_mirror / "word-sim" / "EN-WS-353-ALL.txt").read_bytes()).hexdigest()
    shutil.rmtree(workdir / "resources" / "data")
    output = failing_run(
        workdir,
        {"mirror": str(bad_mirror), "methods": ["sign"], "resources": {"ws353-all": {"sha256": digest}}},
    )
    assert "resources/data/ws353-all, line 2: score 'very' is not a number" in output
    assert "Traceback" not in output
    assert not list((workdir / "results" / "eval").rglob("*.csv"))


def test_corrupt_mirror_file_and_no_network(reference, tmp_path, mirror):
    workdir = prepare(tmp_path / "corrupt-mirror", mirror, reference[0] / "resources")
    bad_mirror = mirror_with(workdir, mirror, "EN-SIMLEX-999.txt", "old\tnew\t1.58\n")
    (workdir / "resources" / "data" / "simlex999").unlink()
    output = failing_run(
        workdir,
        {
            "mirror": str(bad_mirror),
            "download": {"retries": 0},
            "resources": {"simlex999": {"url": "http://127.0.0.1:9/EN-SIMLEX-999.txt"}},
        },
        "resources/data/simlex999",
    )
    assert "resource 'simlex999'" in output and "Error in rule fetch_resource" in output
    assert "Traceback" not in output
    assert not list((workdir / "resources" / "data").glob("simlex999*"))


def test_a_fixed_mirror_file_is_fetched_again(reference, tmp_path, mirror):
    # An unpinned resource copied from a broken mirror file must not outlive the fix: the mirror
    # file is an input of the copy, so a changed mirror file makes it out of date.
    workdir = prepare(tmp_path / "fixed-mirror", mirror, reference[0] / "resources")
    bad_mirror = mirror_with(workdir, mirror, "EN-SIMLEX-999.txt", "old\tnew\t1.58\n")
    (workdir / "resources" / "data" / "simlex999").unlink()
    unpinned = {"mirror": str(bad_mirror), "resources": {"simlex999": {"sha256": None}}}
    fetch = with_extra(workdir, unpinned, "resources/data/simlex999")
    copy = workdir / "resources" / "data" / "simlex999"
    assert subprocess.run(fetch, capture_output=True, check=False).returncode == 0
    assert copy.read_text() == "old\tnew\t1.58\n"
    time.sleep(1.1)  # a later modification time than the copy
    shutil.copyfile(mirror / "word-sim" / "EN-SIMLEX-999.txt", bad_mirror / "word-sim" / "EN-SIMLEX-999.txt")
    assert subprocess.run(fetch, capture_output=True, check=False).returncode == 0
    assert copy.read_bytes() == (mirror / "word-sim" / "EN-SIMLEX-999.txt").read_bytes()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_full_disk(reference, tmp_path, mirror):
    workdir = prepare(tmp_path / "full-disk", mirror, reference[0] / "resources")
    run(workdir, "--until", "prepare_embedding")
    codes = workdir / "results" / "codes"
    codes.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(codes)], check=True)
    try:
        output = failing_run(
            workdir,
            {"methods": ["lif_noise"], "products": {"baseline": "dense"}},
            "results/codes/w2v-googlenews-subset/lif_noise/seed-0.npz",
        )
        assert "ERROR: [Errno 28] the disk is full: No space left on device while writing" in output
        assert "Traceback" not in output
        assert "Error in rule binarize_seeds_" in output
        assert not list(codes.rglob("*.npz")) and not list(codes.rglob(".*tmp*"))
    finally:
        subprocess.run(["umount", str(codes)], check=True)
