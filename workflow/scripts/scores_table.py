import sys

sys.stderr = open(snakemake.log[0], "w")

from binembed.errors import report_input_errors_briefly

report_input_errors_briefly()

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
