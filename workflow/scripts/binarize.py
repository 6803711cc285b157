import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

import json
from pathlib import Path

import numba

from binembed.embeddings import load_embedding
from binembed.methods import build_binarizer

wildcards = snakemake.wildcards
method = snakemake.params.method
metadata = {"embedding": wildcards.embedding, "variant": wildcards.variant, "seed": int(wildcards.seed)}
tuned = None
if "tuning" in snakemake.input.keys():  # noqa: SIM118 (InputFiles: `in` tests values)
    choice = json.loads(Path(snakemake.input.tuning).read_text())
    tuned = choice["params"]
    metadata["tuning"] = {key: choice[key] for key in ("protocol", "datasets", "score")}
numba.set_num_threads(snakemake.threads)
embedding = load_embedding(Path(snakemake.input.vectors).parent)
binarizer = build_binarizer(
    method, snakemake.params.params, tuned=tuned, seed=int(wildcards.seed), threads=snakemake.threads
)
codes = binarizer.encode(embedding.words, embedding.vectors, metadata=metadata)
codes.save(snakemake.output[0])
print(f"{method} {binarizer.get_params()}: {len(codes.words)} words x {codes.n_bits} bits", file=sys.stderr)
