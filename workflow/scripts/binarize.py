import sys

sys.stderr = open(snakemake.log[0], "w")

from pathlib import Path

from binembed.binarizers import BINARIZERS
from binembed.embeddings import load_embedding

wildcards = snakemake.wildcards
embedding = load_embedding(Path(snakemake.input.vectors).parent)
binarizer = BINARIZERS[wildcards.method](**snakemake.params.params)
codes = binarizer.encode(
    embedding.words,
    embedding.vectors,
    metadata={"embedding": wildcards.embedding, "seed": int(wildcards.seed)},
)
codes.save(snakemake.output[0])
print(f"{len(codes.words)} words x {codes.n_bits} bits", file=sys.stderr)
