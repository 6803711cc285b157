import sys

sys.stderr = open(snakemake.log[0], "w")

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from binembed.products import save_figure, tuning_curves

params = snakemake.params
runs = params.runs  # (embedding, variant) in the order of the input files
embeddings = list(dict.fromkeys(e for e, _ in runs))
variants = list(dict.fromkeys(v for _, v in runs))
figure, axes = plt.subplots(
    len(variants),
    len(embeddings),
    figsize=(5.2 * len(embeddings), 2.6 * len(variants)),
    squeeze=False,
    sharex="row",
)
for ax in axes.flat:
    ax.set_visible(False)
for (embedding, variant), grid_path, choice_path in zip(runs, snakemake.input.grids, snakemake.input.choices):
    ax = axes[variants.index(variant), embeddings.index(embedding)]
    ax.set_visible(True)
    choice = json.loads(Path(choice_path).read_text())
    scan, curves, chosen = tuning_curves(pd.read_csv(grid_path), choice["params"])
    for label, (x, y) in curves.items():
        ax.plot(x, y, marker=".", linewidth=1, markersize=4, label=label)
    ax.plot(*chosen, marker="*", markersize=14, color="red", linestyle="none", zorder=5, label="chosen")
    ax.set_xscale("log", base=2)
    ax.set_title(f"{variant}: {embedding}", fontsize=9)
    ax.set_xlabel(scan, fontsize=8)
    ax.set_ylabel("held-out score", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, alpha=0.3)
    if choice.get("grid_edges"):
        ax.text(0.02, 0.95, "on the grid's edge: " + ", ".join(choice["grid_edges"]), transform=ax.transAxes,
                fontsize=7, color="red", va="top")  # fmt: skip
    ax.legend(fontsize=6, ncol=2, loc="lower right")
datasets = ", ".join(params.datasets)
figure.suptitle(
    f"Tuning of the spiking coders: score ({params.protocol}: mean Spearman × 100 on {datasets}) "
    "across each grid; one line per setting of the other parameters, red star: the chosen point",
    fontsize=10,
)
figure.tight_layout()
save_figure(figure, snakemake.output.png, snakemake.output.pdf)
plt.close(figure)
print(f"{len(runs)} tuning grids plotted", file=sys.stderr)
