from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import pandas as pd

from binembed.fileio.files import write_table
from binembed.products.render import write_document
from binembed.products.tables import nir_agreement_grid

agreement = pd.concat([pd.read_csv(path) for path in snakemake.input.agreement], ignore_index=True)
write_table(agreement, snakemake.output.csv)
write_document(
    [nir_agreement_grid(agreement)],
    "NIR agreement",
    snakemake.output.md,
    snakemake.output.html,
    snakemake.output.tex,
)
