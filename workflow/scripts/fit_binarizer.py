import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

from pathlib import Path

from binembed.binarizers.chunked import configured_binarizer, fit_model
from binembed.fileio.embeddings import load_embedding
from binembed.threads import use_threads

wildcards, inputs = snakemake.wildcards, snakemake.input
use_threads(snakemake.threads)
embedding = load_embedding(Path(inputs.vectors).parent)
params = snakemake.params
binarizer, metadata = configured_binarizer(
    params.method, params.params, wildcards, snakemake.threads, inputs.get("tuning")
)
fit_model(binarizer, embedding.vectors, metadata, snakemake.output[0])
print(f"fitted {binarizer.get_params()} on {len(embedding.words)} words", file=sys.stderr)
