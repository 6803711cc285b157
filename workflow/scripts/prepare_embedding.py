import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

from pathlib import Path

from binembed.fileio.embeddings import save_embedding
from binembed.fileio.sources import read_source

embedding = read_source(snakemake.params.source, snakemake.input[0], snakemake.wildcards.embedding)
save_embedding(embedding, Path(snakemake.output.vectors).parent)
print(f"{len(embedding.words)} words x {embedding.dim} dims", file=sys.stderr)
