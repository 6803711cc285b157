from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from binembed.fileio.files import save_figure, write_table
from binembed.products.figures import FAMILY_STYLE, label_points
from binembed.products.papers import TABLE1_DATASETS
from binembed.products.statistics import quality_by_bits
from binembed.products.tables import stand_in_note

params = snakemake.params
data = quality_by_bits(pd.read_csv(snakemake.input.scores), pd.read_csv(snakemake.input.storage))
# A variant whose Spearman is undefined on these sets (e.g. codes that are all zero) has no point;
# the figure names it below the panels, and the CSV keeps its row.
drawn = data[np.isfinite(data["mean"])]
undefined = data[~np.isfinite(data["mean"])]
figure, axes = plt.subplots(
    1, len(params.embeddings), figsize=(8.5 * len(params.embeddings), 5.2), squeeze=False, sharey=True
)
for ax, embedding in zip(axes[0], params.embeddings):
    rows = drawn[drawn.embedding == embedding]
    for family, (label, colour) in FAMILY_STYLE.items():
        members = rows[rows.method.map(params.families) == family]
        if members.empty:
            continue
        ax.errorbar(
            members.bits_per_word,
            members["mean"],
            yerr=members["std"].fillna(0.0),
            fmt="o",
            color=colour,
            capsize=3,
            label=label,
        )
    ax.set_xscale("log")
    if not rows.empty:
        ax.set_xlim(rows.bits_per_word.min() / 1.6, rows.bits_per_word.max() * 6)  # room for the labels
    ax.set_title(embedding, fontsize=10)
    ax.set_xlabel("bits per word (log scale)")
    ax.grid(True, which="both", alpha=0.3)
axes[0][0].set_ylabel(f"mean Spearman ρ × 100 ({', '.join(TABLE1_DATASETS.values())})")
axes[0][-1].legend(fontsize=8, loc="best")
figure.suptitle("Word-similarity quality against code size (error bars: std over seeds)")
figure.tight_layout()
for ax, embedding in zip(axes[0], params.embeddings):
    rows = drawn[drawn.embedding == embedding]
    label_points(ax, rows.bits_per_word, rows["mean"], rows.method)
note = stand_in_note(params.embeddings, params.paper_vectors)
if not undefined.empty:
    missing = ", ".join(f"{row.method} on {row.embedding}" for row in undefined.itertuples())
    note = f"{note}\nNot drawn, Spearman undefined on these sets (constant similarities): {missing}.".strip()
figure.text(0.01, -0.02, note, fontsize=7, ha="left")
save_figure(figure, snakemake.output.png, snakemake.output.pdf)
write_table(data, snakemake.output.csv)
