from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from binembed.fileio.files import save_figure, write_table
from binembed.products.figures import FAMILY_STYLE
from binembed.products.paired_tests import baseline_comparisons, classification_tests
from binembed.products.papers import CLASSIFICATION_TASKS
from binembed.products.statistics import SATURATED_PERCENT, classification_statistics
from binembed.products.tables import stand_in_note

params = snakemake.params
scores = pd.read_csv(snakemake.input.scores)
statistics = classification_statistics(scores).set_index(["embedding", "method", "column"])
ones = classification_statistics(scores, "pooled_ones").set_index(["embedding", "method", "column"])["mean"]
predictions = pd.concat([pd.read_csv(path) for path in snakemake.input.predictions], ignore_index=True)
tasks = [task for task in CLASSIFICATION_TASKS if task in set(predictions.dataset)]
tests = classification_tests(
    predictions, baseline_comparisons(params.embeddings, tasks, params.methods, params.baseline), params.alpha
)
significant = {(t.embedding, t.dataset, t.method_a) for t in tests[tests.significant].itertuples()}
# one panel per (embedding, task), stacked, each as wide as its bars need: readable at page width
panels = [(embedding, task) for embedding in params.embeddings for task in tasks]
figure, axes = plt.subplots(
    len(panels),
    1,
    figsize=(max(8.0, 0.42 * len(params.methods) + 2), 3.4 * len(panels)),
    squeeze=False,
)
positions = np.arange(len(params.methods))
colours = [FAMILY_STYLE[params.families[method]][1] for method in params.methods]
for row, (embedding, task) in zip(axes, panels):
    for ax in row:
        cells = [statistics.loc[(embedding, method, task)] for method in params.methods]
        means = np.array([cell["mean"] for cell in cells])
        stds = np.nan_to_num(np.array([cell["std"] for cell in cells]))
        filled = np.array([ones.get((embedding, method, task), np.nan) for method in params.methods])
        saturated = filled >= SATURATED_PERCENT
        bars = ax.bar(positions, means, yerr=stds, color=colours, capsize=3)
        for bar, is_saturated in zip(bars, saturated):
            if is_saturated:
                bar.set_hatch("///")
                bar.set_edgecolor("white")
        for x, method, top, percent in zip(positions, params.methods, means + stds, filled):
            label = "*" if (embedding, task, method) in significant else ""
            if np.isfinite(percent):  # codes: how full the OR-pooled test codes are
                box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
                ax.annotate(f"{percent:.0f}", (x, 1.5), ha="center", va="bottom", fontsize=6, bbox=box)
            if label:
                ax.annotate(label, (x, top), ha="center", va="bottom", fontsize=12)
        ax.set_xticks(positions, params.methods, rotation=60, ha="right", fontsize=8)
        ax.set_ylim(0, 100)
        ax.set_title(f"{CLASSIFICATION_TASKS[task]}: {embedding}", fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
        ax.set_ylabel("accuracy (%)")
figure.suptitle(
    f"Fig. 3 (after Wang et al. 2019): kNN accuracy; error bars std over seeds\n* differs from "
    f"{params.baseline} (exact paired permutation test over all seeds, McNemar's with one seed a side; Holm over {len(tests)} tests, α = {params.alpha})\n"
    f"number at the foot of a bar: % ones in the OR-pooled test codes; hatched: saturated "
    f"(≥ {SATURATED_PERCENT:g} %), a code that cannot classify",
    fontsize=10,
)
figure.tight_layout()
figure.text(0.01, -0.01, stand_in_note(params.embeddings, params.paper_vectors), fontsize=7, ha="left")
save_figure(figure, snakemake.output.png, snakemake.output.pdf)
write_table(tests, snakemake.output.tests)
