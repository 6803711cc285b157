from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import json
import sys

import pandas as pd

from binembed.evaluation.tuning import TuningError, choice_under
from binembed.fileio.files import atomic_output
from binembed.methods import grid_for

params = snakemake.params
grid = grid_for(params.method, params.grid)
table = pd.read_csv(snakemake.input.grid)
found = choice_under(table, grid, params.ceiling_hz)
if found is None:
    slowest = table["rate_hz"].min()
    raise TuningError(
        f"{snakemake.wildcards.embedding}: no grid point of {params.method} fires at most {params.ceiling_hz:g} Hz "
        f"on average (the slowest: {slowest:.0f} Hz); lower config key 'tuning.grid' or raise "
        "'tuning.rate_limits_hz'"
    )
choice = {
    **found,
    "ceiling_hz": params.ceiling_hz,
    "protocol": params.protocol,
    "datasets": list(params.datasets),
    "grid_edges": [],
}
with atomic_output(snakemake.output.choice) as tmp:
    tmp.write_text(json.dumps(choice, indent=1, sort_keys=True))
print(json.dumps(choice), file=sys.stderr)
