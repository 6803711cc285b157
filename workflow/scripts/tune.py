import sys

from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import json
from pathlib import Path

from binembed.binarizers.spiking import rate_sample
from binembed.evaluation.tuning import TuningError, grid_edges, tune
from binembed.fileio.datasets import read_word_similarity
from binembed.fileio.embeddings import load_embedding
from binembed.fileio.files import atomic_output, write_table
from binembed.methods import grid_for
from binembed.threads import use_threads

use_threads(snakemake.threads)

method = snakemake.params.method
embedding = load_embedding(Path(snakemake.input.vectors).parent)
pairs = {
    name: read_word_similarity(path) for name, path in zip(snakemake.params.datasets, snakemake.input.pairs)
}
grid = grid_for(method, snakemake.params.grid)
try:
    rate_rows = rate_sample(len(embedding.words), snakemake.params.rate_words)
    table, best = tune(method, snakemake.params.params, grid, embedding, pairs, rate_rows)
except TuningError as error:
    raise TuningError(f"{snakemake.wildcards.embedding}: {error}") from None
write_table(table, snakemake.output.grid)
edges = grid_edges(grid, best)
for name in edges:
    print(
        f"WARNING: {snakemake.wildcards.embedding} {method}: the chosen {name} = {best[name]} is on the "
        f"edge of its grid {sorted(grid[name])} (config key 'tuning.grid'); the optimum may lie beyond it",
        file=sys.stderr,
    )
choice = {
    "params": best,
    "score": float(table["score"].max()),
    "protocol": snakemake.params.protocol,
    "datasets": list(pairs),
    "grid_edges": edges,
}
with atomic_output(snakemake.output.choice) as tmp:
    tmp.write_text(json.dumps(choice, indent=1, sort_keys=True))
print(json.dumps(choice), file=sys.stderr)
