from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from binembed.binarizers.spiking import DT_MS
from binembed.fileio.files import save_figure
from binembed.products.papers import FIG2_POTENTIALS, FIG2_RASTERS

with np.load(snakemake.input[0]) as archive:
    arrays = {key: archive[key] for key in archive.files}
settings = json.loads(str(arrays["settings"]))
# (variant, "seed-<s>") of every exported raster, seeds ascending as written.
runs = [key.removesuffix("__raster").split("__") for key in arrays if key.endswith("__raster")]
rasters = [(variant, seed) for wanted in FIG2_RASTERS for variant, seed in runs if variant == wanted]
potentials = [
    next((variant, seed) for variant, seed in runs if variant == wanted)
    for wanted in FIG2_POTENTIALS
    if any(variant == wanted for variant, _ in runs)
]
panels = len(rasters) + len(potentials)
figure, axes = plt.subplots(panels, 1, figsize=(8, 1.9 * panels), squeeze=False, sharex=True)
axes = axes[:, 0]
for ax, (variant, seed) in zip(axes, rasters):
    raster = arrays[f"{variant}__{seed}__raster"]
    duration = raster.shape[1] * DT_MS
    ax.imshow(
        raster, aspect="auto", cmap="Greys", interpolation="nearest", extent=(0, duration, raster.shape[0], 0)
    )
    ax.set_title(f"{variant}, {seed}: {int(raster.sum())} spikes", fontsize=9)
    ax.set_ylabel("neuron")
for ax, (variant, seed) in zip(axes[len(rasters) :], potentials):
    v_th = settings["params"][variant]["v_th"]
    potential = arrays[f"{variant}__{seed}__potential"]
    if variant.startswith("izh_"):
        # Euler's last step before a reset overshoots the spike peak v_th (to +100 mV and more);
        # the model's spike peaks at v_th, where Izhikevich's own figures cut it
        potential = np.minimum(potential, v_th)
    time = (np.arange(len(potential)) + 1) * DT_MS
    ax.plot(time, potential, color="tab:blue")
    ax.axhline(v_th, color="tab:red", linestyle="--", linewidth=1, label="v_th")
    ax.set_title(f"{variant}, {seed}: membrane potential of neuron {settings['neuron']}", fontsize=9)
    ax.set_ylabel("potential")
    ax.legend(fontsize=8, loc="upper right")
axes[-1].set_xlabel("time (ms)")
figure.suptitle(
    f"Fig. 2 (after Wang et al. 2019): spike rasters of {settings['word']!r} "
    f"({snakemake.wildcards.embedding})",
    fontsize=10,
)
figure.tight_layout()
save_figure(figure, snakemake.output.png, snakemake.output.pdf)
