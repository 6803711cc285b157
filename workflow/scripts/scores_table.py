from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import pandas as pd

from binembed.fileio.files import write_table

COLUMNS = [
    "embedding",
    "method",
    "seed",
    "task",
    "dataset",
    "metric",
    "value",
    "coverage",
    "n_used",
    "n_total",
    "k",
]
table = pd.concat([pd.read_csv(path) for path in snakemake.input], ignore_index=True)
table = table.reindex(columns=COLUMNS).sort_values(
    ["embedding", "task", "dataset", "metric", "method", "seed"]
)
write_table(table, snakemake.output[0])
