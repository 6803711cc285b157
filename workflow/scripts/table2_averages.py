from binembed.errors import log_job_to

log_job_to(snakemake.log[0])

import pandas as pd

from binembed.fileio.files import write_table
from binembed.products.papers import CLASSIFICATION_TASKS, TABLE1_DATASETS
from binembed.products.render import write_document
from binembed.products.statistics import saturation_marks, table2_statistics
from binembed.products.tables import (
    SATURATION_NOTE,
    rate_limited_note,
    seeds_note,
    stand_in_note,
    statistics_grid,
)

params = snakemake.params
statistics = table2_statistics(pd.read_csv(snakemake.input.scores))
grid = statistics_grid(
    statistics,
    "Table 2 (after Wang et al. 2019): average word similarity and classification accuracy",
    params.methods,
    params.embeddings,
    {
        "word_similarity": "Word sim.",
        "classification": "Classif.",
        "pooled_ones": "Ones %",
        "overall": "Overall",
    },
    saturation_marks(statistics, ["classification", "pooled_ones"]),
    notes=[
        (
            f"Word sim.: mean Spearman ρ × 100 over {', '.join(TABLE1_DATASETS.values())}. "
            f"Classif.: mean kNN accuracy (%) over {', '.join(CLASSIFICATION_TASKS.values())}. "
            "Ones %: mean percentage of ones in the OR-pooled test codes of those tasks. "
            "Overall: mean of Word sim. and Classif. Averages are taken per seed first."
        ),
        SATURATION_NOTE,
        seeds_note(statistics),
        stand_in_note(params.embeddings, params.paper_vectors),
        rate_limited_note(params.rate_limits_hz),
    ],
)
write_table(statistics, snakemake.output.csv)
write_document([grid], "Table 2", snakemake.output.md, snakemake.output.html, snakemake.output.tex)
