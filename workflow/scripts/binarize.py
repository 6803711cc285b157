import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

from pathlib import Path

from binembed.embeddings import load_embedding
from binembed.encoding import configured_binarizer, gather_codes
from binembed.threads import use_threads

wildcards, inputs = snakemake.wildcards, snakemake.input
use_threads(snakemake.threads)
embedding = load_embedding(Path(inputs.vectors).parent)
if "chunks" in inputs.keys():  # noqa: SIM118 (InputFiles: `in` tests values)
    # fitted by fit_binarizer, encoded by encode_chunk jobs: join them
    codes = gather_codes(embedding.words, inputs.model, list(inputs.chunks))
    print(f"joined {len(inputs.chunks)} chunks", file=sys.stderr)
else:
    params = snakemake.params
    binarizer, metadata = configured_binarizer(
        params.method, params.params, wildcards, snakemake.threads, inputs.get("tuning")
    )
    codes = binarizer.encode(embedding.words, embedding.vectors, metadata=metadata)
codes.save(snakemake.output[0])
print(f"{codes.metadata['method']} {codes.metadata['params']}: {len(codes.words)} words x {codes.n_bits} bits",
      file=sys.stderr)  # fmt: skip
