import sys

sys.stderr = open(snakemake.log[0], "w")

import json

import pandas as pd

from binembed.datasets import classification_split
from binembed.evaluation import KnnSettings, classify, load_representation
from binembed.files import write_table

wildcards = snakemake.wildcards
knn = snakemake.params.knn
representation = load_representation(snakemake.input)
train, test = classification_split(
    wildcards.task, {split: snakemake.input[split] for split in snakemake.params.splits}
)
settings = KnnSettings(tuple(knn["k_candidates"]), knn["n_folds"], knn["seed"])
per_text, summary = classify(representation, train, test, settings)
run = {
    "embedding": wildcards.embedding,
    "method": wildcards.method,
    "seed": int(wildcards.seed),
    "task": "classification",
    "dataset": wildcards.task,
}
rows = [
    {
        "metric": metric,
        "value": 100.0 * summary[metric],
        "n_used": summary["n_test"],
        "n_total": summary["n_test"],
        "coverage": summary["token_coverage"],
        "k": summary["k"],
        "details": json.dumps({key: summary[key] for key in summary if key not in ("accuracy", "macro_f1")}),
    }
    for metric in ("accuracy", "macro_f1")
]
write_table(pd.DataFrame(rows).assign(**run), snakemake.output.summary)
write_table(per_text.assign(**run), snakemake.output.predictions)
print(json.dumps(summary, indent=1), file=sys.stderr)
