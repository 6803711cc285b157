from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import sys
from pathlib import Path

import pandas as pd
import torch  # noqa: F401 (imported before use_threads, which then sets its threads)

from binembed.binarizers.spiking import rate_sample
from binembed.binarizers.spiking.nir_export import export_nir, lif_coder_of, load_nir
from binembed.binarizers.spiking.nir_simulators import SIMULATORS, agreement, nir_module, simulated_codes
from binembed.codes import BinaryCodes
from binembed.fileio.embeddings import load_embedding
from binembed.fileio.files import write_table
from binembed.threads import use_threads

use_threads(snakemake.threads)
embedding = load_embedding(Path(snakemake.input.vectors).parent)
# every word (read in place, not copied), or (products.nir_words) that many evenly spaced
words = snakemake.params.words
sample = slice(None) if words is None else rate_sample(len(embedding.words), words)
vectors = embedding.vectors[sample]
rows = []
for variant, codes_path, graph_path in zip(
    snakemake.params.variants, snakemake.input.codes, snakemake.output.graphs, strict=True
):
    codes = BinaryCodes.load(codes_path)
    if codes.words != embedding.words:
        raise ValueError(f"{codes_path} does not code the words of {snakemake.input.vectors} in order")
    export_nir(lif_coder_of(codes, codes_path), graph_path)
    graph, readout = load_nir(graph_path)  # run what was written, as a user of the file would
    for simulator in SIMULATORS:
        theirs = simulated_codes(nir_module(graph, simulator, readout["dt_s"]), simulator, readout, vectors)
        found = agreement(vectors, codes.packed[sample], theirs, readout)
        rows.append(
            {"embedding": snakemake.wildcards.embedding, "variant": variant, "simulator": simulator, **found}
        )
        print(f"{variant} through {simulator}: {found}", file=sys.stderr)
write_table(pd.DataFrame(rows), snakemake.output.agreement)
