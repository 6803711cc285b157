import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

import numpy as np

from binembed.binarizers.chunked import encode_rows
from binembed.threads import use_threads

use_threads(snakemake.threads)
start, stop = snakemake.params.rows
vectors = np.load(snakemake.input.vectors, mmap_mode="r")
encode_rows(snakemake.input.model, vectors, start, stop, snakemake.output[0])
print(f"rows {start} to {stop}", file=sys.stderr)
