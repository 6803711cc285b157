import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

import logging

from binembed.download import DEFAULT_DEADLINE, download

logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
source, settings = snakemake.params.source, snakemake.params.download
download(
    source["url"],
    snakemake.output[0],
    sha256=source["sha256"],
    name=snakemake.wildcards.embedding,
    retries=settings["retries"],
    backoff=settings["backoff_seconds"],
    timeout=settings["timeout_seconds"],
    deadline=settings.get("deadline_seconds", DEFAULT_DEADLINE),
)
