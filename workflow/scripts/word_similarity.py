import sys

sys.stderr = open(snakemake.log[0], "w")

import pandas as pd

from binembed.datasets import read_word_similarity
from binembed.evaluation import load_representation, word_similarity
from binembed.files import write_table

wildcards = snakemake.wildcards
representation = load_representation(snakemake.input)
summaries, pairs = [], []
for dataset, path in zip(snakemake.params.datasets, snakemake.input.pairs):
    per_pair, summary = word_similarity(representation, read_word_similarity(path))
    pairs.append(per_pair.assign(dataset=dataset))
    summaries.append(
        {
            "dataset": dataset,
            "metric": "spearman",
            "value": summary["spearman"],
            "n_used": summary["n_used"],
            "n_total": summary["n_total"],
            "coverage": summary["coverage"],
        }
    )
run = {
    "embedding": wildcards.embedding,
    "method": wildcards.method,
    "seed": int(wildcards.seed),
    "task": "word_similarity",
}
write_table(pd.DataFrame(summaries).assign(**run), snakemake.output.summary)
write_table(pd.concat(pairs, ignore_index=True).assign(**run), snakemake.output.pairs)
