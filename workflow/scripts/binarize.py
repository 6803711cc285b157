import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

from pathlib import Path

from binembed.binarizers.chunked import configured_binarizer, encode_vocabulary, gather_codes
from binembed.fileio.embeddings import load_embedding
from binembed.threads import use_threads

wildcards, inputs, params = snakemake.wildcards, snakemake.input, snakemake.params
use_threads(snakemake.threads)
embedding = load_embedding(Path(inputs.vectors).parent)
for seed, path in zip(params.seeds, snakemake.output, strict=True):
    model = inputs.get(f"model_{seed}")
    if model is not None:
        # fitted by fit_binarizer, encoded by encode_chunk jobs: join them
        chunks = list(inputs.get(f"chunks_{seed}"))
        codes = gather_codes(embedding.words, model, chunks)
        print(f"seed {seed}: joined {len(chunks)} chunks", file=sys.stderr)
    else:
        job = {"embedding": wildcards.embedding, "variant": wildcards.variant, "seed": seed}
        binarizer, metadata = configured_binarizer(
            params.method, params.params, job, snakemake.threads, inputs.get("tuning")
        )
        codes = encode_vocabulary(binarizer, embedding.words, embedding.vectors, metadata)
    codes.save(path)
    print(f"seed {seed}: {codes.metadata['method']} {codes.metadata['params']}: "
          f"{len(codes.words)} words x {codes.n_bits} bits", file=sys.stderr)  # fmt: skip
