from binembed.errors import InputError, log_job_to

log_job_to(snakemake.log[0])

import json
from pathlib import Path

import numpy as np
import pandas as pd

from binembed.binarizers.spiking import DURATION_MS, rate_sample, simulate_word, spikes_and_codes
from binembed.codes import unpack_bits
from binembed.fileio.embeddings import load_embedding
from binembed.fileio.files import atomic_output, write_table
from binembed.methods import METHODS, build_binarizer
from binembed.threads import use_threads

use_threads(snakemake.threads)

embedding = load_embedding(Path(snakemake.input.vectors).parent)
word, neuron = snakemake.params.word, snakemake.params.neuron
row = embedding.index().get(word.lower())
if row is None:
    raise InputError(
        f"config key 'spike_raster.word': {word!r} is not in the vocabulary of {snakemake.wildcards.embedding}"
    )
if neuron > embedding.dim:
    raise InputError(f"config key 'spike_raster.neuron': {neuron} > {embedding.dim} dimensions")
arrays = {"vector": np.asarray(embedding.vectors[row], dtype=np.float64)}
# the words whose spikes are counted for the firing rates: evenly spaced over the vocabulary
sample = rate_sample(len(embedding.words), snakemake.params.rate_words)
sample_vectors = np.asarray(embedding.vectors[sample])
ceiling = snakemake.params.ceiling_hz
rates = []
settings = {}
for variant, run in snakemake.params.runs.items():
    tuning = snakemake.input.get(f"tuning_{variant}")
    tuned = json.loads(Path(tuning).read_text())["params"] if tuning else {}
    settings[variant] = {**run["params"], **tuned}
    for seed in run["seeds"]:
        binarizer = build_binarizer(run["method"], run["params"], tuned=tuned, seed=seed)
        # and what the coder's defaults filled in (v_th, which the figure draws, among them)
        filled = METHODS[run["method"]].settings.keys() - settings[variant].keys()
        settings[variant].update({k: v for k, v in binarizer.get_params().items() if k in filled})
        binarizer.fit(embedding.vectors)
        raster, potential = simulate_word(binarizer, embedding.vectors[row])
        arrays[f"{variant}__seed-{seed}__raster"] = raster
        arrays[f"{variant}__seed-{seed}__potential"] = potential[neuron - 1]
        counts, codes = spikes_and_codes(binarizer, sample_vectors)
        hz = counts * (1000.0 / DURATION_MS)
        ones = unpack_bits(codes, binarizer.n_bits_)
        rates.append(
            (
                snakemake.wildcards.embedding,
                variant,
                seed,
                len(sample),
                hz.mean(),
                np.median(hz),
                100.0 * np.mean(hz > ceiling),
                100.0 * ones.mean(),
            )
        )
arrays["settings"] = np.array(
    json.dumps({"word": word, "row": int(row), "neuron": neuron, "params": settings})
)
with atomic_output(snakemake.output.rasters, suffix=".npz") as tmp:
    np.savez_compressed(tmp, **arrays)
write_table(
    pd.DataFrame(
        rates,
        columns=[
            "embedding",
            "method",
            "seed",
            "words",
            "rate_hz",
            "median_rate_hz",
            "above_ceiling_percent",
            "ones_percent",
        ],
    ),
    snakemake.output.rates,
)
