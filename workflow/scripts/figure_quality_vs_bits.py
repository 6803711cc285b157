import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from binembed.files import write_table
from binembed.products import FAMILY_STYLE, TABLE1_DATASETS, quality_by_bits, save_figure, stand_in_note

params = snakemake.params
data = quality_by_bits(pd.read_csv(snakemake.input.scores), pd.read_csv(snakemake.input.storage))
figure, axes = plt.subplots(
    1, len(params.embeddings), figsize=(6.5 * len(params.embeddings), 4.8), squeeze=False, sharey=True
)
for ax, embedding in zip(axes[0], params.embeddings):
    rows = data[data.embedding == embedding]
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
    # Labels of methods with the same bits per word are stacked instead of drawn over each other.
    for row, stack in zip(rows.itertuples(), rows.groupby("bits_per_word").cumcount()):
        ax.annotate(
            row.method,
            (row.bits_per_word, row.mean),
            xytext=(5, 3 - 9 * stack),
            textcoords="offset points",
            fontsize=7,
        )
    ax.set_xscale("log")
    ax.set_title(embedding, fontsize=10)
    ax.set_xlabel("bits per word (log scale)")
    ax.grid(True, which="both", alpha=0.3)
axes[0][0].set_ylabel(f"mean Spearman ρ × 100 ({', '.join(TABLE1_DATASETS.values())})")
axes[0][-1].legend(fontsize=8, loc="best")
figure.suptitle("Word-similarity quality against code size (error bars: std over seeds)")
figure.text(0.01, -0.02, stand_in_note(params.embeddings, params.paper_vectors), fontsize=7, ha="left")
save_figure(figure, snakemake.output.png, snakemake.output.pdf)
write_table(data, snakemake.output.csv)
