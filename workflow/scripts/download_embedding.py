import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import logging

from binembed.fileio.download import download, download_options

logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
source = snakemake.params.source
download(
    source["url"],
    snakemake.output[0],
    sha256=source["sha256"],
    name=snakemake.wildcards.embedding,
    **download_options(snakemake.params.download),
)
