import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import logging

from binembed.fileio.download import download_options, obtain

logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
obtain(
    snakemake.wildcards.resource,
    snakemake.params.spec,
    snakemake.output[0],
    mirror=snakemake.params.mirror,
    **download_options(snakemake.params.download),
)
