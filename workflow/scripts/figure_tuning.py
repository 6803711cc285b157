import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from binembed.fileio.files import save_figure
from binembed.products.figures import tuning_curves

STYLES = ["-", "--", ":", "-."]
params = snakemake.params
runs = params.runs  # (embedding, variant) in the order of the input files
embeddings = list(dict.fromkeys(e for e, _ in runs))
variants = list(dict.fromkeys(v for _, v in runs))
figure, axes = plt.subplots(
    len(variants),
    len(embeddings),
    figsize=(4.6 * len(embeddings) + 1.6, 2.5 * len(variants)),
    squeeze=False,
)
for ax in axes.flat:
    ax.set_visible(False)
legends = {}
for (embedding, variant), grid_path, choice_path in zip(runs, snakemake.input.grids, snakemake.input.choices):
    row = variants.index(variant)
    ax = axes[row, embeddings.index(embedding)]
    ax.set_visible(True)
    choice = json.loads(Path(choice_path).read_text())
    scan, others, curves, chosen = tuning_curves(pd.read_csv(grid_path), choice["params"])
    # colour: the last varying parameter (v_th); line style: tol
    styled = others.index("tol") if "tol" in others else None
    coloured = max((i for i, n in enumerate(others) if n != "tol"), default=None)
    colour_values = sorted({key[coloured] for key in curves}) if coloured is not None else []
    style_values = sorted({key[styled] for key in curves}) if styled is not None else []
    colormap = plt.get_cmap("viridis")
    for key, (x, y) in curves.items():
        colour = (
            colormap(colour_values.index(key[coloured]) / max(len(colour_values) - 1, 1))
            if colour_values
            else "tab:blue"
        )
        style = STYLES[style_values.index(key[styled]) % len(STYLES)] if style_values else "-"
        ax.plot(x, y, style, marker=".", color=colour, linewidth=1.2, markersize=4)
    ax.plot(*chosen, marker="*", markersize=14, color="red", linestyle="none", zorder=5)
    ax.set_xscale("log", base=2)
    ax.set_title(f"{variant}: {embedding}", fontsize=9)
    ax.set_xlabel(scan, fontsize=8)
    ax.set_ylabel("held-out score", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, alpha=0.3)
    if choice.get("grid_edges"):
        ax.text(0.02, 0.95, "on the grid's edge: " + ", ".join(choice["grid_edges"]), transform=ax.transAxes,
                fontsize=7, color="red", va="top")  # fmt: skip
    handles = [Line2D([], [], marker="*", color="red", linestyle="none", markersize=10, label="chosen")]
    handles += [
        Line2D([], [], color=colormap(i / max(len(colour_values) - 1, 1)), label=f"{others[coloured]}={v:g}")
        for i, v in enumerate(colour_values)
    ]
    handles += [
        Line2D([], [], color="black", linestyle=STYLES[i % len(STYLES)], label=f"tol={v:g}")
        for i, v in enumerate(style_values)
    ]
    legends[row] = handles
for row, handles in legends.items():
    axes[row, -1].legend(
        handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False
    )
datasets = ", ".join(params.datasets)
figure.suptitle(
    f"Tuning of the spiking coders: score ({params.protocol}: mean Spearman × 100 on {datasets}) "
    "across each grid\none line per setting of the other parameters; red star: the chosen point",
    fontsize=10,
)
figure.tight_layout()
save_figure(figure, snakemake.output.png, snakemake.output.pdf)
plt.close(figure)
print(f"{len(runs)} tuning grids plotted", file=sys.stderr)
