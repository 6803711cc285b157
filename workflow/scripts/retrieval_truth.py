import sys

from binembed.errors import InputError, log_job_to

log_job_to(snakemake.log[0])

import numpy as np

from binembed.configuration.cross_references import retrieval_depth_problems
from binembed.evaluation.retrieval import cosine_rankings, query_rows
from binembed.fileio.files import atomic_output
from binembed.threads import use_threads

use_threads(snakemake.threads)
settings = snakemake.params.retrieval
vectors = np.load(snakemake.input.vectors, mmap_mode="r")
problems = retrieval_depth_problems(settings, len(vectors), f"embedding {snakemake.wildcards.embedding!r}")
if problems:
    raise InputError("; ".join(problems))
queries = query_rows(len(vectors), settings["queries"], settings["seed"])
truth = cosine_rankings(vectors, queries, settings["k"])
with atomic_output(snakemake.output[0]) as path, open(path, "wb") as out:
    np.savez(out, queries=queries, truth=truth)
print(f"{len(queries)} queries, {truth.shape[1]} true neighbours each", file=sys.stderr)
