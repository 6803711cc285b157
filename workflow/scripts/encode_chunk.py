import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import numpy as np

from binembed.binarizers.chunked import encode_rows
from binembed.threads import use_threads

use_threads(snakemake.threads)
start, stop = snakemake.params.rows
vectors = np.load(snakemake.input.vectors, mmap_mode="r")
encode_rows(snakemake.input.model, vectors, start, stop, snakemake.output[0])
print(f"rows {start} to {stop}", file=sys.stderr)
