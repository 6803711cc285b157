from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from binembed.fileio.files import save_figure, write_table
from binembed.products.rate_ceilings import ceiling_grid, ceiling_table, quality_front
from binembed.products.render import write_document

params = snakemake.params
grids = {tuple(run): pd.read_csv(path) for run, path in zip(params.runs, snakemake.input.grids, strict=True)}
dataset = " + ".join(params.datasets)
table = ceiling_table(grids, params.ceilings)
write_table(table, snakemake.output.csv)
write_document(
    [ceiling_grid(table, params.ceilings, dataset)],
    "Quality against firing rate",
    snakemake.output.md,
    snakemake.output.html,
    snakemake.output.tex,
)

embeddings = list(dict.fromkeys(embedding for embedding, _ in grids))
variants = list(dict.fromkeys(variant for _, variant in grids))
colours = {variant: plt.get_cmap("tab10")(i % 10) for i, variant in enumerate(variants)}
figure, axes = plt.subplots(1, len(embeddings), figsize=(5.2 * len(embeddings), 4.2), squeeze=False)
for ax, embedding in zip(axes[0], embeddings):
    for variant in variants:
        grid = grids.get((embedding, variant))
        if grid is None:
            continue
        ax.scatter(grid.rate_hz, grid.score, s=6, alpha=0.25, color=colours[variant], linewidths=0)
        front = quality_front(grid)
        ax.plot(front.rate_hz, front.score, marker="o", markersize=3, color=colours[variant], label=variant)
    for ceiling, style in zip(params.ceilings, ("--", ":")):
        ax.axvline(ceiling, color="0.3", linestyle=style, linewidth=1)
        ax.annotate(f"{ceiling:g} Hz", (ceiling, 0.02), xycoords=("data", "axes fraction"), rotation=90,
                    ha="right", va="bottom", fontsize=8, color="0.3")  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlim(left=1.0)  # slower points (a few neurons barely firing) lie off the left edge
    ax.set_xlabel("mean firing rate of the neurons (Hz)")
    ax.set_ylabel(f"held-out Spearman × 100 ({dataset})")
    ax.set_title(embedding)
    ax.grid(alpha=0.3)
handles, labels = axes[0][0].get_legend_handles_labels()
figure.legend(handles, labels, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
figure.suptitle("Each spiking coder's tuning grid: the best score at each rate (line), every point (dots)")
figure.tight_layout()
save_figure(figure, snakemake.output.png, snakemake.output.pdf)
