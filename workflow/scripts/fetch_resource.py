import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

import logging

from binembed.download import DEFAULT_DEADLINE, obtain

logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
download = snakemake.params.download
obtain(
    snakemake.wildcards.resource,
    snakemake.params.spec,
    snakemake.output[0],
    mirror=snakemake.params.mirror,
    retries=download["retries"],
    backoff=download["backoff_seconds"],
    timeout=download["timeout_seconds"],
    deadline=download.get("deadline_seconds", DEFAULT_DEADLINE),
)
