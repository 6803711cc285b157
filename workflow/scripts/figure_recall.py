from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from binembed.fileio.files import save_figure, write_table
from binembed.products.figures import FAMILY_STYLE, label_points
from binembed.products.tables import stand_in_note

params = snakemake.params
k = params.retrieval["k"]
speed = pd.read_csv(snakemake.input.speed)
speed["query_ms"] = 1e3 * speed.query_seconds
data = speed[["embedding", "method", "bytes_per_word", "query_ms", "recall", "recall_reranked"]]
drawn = data[np.isfinite(data.recall)]
AXES = (("bytes_per_word", "bytes per word (log scale)"), ("query_ms", "top-10 query time, ms (log scale)"))
figure, axes = plt.subplots(
    len(params.embeddings), 2, figsize=(17, 5.6 * len(params.embeddings)), squeeze=False, sharey=True
)
for row_axes, embedding in zip(axes, params.embeddings):
    rows = drawn[drawn.embedding == embedding]
    for ax, (x, label) in zip(row_axes, AXES):
        for family, (name, colour) in FAMILY_STYLE.items():
            members = rows[rows.method.map(params.families) == family]
            if members.empty:
                continue
            ax.vlines(members[x], members.recall, members.recall_reranked, color=colour, linewidth=0.8)
            ax.plot(members[x], members.recall, "o", color=colour, label=name)
            ax.plot(members[x], members.recall_reranked, "o", mfc="none", color=colour)
        ax.set_xscale("log")
        if not rows.empty:
            ax.set_xlim(rows[x].min() / 1.6, rows[x].max() * 6)  # room for the labels
        ax.set_title(embedding, fontsize=10)
        ax.set_xlabel(label)
        ax.grid(True, which="both", alpha=0.3)
    row_axes[0].set_ylabel(f"recall@{k}, % of the true {k} nearest found")
axes[0][-1].legend(fontsize=7, loc="lower right")
figure.suptitle(
    f"Retrieval: recall@{k} of the dense cosine neighbours (filled) and after re-ranking the code's "
    f"{params.retrieval['candidates']} nearest by cosine (open), against size and query time"
)
figure.tight_layout()
for row_axes, embedding in zip(axes, params.embeddings):
    rows = drawn[drawn.embedding == embedding]
    for ax, (x, _) in zip(row_axes, AXES):
        label_points(ax, rows[x], rows.recall, rows.method)
note = stand_in_note(params.embeddings, params.paper_vectors)
figure.text(
    0.01,
    -0.02,
    f"{params.retrieval['queries']:,} query words drawn from the vocabulary (seed {params.retrieval['seed']}); "
    "seed means; query time as in the speed table (first seed, one thread). " + note,
    fontsize=7,
    ha="left",
)
save_figure(figure, snakemake.output.png, snakemake.output.pdf)
write_table(data, snakemake.output.csv)
