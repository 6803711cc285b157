import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

from pathlib import Path

from binembed.fileio.embeddings import save_embedding
from binembed.fileio.sources import read_source

embedding = read_source(snakemake.params.source, snakemake.input[0], snakemake.wildcards.embedding)
save_embedding(embedding, Path(snakemake.output.vectors).parent)
print(f"{len(embedding.words)} words x {embedding.dim} dims", file=sys.stderr)
