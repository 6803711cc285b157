import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

from pathlib import Path

import pandas as pd

from binembed.fileio.files import write_table

# benchmarks/<rule>/<job wildcards...>.tsv -> one row per job: wall seconds, peak memory (MB)
rows = []
for path in map(Path, snakemake.input):
    record = pd.read_csv(path, sep="\t").iloc[-1]
    parts = path.with_suffix("").parts[1:]
    rows.append(
        {
            "rule": parts[0],
            "job": "/".join(parts[1:]),
            "seconds": record["s"],
            "max_rss_mb": record["max_rss"],
            "cpu_seconds": record["cpu_time"],
        }
    )
table = pd.DataFrame(rows).sort_values(["rule", "job"])
summary = table.groupby("rule").agg(
    jobs=("job", "size"),
    seconds=("seconds", "sum"),
    max_seconds=("seconds", "max"),
    max_rss_mb=("max_rss_mb", "max"),
)
print(summary.to_string(), file=sys.stderr)
write_table(table, snakemake.output[0])
