import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

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
